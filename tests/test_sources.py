"""Sources outside the plant list (sources.csv) and the programmes at them, against hand-computed figures."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import cli
from conftest import ROOT, write_yaml
from model.candidates import build_candidates
from model.resolve import resolve
from model.scenario import load_scenario


def test_china_iii_trucks_by_hand(ds):
    """76,500 国三-and-below trucks (Xinhua 2020-12-28) x 60,000 km x 7.934 g NOx/km (2014 guideline) = 36,416 t NOx;
    PM2.5 at the guideline's 国III 0.243 g/km (0.502 is 国II)."""
    s = ds.sources[(ds.sources["category"] == "truck_heavy_diesel") & (ds.sources["detail"] == "国III")]
    assert s["activity"].sum() == pytest.approx(76_500, rel=1e-6)  # per city, 6 digits each
    assert s["nox_t"].sum() == pytest.approx(76_500 * 60_000 * 7.934e-6, rel=1e-5)
    assert s["pm_t"].sum() == pytest.approx(76_500 * 60_000 * 0.243e-6, rel=1e-5)
    # CO2: 36 L/100 km x 2.66 kg/L
    assert s["co2_t"].sum() == pytest.approx(76_500 * 60_000 * 0.36 * 2.66e-3, rel=1e-5)


def test_on_road_fleet_by_hand(ds):
    """The fleet adds up to Shanxi's 764.72万 civil vehicles (NBS, end-2020), and heavy 国V trucks emit 120,000 x
    60,000 km x 4.721 g/km."""
    s = ds.sources
    onroad = s[s["category"].map(lambda c: c.startswith(("truck_", "bus_", "car_")))]
    assert onroad["activity"].sum() == pytest.approx(7_647_200, rel=1e-5)
    v = s[(s["category"] == "truck_heavy_diesel") & (s["detail"] == "国V")]
    assert v["nox_t"].sum() == pytest.approx(300_000 * 0.40 * 60_000 * 4.721e-6, rel=1e-5)


def test_household_stoves_by_hand(ds):
    """Every coal household burns 3.4 t a year (Shanxi survey) at SO2 15.3 kg/t; the baseline and the heating
    options describe the same stove."""
    s = ds.sources[ds.sources["category"] == "household_coal_heating"]
    households = ds.counties["rural_coal_households_2020"].sum()
    assert s["activity"].sum() == pytest.approx(households)
    assert s["so2_t"].sum() == pytest.approx(households * 3.4 * 15.3e-3, rel=1e-5)
    per_household = s["so2_t"].sum() / s["activity"].sum()
    assert ds.measures.loc["heat_pump", "so2_t_per_unit"] == pytest.approx(per_household, rel=1e-5)


def test_truck_programmes_share_a_city_fleet(ds):
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    c = build_candidates(md).source
    sid = "V-truck_heavy_diesel-GIII-141000"
    city = c[c["enterprise_id"] == sid].set_index("measure_id")
    src = ds.sources.loc[sid]
    scrap, bev = city.loc["truck_scrap_g3"], city.loc["truck_bev_heavy"]
    # scrapping every 国三 truck for a 国六 one: 7.934 -> 1.42 g NOx/km, 80,000 CNY a truck (estimate)
    assert scrap["nox_t"] == pytest.approx(src["nox_t"] * (1 - 1.42 / 7.934), rel=1e-4)
    assert scrap["capex_cny"] == pytest.approx(80_000 * src["activity"], rel=1e-9)
    # battery-electric trucks for at most half the fleet: all local NOx of that half
    assert bev["max_quantity"] == pytest.approx(0.5 * src["activity"], rel=1e-9)
    assert bev["nox_t"] == pytest.approx(0.5 * src["nox_t"], rel=1e-9)
    # running cost: 90,000 kWh x 0.5 CNY - 21,600 L diesel x 6.5 CNY, per truck
    assert bev["annual_cost_cny"] == pytest.approx((90_000 * 0.5 - 21_600 * 6.5) * bev["max_quantity"], rel=1e-6)
    # the 国四 programme treats the 国四 trucks only: 5.554 -> 1.42 g/km
    g4 = c[(c["enterprise_id"] == "V-truck_heavy_diesel-GIV-141000") & (c["measure_id"] == "truck_scrap_g4")].iloc[0]
    assert g4["nox_t"] == pytest.approx(ds.sources.loc["V-truck_heavy_diesel-GIV-141000", "nox_t"] * (1 - 1.42 / 5.554),
                                        rel=1e-4)
    assert not ((c["measure_id"] == "truck_scrap_g4") & c["enterprise_id"].str.contains("GIII")).any()


def test_offroad_by_hand(ds):
    """Farm machinery burns 1.23 Mt CO2 / 3.143 = 391 kt diesel (CEADs 2019) at 51 g NOx/kg (Anhui survey) = 19.96 kt;
    the electric mine truck replaces 1,190 L diesel by 4,050 / 1,400 x 1,190 kWh per t of diesel a year."""
    s = ds.sources
    farm = s[(s["category"] == "offroad_machinery") & (s["detail"] == "agriculture")]
    assert farm["activity"].sum() == pytest.approx(1.23e6 / 3.143, rel=1e-5)
    assert farm["nox_t"].sum() == pytest.approx(1.23e6 / 3.143 * 0.051, rel=1e-5)
    m = ds.measures.loc["mine_truck_electric"]
    assert m["energy_use_per_unit_yr"] == pytest.approx(4_050 / 1_400 * 1_190, rel=1e-6)
    assert m["co2_removal"] == pytest.approx(1 - 4_050 / 1_400 * 1_190 * 0.7222e-3 / (1_190 * 2.66e-3), abs=1e-4)


@pytest.mark.slow
def test_check_inputs_shows_the_baseline_beside_the_references(tmp_path):
    res = CliRunner().invoke(cli.main, ["check-inputs", "--city", "临汾", "--csv", str(tmp_path / "t")])
    assert res.exit_code == 0, res.output
    assert "2020 baseline by group, 临汾市" in res.output and "on-road vehicles" in res.output
    import pandas as pd

    base = pd.read_csv(tmp_path / "t" / "baseline.csv", dtype={"region_code": str}, encoding="utf-8-sig")
    assert set(base["region_code"]) == {"140000", *[f"14{k:02d}00" for k in range(1, 12)]}
    ref = pd.read_csv(tmp_path / "t" / "references.csv", encoding="utf-8-sig").set_index(["group", "pollutant"])
    # the whole fleet, 764.72万 vehicles: within the population-share range
    assert ref.loc[("on-road vehicles", "nox"), "verdict"] == "within"
    assert ref.loc[("households", "so2"), "verdict"] == "within"


def test_road_to_rail_uses_the_inventory_trucks(ds):
    """A kt shifted one km spares the 国III truck's 7.934 g/km (loaded out, empty back, 30 t) less rail's 0.05 g/t-km;
    PM2.5 at the 国III 0.243 g/km."""
    m = ds.measures.loc["rail_shift"]
    assert m["nox_t_per_unit"] == pytest.approx((7.934 * 2 / 30 - 0.05) * 1000 / 1e6, rel=1e-3)
    assert m["pm_t_per_unit"] == pytest.approx(0.243 * 2 / 30 * 1000 / 1e6, rel=1e-2)


def test_renewables_displacing_coal_power_by_hand(ds):
    """10 % of a coal MW's 4,300 h = 430 MWh from wind and solar at 1,800 h = 239 kW x 7,339 CNY/kW (IRENA 2021
    global weighted 1,325 and 857 USD/kW, 60/40, 6.45 CNY/USD); the plant's emissions fall by 10 %."""
    m = ds.measures.loc["power_re_10"]
    assert m["capex_cny_per_unit"] == pytest.approx(430 / 1800 * 1000 * (0.6 * 1325 + 0.4 * 857) * 6.45, rel=1e-6)
    assert m["co2_removal"] == 0.1 and m["nox_removal"] == 0.1
    assert m["saved_carrier"] == "coal_power"
    assert m["saved_per_unit_yr"] == pytest.approx(430 * 0.310 / 0.714, rel=1e-4)
    assert ds.prices.loc["coal_power", "price_cny_per_unit"] < ds.prices.loc["coal_raw", "price_cny_per_unit"]


def _one_sewage_pool(root, flow_m3_per_day: float, cod_mg_l: float = 250.0):
    """A dataset copy whose only water is 盂县's urban sewage no plant treats yet (flow m3/day at ``cod_mg_l``) and
    one candidate, the 盂县 phase II expansion (25,000 m3/day at load 0.8, COD 250 -> 40 mg/L)."""
    import pandas as pd

    from conftest import plants_only

    plants_only(root)
    w = pd.read_csv(root / "wastewater.csv", dtype=str, keep_default_na=False)
    w[w["candidate_id"] == "WW002"].to_csv(root / "wastewater.csv", index=False)
    cod = flow_m3_per_day * 365 * cod_mg_l / 1e6
    pd.DataFrame([{"source_id": "SWU-140322", "category": "sewage_urban", "detail": "untreated",
                   "county_code": "140322", "activity": flow_m3_per_day, "activity_unit": "m3_per_day",
                   "nox_t": 0, "so2_t": 0, "pm_t": 0, "vocs_t": 0, "cod_t": cod, "nh3n_t": cod / 10, "co2_t": 0,
                   "split_by_proxy": "false", "source": "estimate: unit test"}]).to_csv(root / "sources.csv", index=False)
    return root


@pytest.mark.slow
def test_treatment_cuts_no_more_than_the_county_discharges(inputs_copy, tmp_path):
    """10,000 m3/day of untreated sewage at 250 mg/L: a 25,000 m3/day plant (load 0.8) treats at most that flow,
    so COD falls by at most 10,000 x 365 x (250 - 40) g = 766.5 t/yr (without the pool: 1,533 t). The named plant
    is still built whole (and paid for whole), underloaded."""
    root = _one_sewage_pool(inputs_copy, 10_000)
    scen = "name: t\nmeasures: {exclude: [heating, rail, efficiency, voc, boiler, ule, vehicle, renewables]}\n"
    ok = write_yaml(tmp_path, scen + "targets:\n  - {pollutant: COD, reduction: 766, unit: t}\n", "ok.yaml")
    over = write_yaml(tmp_path, scen + "targets:\n  - {pollutant: COD, reduction: 770, unit: t}\n", "over.yaml")
    res = CliRunner().invoke(cli.main, ["run", str(ok), "--inputs", str(root), "--out", str(tmp_path / "a"),
                                        "--no-plots"])
    assert res.exit_code == 0, res.output
    import pandas as pd

    port = pd.read_csv(tmp_path / "a" / "portfolio.csv")
    assert port["cod_t"].sum() == pytest.approx(766.5, rel=1e-6)  # the named plant is built whole
    res = CliRunner().invoke(cli.main, ["run", str(over), "--inputs", str(root), "--out", str(tmp_path / "b"),
                                        "--no-plots"])
    assert res.exit_code == 3, res.output
    diag = pd.read_csv(tmp_path / "b" / "diagnosis.csv")
    assert diag["achievable_t"].max() == pytest.approx(766.5, rel=1e-4)


@pytest.mark.slow
def test_treatment_stronger_than_its_source_is_refused(inputs_copy, tmp_path):
    """A plant removing 210 mg/L from sewage that holds 100 mg/L is an error in the data, named."""
    root = _one_sewage_pool(inputs_copy, 10_000, cod_mg_l=100)
    res = CliRunner().invoke(cli.main, ["run", str(write_yaml(tmp_path, "name: t\ntargets: []\n")), "--inputs",
                                        str(root), "--out", str(tmp_path / "c"), "--no-plots"])
    assert res.exit_code == 2, res.output
    assert "WW002" in res.output and "SWU-140322" in res.output and "mg/L" in res.output


def test_water_baseline_by_hand(ds):
    """Urban sewage: 62.5 % of the 34,915,616 residents x 6.04 kg COD (二污普 2017 urban per capita) = 131,806 t;
    livestock: 1,696.8万 pig-equivalents (560万 pigs + 107.1万 cattle x 5 + 916.4万 sheep / 3 + 8,875.3万 poultry
    / 30) x 48.47 kg COD generated (Li et al. 2019) x 25 % not used = 205,593 t."""
    s = ds.sources
    urban = s[s["category"] == "sewage_urban"]
    assert urban["cod_t"].sum() == pytest.approx(34_915_616 * 0.625 * 6.04 / 1000, rel=1e-5)
    # what the plants treat leaves them at Grade 1A: 450万 m3/d x 0.8 x 365 x 50 g/m3
    treated = urban[urban["detail"] == "treated"]
    assert treated["activity"].sum() == pytest.approx(4_500_000 * 0.8, rel=1e-5)
    assert treated["cod_t"].sum() == pytest.approx(3_600_000 * 365 * 50 / 1e6, rel=1e-5)
    farms = s[s["category"] == "livestock"]
    pig_eq = 5_600_000 + 1_071_000 * 5 + 9_164_000 / 3 + 88_753_000 / 30
    assert farms["activity"].sum() == pytest.approx(pig_eq, rel=1e-5)
    assert farms["cod_t"].sum() == pytest.approx(pig_eq * 759_700 / 15_675_000 * 0.25, rel=1e-5)


def test_farm_and_industrial_water_programmes_by_hand(ds):
    """Manure use 75 % -> 90 % at the farms reached removes (0.90 - 0.75) / 0.25 = 60 % of their COD, at 135 CNY
    per pig-equivalent; reuse removes all the COD of at most half an industrial flow."""
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    c = build_candidates(md).source.set_index(["enterprise_id", "measure_id"])
    farm, src = c.loc[("LV-141000", "livestock_manure")], ds.sources.loc["LV-141000"]
    assert farm["cod_t"] == pytest.approx(0.6 * src["cod_t"], rel=1e-9)
    assert farm["nh3n_t"] == pytest.approx(0.6 * src["nh3n_t"], rel=1e-9)
    assert farm["capex_cny"] == pytest.approx(135 * src["activity"], rel=1e-9)
    reuse, iww = c.loc[("IWW-141000", "industrial_reuse")], ds.sources.loc["IWW-141000"]
    assert reuse["max_quantity"] == pytest.approx(0.5 * iww["activity"], rel=1e-9)
    assert reuse["cod_t"] == pytest.approx(0.5 * iww["cod_t"], rel=1e-9)


def test_city_treatment_candidates_share_the_city_sewage(ds):
    """Every urban new/expansion candidate of 临汾 draws on SWU-141000, and together they may treat no more than
    it holds: the model's pool row bounds them (checked in the candidates: draw <= the source's flow)."""
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    w = build_candidates(md).wastewater
    lf = w[(w["city_code"] == "141000") & w["measure_id"].isin(["ww_urban_new", "ww_urban_expansion"])]
    assert len(lf) > 1 and set(lf["pool"]) == {"SWU-141000"}
    flow = ds.sources.loc["SWU-141000", "activity"]
    assert (lf["pool_draw"] <= flow + 1e-9).all()
    # a candidate's COD at full draw is its flow x (250 - 40) mg/L
    r = lf.iloc[0]
    assert r["cod_t"] == pytest.approx(r["pool_draw"] * 365 * 210 / 1e6, rel=1e-9)


def test_voc_area_eaf_and_sewer_programmes_by_hand(ds):
    """Vapour recovery: China's stations from 246 kt (2020) to < 54.4 kt at >= 90 % recovery = -77.9 %; waterborne
    coatings: (0.455 - 0.19) / 0.455 = -58 %; 15 % of a steel site to scrap EAF: CO2 x 0.15 x 0.75, running cost
    208 CNY per t moved; a sewer network candidate removes 250 - 50 mg/L COD from the sewage it collects."""
    m = ds.measures
    assert m.loc["petrol_vapour_recovery", "vocs_removal"] == pytest.approx((246 - 54.4) / 246, abs=1e-4)
    assert m.loc["low_voc_coatings", "vocs_removal"] == pytest.approx(0.58)
    eaf = m.loc["steel_eaf"]
    assert eaf["co2_removal"] == pytest.approx(0.15 * 0.75) and eaf["var_om_cny_per_t_output"] == pytest.approx(
        0.15 * 208)
    s = ds.sources
    petrol = s[s["category"] == "petrol_station"]
    assert petrol["vocs_t"].sum() == pytest.approx(246e3 * 34_915_616 / 1_411_778_724, rel=1e-4)
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    w = build_candidates(md).wastewater
    net = w[w["measure_id"] == "ww_urban_network"].iloc[0]
    assert net["pool"].startswith("SWU-")
    assert net["cod_t"] == pytest.approx(net["pool_draw"] * 365 * (250 - 50) / 1e6, rel=1e-9)
