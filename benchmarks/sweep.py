"""Sweep (one model, re-solved) versus separate runs, on the same scenario and levels; prints both and the ratio.

    .venv/bin/python benchmarks/sweep.py [--steps 17] [--pollutant NOx] [scenario.yaml]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from model.inputs import load_dataset
from model.resolve import resolve
from model.run import run_scenario
from model.scenario import load_scenario
from model.studies.sweep import levels_from_range, sweep_scenario

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "base.yaml"))
    ap.add_argument("--steps", type=int, default=17)
    ap.add_argument("--pollutant", default="NOx")
    ap.add_argument("--start", type=float, default=0.5)
    ap.add_argument("--stop", type=float, default=1.3)
    ap.add_argument("--workers", type=int, default=2, help="also time a dask LocalCluster sweep (1 to skip)")
    ap.add_argument("--inputs", default=None, help="dataset directory (e.g. one from make_dataset.py)")
    args = ap.parse_args()
    sc = load_scenario(args.scenario).scenario

    t = time.perf_counter()
    md = resolve(load_dataset(args.inputs), sc)
    levels = levels_from_range(md, args.pollutant, args.start, args.stop, args.steps)
    res = sweep_scenario(md, args.pollutant, levels)
    t_sweep = time.perf_counter() - t

    idx = next(i for i, tg in enumerate(sc.targets) if tg.pollutant == res.pollutant)
    t = time.perf_counter()
    costs = []
    for level in levels:  # what a planner would do without sweep: one full run per level
        o = run_scenario(args.scenario, [f"targets.{idx}.reduction={level}", f"targets.{idx}.unit=t",
                                         f"targets.{idx}.kind=hard"], inputs=args.inputs)
        costs.append(o.solution.objective)
    t_runs = time.perf_counter() - t
    same = all(abs(a - b) <= 2e-3 * abs(b) for a, b in zip(res.curve["objective_discounted_cny"], costs)
               if a == a and b is not None)
    print(f"{args.steps} levels of {args.pollutant} on {Path(args.scenario).name}:")
    print(f"  sweep (build once {res.seconds['build_s']:.2f} s, re-solve with shadow prices and LP frontier): "
          f"{t_sweep:.1f} s")
    print(f"  separate runs (load + build + solve + shadow prices each):                        {t_runs:.1f} s")
    print(f"  ratio separate / sweep: {t_runs / t_sweep:.2f}x   (objectives agree within the MIP gap: {same})")
    if args.workers > 1:
        from model.studies.parallel import executor
        from model.studies.sweep import sweep_parallel

        t = time.perf_counter()
        with executor(args.workers) as run:
            t_ready = time.perf_counter() - t
            t1 = time.perf_counter()
            par = sweep_parallel(md, args.pollutant, levels, run)
            t_par = time.perf_counter() - t1
        # the same points; each solved to the MIP gap from its own start, so objectives agree within the gap
        a, b = par.curve, res.curve
        identical = (len(a) == len(b) and a["level_t"].tolist() == b["level_t"].tolist()
                     and a["status"].tolist() == b["status"].tolist()
                     and bool(((a["objective_discounted_cny"] - b["objective_discounted_cny"]).abs()
                               <= 2e-3 * b["objective_discounted_cny"].abs()).fillna(True).all()))
        print(f"  dask LocalCluster, {args.workers} workers: {t_par:.1f} s (+ {t_ready:.1f} s to start the cluster); "
              f"speed-up vs serial sweep {t_sweep / t_par:.2f}x ({t_sweep / (t_par + t_ready):.2f}x incl. start); "
              f"same curve: {identical}")


if __name__ == "__main__":
    main()
