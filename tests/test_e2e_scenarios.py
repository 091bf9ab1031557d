"""Every shipped scenario end to end through the command line: run, plot, export, report (a file of its own so
that pytest-xdist can put it beside the rest of test_e2e.py)."""

from __future__ import annotations

import json
import re

import pytest
from click.testing import CliRunner
from conftest import ROOT

import cli

# ----------------------------------------------------------------------------- every shipped scenario
SCENARIO_FILES = sorted(p.name for p in (ROOT / "scenarios").glob("*.yaml"))
#: the scenarios whose figures are drawn here: max_health, the one objective other than cost whose run has every
#: figure. Base's are drawn by its run (the session's ``base_run``, whose figures tests/test_outputs.py checks); the
#: others give the same tables (PM2.5 rows add no run figure), which these cover (7 s of plotting each on 2 cores)
DRAWN = {"health.yaml"}


@pytest.mark.slow
@pytest.mark.parametrize("name", SCENARIO_FILES)
def test_every_shipped_scenario_runs_plots_exports_and_reports(name, tmp_path, request):
    """run, export and report every file in scenarios/ (and plot those of DRAWN), targets: [] included. The
    figures are drawn once, by plot (test_outputs.py draws them within a run). To a 1 % gap: the files, not the
    optimum, are under test here, and HiGHS proves 0.1 % on no-rail and gas-price-high in 25 s, 1 % in 1-2 s.
    Base is the session's run (``base_run_copy``), not a second solve."""
    out = tmp_path / "run"
    if name == "base.yaml":
        res, out = request.getfixturevalue("base_run_copy")
    else:
        res = CliRunner().invoke(cli.main, ["run", str(ROOT / "scenarios" / name), "--out", str(out), "--no-plots",
                                            "--mip-gap", "0.01"])
    assert res.exit_code in (0, 3), res.output  # 3: infeasible, with its diagnosis
    if name == "air-quality.yaml":  # the PM2.5 levels right after the targets' line: 太原 and 阳泉 cannot reach theirs
        assert re.search(r"^2 of 12 PM2\.5 levels NOT met: 太原市 [\d.]+ > 47\.7 μg/m³; 阳泉市 [\d.]+ > 43\.4 μg/m³$",
                         res.output, re.M), res.output
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    if res.exit_code == 3:
        assert (out / "diagnosis.csv").exists()
    else:
        assert summary["status"] == "optimal"
    if name in DRAWN:  # a run's own figures, drawn afterwards
        drawn = CliRunner().invoke(cli.main, ["plot", str(out)])
        assert drawn.exit_code == 0, drawn.output
        if res.exit_code == 0:
            assert (out / "figures" / "cost_by_family_year.png").exists()
            assert (out / "figures" / "health_map.png").exists()
    exp = CliRunner().invoke(cli.main, ["export", str(out)])
    assert exp.exit_code == 0, exp.output
    rep = CliRunner().invoke(cli.main, ["report", str(out)])
    assert rep.exit_code == 0, rep.output
    assert (out / "report.html").stat().st_size > 100_000
    if name == "air-quality.yaml":  # the report and the workbook say it as early: right after the targets' line
        import openpyxl

        page = (out / "report.html").read_text(encoding="utf-8")
        # (the targets' headline before it may be met or not: at a 1 % gap the soft CO2 row may fall short by 0.1 %)
        air = re.search(r'(</p>|</div>)<p class="missed headline">2 项PM2\.5浓度目标未达成（共 12 项，模型估算）：太原市 '
                        r"[\d.]+ &gt; 47\.7 μg/m³；阳泉市 [\d.]+ &gt; 43\.4 μg/m³</p>", page)
        body = page.index("</head>")  # (the style sheet names the headline class too)
        assert air and re.search(r'class="[^"]*headline', page[body:air.start()]) and air.start() < page.index("<h2")
        rows = list(openpyxl.load_workbook(out / "export" / "air-quality.xlsx", read_only=True)["汇总"]
                    .iter_rows(values_only=True))
        assert rows[2][0] == "PM2.5浓度目标" and rows[2][1].startswith("2 项PM2.5浓度目标未达成（共 12 项")


