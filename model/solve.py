"""Solve a built model with HiGHS (highspy) and read the solution.

The Pyomo model is compiled to sparse arrays by Pyomo's standard-form compiler and passed to HiGHS in one
call (:class:`Solver`); the instance persists, so studies re-solve it after changing what they may change:
target levels (rows' bounds), the objective's coefficients, or an added cost cap (``alternatives``). A starting
portfolio can be offered for the next solve (:meth:`Solver.set_start`, :meth:`Solver.start_from`): sweeps start
each level from the portfolio of the level above. HiGHS options ersim sets by default are in ``HIGHS_DEFAULTS``.

Shadow prices of the targets come from the LP obtained by fixing every integer decision at its optimal value
and re-solving on the same HiGHS instance: the dual of a target row is then the cost of one more tonne with
the same projects chosen. In a ``min_cost`` model it is reported in CNY per tonne and year (the discounted
dual divided by the discounted years the row stands for, ``TargetRow.weight``); in a ``max_reduction`` model
the objective counts weighted tonnes and the dual is weighted tonnes per tonne, reported as such.
"""

from __future__ import annotations

import importlib
import time
from dataclasses import dataclass, field

import numpy as np
import pyomo.core as pyo  # not pyomo.environ: see model/build.py

from .build import BuiltModel
from .errors import ModelSetupError
from .highs_options import HIGHS_INFINITE_COST, HIGHS_LARGE_MATRIX_VALUE, HighsOptionError, check_options


#: HiGHS options ersim sets unless ``solver.highs_options`` sets them (benchmarks/scale.py times HiGHS alone with
#: the same). Measured on benchmarks/scale.py's instances and the base sweep (issue 14):
HIGHS_DEFAULTS: dict = {
    # Presolve's probing (bit 15 of HiGHS's PresolveRuleType, lp_data/HConst.h) and solution enumeration (bit 16)
    # build clique tables over the long requirement rows: on the national phased instance they take 100 s of a
    # 212 s solve (and 9 s of Shanxi's 9.3 s); the root LP then gives the same bound without them (58 s; Shanxi
    # 0.4 s, within the gap).
    "presolve_rule_off": 2 ** 15 + 2 ** 16,
    # One thread: the MIP search here gains nothing from a second one (national phased 37.8 s with one, 38.6 s
    # with two; Shanxi base 0.29 s either way) while each thread keeps its own copy of the LP relaxation (national
    # peak 1.49 GB -> 1.04 GB for HiGHS alone), and parallel studies run one solve per core.
    "threads": 1,
    # The root reduced-cost heuristic nests sub-MIPs (depth 20) for seconds where the root LP is already within
    # a fraction of a percent: 17 NOx levels of base, 33.8 s -> 21.5 s of MILP time, the same optima in the gap.
    "mip_heuristic_run_root_reduced_cost": False,
}


class SolverFailure(Exception):
    """HiGHS stopped without a usable answer for a reason other than infeasibility."""


def _ok(status, what: str) -> None:
    """Raise :class:`SolverFailure` when a HiGHS call returned kError (kWarning is a note, e.g. a time limit)."""
    import highspy

    if status == highspy.HighsStatus.kError:
        raise SolverFailure(f"HiGHS refused {what}")


#: the thread count HiGHS's scheduler (one per process, started by the first solve) was last started with
_scheduler_threads: int | None = None


def _use_threads(threads: int) -> None:
    """Restart HiGHS's scheduler when a solve asks for another thread count than the running one: HiGHS refuses
    to run otherwise (kError). ersim runs one solve at a time per process (studies in parallel use processes),
    so no solve is under way when it restarts."""
    import highspy

    global _scheduler_threads
    if _scheduler_threads is not None and threads != _scheduler_threads:
        highspy.Highs.resetGlobalScheduler(True)
    _scheduler_threads = threads


def _check_limits(time_limit: float | None, mip_gap: float | None) -> None:
    """The bounds of ``solver.time_limit_s`` and ``solver.mip_gap`` (None: no time limit, HiGHS's gap)."""
    from .scenario import SolverOptions

    for key, value in (("time_limit_s", time_limit), ("mip_gap", mip_gap)):
        why = None if value is None else SolverOptions.limit_error(key, value)
        if why:
            raise HighsOptionError(f"solver.{key} {value!r}: {why}")


def first_bad(values, limit: float) -> int | None:
    """Index of the first value that is nan or at least ``limit`` (inf included), or None."""
    values = np.asarray(values, dtype=float)
    bad = np.isnan(values) | (values >= limit)
    return int(np.argmax(bad)) if bad.any() else None


@dataclass
class Solution:
    status: str  # optimal | best_found (a limit stopped HiGHS with a feasible portfolio) | infeasible
    termination: str  # HiGHS's model status, e.g. kOptimal, kTimeLimit, kSolutionLimit
    objective: float | None  # in ``objective_unit``
    bound: float | None
    gap: float | None
    u: np.ndarray  # (candidates x years) share built in each year
    z: dict[int, np.ndarray]  # siding built per year, by candidate index
    short: dict[int, float]  # shortfall of soft targets, t
    shadow: dict[int, float] = field(default_factory=dict)  # per target row, in ``shadow_unit``
    seconds: dict[str, float] = field(default_factory=dict)
    solver: str = "highs"
    solver_version: str = ""
    mip_gap_requested: float = 0.0
    objective_unit: str = "cny"  # cny (discounted to the base year) | weighted_t | deaths (a year)
    cost_cny: float | None = None  # the discounted cost (m.cost), whatever the objective
    air_short: dict[int, float] = field(default_factory=dict)  # μg/m³ above the level of soft PM2.5 rows

    @property
    def ok(self) -> bool:
        return self.status in ("optimal", "best_found")

    @property
    def in_place(self) -> np.ndarray:
        """(candidates x years) share of each candidate in place by each build year."""
        return np.cumsum(self.u, axis=1)

    @property
    def sidings_in_place(self) -> dict[int, np.ndarray]:
        """Sidings in place by each build year, by candidate index."""
        return {i: np.cumsum(z) for i, z in self.z.items()}

    @property
    def shadow_unit(self) -> str:
        from .results import OBJECTIVE_UNITS

        return OBJECTIVE_UNITS[self.objective_unit][1]


def _without_scipy_stats() -> None:
    """Pyomo's standard-form compiler needs scipy.sparse, but Pyomo's deferred scipy import also loads
    scipy.stats (1.2 s of a 6 s `ersim run`). Replace that finishing step by importing scipy.sparse alone; if
    Pyomo's internals differ (another version), leave them be: it is only slower."""
    try:
        from pyomo.common import dependencies as dep

        if getattr(dep.scipy_available, "_callback", None) is dep._finalize_scipy:
            dep.scipy_available._callback = lambda _module, _available: importlib.import_module("scipy.sparse")
    except (ImportError, AttributeError):
        pass


def _as_column_vector(expr, columns) -> tuple[np.ndarray, float]:
    """A linear expression as (coefficients over the compiled ``columns``, constant); fixed variables fold into
    the constant. A variable outside every row and the objective is not among the columns: an error here."""
    from pyomo.repn import generate_standard_repn

    repn = generate_standard_repn(expr, compute_values=True, quadratic=False)
    vec = np.zeros(len(columns))
    cols = _column_map(columns, repn.linear_vars)
    coefs = np.asarray(repn.linear_coefs, dtype=float)
    if (cols < 0).any():
        raise ModelSetupError(f"{int((cols < 0).sum())} variables of the cost are in no row of the model")
    np.add.at(vec, cols, coefs)
    return vec, float(repn.constant)


def _column_map(columns, variables) -> np.ndarray:
    """Positions of ``variables`` among the compiled ``columns`` (-1 where a variable is in no row)."""
    pos = {id(v): j for j, v in enumerate(columns)}
    return np.array([pos.get(id(v), -1) for v in variables], dtype=np.int64)


class Solver:
    """One HiGHS instance for one built model, loaded from Pyomo's standard-form compiler.

    ``highs_options`` may only be the options of :data:`model.highs_options.ALLOWED` (e.g.
    ``{"mip_max_nodes": 100}``): anything else raises :class:`~model.highs_options.HighsOptionError`, as a
    scenario file's does. A model with a nan, infinite or huge number raises :class:`ModelSetupError` naming the
    candidate or row it belongs to; a HiGHS call that fails raises :class:`SolverFailure`.
    """

    @classmethod
    def from_scenario(cls, bm: BuiltModel, mip_gap: float | None = None) -> "Solver":
        """A solver with the scenario's settings (``ModelData.solver``: time limit, MIP gap, HiGHS options); a study
        may ask for another gap."""
        s = bm.md.solver
        return cls(bm, s.time_limit_s, s.mip_gap if mip_gap is None else mip_gap, s.highs_options)

    def __init__(self, bm: BuiltModel, time_limit: float | None = 300.0, mip_gap: float | None = 1e-3,
                 highs_options: dict | None = None):
        import highspy
        from pyomo.repn.plugins.standard_form import LinearStandardFormCompiler

        _without_scipy_stats()
        options = check_options(highs_options)  # before the minutes a large model takes to compile
        _check_limits(time_limit, mip_gap)
        self.bm, self.time_limit, self.mip_gap = bm, time_limit, mip_gap
        self.options, self.threads = options, int(options.get("threads", HIGHS_DEFAULTS["threads"]))
        m = bm.model
        t0 = time.perf_counter()
        repn = LinearStandardFormCompiler().write(m, mixed_form=True, set_sense=None)
        self.compile_s = time.perf_counter() - t0
        n_cols, n_rows = len(repn.columns), len(repn.rows)
        A = repn.A.tocsc()
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = n_cols, n_rows
        lp.col_lower_ = np.array([-highspy.kHighsInf if v.lb is None else v.lb for v in repn.columns], dtype=float)
        lp.col_upper_ = np.array([highspy.kHighsInf if v.ub is None else v.ub for v in repn.columns], dtype=float)
        self.cost = np.asarray(repn.c.toarray()).ravel() if repn.c.shape[0] else np.zeros(n_cols)
        lp.col_cost_ = self.cost
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
        self.n_cols, self.n_rows = n_cols, n_rows
        self._columns, self._rows = repn.columns, [con for con, _ in repn.rows]
        is_int = np.array([v.is_integer() or v.is_binary() for v in repn.columns], dtype=bool)
        lp.integrality_ = [highspy.HighsVarType.kInteger if b else highspy.HighsVarType.kContinuous for b in is_int]
        self.int_idx = np.flatnonzero(is_int).astype(np.int32)
        # where each decision sits among the columns, to read the solution without touching Pyomo values: what
        # is in place by each build year (candidates x years; an early candidate's one column in every year)
        x = bm.in_place()
        self.u_cols = _column_map(repn.columns, x.V.ravel()).reshape(x.V.shape)
        self.z_cols = dict(zip(x.sidings, _column_map(repn.columns, x.W.ravel()).reshape(x.W.shape)))
        soft = [int(k) for k in m.TS]
        self.short_cols = dict(zip(soft, _column_map(repn.columns, [m.short[k] for k in soft])))
        air_soft = [int(k) for k in m.AS] if hasattr(m, "AS") else []
        self.air_short_cols = dict(zip(air_soft, _column_map(repn.columns, [m.air_short[k] for k in air_soft])))
        # the discounted cost as a column vector: the compiled objective, when it is the model's min_cost one;
        # under a max_* objective (whose tie-breaker holds the cost, so every column of it is compiled) it is
        # compiled on its own (40 ms on base), so that every run says what its portfolio costs. An elastic model
        # (the diagnosis) has none
        self.objective_is_cost = bm.md.objective == "min_cost" and obj is not None and obj is m.obj
        self.cost_cny, self.cost_offset = None, 0.0
        if self.objective_is_cost:
            self.cost_cny, self.cost_offset = self.cost.copy(), self.offset
        elif obj is not None and obj is m.obj:
            self.cost_cny, self.cost_offset = _as_column_vector(m.cost.expr, repn.columns)
        # rows of the target constraints (each a single ">=" row), to change their levels and read duals
        self.target_rows = {}
        wanted = {id(m.target[k]): int(k) for k in m.TK}
        for j, (con, _kind) in enumerate(repn.rows):
            if id(con) in wanted:
                self.target_rows[wanted[id(con)]] = j
        # HiGHS takes nan costs and coefficients as they are, treats huge ones as infinite and, for an infinite
        # coefficient or bound, refuses the whole model: find the number first and say whose it is
        self._check_numbers(lp, A)
        from pyomo.common.tee import capture_output

        with capture_output(capture_fd=True):  # HiGHS prints a banner when created
            h = highspy.Highs()
        self.h, self.version = h, f"{h.versionMajor()}.{h.versionMinor()}.{h.versionPatch()}"
        self._set("output_flag", False)
        _ok(h.passModel(lp), f"the model ({n_cols} columns, {n_rows} rows)")
        # Costs are CNY to 2050 (up to ~1e10 a column): HiGHS warns the model is badly scaled and its cuts and
        # heuristics slow down (base: 11.9 s against 1.5 s scaled, the same optimum within the gap). It scales
        # the objective internally by 2^k and reports everything in the original units, duals included.
        top = float(np.abs(self.cost).max()) if len(self.cost) else 0.0
        if top > 2.0 ** 20 and "user_objective_scale" not in options:
            self._set("user_objective_scale", -int(np.ceil(np.log2(top)) - 20))
        for key, value in HIGHS_DEFAULTS.items():  # ersim's defaults (why: at HIGHS_DEFAULTS); the user's win
            if key not in options:
                self._set(key, value)
        self._set("time_limit", float(time_limit) if time_limit is not None else highspy.kHighsInf)
        self._set("mip_rel_gap", float(mip_gap) if mip_gap is not None else 1e-4)
        for key, value in options.items():
            self._set(key, value, user=True)
        if hasattr(h, "HandleKeyboardInterrupt"):
            h.HandleKeyboardInterrupt = True
        self._start: tuple[np.ndarray, np.ndarray] | None = None  # see set_start
        self.handoff_s = time.perf_counter() - t0

    def _set(self, key: str, value, user: bool = False) -> None:
        """Set one HiGHS option; a refusal names it (an option this HiGHS version lacks, most likely)."""
        whose = f"solver.highs_options.{key}" if user else f"ersim's option {key}"
        _ok(self.h.setOptionValue(key, value), f"{whose} = {value!r}: HiGHS {self.version} may be older than ersim "
                                               "needs (pip install -U highspy) or have renamed the option")

    # ---- naming what a column or row of the compiled model stands for (for error messages)
    def candidate_name(self, i: int) -> str:
        """'measure cement_ule at T1 测试水泥T1' for candidate ``i``."""
        c = self.bm.candidates.iloc[i]
        where = " ".join(str(x) for x in (c.get("enterprise_id", ""), c.get("enterprise_name", "")) if str(x))
        return f"measure {c['measure_id']} at {where or c.get('region_code', '?')} (candidate {i}, {c['kind']})"

    def column_name(self, j: int) -> str:
        """What column ``j`` decides: a candidate's share, a siding, a shortfall, or the Pyomo variable's name."""
        hit = np.argwhere(self.u_cols == j)
        if len(hit):
            return f"the share built of {self.candidate_name(int(hit[0][0]))}"
        for i, cols in self.z_cols.items():
            if j in cols:
                return f"the rail siding of {self.candidate_name(int(i))}"
        for k, col in self.short_cols.items():
            if col == j:
                return f"the shortfall of target {self.bm.targets[k].label}"
        return f"variable {self._columns[j].name}"

    def row_name(self, r: int) -> str:
        """The constraint of row ``r`` (a target's label where it is one)."""
        for k, j in self.target_rows.items():
            if j == r:
                return f"target {self.bm.targets[k].label}"
        return f"constraint {self._rows[r].name}"

    def _check_numbers(self, lp, A) -> None:
        """:class:`ModelSetupError` naming the first cost, coefficient or bound HiGHS would refuse or misread:
        nan anywhere, a cost from HiGHS's ``infinite_cost`` (1e20) or a coefficient from its
        ``large_matrix_value`` (1e15) up, a lower bound of +inf or an upper bound of -inf."""
        fix = ("; check the dataset's numbers for it (capex, O&M, energy use, removal rates, quantities) and the "
               "scenario's prices and targets for inf, nan or values past 1e15")
        j = first_bad(np.abs(lp.col_cost_), HIGHS_INFINITE_COST)
        if j is not None:
            raise ModelSetupError(f"the model cannot be solved: {self.column_name(j)} costs {lp.col_cost_[j]:g} in "
                                  f"the objective{fix}")
        k = first_bad(np.abs(A.data), HIGHS_LARGE_MATRIX_VALUE)
        if k is not None:
            j = int(np.searchsorted(A.indptr, k, side="right") - 1)
            raise ModelSetupError(f"the model cannot be solved: {self.column_name(j)} has the coefficient "
                                  f"{A.data[k]:g} in {self.row_name(int(A.indices[k]))}{fix}")
        for what, lower, upper, name in (("bound", lp.col_lower_, lp.col_upper_, self.column_name),
                                         ("level", lp.row_lower_, lp.row_upper_, self.row_name)):
            # a lower bound from +1e20 up, or an upper one from -1e20 down, is an infinite one the wrong way
            for side, at in (("lower", first_bad(lower, HIGHS_INFINITE_COST)),
                             ("upper", first_bad(-np.asarray(upper), HIGHS_INFINITE_COST))):
                values = lower if side == "lower" else upper
                if at is not None:
                    raise ModelSetupError(f"the model cannot be solved: {name(at)} has the {side} {what} "
                                          f"{values[at]:g}{fix}")
        if not np.isfinite(self.offset):
            raise ModelSetupError(f"the model cannot be solved: its objective has the constant {self.offset:g}{fix}")

    # ---- what studies change on the instance
    def _sync_targets(self) -> None:
        import highspy

        levels = self.bm.target_levels()
        for k, j in self.target_rows.items():
            if not abs(levels[k]) < HIGHS_INFINITE_COST:
                raise ModelSetupError(f"target {self.bm.targets[k].label}: the level {levels[k]:g} t is not a finite "
                                      "number of tonnes; give a level in tonnes, e.g. 90000")
            _ok(self.h.changeRowBounds(j, levels[k], highspy.kHighsInf), f"the level {levels[k]:g} t of "
                                                                           f"{self.row_name(j)}")

    def cap_cost(self, max_cost_cny: float) -> None:
        """Add the row ``discounted cost <= max_cost_cny`` (a min_cost model's objective as a constraint)."""
        if not self.objective_is_cost:
            raise ValueError("a cost cap needs a min_cost model")
        if not np.isfinite(max_cost_cny):
            raise ValueError(f"a cost cap must be a finite number of CNY, got {max_cost_cny!r}")
        idx = np.flatnonzero(self.cost_cny).astype(np.int32)
        _ok(self.h.addRow(-np.inf, max_cost_cny - self.offset, len(idx), idx, self.cost_cny[idx]),
            f"the cost cap {max_cost_cny:g} CNY")

    def set_build_weights(self, weights: np.ndarray) -> None:
        """Replace the objective by ``sum_i weights[i] * (share of i in place by the end year)`` (minimised;
        offset 0)."""
        import highspy

        cost = np.zeros(len(self.cost))
        cols = self.u_cols[:, -1] if self.u_cols.size else np.zeros(0, dtype=np.int64)
        cost[cols[cols >= 0]] = np.asarray(weights, dtype=float)[cols >= 0]
        j = first_bad(np.abs(cost), HIGHS_INFINITE_COST)
        if j is not None:
            raise ValueError(f"the weight of {self.column_name(j)} is {cost[j]:g}; weights must be finite")
        idx = np.arange(len(cost), dtype=np.int32)
        _ok(self.h.changeColsCost(len(idx), idx, cost), "the new objective (build weights)")
        _ok(self.h.changeObjectiveOffset(0.0), "the objective's constant 0")
        _ok(self.h.changeObjectiveSense(highspy.ObjSense.kMinimize), "the objective sense 'minimise'")
        self.sense = 1.0

    def set_start(self, in_place: np.ndarray, sidings: dict[int, np.ndarray] | None = None) -> None:
        """Offer HiGHS a starting portfolio for the next :meth:`solve`: ``in_place`` (candidates x build years)
        is the share of each candidate in place by each year, ``sidings`` the sidings in place by year, by
        candidate index. Only these columns are given; HiGHS completes the others (shortfalls, shares it can
        choose) by fixing the integers and solving the LP. A start that breaks a row is dropped by HiGHS and the
        solve goes on cold, so a start can make a solve faster, never wrong."""
        cols, vals = [self.u_cols.ravel()], [np.asarray(in_place, dtype=float).ravel()]
        for i, w in (sidings or {}).items():
            if i in self.z_cols:
                cols.append(self.z_cols[i])
                vals.append(np.asarray(w, dtype=float))
        col, val = np.concatenate(cols), np.concatenate(vals)
        keep = (col >= 0) & np.isfinite(val)  # nothing to offer where a value is missing: HiGHS completes it
        # an early candidate's one column stands for every year: give it once
        col, first = np.unique(col[keep], return_index=True)
        # kept until solve(): HiGHS drops a user solution whenever the model changes (the targets' levels)
        self._start = (col.astype(np.int32), val[keep][first])

    def start_from(self, sol: Solution) -> None:
        """Start from a solution of the same candidates: this model's (a sweep's previous level), as it is; or a
        model with other build years' (the one-build-year model's), dated so that every milestone holds if the
        portfolio meets the end-year targets: everything it builds in place from the first build year."""
        years = len(self.bm.years)
        if sol.u.shape[1:] == (years,):
            self.set_start(sol.in_place, sol.sidings_in_place)
            return
        total = np.clip(sol.u.sum(axis=1), 0.0, 1.0)
        sidings = {i: np.full(years, float(z.sum() > 0)) for i, z in sol.z.items()}
        self.set_start(np.repeat(total[:, None], years, axis=1), sidings)

    # ---- solving
    def set_time_limit(self, seconds: float | None) -> None:
        """The time limit of the next solves (None: none); a study that solves many times shares its time."""
        import highspy

        _check_limits(seconds, self.mip_gap)
        self.time_limit = seconds
        self._set("time_limit", float(seconds) if seconds is not None else highspy.kHighsInf)

    def solve(self, shadow_prices: bool = True) -> Solution:
        import highspy

        bm, h = self.bm, self.h
        self._sync_targets()
        if self._start is not None:
            idx, val = self._start
            _ok(h.setSolution(len(idx), idx, val), f"a starting portfolio of {len(idx)} values")
            self._start = None
        _use_threads(self.threads)
        t0 = time.perf_counter()
        ran = h.run()
        t_solve = time.perf_counter() - t0
        status = h.getModelStatus()
        version = self.version
        n, years = len(bm.candidates), bm.years
        unit = bm.md.objective_unit
        S = highspy.HighsModelStatus
        if status in (S.kInterrupt, S.kHighsInterrupt):
            raise KeyboardInterrupt
        if ran == highspy.HighsStatus.kError:
            raise SolverFailure(f"HiGHS {version} failed to solve the model (status '{status.name}', "
                                f"{self.n_cols} columns, {self.n_rows} rows){self._options_hint()}")
        if status in (S.kInfeasible, S.kUnboundedOrInfeasible):
            return Solution("infeasible", status.name, None, None, None, np.zeros((n, len(years))), {}, {},
                            seconds={"solve": t_solve}, solver_version=version, mip_gap_requested=self.mip_gap,
                            objective_unit=unit)
        info = h.getInfo()
        if status == S.kModelEmpty and self.n_cols == 0:
            raise SolverFailure("the model is empty: no candidate project lies in the scenario's scope with the "
                                "measures it allows; check scope.cities and measures.exclude")
        if status == S.kModelEmpty:  # HiGHS lost the model it was given: not the scenario's emptiness
            raise SolverFailure(f"HiGHS {version} reported an empty model though it was given {self.n_cols} columns "
                                f"and {self.n_rows} rows")
        if info.primal_solution_status != 2:  # kSolutionStatusFeasible
            limit = f"time limit {self.time_limit:g} s" if self.time_limit else "no time limit"
            raise SolverFailure(f"HiGHS {version} stopped with '{status.name}' before it found a feasible portfolio "
                                f"({limit}); raise --time-limit, relax solver.highs_options or loosen targets")
        x = np.asarray(h.getSolution().col_value)
        label = "optimal" if status == S.kOptimal else "best_found"
        obj = float(info.objective_function_value)
        bound = float(info.mip_dual_bound) if len(self.int_idx) else obj
        seconds = {"solve": t_solve}
        shadow: dict[int, float] = {}
        if shadow_prices and len(bm.targets):
            t1 = time.perf_counter()
            fixed = self.shadow_prices()
            seconds["shadow_prices"] = time.perf_counter() - t1
            if fixed is not None:
                # the reported portfolio is the fixed LP's solution: the same projects, the continuous decisions
                # re-optimised (never dearer), so every reported dual belongs to the reported solution
                shadow, x, obj = fixed
        gap = abs(obj - bound) / max(abs(obj), 1e-9) if np.isfinite(bound) else None
        return self._solution(x, label, status.name, obj, bound, gap, shadow, seconds, version)

    def _options_hint(self) -> str:
        """Where to look after HiGHS failed: the scenario's HiGHS options if it set any."""
        if self.options:
            return (f"; the scenario sets solver.highs_options {self.options}: try the run without them, and report "
                    "the failure if it persists")
        return "; this is HiGHS's failure, not the scenario's: report it with the run's scenario and inputs"

    def _solution(self, x: np.ndarray, label: str, termination: str, obj: float, bound: float | None,
                  gap: float | None, shadow: dict[int, float], seconds: dict, version: str) -> Solution:
        """A :class:`Solution` from the column values ``x``."""
        bm = self.bm
        n, years = len(bm.candidates), bm.years

        def values(cols: np.ndarray) -> np.ndarray:
            return np.where(cols >= 0, x[np.maximum(cols, 0)], 0.0)

        # in place by each year -> built in each year
        u = np.diff(values(self.u_cols).reshape(n, len(years)), axis=1, prepend=0.0)
        u[np.abs(u) < 1e-9] = 0.0
        z = {i: np.diff(np.round(values(cols)).astype(int), prepend=0) for i, cols in self.z_cols.items()}
        short = {k: float(x[j]) if j >= 0 else 0.0 for k, j in self.short_cols.items()}
        air_short = {k: float(x[j]) if j >= 0 else 0.0 for k, j in self.air_short_cols.items()}
        cost = float(self.cost_cny @ x + self.cost_offset) if self.cost_cny is not None else None
        return Solution(label, termination, obj, bound, gap, u, z, short, shadow=shadow, seconds=seconds,
                        solver_version=version, mip_gap_requested=self.mip_gap, objective_unit=bm.md.objective_unit,
                        cost_cny=cost, air_short=air_short)

    def shadow_prices(self) -> tuple[dict[int, float], np.ndarray, float] | None:
        """Duals of the target rows with the integer choices fixed (units: module docstring), with that LP's
        solution and objective; None if the LP does not solve to optimality."""
        import highspy

        h, idx = self.h, self.int_idx
        if len(idx):
            lp = h.getLp()
            lower = np.asarray(lp.col_lower_)[idx].copy()
            upper = np.asarray(lp.col_upper_)[idx].copy()
            values = np.round(np.asarray(h.getSolution().col_value)[idx])
            n = len(idx)
            _ok(h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kContinuous)),
                "relaxing the integer columns to price the targets")
            _ok(h.changeColsBounds(n, idx, values, values), "fixing the integer columns to price the targets")
        # HiGHS keeps a basis from the MIP and, finding it 'useful', skips presolve and runs dual simplex on the
        # whole LP (national size: 26 s); without it, presolve removes the fixed columns first
        _ok(h.clearSolver(), "clearing its solver state")
        try:
            _ok(h.run(), "to solve the LP with the projects fixed (for the targets' shadow prices)")
            solution = h.getSolution()
            if h.getModelStatus() != highspy.HighsModelStatus.kOptimal or not solution.dual_valid:
                return None
            row_dual = np.asarray(solution.row_dual)
            in_cny = self.bm.md.objective_unit == "cny"
            # HiGHS row duals are d(objective)/d(row bound); report a cost per tonne as a positive number, per
            # year of the years the row stands for (its weight), so milestone and end-year prices compare
            duals = {k: self.sense * float(row_dual[j]) / (self.bm.targets[k].weight if in_cny else 1.0)
                     for k, j in self.target_rows.items()}
            return duals, np.asarray(solution.col_value).copy(), float(h.getInfo().objective_function_value)
        finally:
            # the instance is re-solved by studies: it must get its integers and bounds back
            if len(idx):
                _ok(h.changeColsBounds(n, idx, lower, upper), "restoring the integer columns' bounds")
                _ok(h.changeColsIntegrality(n, idx, np.full(n, highspy.HighsVarType.kInteger)),
                    "restoring the integer columns")


def solve(bm: BuiltModel, time_limit: float | None = 300.0, mip_gap: float | None = 1e-3,
          shadow_prices: bool = True, highs_options: dict | None = None) -> Solution:
    """Solve ``bm`` once; returns a :class:`Solution` (status 'infeasible' carries no values)."""
    return Solver(bm, time_limit, mip_gap, highs_options).solve(shadow_prices)
