"""Readable views of the input tables for ``ersim list`` and ``ersim check-inputs``.

Pure functions from a :class:`~model.inputs.Dataset` to small pandas tables; the CLI only prints them.
"""

from __future__ import annotations

import pandas as pd

from .errors import did_you_mean
from .inputs import Dataset
from .domain import AIR_POLLUTANTS, EFFECTS, PLANT_EFFECTS, PROVINCE_CODE, WATER_POLLUTANTS
from .resolve import region_code


def resolve_city(ds: Dataset, city: str) -> str:
    """City code for a code, Chinese name (with or without 市) or pinyin; ValueError lists the problem."""
    return region_code(ds, city, levels=("city",))


def with_places(ds: Dataset, df: pd.DataFrame, county_col: str) -> pd.DataFrame:
    """Add county and city names next to a county-code column."""
    regions = ds.regions
    out = df.copy()
    out["county"] = out[county_col].map(regions["name_zh"])
    out["city_code"] = out[county_col].map(regions["city_code"])
    out["city"] = out["city_code"].map(regions["name_zh"])
    return out


def regions_view(ds: Dataset, city: str | None = None) -> pd.DataFrame:
    r = ds.regions.copy()
    r["city"] = r["city_code"].map(ds.regions["name_zh"])
    if city:
        code = resolve_city(ds, city)
        r = r[(r["city_code"] == code)]
    return r[["region_code", "level", "name_zh", "name_pinyin", "city", "terrain", "gdp_2020_cny",
              "population_2020", "rural_coal_households_2020"]]


#: Chinese names a planner may type for a sector filter
SECTOR_ZH = {"钢铁": "steel", "焦化": "coking", "水泥": "cement", "电力": "power", "煤电": "power",
             "自备电厂": "captive_power", "工业炉窑": "kiln", "化工": "chemical", "涂装": "coating", "煤矿": "coal_mine",
             "锅炉": "boiler", "物流": "logistics"}


def _choice(kind: str, text: str, options: list[str], aliases: dict[str, str]) -> str:
    """A filter value as an id: an id, or a Chinese name; otherwise a ValueError with the closest and the list
    (an unknown filter must not give a silently empty table)."""
    key = aliases.get(text.strip(), text.strip())
    if key in options:
        return key
    raise ValueError(f"unknown {kind} '{text}'{did_you_mean(key, options + list(aliases), cutoff=0.5)}; use one of {', '.join(options)}")


def enterprises_view(ds: Dataset, city: str | None = None, sector: str | None = None) -> pd.DataFrame:
    e = with_places(ds, ds.enterprises, "county_code")
    if city:
        e = e[e["city_code"] == resolve_city(ds, city)]
    if sector:
        e = e[e["sector"] == _choice("sector", sector, sorted(set(ds.enterprises["sector"])), SECTOR_ZH)]
    return e[["enterprise_id", "name_zh", "sector", "city", "county", "capacity", "capacity_unit",
              "nox_t", "so2_t", "vocs_t", "ule_status", "bulk_freight_kt_per_yr", "has_siding", "plant_identity"]]


def measures_view(ds: Dataset, sector: str | None = None, family: str | None = None) -> pd.DataFrame:
    from .names import FAMILIES

    m = ds.measures
    if sector:
        known = sorted({x for v in ds.measures["sector"] for x in str(v).split("|") if x})
        sector = _choice("sector", sector, known, SECTOR_ZH)
        m = m[m["sector"].str.split("|").map(lambda s: sector in s)]
    if family:
        zh = {names[1]: key for key, names in FAMILIES.items()}
        m = m[m["family"] == _choice("family", family, sorted(set(ds.measures["family"])), zh)]
    return m[["measure_id", "name_zh", "family", "applies_to", "sector", "exclusive_group", "unit",
              "capex_cny_per_unit", "lifetime_yr"]]


def sector_totals(ds: Dataset) -> pd.DataFrame:
    """Plants, capacity and baseline emissions per sector (t/yr)."""
    e = ds.enterprises
    cols = [f"{p}_t" for p in AIR_POLLUTANTS] + ["co2_t", "bulk_freight_kt_per_yr"]
    out = e.groupby(["sector", "capacity_unit"])[["capacity", *cols]].sum()
    out.insert(0, "plants", e.groupby(["sector", "capacity_unit"]).size())
    return out.reset_index()


def sector_coverage(ds: Dataset) -> pd.DataFrame:
    """Per sector (and unit): plant rows, named rows, capacity and output, the part of the output at named plants
    (a real plant rather than a city remainder), and the published total (statistics.csv) it is set against."""
    e = ds.enterprises
    rows = []
    for (sector, cap_unit, out_unit), part in e.groupby(["sector", "capacity_unit", "output_unit"], sort=True):
        named = part["plant_identity"] == "named"
        out = float(part["output"].sum())
        stat = _statistic(ds, str(sector), cap_unit, out_unit)
        rows.append({"sector": sector, "rows": len(part), "named_rows": int(named.sum()),
                     "capacity": float(part["capacity"].sum()), "capacity_unit": cap_unit, "output": out,
                     "output_unit": out_unit, "named_output_share": float(part.loc[named, "output"].sum() / out)
                     if out else float("nan"), **stat})
    return pd.DataFrame(rows, columns=["sector", "rows", "named_rows", "capacity", "capacity_unit", "output",
                                       "output_unit", "named_output_share", "statistic", "statistic_unit",
                                       "statistic_source"])


def _statistic(ds: Dataset, sector: str, cap_unit: str, out_unit: str) -> dict:
    """The provincial statistic for a sector's capacity or output in the same unit, if statistics.csv has one."""
    st = ds.statistics
    if not len(st):
        return {"statistic": float("nan"), "statistic_unit": "", "statistic_source": ""}
    hit = st[(st["region_code"] == PROVINCE_CODE) & st["sector"].str.split("|").map(lambda s: sector in s)
             & (((st["quantity"] == "capacity") & (st["unit"] == cap_unit))
                | ((st["quantity"] == "output") & (st["unit"] == out_unit)))]
    if not len(hit):
        return {"statistic": float("nan"), "statistic_unit": "", "statistic_source": ""}
    r = hit.iloc[0]
    shared = f" (with {r['sector'].replace('|', ', ')})" if "|" in r["sector"] else ""
    return {"statistic": float(r["value"]), "statistic_unit": f"{r['unit']} {r['quantity']}{shared}",
            "statistic_source": r["source"]}


def city_totals(ds: Dataset) -> pd.DataFrame:
    """Plants, baseline emissions, bulk-coal households and wastewater candidates per city."""
    e = with_places(ds, ds.enterprises, "county_code")
    cols = [f"{p}_t" for p in AIR_POLLUTANTS] + ["co2_t"]
    out = e.groupby("city")[cols].sum()
    out.insert(0, "plants", e.groupby("city").size())
    counties = ds.counties
    out["coal_households"] = counties.groupby(counties["city_code"].map(ds.regions["name_zh"]))[
        "rural_coal_households_2020"].sum()
    ww = with_places(ds, ds.wastewater, "county_code")
    out["ww_candidates_m3_per_day"] = ww[ww["action"] != "upgrade"].groupby("city")["capacity_m3_per_day"].sum()
    return out.fillna(0).reset_index()


#: plant sectors as the baseline table groups them
SECTOR_GROUPS = {"power": "coal power", "captive_power": "coal power", "steel": "steel", "coking": "coking",
                 "cement": "cement", "kiln": "kilns", "boiler": "industrial boilers", "chemical": "VOC industry",
                 "coating": "VOC industry", "other_voc": "VOC industry", "coal_mine": "coal mines",
                 "logistics": "logistics", "other_industry": "other industry"}
BASELINE_COLUMNS = list(EFFECTS)  # every pollutant of the registry, in its order


def _named_share(plants: pd.DataFrame) -> float:
    """The part of the plants' NOx (their emissions where they emit none) at named plants, 0-1."""
    named = plants["plant_identity"] == "named"
    for col in ("nox_t", "pm_t", "co2_t"):
        if plants[col].sum() > 0:
            return float(plants.loc[named, col].sum() / plants[col].sum())
    return float(named.mean()) if len(plants) else float("nan")


def baseline_by_group(ds: Dataset, region_code: str | None = None) -> pd.DataFrame:
    """2020 emissions (t/yr) per group of sources: plants by sector group, then the categories of sources.csv.

    ``region_code``: a city (its counties only) or None for the whole dataset. Columns: group, kind (plants or
    sources), units (plants, or the activity and its unit), one column per pollutant, and named_share (of a plant
    group's capacity-weighted NOx, the part at named plants rather than city remainders, 0-1; empty for sources).
    """
    from .inputs import CATEGORIES

    e = with_places(ds, ds.enterprises, "county_code")
    s = with_places(ds, ds.sources, "county_code") if len(ds.sources) else ds.sources.assign(city_code=[])
    if region_code is not None and ds.regions.loc[region_code, "level"] == "city":
        e, s = e[e["city_code"] == region_code], s[s["city_code"] == region_code]
    rows = []
    for group, part in e.assign(group=e["sector"].map(SECTOR_GROUPS)).groupby("group", sort=False):
        rows.append({"group": group, "kind": "plants", "units": f"{len(part)} plants",
                     **part[PLANT_EFFECTS].sum().to_dict(), **{f"{q}_t": 0.0 for q in WATER_POLLUTANTS},
                     "named_share": _named_share(part)})
    for (cat, unit), part in s.groupby(["category", "activity_unit"], sort=False):
        rows.append({"group": CATEGORIES.get(cat, cat) + f" ({cat})", "kind": "sources",
                     "units": f"{part['activity'].sum():,.0f} {unit}", **part[BASELINE_COLUMNS].sum().to_dict(),
                     "named_share": float("nan")})
    out = pd.DataFrame(rows, columns=["group", "kind", "units", *BASELINE_COLUMNS, "named_share"])
    out[BASELINE_COLUMNS] = out[BASELINE_COLUMNS].fillna(0.0)
    total = {"group": "total", "kind": "", "units": "", **out[BASELINE_COLUMNS].sum().to_dict(),
             "named_share": _named_share(e)}
    return pd.concat([out, pd.DataFrame([total])], ignore_index=True)


def against_references(ds: Dataset, baseline: pd.DataFrame, region_code: str = PROVINCE_CODE) -> pd.DataFrame:
    """The modelled baseline beside each published reference range of ``region_code`` (references.csv)."""
    ref = ds.references[ds.references["region_code"] == region_code] if len(ds.references) else ds.references
    rows = []
    for r in ref.itertuples(index=False):
        match = baseline["group"].str.startswith(r.group) | baseline["group"].str.contains(f"({r.group})",
                                                                                            regex=False)
        if r.group == "total":
            match = baseline["group"] == "total"
        modelled = float(baseline.loc[match, f"{r.pollutant}_t"].sum())
        verdict = "within" if r.low_t <= modelled <= r.high_t else ("below" if modelled < r.low_t else "above")
        rows.append({"group": r.group, "pollutant": r.pollutant, "modelled_t": modelled, "low_t": r.low_t,
                     "high_t": r.high_t, "verdict": verdict, "source": r.source})
    return pd.DataFrame(rows, columns=["group", "pollutant", "modelled_t", "low_t", "high_t", "verdict", "source"])


def baseline_tables(ds: Dataset) -> dict[str, pd.DataFrame]:
    """Every table ``ersim check-inputs`` shows: the baseline by group for the province and each city, the
    comparison with the reference ranges, and the per-sector and per-city plant totals."""
    parts = []
    for code in [PROVINCE_CODE, *ds.cities.index]:
        parts.append(baseline_by_group(ds, None if code == PROVINCE_CODE else code).assign(
            region_code=code, region=ds.regions.loc[code, "name_zh"]))
    baseline = pd.concat(parts, ignore_index=True)
    province = baseline[baseline["region_code"] == PROVINCE_CODE]
    return {"baseline": baseline[["region_code", "region", *province.columns.drop(["region_code", "region"])]],
            "references": against_references(ds, province), "sector_totals": sector_totals(ds),
            "sector_coverage": sector_coverage(ds),
            "city_totals": city_totals(ds)}


def write_baseline_tables(ds: Dataset, out_dir) -> list:
    """The tables of :func:`baseline_tables` as CSV files (UTF-8 with BOM, so Excel shows the Chinese names); a
    dataset's name that Excel would read as a formula gets an apostrophe in front (model/textsafe.py)."""
    from pathlib import Path

    from .rundir import write_atomically, write_csv
    from .textsafe import neutralise_frame

    tables = baseline_tables(ds)

    def fill(tmp: Path) -> None:
        for name, df in tables.items():
            write_csv(neutralise_frame(df), tmp / f"{name}.csv", encoding="utf-8-sig")

    out = write_atomically(Path(out_dir), fill, force=False)
    return sorted(out.glob("*.csv"))
