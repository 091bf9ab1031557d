"""Marginal abatement cost curve (MACC) of the measures available for one pollutant.

Rules, stated on the figure and in the README:

* **What counts as available**: every candidate of the scenario (its scope, exclusions and prices) that
  reduces the pollutant. Options that exclude each other at one site (one plant's exclusive group, one
  county's heating households) are not added up: per site and group the option with the largest reduction
  of the pollutant is kept.
* **Cost allocation** for measures that cut several pollutants: a candidate's annual cost (annualised capex +
  O&M and energy, sidings included for rail) is shared across its reductions in proportion to weighted tonnes,
  with the weights of the scenario's ``max_reduction.weights`` (default NOx 1, VOCs 1, SO2 0.5, PM 0.5, COD 1,
  NH3-N 1); CO2 is not charged. The bar height is the cost allocated to this pollutant per tonne.
* **Where**: the region of the scenario's target for the pollutant (its own region, e.g. 临汾), or the
  scenario's scope when it has no such target.
* Bars are as wide as the measure's total reduction and sorted by CNY per tonne, so the x position is the
  cumulative reduction available; the scenario's target is drawn as a vertical line.
* **The marginal cost** drawn across the bars is the scenario's own (a solve: one more tonne of the target with
  its milestones moving with it, :func:`model.results.target_marginal`), the figure ``ersim run`` and the cost
  curve report. The bars are engineering costs per tonne and year of each measure alone; the model's margin
  also counts the rules, the other targets and the years projects must be in place, so it need not equal the
  bar the target line crosses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..candidates import annual_cost_cny, measure_names, siding_annual_cost_cny
from ..names import TARGET_POLLUTANTS, pollutant_name
from ..pipeline import Pipeline
from ..resolve import ModelData
from ..rundir import write_atomically, write_csv
from ..scenario import ScenarioError, pollutant_key

ALLOCATION_RULE = ("cost shared across co-reduced pollutants by weighted tonnes (max_reduction.weights); "
                   "CO2 not charged; one option per site and exclusive group (the deepest)")


@dataclass
class Macc:
    pollutant: str
    table: pd.DataFrame
    target_t: float | None
    region: str  # name of the region the curve covers
    # the scenario's marginal cost of the target (CNY per t and year, milestones moving with it): the run's and
    # the cost curve's figure, drawn across the bars; None without a target or a cost objective
    model_marginal_cny_per_t: float | None = None


def model_marginal(pipe: Pipeline, pollutant: str) -> float | None:
    """The marginal cost of the scenario's ``pollutant`` target from a solve of the scenario
    (:func:`model.results.target_marginal`): what ``ersim run`` reports in its targets table. None without a
    min_cost objective or an optimal solve."""
    from ..results import target_marginal

    md = pipe.md
    if md.objective != "min_cost":
        return None
    sol = pipe.solver.solve(shadow_prices=True)
    return target_marginal(md, sol.shadow, md.target(pollutant)) if sol.status == "optimal" else None


def build_macc(md: ModelData, pollutant: str) -> Macc:
    """The MACC of ``pollutant`` for the resolved scenario ``md`` (rules in the module docstring)."""
    p = pollutant_key(pollutant)
    col = f"{p}_t"
    try:
        target = md.target(p)
    except ScenarioError:
        target = None
    pipe = Pipeline(md)
    c = pipe.candidates.all()
    if target is not None:
        c = c[c["region_code"].isin(target.members)]
    c = c[c[col] > 0].copy()
    c["annual_total_cny"] = annual_cost_cny(c) + siding_annual_cost_cny(c)
    site = np.where(c["kind"] == "household", c["region_code"].astype(str), c["enterprise_id"].astype(str))
    c["site_group"] = pd.Series(site, index=c.index) + "|" + c["exclusive_group"].astype(str)
    # the deepest option per site and group; among equally deep ones, the cheapest
    c = c.sort_values([col, "annual_total_cny"], ascending=[False, True]).drop_duplicates("site_group")
    weights = md.reduction_weights
    weighted = sum(weights.get(q, 0.0) * c[f"{q}_t"].clip(lower=0) for q in TARGET_POLLUTANTS)
    share = (weights.get(p, 0.0) * c[col] / weighted.replace(0, np.nan)).fillna(1.0)
    c["allocated_cny"] = c["annual_total_cny"] * share
    g = c.groupby("measure_id")
    table = pd.DataFrame({"family": g["family"].first(), "candidates": g.size(), "reduction_t": g[col].sum(),
                          "annual_cost_cny": g["annual_total_cny"].sum(), "allocated_cny": g["allocated_cny"].sum()})
    table["cny_per_t"] = table["allocated_cny"] / table["reduction_t"]
    table.insert(0, "measure_name", measure_names(md.dataset, table.index.to_series()).to_numpy())
    table = table.sort_values("cny_per_t").rename_axis("measure_id").reset_index()
    table["cumulative_t"] = table["reduction_t"].cumsum()
    region = target.region_name if target is not None else md.scope_name
    marginal = model_marginal(pipe, p) if target is not None else None
    return Macc(p, table, None if target is None else target.required_t, region, marginal)


def write_macc(m: Macc, scenario_name: str, out_dir: Path, svg: bool = False, force: bool = False,
               unique: bool = False) -> Path:
    """macc.csv and macc.png (and .svg), written atomically."""
    from ..outputs.macc_chart import macc_chart

    name = pollutant_name(m.pollutant)

    def fill(tmp: Path) -> None:
        write_csv(m.table, tmp / "macc.csv")
        macc_chart(m.table, name, m.target_t, ALLOCATION_RULE,
                   f"{scenario_name}: {name} 边际减排成本曲线 MACC ({m.region})", tmp / "macc", svg,
                   model_marginal_cny_per_t=m.model_marginal_cny_per_t)

    return write_atomically(out_dir, fill, force, unique)
