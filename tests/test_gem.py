"""inputs/research/gem/: the Global Energy Monitor plant tables (built by inputs/scripts/build_gem.py).

The committed CSVs are checked on their own (totals from /work/shared/data/gem/README.md, county codes, known
plants); where the shared GEM folder exists, the script is rerun and must reproduce them byte for byte.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
GEM_OUT = ROOT / "inputs" / "research" / "gem"
GEM_SHARED = Path("/work/shared/data/gem")
FILES = ("steel_plants_2020.csv", "coal_units_2020.csv", "coal_mines_operating.csv")
TEXT = {"county_code": str, "city_code": str}


def read(name: str) -> pd.DataFrame:
    return pd.read_csv(GEM_OUT / name, dtype=TEXT, encoding="utf-8")


@pytest.fixture(scope="module")
def build_gem():
    spec = importlib.util.spec_from_file_location("build_gem", ROOT / "inputs" / "scripts" / "build_gem.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture(scope="module")
def counties() -> pd.DataFrame:
    r = pd.read_csv(ROOT / "inputs" / "regions.csv", dtype=str)
    return r[r["level"] == "county"].set_index("region_code")


# --------------------------------------------------------------------------- the committed tables alone

def test_steel_totals_match_readme():
    """README: 24 operating or mothballed plants, 72.4 Mt/yr steel (old GSPT release)."""
    s = read("steel_plants_2020.csv")
    assert len(s) == 24 and s["gem_plant_id"].is_unique
    assert round(s["steel_capacity_t_per_yr"].sum() / 1e6, 1) == 72.4
    assert set(s["status_2020"]) == {"operating", "mothballed"}


def test_coal_units_totals_match_readme():
    """README: the 2020 fleet is 189 units, 71 plants, 62.6 GW."""
    c = read("coal_units_2020.csv")
    assert len(c) == 189 and c["gem_unit_id"].is_unique
    assert c["gem_location_id"].nunique() == 71
    assert round(c["capacity_MW"].sum() / 1000, 1) == 62.6
    assert (c["start_year"] <= 2020).all()
    assert not (c["retired_year"] < 2021).any()


def test_mines_totals_match_readme():
    """README: 681 operating mines (GEM rows), 1,216 Mt/yr; one id (M0178 Baode) has two operating rows."""
    m = read("coal_mines_operating.csv")
    assert m["gem_mine_id"].is_unique
    assert m["gem_rows"].sum() == 681 and len(m) == 680
    assert round(m["capacity_t_per_yr"].sum() / 1e6) == 1216


@pytest.mark.parametrize("name", FILES)
def test_every_row_has_a_county_of_regions_csv(name, counties):
    df = read(name)
    assert df["county_code"].notna().all()
    assert df["county_code"].isin(counties.index).all()
    assert (df["county_name_zh"] == df["county_code"].map(counties["name_zh"])).all()
    assert (df["city_code"] == df["county_code"].map(counties["city_code"])).all()
    assert df["county_by"].str.fullmatch(r"polygon|nearest \(\d+\.\d km\)").all()


@pytest.mark.parametrize("name", FILES)
def test_every_row_names_its_source(name):
    src = read(name)["source"]
    assert src.str.startswith("Global Energy Monitor, Global ").all()
    assert src.str.contains("CC BY 4.0", regex=False).all()


def test_known_steel_plants():
    s = read("steel_plants_2020.csv").set_index("gem_plant_id")
    fusheng = s.loc["SCN00227"]  # 晋城福盛钢铁, checked by hand in the GEM README
    assert fusheng["name_zh"] == "晋城福盛钢铁有限公司"
    assert fusheng["steel_capacity_t_per_yr"] == 6_000_000
    assert fusheng["route"] == "BF-BOF"
    assert (fusheng["county_code"], fusheng["county_name_zh"]) == ("140525", "泽州县")
    tisco = s.loc["SCN00212"]  # 太钢: BF-BOF and EAF, in 太原's 尖草坪区
    assert tisco["name_zh"].startswith("山西太钢")
    assert (tisco["county_code"], tisco["county_name_zh"], tisco["city_name_zh"]) == ("140108", "尖草坪区", "太原市")
    assert tisco["route"] == "both"


def test_nearest_county_fallback_is_rare():
    """Only points just outside the simplified polygons: one mine in the current cut, under 5 km away."""
    for name in FILES:
        by = read(name)["county_by"]
        near = by[by.str.startswith("nearest")]
        km = near.str.extract(r"\((\d+\.\d) km\)", expand=False).astype(float)
        assert (km < 5).all(), (name, near.tolist())
    assert (read("coal_mines_operating.csv")["county_by"] != "polygon").sum() == 1


# --------------------------------------------------------------------------- against the shared GEM files

needs_shared = pytest.mark.skipif(not (GEM_SHARED / "README.md").exists(),
                                  reason=f"{GEM_SHARED} (the GEM Shanxi cut) is not on this machine")


@needs_shared
def test_committed_tables_equal_a_fresh_build(build_gem):
    for name, df in build_gem.build_all(GEM_SHARED).items():
        assert build_gem.to_csv_text(df) == (GEM_OUT / name).read_text(encoding="utf-8"), (
            f"{name} is stale: rerun python inputs/scripts/build_gem.py")


@needs_shared
def test_shared_file_counts_match_readme(build_gem):
    old = build_gem.read_gem_csv(GEM_SHARED / "gspt_old_data_shanxi.csv")
    assert len(old) == 38 and old["id"].str.split("-").str[0].nunique() == 26
    new = build_gem.read_gem_csv(GEM_SHARED / "gspt_2024-04-15_shanxi.csv")
    assert len(new) == 52 and new["id"].nunique() == 27
    assert "equipment" in new.columns  # the source header has ' equipment' (leading space), stripped on read
    units = build_gem.read_gem_csv(GEM_SHARED / "gist_units_2025-03-18_shanxi.csv")
    assert units["tab-type"].value_counts().to_dict() == {
        "Blast_furnaces": 89, "Basic_oxygen_furnaces": 81, "Electric_arc_furnaces": 5}
    mines = build_gem.read_gem_csv(GEM_SHARED / "gcmt_2024_shanxi.csv")
    assert len(mines) == 750 and (mines["status"] == "operating").sum() == 681


# --------------------------------------------------------------------------- trackers -> enterprises.csv
def test_power_reconciliation_says_which_gppd_plants_differ():
    """The GPPD plants the dataset used before issue 22, matched to the tracker's 2020 plants (within 5 km):
    55 of 59 matched, 4 not (doubtful GPPD positions or plants), 16 tracker plants GPPD lacked."""
    rec = pd.read_csv(GEM_OUT / "power_reconciliation.csv", dtype=str, keep_default_na=False)
    gppd = rec[rec["gppd_plant_key"] != ""]
    assert len(gppd) == 59 and (gppd["gem_location_id"] != "").sum() == 55
    assert (rec["gppd_plant_key"] == "").sum() == 16 and rec["note"].str.len().gt(10).all()
    # the seed plants GPPD matched keep their enterprise ids as the first unit of the tracker's plant
    kept = gppd[gppd["enterprise_id_before"] != ""]
    assert set(kept["enterprise_id_before"]) == {"E0029", "E0039", "E0040", "E0041"}
