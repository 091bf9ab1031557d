"""Monte Carlo over uncertain parameters: reproducible, parallel equals serial, frequencies are shares."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT, write_yaml

UNCERTAIN = """
uncertainty:
  samples: 6
  seed: 3
  parameters:
    - {param: measures.cement_scr.nox_removal, dist: uniform, low: 0.70, high: 0.90}
    - {param: measures.*.capex_cny_per_unit, dist: normal, mean: 1.0, sd: 0.2, how: scale}
"""


@pytest.mark.slow
def test_uncertainty_serial_and_parallel_agree(tiny, tmp_path):
    scen = write_yaml(tmp_path, "name: t\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 1100, unit: t}\n"
                    + UNCERTAIN)
    args = ["uncertainty", str(scen), "--inputs", str(tiny)]
    a = CliRunner().invoke(cli.main, [*args, "--out", str(tmp_path / "a")])
    assert a.exit_code == 0, a.output
    b = CliRunner().invoke(cli.main, [*args, "--out", str(tmp_path / "b"), "--workers", "2"])
    assert b.exit_code == 0, b.output
    assert (tmp_path / "a" / "samples.csv").read_bytes() == (tmp_path / "b" / "samples.csv").read_bytes()
    s = pd.read_csv(tmp_path / "a" / "samples.csv")
    assert len(s) == 6 and (s["status"] == "optimal").all()
    assert s["measures.cement_scr.nox_removal"].between(0.70, 0.90).all()
    f = pd.read_csv(tmp_path / "a" / "project_frequency.csv")
    assert f["share"].between(0, 1).all() and (f["chosen_in"] <= 6).all()
    assert (tmp_path / "a" / "uncertainty.png").exists()


def test_unknown_uncertain_parameter_is_a_user_error(tiny, tmp_path):
    scen = write_yaml(tmp_path, "name: t\nuncertainty:\n  parameters:\n"
                      "    - {param: measures.cement_scx.nox_removal, low: 0, "
                      "high: 1}\n")
    res = CliRunner().invoke(cli.main, ["uncertainty", str(scen), "--inputs", str(tiny), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2 and "unknown measure 'cement_scx'" in res.output


def test_distribution_needs_its_arguments(tmp_path):
    from model.scenario import ScenarioError, load_scenario

    scen = write_yaml(tmp_path, "name: t\nuncertainty:\n  parameters:\n"
                      "    - {param: prices.natural_gas, dist: normal, mean: 3}\n")
    with pytest.raises(ScenarioError, match="normal distribution of prices.natural_gas needs sd"):
        load_scenario(scen)
