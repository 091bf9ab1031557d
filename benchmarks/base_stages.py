"""Time each stage of the base scenario and print ratios within the run (never asserted in tests).

    .venv/bin/python benchmarks/base_stages.py [--repeat 3] [scenario.yaml]

Prints load, build (candidates + Pyomo model), solve (HiGHS alone and with the shadow-price LP) and result
times, and ersim's own overhead (everything but HiGHS's solve) as a ratio of the HiGHS solve time; and the
dataset's load in later runs (remembered by the files' sha256) against the first.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

from model.run import run_scenario

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("scenario", nargs="?", default=str(ROOT / "scenarios" / "base.yaml"))
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    rows = []
    for _ in range(args.repeat):
        o = run_scenario(args.scenario)
        rows.append(o.timings)
    size = o.built.size()
    print(f"scenario {args.scenario}: {len(o.built.candidates)} candidates, "
          f"{size['variables']} variables, {size['constraints']} constraints; status {o.solution.status}, "
          f"gap {o.solution.gap:.2e}")
    keys = rows[0].keys()
    med = {k: statistics.median(r[k] for r in rows) for k in keys}
    for k in keys:
        print(f"  {k:<16} median {med[k]:7.3f} s  (runs: {', '.join(f'{r[k]:.3f}' for r in rows)})")
    total = sum(v for k, v in med.items() if k != "solver_only_s")
    overhead = total - med["solver_only_s"]
    print(f"  total {total:.3f} s; ersim overhead {overhead:.3f} s = {overhead / med['solver_only_s']:.2f} x the "
          f"HiGHS solve ({med['solver_only_s']:.3f} s)")
    if len(rows) > 1 and "load_s" in rows[0]:  # the later runs find the dataset already read and checked
        again = statistics.median(r["load_s"] for r in rows[1:])
        print(f"  load: first run {rows[0]['load_s']:.3f} s (reads and checks the dataset); later runs {again:.3f} s "
              f"(the same files, remembered by their sha256) = {again / rows[0]['load_s']:.2f} x the first")


if __name__ == "__main__":
    main()
