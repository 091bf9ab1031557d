"""A planner's own plant list (e.g. the city's pollutant-permit register, 排污许可) in place of the default plants.

The file (CSV, UTF-8 or GBK, or an .xlsx workbook's first sheet) has the columns of :data:`COLUMNS`; the
template is ``inputs/templates/plant_list_template.csv`` and the columns are explained in inputs/README.md. It
replaces the default plants **of the sectors it lists, in the cities its plants are in**: a Linfen register of
steel and coking plants replaces Linfen's steel and coking rows (named plants and remainders alike) and nothing
else. Seed projects (projects.csv) at a replaced plant are dropped and said so.

The file is only read, never written, and nothing in it is run: a hostile list can at worst be refused.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from .domain import PLANT_EFFECTS
from .errors import did_you_mean
from .inputs import (CAPACITY_UNITS, TABLES, Col, Dataset, InputDataError, InputIssue, _check_header, _not_a_data_file,
                     _parse_column, _read_csv)
from .textsafe import CONTROL_CHARACTERS

#: a register of a whole province is a few MB; anything far larger is not a plant list
MAX_BYTES = 20_000_000
MAX_ROWS = 50_000

#: the columns of a planner's plant list, as in enterprises.csv except: ``county`` takes a code or a name
#: (``临汾市 尧都区`` where a name is not unique), ``permit_id`` is the register's own id (kept as tracker_id), and
#: no ids, identity or blocks (every row is a named plant, taken whole)
COLUMNS = [Col("permit_id", required=False)] + [
    Col("county") if c.name == "county_code" else c for c in TABLES["enterprises"]
    if c.name not in ("enterprise_id", "coord_source", "plant_identity", "tracker_id", "blocks")]
TEMPLATE = Path(__file__).resolve().parents[1] / "inputs" / "templates" / "plant_list_template.csv"


@dataclass(frozen=True)
class Replacement:
    """What a plant list replaced: per (city, sector) the default rows and capacity out, the list's rows in."""

    path: Path
    table: pd.DataFrame  # city, sector, default_rows, default_capacity, list_rows, list_capacity, capacity_unit
    projects_dropped: list[str]
    sha256: str = ""  # of the file as it was read (the manifest records it)


def read_plant_list(path: Path, ds: Dataset) -> pd.DataFrame:
    """The plant list at ``path`` as enterprises.csv rows, or :class:`InputDataError` naming every bad row and
    column. Ids are ``U<6 hex of the file's sha256>-<row>`` (U3fa2c1-0001 ...): two lists never share an id, so a
    comparison of runs on different lists does not take their plants for the same."""
    path = Path(path)
    fname = path.name
    issues: list[InputIssue] = []
    problem = _not_a_data_file(path)
    if problem is None and path.stat().st_size > MAX_BYTES:
        problem = f"is {path.stat().st_size / 1e6:,.0f} MB; a plant list is at most {MAX_BYTES / 1e6:.0f} MB"
    if problem:
        raise InputDataError([InputIssue(fname, problem)])
    digest = hashlib.sha256(path.read_bytes()).hexdigest()  # once, after the checks: a huge file is never read
    warnings: list[str] = []
    raw = _read_xlsx(path, issues) if path.suffix.lower() == ".xlsx" else _read_csv(path, issues, warnings)
    if raw is not None and len(raw) > MAX_ROWS:
        issues.append(InputIssue(fname, f"has {len(raw):,} rows; a plant list is at most {MAX_ROWS:,}"))
    if raw is None or issues or not _check_header(fname, raw, COLUMNS, issues):
        raise InputDataError(issues or [InputIssue(fname, "cannot be read")])
    if raw.empty:
        raise InputDataError([InputIssue(fname, "has no plant rows below its header; fill in the template "
                                                f"{TEMPLATE.name}")])
    raw = raw[[c.name for c in COLUMNS]]
    for col in raw.columns:  # a control character (a pasted line break, an escape) is a mistake, never data
        bad = raw[col].str.contains(CONTROL_CHARACTERS, regex=True)
        for i in raw.index[bad]:
            issues.append(InputIssue(fname, "holds a control character; type the text plainly", int(i) + 2, col))
    typed = pd.DataFrame({c.name: _parse_column(fname, raw, c, issues) for c in COLUMNS})
    typed["county_code"] = _county_codes(fname, typed["county"], ds, issues)
    _check_units(fname, typed, ds, issues)
    if issues:
        raise InputDataError(issues)
    rows = _as_enterprises(typed, ds, path, digest)
    rows.attrs["sha256"] = digest  # the manifest records the bytes that were read
    return rows


def replace_plants(ds: Dataset, path: Path) -> tuple[Dataset, Replacement]:
    """``ds`` with the plant list at ``path`` in place of the default plants of its sectors in its cities."""
    rows = read_plant_list(path, ds)
    city = ds.regions["city_code"]
    e = ds.enterprises
    e_city = e["county_code"].map(city)
    new_city = rows["county_code"].map(city)
    covered = set(zip(new_city, rows["sector"]))
    out = pd.Series([(c, s) in covered for c, s in zip(e_city, e["sector"])], index=e.index)
    kept = e[~out]
    enterprises = pd.concat([kept, rows], ignore_index=False)
    dropped = ds.projects[ds.projects["enterprise_id"].isin(e.index[out])]
    projects = ds.projects.drop(dropped.index)
    table = []
    for (c, s) in sorted(covered):
        old = e[out & (e_city == c) & (e["sector"] == s)]
        new = rows[(new_city == c) & (rows["sector"] == s)]
        table.append({"city": ds.regions.loc[c, "name_zh"], "sector": s, "default_rows": len(old),
                      "default_capacity": float(old["capacity"].sum()), "list_rows": len(new),
                      "list_capacity": float(new["capacity"].sum()), "capacity_unit": new["capacity_unit"].iloc[0]})
    return (replace(ds, enterprises=enterprises, projects=projects),
            Replacement(Path(path), pd.DataFrame(table), [f"{r.project_id} {r.name_zh}" for r in dropped.itertuples()],
                        rows.attrs["sha256"]))


# --------------------------------------------------------------------------- helpers
def _read_xlsx(path: Path, issues: list[InputIssue]) -> pd.DataFrame | None:
    """The first sheet, every cell as text (numbers as Excel shows them, without a trailing .0)."""
    try:
        df = pd.read_excel(path, sheet_name=0, dtype=object, engine="openpyxl")
    except Exception as err:  # noqa: BLE001 - a corrupt or non-xlsx file: say so, whatever the library raised
        issues.append(InputIssue(path.name, f"is not a readable .xlsx workbook ({type(err).__name__}); save it "
                                            "again from Excel or as CSV UTF-8"))
        return None

    def text(v) -> str:
        if v is None or (isinstance(v, float) and v != v):
            return ""
        if isinstance(v, float) and v.is_integer():
            return str(int(v))
        return str(v)

    df.columns = [text(c).strip() for c in df.columns]
    return df.map(text)


def _county_codes(fname: str, county: pd.Series, ds: Dataset, issues: list[InputIssue]) -> pd.Series:
    """County codes from a code or a Chinese name (``市名 县名`` where the name alone is not unique)."""
    counties = ds.counties
    by_name: dict[str, list[str]] = {}
    for code, r in counties.iterrows():
        city_name = ds.regions.loc[r["city_code"], "name_zh"]
        for key in (r["name_zh"], f"{city_name} {r['name_zh']}", f"{city_name}{r['name_zh']}"):
            by_name.setdefault(key, []).append(code)
    out = []
    for i, v in county.items():
        v = str(v).strip()
        hits = [v] if v in counties.index else by_name.get(v, [])
        if len(hits) == 1:
            out.append(hits[0])
            continue
        if len(hits) > 1:
            which = "; ".join(f"{ds.regions.loc[ds.regions.loc[h, 'city_code'], 'name_zh']} {v} ({h})" for h in hits)
            issues.append(InputIssue(fname, f"'{v}' is the name of {len(hits)} counties ({which}); write the city "
                                            "and the county, or the code", int(i) + 2, "county"))
        elif v:
            issues.append(InputIssue(fname, f"'{v}' is not a Shanxi county code or name"
                                            f"{did_you_mean(v, list(by_name) + list(counties.index))}",
                                     int(i) + 2, "county"))
        out.append("")
    return pd.Series(out, index=county.index)


def _check_units(fname: str, t: pd.DataFrame, ds: Dataset, issues: list[InputIssue]) -> None:
    """A plant's capacity unit must be the one its sector's measures are costed in (as in enterprises.csv)."""
    m = ds.measures
    cap = m[(m["applies_to"] == "enterprise") & m["unit"].isin(CAPACITY_UNITS)]
    unit_of = {s: u for ss, u in zip(cap["sector"], cap["unit"]) for s in str(ss).split("|")}
    for i, r in t.iterrows():
        want = unit_of.get(r["sector"])
        if want and r["capacity_unit"] and r["capacity_unit"] != want:
            issues.append(InputIssue(fname, f"capacity_unit '{r['capacity_unit']}' differs from '{want}', the unit "
                                            f"the {r['sector']} measures are costed in; state the capacity in {want}",
                                     int(i) + 2, "capacity_unit"))


def _default_processes(ds: Dataset) -> dict[str, str]:
    """The most common process of each sector in the dataset: a plant row that leaves process empty."""
    e = ds.enterprises
    return {s: part["process"].value_counts().index[0] for s, part in e.groupby("sector") if len(part)}


def _as_enterprises(t: pd.DataFrame, ds: Dataset, path: Path, digest: str) -> pd.DataFrame:
    ids = [f"U{digest[:6]}-{i + 1:04d}" for i in range(len(t))]
    default_process = _default_processes(ds)
    process = [p or default_process.get(s, "") for p, s in zip(t["process"], t["sector"])]
    has_position = t["latitude"].notna() & t["longitude"].notna()
    point = _county_points(ds, t["county_code"])
    lat = t["latitude"].where(has_position, point["latitude"])
    lon = t["longitude"].where(has_position, point["longitude"])
    coord = has_position.map({True: f"planner's plant list {path.name}",
                              False: "county centroid (inside counties.geojson); not the plant's own position"})
    source = [f"planner's plant list {path.name} row {i + 2}: {s}" + ("" if p else f"; process: the sector's "
              f"commonest, {default_process.get(sec, '')}") for i, (s, p, sec) in
              enumerate(zip(t["source"], t["process"], t["sector"]))]
    out = pd.DataFrame({
        "enterprise_id": ids, "name_zh": t["name_zh"].to_numpy(), "name_en": t["name_en"].to_numpy(),
        "sector": t["sector"].to_numpy(), "process": process, "county_code": t["county_code"].to_numpy(),
        "capacity": t["capacity"].to_numpy(), "capacity_unit": t["capacity_unit"].to_numpy(),
        "output": t["output"].to_numpy(), "output_unit": t["output_unit"].to_numpy(),
        **{c: t[c].to_numpy() for c in (*PLANT_EFFECTS, "ule_status", "voc_treatment_eff", "boiler_t_per_h",
                                         "bulk_freight_kt_per_yr", "rail_share", "has_siding", "road_haul_km")},
        "latitude": lat.to_numpy(), "longitude": lon.to_numpy(), "coord_source": coord.to_numpy(),
        "plant_identity": "named", "tracker_id": t["permit_id"].to_numpy(), "blocks": 1, "source": source,
    }, index=ids)
    out["blocks"] = out["blocks"].astype("Int64")
    return out[list(ds.enterprises.columns)]


def _county_points(ds: Dataset, codes: pd.Series) -> pd.DataFrame:
    """A point inside each county (for a plant listed without coordinates): the polygon's representative point
    from counties.geojson, else the mean position of the dataset's plants in the county."""
    from .inputs import GEOMETRY_FILE

    pts: dict[str, tuple[float, float]] = {}
    geo = ds.root / GEOMETRY_FILE
    if geo.exists():
        import geopandas as gpd

        g = gpd.read_file(geo)
        rp = g.geometry.representative_point()
        pts = {str(c): (p.y, p.x) for c, p in zip(g["region_code"], rp)}
    e = ds.enterprises
    for code in set(codes) - set(pts):
        here = e[e["county_code"] == code]
        if len(here):
            pts[code] = (float(here["latitude"].mean()), float(here["longitude"].mean()))
    return pd.DataFrame({"latitude": [pts.get(c, (float("nan"),) * 2)[0] for c in codes],
                         "longitude": [pts.get(c, (float("nan"),) * 2)[1] for c in codes]}, index=codes.index)
