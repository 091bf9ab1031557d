"""How ersim scales: from the Shanxi default to national size. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/scale.py                         # default sizes
    .venv/bin/python benchmarks/scale.py --sizes 117x1007 3000x30000 --years 5 --model phased

Each size runs in its own process (so peak memory is per size): generate the dataset (benchmarks/
make_dataset.py, except the default), load it, build candidates and the Pyomo model, hand it to HiGHS,
solve, compute shadow prices, make the result tables and write them. The scenario is base.yaml with its
targets scaled by the size (NOx, VOCs by plants; COD, NH3-N by counties). HiGHS alone is then timed on the
same model written to MPS. Overhead = everything but HiGHS's own solve time, as a ratio to that time.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def dataset(size: str, where: Path) -> Path:
    """The dataset of ``size`` (COUNTIESxPLANTS): the embedded one for 117x1007, else generated into ``where``."""
    from make_dataset import make

    from model.inputs import DEFAULT_INPUTS

    counties, plants = (int(x) for x in size.split("x"))
    return DEFAULT_INPUTS if (counties, plants) == (117, 1007) else make(counties, plants, where)


def scaled_scenario(size: str, years: int = 5, mip_gap: float = 1e-3, model: str = "phased", milestone: bool = False):
    """base.yaml with its targets scaled by the size (NOx, VOCs, SO2 by plants; COD, NH3-N by counties);
    ``model="collapsed"`` drops its 2023 milestones (one build year, nothing couples the years)."""
    from model.scenario import load_scenario

    counties, plants = (int(x) for x in size.split("x"))
    f_ent, f_cty = plants / 1032, counties / 117
    scale = {"nox": f_ent, "vocs": f_ent, "so2": f_ent, "cod": f_cty, "nh3n": f_cty}
    sets = [f"horizon.end_year={2020 + years}", f"solver.mip_gap={mip_gap}"]
    if model == "collapsed":
        sets.append("phasing.milestones={}")
    sc = load_scenario(ROOT / "scenarios" / "base.yaml", sets).scenario
    for t in sc.targets:
        t.reduction = t.reduction * scale[t.pollutant]
    if milestone:  # a mid-plan NOx milestone couples the build years: the full year-indexed model is solved
        sc.targets[0].milestones = {2020 + (years + 1) // 2: sc.targets[0].reduction * 0.5}
    return sc


def one(size: str, years: int, mip_gap: float, milestone: bool = False, model: str = "phased") -> dict:
    import highspy
    import pyomo.environ as pyo

    from model.build import build_model
    from model.candidates import build_candidates
    from model.inputs import load_dataset
    from model.resolve import resolve
    from model.results import make_results
    from model.rundir import write_csv
    from model.solve import HIGHS_DEFAULTS, Solver

    counties, plants = (int(x) for x in size.split("x"))
    tmp = Path(tempfile.mkdtemp(prefix="ersim-scale-"))
    root = dataset(size, tmp / "inputs")
    sc = scaled_scenario(size, years, mip_gap, model, milestone)
    out: dict = {"size": size, "model": model, "counties": counties, "plants": plants, "years": years}

    t0 = time.perf_counter()
    md = resolve(load_dataset(root), sc)
    out["load_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    cands = build_candidates(md)
    out["candidates_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    bm = build_model(md, cands)
    out["build_s"] = time.perf_counter() - t0
    m = bm.model
    out["candidates"] = len(bm.candidates)
    out["variables"] = m.nvariables()
    out["constraints"] = m.nconstraints()
    t0 = time.perf_counter()
    solver = Solver(bm, sc.solver.time_limit_s, sc.solver.mip_gap)
    handoff = time.perf_counter() - t0
    t0 = time.perf_counter()
    sol = solver.solve(shadow_prices=False)
    total = time.perf_counter() - t0
    highs_run = solver.h.getRunTime()
    out["handoff_s"] = handoff + (total - highs_run)  # compile + pass to HiGHS + read the solution back
    out["solve_s"] = highs_run
    out["status"], out["gap"] = sol.status, sol.gap
    out["nonzeros"] = solver.h.getNumNz()
    t0 = time.perf_counter()
    solver.shadow_prices()
    out["shadow_prices_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    res = make_results(bm, sol)
    out["results_s"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    for name in ("portfolio", "targets", "county_summary", "measure_summary", "candidates"):
        write_csv(getattr(res, name), tmp / f"{name}.csv")
    out["write_s"] = time.perf_counter() - t0
    out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    # HiGHS alone on the same model
    mps = tmp / "model.mps"
    t0 = time.perf_counter()
    bm.write(mps)
    out["mps_write_s"] = time.perf_counter() - t0
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    h.readModel(str(mps))
    # the options ersim's Solver sets (objective scaling, presolve rules), so the two times compare
    h.setOptionValue("mip_rel_gap", mip_gap)
    for key, value in HIGHS_DEFAULTS.items():
        h.setOptionValue(key, value)
    scale_exp = solver.h.getOptions().user_objective_scale
    h.setOptionValue("user_objective_scale", scale_exp)
    t0 = time.perf_counter()
    h.run()
    out["highs_alone_s"] = time.perf_counter() - t0
    overhead = (out["load_s"] + out["candidates_s"] + out["build_s"] + out["handoff_s"] + out["shadow_prices_s"]
                + out["results_s"] + out["write_s"])
    out["overhead_s"] = overhead
    out["overhead_ratio"] = overhead / max(out["solve_s"], 1e-9)
    out["end_to_end_s"] = overhead + out["solve_s"]
    del pyo
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", nargs="+", default=["117x1007", "500x5000", "1500x15000", "3000x30000"],
                    help="COUNTIESxPLANTS")
    ap.add_argument("--years", type=int, default=5)
    ap.add_argument("--mip-gap", type=float, default=1e-3)
    ap.add_argument("--milestone", action="store_true",
                    help="add a mid-plan NOx milestone (year-coupled model, 5x the variables)")
    ap.add_argument("--model", choices=["both", "phased", "collapsed"], default="both",
                    help="base as shipped (phased: 60 %% by 2023, build years 2023 and 2025) and/or without milestones")
    ap.add_argument("--one", help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.one:
        print(json.dumps(one(a.one, a.years, a.mip_gap, a.milestone, a.model)))
        return
    cols = ["size", "model", "candidates", "variables", "constraints", "nonzeros", "load_s", "candidates_s", "build_s",
            "handoff_s", "solve_s", "shadow_prices_s", "results_s", "write_s", "peak_rss_mb", "highs_alone_s",
            "end_to_end_s", "overhead_ratio", "status", "gap"]
    print(" | ".join(cols))
    models = ["collapsed", "phased"] if a.model == "both" else [a.model]
    for size in a.sizes:
        for model in models:
            r = subprocess.run([sys.executable, __file__, "--one", size, "--years", str(a.years), "--mip-gap",
                                str(a.mip_gap), "--model", model] + (["--milestone"] if a.milestone else [])
,
                               capture_output=True, text=True)
            if r.returncode:
                print(f"{size} {model}: failed\n{r.stderr[-2000:]}")
                continue
            row = json.loads(r.stdout.strip().splitlines()[-1])
            print(" | ".join(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in cols), flush=True)


if __name__ == "__main__":
    main()
