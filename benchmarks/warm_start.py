"""Does a warm start pay on the phased model? Cold solve versus a solve started from the collapsed model's
portfolio (everything it builds dated to the first build year, so every milestone holds), and versus a start
from the phased model's own optimum (the most any start can give). Prints figures; asserts nothing.

    .venv/bin/python benchmarks/warm_start.py [--sizes 117x1032 500x5000 3000x30000]

Per size, in one process: build the collapsed (base without milestones) and the phased (base) models on the
same dataset (benchmarks/scale.py's scaling), solve the collapsed one, then the phased one three times on fresh
HiGHS instances: cold, from the dated collapsed portfolio, from its own cold optimum. Times are HiGHS run
times to the scenario's MIP gap (0.1 %); "collapsed" is what the dated start costs first (build + solve).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def timed_solve(solver, start=None) -> tuple[float, float, float, object]:
    """(HiGHS seconds, objective, gap, Solution) of one solve, optionally started from a Solution."""
    if start is not None:
        solver.start_from(start)
    sol = solver.solve(shadow_prices=False)
    return solver.h.getRunTime(), sol.objective, sol.gap, sol


def one(size: str) -> dict:
    from scale import dataset, scaled_scenario

    from model.build import build_model
    from model.candidates import build_candidates
    from model.inputs import load_dataset
    from model.resolve import resolve
    from model.solve import Solver

    ds = load_dataset(dataset(size, Path(tempfile.mkdtemp(prefix="ersim-warm-")) / "inputs"))

    def built(model: str):
        md = resolve(ds, scaled_scenario(size, model=model))
        return build_model(md, build_candidates(md)), md.scenario.solver

    t = time.perf_counter()
    collapsed, opts = built("collapsed")
    c_solver = Solver(collapsed, opts.time_limit_s, opts.mip_gap, opts.highs_options)
    c_sol = c_solver.solve(shadow_prices=False)
    c_total = time.perf_counter() - t
    phased, opts = built("phased")
    fresh = lambda: Solver(phased, opts.time_limit_s, opts.mip_gap, opts.highs_options)  # noqa: E731
    cold_s, cold_obj, cold_gap, cold = timed_solve(fresh())
    dated_s, dated_obj, dated_gap, _ = timed_solve(fresh(), c_sol)
    own_s, own_obj, own_gap, _ = timed_solve(fresh(), cold)
    return {"size": size, "collapsed_s": c_total, "cold_s": cold_s, "dated_start_s": dated_s,
            "own_optimum_start_s": own_s, "cold_obj": cold_obj, "dated_obj": dated_obj, "own_obj": own_obj,
            "max_rel_diff": max(abs(dated_obj - cold_obj), abs(own_obj - cold_obj)) / abs(cold_obj),
            "gaps": f"{cold_gap:.4f}/{dated_gap:.4f}/{own_gap:.4f}"}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["117x1032", "500x5000"], help="COUNTIESxPLANTS")
    a = ap.parse_args()
    cols = ["size", "collapsed_s", "cold_s", "dated_start_s", "own_optimum_start_s", "max_rel_diff", "gaps"]
    print(" | ".join(cols))
    for size in a.sizes:
        r = one(size)
        print(" | ".join(f"{r[c]:.2f}" if isinstance(r[c], float) and c != "max_rel_diff" else
                         (f"{r[c]:.2e}" if c == "max_rel_diff" else str(r[c])) for c in cols), flush=True)


if __name__ == "__main__":
    main()
