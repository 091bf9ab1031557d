"""Readable views of the input tables for ``ersim list`` and ``ersim check-inputs``.

Pure functions from a :class:`~model.inputs.Dataset` to small pandas tables; the CLI only prints them.
"""

from __future__ import annotations

import pandas as pd

from .inputs import Dataset
from .names import AIR_POLLUTANTS
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


def enterprises_view(ds: Dataset, city: str | None = None, sector: str | None = None) -> pd.DataFrame:
    e = with_places(ds, ds.enterprises, "county_code")
    if city:
        e = e[e["city_code"] == resolve_city(ds, city)]
    if sector:
        e = e[e["sector"] == sector]
    return e[["enterprise_id", "name_zh", "sector", "city", "county", "capacity", "capacity_unit",
              "nox_t", "so2_t", "vocs_t", "ule_status", "bulk_freight_kt_per_yr", "has_siding", "synthetic"]]


def measures_view(ds: Dataset, sector: str | None = None, family: str | None = None) -> pd.DataFrame:
    m = ds.measures
    if sector:
        m = m[m["sector"].str.split("|").map(lambda s: sector in s)]
    if family:
        m = m[m["family"] == family]
    return m[["measure_id", "name_zh", "family", "applies_to", "sector", "exclusive_group", "unit",
              "capex_cny_per_unit", "lifetime_yr"]]


def sector_totals(ds: Dataset) -> pd.DataFrame:
    """Plants, capacity and baseline emissions per sector (t/yr)."""
    e = ds.enterprises
    cols = [f"{p}_t" for p in AIR_POLLUTANTS] + ["co2_t", "bulk_freight_kt_per_yr"]
    out = e.groupby(["sector", "capacity_unit"])[["capacity", *cols]].sum()
    out.insert(0, "plants", e.groupby(["sector", "capacity_unit"]).size())
    return out.reset_index()


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
