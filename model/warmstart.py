"""A starting portfolio for a phased model: the milestone-free model's choice, dated by an LP.

A model with milestones (say 60 % of every target by 2023) couples the build years and is many times harder for
HiGHS than the same model without them, which has one build year per candidate and solves in a fraction of the
time. Its portfolio is a good guess at the phased one: this module

1. solves the milestone-free model (:meth:`model.resolve.ModelData.without_milestones`);
2. keeps its choice of whole-built projects (plant measures, named plants, sidings) and lets an LP of the phased
   model choose when to build them and everything continuous: each chosen project's "built at most once" row is
   fixed to "built exactly once", each unchosen one to "never", and the integrality is relaxed;
3. rounds every chosen project to the earliest year the LP builds any of it. Building earlier only adds to every
   requirement that counts it (targets are ``>=`` rows, pools and budgets sum over the years), so the point
   stays feasible unless a per-year budget or pace cap binds, in which case HiGHS simply rejects the start.

HiGHS takes the point as its first incumbent (:meth:`model.solve.Solver.set_start`) and proves or improves it;
the answer is HiGHS's, so the result is the same as a cold start up to the MIP gap (tested).
"""

from __future__ import annotations

import time

import numpy as np

from .build import BuiltModel, build_model
from .solve import Solution, Solver


def dated_start(solver: Solver, flat: Solution) -> np.ndarray | None:
    """Every column's value of the phased model ``solver`` holds, from the milestone-free solution ``flat``: the
    same whole-built projects, dated by an LP and rounded to their earliest year; None if the LP fails."""
    import highspy

    h, bm = solver.h, solver.bm
    chosen = np.round(flat.u.sum(axis=1)) if flat.u.size else np.zeros(len(bm.candidates))
    is_int = np.zeros(h.getNumCol(), dtype=bool)
    is_int[solver.int_idx] = True
    whole = [i for i in solver.once_rows if (solver.u_cols[i] >= 0).any()
             and is_int[solver.u_cols[i][solver.u_cols[i] >= 0]].any()]
    sidings = {i: int(round(flat.z[i].sum())) if i in flat.z else 0 for i in solver.siding_once_rows}
    rows = [solver.once_rows[i] for i in whole] + [solver.siding_once_rows[i] for i in sidings]
    fix = [float(chosen[i]) for i in whole] + [float(v) for v in sidings.values()]
    if not rows:
        return None
    lp = h.getLp()
    lower, upper = np.asarray(lp.row_lower_)[rows].copy(), np.asarray(lp.row_upper_)[rows].copy()
    idx = solver.int_idx
    rows_arr = np.array(rows, dtype=np.int32)
    try:
        h.changeRowsBounds(len(rows), rows_arr, np.array(fix), np.array(fix))
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kContinuous))
        solver._sync_targets()
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        x = np.asarray(h.getSolution().col_value).copy()
    finally:
        h.changeRowsBounds(len(rows), rows_arr, lower, upper)
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))
    groups = [c[c >= 0] for c in [solver.u_cols[i] for i in whole] + [solver.z_cols[i] for i in sidings]]
    # first try each project in the year the LP builds most of it, the continuous decisions re-optimised around
    # them; if the milestones then fail, the earliest year it builds any of it (always feasible, a little dearer)
    for rule in ("most", "earliest"):
        y = x.copy()
        for cols in groups:
            if not len(cols):
                continue
            share = y[cols]
            y[cols] = 0.0
            if (share > 1e-6).any():
                y[cols[np.argmax(share) if rule == "most" else np.argmax(share > 1e-6)]] = 1.0
        if rule == "earliest":
            return y
        best = _reoptimise_continuous(solver, y)
        if best is not None:
            return best
    return None


def _reoptimise_continuous(solver: Solver, x: np.ndarray) -> np.ndarray | None:
    """``x`` with its integer columns kept and the continuous ones re-optimised (None if that LP is infeasible)."""
    import highspy

    h, idx = solver.h, solver.int_idx
    lp = h.getLp()
    lower, upper = np.asarray(lp.col_lower_)[idx].copy(), np.asarray(lp.col_upper_)[idx].copy()
    values = np.round(x[idx])
    try:
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kContinuous))
        h.changeColsBounds(len(idx), idx, values, values)
        h.run()
        if h.getModelStatus() != highspy.HighsModelStatus.kOptimal:
            return None
        return np.asarray(h.getSolution().col_value).copy()
    finally:
        h.changeColsBounds(len(idx), idx, lower, upper)
        h.changeColsIntegrality(len(idx), idx, np.full(len(idx), highspy.HighsVarType.kInteger))


def warm_start(bm: BuiltModel, solver: Solver, time_limit: float | None, mip_gap: float | None,
               highs_options: dict | None = None) -> dict[str, float]:
    """Give ``solver`` (a phased model) a starting portfolio when the scenario has milestones; returns the seconds
    spent (empty when there is nothing to do or the milestone-free model has no portfolio)."""
    flat_md = bm.md.without_milestones()
    if flat_md is None or bm.md.scenario.objective != "min_cost":
        return {}
    t0 = time.perf_counter()
    flat_bm = build_model(flat_md, bm.candidates)
    flat = Solver(flat_bm, time_limit, mip_gap, highs_options).solve(shadow_prices=False)
    t1 = time.perf_counter()
    if not flat.ok:
        return {"warm_start_flat_s": t1 - t0}
    x = dated_start(solver, flat)
    if x is not None:
        solver.set_start(x)
    return {"warm_start_flat_s": t1 - t0, "warm_start_dating_s": time.perf_counter() - t1}
