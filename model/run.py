"""One scenario run end to end: load -> resolve -> candidates -> build -> solve -> result tables -> files.

The pipeline only: each stage lives in its own module (:mod:`model.resolve`, :mod:`model.candidates`,
:mod:`model.build`, :mod:`model.solve`, :mod:`model.diagnose`, :mod:`model.results`) and files are written
through :mod:`model.rundir`.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import pandas as pd

from .build import BuiltModel
from .diagnose import diagnose
from .pipeline import Pipeline
from .resolve import ModelData
from .results import Results, make_results, manifest, summary
from .rundir import GEOMETRY, RUN_TABLES, files_sha256, write_atomically, write_csv, write_geometry, write_json
from .scenario import LoadedScenario
from .solve import Solution, solve

Progress = Callable[[str], None]


@dataclass
class RunOutcome:
    loaded: LoadedScenario
    md: ModelData
    built: BuiltModel
    solution: Solution
    results: Results | None
    timings: dict[str, float] = field(default_factory=dict)
    out_dir: Path | None = None
    diagnosis: pd.DataFrame | None = None  # per target: required, achievable, shortfall (infeasible runs)

    @property
    def name(self) -> str:
        return self.loaded.scenario.name


def run_scenario(path: Path | str, overrides: list[str] | None = None, inputs: Path | None = None,
                 time_limit: float | None = None, mip_gap: float | None = None,
                 progress: Progress = lambda _msg: None, write_model: Path | None = None,
                 always_diagnose: bool = False) -> RunOutcome:
    """Load, build and solve a scenario file; returns everything needed to report and write results."""
    t = time.perf_counter()
    progress("load")
    pipe = Pipeline.load(path, overrides or [], inputs)
    return run_pipeline(pipe, {"load_s": time.perf_counter() - t}, time_limit, mip_gap, progress, write_model,
                        always_diagnose)


def run_pipeline(pipe: Pipeline, timings: dict[str, float] | None = None, time_limit: float | None = None,
                 mip_gap: float | None = None, progress: Progress = lambda _msg: None,
                 write_model: Path | None = None, always_diagnose: bool = False) -> RunOutcome:
    """Build and solve a loaded pipeline (:func:`run_scenario` after loading; a cluster worker from the resolved
    data the client sent)."""
    timings = dict(timings or {})
    loaded, md = pipe.loaded, pipe.md
    t = time.perf_counter()
    progress("build")
    cands, bm = pipe.candidates, pipe.model
    timings["build_s"] = time.perf_counter() - t
    if write_model is not None:
        bm.write(write_model)
    t = time.perf_counter()
    progress("solve")
    s = md.solver  # the command line's --time-limit and --mip-gap win over the scenario's
    sol = solve(bm, time_limit=s.time_limit_s if time_limit is None else time_limit,
                mip_gap=s.mip_gap if mip_gap is None else mip_gap, highs_options=s.highs_options)
    timings["solve_s"] = time.perf_counter() - t
    timings["solver_only_s"] = sol.seconds.get("solve", 0.0)
    diagnosis = None
    if sol.status == "infeasible" or always_diagnose:
        t = time.perf_counter()
        progress("diagnose")
        diagnosis = diagnose(md, cands)
        timings["diagnose_s"] = time.perf_counter() - t
    results = None
    if sol.ok:
        t = time.perf_counter()
        progress("results")
        results = make_results(bm, sol)
        timings["results_s"] = time.perf_counter() - t
    return RunOutcome(loaded, md, bm, sol, results, timings, diagnosis=diagnosis)


def fill_run(outcome: RunOutcome, tmp: Path, plots: bool = True) -> None:
    """Write every file of a run into the (empty, temporary) directory ``tmp``."""
    r, md = outcome.results, outcome.md
    # the run's tables (rundir.RUN_TABLES): a Results field of that name, or the outcome's diagnosis
    for name in RUN_TABLES:
        table = getattr(r, name, None) if r is not None else None
        table = outcome.diagnosis if name == "diagnosis" else table
        if table is not None:
            write_csv(table, tmp / f"{name}.csv")
    write_json(summary(outcome.name, md, outcome.solution, r), tmp / "summary.json")
    # the counties of the scope travel with the run, so figures and exports need nothing else (a dataset
    # without geometry gives runs without maps)
    if (md.dataset.root / GEOMETRY).exists():
        write_geometry(md.dataset.root / GEOMETRY, md.scope_counties, tmp / GEOMETRY)
    man = manifest(outcome.loaded, md, outcome.solution, outcome.built.rules, outcome.timings)
    # identical scenario + inputs give identical tables: these hashes let anyone check (and cache) that, and let
    # every reader (read_run) refuse a run whose tables, summary.json or geometry were changed since
    man["outputs_sha256"] = files_sha256(tmp)
    write_json(man, tmp / "manifest.json")
    if plots and r is not None:
        from .outputs.plots import plot_run

        plot_run(tmp, tmp / "figures", writing=True)


def write_results(outcome: RunOutcome, out_dir: Path, force: bool = False, plots: bool = True,
                  unique: bool = False) -> Path:
    """Write every result file (and figures/, unless ``plots`` is False) into ``out_dir`` atomically."""
    outcome.out_dir = write_atomically(out_dir, lambda tmp: fill_run(outcome, tmp, plots), force, unique)
    return outcome.out_dir


@dataclass(frozen=True)
class BuiltRules:
    """What the result files need of a built model (its rules' names): all a worker sends back of it, since a
    Pyomo model does not travel."""

    rules: list[str]


def run_resolved(item: tuple) -> RunOutcome:
    """A unit of parallel work: solve a scenario the client loaded and resolved (``(loaded, md)``); the client
    writes the files. The worker reads no file."""
    loaded, md = item
    outcome = run_pipeline(Pipeline(md, loaded=loaded))
    outcome.built = BuiltRules(list(outcome.built.rules))
    return outcome
