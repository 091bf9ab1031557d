"""The persistent HiGHS instance: re-solves after a level change, a cost cap, the maximum of a target."""

from __future__ import annotations

import re

import numpy as np
import pytest

from conftest import PLANTS, build, cement_yaml
from model.diagnose import max_achievable
from model.inputs import load_dataset
from model.scenario import load_scenario
from model.solve import Solver, solve

#: most tests here solve the full Shanxi dataset (seconds each): outside the quick loop, pytest -m "not slow"
pytestmark = pytest.mark.slow


def test_resolving_after_a_level_change_equals_a_fresh_build(tiny, tmp_path):
    ds = load_dataset(tiny)
    bm = build(ds, load_scenario(cement_yaml(tmp_path, 300)))
    solver = Solver(bm, mip_gap=1e-9)
    first = solver.solve()
    for level in (700.0, 1100.0, 300.0):
        bm.set_target_level(0, level)
        again = solver.solve()
        fresh = solve(build(ds, load_scenario(cement_yaml(tmp_path, level))), mip_gap=1e-9)
        assert again.objective == pytest.approx(fresh.objective, rel=1e-9)
        assert np.array_equal(again.u, fresh.u)
    assert again.objective == pytest.approx(first.objective, rel=1e-9)


def test_a_cost_cap_holds_when_the_objective_changes(tiny, tmp_path):
    bm = build(load_dataset(tiny), load_scenario(cement_yaml(tmp_path, 700)))
    solver = Solver(bm, mip_gap=1e-9)
    best = solver.solve(shadow_prices=False)
    solver.cap_cost(best.cost_cny * 1.5)
    solver.set_build_weights(best.u.sum(axis=1))
    alt = solver.solve(shadow_prices=False)
    assert alt.ok and alt.cost_cny <= best.cost_cny * 1.5 * (1 + 1e-9)
    assert alt.objective == pytest.approx(float(best.u.sum(axis=1) @ alt.u.sum(axis=1)), abs=1e-9)


def test_the_most_a_target_can_reach_is_full_ule_everywhere(tiny, tmp_path):
    bm = build(load_dataset(tiny), load_scenario(cement_yaml(tmp_path, 700)))
    # cement_ule removes 85 % of NOx at each of the three kilns (measures.csv), the deepest option
    assert max_achievable(bm, 0) == pytest.approx(0.85 * sum(nox for *_, nox in PLANTS), rel=1e-9)


@pytest.mark.parametrize("name, overrides", [
    ("base.yaml", []),
    ("base.yaml", ["discount_rate=0.06", "targets.0.reduction=9"]),  # VOCs: 301 t slack with a 2,700 CNY/t dual before
    ("linfen.yaml", []),
    ("no-rail.yaml", []),
])
def test_reported_shadow_prices_belong_to_the_reported_solution(ds, name, overrides):
    """Complementary slackness on every reported row: a row with slack has a zero dual; duals are >= 0. The duals
    are those of the LP with the integers fixed, so they hold at any gap: 1 % (no-rail proves 0.1 % in 25 s)."""
    from conftest import ROOT
    from model.resolve import resolve
    from model.results import make_results

    md = resolve(ds, load_scenario(ROOT / "scenarios" / name, overrides))
    from model.build import build_model
    from model.candidates import build_candidates

    bm = build_model(md, build_candidates(md))
    sol = solve(bm, mip_gap=0.01)
    t = make_results(bm, sol).targets
    row_slack = t["achieved_t"] + t["shortfall_t"] - t["required_t"]
    loose = row_slack > 1e-6 * t["required_t"].clip(lower=1.0) + 1e-3
    assert (t.loc[loose, "shadow_price_cny_per_t"].abs() < 1e-6).all(), t[loose]
    assert (t["shadow_price_cny_per_t"] >= -1e-6).all()
    # a soft row that falls short is priced at its penalty
    short = t["shortfall_t"] > 1e-6
    penalty = {t_.label: t_.penalty_cny_per_t for t_ in md.targets}
    if short.any():
        assert np.allclose(t.loc[short, "shadow_price_cny_per_t"].astype(float),
                           t.loc[short, "target"].map(penalty).astype(float), rtol=1e-6)


def test_milp_slope_is_bounded_by_the_fixed_integer_lp(ds):
    """Raising a binding target by a step: with the integers fixed the cost rises at least by dual x step (the
    fixed LP's value is convex in the level), and choosing the projects anew is never dearer than keeping them."""
    import highspy

    from conftest import ROOT, build
    from model.scenario import load_scenario
    from model.solve import Solver

    sc = load_scenario(ROOT / "scenarios" / "base.yaml", ["phasing.milestones={}", "pace.programmes=[]",
                                                          "solver.mip_gap=1e-4"])
    bm = build(ds, sc)
    nox = next(t.key for t in bm.targets if t.pollutant == "nox" and t.source == "target")
    level, step = 1.30 * 80_100, 0.01 * 80_100
    bm.set_target_level(nox, level)
    s = Solver(bm, 300, 1e-4)
    sol = s.solve()
    dual = sol.shadow[nox] * bm.targets[nox].weight  # back to d(discounted objective)/d(tonne)
    assert dual > 0
    fixed_at_level = sol.objective
    # the same projects, one step further: fix the integers and solve the LP
    h, idx = s.h, s.int_idx
    values = np.round(np.asarray(h.getSolution().col_value)[idx])
    h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kContinuous))
    h.changeColsBounds(len(idx), idx, values, values)
    bm.set_target_level(nox, level + step)
    s._sync_targets()
    h.run()
    fixed_further = h.getInfo().objective_function_value
    assert (fixed_further - fixed_at_level) / step >= dual * (1 - 1e-6)  # convexity of the fixed LP
    # projects chosen anew at the higher level
    bm2 = build(ds, sc)
    bm2.set_target_level(nox, level + step)
    anew = Solver(bm2, 300, 1e-4).solve(shadow_prices=False)
    assert anew.objective <= fixed_further * (1 + 1e-4)


def _solve_logged(solver: Solver, log) -> tuple:
    """Solve with HiGHS's log written to ``log`` (not the console), to read what it did with a start."""
    solver.h.setOptionValue("output_flag", True)
    solver.h.setOptionValue("log_to_console", False)
    solver.h.setOptionValue("log_file", str(log))
    sol = solver.solve(shadow_prices=False)
    solver.h.setOptionValue("output_flag", False)
    return sol, log.read_text()


def test_warm_started_and_cold_solves_agree(ds, tmp_path):
    """Base (phased: milestones 2022-2024) started from the one-build-year model's portfolio, everything dated to
    the first build year: HiGHS takes the start (a feasible incumbent) and ends where the cold solve ends. Without
    base's pace: everything built in one year is not a start the programmes' yearly capacity allows."""
    from conftest import ROOT

    gap = 1e-3
    phased = build(ds, load_scenario(ROOT / "scenarios" / "base.yaml", ["pace.programmes=[]"]))
    collapsed = build(ds, load_scenario(ROOT / "scenarios" / "base.yaml", ["phasing.milestones={}",
                                                                            "pace.programmes=[]"]))
    assert len(phased.years) > 1 and len(collapsed.years) == 1
    assert phased.candidates["candidate_id"].tolist() == collapsed.candidates["candidate_id"].tolist()
    cold = Solver(phased, mip_gap=gap).solve(shadow_prices=False)
    start = Solver(collapsed, mip_gap=gap).solve(shadow_prices=False)
    warm_solver = Solver(phased, mip_gap=gap)
    warm_solver.start_from(start)
    warm, log = _solve_logged(warm_solver, tmp_path / "highs.log")
    assert "MIP start solution is feasible" in log
    assert cold.ok and warm.ok
    # both within the gap of the same optimum: their objectives differ by at most the gap
    assert abs(warm.objective - cold.objective) <= gap * max(abs(cold.objective), abs(warm.objective))
    assert warm.short == cold.short  # the same (hard) targets met, nothing short
    # the start is dearer (everything built at once), so HiGHS improved on it
    first = float(re.search(r"MIP start solution is feasible: objective value is ([0-9.eE+-]+)", log).group(1))
    scale = 2.0 ** warm_solver.h.getOptionValue("user_objective_scale")[1]
    assert first > warm.objective * scale * (1 + gap)


def test_an_infeasible_start_is_dropped_and_the_solve_goes_on(ds, tmp_path):
    from conftest import ROOT

    bm = build(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    cold = Solver(bm, mip_gap=1e-3).solve(shadow_prices=False)
    solver = Solver(bm, mip_gap=1e-3)
    solver.set_start(np.zeros((len(bm.candidates), len(bm.years))))  # nothing built meets no target
    warm, log = _solve_logged(solver, tmp_path / "highs.log")
    assert "MIP start solution is feasible" not in log
    assert warm.ok and abs(warm.objective - cold.objective) <= 1e-3 * abs(cold.objective)
