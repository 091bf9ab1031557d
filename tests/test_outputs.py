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
