"""Figures, exports and the HTML report of a run."""

from __future__ import annotations

import json
import shutil
import subprocess
import warnings
from pathlib import Path

import matplotlib.pyplot as plt
import openpyxl
import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from model.outputs.plots import use_cjk_font

#: most tests here solve the full Shanxi dataset (seconds each): outside the quick loop, pytest -m "not slow"
pytestmark = pytest.mark.slow


def test_cjk_glyphs_render_without_fallback(tmp_path):
    name = use_cjk_font()
    fig, ax = plt.subplots()
    ax.set_title("山西省 临汾市 盂县 阳泉冀东水泥 减排 万吨 亿元")
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # matplotlib warns "Glyph ... missing from font(s)" on boxes
        fig.savefig(tmp_path / "t.png")
    plt.close(fig)
    assert "Noto Sans" in name


def test_the_style_file_is_seaborns_whitegrid_theme():
    """Figures take seaborn's look from model/outputs/ersim.mplstyle (no seaborn import per run): the file holds
    exactly what seaborn.set_theme(style="whitegrid") sets, but the colormap."""
    import matplotlib as mpl
    import seaborn as sns
    from matplotlib.colors import to_hex

    from model.outputs.plots import STYLE_FILE

    style = mpl.rc_params_from_file(STYLE_FILE, use_default_template=False)
    theme = {**sns.axes_style("whitegrid"), **sns.plotting_context("notebook")}
    theme["axes.prop_cycle"] = mpl.cycler(color=sns.color_palette("deep"))
    del theme["image.cmap"]  # seaborn's 'rocket' exists only once seaborn is imported; the maps name theirs
    for key, value in theme.items():
        want = mpl.rcParams.validate[key](value)
        if key == "axes.prop_cycle":
            assert [to_hex(c) for c in style[key].by_key()["color"]] == [to_hex(c) for c in want.by_key()["color"]]
        elif key in style or want != mpl.rcParamsDefault[key]:
            assert style[key] == want, key


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
    assert wb.sheetnames == ["汇总", "目标", "年度计划", "项目清单", "各市汇总", "各区县汇总", "措施汇总", "PM2.5浓度", "健康效益",
                             "假设与参数"]
    port = pd.read_csv(out / "portfolio.csv")
    sheet = pd.DataFrame(wb["项目清单"].values)
    header, rows = list(sheet.iloc[0]), sheet.iloc[1:]
    assert len(rows) == len(port)
    capex_col = header.index("投资 (亿元)")
    assert rows[capex_col].astype(float).sum() == pytest.approx(port["capex_cny"].sum() / 1e8, rel=1e-9)
    assert any("冀东" in str(v) for v in rows[header.index("企业或设施")])
    gj = json.loads((dst / "base_counties.geojson").read_text(encoding="utf-8"))
    assert len(gj["features"]) == 117
    assert sum(f["properties"]["capex_cny"] or 0 for f in gj["features"]) == pytest.approx(port["capex_cny"].sum())
    assert (dst / "csv" / "portfolio.csv").read_bytes()[:3] == b"\xef\xbb\xbf"  # BOM so Excel reads UTF-8
    assert list(pd.read_csv(dst / "csv" / "portfolio.csv", nrows=0).columns) == list(port.columns)  # ids kept


def rendered_text(page, tmp_path) -> str:
    """The text headless Chromium renders of an HTML page (``document.body.innerText``: what a reader sees, laid
    out, scripts run), read back through ``--dump-dom``."""
    import html
    import re

    probe = tmp_path / f"{page.stem}-text.html"
    grab = ("<script>const t=document.body.innerText;document.body.textContent='';const p=document.createElement("
            "'pre');p.id='rendered';p.textContent=t;document.body.appendChild(p);</script></body>")
    probe.write_text(page.read_text(encoding="utf-8").replace("</body>", grab), encoding="utf-8")
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                          "--disable-background-networking", "--disable-component-update", "--disable-sync",
                          f"--user-data-dir={tmp_path / 'profile-text'}", "--dump-dom", probe.as_uri()],
                         check=True, capture_output=True, timeout=120, text=True).stdout
    return html.unescape(re.search(r'<pre id="rendered">(.*?)</pre>', dom, re.S).group(1))


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium not installed (.ci/run installs it)")
def test_html_report_renders_in_headless_chromium(base_run_copy, tiny, tmp_path):
    import re

    _, out = base_run_copy
    res = CliRunner().invoke(cli.main, ["report", str(out)])
    assert res.exit_code == 0, res.output
    # the text a planner reads: first whether the targets are met, then Chinese headers with units
    text = rendered_text(out / "report.html", tmp_path)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[0] == "ersim：base"
    assert re.fullmatch(r"全部 21 项目标达成|\d+ 项目标未达成（共 21 项）：", lines[2])  # right after the description
    for label in ("目标（相对2020年的减排量）", "要求\n(万吨)", "影子价格\n(元/吨·年)", "措施汇总", "超低排放改造", "公转铁",
                  "清洁取暖", "挥发性有机物治理", "污水处理", "钢铁超低排放改造（完成剩余工程）", "氨氮减排量"):
        assert label in text, label
    # years as years (2023, never 2,023): in the targets table (NOx: 8.01 万吨 by 2025, 000:L191) ...
    assert re.search(r"^氮氧化物 山西省 2025\t硬约束\t2025\t8\.010\t", text, re.M)
    # ... and as the first cell of each portfolio row
    first = re.findall(r"^(\d{1,2},?\d{3}|\d{4})\t", text.split("项目清单（", 1)[1], re.M)
    assert re.search(r"^年度计划（按建设年份）", text, re.M)  # the annual plan comes before the project list
    from model.tables import whole_units

    port = pd.read_csv(out / "portfolio.csv", dtype={"city_code": str})
    printed = whole_units(port)  # whole households and vehicles: a fraction of one is not a project to print
    assert len(first) == len(printed) and set(first) <= {str(y) for y in range(2021, 2026)}
    assert not re.search(r"\b(capex|nox|total_annual_cost)_", text)  # no column ids
    # a report to hand on: per city and county, the assumptions, the whole list by city (each city's count)
    for section in ("各市汇总", "各区县汇总", "假设", "折现率", "阶段目标"):
        assert re.search(rf"^{section}", text, re.M), section
    for city, n in printed.groupby("city").size().items():
        assert f"{city}（{n:,}）" in text, city
    # printed on A4 it is a document of pages, not a scroll box cut on the right: every row is on paper. Base
    # (about 800 projects, 117 counties) takes 30-50 pages
    pdf = tmp_path / "report.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    f"--user-data-dir={tmp_path / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    (out / "report.html").as_uri()], check=True, capture_output=True, timeout=120)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    assert 30 <= pages <= 50, pages
    boxes = re.findall(rb"/MediaBox\s*\[0 0 ([\d.]+) ([\d.]+)\]", pdf.read_bytes())
    assert boxes and all(abs(float(w) - 595.3) < 1 and abs(float(h) - 841.9) < 1 for w, h in boxes)  # A4 in points
    # every figure of the run is on paper (as an image of its own; a screenshot once checked the page was not blank)
    figures = len(list((out / "figures").glob("*.png")))
    assert figures >= 5 and len(re.findall(rb"/Subtype\s*/Image", pdf.read_bytes())) >= figures
    # a run that misses a target names it, with what it reached and what it needed
    miss = soft_miss_run(tiny, tmp_path)
    res = CliRunner().invoke(cli.main, ["report", str(miss)])
    assert res.exit_code == 0, res.output
    text = rendered_text(miss / "report.html", tmp_path)
    lines = [line for line in text.splitlines() if line.strip()]
    assert lines[1:3] == ["1 项目标未达成（共 1 项）：", "氮氧化物 山西省 2025：达到 0.142 万吨，要求 0.160 万吨，差 0.018 万吨"]
    assert "✘ 否" in text and "未达成：按罚金计（影子价格即罚金）" in text


# --------------------------------------------------------------------------- Chinese first, units right (issue 13)
def soft_miss_run(tiny, tmp_path, *options: str) -> Path:
    """A run of the ``tiny`` instance (three cement plants, 1,700 t NOx) asked for 1,600 t NOx as a soft target
    (penalty 100,000 CNY/t): SCR at all three plants cuts 0.833 x 1,700 = 1,416.1 t, 0.142 万吨, and the other
    183.9 t (0.018 万吨) are charged the penalty. ``options`` go before ``run`` (``--lang en``)."""
    from conftest import ONLY_CEMENT, write_yaml

    scenario = write_yaml(tmp_path, "name: t\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 1600, "
                                    "unit: t, kind: soft, penalty_cny_per_t: 100000}\n", "miss.yaml")
    out = tmp_path / "miss"
    res = CliRunner().invoke(cli.main, [*options, "run", str(scenario), "--inputs", str(tiny), "--out", str(out),
                                        "--no-plots"])
    assert res.exit_code == 0, res.output
    return out


def cells(ws) -> tuple[list[str], list[dict]]:
    """A sheet's headers and its rows as {header: cell}."""
    rows = list(ws.iter_rows())
    header = [c.value for c in rows[0]]
    return header, [dict(zip(header, r)) for r in rows[1:]]


def test_the_workbook_speaks_chinese_with_units_number_formats_and_the_targets_first(tiny, tmp_path):
    out = soft_miss_run(tiny, tmp_path)
    res = CliRunner().invoke(cli.main, ["export", str(out), "--format", "xlsx"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out / "export" / "t.xlsx")
    # a dataset without the air layer (the tiny one) has no PM2.5 and health sheets
    assert wb.sheetnames == ["汇总", "目标", "年度计划", "项目清单", "各市汇总", "各区县汇总", "措施汇总", "假设与参数"]
    # the summary's first line: the target not met, in 万吨 like the plan (1,416.1 of 1,600 t; 183.9 t short)
    header, rows = cells(wb["汇总"])
    assert header == ["条目", "数值", "单位"]
    assert [rows[0]["条目"].value, rows[0]["数值"].value] == [
        "目标达成情况", "1 项目标未达成（共 1 项）：氮氧化物 山西省 2025：达到 0.142 万吨，要求 0.160 万吨，差 0.018 万吨"]
    by_item = {r["条目"].value: r for r in rows}
    port = pd.read_csv(out / "portfolio.csv")
    capex = by_item["投资"]
    assert capex["数值"].value == pytest.approx(port["capex_cny"].sum() / 1e8)
    assert (capex["单位"].value, capex["数值"].number_format) == ("亿元", "#,##0.00")
    nox = by_item["氮氧化物减排量"]
    assert nox["数值"].value == pytest.approx(0.14161) and nox["单位"].value == "万吨"
    assert nox["数值"].number_format == "#,##0.000"
    assert by_item["求解状态"]["数值"].value == "最优"
    # the targets in 万吨, prices per tonne and year, yes/no and kinds by name, years as years
    header, (row,) = cells(wb["目标"])
    assert header[:11] == ["目标", "污染物", "行政区划代码", "地区", "年份", "类型", "要求 (万吨)", "达到 (万吨)", "余量 (万吨)",
                           "缺口 (万吨)", "达标"]
    assert "影子价格 (元/吨·年)" in header
    assert [row[h].value for h in ("目标", "污染物", "类型", "达标")] == ["氮氧化物 山西省 2025", "氮氧化物", "软约束", "否"]
    assert (row["要求 (万吨)"].value, row["要求 (万吨)"].number_format) == (pytest.approx(0.16), "#,##0.000")
    assert (row["年份"].value, row["年份"].number_format) == (2025, "0")
    assert row["影子价格 (元/吨·年)"].value == pytest.approx(100_000)  # the penalty binds: its price is the penalty
    assert row["影子价格 (元/吨·年)"].number_format == "#,##0"
    # the portfolio: family names, money in 亿元 and tonnes per year with thousands separators
    header, rows = cells(wb["项目清单"])
    assert {r["类别"].value for r in rows} == {"超低排放改造"}
    assert sum(r["投资 (亿元)"].value for r in rows) == pytest.approx(port["capex_cny"].sum() / 1e8)
    assert {r["投资 (亿元)"].number_format for r in rows} == {"#,##0.00"}
    assert {r["氮氧化物减排量 (吨/年)"].number_format for r in rows} == {"#,##0.0"}
    # no sheet shows an id as a header, nor the same header twice
    ids = set().union(*(pd.read_csv(out / f"{t}.csv", nrows=0).columns for t in
                        ("portfolio", "targets", "county_summary", "measure_summary")))
    for ws in wb.worksheets:
        header = [c.value for c in next(ws.iter_rows(max_row=1))]
        assert not set(header) & ids and len(set(header)) == len(header), ws.title
    # every assumption, one per row: no path of this machine, no JSON
    values = [str(c.value) for row in wb["假设与参数"].iter_rows(min_row=2) for c in row if c.value is not None]
    assert not [v for v in values if str(tmp_path) in v or v.startswith("/") or "{" in v]
    items = [r[0].value for r in wb["假设与参数"].iter_rows(min_row=2)]
    assert {"价格：天然气", "scenario.discount_rate", "scenario.targets.0.penalty_cny_per_t"} <= set(items)


def test_lang_en_gives_english_headers_in_the_terminal_the_workbook_and_the_report(tiny, tmp_path):
    out = soft_miss_run(tiny, tmp_path)
    zh = CliRunner().invoke(cli.main, ["list", "measures", "--family", "heating", "--limit", "0"])
    en = CliRunner().invoke(cli.main, ["--lang", "en", "list", "measures", "--family", "heating", "--limit", "0"])
    assert "措施编号" in zh.output and "清洁取暖" in zh.output and "heat_pump" in zh.output  # ids stay visible
    assert "measure id" in en.output and "clean heating" in en.output and "清洁取暖" not in en.output
    res = CliRunner().invoke(cli.main, ["--lang", "en", "export", str(out), "--format", "xlsx"])
    assert res.exit_code == 0, res.output
    wb = openpyxl.load_workbook(out / "export" / "t.xlsx")
    assert wb.sheetnames == ["summary", "targets", "annual plan", "portfolio", "per city", "per county", "measures",
                             "assumptions"]  # the tiny dataset has no air layer
    header, (row,) = cells(wb["targets"])
    assert {"target", "required (万吨)", "achieved (万吨)", "shadow price (CNY per t and year)", "met"} <= set(header)
    assert [row["pollutant"].value, row["kind"].value, row["met"].value] == ["NOx", "soft", "no"]
    header, _ = cells(wb["portfolio"])
    assert {"family", "measure", "investment (亿元)", "NOx reduction (t/yr)"} <= set(header)
    summary = [[c.value for c in r] for r in wb["summary"].iter_rows(max_row=2)]
    assert summary == [["item", "value", "unit"], ["targets", "1 of 1 targets NOT met: NOx 山西省 2025: 0.142 of 0.160 "
                                                              "万吨, short 0.018 万吨", None]]
    rep = CliRunner().invoke(cli.main, ["--lang", "en", "report", str(out)])
    page = (out / "report.html").read_text(encoding="utf-8")
    assert rep.exit_code == 0 and '<html lang="en">' in page and "1 of 1 targets NOT met" in page
    assert '<th>required<br><span class="unit">(万吨)</span></th>' in page and "ultra-low emission" in page


def test_the_run_prints_its_tables_in_chinese_with_units(tiny, tmp_path):
    from conftest import ONLY_CEMENT, write_yaml

    scenario = write_yaml(tmp_path, "name: t\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 1400, "
                                    "unit: t}\n")
    res = CliRunner().invoke(cli.main, ["run", str(scenario), "--inputs", str(tiny), "--out", str(tmp_path / "r"),
                                        "--no-plots"])
    assert res.exit_code == 0, res.output
    for text in ("要求 (万吨)", "达到 (万吨)", "影子价格 (元/吨·年)", "硬约束", "氮氧化物 山西省 2025", "超低排放改造",
                 "投资 (亿元)"):
        assert text in res.output, text
    assert "0.140" in res.output  # 1,400 t is 0.140 万吨
    assert "required_" not in res.output and "capex_" not in res.output and "| ule " not in res.output
    en = CliRunner().invoke(cli.main, ["--lang", "en", "run", str(scenario), "--inputs", str(tiny), "--out",
                                       str(tmp_path / "r"), "--no-plots", "--force"])
    assert "required (万吨)" in en.output and "ultra-low emission" in en.output and "要求" not in en.output


def test_names_give_headers_units_and_names_in_both_languages(ds):
    from model import names

    assert names.column_label("required_t") == "要求 (万吨)"
    assert names.column_label("required_t", "en") == "required (万吨)"
    assert names.column_label("shadow_price_cny_per_t") == "影子价格 (元/吨·年)"
    assert names.column_label("capex_cny", "en") == "investment (亿元)"
    assert names.column_label("nox_t") == "氮氧化物减排量 (吨/年)"
    assert names.column_label("rail") == "公转铁" and names.column_label("not_an_id") == "not_an_id"
    assert [names.family_name(f, "zh") for f in ("ule", "rail", "heating", "voc", "wastewater")] == [
        "超低排放改造", "公转铁", "清洁取暖", "挥发性有机物治理", "污水处理"]
    assert names.target_name("NOx 山西省 2025 (milestone 2023, 60% phasing)") == "氮氧化物 山西省 2025（2023年阶段目标，进度60%）"
    assert names.target_name("CO2 intensity -18% 山西省 2025") == "单位GDP二氧化碳排放 -18% 山西省 2025"
    assert names.target_name("NH3-N 太原市 2025 (milestone 2024)") == "氨氮 太原市 2025（2024年阶段目标）"
    assert names.target_name("my own label") == "my own label"
    shown = names.display_frame(pd.DataFrame({"family": ["ule"], "required_t": [80_100.0], "slack_t": [-1.46e-11],
                                              "capex_cny": [2.5e9], "met": [True], "year": [2023]}))
    assert list(shown.columns) == ["类别", "要求 (万吨)", "余量 (万吨)", "投资 (亿元)", "达标", "年份"]
    assert shown.iloc[0].tolist() == ["超低排放改造", 8.01, 0.0, 25.0, "是", 2023]  # 80,100 t; 2.5e9 CNY
    # the price units of the assumptions sheet say what inputs/prices.csv says
    unit_zh = {"t": "吨", "m3": "m³"}
    assert {k: v[2] for k, v in names.CARRIERS.items()} == {
        r.carrier: "元/" + unit_zh.get(r.unit, r.unit) for r in ds.prices.itertuples()}


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
    # the curve (a sweep that read only the end-year row's dual): duals 0 while the cost rises. The band
    # stops where the cost starts rising, and is not drawn when it rises from the first level
    rising = _flat_then_rising_curve().assign(achieved_t=98_153.9, marginal_cny_per_t=0.0, lp_marginal_cny_per_t=0.0)
    rising.loc[2, "level_t"] = 80_000.0
    assert rules_deliver_t(rising) == pytest.approx(56_070.0)
    rising["objective_cny_per_yr"] = [2.40e10, 2.41e10, 2.42e10]
    assert rules_deliver_t(rising) is None


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


def test_figures_drawn_beside_each_other_keep_their_order_and_their_errors(tmp_path):
    """plot_run draws the county maps in a forked process beside the other figures: the files come back in
    order, and a failure in the child is raised here, as it would be serially."""
    from model.outputs.plots import _beside

    def write(name):
        (tmp_path / name).write_text(name)
        return [tmp_path / name]

    assert _beside(lambda: write("maps.png"), [lambda: write("a.png"), lambda: write("b.png")]) == \
        [tmp_path / "a.png", tmp_path / "b.png", tmp_path / "maps.png"]
    assert (tmp_path / "maps.png").read_text() == "maps.png"  # written by the child

    def broken():
        raise ValueError("no geometry")

    with pytest.raises(ValueError, match="no geometry"):
        _beside(broken, [lambda: write("a.png")])
