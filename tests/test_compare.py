"""Scenario comparison and project robustness."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT

#: most tests here solve the full Shanxi dataset (seconds each): outside the quick loop, pytest -m "not slow"
pytestmark = pytest.mark.slow


def test_compare_scenarios_run_first_and_robustness(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # scenario runs land in ./results
    low = tmp_path / "low.yaml"
    low.write_text("name: low\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 300, unit: t}\n",
                   encoding="utf-8")
    high = tmp_path / "high.yaml"
    high.write_text("name: high\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 1400, unit: t}\n",
                    encoding="utf-8")
    out = tmp_path / "cmp"
    res = CliRunner().invoke(cli.main, ["compare", str(low), str(high), "--inputs", str(tiny), "--out", str(out)])
    assert res.exit_code == 0, res.output
    # the terminal names the rows (Chinese by default); comparison.csv keeps its labels for machines
    assert "成本: 建成后年成本 (亿元/年)" in res.output and "各类项目数: 超低排放改造" in res.output
    table = pd.read_csv(out / "comparison.csv").set_index(["group", "item"])
    cost = table.loc[("cost", "annual cost once built (亿元/yr)")].astype(float)
    assert cost["high"] > cost["low"] > 0
    assert cost["Δ high"] == pytest.approx(cost["high"] - cost["low"])
    rob = pd.read_csv(out / "robustness.csv")
    # 1400 t needs SCR at all three plants (0.833 x 1700 = 1416 t; SNCR anywhere falls short, full ULE costs
    # more); 300 t is one measure at one plant
    assert set(rob.loc[rob["high"], "project"]) == {"cement_scr @ T1", "cement_scr @ T2", "cement_scr @ T3"}
    assert rob["low"].sum() == 1
    assert set(rob["robustness"]) <= {"all", "one", "some"}
    assert (out / "cost_by_family.png").exists()


def test_compare_identical_runs_are_all_robust(base_run, tmp_path):
    _, run = base_run
    out = tmp_path / "cmp"
    res = CliRunner().invoke(cli.main, ["compare", str(run), str(run), "--out", str(out)])
    assert res.exit_code == 0, res.output
    rob = pd.read_csv(out / "robustness.csv")
    assert (rob["robustness"] == "all").all()
    table = pd.read_csv(out / "comparison.csv")
    assert list(table.columns[2:]) == ["base", "base (2)", "Δ base (2)"]
    # identical runs: every number's difference to the first is 0
    assert (table["Δ base (2)"].dropna() == 0).all() and table["Δ base (2)"].notna().sum() > 10
