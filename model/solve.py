"""Solve a built model with HiGHS (through Pyomo's persistent highspy interface) and read the solution.

Shadow prices of the targets come from the LP obtained by fixing every integer decision at its optimal
value and re-solving: the dual of a target row is then the cost of one more tonne with the same projects
chosen, in discounted CNY per t; dividing by the target year's discount factor gives CNY per t in that year.

:class:`Solver` keeps one HiGHS instance per model, so a sweep that only changes mutable parameters
(target levels) re-solves without handing the whole model to HiGHS again; the shadow-price LP is a relaxed
clone kept alongside, with its own persistent instance.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo
from pyomo.contrib.solver.common.results import TerminationCondition
from pyomo.contrib.solver.solvers.highs import Highs

from .build import BuiltModel


class SolverFailure(Exception):
    """HiGHS stopped without a usable answer for a reason other than infeasibility."""


@dataclass
class Solution:
    status: str  # optimal | time_limit | infeasible
    termination: str
    objective: float | None
    bound: float | None
    gap: float | None
    u: np.ndarray  # (candidates x years) share built in each year
    z: dict[int, np.ndarray]  # siding built per year, by candidate index
    short: dict[int, float]  # shortfall of soft targets, t
    shadow_cny_per_t: dict[int, float] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    solver: str = "highs"
    solver_version: str = ""
    mip_gap_requested: float = 0.0

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "time_limit")


def highs_solver(time_limit: float | None, mip_gap: float | None) -> Highs:
    opt = Highs()
    if not opt.available():
        raise SolverFailure("HiGHS (highspy) is not available; reinstall with `make clean-venv run`")
    opt.config.load_solutions = False
    opt.config.raise_exception_on_nonoptimal_result = False
    if time_limit is not None:
        opt.config.time_limit = time_limit
    if mip_gap is not None:
        opt.config.rel_gap = mip_gap
    opt.config.solver_options["output_flag"] = False
    return opt


def _integer_vars(m: pyo.ConcreteModel) -> list:
    return [v for v in m.component_data_objects(pyo.Var, descend_into=True)
            if v.is_integer() or v.is_binary()]


class Solver:
    """A persistent HiGHS solver for one built model (and its shadow-price LP)."""

    def __init__(self, bm: BuiltModel, time_limit: float = 300.0, mip_gap: float = 1e-3):
        self.bm, self.time_limit, self.mip_gap = bm, time_limit, mip_gap
        self.opt = highs_solver(time_limit, mip_gap)
        self._lp = None  # (relaxed clone, its solver, pairs of (integer var, clone var))

    def solve(self, shadow_prices: bool = True) -> Solution:
        bm, m = self.bm, self.bm.model
        t0 = time.perf_counter()
        res = self.opt.solve(m)
        t_solve = time.perf_counter() - t0
        tc = res.termination_condition
        if tc == TerminationCondition.interrupted:  # Ctrl-C inside HiGHS: stop, as Python would
            raise KeyboardInterrupt
        version = ".".join(map(str, self.opt.version()))
        n, years = len(bm.candidates), bm.years
        if tc in (TerminationCondition.provenInfeasible, TerminationCondition.infeasibleOrUnbounded):
            return Solution("infeasible", tc.name, None, None, None, np.zeros((n, len(years))), {}, {},
                            seconds={"solve": t_solve}, solver_version=version, mip_gap_requested=self.mip_gap)
        if res.incumbent_objective is None:
            raise SolverFailure(f"HiGHS {version} stopped with '{tc.name}' and no feasible portfolio "
                                f"(time limit {self.time_limit:g} s); raise --time-limit or loosen targets")
        res.solution_loader.load_vars()
        status = "optimal" if tc == TerminationCondition.convergenceCriteriaSatisfied else (
            "time_limit" if tc == TerminationCondition.maxTimeLimit else tc.name)
        obj, bound = res.incumbent_objective, res.objective_bound
        gap = abs(obj - bound) / max(abs(obj), 1e-9) if bound is not None and np.isfinite(bound) else None
        u = np.array([[pyo.value(m.u[i, y]) for y in years] for i in range(n)]).reshape(n, len(years))
        u[np.abs(u) < 1e-9] = 0.0
        z = {int(i): np.array([round(pyo.value(m.z[i, y])) for y in years]) for i in m.S}
        short = {int(k): float(pyo.value(m.short[k])) for k in m.TS}
        sol = Solution(status, tc.name, obj, bound, gap, u, z, short, seconds={"solve": t_solve},
                       solver_version=version, mip_gap_requested=self.mip_gap)
        if shadow_prices and len(bm.targets):
            t1 = time.perf_counter()
            sol.shadow_cny_per_t = self.shadow_prices()
            sol.seconds["shadow_prices"] = time.perf_counter() - t1
        return sol

    def shadow_prices(self) -> dict[int, float]:
        """Duals of the target rows with the integer choices fixed (CNY per t in the target year).

        Done on the HiGHS instance itself: integer columns are made continuous and fixed at their solution
        values, the LP is solved, and columns are restored; no Pyomo clone, no second hand-off.
        """
        import highspy

        m, h = self.bm.model, self.opt._solver_model
        vmap, cmap = self.opt._pyomo_var_to_solver_var_map, self.opt._pyomo_con_to_solver_con_map
        if self._lp is None:
            ints = _integer_vars(m)
            self._lp = (ints, np.array([vmap[id(v)] for v in ints], dtype=np.int32))
        ints, idx = self._lp
        if not len(idx):
            return self._duals(h, cmap)
        lp = h.getLp()
        lower = np.asarray(lp.col_lower_)[idx].copy()
        upper = np.asarray(lp.col_upper_)[idx].copy()
        values = np.round(np.array([pyo.value(v) for v in ints], dtype=float))
        n = len(idx)
        h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kContinuous))
        h.changeColsBounds(n, idx, values, values)
        try:
            h.run()
            ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal and h.getSolution().dual_valid
            return self._duals(h, cmap) if ok else {}
        finally:
            h.changeColsBounds(n, idx, lower, upper)
            h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kInteger))

    def _duals(self, h, cmap) -> dict[int, float]:
        m = self.bm.model
        row_dual = h.getSolution().row_dual
        sign = 1.0 if m.obj.sense == pyo.minimize else -1.0
        active = [o for o in m.component_data_objects(pyo.Objective, active=True)]
        if active and active[0].sense != pyo.minimize:
            sign = -1.0
        return {int(k): sign * float(row_dual[cmap[m.target[k]]]) / self.bm.discount.get(t.year, 1.0)
                for k, t in zip(m.TK, self.bm.targets)}


def solve(bm: BuiltModel, time_limit: float = 300.0, mip_gap: float = 1e-3, shadow_prices: bool = True) -> Solution:
    """Solve ``bm`` once; returns a :class:`Solution` (status 'infeasible' carries no values)."""
    return Solver(bm, time_limit, mip_gap).solve(shadow_prices)
