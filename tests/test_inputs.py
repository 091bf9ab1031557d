"""The default dataset reproduces the seed facts, and the loader explains what is wrong with broken copies."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from model.inputs import DEFAULT_INPUTS, TABLES, InputDataError, load_dataset

# Counties per city after dropping the four functional zones (shanxi-statistics.md §7, modood areas.csv).
COUNTIES_PER_CITY = {"太原市": 10, "大同市": 10, "阳泉市": 5, "长治市": 12, "晋城市": 6, "朔州市": 6,
                     "晋中市": 11, "运城市": 13, "忻州市": 14, "临汾市": 17, "吕梁市": 13}


# ----------------------------------------------------------------------------- regions
def test_117_counties_in_11_cities(ds):
    assert len(ds.cities) == 11
    assert len(ds.counties) == 117
    per_city = ds.counties.groupby(ds.counties["city_code"].map(ds.regions["name_zh"])).size().to_dict()
    assert per_city == COUNTIES_PER_CITY
    assert (ds.regions["level"] == "province").sum() == 1


def test_region_codes_unique_and_nested(ds):
    r = ds.regions
    assert r["region_code"].is_unique
    assert r["region_code"].str.fullmatch(r"14\d{4}").all()
    counties = ds.counties
    assert (counties["region_code"].str[:4] == counties["city_code"].str[:4]).all()
    # the same short name exists in two cities; codes keep them apart
    assert set(counties.loc[counties["name_zh"] == "城区", "city_code"]) == {"140300", "140500"}


def test_yu_county_is_spelt_right_everywhere():
    """Seed 001 prints 盂县 as 孟县 in its tables; the data must carry the fix, not the typo."""
    for f in DEFAULT_INPUTS.glob("*.csv"):
        text = f.read_text(encoding="utf-8")
        for line in text.splitlines():
            if "孟县" in line:
                assert "孟县 = 盂县" in line or "孟县=盂县" in line, f"{f.name}: {line[:120]}"


def test_city_gdp_adds_up_to_province(ds):
    province_gdp = ds.regions.loc["140000", "gdp_2020_cny"]
    assert province_gdp == pytest.approx(17651.93e8)
    assert ds.cities["gdp_2020_cny"].sum() == pytest.approx(province_gdp, rel=1e-6)


def test_plain_coal_households_follow_seed_anchors(ds):
    c = ds.counties
    by_city = c.groupby(c["city_code"].map(ds.regions["name_zh"]))["rural_coal_households_2020"].sum()
    assert by_city["阳泉市"] == 0  # 001:L78: clean energy basically covers everything
    assert by_city["临汾市"] == pytest.approx(700_000, rel=0.01)  # 003:L99 约70万户
    assert set(c["terrain"]) == {"plain", "mountain"}
    assert (c.loc[c["city_code"] == "140300", "terrain"] == "mountain").all()


def test_geojson_has_the_117_counties(ds):
    gj = json.loads((DEFAULT_INPUTS / "counties.geojson").read_text(encoding="utf-8"))
    codes = [f["properties"]["region_code"] for f in gj["features"]]
    assert len(codes) == 117 and len(set(codes)) == 117
    assert set(codes) == set(ds.counties["region_code"])
    assert (DEFAULT_INPUTS / "counties.geojson").stat().st_size < 1_000_000


# ----------------------------------------------------------------------------- enterprises
def test_coking_seed_totals(ds):
    """000:L693: 31 coking enterprises with 4428万吨 capacity complete ULE."""
    coking = ds.enterprises[ds.enterprises["sector"] == "coking"]
    assert coking["blocks"].sum() == 31  # 2 named plants and the cities' remainders in blocks of a typical plant
    assert (coking["plant_identity"] == "named").sum() == 2
    assert (coking["capacity_unit"] == "t_per_yr").all()
    assert coking["capacity"].sum() == pytest.approx(44_280_000)


def test_clinker_seed_totals(ds):
    """000:L693: 44 clinker enterprises with 15.8万吨/日."""
    cement = ds.enterprises[ds.enterprises["sector"] == "cement"]
    assert cement["blocks"].sum() == 44
    assert (cement["plant_identity"] == "named").sum() == 3  # 冀东, 亚美, 南娄 (001:L755, L794, L807)
    assert (cement["capacity_unit"] == "t_per_day").all()
    assert cement["capacity"].sum() == pytest.approx(158_000)


def test_coal_power_is_already_ule(ds):
    """000:L101: 全省火电行业全部实现超低排放."""
    power = ds.enterprises[ds.enterprises["sector"] == "power"]
    assert len(power) > 0
    assert (power["ule_status"] == "done").all()


def test_jidong_cement_with_its_stated_project(ds):
    """001:L757: 阳泉冀东水泥 denitration, NOx −940 t/yr, 6.14 亿元, in 郊区."""
    e = ds.enterprises
    jidong = e[e["name_zh"].str.contains("冀东水泥")]
    assert len(jidong) == 1
    row = jidong.iloc[0]
    assert row["county_code"] == "140311" and row["sector"] == "cement" and row["plant_identity"] == "named"
    projects = ds.projects[ds.projects["enterprise_id"] == row["enterprise_id"]]
    denox = projects[projects["nox_cut_t"].fillna(0) > 0]
    assert len(denox) == 1
    assert denox.iloc[0]["nox_cut_t"] == pytest.approx(940)
    assert denox.iloc[0]["capex_cny"] == pytest.approx(6.14e8)
    assert "001:L757" in denox.iloc[0]["source"]
    # the plant's baseline NOx must be larger than what the project removes
    assert row["nox_t"] > 940


def test_named_yangquan_enterprises_present(ds):
    names = " ".join(ds.enterprises["name_zh"])
    for name in ["冀东水泥", "太钢鑫磊", "西小坪耐火", "亚美建筑", "南娄", "晋玉", "华阳"]:
        assert name in names, name
    yu = ds.enterprises[ds.enterprises["name_zh"].str.contains("西小坪耐火")]
    assert (yu["county_code"] == "140322").all()  # printed 孟县 in 001:L792, it is 盂县


def test_named_linfen_siding_shippers_present(ds):
    names = " ".join(ds.enterprises["name_zh"])
    for name in ["谭坪", "永鑫", "恒富"]:  # 003:L316
        assert name in names, name


def test_shuozhou_seed_counts(ds):
    e = ds.enterprises
    sz = e[e["county_code"].map(ds.regions["city_code"]) == "140600"]
    # 002:L93, L95: 10 thermal power enterprises, 9,250 MW; the tracker's 2020 fleet in Shuozhou: 9,410 MW (it
    # counts 2 units started in 2020 and 永皓's 100 MW, retired 2021)
    power = sz[sz["sector"] == "power"]
    assert power["capacity"].sum() == pytest.approx(9_410) and power["tracker_id"].str.startswith("G").all()
    voc = sz[sz["sector"].isin(["chemical", "coating", "other_voc"]) & (sz["voc_treatment_eff"] == 0.3)]
    assert voc["blocks"].sum() == 14  # 002:L817: 14 VOC enterprises from 30 % to 80 %


def test_every_plant_row_is_named_or_a_remainder(ds):
    """No invented firms (issue 22): a plant row is a named plant with its source, or a city's remainder that says
    so in its name and source; the word synthetic is gone from the plants."""
    e = ds.enterprises
    assert set(e["plant_identity"]) == {"named", "remainder"}
    rem = e[e["plant_identity"] == "remainder"]
    assert rem["name_zh"].str.contains("未列明企业").all() and rem["source"].str.startswith(("remainder:", "estimate:")).all()
    assert not e["name_zh"].str.contains("合成|synthetic").any() and not e["source"].str.contains("合成").any()
    assert (e.loc[e["plant_identity"] == "named", "blocks"] == 1).all()
    ww = ds.wastewater  # a programme share no list names says so in its name and starts its source with estimate:
    assert ww.loc[ww["programme"], "name_zh"].str.endswith("（规划能力，未列明项目）").all()
    assert ww.loc[ww["programme"], "source"].str.startswith("estimate:").all()
    for name in ("enterprises", "wastewater", "sources", "regions", "projects"):  # the word is gone from the data
        assert not (DEFAULT_INPUTS / f"{name}.csv").read_text(encoding="utf-8").lower().count("synthetic"), name


# ----------------------------------------------------------------------------- measures, wastewater, baselines
def test_measure_catalogue_covers_the_families(ds):
    m = ds.measures
    assert {"ule", "voc", "heating", "boiler", "rail", "wastewater", "efficiency", "vehicle"} <= set(m["family"])
    for mid in ["coking_cdq", "cement_sncr", "cement_scr", "cement_ule", "heat_gas", "heat_pump",
                "heat_district", "heat_clean_coal", "rail_siding", "rail_shift", "ww_urban_upgrade", "ww_rural",
                "boiler_to_gas", "power_energy_saving", "voc_rto", "voc_ac"]:
        assert mid in m.index, mid
    # SNCR vs SCR vs SNCR+SCR at one kiln are mutually exclusive
    assert m.loc[["cement_sncr", "cement_scr", "cement_ule"], "exclusive_group"].nunique() == 1
    # heat pumps add grid CO2 but still cut it versus a 3.4 t coal stove (Shanxi household survey): 3.4 t x 1.83
    # = 6.222 t, less 28.4 GJ / COP 2.5 = 3,159 kWh x Shanxi's grid 0.7222 kg = 2.281 t: 3.941 t
    assert m.loc["heat_pump", "co2_t_per_unit"] == pytest.approx(3.4 * 1.83 - 3.4 * 20.9 * 0.4 / 2.5 / 0.0036
                                                                 * 0.7222e-3, abs=1e-3)
    # the stove the options replace: 3.4 t x SO2 15.3 kg/t (derived from the survey's totals) = 52.0 kg a year
    assert m.loc["heat_pump", "so2_t_per_unit"] == pytest.approx(3.4 * 15.3 / 1000, rel=1e-6)
    # gas and heat pumps deliver the same useful heat (28.4 GJ): 811 m3 at 90 % and 38.93 MJ/m3
    assert m.loc["heat_gas", "energy_use_per_unit_yr"] * 0.9 * 0.03893 == pytest.approx(
        m.loc["heat_pump", "energy_use_per_unit_yr"] * 2.5 * 0.0036, rel=1e-9)
    assert m.loc["boiler_to_electric", "co2_removal"] < 0
    assert m.loc["heat_clean_coal", "terrain"] == "mountain"  # 000:L302 洁净煤保底


def test_wastewater_programme_matches_seed(ds):
    w = ds.wastewater
    named = w[~w["programme"]]
    shengyang = named[named["name_zh"].str.contains("昇阳")]
    assert shengyang["capacity_m3_per_day"].tolist() == [120_000]  # 001:L815
    assert named.loc[named["name_zh"].str.contains("山阴县第二"), "capacity_m3_per_day"].tolist() == [20_000]
    urban = w[w["kind"].isin(["urban", "town"]) & w["action"].isin(["new", "expansion"])]["capacity_m3_per_day"].sum()
    park = w[w["kind"] == "park"]["capacity_m3_per_day"].sum()
    assert urban == pytest.approx(660_000, abs=50)  # 000:L698 +66万吨/日 (rounding of the spread)
    assert park == pytest.approx(174_500, abs=50)  # 000:L698 约17.45万吨/日
    assert (w["effluent_cod_mg_l"] < w["influent_cod_mg_l"]).all()


def test_baselines_for_co2_intensity(ds):
    b = ds.baselines
    gdp = b[(b["quantity"] == "gdp_cny") & (b["year"] == 2020)]["value"]
    co2 = b[(b["quantity"] == "co2_t") & (b["year"] == 2020)]["value"]
    assert gdp.tolist() == [pytest.approx(17651.93e8)]
    assert 540e6 <= co2.iloc[0] <= 580e6


def test_every_row_of_every_table_is_sourced(ds):
    seed_ref = re.compile(r"\d{3}:L\d+")
    for name in TABLES:
        t = getattr(ds, name)
        assert (t["source"].str.len() > 5).all(), name
    # every enterprise row names a seed line, a tracker, an estimate or the statistic it is a remainder of
    src = ds.enterprises["source"]
    assert (src.str.contains(seed_ref) | src.str.contains("estimate") | src.str.contains("Global Energy Monitor")
            | src.str.startswith("remainder:")).all()


# ----------------------------------------------------------------------------- the loader's errors
def _edit(path: Path, line: int, column: str, value: str) -> None:
    """Set one cell of a CSV copy (``line`` as in the file, header = 1)."""
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[line - 2, column] = value
    df.to_csv(path, index=False)


def _errors(root: Path) -> list[str]:
    with pytest.raises(InputDataError) as info:
        load_dataset(root)
    return [str(i) for i in info.value.issues]


@pytest.mark.parametrize("file,line,column,value,expected", [
    ("enterprises.csv", 5, "county_code", "149999", "enterprises.csv, line 5, column 'county_code': unknown county '149999'"),
    ("enterprises.csv", 7, "capacity", "-10", "enterprises.csv, line 7, column 'capacity': -10 is negative"),
    ("measures.csv", 3, "nox_removal", "1.4", "measures.csv, line 3, column 'nox_removal': 1.4 is above 1"),
    ("wastewater.csv", 4, "source", "", "wastewater.csv, line 4, column 'source': is empty"),
    ("regions.csv", 10, "terrain", "hilly", "regions.csv, line 10, column 'terrain': 'hilly' is not one of: plain, mountain"),
    ("enterprises.csv", 9, "sector", "cemnet", "did you mean 'cement'"),
    ("enterprises.csv", 4, "has_siding", "yes", "'yes' is not true/false"),
    ("enterprises.csv", 6, "nox_t", "abc", "'abc' is not a number"),
])
def test_loader_names_file_line_column_and_problem(inputs_copy, file, line, column, value, expected):
    _edit(inputs_copy / file, line, column, value)
    errors = _errors(inputs_copy)
    assert any(expected in e for e in errors), errors


def test_duplicate_id_names_both_lines(inputs_copy):
    path = inputs_copy / "measures.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[5, "measure_id"] = df.loc[1, "measure_id"]
    df.to_csv(path, index=False)
    errors = _errors(inputs_copy)
    assert any(f"line 7, column 'measure_id': duplicate id '{df.loc[1, 'measure_id']}' (first on line 3)" in e
               for e in errors), errors


def test_unknown_column_suggests_the_right_one(inputs_copy):
    path = inputs_copy / "prices.csv"
    text = path.read_text(encoding="utf-8").replace("price_cny_per_unit", "price_cny_per_unt", 1)
    path.write_text(text, encoding="utf-8")
    errors = _errors(inputs_copy)
    assert any("unknown column 'price_cny_per_unt' (did you mean 'price_cny_per_unit'?)" in e for e in errors)


def test_missing_file_is_named(inputs_copy):
    (inputs_copy / "measures.csv").unlink()
    assert any("measures.csv: is missing" in e for e in _errors(inputs_copy))


def test_all_problems_reported_at_once(inputs_copy):
    _edit(inputs_copy / "enterprises.csv", 3, "capacity", "-1")
    _edit(inputs_copy / "wastewater.csv", 3, "load_factor", "2")
    errors = _errors(inputs_copy)
    assert any("enterprises.csv, line 3" in e for e in errors) and any("wastewater.csv, line 3" in e for e in errors)


def test_gbk_file_from_excel_is_read_with_a_warning(inputs_copy):
    path = inputs_copy / "prices.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gb18030"))
    # prices.csv is ASCII; put Chinese text into it so the encodings really differ
    df = pd.read_csv(inputs_copy / "baselines.csv", dtype=str, keep_default_na=False)
    df.loc[0, "source"] = "中国统计年鉴2021 表3-9"
    (inputs_copy / "baselines.csv").write_bytes(df.to_csv(index=False).encode("gb18030"))
    loaded = load_dataset(inputs_copy)
    assert loaded.baselines["source"].iloc[0] == "中国统计年鉴2021 表3-9"
    assert any("baselines.csv is GBK" in w for w in loaded.warnings)


def test_capacity_unit_must_match_measure_costing(inputs_copy):
    path = inputs_copy / "enterprises.csv"
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    i = df.index[df["sector"] == "cement"][0]
    df.loc[i, "capacity_unit"] = "t_per_yr"
    df.to_csv(path, index=False)
    errors = _errors(inputs_copy)
    assert any(f"line {i + 2}, column 'capacity_unit'" in e and "t_per_day" in e for e in errors), errors


def test_every_plant_has_a_map_point_inside_shanxi(ds):
    """Plants sit at their own position where a tracker gives it (steel plants, coal units, mines: Global Energy
    Monitor) and at their county's centroid otherwise, and say which; a tracker plant lies in the county its
    coordinates fall in (build_gem.py places it by point in polygon)."""
    e = ds.enterprises
    assert e["latitude"].between(34.5, 40.8).all() and e["longitude"].between(110.2, 114.6).all()
    gem = e["coord_source"].str.startswith("GEM")
    assert (e.loc[~gem, "coord_source"].str.startswith("county centroid")).all()
    assert (e.loc[gem, "tracker_id"].str.match(r"^(SCN|G|M)\d+")).all()
    assert gem.sum() == 23 + 189 + 615  # steel plants, coal units, mines
    assert (e.loc[e["plant_identity"] == "remainder", "coord_source"].str.startswith("county centroid")).all()


def test_hand_checked_tracker_rows(ds):
    """One plant per tracker, recomputed by hand from research/gem and the factor table of build_enterprises.py."""
    e = ds.enterprises.set_index("tracker_id", drop=False)
    # 晋城福盛钢铁 (SCN00227): 6.0 Mt/yr in 泽州县; output = capacity x 66.0 / 69.06 (the tracker's operating
    # steel capacity) = 5,734,000 t; ULE partial (a stated estimate): NOx (1.10 + 0.44) / 2 kg/t = 4,415.18 t
    fusheng = e.loc["SCN00227"]
    assert fusheng["county_code"] == "140525" and fusheng["capacity"] == 6_000_000
    assert fusheng["output"] == round(6e6 * 66.0 / 69.06 / 1000) * 1000 == 5_734_000
    assert fusheng["ule_status"] == "partial" and fusheng["nox_t"] == pytest.approx(5_734_000 * 0.77 / 1000)
    assert e.loc["SCN00212", "county_code"] == "140108"  # 太钢 in 尖草坪区, not 古交市
    # 晋能长治热电 unit 1 (G100000101349): 330 MW x 4,300 h = 1,419,000 MWh; NOx at ULE 0.165 kg/MWh = 234.135 t
    unit = e.loc["G100000101349"]
    assert unit["output"] == 330 * 4300 and unit["nox_t"] == pytest.approx(234.135) and unit["county_code"] == "140403"
    # 安家岭露天矿 (M0165): 20 Mt/yr, output = capacity; PM 0.02 kg/t = 400 t; 0.65 km to the nearest station
    # x 1.3 = 0.85 km, held at the 1 km floor
    mine = e.loc["M0165"]
    assert mine["output"] == 20e6 and mine["pm_t"] == pytest.approx(400) and mine["road_haul_km"] == 1
    assert mine["bulk_freight_kt_per_yr"] == pytest.approx(20_000)


def test_check_inputs_sets_sector_totals_against_the_statistics(ds):
    """Issue 22: per sector, the plant rows' capacity and output beside the provincial statistic, and the part at
    named plants. Steel: 22 tracker plants make the 6,600万t estimate (all named); coal mines: the tracker's 615
    mines and 2 seed mines make 1,061.5 Mt of the 10.63亿t; cement and coking: the seed scope exactly, mostly in
    city remainders (no public list of their plants was found)."""
    from model.catalog import sector_coverage

    cov = sector_coverage(ds).set_index(["sector", "output_unit"])
    steel = cov.loc[("steel", "t_crude_steel")]
    assert steel["named_output_share"] == 1 and steel["output"] == pytest.approx(steel["statistic"], rel=1e-3)
    mines = cov.loc[("coal_mine", "t_coal")]
    assert mines["named_output_share"] == 1 and mines["output"] == pytest.approx(1_061.5e6)
    assert mines["statistic"] == 1_063e6
    for sector, unit in (("cement", "t_clinker"), ("coking", "t_coke")):
        row = cov.loc[(sector, unit)]
        assert row["capacity"] == row["statistic"] and row["named_output_share"] < 0.1


def test_a_dataset_read_again_is_read_afresh_when_a_byte_changed(inputs_copy):
    """load_dataset remembers a dataset it has checked by the sha256 of its files: an edit that keeps the file's
    size (and, within the clock tick, its time) is still seen, and a caller that changes its copy of the tables
    does not change what the next caller gets."""
    first = load_dataset(inputs_copy)
    first.measures.loc[first.measures.index[0], "capex_cny_per_unit"] = -1.0  # a caller's own copy
    again = load_dataset(inputs_copy)
    assert again.measures["capex_cny_per_unit"].iloc[0] > 0
    assert again.root == inputs_copy
    path = inputs_copy / "air_cities.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("140300,49,", "140300,48,"), encoding="utf-8")  # same size
    assert load_dataset(inputs_copy).air_cities.set_index("region_code").loc["140300", "pm25_2020_ugm3"] == 48
    path.write_text(text.replace("140300,49,", "140300,nan,"), encoding="utf-8")
    with pytest.raises(InputDataError, match="air_cities.csv.*not a number"):
        load_dataset(inputs_copy)
