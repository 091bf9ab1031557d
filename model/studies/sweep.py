"""Cost curves: one target swept across levels, re-solving the same model (no rebuild).

For each level the target row's level is changed and the persistent HiGHS instance re-solves the MILP (the
exact, lumpy curve of real projects), tightest level first, each started from the portfolio of the level above
(it meets the lower level too: a feasible incumbent near the optimum); a relaxed copy (integers continuous) is
solved at the same level for the smooth LP frontier. Marginal costs are one more tonne of the target with its
milestones moving with it (:func:`model.results.target_marginal`, the run's and the MACC's definition): from the
duals of the LP with the MILP's integer choices fixed (``marginal_cny_per_t``) and of the relaxation
(``lp_marginal_cny_per_t``). Past the largest
achievable reduction points are infeasible: the curve stops at the first of them; the maximum is computed and
reported.
Columns follow EPA CoST's Least Cost Curve Summary. The swept row is the scenario's target for the
pollutant, in its own region and year (``ModelData.target``); its milestones move with it as the same share
of it (base: 60 % by 2023 of whatever level is asked), as a re-run with that target would set them.

Two cost measures: ``total_annual_cost_cny`` is money (annualised capital + O&M and energy of the
portfolio, per year once built); ``objective_cny_per_yr`` is the model's objective (discounted cost to the
evaluation end, soft-target penalties included) divided by the discounted years the swept row stands for:
an equivalent annual cost. Marginal costs are derivatives of the latter.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .. import limits
from ..diagnose import max_achievable
from ..names import EFFECTS, pollutant_name
from ..pipeline import Pipeline
from ..resolve import ModelData
from ..results import target_marginal, totals
from ..rundir import files_sha256, write_atomically, write_csv, write_json
from ..scenario import ScenarioError
from ..solve import Solver


@dataclass
class SweepResult:
    curve: pd.DataFrame
    target_label: str
    pollutant: str
    base_level_t: float
    max_achievable_t: float | None
    seconds: dict
    # a stop (Ctrl-C, SIGTERM) that came while solving: the curve holds the levels solved before it
    interrupted: KeyboardInterrupt | None = None
    levels_t: list[float] = field(default_factory=list)  # every level asked, cheapest first


def sweep_scenario(md: ModelData, pollutant: str, levels_t: list[float],
                   progress: Callable[[int, int, float], None] = lambda i, n, v: None) -> SweepResult:
    """Solve the resolved scenario with its ``pollutant`` target at each of ``levels_t`` (t/yr), cheapest first.

    The swept target is made hard: a curve point either meets it or is infeasible.
    """
    if md.objective != "min_cost":
        raise ScenarioError("a cost curve needs objective: min_cost (a max_reduction objective counts weighted "
                            "tonnes, not money)")
    check_levels(levels_t)
    t0 = time.perf_counter()
    md = md.hardening(md.target(pollutant).pollutant)
    target = md.target(pollutant)
    pipe = Pipeline(md)
    bm = pipe.model
    t_build = time.perf_counter() - t0
    k = target.key
    solver = pipe.solver
    relaxed = bm.relaxed()
    lp_solver = Solver(relaxed, None, None)

    t_solve = time.perf_counter()
    # the target's milestones move with it, as the same share of it (the plan's phasing scales with the level)
    phased = md.milestone_shares(target)

    def set_level(level: float) -> None:
        for key, share in [(k, 1.0), *phased]:
            bm.set_target_level(key, level * share)
            relaxed.set_target_level(key, level * share)

    # Tightest level first, each level started from the portfolio of the one above it: that portfolio meets the
    # lower level too, so HiGHS begins with an incumbent near the optimum (17 NOx levels of base: 21.5 s of MILP
    # time cold -> 12.8 s). Levels past the maximum come first and are infeasible (found in presolve, ~0.1 s).
    levels = sorted(levels_t)
    points: list[dict] = []  # tightest first
    prev, stop = None, None
    try:
        for i, level in enumerate(reversed(levels)):
            progress(i, len(levels), level)
            set_level(level)
            if prev is not None:
                solver.start_from(prev)
            sol = solver.solve(shadow_prices=True)
            prev = sol if sol.ok else None
            points.append(_point(level, bm, sol, target, lp_solver if sol.ok else None))
    except KeyboardInterrupt as err:  # a stop: keep the levels solved so far, for the caller to write
        stop = err
    # the curve, cheapest first, up to and including the first infeasible level (infeasibility is monotone)
    rows, max_ach = [], None
    for row in reversed(points):
        rows.append(row)
        if row["status"] == "infeasible":
            # the largest level the sweep could reach: its milestones moving with it, as they do at every level
            max_ach = max_achievable(bm, k, linked=phased) if stop is None else None
            break
    # the rules-only reference: the swept target (and its milestones) at 0, everything else as in the scenario
    ref = None
    if stop is None:
        set_level(0.0)
        ref = solver.solve(shadow_prices=False)
    curve = with_incremental_average(pd.DataFrame(rows, columns=None if rows else ["level_t", "status"]),
                                     totals(bm, ref) if ref is not None and ref.ok else None, target.column)
    seconds = {"build_s": t_build, "solve_all_s": time.perf_counter() - t_solve}
    return SweepResult(curve, target.label, target.pollutant, target.required_t, max_ach, seconds, stop,
                       levels_t=sorted(float(v) for v in levels_t))


def with_incremental_average(curve: pd.DataFrame, reference: dict | None, column: str) -> pd.DataFrame:
    """``average_incremental_cny_per_t``: the money (annualised capital + O&M and energy, per year) a level costs
    beyond the rules-only portfolio (the swept target at 0, ``reference``), per tonne it cuts beyond it. Not the
    whole programme's cost over the target's tonnes: the rules and the other targets are paid for anyway."""
    if reference is None or "total_annual_cost_cny" not in curve or "achieved_t" not in curve:
        curve["average_incremental_cny_per_t"] = np.nan
        return curve
    extra_t = curve["achieved_t"] - reference[f"reduction_{column}"]
    extra_cny = curve["total_annual_cost_cny"] - reference["total_annual_cost_cny"]
    curve["average_incremental_cny_per_t"] = (extra_cny / extra_t).where(extra_t > 1e-6)
    return curve


def _point(level: float, bm, sol, target, lp_solver: Solver | None) -> dict:
    """One curve row: the MILP's costs and reductions at ``level`` (t/yr, set on ``bm``), and the LP frontier's
    (``lp_solver`` re-solved at the same level)."""
    row = {"pollutant": pollutant_name(target.pollutant), "region": target.region_name,
           "year": target.year, "level_t": level,
           "level_pct": 100 * level / target.required_t if target.required_t else np.nan,
           "status": sol.status}
    if not sol.ok:
        return row
    tot = totals(bm, sol)
    achieved = tot[f"reduction_{target.column}"]
    row.update({
        "achieved_t": achieved, "total_annual_cost_cny": tot["total_annual_cost_cny"],
        "annualised_capex_cny": tot["annualised_capex_cny"], "annual_om_cny": tot["annual_om_cny"],
        "total_capex_cny": tot["capex_cny"], "objective_discounted_cny": sol.objective,
        "objective_cny_per_yr": sol.objective / target.weight,
        "penalties_cny_per_yr": tot["penalties_discounted_cny"] / target.weight,
        # one more tonne with the milestones moving with it (results.target_marginal: as in a run and on the MACC)
        "marginal_cny_per_t": target_marginal(bm.md, sol.shadow, target), "mip_gap": sol.gap,
        **{f"co_{p}": tot[f"reduction_{p}"] for p in EFFECTS},
    })
    lp = lp_solver.solve(shadow_prices=True)
    if lp.ok:
        row["lp_objective_discounted_cny"] = lp.objective
        row["lp_objective_cny_per_yr"] = lp.objective / target.weight
        row["lp_marginal_cny_per_t"] = target_marginal(bm.md, lp.shadow, target)
    return row


def _sweep_task(args: tuple, shared: ModelData) -> SweepResult:
    """One worker's share of a sweep: build once from the resolved data, re-solve its block of levels."""
    pollutant, levels = args
    return sweep_scenario(shared, pollutant, levels)


def sweep_parallel(md: ModelData, pollutant: str, levels_t: list[float], run) -> SweepResult:
    """The same sweep shared among the workers (``run`` from model.studies.parallel).

    Worker k takes the k-th run of neighbouring levels (so each level starts from its neighbour's portfolio, as
    in a serial sweep), builds its own model once and re-solves its levels. The parts are joined in level order
    and, as in a serial sweep, everything after the first infeasible level is dropped: infeasibility is monotone
    in the level, so every level below it has been solved by some worker. A stop keeps the blocks finished by
    then (``interrupted`` says so); with none finished it is re-raised.
    """
    levels = sorted(levels_t)
    n_blocks = max(1, min(len(levels), getattr(run, "workers", 0) or 2))
    blocks = [[float(v) for v in b] for b in np.array_split(np.array(levels), n_blocks)]
    stop = None
    try:
        parts = run(_sweep_task, [(pollutant, b) for b in blocks], shared=md)
    except KeyboardInterrupt as err:  # a stop: keep the blocks the workers had finished, as a serial sweep does
        parts = [p for p in getattr(err, "finished", []) if p is not None]
        if not parts:
            raise
        stop = err
    curve = pd.concat([p.curve for p in parts], ignore_index=True).sort_values("level_t", kind="stable")
    curve = curve.reset_index(drop=True)
    infeasible = np.flatnonzero(curve["status"].to_numpy() == "infeasible")
    max_ach = None
    if len(infeasible):
        curve = curve.iloc[: infeasible[0] + 1].reset_index(drop=True)
        max_ach = next((p.max_achievable_t for p in parts if p.max_achievable_t is not None), None)
    first = parts[0]
    seconds = {"build_s": max(p.seconds["build_s"] for p in parts),
               "solve_all_s": max(p.seconds["solve_all_s"] for p in parts)}
    return SweepResult(curve, first.target_label, first.pollutant, first.base_level_t, max_ach, seconds,
                       interrupted=stop, levels_t=[float(v) for v in levels])


def check_levels(levels_t: list[float]) -> None:
    """A sweep's levels are 1 to ``MAX_SWEEP_LEVELS`` finite tonnes >= 0: a level of nan would 'solve' (every row
    compared with nan holds) and report a cost for a target that does not exist."""
    if not 1 <= len(levels_t) <= limits.MAX_SWEEP_LEVELS:
        raise ScenarioError(f"a sweep takes 1 to {limits.MAX_SWEEP_LEVELS} levels, got {len(levels_t)}")
    bad = [v for v in levels_t if not (isinstance(v, (int, float)) and math.isfinite(v) and v >= 0)]
    if bad:
        raise ScenarioError(f"sweep levels must be finite tonnes >= 0, got {bad[:3]}")


def levels_from_range(md: ModelData, pollutant: str, start: float, stop: float, steps: int) -> list[float]:
    """``steps`` levels from ``start`` to ``stop`` (fractions of the scenario's target for ``pollutant``)."""
    target = md.target(pollutant)
    if target.required_t <= 0:
        raise ScenarioError(f"{target.label} requires 0 t, so fractions of it are all 0; give the levels in tonnes "
                            "with --values")
    return [target.required_t * f for f in np.linspace(start, stop, steps)]


def write_sweep(result: SweepResult, out_dir: Path, scenario_name: str, svg: bool = False,
                force: bool = False, unique: bool = False) -> Path:
    """curve.csv, cost_curve.png (and .svg) and sweep.json (with the sha256 of the others), written atomically."""
    from ..outputs.plots import cost_curve

    def fill(tmp: Path) -> None:
        write_csv(result.curve, tmp / "curve.csv")
        cost_curve(result.curve, f"{scenario_name}: {pollutant_name(result.pollutant)} 减排成本曲线 (cost curve)",
                   result.max_achievable_t, tmp / "cost_curve.png", svg=svg, base_level_t=result.base_level_t)
        write_json({"scenario": scenario_name, "target": result.target_label, "base_level_t": result.base_level_t,
                    "max_achievable_t": result.max_achievable_t, "points": len(result.curve),
                    "infeasible_points": int((result.curve["status"] == "infeasible").sum()),
                    "interrupted": result.interrupted is not None,  # a stop came: the levels solved before it
                    # asked but not solved: after a stop (a parallel one may leave a gap), or after the first
                    # infeasible level
                    "levels_not_solved_t": [v for v in result.levels_t if v not in set(result.curve["level_t"])],
                    "seconds": {k: round(v, 3) for k, v in result.seconds.items()},
                    # what was written before it, for read_sweep to check
                    "outputs_sha256": files_sha256(tmp)}, tmp / "sweep.json")

    return write_atomically(out_dir, fill, force, unique)
