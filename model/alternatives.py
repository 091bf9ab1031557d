"""Near-optimal alternatives (modelling to generate alternatives, as PyPSA and Calliope offer).

After the least-cost optimum C* is found, the cost is capped at C* + slack x |C*| and the model is re-solved
``count`` times with a new objective: minimise the overlap with every portfolio found so far (each
candidate weighted by how much of it the earlier portfolios built; the Hop-Skip-Jump method of Brill et al.).
Every alternative meets all targets and rules; it costs at most ``slack`` more and differs from the others
as much as the cap allows. Each is written like a run and all are compared in one table.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import pyomo.environ as pyo

from .results import make_results
from .run import RunOutcome, run_scenario
from .scenario import ScenarioError
from .solve import Solver


def generate_alternatives(path: Path, slack: float, count: int, inputs: Path | None = None,
                          overrides: list[str] | None = None,
                          progress: Callable[[str], None] = lambda _m: None) -> list[RunOutcome]:
    """The optimum followed by ``count`` maximally different portfolios within ``slack`` of its cost."""
    progress("optimum")
    best = run_scenario(path, overrides, inputs)
    if best.loaded.scenario.objective != "min_cost":
        raise ScenarioError("alternatives need objective: min_cost (the cost of the optimum is what is relaxed)")
    if not best.solution.ok:
        return [best]
    bm = best.built
    m = bm.model
    c_star = pyo.value(m.cost)
    m.mga_cap = pyo.Constraint(expr=m.cost <= c_star + slack * abs(c_star))
    m.obj.deactivate()
    m.mga_weight = pyo.Param(m.I, mutable=True, initialize=0.0)
    m.mga_obj = pyo.Objective(expr=pyo.quicksum(m.mga_weight[i] * m.u[i, y] for i in m.I for y in m.Y),
                              sense=pyo.minimize)
    outcomes = [best]
    used = best.solution.u.sum(axis=1)
    for k in range(1, count + 1):
        for i in m.I:  # penalise what earlier portfolios built
            m.mga_weight[i] = float(used[i])
        progress(f"alternative {k} of {count}")
        # the weights are compiled into the objective, so each alternative gets a fresh HiGHS instance
        solver = Solver(bm, best.loaded.scenario.solver.time_limit_s, best.loaded.scenario.solver.mip_gap)
        sol = solver.solve(shadow_prices=False)
        if not sol.ok:
            break
        sol = replace(sol, objective=pyo.value(m.cost), bound=None, gap=None)
        used = used + sol.u.sum(axis=1)
        loaded = replace(best.loaded, scenario=best.loaded.scenario.model_copy(
            update={"name": f"{best.loaded.scenario.name}-alt{k}"}))
        outcomes.append(RunOutcome(loaded, best.dataset, bm, sol, make_results(best.dataset, bm, sol),
                                   {"solve_s": sol.seconds.get("solve", 0.0)}))
    m.mga_obj.deactivate()
    m.obj.activate()
    m.mga_cap.deactivate()
    return outcomes
