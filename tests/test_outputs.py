"""Figures, exports and the HTML report of a run."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings

import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from model.outputs.plots import use_cjk_font


def test_cjk_glyphs_render_without_fallback(tmp_path):
    name = use_cjk_font()
    fig, ax = plt.subplots()
    ax.set_title("山西省 临汾市 盂县 阳泉冀东水泥 减排 万吨 亿元")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" on boxes
        fig.savefig(tmp_path / "t.png")
    plt.close(fig)
    assert "Noto Sans" in name


def test_run_draws_its_figures(base_run):
    _, out = base_run
    for name in ("cost_by_family_year", "reductions_vs_targets", "investment_by_city", "county_maps"):
        assert (out / "figures" / f"{name}.png").stat().st_size > 20_000, name


def test_export_workbook_matches_portfolio_and_geojson_has_117_counties(base_run, tmp_path):
    _, out = base_run
    dst = tmp_path / "export"
    res = CliRunner().invoke(cli.main, ["export", str(out), "--format", "all", "--out", str(dst)])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(dst / "base.xlsx", read_only=True)
    assert wb.sheetnames == ["summary", "targets", "portfolio", "per city", "per county", "measures", "assumptions"]
    port = pd.read_csv(out / "portfolio.csv")
    sheet = pd.DataFrame(wb["portfolio"].values)
    header, rows = list(sheet.iloc[0]), sheet.iloc[1:]
    assert len(rows) == len(port)
    capex_col = header.index("capex (亿元)")
    assert rows[capex_col].astype(float).sum() == pytest.approx(port["capex_cny"].sum() / 1e8, rel=1e-9)
    assert "enterprise_name" in header and any("冀东" in str(v) for v in rows[header.index("enterprise_name")])
    gj = json.loads((dst / "base_counties.geojson").read_text(encoding="utf-8"))
    assert len(gj["features"]) == 117
    assert sum(f["properties"]["capex_cny"] or 0 for f in gj["features"]) == pytest.approx(port["capex_cny"].sum())
    assert (dst / "csv" / "portfolio.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM so Excel reads UTF-8


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (.ci/run installs it)")
def test_html_report_renders_in_headless_chromium(base_run, tmp_path):
    _, out = base_run
    res = CliRunner().invoke(cli.main, ["report", str(out), "--force"])
    assert res.exit_code == 0, res.output
    shot = tmp_path / "shot.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1280,1600",
                    f"--screenshot={shot}", (out / "report.html").as_uri()],
                   check=True, capture_output=True, timeout=120)
    img = plt.imread(shot)
    assert img.shape[0] >= 1000 and img.std() > 0.05  # not a blank page
    assert (img[..., :3].mean(axis=2) < 0.5).mean() > 0.01  # some dark text and chart ink


# --------------------------------------------------------------------------- figures that can be read (issue 13)
# what matplotlib says when a label would show boxes, or a layout cannot keep labels apart
LAYOUT_OR_GLYPH = ("missing from font", "Glyph", "tight_layout", "Tight layout", "not compatible", "not applied",
                   "overlap")


def drawn(draw, monkeypatch) -> list[str]:
    """Call ``draw()`` (a figure function) and return every text its figure shows (titles, labels, ticks, legends,
    notes), failing on any missing-glyph or layout warning matplotlib raised while drawing and saving it."""
    import matplotlib.text

    shown: list[str] = []
    close = plt.close

    def read_then_close(fig=None):  # the figure functions close their figure once saved: read it first
        if fig is not None:
            shown.extend(t.get_text() for t in fig.findobj(matplotlib.text.Text) if t.get_text())
        close(fig)

    monkeypatch.setattr(plt, "close", read_then_close)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        draw()
    bad = [str(w.message) for w in caught if any(k in str(w.message) for k in LAYOUT_OR_GLYPH)]
    assert not bad, bad
    return shown


def shows(shown: list[str], fragment: str) -> bool:
    """Whether some text of the figure contains ``fragment`` (texts may hold several lines)."""
    return any(fragment in t for t in shown)


def test_the_warning_check_sees_a_missing_glyph(tmp_path, monkeypatch):
    """縣 (traditional) is in neither the bundled subset nor DejaVu: the check above must fail on it."""
    from model.outputs.plots import _save

    def draw():
        use_cjk_font()
        fig, ax = plt.subplots()
        ax.set_title("泫氏縣")
        return _save(fig, tmp_path / "glyph", svg=True)

    with pytest.raises(AssertionError, match="missing from font"):
        drawn(draw, monkeypatch)


def test_every_family_has_a_colour():
    from model.names import FAMILIES
    from model.outputs.plots import FAMILY_COLOURS

    assert set(FAMILIES) <= set(FAMILY_COLOURS)
    assert len(set(FAMILY_COLOURS.values())) == len(FAMILY_COLOURS)  # and no two families share one


def test_small_figure_helpers():
    import numpy as np

    from model.outputs.macc_chart import label_levels, macc_break, macc_floor
    from model.outputs.maps import map_grid
    from model.outputs.plots import nice_ceiling, short_measure_name

    assert [nice_ceiling(x) for x in (21.39, 3.0, 100.0, 0.42)] == [25.0, 5.0, 100.0, 0.5]
    # the base NOx curve in 万元/t and 万吨: 80 % of the 8.95 万吨 is reached at the 18.5 bar, and the rail shift
    # at 987 costs over 4 x that: break at the round number above 1.15 x 18.5 = 21.3
    cost = np.array([-62.8, -9.0, 3.5, 7.1, 18.5, 986.7])
    width = np.array([0.0106, 0.5062, 1.08, 2.44, 3.80, 1.11])
    assert macc_break(cost, width) == 25.0
    # base COD: 80 % of its 27.8 万吨 is reached at 1.4 万元/t, the dearest costs 4.0: one linear axis
    cod = np.array([0.4, 0.7, 0.8, 1.2, 1.4, 1.5, 2.3, 2.6, 4.0])
    assert macc_break(cod, np.array([12.34, 2.58, 1.53, 5.29, 2.63, 0.88, 1.10, 1.44, 0.01])) is None
    # SO2-like: the dearest (41) is 4.4 x the body (9.3), less than an order of magnitude: no break either
    assert macc_break(np.array([1.1, 3.6, 9.3, 41.0]), np.array([1.0, 2.0, 5.0, 1.0])) is None
    # the -62.8 sliver (0.1 % of the curve) does not set the floor; the -9.0 bar does, with 30 % room below it
    assert macc_floor(cost, width, 25.0) == pytest.approx(-11.7)
    assert macc_floor(np.array([1.0, 2.0]), np.array([1.0, 1.0]), 5.0) == 0.0
    assert label_levels([0.05, 0.3, 0.6, 5.0], 0.4) == [0, 1, 2, 0]
    assert short_measure_name("焦化超低排放改造（脱硫脱硝+无组织+清洁运输）＋化产区VOCs治理（密闭+LDAR+尾气回收）") \
        == "焦化超低排放改造＋化产区VOCs治理"
    assert short_measure_name("一二三四五六七八九十一二三四五六七八九", 10) == "一二三四五六七八九…"
    assert map_grid(3.6, 6.1) == (1, 4) and map_grid(1.8, 1.6) == (2, 2)  # Shanxi in a row, Linfen 2 x 2


def _macc_table():
    """Six measures shaped like the base NOx MACC (CNY/t, t/yr), cheapest first."""
    t = pd.DataFrame({
        "measure_id": ["power_energy_saving", "mine_truck_electric", "heat_pump", "cement_ule", "steel_ule",
                       "rail_shift"],
        "measure_name": ["煤电节能降碳改造（三改联动）", "矿用卡车电动化", "煤改电", "水泥全流程超低排放", "钢铁全流程超低排放改造",
                         "大宗货物公转铁"],
        "family": ["efficiency", "vehicle", "heating", "ule", "ule", "rail"],
        "reduction_t": [106.0, 5062.0, 10800.0, 24400.0, 38000.0, 11100.0],
        "cny_per_t": [-628_000.0, -90_000.0, 35_000.0, 71_000.0, 185_000.0, 9_867_000.0]})
    t["cumulative_t"] = t["reduction_t"].cumsum()
    return t


def test_macc_names_its_bars_breaks_its_axis_and_says_where_the_target_falls(tmp_path, monkeypatch):
    from model.outputs.macc_chart import macc_chart, target_crossing

    t = _macc_table()
    # cumulative 15,968 t after the third measure, 40,368 t after the fourth: a 20,000 t target falls in cement ULE
    assert target_crossing(t, 20_000) == 3 and target_crossing(t, 100_000) is None
    shown = drawn(lambda: macc_chart(t, "NOx", 20_000, "the rule", "base: NOx MACC", tmp_path / "m"), monkeypatch)
    assert shows(shown, "边际 第4项 7.1 万元/吨")  # 71,000 CNY/t is 7.1 万元/t
    assert " 1  煤电节能降碳改造" in shown and " 6  大宗货物公转铁" in shown  # Chinese names in the key, brackets dropped
    assert "987 · 1.11" in shown  # the rail shift: 9,867,000 CNY/t and 11,100 t in 万元/t and 万吨, in the key ...
    assert "1 ↓-62.8" in shown  # ... and the sliver below the axis is clipped with its value
    assert shows(shown, "Rule: the rule.")  # the footer, under the axes
    assert {"100", "1,000"} <= set(shown)  # the upper panel's ticks, plain numbers


def test_macc_of_one_measure_on_the_tiny_instance(tiny, tmp_path, monkeypatch):
    from model.inputs import load_dataset
    from model.outputs.macc_chart import macc_chart
    from model.outputs.plots import short_measure_name
    from model.resolve import resolve
    from model.scenario import load_scenario
    from model.studies.macc import build_macc
    from conftest import cement_yaml

    m = build_macc(resolve(load_dataset(tiny), load_scenario(cement_yaml(tmp_path, 1000))), "NOx")
    shown = drawn(lambda: macc_chart(m.table, "NOx", m.target_t, "r", "t", tmp_path / "m"), monkeypatch)
    assert f" 1  {short_measure_name(m.table['measure_name'].iloc[0])}" in shown


def _flat_then_rising_curve() -> pd.DataFrame:
    """Base NOx sweep at 50, 70 and 130 %: the rules deliver 98,154 t before the target binds."""
    return pd.DataFrame({"level_t": [40_050.0, 56_070.0, 104_130.0], "status": ["optimal"] * 3,
                         "achieved_t": [98_153.9, 98_153.9, 104_130.0],
                         "objective_cny_per_yr": [2.42033e10, 2.42033e10, 2.423573e10],
                         "lp_objective_cny_per_yr": [2.42028e10, 2.42028e10, 2.4230e10],
                         "marginal_cny_per_t": [0.0, 0.0, 7_027.67], "lp_marginal_cny_per_t": [0.0, 0.0, 6_775.0],
                         "mip_gap": [2.3e-4, 2.3e-4, 1e-4]})


def test_what_the_rules_already_deliver():
    from model.outputs.plots import rules_deliver_t

    assert rules_deliver_t(_flat_then_rising_curve()) == pytest.approx(98_153.9)
    # the tiny cement sweep at 500 t: the MILP overshoots to 540 t because a plant's SCR is lumpy, so its dual is
    # 0, but the relaxation still pays 32,953 CNY/t: the target binds, no rule delivers it
    lumpy = pd.DataFrame({"level_t": [500.0], "status": ["optimal"], "achieved_t": [540.0],
                          "marginal_cny_per_t": [0.0], "lp_marginal_cny_per_t": [32_953.2]})
    assert rules_deliver_t(lumpy) is None
    assert rules_deliver_t(_flat_then_rising_curve().iloc[2:]) is None  # binding from the first level


def test_cost_curve_says_what_the_rules_deliver_and_which_column_it_plots(tmp_path, monkeypatch):
    from model.outputs.plots import cost_curve

    shown = drawn(lambda: cost_curve(_flat_then_rising_curve(), "t", 110_000.0, tmp_path / "c",
                                    base_level_t=80_100.0), monkeypatch)
    assert shows(shown, "rules (and the other targets) already deliver up to 9.82 万吨: marginal cost 0")
    assert shows(shown, "curve.csv: objective_cny_per_yr")  # the table's column, named, in the table's unit
    assert shows(shown, "等年值成本 equivalent annual cost (亿元/年)")
    assert "最大可达 11.00 万吨" in shown


def test_uncertainty_chart_groups_equal_frequencies_and_marks_the_base_case(tmp_path, monkeypatch):
    from model.outputs.plots import frequency_groups, uncertainty_chart

    samples = pd.DataFrame({"total_annual_cost_cny": [2.0e10, 2.2e10, 2.4e10, 2.5e10]})
    freq = pd.DataFrame({"project": ["a @ 1", "b @ 2", "heat @ 3", "heat @ 4", "ww @ 5", "x @ 6"],
                         "name": ["甲 | 一", "乙 | 二", "煤改气（含管网） | 县甲", "煤改气（含管网） | 县乙", "城镇污水处理厂扩建 | 某厂", ""],
                         "share": [1.0, 1.0, 0.75, 0.75, 0.75, 0.25]})
    g = frequency_groups(freq)
    assert g[["label", "projects", "examples"]].values.tolist() == [
        ["75 %", 3, "煤改气 ×2、城镇污水处理厂扩建 ×1"], ["25 %", 1, "x ×1"]]
    shown = drawn(lambda: uncertainty_chart(samples, freq, "t", tmp_path / "u",
                                           base_cost_cny=2.413e10), monkeypatch)
    assert "基准情景 base case 241.3 亿元/年" in shown
    assert "3 个: 煤改气 ×2、城镇污水处理厂扩建 ×1" in shown
    assert shows(shown, "另有 2 个始终入选")
    assert not {"0.2", "0.4", "0.5", "0.6", "0.8"} & set(shown)  # sample counts are whole numbers
    many = pd.DataFrame({"project": [f"p{i}" for i in range(39)], "name": [""] * 39, "share": [i / 40 for i in
                                                                                              range(1, 40)]})
    assert frequency_groups(many)["label"].tolist() == [f"{b}–{b + 10} %" for b in (90, 80, 70, 60, 50, 40, 30, 20,
                                                                                     10, 0)]


def test_cost_by_family_marks_the_net_total_where_families_save_money(tmp_path, monkeypatch):
    from model.outputs.plots import compare_cost_by_family

    family_cost = pd.DataFrame({"base": [10.0, -3.0, 2.0], "other": [5.0, 1.0, 0.0]},
                               index=["ule", "efficiency", "farming"])  # 亿元/yr, family x scenario
    shown = drawn(lambda: compare_cost_by_family(family_cost, tmp_path / "f"), monkeypatch)
    assert "净 9.0" in shown and "净 6.0" in shown  # 10 - 3 + 2 and 5 + 1 + 0
    assert {"超低排放改造", "节能改造", "畜禽粪污资源化利用", "类别 family"} <= set(shown)  # display names only
    assert "farming" not in shown


def test_run_figures_draw_cleanly_with_cities_points_and_shares(base_run, tmp_path, ds, monkeypatch):
    from model.outputs.plots import plot_run

    _, out = base_run
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        plot_run(out, tmp_path / "figs")
    assert not [str(w.message) for w in caught if any(k in str(w.message) for k in LAYOUT_OR_GLYPH)]
    summary = pd.read_csv(out / "county_summary.csv", dtype={"region_code": str})
    from model.outputs.maps import county_maps

    port = pd.read_csv(out / "portfolio.csv", dtype={"enterprise_id": str})
    shown = drawn(lambda: county_maps(summary, out / "counties.geojson", "base", tmp_path / "m",
                                     portfolio=port), monkeypatch)
    assert set(summary["city"]) <= set(shown)  # the 11 cities named on the map
    assert "尧都区" not in shown  # 117 counties: too many to name
    assert "区县质心 county centroid" in shown
    n_plants = port.loc[port["latitude"].notna(), ["longitude", "latitude"]].drop_duplicates()
    assert len(n_plants) > 11  # points at plants and centroids, not one per city


def test_portfolio_places_plant_projects_at_their_plant(base_run, ds):
    _, out = base_run
    port = pd.read_csv(out / "portfolio.csv", dtype={"enterprise_id": str})
    plant = port["kind"].isin(["enterprise", "freight"])
    e = ds.enterprises
    assert port.loc[plant, "latitude"].tolist() == pytest.approx(e.loc[port.loc[plant, "enterprise_id"], "latitude"]
                                                                  .tolist())
    assert (port.loc[plant, "coord_source"] == e.loc[port.loc[plant, "enterprise_id"], "coord_source"].to_numpy()).all()
    assert port.loc[~plant, ["latitude", "longitude", "coord_source"]].isna().all().all()


def test_county_frame_draws_the_scope_with_zeros_and_shares():
    import geopandas as gpd
    from shapely.geometry import box

    from model.outputs.maps import county_frame

    geo = gpd.GeoDataFrame({"region_code": ["1", "2", "3"], "name_zh": ["甲县", "乙县", "丙县"], "city_code": ["9"] * 3},
                           geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)], crs="EPSG:4326")
    summary = pd.DataFrame({"region_code": ["1", "2"], "county": ["甲县", "乙县"], "city": ["某市", "某市"],
                            "households_converted": [250.0, 0.0], "coal_households_2020": [1000.0, 0.0],
                            "nox_t": [5.0, 0.0], "capex_cny": [1e8, 0.0]})
    g = county_frame(geo, summary)
    assert g["households_share_pct"].tolist()[0] == 25.0  # 250 of 1,000
    assert pd.isna(g["households_share_pct"].iloc[1])  # no coal households: no share (hatched)
    assert g.loc[2, ["households_converted", "nox_t", "capex_cny"]].tolist() == [0.0, 0.0, 0.0]  # in scope, no row
    assert g.loc[2, "county"] == "丙县" and g.loc[2, "city"] == "9"


def test_plant_points_sum_per_position_and_know_centroids():
    from model.outputs.maps import plant_points

    port = pd.DataFrame({"enterprise_id": ["E1", "E1", "E2", None], "capex_cny": [1e8, 2e8, 5e8, 9e8],
                         "latitude": [36.0, 36.0, 37.0, None], "longitude": [111.0, 111.0, 112.0, None],
                         "coord_source": ["county centroid (counties.geojson)", "county centroid (counties.geojson)",
                                          "GPPD v1.3.0", None]})
    p = plant_points(port).sort_values("latitude").reset_index(drop=True)
    assert p[["capex_cny", "projects", "plants", "centroid"]].values.tolist() == [[3e8, 2, 1, True],
                                                                                  [5e8, 1, 1, False]]


@pytest.mark.slow
def test_linfen_map_names_its_counties_with_their_households(tmp_path, monkeypatch):
    from model.outputs.maps import county_maps

    out = tmp_path / "linfen"
    res = CliRunner().invoke(cli.main, ["run", "scenarios/linfen.yaml", "--out", str(out), "--no-plots"])
    assert res.exit_code == 0, res.output
    summary = pd.read_csv(out / "county_summary.csv", dtype={"region_code": str})
    port = pd.read_csv(out / "portfolio.csv", dtype={"enterprise_id": str})
    shown = drawn(lambda: county_maps(summary, out / "counties.geojson", "linfen", tmp_path / "m",
                                     portfolio=port), monkeypatch)
    assert len(summary) == 17 and set(summary["county"]) <= set(shown)  # 17 counties: each named (NOx panel)
    yaodu = summary.set_index("county").loc["尧都区"]
    assert f"尧都区\n{yaodu['households_converted']:,.0f}" in shown  # with its households converted ...
    share = 100 * yaodu["households_converted"] / yaodu["coal_households_2020"]
    assert f"尧都区\n{share:.0f} %" in shown  # ... and their share of its 2020 coal households
    assert "运城市" not in shown  # outside the scope: not drawn, not named
