"""Broken numbers and failing HiGHS calls: a nan, infinite or huge number never reaches HiGHS silently (the
message names the candidate or row), every HiGHS call's status is checked (exit 4, nothing written), and the
command line's --mip-gap and --time-limit obey the scenario schema's bounds (exit 2, the option named)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT, ROOT, write_yaml
from model.build import build_model
from model.candidates import build_candidates
from model.errors import ModelSetupError
from model.inputs import load_dataset
from model.resolve import resolve
from model.scenario import load_scenario
from model.solve import Solver, first_bad

TARGET = "targets:\n  - {pollutant: NOx, reduction: 1100, unit: t}\n"


def run(tmp_path: Path, tiny: Path, *extra: str):
    """`ersim run` of the tiny cement scenario into tmp_path/o."""
    path = write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}")
    return CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(tmp_path / "o"),
                                         "--no-plots", *extra])


# ---- the command line's solver limits
BAD_LIMITS = [
    ("--mip-gap", "2", "--mip-gap 2: must be a finite number between 0 and 1"),
    ("--mip-gap", "-1", "--mip-gap -1: must be a finite number between 0 and 1"),
    ("--mip-gap", "nan", "--mip-gap nan: must be a finite number between 0 and 1"),
    ("--mip-gap", "inf", "--mip-gap inf: must be a finite number between 0 and 1"),
    ("--time-limit", "0", "--time-limit 0: must be a finite number greater than 0"),
    ("--time-limit", "-5", "--time-limit -5: must be a finite number greater than 0"),
    ("--time-limit", "nan", "--time-limit nan: must be a finite number greater than 0"),
    ("--time-limit", "inf", "--time-limit inf: must be a finite number greater than 0"),
]


@pytest.mark.parametrize("option,value,message", BAD_LIMITS, ids=[f"{o}={v}" for o, v, _ in BAD_LIMITS])
def test_bad_solver_limit_on_the_command_line(tiny, tmp_path, option, value, message):
    res = run(tmp_path, tiny, option, value)
    assert res.exit_code == 2, res.output
    assert message in res.output and "Traceback" not in res.output
    assert not (tmp_path / "o").exists()


@pytest.mark.slow
def test_good_solver_limits_on_the_command_line_solve(tiny, tmp_path):
    res = run(tmp_path, tiny, "--mip-gap", "0.5", "--time-limit", "60")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "o" / "portfolio.csv").exists()


# ---- numbers HiGHS would refuse or misread, from a dataset and from the model
@pytest.mark.parametrize("capex,fragment", [
    ("inf", "measures.csv, line {line}, column 'capex_cny_per_unit': 'inf' is not a finite number"),
    ("1e300", "the model cannot be solved: the share built of measure cement_ule at T"),
], ids=["inf", "1e300"])
@pytest.mark.parametrize("command", ["run", "validate"])
def test_infinite_or_huge_capex_in_the_dataset_is_named(tiny, tmp_path, capex, fragment, command):
    """An infinite cell is refused by the dataset's loader (file, line, column); a finite but huge one by the
    check before HiGHS (which would read it as infinite), naming the measure and plant. `validate` builds the model
    without solving, so it finds both. Exit 2, nothing written."""
    m = pd.read_csv(tiny / "measures.csv", dtype=str, keep_default_na=False)
    hit = m["measure_id"] == "cement_ule"
    m.loc[hit, "capex_cny_per_unit"] = capex
    m.to_csv(tiny / "measures.csv", index=False)
    line = int(hit.to_numpy().nonzero()[0][0]) + 2
    before = sorted(p.name for p in tmp_path.iterdir())
    if command == "run":
        res = run(tmp_path, tiny)
    else:
        res = CliRunner().invoke(cli.main, ["validate", str(write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}")),
                                            "--inputs", str(tiny)])
    assert res.exit_code == 2, res.output
    out = " ".join(res.output.split())  # the terminal wraps long messages
    assert fragment.format(line=line) in out, out
    assert "Traceback" not in out and "empty" not in out
    assert not (tmp_path / "o").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == before + ["s.yaml"]


@pytest.mark.slow
def test_validate_finds_a_rule_no_measure_can_meet(tmp_path):
    """A rule with no measure to meet it was found only by `run`; `validate` builds the rows too."""
    res = CliRunner().invoke(cli.main, ["validate", str(ROOT / "scenarios" / "base.yaml"), "--set",
                                        "measures.exclude=[ule]"])
    assert res.exit_code == 2 and "rule rule_ule:" in res.output and "have no measure that satisfies it" in \
        res.output, res.output


def built_with(tiny: Path, tmp_path: Path, column: str, value: float, measure: str = "cement_ule"):
    """The tiny model built from candidates whose ``column`` is ``value`` for ``measure`` at plant T2 (as if the
    dataset or a computation had produced it; the loader is not asked)."""
    loaded = load_scenario(write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}"))
    md = resolve(load_dataset(tiny), loaded)
    cands = build_candidates(md)
    e = cands.enterprise
    hit = (e["enterprise_id"] == "T2") & (e["measure_id"] == measure)
    assert hit.sum() == 1
    e.loc[hit, column] = value
    return build_model(md, cands)


@pytest.mark.parametrize("value", [math.inf, 1e25])  # a nan cost is 0 to build.py (an empty cell)
def test_bad_cost_never_reaches_highs(tiny, tmp_path, value):
    """HiGHS took an infinite or huge cost as it was (the project never chosen, reported optimal)."""
    bm = built_with(tiny, tmp_path, "annualised_capex_cny", value)
    with pytest.raises(ModelSetupError, match=r"the share built of measure cement_ule at T2 .* costs (inf|[0-9.]+e\+25)"
                                              r" in the objective; check the dataset's numbers"):
        Solver(bm)


def test_first_bad():
    assert first_bad([1.0, 2.0], 10.0) is None
    assert first_bad([1.0, math.nan, math.inf], 10.0) == 1
    assert first_bad([1.0, 10.0], 10.0) == 1  # HiGHS's limits count as infinite from the limit itself
    assert first_bad([-math.inf, 1.0], 10.0) is None  # a lower bound of -inf is no bound


@pytest.mark.parametrize("value", [math.nan, 1e16])
def test_bad_coefficient_never_reaches_highs(tiny, tmp_path, value):
    """HiGHS took a nan coefficient as it was and refused 1e16, which was then reported as an empty model."""
    bm = built_with(tiny, tmp_path, "nox_t", value)
    with pytest.raises(ModelSetupError, match=r"the share built of measure cement_ule at T2 .* has the coefficient "
                                              r"(nan|1e\+16) in target NOx"):
        Solver(bm)


def test_bad_target_level_never_reaches_highs(tiny, tmp_path):
    bm = built_with(tiny, tmp_path, "nox_t", 900.0)  # untouched numbers
    bm.set_target_level(0, math.inf)
    with pytest.raises(ModelSetupError, match=r"target NOx.* has the lower level inf"):
        Solver(bm)
    bm.set_target_level(0, 1100.0)
    solver = Solver(bm)
    bm.set_target_level(0, math.nan)  # a study changing the level after the model was handed over
    with pytest.raises(ModelSetupError, match=r"target NOx.*: the level nan t is not a finite number of tonnes"):
        solver.solve()
    bm.set_target_level(0, 1100.0)
    assert solver.solve().status == "optimal"
    with pytest.raises(ValueError, match="a cost cap must be a finite number"):
        solver.cap_cost(math.inf)
    with pytest.raises(ValueError, match=r"the weight of the share built of measure .* is nan"):
        solver.set_build_weights(np.full(len(bm.candidates), math.nan))


# ---- HiGHS calls that fail
def fail_with(monkeypatch, method: str, result) -> None:
    import highspy

    monkeypatch.setattr(highspy.Highs, method, lambda self, *a, **k: result(highspy))


@pytest.mark.parametrize("method,result,message", [
    ("passModel", lambda hs: hs.HighsStatus.kError, "solver error: HiGHS refused the model (9 columns, 4 rows)"),
    ("setOptionValue", lambda hs: hs.HighsStatus.kError, "solver error: HiGHS refused ersim's option output_flag"),
    ("run", lambda hs: hs.HighsStatus.kError, "HiGHS 1.16.0 failed to solve the model (status 'kNotset', 9 columns, "
                                              "4 rows); this is HiGHS's failure, not the scenario's"),
    ("getModelStatus", lambda hs: hs.HighsModelStatus.kModelEmpty, "HiGHS 1.16.0 reported an empty model though it "
                                                                   "was given 9 columns and 4 rows"),
], ids=["passModel", "setOptionValue", "run", "empty"])
def test_failing_highs_call_is_a_solver_error(tiny, tmp_path, monkeypatch, method, result, message):
    import highspy

    version = f"{highspy.Highs().versionMajor()}.{highspy.Highs().versionMinor()}.{highspy.Highs().versionPatch()}"
    fail_with(monkeypatch, method, result)
    res = run(tmp_path, tiny)
    assert res.exit_code == 4, res.output
    assert message.replace("1.16.0", version) in " ".join(res.output.split())
    assert "the scenario's scope" not in res.output  # not the empty-scope message
    assert not (tmp_path / "o").exists()


def test_really_empty_model_says_so(tiny, tmp_path):
    """The scope has no candidate: HiGHS's kModelEmpty is reported as the scenario's emptiness, exit 4."""
    path = write_yaml(tmp_path, "name: t\nmeasures: {exclude: [ule, heating, rail, wastewater, efficiency, voc, "
                                "boiler]}\n")
    res = CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(tmp_path / "o"),
                                        "--no-plots"])
    assert res.exit_code == 4, res.output
    assert "the model is empty: no candidate project lies in the scenario's scope" in " ".join(res.output.split())


def test_failing_call_inside_the_target_pricing_is_a_solver_error(tiny, tmp_path, monkeypatch):
    """The LP that prices the targets runs on the same instance: a refused call there fails the run (exit 4)
    instead of reporting a portfolio without its shadow prices."""
    fail_with(monkeypatch, "clearSolver", lambda hs: hs.HighsStatus.kError)
    res = run(tmp_path, tiny)
    assert res.exit_code == 4, res.output
    assert "HiGHS refused clearing its solver state" in res.output
    assert not (tmp_path / "o").exists()
