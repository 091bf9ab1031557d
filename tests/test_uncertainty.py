"""Monte Carlo over uncertain parameters: reproducible, parallel equals serial, frequencies are shares."""

from __future__ import annotations

import json

import numpy as np

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT, write_yaml
from model.inputs import load_dataset

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
    # a Latin hypercube: the six SCR removals fall one in each sixth of 0.70-0.90
    strata = ((s["measures.cement_scr.nox_removal"] - 0.70) / (0.20 / 6)).astype(int)
    assert sorted(strata) == list(range(6))
    # six samples are too few for quantiles: said; every sample here meets the 1,100 t target (SCR >= 70 %)
    assert "6 samples: below 30" in a.output and "100% of the samples meet every target" in a.output
    assert s["all_targets_met"].all() and (tmp_path / "a" / "drivers.png").exists()
    f = pd.read_csv(tmp_path / "a" / "project_frequency.csv")
    assert f["share"].between(0, 1).all() and (f["chosen_in"] <= 6).all()
    assert (tmp_path / "a" / "uncertainty.png").exists()
    # the base case is the scenario as written: what `ersim run` of it gives, stored beside the samples
    meta = json.loads((tmp_path / "a" / "uncertainty.json").read_text(encoding="utf-8"))
    assert meta == json.loads((tmp_path / "b" / "uncertainty.json").read_text(encoding="utf-8"))
    base = meta["base"]
    assert base["status"] == "optimal" and "base" not in set(s["sample"].astype(str))  # not one of the samples
    scr = float(load_dataset(tiny).measures.loc["cement_scr", "nox_removal"])  # 0.833 in measures.csv
    assert base["values"] == {"measures.cement_scr.nox_removal": scr, "measures.*.capex_cny_per_unit": 1.0}  # scale
    run = CliRunner().invoke(cli.main, ["run", str(scen), "--inputs", str(tiny), "--out", str(tmp_path / "r"),
                                        "--no-plots"])
    assert run.exit_code == 0, run.output
    totals = json.loads((tmp_path / "r" / "summary.json").read_text(encoding="utf-8"))["totals"]
    assert base["total_annual_cost_cny"] == pytest.approx(totals["total_annual_cost_cny"], rel=1e-9)


def test_the_base_case_values_are_the_scenarios_own(ds):
    from model.scenario import load_scenario
    from model.studies.uncertainty import nominal_value
    from conftest import ROOT

    sc = load_scenario(ROOT / "scenarios" / "uncertain.yaml").scenario
    assert nominal_value({"param": "measures.cement_ule.capex_cny_per_unit", "how": "scale"}, ds, sc) == 1.0
    assert nominal_value({"param": "measures.heat_pump.capex_cny_per_unit"}, ds, sc) == \
        ds.measures.loc["heat_pump", "capex_cny_per_unit"]
    assert nominal_value({"param": "co2_intensity.bau_co2_growth_pct_per_yr"}, ds, sc) == 2.0  # base.yaml
    assert nominal_value({"param": "discount_rate"}, ds, sc) == 0.08  # base.yaml
    # a '*' column has one value only if every row agrees: capex differs per measure, so none is recorded
    assert nominal_value({"param": "measures.*.capex_cny_per_unit"}, ds, sc) is None
    assert nominal_value({"param": "prices.natural_gas"}, ds, sc) == ds.prices.loc["natural_gas", "price_cny_per_unit"]


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


def test_drivers_rank_the_inputs_by_their_rank_correlation_with_cost():
    """A cost that rises with one input (rank correlation 1) and falls with another (-1, weaker inputs below),
    and an input that does not vary (no correlation to speak of: nan, last)."""
    from model.studies.uncertainty import drivers

    t = pd.DataFrame({"a": [1, 2, 3, 4, 5], "b": [5, 3, 4, 2, 1], "c": [7.0] * 5,
                      "total_annual_cost_cny": [10.0, 20.0, 30.0, 40.0, 50.0]})
    d = drivers(t, [{"param": "b"}, {"param": "c"}, {"param": "a"}])
    assert d["param"].tolist() == ["a", "b", "c"]
    assert d["rank_correlation"].iloc[0] == pytest.approx(1.0) and d["rank_correlation"].iloc[1] == pytest.approx(-0.9)
    assert pd.isna(d["rank_correlation"].iloc[2])


def test_the_air_layers_ranges_are_uncertain_parameters(ds):
    """air_intake.<class>.intake_fraction scales the three precursor rows of that class; health.<parameter>.value
    sets one figure; a typo names the table's keys."""
    from model.scenario import ScenarioError
    from model.studies.uncertainty import apply_sample, check_parameters

    params = [{"param": "air_intake.tall.intake_fraction", "dist": "uniform", "low": 0.3, "high": 3.0,
               "how": "scale"},
              {"param": "health.gemm_theta.value", "dist": "uniform", "low": 0.1069, "high": 0.1791}]
    check_parameters(params, ds, {})
    from model.scenario import Scenario

    ds2, _ = apply_sample(ds, Scenario(name="x"), params, [2.0, 0.15])
    before, after = ds.air_intake, ds2.air_intake
    tall = (before["release_class"] == "tall").to_numpy()
    assert np.allclose(after.loc[tall, "intake_fraction"], 2.0 * before.loc[tall, "intake_fraction"])
    assert np.allclose(after.loc[~tall, "intake_fraction"], before.loc[~tall, "intake_fraction"])
    assert ds2.health.set_index("parameter").at["gemm_theta", "value"] == 0.15
    with pytest.raises(ScenarioError, match="unknown release class 'tal'.*did you mean 'tall'"):
        check_parameters([{**params[0], "param": "air_intake.tal.intake_fraction"}], ds, {})
