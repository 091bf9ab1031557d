"""Sources outside the plant list (sources.csv) and the programmes at them, against hand-computed figures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import cli
from conftest import ROOT
from model.candidates import build_candidates
from model.resolve import resolve
from model.scenario import load_scenario


def test_china_iii_trucks_by_hand(ds):
    """76,500 国三 trucks (Xinhua 2020-12-28) x 60,000 km x 7.934 g NOx/km (2014 guideline) = 36,416 t NOx."""
    s = ds.sources[ds.sources["category"] == "truck_heavy_diesel"]
    assert s["activity"].sum() == pytest.approx(76_500, rel=1e-6)  # per county, 6 digits each
    assert s["nox_t"].sum() == pytest.approx(76_500 * 60_000 * 7.934e-6, rel=1e-5)
    assert s["pm_t"].sum() == pytest.approx(76_500 * 60_000 * 0.502e-6, rel=1e-5)
    # CO2: 36 L/100 km x 2.66 kg/L
    assert s["co2_t"].sum() == pytest.approx(76_500 * 60_000 * 0.36 * 2.66e-3, rel=1e-5)


def test_household_stoves_by_hand(ds):
    """Every coal household burns 3.4 t a year (Shanxi survey) at SO2 15.3 kg/t; the baseline and the heating
    options describe the same stove."""
    s = ds.sources[ds.sources["category"] == "household_coal_heating"]
    households = ds.counties["rural_coal_households_2020"].sum()
    assert s["activity"].sum() == pytest.approx(households)
    assert s["so2_t"].sum() == pytest.approx(households * 3.4 * 15.3e-3, rel=1e-5)
    per_household = s["so2_t"].sum() / s["activity"].sum()
    assert ds.measures.loc["heat_pump", "so2_t_per_unit"] == pytest.approx(per_household, rel=1e-5)


def test_truck_programmes_share_a_county_fleet(ds):
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    c = build_candidates(md).source
    county = c[c["enterprise_id"] == "TR3-141002"].set_index("measure_id")
    src = ds.sources.loc["TR3-141002"]
    scrap, bev = county.loc["truck_scrap_g3"], county.loc["truck_bev_heavy"]
    # scrapping every 国三 truck: NOx to China VI's 1/6 (parameters.md), 80,000 CNY a truck (estimate)
    assert scrap["nox_t"] == pytest.approx(src["nox_t"] * (1 - 0.15 / 0.9), rel=1e-4)
    assert scrap["capex_cny"] == pytest.approx(80_000 * src["activity"], rel=1e-9)
    # battery-electric trucks for at most half the fleet: all local NOx of that half
    assert bev["max_quantity"] == pytest.approx(0.5 * src["activity"], rel=1e-9)
    assert bev["nox_t"] == pytest.approx(0.5 * src["nox_t"], rel=1e-9)
    # running cost: 90,000 kWh x 0.5 CNY - 21,600 L diesel x 6.5 CNY, per truck
    assert bev["annual_cost_cny"] == pytest.approx((90_000 * 0.5 - 21_600 * 6.5) * bev["max_quantity"], rel=1e-6)


def test_check_inputs_shows_the_baseline_beside_the_references(tmp_path):
    res = CliRunner().invoke(cli.main, ["check-inputs", "--city", "临汾", "--csv", str(tmp_path / "t")])
    assert res.exit_code == 0, res.output
    assert "2020 baseline by group, 临汾市" in res.output and "on-road vehicles" in res.output
    import pandas as pd

    base = pd.read_csv(tmp_path / "t" / "baseline.csv", dtype={"region_code": str}, encoding="utf-8-sig")
    assert set(base["region_code"]) == {"140000", *[f"14{k:02d}00" for k in range(1, 12)]}
    ref = pd.read_csv(tmp_path / "t" / "references.csv", encoding="utf-8-sig").set_index(["group", "pollutant"])
    # the trucks found cover part of the on-road NOx only: below the range, and said so
    assert ref.loc[("on-road vehicles", "nox"), "verdict"] == "below"
    assert ref.loc[("households", "so2"), "verdict"] == "within"


def test_road_to_rail_uses_the_inventory_trucks(ds):
    """A kt shifted one km spares the 国III truck's 7.934 g/km (loaded out, empty back, 30 t) less rail's 0.05 g/t-km."""
    m = ds.measures.loc["rail_shift"]
    assert m["nox_t_per_unit"] == pytest.approx((7.934 * 2 / 30 - 0.05) * 1000 / 1e6, rel=1e-3)
    assert m["pm_t_per_unit"] == pytest.approx(0.502 * 2 / 30 * 1000 / 1e6, rel=1e-2)


def test_renewables_displacing_coal_power_by_hand(ds):
    """10 % of a coal MW's 4,300 h = 430 MWh from wind and solar at 1,800 h = 239 kW x 7,339 CNY/kW (IRENA 2021
    global weighted 1,325 and 857 USD/kW, 60/40, 6.45 CNY/USD); the plant's emissions fall by 10 %."""
    m = ds.measures.loc["power_re_10"]
    assert m["capex_cny_per_unit"] == pytest.approx(430 / 1800 * 1000 * (0.6 * 1325 + 0.4 * 857) * 6.45, rel=1e-6)
    assert m["co2_removal"] == 0.1 and m["nox_removal"] == 0.1
    assert m["saved_carrier"] == "coal_power"
    assert m["saved_per_unit_yr"] == pytest.approx(430 * 0.310 / 0.714, rel=1e-4)
    assert ds.prices.loc["coal_power", "price_cny_per_unit"] < ds.prices.loc["coal_raw", "price_cny_per_unit"]
