"""Cost curves: one target swept across levels, re-solving the same model (no rebuild).

For each level the target's mutable right-hand side is changed and the persistent HiGHS instance
re-solves the MILP (the exact, lumpy curve of real projects); a relaxed copy (integers continuous) is
solved at the same level for the smooth LP frontier. Marginal costs are the duals of the target row: of the
LP with the MILP's integer choices fixed (``marginal_cny_per_t``) and of the relaxation
(``lp_marginal_cny_per_t``). Past the largest achievable reduction points are infeasible and the sweep
stops; the maximum is computed and reported. Columns follow EPA CoST's Least Cost Curve Summary.

Two cost measures: ``total_annual_cost_cny`` is money (annualised capital + O&M and energy of the
portfolio in the target year); ``objective_cny_per_yr`` is the model's objective in target-year CNY, which
also counts soft-target penalties (e.g. CO2 bought elsewhere). Marginal costs are derivatives of the latter.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd
import pyomo.environ as pyo

from .build import BuiltModel, build_model
from .candidates import EFFECTS, build_candidates
from .inputs import Dataset
from .results import portfolio_totals
from .scenario import POLLUTANT_NAMES, Scenario, ScenarioError, pollutant_key
from .solve import Solver


@dataclass
class SweepResult:
    curve: pd.DataFrame
    target_label: str
    pollutant: str
    base_level_t: float
    max_achievable_t: float | None
    seconds: dict


def _target_key(bm: BuiltModel, pollutant: str) -> int:
    key = pollutant_key(pollutant)
    rows = [t for t in bm.targets if t.pollutant == key and t.source == "target"]
    if not rows:
        have = ", ".join(POLLUTANT_NAMES.get(t.pollutant, t.pollutant) for t in bm.targets if t.source == "target")
        raise ScenarioError(f"the scenario has no {pollutant} target to sweep (it has: {have or 'none'}); add one "
                            "under targets:")
    return rows[0].key


def sweep_scenario(ds: Dataset, sc: Scenario, pollutant: str, levels_t: list[float],
                   progress: Callable[[int, int, float], None] = lambda i, n, v: None) -> SweepResult:
    """Solve ``sc`` with its ``pollutant`` target at each of ``levels_t`` (t/yr), cheapest first."""
    sc = sc.model_copy(deep=True)
    key_pollutant = pollutant_key(pollutant)
    for t in sc.targets:  # the swept target is hard: a curve point either meets it or is infeasible
        if t.pollutant == key_pollutant:
            t.kind = "hard"
    t0 = time.perf_counter()
    cands = build_candidates(ds, sc)
    bm = build_model(ds, sc, cands)
    t_build = time.perf_counter() - t0
    k = _target_key(bm, pollutant)
    target = bm.targets[k]
    solver = Solver(bm, sc.solver.time_limit_s, sc.solver.mip_gap)
    relaxed = bm.model.clone()
    pyo.TransformationFactory("core.relax_integer_vars").apply_to(relaxed)
    lp_solver = Solver(dataclasses.replace(bm, model=relaxed), None, None)
    df_year = bm.discount.get(target.year, 1.0)

    rows = []
    t_solve = time.perf_counter()
    max_ach = None
    for i, level in enumerate(sorted(levels_t)):
        progress(i, len(levels_t), level)
        bm.model.target_t[k] = level
        relaxed.target_t[k] = level
        sol = solver.solve(shadow_prices=True)
        row = {"pollutant": POLLUTANT_NAMES.get(target.pollutant, target.pollutant), "region": target.region_name,
               "year": target.year, "level_t": level, "level_pct": 100 * level / target.required_t,
               "status": sol.status}
        if not sol.ok:
            rows.append(row)
            max_ach = max_achievable(bm, k)
            break
        tot = portfolio_totals(bm, sol)
        achieved = tot[f"reduction_{target.pollutant}_t"] if f"reduction_{target.pollutant}_t" in tot else np.nan
        row.update({
            "achieved_t": achieved, "total_annual_cost_cny": tot["total_annual_cost_cny"],
            "annualised_capex_cny": tot["annualised_capex_cny"], "annual_om_cny": tot["annual_om_cny"],
            "total_capex_cny": tot["capex_cny"], "objective_discounted_cny": sol.objective,
            "objective_cny_per_yr": sol.objective / df_year,
            "average_cny_per_t": tot["total_annual_cost_cny"] / achieved if achieved else np.nan,
            "marginal_cny_per_t": sol.shadow_cny_per_t.get(k, np.nan), "mip_gap": sol.gap,
            **{f"co_{p}": tot[f"reduction_{p}"] for p in EFFECTS},
        })
        lp = lp_solver.solve(shadow_prices=True)
        if lp.ok:
            row["lp_objective_discounted_cny"] = lp.objective
            row["lp_objective_cny_per_yr"] = lp.objective / df_year
            row["lp_marginal_cny_per_t"] = lp.shadow_cny_per_t.get(k, np.nan)
        rows.append(row)
    seconds = {"build_s": t_build, "solve_all_s": time.perf_counter() - t_solve}
    curve = pd.DataFrame(rows)
    return SweepResult(curve, target.label, target.pollutant, target.required_t, max_ach, seconds)


def _sweep_task(args: tuple) -> SweepResult:
    """One worker's share of a sweep: load, build once, re-solve its contiguous block of levels."""
    from .inputs import load_dataset
    from .scenario import load_scenario

    scenario_path, overrides, inputs, pollutant, levels = args
    ds = load_dataset(inputs)
    sc = load_scenario(scenario_path, overrides).scenario
    return sweep_scenario(ds, sc, pollutant, levels)


def sweep_parallel(scenario_path, overrides: list[str], inputs, pollutant: str, levels_t: list[float],
                   run) -> SweepResult:
    """The same sweep shared among the workers (``run`` from model.parallel).

    Worker k takes every k-th level (tighter levels are harder to solve, so interleaving balances the load),
    builds its own model once and re-solves its levels, stopping at its first infeasible one. The parts are
    joined in level order and, as in a serial sweep, everything after the first infeasible level is dropped:
    infeasibility is monotone in the level, so every level below it has been solved by some worker.
    """
    levels = sorted(levels_t)
    n_blocks = max(1, min(len(levels), getattr(run, "workers", 0) or 2))
    blocks = [levels[k::n_blocks] for k in range(n_blocks)]
    parts = run(_sweep_task, [(str(scenario_path), list(overrides), inputs, pollutant, b) for b in blocks])
    curve = pd.concat([p.curve for p in parts], ignore_index=True).sort_values("level_t", kind="stable")
    curve = curve.reset_index(drop=True)
    infeasible = np.flatnonzero(curve["status"].to_numpy() == "infeasible")
    max_ach = None
    if len(infeasible):
        curve = curve.iloc[: infeasible[0] + 1].reset_index(drop=True)
        max_ach = next(p.max_achievable_t for p in parts if p.max_achievable_t is not None)
    first = parts[0]
    seconds = {"build_s": max(p.seconds["build_s"] for p in parts),
               "solve_all_s": max(p.seconds["solve_all_s"] for p in parts)}
    return SweepResult(curve, first.target_label, first.pollutant, first.base_level_t, max_ach, seconds)


def max_achievable(bm: BuiltModel, k: int) -> float:
    """The largest reduction the target row can reach under every other constraint (MILP)."""
    m = bm.model.clone()
    m.target[k].deactivate()
    m.obj.deactivate()
    body = m.target[k].body - (m.short[k] if k in m.TS else 0)
    m.max_obj = pyo.Objective(expr=body, sense=pyo.maximize)
    sol = Solver(dataclasses.replace(bm, model=m), 300.0, 1e-4).solve(shadow_prices=False)
    return float(sol.objective) if sol.ok else float("nan")


def levels_from_range(base_t: float, start: float, stop: float, steps: int) -> list[float]:
    """``steps`` levels from ``start`` to ``stop`` (fractions of the scenario's target level)."""
    return [base_t * f for f in np.linspace(start, stop, steps)]


def scenario_target_level(sc: Scenario, pollutant: str) -> float:
    key = pollutant_key(pollutant)
    for t in sc.targets:
        if t.pollutant == key:
            return t.reduction_t
    raise ScenarioError(f"the scenario has no {pollutant} target to sweep; add one under targets:")


def write_sweep(result: SweepResult, out_dir: Path, scenario_name: str, svg: bool = False,
                force: bool = False, unique: bool = False) -> Path:
    """curve.csv, cost_curve.png (and .svg) and sweep.json, written atomically."""
    import json

    from .plots import cost_curve
    from .run import write_atomically, write_csv

    def fill(tmp: Path) -> None:
        write_csv(result.curve, tmp / "curve.csv")
        name = POLLUTANT_NAMES.get(result.pollutant, result.pollutant)
        cost_curve(result.curve, f"{scenario_name}: {name} 减排成本曲线 (cost curve)", result.max_achievable_t,
                   tmp / "cost_curve.png", svg=svg, base_level_t=result.base_level_t)
        meta = {"scenario": scenario_name, "target": result.target_label, "base_level_t": result.base_level_t,
                "max_achievable_t": result.max_achievable_t, "points": len(result.curve),
                "infeasible_points": int((result.curve["status"] == "infeasible").sum()),
                "seconds": {k: round(v, 3) for k, v in result.seconds.items()}}
        (tmp / "sweep.json").write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")

    return write_atomically(out_dir, fill, force, unique)
