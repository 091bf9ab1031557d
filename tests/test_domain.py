"""model/domain.py is the one place a pollutant is declared: a pollutant added there (PM2.5, before the other
modules are imported) is read from the dataset, targeted by a scenario, cut by the plant measures and reported,
end to end, with no other code changed."""

from __future__ import annotations

import json
import subprocess
import sys

import pandas as pd
import pytest

from conftest import make_tiny
from hostile_tools import ersim_env
from model import domain

PM25 = """
import model.domain as d
d.register(d.Pollutant("pm25", "PM2.5", "air", at_plants=True))
import cli
cli.main()
"""


def test_the_registry_derives_every_list():
    assert domain.TARGET_POLLUTANTS == ("nox", "so2", "pm", "vocs", "cod", "nh3n")
    assert domain.AIR_POLLUTANTS == ("nox", "so2", "pm", "vocs") and domain.WATER_POLLUTANTS == ("cod", "nh3n")
    assert domain.PLANT_EFFECTS == ["nox_t", "so2_t", "pm_t", "vocs_t", "co2_t"]
    assert domain.EFFECTS[-1] == "co2_t" and len(domain.EFFECTS) == 7


def test_a_pollutant_added_in_the_registry_runs_end_to_end(inputs_copy, tmp_path):
    """Three cement plants emit PM2.5 = half their PM; the cement ULE package cuts 81 % of it (its pm removal). A
    target of 300 t PM2.5 (of the 430 t the measures can cut) is met and reported; the plants' PM2.5 columns and the measures' removal are data."""
    root = make_tiny(inputs_copy)
    e = pd.read_csv(root / "enterprises.csv", dtype=str, keep_default_na=False)
    e.insert(e.columns.get_loc("co2_t"), "pm25_t", (e["pm_t"].astype(float) / 2).map(str))
    e.to_csv(root / "enterprises.csv", index=False)
    m = pd.read_csv(root / "measures.csv", dtype=str, keep_default_na=False)
    m.insert(m.columns.get_loc("co2_removal"), "pm25_removal", m["pm_removal"])
    m.to_csv(root / "measures.csv", index=False)
    scenario = tmp_path / "pm25.yaml"
    scenario.write_text("name: pm25\nhorizon: {start_year: 2021, end_year: 2025}\n"
                        "targets:\n  - {pollutant: PM2.5, reduction: 300, unit: t}\n"
                        "measures: {exclude: [heating, rail, wastewater, vehicle, farming]}\n", encoding="utf-8")
    res = subprocess.run([sys.executable, "-c", PM25, "run", str(scenario), "--inputs", str(root), "--out",
                          str(tmp_path / "run"), "--no-plots"], capture_output=True, text=True, env=ersim_env(),
                         timeout=300)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    t = pd.read_csv(tmp_path / "run" / "targets.csv")
    row = t[t["pollutant"] == "PM2.5"].iloc[0]
    assert row["required_t"] == 300 and row["achieved_t"] >= 300 - 1e-6 and row["met"]
    port = pd.read_csv(tmp_path / "run" / "portfolio.csv")
    assert "pm25_t" in port.columns and port["pm25_t"].sum() == pytest.approx(row["achieved_t"], rel=1e-5)
    # the cut is the plants' PM2.5 times the measures' removal: recomputed from the inputs alone
    e = e.set_index("enterprise_id")
    by_hand = sum(float(e.loc[r.enterprise_id, "pm25_t"]) * float(m.set_index("measure_id").loc[r.measure_id,
                                                                                                 "pm25_removal"])
                  for r in port.itertuples() if "+" not in r.measure_id)
    assert abs(by_hand - port["pm25_t"].sum()) < 1e-3 * max(1, by_hand)
    summary = json.loads((tmp_path / "run" / "summary.json").read_text(encoding="utf-8"))
    assert summary["totals"]["reduction_pm25_t"] == pytest.approx(row["achieved_t"], rel=1e-5)
