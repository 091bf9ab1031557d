"""Solve a built Pyomo model with HiGHS (highspy) and read the solution.

The model is compiled to sparse arrays by Pyomo's standard-form compiler and passed to HiGHS in one call
(:class:`Solver`); re-solves after target levels change only update those rows. Shadow prices of the targets
come from the LP obtained by fixing every integer decision at its optimal value and re-solving on the same
HiGHS instance: the dual of a target row is then the cost of one more tonne with the same projects chosen,
in discounted CNY per t; dividing by the target year's discount factor gives CNY per t in that year.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
import pyomo.environ as pyo

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


class Solver:
    """One HiGHS instance for one built model, loaded from Pyomo's standard-form compiler.

    The Pyomo model is compiled once into sparse arrays (``LinearStandardFormCompiler``, vectorised) and
    handed to HiGHS in one ``passModel`` call, instead of constraint by constraint. Re-solves after target
    levels change (``m.target_t``) only update those rows' bounds; the MIP is then solved again on the same
    instance. Shadow prices fix the integer columns on this instance and solve the LP.
    """

    def __init__(self, bm: BuiltModel, time_limit: float = 300.0, mip_gap: float = 1e-3):
        import highspy
        from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

        self.bm, self.time_limit, self.mip_gap = bm, time_limit, mip_gap
        m = bm.model
        t0 = time.perf_counter()
        repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
        self.compile_s = time.perf_counter() - t0
        self.columns = repn.columns
        n_cols, n_rows = len(repn.columns), len(repn.rows)
        A = repn.A.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_cols, n_rows
        col_lo = np.array([-highspy.kHighsInf if v.lb is None else v.lb for v in repn.columns], dtype=float)
        col_up = np.array([highspy.kHighsInf if v.ub is None else v.ub for v in repn.columns], dtype=float)
        lp.col_lower_, lp.col_upper_ = col_lo, col_up
        cost = np.asarray(repn.c.toarray()).ravel() if repn.c.shape[0] else np.zeros(n_cols)
        lp.col_cost_ = cost
        self.offset = float(repn.c_offset[0]) if len(repn.c_offset) else 0.0
        lp.offset_ = self.offset
        kind = np.array([t for _, t in repn.rows], dtype=int)
        rhs = np.asarray(repn.rhs, dtype=float)
        lp.row_lower_ = np.where(kind <= 0, rhs, -highspy.kHighsInf)
        lp.row_upper_ = np.where(kind >= 0, rhs, highspy.kHighsInf)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = A.indptr.astype(np.int32)
        lp.a_matrix_.index_ = A.indices.astype(np.int32)
        lp.a_matrix_.value_ = A.data.astype(float)
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = n_cols, n_rows
        obj = repn.objectives[0] if repn.objectives else None
        lp.sense_ = highspy.ObjSense.kMaximize if obj is not None and obj.sense == pyo.maximize \
            else highspy.ObjSense.kMinimize
        self.sense = 1.0 if lp.sense_ == highspy.ObjSense.kMinimize else -1.0
        is_int = np.array([v.is_integer() or v.is_binary() for v in repn.columns], dtype=bool)
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous for b in is_int]
        self.int_idx = np.flatnonzero(is_int).astype(np.int32)
        from pyomo.common.tee import capture_output

        with capture_output(capture_fd=True):  # HiGHS prints a banner when created
            h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.passModel(lp)
        h.setOptionValue("time_limit", float(time_limit) if time_limit else highspy.kHighsInf)
        h.setOptionValue("mip_rel_gap", float(mip_gap) if mip_gap is not None else 1e-4)
        if hasattr(h, "HandleKeyboardInterrupt"):
            h.HandleKeyboardInterrupt = True
        self.h = h
        # rows of the target constraints (each a single ">=" row), to change their levels and read duals
        self.target_rows = {}
        wanted = {id(m.target[k]): int(k) for k in m.TK}
        for j, (con, _kind) in enumerate(repn.rows):
            if id(con) in wanted:
                self.target_rows[wanted[id(con)]] = j
        self.handoff_s = time.perf_counter() - t0

    def _sync_targets(self) -> None:
        import highspy

        m = self.bm.model
        for k, j in self.target_rows.items():
            self.h.changeRowBounds(j, float(pyo.value(m.target_t[k])), highspy.kHighsInf)

    def solve(self, shadow_prices: bool = True) -> Solution:
        import highspy

        bm, m, h = self.bm, self.bm.model, self.h
        self._sync_targets()
        t0 = time.perf_counter()
        h.run()
        t_solve = time.perf_counter() - t0
        status = h.getModelStatus()
        version = f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
        n, years = len(bm.candidates), bm.years
        S = highspy.HighsModelStatus
        if status in (S.kInterrupt, S.kHighsInterrupt):
            raise KeyboardInterrupt
        if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
            return Solution("infeasible", status.name, None, None, None, np.zeros((n, len(years))), {}, {},
                            seconds={"solve": t_solve}, solver_version=version, mip_gap_requested=self.mip_gap)
        info = h.getInfo()
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if not has_solution:
            raise SolverFailure(f"HiGHS {version} stopped with '{status.name}' and no feasible portfolio "
                                f"(time limit {self.time_limit:g} s); raise --time-limit or loosen targets")
        values = np.asarray(h.getSolution().col_value)
        for v, x in zip(self.columns, values):
            v.set_value(float(x), skip_validation=True)
        label = "optimal" if status == S.kOptimal else ("time_limit" if status == S.kTimeLimit else status.name)
        obj = float(info.objective_function_value)
        is_mip = len(self.int_idx) > 0
        bound = float(info.mip_dual_bound) if is_mip else obj
        gap = abs(obj - bound) / max(abs(obj), 1e-9) if np.isfinite(bound) else None
        u = np.array([[pyo.value(m.u[i, y]) for y in years] for i in range(n)]).reshape(n, len(years))
        u[np.abs(u) < 1e-9] = 0.0
        z = {int(i): np.array([round(pyo.value(m.z[i, y])) for y in years]) for i in m.S}
        short = {int(k): float(pyo.value(m.short[k])) for k in m.TS}
        sol = Solution(label, status.name, obj, bound, gap, u, z, short, seconds={"solve": t_solve},
                       solver_version=version, mip_gap_requested=self.mip_gap)
        if shadow_prices and len(bm.targets):
            t1 = time.perf_counter()
            sol.shadow_cny_per_t = self.shadow_prices()
            sol.seconds["shadow_prices"] = time.perf_counter() - t1
        return sol

    def shadow_prices(self) -> dict[int, float]:
        """Duals of the target rows with the integer choices fixed (CNY per t in the target year)."""
        import highspy

        h, idx = self.h, self.int_idx
        if len(idx):
            lp = h.getLp()
            lower = np.asarray(lp.col_lower_)[idx].copy()
            upper = np.asarray(lp.col_upper_)[idx].copy()
            values = np.round(np.asarray(h.getSolution().col_value)[idx])
            n = len(idx)
            h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kContinuous))
            h.changeColsBounds(n, idx, values, values)
        try:
            h.run()
            ok = h.getModelStatus() == highspy.HighsModelStatus.kOptimal and h.getSolution().dual_valid
            if not ok:
                return {}
            row_dual = np.asarray(h.getSolution().row_dual)
            # HiGHS row duals are d(objective)/d(row bound); report CNY per tonne as a positive cost
            return {k: self.sense * float(row_dual[j]) / self.bm.discount.get(self.bm.targets[k].year, 1.0)
                    for k, j in self.target_rows.items()}
        finally:
            if len(idx):
                h.changeColsBounds(n, idx, lower, upper)
                h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kInteger))


def solve(bm: BuiltModel, time_limit: float = 300.0, mip_gap: float = 1e-3, shadow_prices: bool = True) -> Solution:
    """Solve ``bm`` once; returns a :class:`Solution` (status 'infeasible' carries no values)."""
    return Solver(bm, time_limit, mip_gap).solve(shadow_prices)
