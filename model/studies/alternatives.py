"""Near-optimal alternatives (modelling to generate alternatives, as PyPSA and Calliope offer).

After the least-cost optimum C* is found, the cost is capped at C* + slack x |C*| and the model is re-solved
``count`` times with a new objective: minimise the overlap with every portfolio found so far (each
candidate weighted by how much of it the earlier portfolios built; the Hop-Skip-Jump method of Brill et al.).
Every alternative meets all targets and rules; it costs at most ``slack`` more and differs from the others
as much as the cap allows within its time (:func:`alternative_time_limit`: about three times the optimum's
solve); one stopped by that limit is the most different portfolio found, and its status says so. All solves happen on one persistent HiGHS instance (the cap is one added row,
each new objective a change of column costs). Each alternative is written like a run and all are compared.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Callable

from .. import limits
from ..pipeline import Pipeline
from ..results import make_results
from ..run import RunOutcome, write_results
from ..rundir import write_atomically
from ..scenario import ScenarioError
from .compare import Comparison, compare_runs, write_comparison


def generate_alternatives(path: Path, slack: float, count: int, inputs: Path | None = None,
                          overrides: list[str] | None = None,
                          progress: Callable[[str], None] = lambda _m: None) -> list[RunOutcome]:
    """The optimum followed by ``count`` maximally different portfolios within ``slack`` of its cost."""
    if not (math.isfinite(slack) and 0 <= slack <= limits.MAX_SLACK) or not 1 <= count <= limits.MAX_ALTERNATIVES:
        raise ScenarioError(f"alternatives: slack must be a fraction from 0 to {limits.MAX_SLACK:g} and count 1 to "
                            f"{limits.MAX_ALTERNATIVES}, got {slack!r} and {count!r}")
    progress("optimum")
    pipe = Pipeline.load(path, overrides or [], inputs)
    loaded, md = pipe.loaded, pipe.md
    if md.objective != "min_cost":
        raise ScenarioError("alternatives need objective: min_cost (the cost of the optimum is what is relaxed)")
    bm, solver = pipe.model, pipe.solver
    sol = solver.solve(shadow_prices=True)
    best = RunOutcome(loaded, md, bm, sol, make_results(bm, sol) if sol.ok else None,
                      {"solve_s": sol.seconds.get("solve", 0.0)})
    if not sol.ok:
        return [best]
    c_star = sol.cost_cny
    solver.cap_cost(c_star + slack * abs(c_star))
    # each alternative may take about three times the optimum's solve (at least ALT_MIN_TIME_S, at most the
    # scenario's limit): the overlap objective is harder to prove than the cost, and a near-optimal, different
    # portfolio is what is asked; one stopped by this limit says so (status best_found, its gap)
    solver.set_time_limit(alternative_time_limit(sol.seconds.get("solve", 0.0), md.solver.time_limit_s))
    outcomes = [best]
    used = sol.u.sum(axis=1)
    for k in range(1, count + 1):
        progress(f"alternative {k} of {count}")
        solver.set_build_weights(used)  # penalise what earlier portfolios built
        alt = solver.solve(shadow_prices=False)
        if not alt.ok:
            break
        # report the alternative's cost as its objective (the overlap objective means nothing to a planner)
        alt = replace(alt, objective=alt.cost_cny, objective_unit="cny", bound=None, gap=None)
        used = used + alt.u.sum(axis=1)
        alt_loaded = replace(loaded, scenario=loaded.scenario.model_copy(update={"name": f"{md.name}-alt{k}"}))
        outcomes.append(RunOutcome(alt_loaded, md, bm, alt, make_results(bm, alt),
                                   {"solve_s": alt.seconds.get("solve", 0.0)}))
    return outcomes


#: the shortest time limit an alternative gets (a quick optimum would otherwise leave it no time at all)
ALT_MIN_TIME_S = 10.0


def alternative_time_limit(optimum_s: float, scenario_limit_s: float | None) -> float:
    """Seconds an alternative may take: 3 x the optimum's solve, at least ALT_MIN_TIME_S, at most the scenario's."""
    limit = max(3.0 * optimum_s, ALT_MIN_TIME_S)
    return limit if scenario_limit_s is None else min(limit, scenario_limit_s)


def write_alternatives(outcomes: list[RunOutcome], out_dir: Path, force: bool = False,
                       unique: bool = False) -> tuple[Path, Comparison]:
    """Each outcome as a run (``optimum``, ``alt-1`` ...) and their comparison, in one atomic directory."""
    holder: dict = {}

    def fill(tmp: Path) -> None:
        dirs = [write_results(o, tmp / ("optimum" if k == 0 else f"alt-{k}"), plots=False)
                for k, o in enumerate(outcomes)]
        holder["cmp"] = compare_runs(dirs)
        write_comparison(holder["cmp"], tmp / "comparison")

    target = write_atomically(out_dir, fill, force, unique)
    return target, holder["cmp"]
