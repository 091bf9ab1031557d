"""Read, check and type the input dataset (a directory of CSV files, by default ``inputs/``).

:func:`load_dataset` returns a :class:`Dataset` of typed pandas tables or raises
:class:`InputDataError`, which lists every problem with its file, line, column and the fix.
The column contract lives in ``TABLES`` below and is documented for users in ``inputs/README.md``.
Checks are vectorised per column so that national-size datasets load quickly.
"""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .errors import did_you_mean
from .domain import AIR_POLLUTANTS, FAMILIES, PLANT_IDENTITIES, PROVINCE_CODE, SECTORS, ULE_STATUSES, WATER_POLLUTANTS
from .domain import TARGET_POLLUTANTS as POLLUTANTS
from .textsafe import CONTROL_CHARACTERS

#: the embedded default Shanxi dataset (repository checkout; ``ERSIM_INPUTS`` overrides it)
DEFAULT_INPUTS = Path(__file__).resolve().parents[1] / "inputs"

CAPACITY_UNITS = ("t_per_yr", "t_per_day", "MW", "t_steam_per_h", "m3_per_day")
#: emission sources outside the plant list (sources.csv), grouped as check-inputs reports them
CATEGORIES: dict[str, str] = {
    "truck_heavy_diesel": "on-road vehicles", "truck_medium_diesel": "on-road vehicles",
    "truck_light_diesel": "on-road vehicles", "truck_light_gasoline": "on-road vehicles",
    "bus_diesel": "on-road vehicles", "bus_medium_diesel": "on-road vehicles", "car_gasoline": "on-road vehicles",
    "offroad_machinery": "off-road", "mine_haul_truck": "off-road", "diesel_locomotive": "off-road",
    "coke_unlisted": "coking", "household_coal_heating": "households",
    "sewage_urban": "domestic sewage", "sewage_rural": "domestic sewage", "livestock": "farming",
    "wastewater_industrial": "industrial wastewater", "petrol_station": "VOC area sources",
    "solvent_architectural": "VOC area sources", "catering": "VOC area sources",
}

Kind = Literal["str", "float", "int", "bool", "code"]
_EMPTY_DTYPE = {"str": object, "code": object, "float": float, "int": "Int64", "bool": bool}


@dataclass(frozen=True)
class Col:
    """One column of an input table and what a valid cell looks like."""

    name: str
    kind: Kind = "str"
    required: bool = True  # an empty cell is an error
    min: float | None = None
    max: float | None = None
    choices: tuple[str, ...] | None = None
    unique: bool = False
    ref: Literal["county", "region", "enterprise", "measure"] | None = None
    multi: bool = False  # ``a|b`` lists, each item checked against ``choices``


def _src() -> Col:
    return Col("source")


TABLES: dict[str, list[Col]] = {
    "regions": [
        Col("region_code", "code", unique=True), Col("level", choices=("province", "city", "county")),
        Col("name_zh"), Col("name_pinyin"), Col("parent_code", "code", required=False),
        Col("city_code", "code", required=False), Col("terrain", required=False, choices=("plain", "mountain")),
        Col("gdp_2020_cny", "float", required=False, min=0), Col("gdp_growth_pct_per_yr", "float", min=-20, max=30),
        Col("population_2020", "float", required=False, min=0),
        Col("rural_coal_households_2020", "float", required=False, min=0), _src(),
    ],
    "enterprises": [
        Col("enterprise_id", unique=True), Col("name_zh"), Col("name_en", required=False),
        Col("sector", choices=SECTORS), Col("process", required=False), Col("county_code", "code", ref="county"),
        Col("capacity", "float", min=0), Col("capacity_unit", choices=CAPACITY_UNITS),
        Col("output", "float", min=0), Col("output_unit"),
        *[Col(f"{p}_t", "float", min=0) for p in AIR_POLLUTANTS], Col("co2_t", "float", min=0),
        Col("ule_status", required=False, choices=ULE_STATUSES),
        Col("voc_treatment_eff", "float", required=False, min=0, max=1),
        Col("boiler_t_per_h", "float", required=False, min=0),
        Col("bulk_freight_kt_per_yr", "float", min=0), Col("rail_share", "float", required=False, min=0, max=1),
        Col("has_siding", "bool"), Col("road_haul_km", "float", required=False, min=0),
        Col("latitude", "float", required=False, min=-90, max=90),
        Col("longitude", "float", required=False, min=-180, max=180), Col("coord_source", required=False),
        Col("plant_identity", choices=PLANT_IDENTITIES), Col("tracker_id", required=False),
        Col("blocks", "int", min=1), _src(),
    ],
    "projects": [
        Col("project_id", unique=True), Col("name_zh"), Col("enterprise_id", required=False, ref="enterprise"),
        Col("region_code", "code", ref="region"), Col("family", choices=FAMILIES + ("other",)),
        Col("measure_id", required=False, ref="measure"), Col("capex_cny", "float", required=False, min=0),
        *[Col(f"{p}_cut_t", "float", required=False, min=0) for p in AIR_POLLUTANTS],
        Col("households", "float", required=False, min=0),
        Col("capacity_m3_per_day", "float", required=False, min=0),
        Col("start", required=False), Col("finish", required=False), _src(),
    ],
    "measures": [
        Col("measure_id", unique=True), Col("name_zh"), Col("name_en"), Col("family", choices=FAMILIES),
        Col("applies_to", choices=("enterprise", "household", "freight", "wastewater", "source")),
        Col("sector", required=False, multi=True, choices=SECTORS + ("urban", "park", "town", "rural")
            + tuple(CATEGORIES)),
        Col("process", required=False), Col("for_ule_status", required=False, multi=True, choices=ULE_STATUSES),
        Col("terrain", choices=("any", "plain", "mountain")),
        Col("exclusive_group", required=False), Col("unit"), Col("ule_compliant", "bool", required=False),
        *[Col(f"{p}_removal", "float", required=False, min=-1, max=1) for p in AIR_POLLUTANTS],
        Col("co2_removal", "float", required=False, min=-5, max=1),
        *[Col(f"{p}_removal", "float", required=False, min=0, max=1) for p in WATER_POLLUTANTS],
        Col("max_share", "float", required=False, min=0, max=1),
        Col("vocs_efficiency_after", "float", required=False, min=0, max=1),
        *[Col(f"{p}_t_per_unit", "float", required=False) for p in AIR_POLLUTANTS + ("co2",) + WATER_POLLUTANTS],
        Col("max_share_plain", "float", required=False, min=0, max=1),
        Col("max_share_mountain", "float", required=False, min=0, max=1),
        Col("siding_capacity_kt_per_yr", "float", required=False, min=0),
        Col("energy_carrier", required=False), Col("energy_use_per_unit_yr", "float", required=False, min=0),
        Col("coal_saved_t_per_unit_yr", "float", required=False, min=0),
        Col("saved_carrier", required=False), Col("saved_per_unit_yr", "float", required=False, min=0),
        Col("capex_cny_per_unit", "float", min=0), Col("fixed_om_cny_per_unit_yr", "float", required=False, min=0),
        Col("var_om_cny_per_t_output", "float", required=False, min=0), Col("lifetime_yr", "float", min=1, max=100),
        _src(),
    ],
    "wastewater": [
        Col("candidate_id", unique=True), Col("name_zh"), Col("county_code", "code", ref="county"),
        Col("kind", choices=("urban", "park", "town", "rural")), Col("action", choices=("new", "expansion", "upgrade", "network")),
        Col("capacity_m3_per_day", "float", min=0),
        Col("influent_cod_mg_l", "float", min=0), Col("effluent_cod_mg_l", "float", min=0),
        Col("influent_nh3n_mg_l", "float", min=0), Col("effluent_nh3n_mg_l", "float", min=0),
        Col("load_factor", "float", min=0, max=1), Col("capex_cny", "float", required=False, min=0),
        Col("programme", "bool"), _src(),
    ],
    "sources": [  # emission sources outside the plant list: vehicles, households, sewage, farms, small industry
        Col("source_id", unique=True), Col("category", choices=tuple(CATEGORIES)), Col("detail", required=False),
        Col("county_code", "code", ref="county"), Col("activity", "float", min=0), Col("activity_unit"),
        *[Col(f"{p}_t", "float", min=0) for p in AIR_POLLUTANTS + WATER_POLLUTANTS],
        Col("co2_t", "float", min=0), Col("split_by_proxy", "bool"), _src(),
    ],
    "references": [  # published figures the baseline is calibrated against (check-inputs shows them beside it)
        Col("region_code", "code", ref="region"), Col("group"), Col("pollutant", choices=POLLUTANTS + ("co2",)),
        Col("low_t", "float", min=0), Col("high_t", "float", min=0), _src(),
    ],
    "statistics": [  # published sector totals the plant rows are set against (check-inputs shows the named share)
        Col("region_code", "code", ref="region"), Col("sector", multi=True, choices=SECTORS),
        Col("quantity", choices=("capacity", "output")), Col("value", "float", min=0), Col("unit"),
        Col("year", "int", min=1990, max=2100), _src(),
    ],
    "prices": [
        Col("carrier", unique=True), Col("unit"), Col("price_cny_per_unit", "float", min=0), _src(),
    ],
    # the air and health layer (model/air.py): optional, a dataset without them gives runs without PM2.5
    "air_intake": [
        Col("release_class", choices=("tall", "low", "ground")), Col("precursor", choices=("pm25", "so2", "nox")),
        Col("intake_fraction", "float", min=0, max=1e-2), Col("low", "float", min=0, max=1e-2),
        Col("high", "float", min=0, max=1e-2), Col("own_city_share", "float", min=0, max=1),
        Col("shanxi_share", "float", min=0, max=1), _src(),
    ],
    "air_sources": [
        Col("sector", unique=True), Col("release_class", choices=("tall", "low", "ground")),
        Col("pm25_share_of_pm", "float", min=0, max=1), Col("low", "float", min=0, max=1),
        Col("high", "float", min=0, max=1), _src(),
    ],
    "air_cities": [
        Col("region_code", "code", ref="region", unique=True), Col("pm25_2020_ugm3", "float", min=0, max=1000),
        Col("target_2025_ugm3", "float", required=False, min=0, max=1000), _src(),
    ],
    "health": [
        Col("parameter", unique=True), Col("value", "float", min=0), Col("low", "float", min=0),
        Col("high", "float", min=0), Col("unit"), _src(),
    ],
    "baselines": [
        Col("region_code", "code", ref="region"),
        Col("quantity", choices=tuple(f"{p}_t" for p in POLLUTANTS) + ("co2_t", "gdp_cny")),
        Col("year", "int", min=1990, max=2100), Col("value", "float", min=0), _src(),
    ],
}

#: the order tables are checked in: references point at earlier tables
LOAD_ORDER = ("regions", "measures", "enterprises", "projects", "wastewater", "sources", "references", "statistics",
              "prices", "baselines", "air_intake", "air_sources", "air_cities", "health")
#: tables a dataset may leave out (an empty table is used), e.g. a dataset of plants only
OPTIONAL_TABLES = ("sources", "references", "statistics", "air_intake", "air_sources", "air_cities", "health")


@dataclass(frozen=True)
class InputIssue:
    """One problem in one cell (or row, or file) of the input data."""

    file: str
    message: str
    line: int | None = None  # 1-based line in the file; the header is line 1
    column: str | None = None

    def __str__(self) -> str:
        where = self.file + (f", line {self.line}" if self.line else "") + (
            f", column '{self.column}'" if self.column else "")
        return f"{where}: {self.message}"


class InputDataError(Exception):
    """The dataset has problems; ``issues`` lists each with file, line, column and fix."""

    def __init__(self, issues: list[InputIssue], max_shown: int = 20):
        self.issues = issues
        shown = "\n".join(f"  - {i}" for i in issues[:max_shown])
        more = f"\n  ... and {len(issues) - max_shown} more" if len(issues) > max_shown else ""
        super().__init__(f"{len(issues)} problem(s) in the input data:\n{shown}{more}")


@dataclass
class Dataset:
    """The typed input tables. Ids are kept as columns and as the index."""

    root: Path
    regions: pd.DataFrame
    measures: pd.DataFrame
    enterprises: pd.DataFrame
    projects: pd.DataFrame
    wastewater: pd.DataFrame
    prices: pd.DataFrame
    baselines: pd.DataFrame
    sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # emission sources outside the plant list
    references: pd.DataFrame = field(default_factory=pd.DataFrame)  # published figures to calibrate against
    statistics: pd.DataFrame = field(default_factory=pd.DataFrame)  # published sector capacity and output
    air_intake: pd.DataFrame = field(default_factory=pd.DataFrame)  # intake fractions by release class (model/air.py)
    air_sources: pd.DataFrame = field(default_factory=pd.DataFrame)  # release class and PM2.5 share by source type
    air_cities: pd.DataFrame = field(default_factory=pd.DataFrame)  # 2020 PM2.5 by city
    health: pd.DataFrame = field(default_factory=pd.DataFrame)  # GEMM, baseline mortality, breathing rate, VSL
    warnings: list[str] = field(default_factory=list)

    @property
    def counties(self) -> pd.DataFrame:
        return self.regions[self.regions["level"] == "county"]

    @property
    def cities(self) -> pd.DataFrame:
        return self.regions[self.regions["level"] == "city"]

    def files(self) -> list[Path]:
        """Every file the dataset was read from (for provenance hashes)."""
        return sorted(p for p in self.root.iterdir() if p.suffix in (".csv", ".geojson"))


def default_inputs_dir() -> Path:
    return Path(os.environ.get("ERSIM_INPUTS", DEFAULT_INPUTS))


def _read_csv(path: Path, issues: list[InputIssue], warnings: list[str]) -> pd.DataFrame | None:
    """Read every cell as text. UTF-8 is expected; a GB18030/GBK file (as Excel saves it) is read with a warning."""
    problem = _not_a_data_file(path)
    if problem:
        issues.append(InputIssue(path.name, problem))
        return None
    try:
        raw = path.read_bytes()
    except OSError as err:
        issues.append(InputIssue(path.name, f"cannot be read ({err.strerror})"))
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        try:
            text = raw.decode("gb18030")
        except UnicodeDecodeError:
            issues.append(InputIssue(path.name, f"is not UTF-8 text (byte {err.start}); save it as 'CSV UTF-8'"))
            return None
        warnings.append(f"{path.name} is GBK/GB18030-encoded, not UTF-8; it was read, but please save it as 'CSV UTF-8'")
    from io import StringIO

    if not text.strip():
        issues.append(InputIssue(path.name, "is empty; it needs at least its header line (see inputs/README.md)"))
        return None
    try:
        return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        issues.append(InputIssue(path.name, f"is not a well-formed CSV: {str(err).strip()[:300]}"))
        return None


def _not_a_data_file(path: Path) -> str | None:
    """Why ``path`` cannot be read as a data file (a directory, a device or pipe that would block), or None."""
    try:
        st = path.stat()
    except OSError as err:
        return f"cannot be read ({err.strerror})"
    if stat.S_ISDIR(st.st_mode):
        return "is a directory, not a file"
    if not stat.S_ISREG(st.st_mode):
        return "is not a regular file (a device, pipe or socket); copy the data into a file"
    return None


def _check_header(fname: str, df: pd.DataFrame, cols: list[Col], issues: list[InputIssue]) -> bool:
    expected = [c.name for c in cols]
    ok = True
    for name in df.columns:
        if name not in expected:
            issues.append(InputIssue(fname, f"unknown column '{name}'{did_you_mean(name, expected)}; "
                                            f"expected columns: {', '.join(expected)}", line=1))
            ok = False
    for c in cols:
        if c.name not in df.columns:
            if not c.required:  # an optional column a dataset leaves out reads as empty cells
                df[c.name] = ""
                continue
            issues.append(InputIssue(fname, f"missing column '{c.name}'", line=1))
            ok = False
    return ok


def _lines(mask: pd.Series) -> list[int]:
    """File line numbers of the rows where ``mask`` holds (header = line 1)."""
    return [int(i) + 2 for i in np.flatnonzero(mask.to_numpy())]


def _parse_column(fname: str, df: pd.DataFrame, col: Col, issues: list[InputIssue]) -> pd.Series:
    text = df[col.name].str.strip()
    empty = text == ""
    if col.required:
        for line in _lines(empty):
            issues.append(InputIssue(fname, "is empty; a value is required"
                                     + ("; write a seed line, a publication, or 'estimate: ...'"
                                        if col.name == "source" else ""), line, col.name))
    if col.kind in ("float", "int"):
        values = pd.to_numeric(text.where(~empty), errors="coerce")
        # 'nan' parses as a missing number and 'inf', '1e999' as infinite: neither is a value a table may hold
        # (what an empty cell means is the column's to say, in inputs/README.md)
        for line in _lines(values.isna() & ~empty):
            issues.append(InputIssue(fname, f"'{text.iloc[line - 2]}' is not a number", line, col.name))
        infinite = np.isinf(values.to_numpy(dtype=float, na_value=np.nan))
        for line in _lines(pd.Series(infinite)):
            issues.append(InputIssue(fname, f"'{text.iloc[line - 2]}' is not a finite number", line, col.name))
        values = values.where(~infinite)
        if col.min is not None:
            for line in _lines(values < col.min):
                what = "negative" if col.min == 0 else f"below {col.min}"
                issues.append(InputIssue(fname, f"{values.iloc[line - 2]:g} is {what}; it must be >= {col.min:g}",
                                         line, col.name))
        if col.max is not None:
            for line in _lines(values > col.max):
                issues.append(InputIssue(fname, f"{values.iloc[line - 2]:g} is above {col.max:g}; it must be in "
                                                f"{col.min:g}..{col.max:g}" if col.min is not None else
                                         f"{values.iloc[line - 2]:g} is above {col.max:g}", line, col.name))
        return values.astype("Int64") if col.kind == "int" and not values.isna().any() else values
    if col.kind == "bool":
        lowered = text.str.lower()
        bad = ~lowered.isin(["true", "false"]) & ~empty
        for line in _lines(bad):
            issues.append(InputIssue(fname, f"'{text.iloc[line - 2]}' is not true/false", line, col.name))
        return lowered == "true"
    if col.kind in ("str", "code"):
        # a carriage return splits a row of the result tables, an escape sequence acts on a terminal
        for line in _lines(text.str.contains(CONTROL_CHARACTERS, regex=True)):
            char = CONTROL_CHARACTERS.search(text.iloc[line - 2]).group()
            issues.append(InputIssue(fname, f"holds the control character U+{ord(char):04X}; delete it (line breaks "
                                            "and tabs are fine)", line, col.name))
    if col.kind == "code":
        bad = ~text.str.fullmatch(r"\d{6}") & ~empty
        for line in _lines(bad):
            issues.append(InputIssue(fname, f"'{text.iloc[line - 2]}' is not a 6-digit region code", line, col.name))
    if col.choices is not None:
        items = text.str.split("|") if col.multi else text.map(lambda s: [s])
        for i, (cell, parts) in enumerate(zip(text, items)):
            for part in parts:
                if part and part not in col.choices:
                    issues.append(InputIssue(fname, f"'{part}' is not one of: {', '.join(col.choices)}"
                                             f"{did_you_mean(part, col.choices)}", i + 2, col.name))
    if col.unique:
        dup = text.duplicated(keep="first") & ~empty
        for line in _lines(dup):
            first = int(np.flatnonzero((text == text.iloc[line - 2]).to_numpy())[0]) + 2
            issues.append(InputIssue(fname, f"duplicate id '{text.iloc[line - 2]}' (first on line {first}); ids "
                                            "must be unique", line, col.name))
    return text


def _check_refs(fname: str, df: pd.DataFrame, cols: list[Col], known: dict[str, set[str]],
                issues: list[InputIssue]) -> None:
    for col in cols:
        if col.ref is None or col.ref not in known:  # the referenced table is missing: reported already
            continue
        values = df[col.name]
        bad = ~values.isin(known[col.ref]) & (values != "")
        for line in _lines(bad):
            value = values.iloc[line - 2]
            hint = did_you_mean(value, sorted(known[col.ref]))
            issues.append(InputIssue(fname, f"unknown {col.ref} '{value}'{hint}; it must be a {col.ref} code/id in "
                                            f"{'regions.csv' if col.ref in ('county', 'region') else col.ref + 's.csv'}",
                                     line, col.name))


def _check_regions(df: pd.DataFrame, issues: list[InputIssue]) -> None:
    f = "regions.csv"
    codes = set(df["region_code"])
    level_of = dict(zip(df["region_code"], df["level"]))
    for i, r in enumerate(df.itertuples(index=False)):
        line = i + 2
        if r.level != "province" and level_of.get(r.parent_code) is None:
            issues.append(InputIssue(f, f"parent_code '{r.parent_code}' is not a region in this file", line,
                                     "parent_code"))
        if r.level == "county":
            if level_of.get(r.city_code) != "city":
                issues.append(InputIssue(f, f"city_code '{r.city_code}' is not a city", line, "city_code"))
            if not r.terrain:
                issues.append(InputIssue(f, "counties need a terrain (plain or mountain)", line, "terrain"))
            if pd.isna(r.rural_coal_households_2020):
                issues.append(InputIssue(f, "counties need rural_coal_households_2020 (0 if none)", line,
                                         "rural_coal_households_2020"))
    if PROVINCE_CODE not in codes and not any(df["level"] == "province"):
        issues.append(InputIssue(f, "has no province row"))


def _check_measures(m: pd.DataFrame, issues: list[InputIssue]) -> None:
    f = "measures.csv"
    for i, r in enumerate(m.itertuples(index=False)):
        line = i + 2
        if r.applies_to == "enterprise" and not r.sector:
            issues.append(InputIssue(f, "enterprise measures need a sector", line, "sector"))
        if r.family == "voc" and r.applies_to == "enterprise" and r.sector != "coking" and pd.isna(
                r.vocs_efficiency_after):
            issues.append(InputIssue(f, "VOC treatment tiers need vocs_efficiency_after", line,
                                     "vocs_efficiency_after"))
        if r.energy_carrier and pd.isna(r.energy_use_per_unit_yr):
            issues.append(InputIssue(f, "energy_carrier is set but energy_use_per_unit_yr is empty", line,
                                     "energy_use_per_unit_yr"))


def _check_carriers(m: pd.DataFrame, prices: pd.DataFrame, issues: list[InputIssue]) -> None:
    """Every energy carrier a measure uses or saves has a price: a missing one would cost nothing."""
    known = set(prices["carrier"])
    for column in ("energy_carrier", "saved_carrier"):
        for line in _lines((m[column] != "") & ~m[column].isin(known)):
            carrier = m[column].iloc[line - 2]
            issues.append(InputIssue("measures.csv", f"carrier '{carrier}' has no price in prices.csv"
                                                     f"{did_you_mean(carrier, sorted(known))}; add a row for it",
                                     line, column))
    if "coal_raw" not in known:  # the price of the coal that coal_saved_t_per_unit_yr saves
        for line in _lines(m["coal_saved_t_per_unit_yr"].fillna(0) > 0)[:1]:
            issues.append(InputIssue("prices.csv", "has no coal_raw price, which the coal saved by measures.csv's "
                                                   f"coal_saved_t_per_unit_yr is valued at (line {line}); add a row"))


#: the county polygons of a dataset (optional); a run copies its scope's under the same name (model/rundir.py)
GEOMETRY_FILE = "counties.geojson"


def _check_geometry(path: Path, issues: list[InputIssue]) -> None:
    """The county GeoJSON (optional) is readable: a FeatureCollection whose features carry a region_code. What it
    draws is checked when maps are drawn; a damaged file is refused here, before a run writes a copy of it."""
    problem = _not_a_data_file(path)
    if problem:
        issues.append(InputIssue(path.name, problem))
        return
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as err:
        issues.append(InputIssue(path.name, f"is not a readable GeoJSON file ({str(err)[:200]}); restore it from "
                                            "inputs/ or delete it (runs then have no maps)"))
        return
    features = data.get("features") if isinstance(data, dict) else None
    if not isinstance(features, list) or not all(
            isinstance(f, dict) and isinstance(f.get("properties"), dict) and "region_code" in f["properties"]
            and isinstance(f.get("geometry"), dict) for f in features):
        issues.append(InputIssue(path.name, "is not a FeatureCollection of counties with a region_code property "
                                            "and a geometry each; restore it from inputs/ or delete it"))


def _check_enterprise_units(e: pd.DataFrame, m: pd.DataFrame, issues: list[InputIssue]) -> None:
    """A capacity-scaled measure must be stated per the capacity unit of the plants it applies to."""
    cap = m[(m["applies_to"] == "enterprise") & (m["unit"].isin(CAPACITY_UNITS))].assign(
        sector=lambda d: d["sector"].str.split("|")).explode("sector")
    pairs = e.reset_index(drop=True).rename_axis("row").reset_index().merge(
        cap[["measure_id", "sector", "process", "unit"]], on="sector", suffixes=("", "_m"))
    bad = pairs[((pairs["process_m"] == "") | (pairs["process_m"] == pairs["process"]))
                & (pairs["unit"] != pairs["capacity_unit"])].drop_duplicates("row")
    for r in bad.itertuples(index=False):
        issues.append(InputIssue(
            "enterprises.csv", f"capacity_unit '{r.capacity_unit}' differs from the unit '{r.unit}' that measure "
            f"{r.measure_id} is costed in; state this {r.sector} plant's capacity in {r.unit}", r.row + 2,
            "capacity_unit"))


#: datasets already read and checked in this process, by the content of their files (:func:`_fingerprint`)
_CHECKED: dict[tuple, Dataset] = {}
_CHECKED_MAX = 4  # a few datasets at most (a comparison of two, a test's copies); each is a few MB of tables
_HASHED_MAX_BYTES = 64 * 2**20  # a larger file is read afresh each time rather than hashed twice


def _fingerprint(root: Path) -> tuple | None:
    """The directory and the sha256 of every file :func:`load_dataset` reads (``None`` for one that is absent), or
    None when one is not a plain file of a sensible size (then it is read, and its problem reported, every time).
    Contents, not modification times: an edit within the file system's clock tick keeps the time and the size."""
    import hashlib

    digests = []
    for name in (*(f"{t}.csv" for t in LOAD_ORDER), GEOMETRY_FILE):
        path = root / name
        if not (path.exists() or path.is_symlink()):
            digests.append((name, None))
            continue
        if _not_a_data_file(path) or path.stat().st_size > _HASHED_MAX_BYTES:
            return None
        try:
            digests.append((name, hashlib.sha256(path.read_bytes()).hexdigest()))
        except OSError:
            return None
    return (str(root.resolve()), tuple(digests))


def load_dataset(root: Path | str | None = None) -> Dataset:
    """Read and check every table of the dataset in ``root`` (default: the embedded Shanxi data).

    Raises :class:`InputDataError` listing all problems found; nothing is returned half-checked. A dataset whose
    files this process has already read and checked, byte for byte, is returned as a copy of that reading (a
    comparison, a notebook and the test suite read the same 14 tables many times: 0.4 s each, 2 ms to hash).
    """
    import copy

    root = Path(root) if root is not None else default_inputs_dir()
    key = _fingerprint(root) if root.is_dir() else None
    if key is not None and key in _CHECKED:
        return replace(copy.deepcopy(_CHECKED[key]), root=root)
    ds = _read_dataset(root)
    if key is not None and _fingerprint(root) == key:  # not changed while it was read
        _CHECKED[key] = copy.deepcopy(ds)
        for old in list(_CHECKED)[:-_CHECKED_MAX]:  # the oldest first (pop: another thread may have taken it)
            _CHECKED.pop(old, None)
    return ds


def _read_dataset(root: Path) -> Dataset:
    """Read and check every table in ``root`` (:func:`load_dataset` without the memory of earlier readings)."""
    issues: list[InputIssue] = []
    warnings: list[str] = []
    if not root.is_dir():
        raise InputDataError([InputIssue(str(root), "is not a directory; pass --inputs DIR with the CSV files")])
    tables: dict[str, pd.DataFrame] = {}
    known: dict[str, set[str]] = {}
    for name in LOAD_ORDER:
        path = root / f"{name}.csv"
        fname = path.name
        if not path.exists():
            if name in OPTIONAL_TABLES:
                tables[name] = pd.DataFrame({c.name: pd.Series(dtype=_EMPTY_DTYPE[c.kind]) for c in TABLES[name]})
                continue
            issues.append(InputIssue(fname, f"is missing from {root}"))
            continue
        raw = _read_csv(path, issues, warnings)
        if raw is None or not _check_header(fname, raw, TABLES[name], issues):
            continue
        raw = raw[[c.name for c in TABLES[name]]]
        typed = pd.DataFrame({c.name: _parse_column(fname, raw, c, issues) for c in TABLES[name]})
        _check_refs(fname, typed, TABLES[name], known, issues)
        tables[name] = typed
        if name == "regions":
            known["region"] = set(typed["region_code"])
            known["county"] = set(typed.loc[typed["level"] == "county", "region_code"])
            _check_regions(typed, issues)
        elif name == "measures":
            known["measure"] = set(typed["measure_id"])
            _check_measures(typed, issues)
        elif name == "enterprises":
            known["enterprise"] = set(typed["enterprise_id"])
            if "measures" in tables:
                _check_enterprise_units(typed, tables["measures"], issues)
    if "measures" in tables and "prices" in tables:
        _check_carriers(tables["measures"], tables["prices"], issues)
    geometry = root / GEOMETRY_FILE
    if geometry.exists() or geometry.is_symlink():
        _check_geometry(geometry, issues)
    if issues:
        raise InputDataError(issues)
    ids = {"regions": "region_code", "measures": "measure_id", "enterprises": "enterprise_id",
           "projects": "project_id", "wastewater": "candidate_id", "sources": "source_id", "prices": "carrier"}
    for name, key in ids.items():
        tables[name] = tables[name].set_index(key, drop=False).rename_axis(None)
    return Dataset(root=root, warnings=warnings, **tables)
