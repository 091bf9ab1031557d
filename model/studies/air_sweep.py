"""Cost against a PM2.5 level: one city's (or the province's) level swept, one solve per level.

Each point is the scenario with one more row, ``PM2.5 of <region> <= level`` (hard, by the end year; model/air.py
screening estimate), solved from scratch with the same candidates (they do not depend on the level). A point the
projects cannot reach is infeasible, and the curve says so; the rest of the scenario (targets, rules, budgets,
milestones, paces) holds at every point. ``objective_discounted_cny`` is the discounted cost; ``capex_cny`` the investment.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Callable

import pandas as pd

from ..pipeline import Pipeline
from ..resolve import AirTargetRow, ModelData, air_target_row, region_code
from ..results import make_results
from ..rundir import files_sha256, write_atomically, write_csv, write_json
from ..scenario import ScenarioError
from ..solve import Solver


def swept_row(md: ModelData, region: str, level_ugm3: float) -> AirTargetRow:
    """The PM2.5 row a sweep adds: ``region`` (the province or a city, by code, name or pinyin) at ``level``, by
    the end year (:func:`model.resolve.air_target_row`, as a scenario's ``air_targets`` resolve)."""
    if md.air is None:
        raise ScenarioError("the dataset has no air tables (air_intake.csv ...): PM2.5 cannot be swept")
    try:
        code = region_code(md.dataset, region, ("province", "city"))
    except ValueError as err:
        raise ScenarioError(f"--region: {err}") from None
    return air_target_row(md.dataset, md.air, len(md.air_targets), code, level_ugm3, md.horizon_years[-1],
                          md.discount)


def air_sweep(md: ModelData, region: str, levels_ugm3: list[float],
              progress: Callable[[int, int, float], None] = lambda i, n, v: None) -> pd.DataFrame:
    """One row per level, loosest first: status, discounted cost, investment, annual cost once built, the
    region's modelled PM2.5 and the deaths a year avoided (the whole province)."""
    levels = sorted({float(v) for v in levels_ugm3}, reverse=True)
    base = Pipeline(md)
    rows = []
    for i, level in enumerate(levels):
        progress(i, len(levels), level)
        row = swept_row(md, region, level)
        varied = base.varied(replace(md, air_targets=[*md.air_targets, row], years=md.horizon_years))
        sol = Solver.from_scenario(varied.model).solve(shadow_prices=False)
        out = {"region": row.region_name, "level_ugm3": level, "pm25_2020_ugm3": row.pm25_2020_ugm3,
               "status": sol.status}
        if sol.ok:
            r = make_results(varied.model, sol)
            air = r.air_quality.set_index("region_code")
            modelled = (air.loc[list(row.cities), "pm25_modelled_ugm3"].mean() if len(row.cities) == 1
                        else air.at[row.region_code, "pm25_modelled_ugm3"])
            out.update({"objective_discounted_cny": sol.objective, "capex_cny": r.totals["capex_cny"],
                        "total_annual_cost_cny": r.totals["total_annual_cost_cny"],
                        "pm25_modelled_ugm3": float(modelled),
                        "avoided_deaths_per_yr": r.totals["avoided_deaths_per_yr"]})
        rows.append(out)
        if sol.status == "infeasible":  # tighter levels are out of reach too
            break
    progress(len(levels), len(levels), levels[-1])
    return pd.DataFrame(rows)


def write_air_sweep(curve: pd.DataFrame, out_dir: Path, scenario_name: str, force: bool = False,
                    unique: bool = False) -> Path:
    """curve.csv, the figure (pm25_cost_curve.png) and sweep.json, written atomically."""
    from ..outputs.plots import pm25_cost_curve

    def fill(tmp: Path) -> None:
        write_csv(curve, tmp / "curve.csv")
        region = curve["region"].iloc[0] if len(curve) else ""
        pm25_cost_curve(curve, f"{scenario_name}: {region} PM2.5 成本曲线 (cost against the PM2.5 level)",
                        tmp / "pm25_cost_curve.png")
        write_json({"scenario": scenario_name, "target": f"PM2.5 {region}", "points": len(curve),
                    "infeasible_points": int((curve["status"] == "infeasible").sum()),
                    "outputs_sha256": files_sha256(tmp)}, tmp / "sweep.json")

    return write_atomically(out_dir, fill, force, unique)
