"""Cost curves: monotone, marginal costs equal finite differences, and the curve stops at the maximum."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from model.inputs import load_dataset
from model.scenario import load_scenario
from model.resolve import resolve
from model.studies.sweep import sweep_scenario
from conftest import ONLY_CEMENT, PLANTS, cement_yaml, once_per_session, write_yaml

#: most tests here solve the full Shanxi dataset (seconds each): outside the quick loop, pytest -m "not slow"
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def base_nox_curve(tmp_path_factory, worker_id):
    def sweep(_folder):
        ds = load_dataset()
        # without the mid-term milestone: one NOx row, so the dual of the swept row is the whole marginal cost
        sc = load_scenario(ROOT / "scenarios" / "base.yaml", ["phasing.milestones={}"]).scenario
        # up to about 123 % the rules and the other targets already deliver the NOx cut (dual 0); 130-131 % binds
        levels = [80_100 * f for f in (1.0, 1.30, 1.31, 1.35)]
        return sweep_scenario(resolve(ds, sc), "NOx", levels)

    return once_per_session(tmp_path_factory, worker_id, "base_nox_curve", sweep)


def test_cost_never_decreases_as_target_tightens(base_nox_curve):
    c = base_nox_curve.curve
    assert (c["status"] == "optimal").all()
    # never cheaper, within the MIP gap each point is solved to (0.1 %)
    obj = c["objective_discounted_cny"].to_numpy()
    assert (obj[1:] >= obj[:-1] * (1 - 1e-3)).all()
    assert c["total_capex_cny"].iloc[-1] >= c["total_capex_cny"].iloc[0]


def test_marginal_cost_matches_finite_difference(base_nox_curve):
    """The LP relaxation's dual is its slope between 130 % and 131 % (solved exactly, same basis); the MILP's dual
    (integers fixed) is positive where NOx binds. (How the MILP's slope relates to that dual is tested exactly in
    tests/test_solve.py: over a finite step only the fixed-integer LP's convexity gives a bound.)"""
    c = base_nox_curve.curve.set_index(base_nox_curve.curve["level_pct"].round(6))
    a, b = c.loc[130.0], c.loc[131.0]
    step = b["level_t"] - a["level_t"]
    lp_slope = (b["lp_objective_cny_per_yr"] - a["lp_objective_cny_per_yr"]) / step
    assert lp_slope == pytest.approx(a["lp_marginal_cny_per_t"], rel=0.01)
    assert a["marginal_cny_per_t"] > 0
    # the LP relaxation is a lower bound of the MILP
    assert (c["lp_objective_discounted_cny"] <= c["objective_discounted_cny"] * (1 + 1e-9)).all()


def test_sweep_stops_at_the_largest_achievable_reduction(tiny, tmp_path):
    scen = cement_yaml(tmp_path, 1000)
    out = tmp_path / "sweep"
    res = CliRunner().invoke(cli.main, ["sweep", str(scen), "--target", "NOx", "--values", "500,1000,1400,1500,1600",
                                        "--inputs", str(tiny), "--out", str(out)])
    assert res.exit_code == 0, res.output
    curve = pd.read_csv(out / "curve.csv")
    assert curve["status"].tolist() == ["optimal", "optimal", "optimal", "infeasible"]  # stops at the first
    most = 0.85 * sum(nox for *_, nox in PLANTS)  # full ULE at all three plants (hand calculation)
    assert f"largest achievable reduction: {most / 1e4:.3f} 万吨" in res.output
    assert (out / "cost_curve.png").stat().st_size > 10_000
    # at 500 t the MILP overshoots (a plant's measure is all or nothing), so its dual is 0, but the relaxation
    # still pays for the target: no rule delivers it, and the figure must not say so
    from model.outputs.plots import rules_deliver_t

    assert curve["achieved_t"].iloc[0] > 500 and curve["marginal_cny_per_t"].iloc[0] == 0
    assert curve["lp_marginal_cny_per_t"].iloc[0] > 0 and rules_deliver_t(curve) is None


@pytest.mark.slow
def test_the_co2_intensity_target_sweeps_into_a_cost_curve(tmp_path):
    """ersim sweep --target CO2-intensity: the CO2 cut the intensity row requires, swept in fractions; with
    renewables displacing coal power the full -18 % cut (3,222万吨) is reachable, at a rising cost (to a 1 % gap:
    the two points differ by far more)."""
    out = tmp_path / "co2"
    res = CliRunner().invoke(cli.main, ["sweep", str(ROOT / "scenarios" / "base.yaml"), "--target", "CO2-intensity",
                                        "--from", "0.5", "--to", "1.0", "--steps", "2", "--out", str(out),
                                        "--set", "solver.mip_gap=0.01"])
    assert res.exit_code == 0, res.output
    curve = pd.read_csv(out / "curve.csv")
    assert curve["pollutant"].iloc[0] == "CO2" and (curve["status"] == "optimal").all()
    assert curve["level_t"].iloc[-1] == pytest.approx(32_216_800, rel=1e-3)  # 100 % of the -18 % cut
    obj = curve["objective_cny_per_yr"].to_numpy()
    assert obj[1] > obj[0]


def test_a_swept_target_keeps_its_phasing(ds):
    """Linfen's NOx target swept to 80 %: its 2023 milestone moves to 60 % of the new level, so the point costs
    what a run with that target costs (within the MIP gaps)."""
    from model.solve import solve
    from conftest import build

    level = 0.8 * 11_415
    curve = sweep_scenario(resolve(ds, load_scenario(ROOT / "scenarios" / "linfen.yaml")), "NOx", [level]).curve
    rerun = load_scenario(ROOT / "scenarios" / "linfen.yaml", [f"targets.0.reduction={level}"])
    sol = solve(build(ds, rerun), mip_gap=1e-3, shadow_prices=False)
    assert curve["objective_discounted_cny"].iloc[0] == pytest.approx(sol.objective, rel=2e-3)


def test_comparing_sweeps_gives_a_table(tiny, tmp_path):
    """Two sweeps compared: curves.csv holds every point of both, the same numbers as their curve.csv files."""
    scen = cement_yaml(tmp_path, 1000)
    for name, values in (("a", "500,1000"), ("b", "800,1200")):
        res = CliRunner().invoke(cli.main, ["sweep", str(scen), "--target", "NOx", "--values", values, "--inputs",
                                            str(tiny), "--out", str(tmp_path / name)])
        assert res.exit_code == 0, res.output
    res = CliRunner().invoke(cli.main, ["compare", str(tmp_path / "a"), str(tmp_path / "b"), "--out",
                                        str(tmp_path / "cmp")])
    assert res.exit_code == 0, res.output
    both = pd.read_csv(tmp_path / "cmp" / "curves.csv")
    assert len(both) == 4 and both["sweep"].nunique() == 2
    a = pd.read_csv(tmp_path / "a" / "curve.csv")
    got = both[both["level_t"].isin(a["level_t"]) & both["sweep"].str.len().gt(0)].head(2)
    assert got["objective_cny_per_yr"].tolist() == pytest.approx(a["objective_cny_per_yr"].tolist(), rel=1e-5)
    assert "cost curves side by side" in res.output


def test_the_largest_achievable_level_moves_the_milestones_with_it(tiny, tmp_path):
    """Three kilns, NOx by 2025 with all of it due by 2021 (a milestone that moves with the swept level) and at
    most 2.5 亿元 of capital a year, so the 2021 row binds. The largest achievable level is the most the 2025 row
    reaches while the 2021 row keeps up with it; by that definition a level just below it is feasible and one just
    above is not. (At the infeasible level's own milestone the maximum was nan; at a lower level's, a level the
    sweep cannot reach.)"""
    ds = load_dataset(tiny)

    def curve(milestones: str, levels: list[float]):
        scen = write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}targets:\n  - {{pollutant: NOx, reduction: 100, unit: t}}\n"
                                    f"phasing: {{milestones: {milestones}}}\n"
                                    "budget: {per_year: {value: 2.5, unit: 亿元}}\n")
        return sweep_scenario(resolve(ds, load_scenario(scen).scenario), "NOx", levels)

    far = curve("{2021: 1.0}", [100.0, 5_000.0])
    most = far.max_achievable_t
    assert far.curve["status"].tolist() == ["optimal", "infeasible"] and 100 < most < 5_000
    near = curve("{2021: 1.0}", [most * 0.999, most * 1.001])
    assert near.curve["status"].tolist() == ["optimal", "infeasible"]
    assert near.max_achievable_t == pytest.approx(most, rel=1e-4)
    # with a token milestone (1 % by 2021) every year's capital counts and the 2025 row reaches full ULE at the
    # three kilns (0.85 x 1,700 t): the tie is what binds above
    assert curve("{2021: 0.01}", [5_000.0]).max_achievable_t == pytest.approx(0.85 * sum(n for *_, n in PLANTS))
    assert most < 0.85 * sum(n for *_, n in PLANTS) * 0.99


def test_ctrl_c_in_a_sweep_writes_the_levels_solved_so_far(tiny, tmp_path, monkeypatch):
    """A stop during the third of four levels (tightest first): the two solved are written, the command says
    so and exits 130, not a solver error."""
    from click.testing import CliRunner

    import cli
    from model.solve import Solver

    calls = {"n": 0}
    solve = Solver.solve

    def stopped_on_the_third(self, *a, **k):
        calls["n"] += 1
        if calls["n"] == 5:  # each level solves the MILP, then its relaxation: the 5th call is the 3rd MILP
            raise KeyboardInterrupt
        return solve(self, *a, **k)

    monkeypatch.setattr(Solver, "solve", stopped_on_the_third)
    out = tmp_path / "sweep"
    res = CliRunner().invoke(cli.main, ["sweep", str(cement_yaml(tmp_path, 1000)), "--target", "NOx",
                                        "--values", "400,600,800,1000",
                                        "--inputs", str(tiny), "--out", str(out)])
    assert res.exit_code == 130, res.output
    assert "the 2 of 4 levels solved before the stop were written" in res.output
    curve = pd.read_csv(out / "curve.csv")
    assert curve["level_t"].tolist() == [800.0, 1000.0]  # the tightest first: 1000, then 800
    assert json.loads((out / "sweep.json").read_text(encoding="utf-8"))["interrupted"] is True
