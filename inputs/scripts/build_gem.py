"""Build inputs/research/gem/: Shanxi's steel plants, coal power units and coal mines from Global Energy Monitor.

Rerun:  python inputs/scripts/build_gem.py [--gem DIR] [--out DIR]
        (pandas + geopandas; reads the five GEM files in /work/shared/data/gem/ (see its README.md),
        inputs/counties.geojson and inputs/regions.csv)

Groundwork for issue 22 (real plants instead of synthetic ones): the model does NOT read these tables yet.

What it writes (UTF-8, one row per plant / unit / mine):
- steel_plants_2020.csv: the Global Steel Plant Tracker's earlier release (SCN ids, the release nearest to
  2020), plants with a phase operating or mothballed, phases aggregated to the plant; cross-checked against
  the April 2024 GSPT release and the March 2025 Global Iron and Steel Tracker units.
- coal_units_2020.csv: Global Coal Plant Tracker (July 2024) units of the 2020 fleet: start year <= 2020 and
  not retired before 2021.
- coal_mines_operating.csv: Global Coal Mine Tracker (2024) mines with status operating, phases aggregated.

Every row is placed in a county by point-in-polygon against counties.geojson; a point outside every polygon
(the polygons are simplified at 0.004 deg, so a plant on the border can fall just outside) gets the nearest
county and `county_by` = `nearest (N km)`.

Capacities are converted to the dataset's units (t/yr, MW) and nothing is filled in: an absent figure stays
empty. Licence CC BY 4.0; the attribution is in every row's `source`.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import geopandas as gpd
import pandas as pd

INPUTS = Path(__file__).resolve().parents[1]
GEM_DIR = Path("/work/shared/data/gem")
OUT_DIR = INPUTS / "research" / "gem"

SRC_GSPT_OLD = "Global Energy Monitor, Global Steel Plant Tracker earlier release (SCN ids, nearest to 2020; GlobalEnergyMonitor/steel_greeninfo_maps @15140bb data/old_data.csv), CC BY 4.0"
SRC_GCPT = "Global Energy Monitor, Global Coal Plant Tracker July 2024, CC BY 4.0"
SRC_GCMT = "Global Energy Monitor, Global Coal Mine Tracker 2024 (map file), CC BY 4.0"

# Steel phase statuses that count as "in the 2020 fleet" (the brief: operating or mothballed).
STEEL_2020_STATUSES = {"operating", "mothballed"}
# GSPT 2024 per-component statuses that mean the capacity existed and was not yet closed at the release date.
GSPT24_LIVE_STATUSES = {"operating", "operating pre-retirement", "operating_pre-retirement", "mothballed"}

UTM_49N = "EPSG:32649"  # metric CRS for nearest-county distances (Shanxi lies at 110-114.6 E, zone 49 = 108-114 E)


# --------------------------------------------------------------------------------------------- reading

def read_gem_csv(path: Path) -> pd.DataFrame:
    """Read a GEM CSV whatever its encoding, with column names stripped.

    GEM's own files are not uniform: the 2024 GSPT map file is UTF-16 in the source repository (the shared copy
    is UTF-8, but a re-cut from the source would not be), others are UTF-8, possibly with a BOM. Detect the
    BOM rather than trusting one encoding. Column names carry stray spaces (GSPT 2024 has ' equipment'), so
    they are stripped. Everything is read as text first so that ids and years are not mangled into floats.
    """
    head = path.read_bytes()[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        encoding = "utf-16"
    elif head.startswith(b"\xef\xbb\xbf"):
        encoding = "utf-8-sig"
    else:
        encoding = "utf-8"
    df = pd.read_csv(path, encoding=encoding, dtype=str, keep_default_na=False, na_values=[""])
    df.columns = [c.strip() for c in df.columns]
    # Exact duplicate rows carry no information (none in the current cut, but a re-cut could have them).
    return df.drop_duplicates().reset_index(drop=True)


def num(s: pd.Series) -> pd.Series:
    """Text to float; blanks and non-numbers ('TBD', 'unknown') become NaN, never 0."""
    return pd.to_numeric(s, errors="coerce")


def year_of(s: pd.Series) -> pd.Series:
    """Four-digit year from '1998-06-11', '2002', '2005.0'; 'unknown' / 'TBD' / blank -> NA."""
    y = s.astype("string").str.extract(r"^\s*(\d{4})", expand=False)
    return pd.to_numeric(y, errors="coerce").astype("Int64")


def kt_to_t(s: pd.Series) -> pd.Series:
    """Thousand tonnes per year (GEM 'ttpa') to t/yr, as whole tonnes (1005.62 kt -> 1,005,620 t)."""
    return (num(s) * 1000).round().astype("Int64")


# --------------------------------------------------------------------------------------------- counties

def read_counties(inputs: Path = INPUTS) -> tuple[gpd.GeoDataFrame, pd.DataFrame]:
    """County polygons (EPSG:4326) and the regions table (codes as text)."""
    counties = gpd.read_file(inputs / "counties.geojson")[["region_code", "geometry"]]
    counties = counties.set_crs("EPSG:4326", allow_override=True)
    regions = pd.read_csv(inputs / "regions.csv", dtype=str, usecols=["region_code", "level", "name_zh", "city_code"])
    return counties, regions


def locate(lat: pd.Series, lon: pd.Series, counties: gpd.GeoDataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """County and city of each point (same index as lat): point-in-polygon, else the nearest county.

    Returns county_code, county_name_zh, city_code, city_name_zh, county_by. Rows without coordinates get
    empty cells and county_by 'no coordinates'.
    """
    lat, lon = num(lat), num(lon)
    has = lat.notna() & lon.notna()
    pts = gpd.GeoDataFrame(index=lat.index[has], geometry=gpd.points_from_xy(lon[has], lat[has]), crs="EPSG:4326")
    inside = gpd.sjoin(pts, counties, how="left", predicate="within")
    # A point exactly on a shared border matches two polygons: keep the first (lowest code) deterministically.
    inside = inside.sort_values("region_code").loc[lambda d: ~d.index.duplicated(keep="first")]
    out = pd.DataFrame(index=lat.index, columns=["county_code", "county_by"], dtype=object)
    out.loc[inside.index, "county_code"] = inside["region_code"]
    out.loc[inside.index[inside["region_code"].notna()], "county_by"] = "polygon"
    miss = inside.index[inside["region_code"].isna()]
    if len(miss):
        near = gpd.sjoin_nearest(pts.loc[miss].to_crs(UTM_49N), counties.to_crs(UTM_49N), how="left",
                                 distance_col="dist_m")
        near = near.sort_values("region_code").loc[lambda d: ~d.index.duplicated(keep="first")]
        out.loc[near.index, "county_code"] = near["region_code"]
        out.loc[near.index, "county_by"] = [f"nearest ({d / 1000:.1f} km)" for d in near["dist_m"]]
    out.loc[~has, "county_by"] = "no coordinates"
    names = regions.set_index("region_code")
    out["county_name_zh"] = out["county_code"].map(names["name_zh"])
    out["city_code"] = out["county_code"].map(names["city_code"])
    out["city_name_zh"] = out["city_code"].map(names["name_zh"])
    return out[["county_code", "county_name_zh", "city_code", "city_name_zh", "county_by"]]


# --------------------------------------------------------------------------------------------- steel

def norm_en(name: str) -> str:
    """Company name for matching across releases: 'Co., Ltd.' and 'Co Ltd' compare equal."""
    return re.sub(r"[^a-z0-9]", "", str(name).lower().replace("&", "and"))


def norm_zh(name: str) -> str:
    """Chinese name without bracketed site notes: '山西晋南钢铁集团有限公司(一期曲沃基地）' -> '山西晋南钢铁集团有限公司'."""
    return re.sub(r"[（(].*?[）)]", "", str(name)).strip()


def coord_key(lat: object, lon: object) -> str:
    return f"{float(lat):.4f},{float(lon):.4f}"


def match_plant(row: pd.Series, other: pd.DataFrame) -> tuple[str | None, str]:
    """Find `row` (an old-release plant) in `other` (columns plant_id, name_en, name_zh, lat, lng).

    The releases renumbered the plants (SCN... -> P...) and renamed some (GIST calls P100000120264 山西建邦集团,
    GSPT 2024 calls it 山西通才工贸), so match on the plant's position first (GEM kept most coordinates to
    the 6th decimal), then the Chinese name, then the English name, then a bracketed alias. Returns (plant id, how) or (None, '').
    """
    key = coord_key(row["lat"], row["lng"])
    # An old name can carry an alias in brackets: SCN00214 '文水海威钢铁有限公司（吕梁建龙实业有限公司）'.
    aliases = [a.strip() for a in re.findall(r"[（(](.*?)[）)]", str(row["project_other"])) if "公司" in a]
    tries = [("coordinates", "key", key), ("name_zh", "zh", norm_zh(row["project_other"])),
             ("name_en", "en", norm_en(row["project"]))] + [("name_zh alias in brackets", "zh", a) for a in aliases]
    for how, col, val in tries:
        hit = other.loc[other[col] == val, "plant_id"].unique()
        if len(hit) == 1:
            return hit[0], how
        if len(hit) > 1:
            return ";".join(sorted(hit)), how + " (several)"
    return None, ""


def gspt2024_plants(df: pd.DataFrame) -> pd.DataFrame:
    """GSPT 2024: one row per plant id with its live steel capacity (t/yr) and its phases' statuses.

    Quirk: a phase row's `steel_capacity` is the sum of its up-to-three components whatever their status
    (SCN Jincheng Fusheng's expansion: 2,300 operating + 2,300 construction = 4,600), so the live capacity is
    summed from the components steel_capacity_1..3 whose status_1..3 is operating / pre-retirement / mothballed.
    """
    parts = []
    for k in ("1", "2", "3"):
        cap, st = f"steel_capacity_{k}", f"status_{k}"
        live = df[st].fillna("").str.strip().isin(GSPT24_LIVE_STATUSES)
        parts.append(num(df[cap]).where(live, 0).fillna(0))
    df = df.assign(live_t=sum(parts) * 1000)
    g = df.groupby("id", sort=True)
    out = pd.DataFrame({
        "name_en": g["project"].first(),
        "name_zh": g["project_other"].first(),
        "lat": g["lat"].first(),
        "lng": g["lng"].first(),
        "live_t": g["live_t"].sum().round().astype("Int64"),
        "statuses": g["status"].agg(lambda s: ";".join(sorted(set(s.dropna())))),
    }).reset_index().rename(columns={"id": "plant_id"})
    out["key"] = [coord_key(a, b) for a, b in zip(out["lat"], out["lng"])]
    out["zh"] = out["name_zh"].map(norm_zh)
    out["en"] = out["name_en"].map(norm_en)
    return out


def gist_plants(units: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """GIST units: the plant table (for matching) and per-plant unit counts with start year <= 2020."""
    units = units.assign(start=year_of(units["start-date"]),
                         kind=units["tab-type"].map({"Blast_furnaces": "bf", "Basic_oxygen_furnaces": "bof",
                                                     "Electric_arc_furnaces": "eaf"}))
    plants = units.groupby("plant-id", sort=True).agg(
        name_en=("plant-name-(english)", "first"), name_zh=("plant-name-(other-language)", "first"),
        lat=("lat", "first"), lng=("lng", "first"), accuracy=("coordinate-accuracy", "first")).reset_index()
    plants = plants.rename(columns={"plant-id": "plant_id"})
    plants["key"] = [coord_key(a, b) for a, b in zip(plants["lat"], plants["lng"])]
    plants["zh"] = plants["name_zh"].map(norm_zh)
    plants["en"] = plants["name_en"].map(norm_en)
    le = units[units["start"].notna() & (units["start"] <= 2020)]
    counts = le.pivot_table(index="plant-id", columns="kind", values="gem-unit-id", aggfunc="count", fill_value=0)
    counts = counts.reindex(columns=["bf", "bof", "eaf"], fill_value=0)
    counts["unknown_start"] = units[units["start"].isna()].groupby("plant-id").size()
    return plants, counts.fillna(0).astype(int)


def route_of(equipment: list[str], steel_t: object) -> str:
    """Steel route from the 2020 phases' equipment ('BF, BOF', 'EAF', ...) and whether they make steel."""
    eq = {e.strip().upper() for s in equipment for e in str(s).split(",") if e.strip() and str(s) != "nan"}
    bof, eaf = "BOF" in eq, "EAF" in eq
    if bof and eaf:
        return "both"
    if bof:
        return "BF-BOF"
    if eaf:
        return "EAF"
    # SCN00375 山西华强: one BF phase, iron 600 kt, no steel capacity: an iron-only plant.
    return "BF only (iron, no steel)" if pd.isna(steel_t) else ""


def build_steel(gem: Path, counties: gpd.GeoDataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """steel_plants_2020.csv: old-GSPT plants with a phase operating or mothballed, phases summed."""
    old = read_gem_csv(gem / "gspt_old_data_shanxi.csv")
    # Phase ids are the plant id with a suffix (SCN00227-1 = expansion of SCN00227).
    old["plant_id"] = old["id"].str.split("-").str[0]
    old["main"] = old["id"] == old["plant_id"]
    live = old[old["status"].str.strip().isin(STEEL_2020_STATUSES)].copy()
    g24 = gspt2024_plants(read_gem_csv(gem / "gspt_2024-04-15_shanxi.csv"))
    gist_pl, gist_counts = gist_plants(read_gem_csv(gem / "gist_units_2025-03-18_shanxi.csv"))

    rows = []
    for pid, ph in live.groupby("plant_id", sort=True):
        # Names, owner and position from the main phase (the row without suffix), else the first live phase.
        allph = old[old["plant_id"] == pid]
        head = allph[allph["main"]].iloc[0] if allph["main"].any() else ph.iloc[0]
        steel = num(ph["steel_capacity"])
        iron = num(ph["iron_capacity"])
        steel_t = round(steel.sum() * 1000) if steel.notna().any() else pd.NA
        iron_t = round(iron.sum() * 1000) if iron.notna().any() else pd.NA
        id24, how24 = match_plant(head, g24)
        idgi, howgi = match_plant(head, gist_pl)
        r24 = g24[g24["plant_id"] == id24].iloc[0] if id24 in set(g24["plant_id"]) else None
        cnt = gist_counts.loc[idgi] if idgi in gist_counts.index else None
        acc = gist_pl.loc[gist_pl["plant_id"] == idgi, "accuracy"]
        rows.append({
            "gem_plant_id": pid,
            "name_en": head["project"],
            "name_zh": head["project_other"],
            "owner": head["owner"],
            "parent": head["parent"],
            "status_2020": ";".join(sorted(set(ph["status"]))),
            "phases_2020": ";".join(ph["id"]),
            "steel_capacity_t_per_yr": steel_t,
            "iron_capacity_t_per_yr": iron_t,
            "route": route_of(list(ph["equipment"]), steel_t),
            "equipment": ";".join(sorted(set(ph["equipment"].dropna()))),
            "latitude": head["lat"],
            "longitude": head["lng"],
            "coord_accuracy": acc.iloc[0] if len(acc) else "",
            "gspt2024_plant_id": id24 or "",
            "gspt2024_match": how24,
            "gspt2024_status": r24["statuses"] if r24 is not None else "",
            "gspt2024_steel_capacity_live_t_per_yr": r24["live_t"] if r24 is not None else pd.NA,
            "gspt2024_name_zh": r24["name_zh"] if r24 is not None else "",
            "gist_plant_id": idgi or "",
            "gist_match": howgi,
            "gist_bf_units_start_le_2020": cnt["bf"] if cnt is not None else pd.NA,
            "gist_bof_units_start_le_2020": cnt["bof"] if cnt is not None else pd.NA,
            "gist_eaf_units_start_le_2020": cnt["eaf"] if cnt is not None else pd.NA,
            "gist_units_start_unknown": cnt["unknown_start"] if cnt is not None else pd.NA,
            "url": head["url"],
        })
    df = pd.DataFrame(rows)
    for c in [c for c in df.columns if c.endswith(("_t_per_yr", "_le_2020", "_unknown"))]:
        df[c] = df[c].astype("Int64")
    loc = locate(df["latitude"], df["longitude"], counties, regions)
    df = pd.concat([df, loc], axis=1)
    df["source"] = (SRC_GSPT_OLD + "; coord_accuracy: Global Energy Monitor, Global Iron and Steel Tracker March 2025, "
                    "CC BY 4.0; cross-checks: GSPT April 2024 and GIST March 2025 (units), CC BY 4.0")
    first = ["gem_plant_id", "name_en", "name_zh", "owner", "parent", "status_2020", "phases_2020",
             "steel_capacity_t_per_yr", "iron_capacity_t_per_yr", "route", "equipment", "latitude", "longitude",
             "coord_accuracy", "county_code", "county_name_zh", "city_code", "city_name_zh", "county_by"]
    return df[first + [c for c in df.columns if c not in first]]


# --------------------------------------------------------------------------------------------- coal power

def build_coal_units(gem: Path, counties: gpd.GeoDataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """coal_units_2020.csv: GCPT units with start year <= 2020, not retired before 2021."""
    c = read_gem_csv(gem / "gcpt_2024-07_shanxi.csv")
    start = year_of(c["Start year"])  # stored as '2005.0' in the export
    retired = year_of(c["Retired year"])
    # Retired units without a retired year would be kept by this test; the README's count (189) holds and no
    # Shanxi unit is 'retired' without a year, so the case is only guarded against, not silently resolved.
    keep = start.notna() & (start <= 2020) & ~(retired.notna() & (retired < 2021))
    keep &= ~((c["Status"] == "retired") & retired.isna())
    c = c[keep].copy()
    out = pd.DataFrame({
        "gem_unit_id": c["GEM unit/phase ID"],
        "gem_location_id": c["GEM location ID"],
        "plant_name_en": c["Plant name"],
        "plant_name_zh": c["Plant name (local)"],
        "plant_name_other": c["Plant name (other)"],
        "unit_name": c["Unit name"],
        "owner": c["Owner"],
        "parent": c["Parent"],
        "capacity_MW": num(c["Capacity (MW)"]),
        "status": c["Status"],
        "start_year": start[keep],
        "retired_year": retired[keep],
        "combustion_technology": c["Combustion technology"],
        "coal_type": c["Coal type"],
        # GEM's 'Captive' column names the industry served (aluminum, iron & steel, ...); blank = grid plant.
        "captive": c["Captive"].notna().map({True: "true", False: "false"}),
        "captive_industry": c["Captive"],
        "latitude": c["Latitude"],
        "longitude": c["Longitude"],
        "location_accuracy": c["Location accuracy"],
        "gem_county": c["Local area (taluk, county)"],
        "gem_prefecture": c["Major area (prefecture, district)"],
    }).reset_index(drop=True)
    out = pd.concat([out, locate(out["latitude"], out["longitude"], counties, regions)], axis=1)
    out["source"] = SRC_GCPT
    return out.sort_values("gem_unit_id", kind="stable").reset_index(drop=True)


# --------------------------------------------------------------------------------------------- coal mines

def build_mines(gem: Path, counties: gpd.GeoDataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """coal_mines_operating.csv: GCMT rows with status operating, one row per mine id.

    Quirks: the file has no province column (the Shanxi cut is by position) and no Chinese names; an id can
    appear on several rows (phases): M0178 Baode has two operating rows (5.0 Mt/yr opened 2002, 8.0 Mt/yr opened
    2023). GEM's own total counts both, so the capacities are summed and `gem_rows` says so; whether the 2023 row
    is an addition or the expanded total is not stated. `capacity_opened_by_2020_t_per_yr` sums only the rows
    opened by 2020 (empty when no row has a year). Capacity is Mt/yr in the file.
    """
    m = read_gem_csv(gem / "gcmt_2024_shanxi.csv")
    m = m[m["status"].str.strip() == "operating"].copy()
    m["cap_t"] = num(m["capacity"]) * 1e6
    m["open"] = year_of(m["opening_year"])  # 'TBD' and blanks -> NA
    m["cap_2020_t"] = m["cap_t"].where(m["open"].notna() & (m["open"] <= 2020))
    g = m.groupby("id", sort=True)
    out = pd.DataFrame({
        "gem_mine_id": g.size().index,
        "name_en": g["project"].first(),
        "owner": g["owner"].first(),
        "parent": g["parent"].first(),
        "capacity_t_per_yr": g["cap_t"].sum(min_count=1).round().astype("Int64"),
        "capacity_opened_by_2020_t_per_yr": g["cap_2020_t"].sum(min_count=1).round().astype("Int64"),
        "production_t_per_yr": (g["production"].agg(lambda s: num(s).sum(min_count=1)) * 1e6).round().astype("Int64"),
        "opening_year": g["open"].min(),
        "gem_rows": g.size(),
        "mine_type": g["mine-type"].first(),
        "coal_type": g["coal_type"].first(),
        "coal_grade": g["coal-grade"].first(),
        "latitude": g["lat"].first(),
        "longitude": g["lng"].first(),
    }).reset_index(drop=True)
    out = pd.concat([out, locate(out["latitude"], out["longitude"], counties, regions)], axis=1)
    out["source"] = SRC_GCMT
    return out


# --------------------------------------------------------------------------------------------- main

def build_all(gem: Path = GEM_DIR, inputs: Path = INPUTS) -> dict[str, pd.DataFrame]:
    counties, regions = read_counties(inputs)
    return {
        "steel_plants_2020.csv": build_steel(gem, counties, regions),
        "coal_units_2020.csv": build_coal_units(gem, counties, regions),
        "coal_mines_operating.csv": build_mines(gem, counties, regions),
    }


def to_csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--gem", type=Path, default=GEM_DIR, help="folder with the five GEM Shanxi CSVs")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for name, df in build_all(args.gem).items():
        (args.out / name).write_text(to_csv_text(df), encoding="utf-8")
        fallback = df["county_by"].str.startswith("nearest").sum()
        print(f"{name}: {len(df)} rows, {fallback} placed in the nearest county")


if __name__ == "__main__":
    main()
