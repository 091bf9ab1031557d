"""The marginal abatement cost curve."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import PLANTS, cement_yaml
from model.inputs import load_dataset
from model.resolve import resolve
from model.studies.macc import build_macc
from model.scenario import load_scenario


def test_macc_bars_add_up_and_take_the_deepest_option(tiny, tmp_path):
    scen = cement_yaml(tmp_path, 1000)
    m = build_macc(resolve(load_dataset(tiny), load_scenario(scen)), "NOx")
    # SNCR, SCR and full ULE exclude each other at a kiln: only the deepest (cement_ule, 85 %) counts
    assert m.table["measure_id"].tolist() == ["cement_ule"]
    assert m.table["reduction_t"].sum() == pytest.approx(0.85 * sum(nox for *_, nox in PLANTS))
    assert m.table["cumulative_t"].iloc[-1] == pytest.approx(m.table["reduction_t"].sum())
    assert m.target_t == 1000


def test_macc_of_base_scenario(tmp_path):
    out = tmp_path / "macc"
    res = CliRunner().invoke(cli.main, ["macc", "scenarios/base.yaml", "--pollutant", "VOCs", "--out", str(out)])
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out / "macc.csv")
    assert t["cny_per_t"].is_monotonic_increasing
    assert t["reduction_t"].sum() == pytest.approx(t["cumulative_t"].iloc[-1], rel=1e-5)  # CSV keeps 6 digits
    # allocation never charges a pollutant more than the measure's whole cost
    assert (t["allocated_cny"].abs() <= t["annual_cost_cny"].abs() * (1 + 1e-9)).all()
    assert {"voc", "heating"} <= set(t["family"])
    assert (out / "macc.png").stat().st_size > 20_000
