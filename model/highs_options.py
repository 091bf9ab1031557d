"""The HiGHS options a scenario may set (``solver.highs_options``), and the check of each name and value.

HiGHS options also open, read and write files (``log_file``, ``solution_file``, ``write_model_file`` ...), turn
its output on, or change what the model means (``solve_relaxation``, ``infinite_cost``). A shared scenario file
must not do any of that, so a scenario may set only the numerical and algorithmic options of :data:`ALLOWED`,
each with its type and range; everything else is refused with the reason (:data:`REFUSED`, :func:`refusal`).
The scenario schema checks them (``SolverOptions`` in :mod:`model.scenario`, so a mistake is reported at its
file:line:col) and :class:`model.solve.Solver` checks them again for callers that bypass the schema.

Types and ranges are HiGHS's own (``lp_data/HighsOptions.h``; https://ergo-code.github.io/HiGHS/stable/options/
definitions/; tests/test_hostile_solver.py checks them against the installed highspy), narrowed where HiGHS's
extreme is harmful or meaningless for ersim's models (say why at the entry). Floats must be finite: HiGHS
accepts ``nan`` for any float option.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator

from .errors import ModelSetupError, did_you_mean

IINF = 2 ** 31 - 1  # HiGHS's kHighsIInf: "no limit" for its integer options
#: HiGHS's defaults for infinite_cost/infinite_bound and large_matrix_value, which a scenario may not change: a
#: cost or bound from 1e20 up counts as infinite, a coefficient from 1e15 up makes HiGHS refuse the model
HIGHS_INFINITE_COST = 1e20
HIGHS_LARGE_MATRIX_VALUE = 1e15
OFF_ON = ("off", "choose", "on")


@dataclass(frozen=True)
class Option:
    """One HiGHS option a scenario may set: its type ('bool', 'int', 'float', 'str') and allowed values."""

    kind: str
    low: float | None = None  # int/float: smallest allowed value
    high: float | None = None  # int/float: largest allowed value (floats are finite whatever it says)
    choices: tuple[str, ...] = ()  # str: the allowed values


def _bool() -> Option:
    return Option("bool")


def _int(low: int, high: int = IINF) -> Option:
    return Option("int", low, high)


def _float(low: float = -math.inf, high: float = math.inf) -> Option:
    return Option("float", low, high)


def _str(*choices: str) -> Option:
    return Option("str", choices=choices)


#: every HiGHS option a scenario may set (HiGHS >= 1.12: older versions lack some; the Solver then says so)
ALLOWED: dict[str, Option] = {
    # gaps and tolerances (the relative MIP gap is solver.mip_gap)
    "mip_abs_gap": _float(0.0),
    "mip_feasibility_tolerance": _float(1e-10),
    "primal_feasibility_tolerance": _float(1e-10),
    "dual_feasibility_tolerance": _float(1e-10),
    "primal_residual_tolerance": _float(1e-10),
    "dual_residual_tolerance": _float(1e-10),
    "optimality_tolerance": _float(1e-10),
    "kkt_tolerance": _float(1e-10),
    "ipm_optimality_tolerance": _float(1e-12),
    "pdlp_optimality_tolerance": _float(1e-10),
    # objective bound (dual simplex stops) and target (the MIP stops at a solution this good)
    "objective_bound": _float(),
    "objective_target": _float(),
    # limits (the time limit is solver.time_limit_s)
    "mip_max_nodes": _int(0),
    "mip_max_stall_nodes": _int(0),
    "mip_max_leaves": _int(0),
    "mip_max_start_nodes": _int(0),
    "mip_max_improving_sols": _int(1),
    "simplex_iteration_limit": _int(0),
    "simplex_update_limit": _int(0),
    "ipm_iteration_limit": _int(0),
    "pdlp_iteration_limit": _int(0),
    # presolve and its rules
    "presolve": _str(*OFF_ON),
    "presolve_rule_off": _int(0),  # a bit mask of HiGHS's PresolveRuleType (lp_data/HConst.h)
    "presolve_reduction_limit": _int(-1),
    "restart_presolve_reduction_limit": _int(-1),
    "presolve_substitution_maxfillin": _int(0),
    "presolve_remove_slacks": _bool(),
    "mip_root_presolve_only": _bool(),
    "mip_lifting_for_probing": _int(-1),
    # threads and parallelism. HiGHS takes up to 2^31 - 1 threads and starts each: a scenario file could start
    # millions; 64 is more than any machine ersim runs on uses for one MILP
    "threads": _int(0, 64),
    "parallel": _str(*OFF_ON),
    "simplex_max_concurrency": _int(1, 8),
    "mip_min_cliquetable_entries_for_parallelism": _int(0),
    # LP algorithms, simplex strategy and scaling ("hipo" is not in every highspy build; "qpasm" solves QPs)
    "solver": _str("choose", "simplex", "ipm", "ipx", "pdlp"),
    "mip_lp_solver": _str("choose", "simplex", "ipm", "ipx"),
    "mip_ipm_solver": _str("choose", "ipx"),
    "run_crossover": _str(*OFF_ON),
    "simplex_strategy": _int(0, 4),
    "simplex_scale_strategy": _int(0, 4),
    "simplex_dual_edge_weight_strategy": _int(-1, 2),
    "simplex_primal_edge_weight_strategy": _int(-1, 2),
    "allowed_matrix_scale_factor": _int(0, 30),
    "allowed_cost_scale_factor": _int(0, 20),
    # power-of-two scaling of the objective and bounds. HiGHS takes any int; past 2^64 every cost or bound of
    # an ersim model is 0 or infinite, so HiGHS stops with an error instead of solving
    "user_objective_scale": _int(-64, 64),
    "user_bound_scale": _int(-64, 64),
    # the MIP search
    "mip_detect_symmetry": _bool(),
    "mip_allow_restart": _bool(),
    "mip_allow_cut_separation_at_nodes": _bool(),
    "mip_heuristic_effort": _float(0.0, 1.0),
    "mip_heuristic_run_feasibility_jump": _bool(),
    "mip_heuristic_run_rins": _bool(),
    "mip_heuristic_run_rens": _bool(),
    "mip_heuristic_run_root_reduced_cost": _bool(),
    "mip_heuristic_run_zi_round": _bool(),
    "mip_heuristic_run_shifting": _bool(),
    "mip_lp_age_limit": _int(0, 32767),
    "mip_pool_age_limit": _int(0, 1000),
    "mip_pool_soft_limit": _int(1),
    "mip_pscost_minreliable": _int(0),
    "random_seed": _int(0),
}

_FILES = ("reads or writes a file; a scenario may not (ersim writes its results into the run directory; "
          "`ersim run --write-model FILE` writes the model)")
_OUTPUT = "controls HiGHS's output, which ersim keeps off (the run directory has what ersim reports); delete it"
_MODEL = ("changes what the model means (which coefficients count as zero or infinite, or whether projects are "
          "built whole), so the results would not describe the scenario; delete it")

#: HiGHS options refused with a reason other than "not on the list" (names with 'file', 'write_', 'read_' or
#: 'log' are refused as files or output too: :func:`refusal`)
REFUSED: dict[str, str] = {
    "time_limit": "ersim sets it from solver.time_limit_s (or `ersim run --time-limit`); set that instead",
    "mip_rel_gap": "ersim sets it from solver.mip_gap (or `ersim run --mip-gap`); set that instead",
    **dict.fromkeys(("log_file", "solution_file", "write_solution_to_file", "write_solution_style",
                     "glpsol_cost_row_location", "write_model_file", "write_model_to_file",
                     "write_presolved_model_file", "write_presolved_model_to_file", "read_solution_file",
                     "read_basis_file", "write_basis_file", "write_iis_model_file", "mip_improving_solution_file",
                     "write_matrix_image", "write_hessian_image", "mps_parser_type_free", "keep_n_rows"), _FILES),
    **dict.fromkeys(("output_flag", "log_to_console", "timeless_log", "log_githash", "log_dev_level",
                     "highs_debug_level", "highs_analysis_level", "mip_report_level", "mip_min_logging_interval",
                     "presolve_rule_logging", "ranging", "mip_improving_solution_save",
                     "mip_improving_solution_report_sparse"), _OUTPUT),
    **dict.fromkeys(("solve_relaxation", "infinite_cost", "infinite_bound", "small_matrix_value",
                     "large_matrix_value", "allow_unbounded_or_infeasible"), _MODEL),
}


class HighsOptionError(ModelSetupError, ValueError):
    """A HiGHS option that a scenario may not set, or a value it may not take (a user's mistake: exit 2)."""


def refusal(key: str) -> str | None:
    """Why option ``key`` may not be set, or None if it is on :data:`ALLOWED`."""
    if key in ALLOWED:
        return None
    if key in REFUSED:
        return REFUSED[key]
    low = key.lower()
    # options HiGHS may add later: by name, anything about files or logs is refused as such
    if "file" in low or low.startswith(("write", "read")):
        return _FILES
    if "log" in low:
        return _OUTPUT
    return (f"{key!r} is not among the HiGHS options a scenario may set{did_you_mean(key, ALLOWED)}; the allowed "
            f"options (numerical and algorithmic only) are {', '.join(sorted(ALLOWED))}")


def _range(opt: Option) -> str:
    """'between 0 and 4', 'at least 1e-10', '' (any finite number)."""
    def num(v: float) -> str:
        return f"{int(v)}" if opt.kind == "int" else f"{v:g}"

    low = num(opt.low) if opt.low is not None and math.isfinite(opt.low) else None
    high = num(opt.high) if opt.high is not None and math.isfinite(opt.high) else None
    if low is not None and high is not None:
        return f"between {low} and {high}"
    return f"at least {low}" if low is not None else f"at most {high}" if high is not None else ""


def _number(value: Any, kind: str) -> int | float | None:
    """``value`` as an int or float option takes it, or None. As elsewhere in the schema, a number may come as
    text (YAML 1.1 reads 1e9 as text) and an int option takes a whole float; true/false are not numbers."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)  # '1e3' is a whole number too
        except ValueError:
            return None
    if kind == "int":
        if isinstance(value, float) and value.is_integer():
            return int(value)
        return value if isinstance(value, int) else None
    if not isinstance(value, (int, float)):
        return None
    try:
        number = float(value)
    except OverflowError:  # an int of 400 digits
        return None
    return number if math.isfinite(number) else None


def check_value(key: str, value: Any) -> bool | int | float | str:
    """``value`` as HiGHS option ``key`` takes it; ValueError saying what it must be otherwise."""
    why = refusal(key)
    if why is not None:
        raise ValueError(why)
    opt = ALLOWED[key]
    shown = repr(value)
    got = f"got {shown if len(shown) <= 80 else shown[:77] + '...'}"  # a hostile value may be a megabyte
    if opt.kind == "bool":
        if not isinstance(value, bool):
            raise ValueError(f"must be true or false, {got}")
        return value
    if opt.kind == "str":
        # YAML 1.1 reads a bare off/on as false/true: `presolve: off` means "off"
        if isinstance(value, bool) and "on" in opt.choices:
            return "on" if value else "off"
        if value not in opt.choices:
            hint = did_you_mean(value, opt.choices) if isinstance(value, str) else ""
            raise ValueError(f"must be one of {', '.join(opt.choices)}, {got}{hint}")
        return value
    number, bounds = _number(value, opt.kind), _range(opt)
    if number is None:
        what = "a whole number" if opt.kind == "int" else "a finite number"
        raise ValueError(f"must be {what}{', ' + bounds if bounds else ''}, {got}")
    if not opt.low <= number <= opt.high:
        raise ValueError(f"must be {bounds}, {got}")
    return number


def check_options(options: dict | None) -> dict:
    """Every option checked (:func:`check_value`), as HiGHS takes them; :class:`HighsOptionError` names the first
    one that may not be set. For callers that bypass the scenario schema (which reports them all, with places)."""
    checked = {}
    for key, value in (options or {}).items():
        try:
            checked[key] = check_value(str(key), value)
        except ValueError as err:
            raise HighsOptionError(f"solver.highs_options.{key}: {err}") from None
    return checked


# ---- the schema's type for solver.highs_options: a plain dict whose values are checked with their names
@dataclass(frozen=True)
class _Named:
    key: Any
    value: Any


def _name_values(v: Any) -> Any:
    # pydantic hands a dict's value validator the value alone; the check needs the option's name too. Each
    # value's error stays at its own key (file:line:col of that key)
    return {k: _Named(k, x) for k, x in v.items()} if isinstance(v, dict) else v


def _check_named(v: Any) -> Any:
    if isinstance(v, _Named) and not isinstance(v.key, str):
        return v.value  # the key's own error says it must be a name
    if not isinstance(v, _Named):  # only _name_values makes these values: anything else is a bug, not a user's
        raise TypeError(f"highs_options value {v!r} reached its check without its option's name")
    return check_value(str(v.key), v.value)


HighsOptions = Annotated[dict[str, Annotated[Any, AfterValidator(_check_named)]], BeforeValidator(_name_values)]
