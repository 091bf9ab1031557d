"""One scenario run end to end: load -> candidates -> build -> solve -> result tables -> files.

Results are written into a fresh temporary directory next to the destination and renamed into place
only when every file is complete, so an interrupted run leaves nothing half-written and an existing run
is never overwritten.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from .build import BuiltModel, build_model, target_rows
from .candidates import build_candidates
from .inputs import Dataset, load_dataset
from .results import Results, make_results
from .scenario import LoadedScenario, check_against_dataset, load_scenario
from .solve import Solution, solve

Progress = Callable[[str], None]


class OutputExistsError(Exception):
    """The output directory exists and is not empty."""


@dataclass
class RunOutcome:
    loaded: LoadedScenario
    dataset: Dataset
    built: BuiltModel
    solution: Solution
    results: Results | None
    timings: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None
    diagnosis: pd.DataFrame | None = None  # per target: required, achievable, shortfall (infeasible runs)


def _elastic(ds: Dataset, sc, cands):
    """Minimise the hard targets' shortfall (relative to each target), ignoring cost.

    Every hard target gets a shortfall variable; the objective is the sum of shortfalls divided by the
    required levels, so tonnes of different pollutants weigh alike. Soft targets keep their penalties but
    do not enter this objective. Returns (built model, solution); ``solution.short`` holds the shortfalls.
    """
    import pyomo.environ as pyo

    elastic = sc.model_copy(deep=True)
    for t in elastic.targets:
        if t.kind == "hard":
            t.kind = "soft"
    if elastic.co2_intensity is not None and elastic.co2_intensity.kind == "hard":
        elastic.co2_intensity.kind = "soft"
    bm = build_model(ds, elastic, cands)
    was_hard = {row.key for row in target_rows(ds, sc)[0] if row.kind == "hard"}
    m = bm.model
    m.obj.deactivate()
    m.elastic_obj = pyo.Objective(expr=pyo.quicksum(m.short[k] / max(bm.targets[k].required_t, 1.0)
                                                    for k in was_hard), sense=pyo.minimize)
    sol = solve(bm, time_limit=sc.solver.time_limit_s, mip_gap=sc.solver.mip_gap, shadow_prices=False)
    sol.short = {k: v for k, v in sol.short.items() if k in was_hard}
    return bm, sol


def _relaxations(sc) -> list[tuple[str, object]]:
    """(description, scenario without one active rule or budget cap) for each active rule and cap."""
    out = []
    for name in ("ule_mandatory", "siding_mandatory", "plain_coal_zero", "voc_efficiency_floor", "boiler_phaseout"):
        if getattr(sc.rules, name).enabled:
            relaxed = sc.model_copy(deep=True)
            getattr(relaxed.rules, name).enabled = False
            out.append((f"rule {name}", relaxed))
    for cap in ("total", "per_year"):
        if getattr(sc.budget, cap) is not None:
            relaxed = sc.model_copy(deep=True)
            setattr(relaxed.budget, cap, None)
            out.append((f"budget {cap}", relaxed))
    if sc.budget.per_city:
        relaxed = sc.model_copy(deep=True)
        relaxed.budget.per_city = {}
        out.append(("budget per_city", relaxed))
    return out


def diagnose(ds: Dataset, sc, cands) -> pd.DataFrame:
    """What can be achieved: an elastic re-solve, then which rules or budgets stand in the way.

    Per target: required, achievable and shortfall with every rule and budget in force. If anything falls
    short, each active rule and budget cap is lifted in turn; those whose removal lowers the total shortfall
    are reported as binding, with how much they cost in tonnes.
    """
    bm, sol = _elastic(ds, sc, cands)
    if sol.status == "infeasible":
        rows = [{"item": "(rules and budget)", "kind": "rules", "required_t": float("nan"),
                 "achievable_t": float("nan"), "shortfall_t": float("nan"),
                 "note": "the policy rules and budget cannot all hold even without targets: disable a rule or "
                         "raise the budget"}]
        return pd.DataFrame(rows)
    rows = []
    for t in bm.targets:
        if t.key not in sol.short:  # soft targets keep their own penalty: not part of the diagnosis
            continue
        short = sol.short[t.key]
        rows.append({"item": t.label, "kind": "target", "required_t": t.required_t,
                     "achievable_t": t.required_t - short, "shortfall_t": short,
                     "note": "cannot be met" if short > 1e-6 else "met"})
    total = sum(sol.short.values())
    if total > 1e-6:
        for what, relaxed in _relaxations(sc):
            _, rsol = _elastic(ds, relaxed, cands)
            if rsol.ok and sum(rsol.short.values()) < total - 1e-6:
                gain = total - sum(rsol.short.values())
                rows.append({"item": what, "kind": "binding", "required_t": float("nan"), "achievable_t": float("nan"),
                             "shortfall_t": float("nan"),
                             "note": f"binds: lifting it lowers the total shortfall by {gain:,.0f} t"})
    return pd.DataFrame(rows)


def default_out_dir(root: Path, scenario_name: str) -> Path:
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return root / scenario_name / stamp


def run_scenario(path: Path | str, overrides: list[str] | None = None, inputs: Path | None = None,
                 time_limit: float | None = None, mip_gap: float | None = None,
                 progress: Progress = lambda _msg: None, write_model: Path | None = None,
                 always_diagnose: bool = False) -> RunOutcome:
    """Load, build and solve a scenario file; returns everything needed to report and write results."""
    timings: dict[str, float] = {}
    t = time.perf_counter()
    progress("load")
    loaded = load_scenario(path, overrides)
    sc = loaded.scenario
    ds = load_dataset(inputs)
    check_against_dataset(loaded, ds)
    timings["load_s"] = time.perf_counter() - t
    t = time.perf_counter()
    progress("build")
    cands = build_candidates(ds, sc)
    bm = build_model(ds, sc, cands)
    timings["build_s"] = time.perf_counter() - t
    if write_model is not None:
        bm.model.write(str(write_model), io_options={"symbolic_solver_labels": True})
    t = time.perf_counter()
    progress("solve")
    sol = solve(bm, time_limit=time_limit or sc.solver.time_limit_s, mip_gap=sc.solver.mip_gap if mip_gap is None
                else mip_gap)
    timings["solve_s"] = time.perf_counter() - t
    timings["solver_only_s"] = sol.seconds.get("solve", 0.0)
    results = None
    if sol.status == "infeasible" or always_diagnose:
        t = time.perf_counter()
        progress("diagnose")
        diagnosis = diagnose(ds, sc, cands)
        timings["diagnose_s"] = time.perf_counter() - t
    else:
        diagnosis = None
    if sol.ok:
        t = time.perf_counter()
        progress("results")
        results = make_results(ds, bm, sol)
        timings["results_s"] = time.perf_counter() - t
    return RunOutcome(loaded, ds, bm, sol, results, timings, diagnosis=diagnosis)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest(outcome: RunOutcome) -> dict:
    ds = outcome.dataset
    return {
        "ersim": version("ersim"), "python": platform.python_version(), "pyomo": version("pyomo"),
        "highspy": version("highspy"), "highs": outcome.solution.solver_version,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "scenario_files": [str(p) for p in outcome.loaded.files],
        "overrides": outcome.loaded.overrides,
        "scenario": outcome.loaded.resolved,
        "inputs_dir": str(ds.root),
        "inputs_sha256": {p.name: _sha256(p) for p in ds.files()},
        "scenario_sha256": {p.name: _sha256(p) for p in outcome.loaded.files},
        "timings_s": {k: round(v, 3) for k, v in outcome.timings.items()},
        "rules": outcome.built.rules,
        "co2_intensity": outcome.built.co2_context,
    }


def summary(outcome: RunOutcome) -> dict:
    sol = outcome.solution
    out = {"scenario": outcome.loaded.scenario.name, "status": sol.status, "termination": sol.termination,
           "objective_discounted_cny": sol.objective, "objective_bound": sol.bound, "mip_gap": sol.gap,
           "mip_gap_requested": sol.mip_gap_requested, "objective_sense": outcome.loaded.scenario.objective}
    if outcome.results is not None:
        out["totals"] = outcome.results.totals
        out["targets_met"] = bool(outcome.results.targets["met"].all()) if len(outcome.results.targets) else True
    return out


def write_csv(df: pd.DataFrame, path: Path) -> None:
    # fixed float format and row order make files byte-identical between identical runs
    df.to_csv(path, index=False, float_format="%.6g", encoding="utf-8")


def _occupied(path: Path) -> bool:
    return path.exists() and (not path.is_dir() or any(path.iterdir()))


def write_atomically(out_dir: Path, fill: Callable[[Path], None], force: bool = False,
                     unique: bool = False) -> Path:
    """Let ``fill`` write into a fresh temp dir next to ``out_dir``, then rename it into place.

    An existing non-empty ``out_dir`` is an error unless ``force`` (replace it) or ``unique`` (use
    ``out_dir-2``, ``-3`` ...: for automatic names, so two runs started in the same second both land).
    The rename is atomic and fails if another process got there first; an exception leaves nothing behind.
    """
    out_dir = Path(out_dir)
    if _occupied(out_dir) and not (force or unique):
        raise OutputExistsError(f"{out_dir} exists and is not empty; choose another --out or pass --force")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        fill(tmp)
        if force and _occupied(out_dir):
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, backup / "old")
            os.replace(tmp, out_dir)
            shutil.rmtree(backup)
            return out_dir
        candidate, n = out_dir, 1
        while True:
            try:
                if candidate.exists() and not any(candidate.iterdir()):
                    candidate.rmdir()  # an empty directory the user made for us
                os.rename(tmp, candidate)  # fails if another process created it meanwhile
                return candidate
            except OSError:
                if not unique or not _occupied(candidate):
                    raise OutputExistsError(f"{candidate} appeared while writing; choose another --out") from None
                n += 1
                candidate = out_dir.with_name(f"{out_dir.name}-{n}")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def write_results(outcome: RunOutcome, out_dir: Path, force: bool = False, plots: bool = True,
                  unique: bool = False) -> Path:
    """Write every result file (and figures/, unless ``plots`` is False) into ``out_dir`` atomically."""

    def fill(tmp: Path) -> None:
        r = outcome.results
        if outcome.diagnosis is not None:
            write_csv(outcome.diagnosis, tmp / "diagnosis.csv")
        if r is not None:
            write_csv(r.portfolio, tmp / "portfolio.csv")
            write_csv(r.targets, tmp / "targets.csv")
            write_csv(r.county_summary, tmp / "county_summary.csv")
            write_csv(r.measure_summary, tmp / "measure_summary.csv")
            write_csv(r.candidates, tmp / "candidates.csv")
        (tmp / "summary.json").write_text(json.dumps(summary(outcome), indent=2, ensure_ascii=False,
                                                     default=_json_default), encoding="utf-8")
        man = manifest(outcome)
        # identical scenario + inputs give identical tables: these hashes let anyone check (and cache) that
        man["outputs_sha256"] = {p.name: _sha256(p) for p in sorted(tmp.glob("*.csv"))}
        (tmp / "manifest.json").write_text(json.dumps(man, indent=2, ensure_ascii=False,
                                                      default=_json_default), encoding="utf-8")
        if plots and r is not None:
            from .plots import plot_run

            plot_run(tmp, outcome.dataset.root / "counties.geojson", outcome.loaded.scenario.name, tmp / "figures")

    outcome.out_dir = write_atomically(out_dir, fill, force, unique)
    return outcome.out_dir


def _json_default(o):
    if isinstance(o, (np.integer,)):
        return int(o)
    if isinstance(o, (np.floating,)):
        return float(o)
    if isinstance(o, Path):
        return str(o)
    raise TypeError(type(o))


def run_info(run_dir: Path) -> tuple[str, Path]:
    """Scenario name and inputs directory of a finished run (from its manifest)."""
    from .inputs import default_inputs_dir

    man_path = Path(run_dir) / "manifest.json"
    if not man_path.exists():
        raise FileNotFoundError(f"{run_dir} is not an ersim run directory (no manifest.json)")
    man = json.loads(man_path.read_text(encoding="utf-8"))
    inputs = Path(man.get("inputs_dir", default_inputs_dir()))
    return man.get("scenario", {}).get("name", Path(run_dir).name), inputs if inputs.exists() else default_inputs_dir()


def run_and_write(args: tuple) -> str:
    """Run a scenario file and write it under ``root/<name>/<timestamp>`` (a unit of parallel work)."""
    path, inputs, root = args
    outcome = run_scenario(path, inputs=inputs)
    out = write_results(outcome, default_out_dir(Path(root), outcome.loaded.scenario.name), plots=False, unique=True)
    return str(out)
