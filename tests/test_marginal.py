"""One marginal cost (model/results.py target_marginal): run, sweep and MACC report the same figure for base's
NOx target. (That it is the slope of the cost curve: tests/test_sweep.py, on an instance solved exactly.)"""

from __future__ import annotations

import pytest

from conftest import ROOT
from model.pipeline import Pipeline
from model.results import target_marginal
from model.studies.macc import model_marginal
from model.studies.sweep import sweep_scenario

BASE = str(ROOT / "scenarios" / "base.yaml")


def test_the_marginal_counts_the_milestones_moving_with_the_target(ds):
    """By hand: base NOx 2025 row has weight sum 1.08^-k, k=5..30 (7.9457); its 2022/23/24 milestones are
    40/60/80 % of it and each stands for its own year (1.08^-2, 1.08^-3, 1.08^-4)."""
    md = Pipeline.load(BASE, dataset=ds).md
    nox = md.target("nox")
    mids = md.milestones_of(nox)
    assert [m.year for m in mids] == [2022, 2023, 2024]
    prices = [50_000.0, 100_000.0, 0.0]
    shadow = {nox.key: 0.0} | {m.key: p for m, p in zip(mids, prices)}
    w_t = sum(1.08 ** -k for k in range(5, 31))
    by_hand = (0.4 * 50_000 * 1.08 ** -2 + 0.6 * 100_000 * 1.08 ** -3) / w_t
    assert target_marginal(md, shadow, nox) == pytest.approx(by_hand, rel=1e-12)
    assert target_marginal(md, shadow, mids[1]) == 100_000.0  # a milestone's own is its shadow price


@pytest.mark.slow
def test_run_sweep_and_macc_give_the_same_marginal_cost_of_nox(ds):
    # the same model and HiGHS settings in the three: the same portfolio, so the same duals
    pipe = Pipeline.load(BASE, dataset=ds)
    md = pipe.md
    nox = md.target("nox")
    sol = pipe.solver.solve(shadow_prices=True)
    run_mc = target_marginal(md, sol.shadow, nox)
    assert run_mc > 1_000  # the 2023 milestone binds: not the 0 of the 2025 row alone
    curve = sweep_scenario(md, "nox", [nox.required_t]).curve
    assert curve["marginal_cny_per_t"].iloc[0] == pytest.approx(run_mc, rel=1e-6)
    assert model_marginal(Pipeline.load(BASE, dataset=ds), "nox") == pytest.approx(run_mc, rel=1e-6)
