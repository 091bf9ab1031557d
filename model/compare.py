"""Side-by-side comparison of finished runs (and overlay of sweeps).

* ``comparison.csv``: one column per scenario; rows for cost, investment, every target's achievement and
  shadow price, CO2 intensity reached, projects per family and per city.
* ``robustness.csv``: every project chosen in any scenario, with the scenarios that chose it and a class
  (all / some / one). Projects are matched by their natural key (measure and enterprise, or measure and
  county for household programmes), not by candidate id, so runs with different scopes line up.
* ``cost_by_family.png``; ``cost_curves.png`` when sweep directories are given.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from .export import read_run


@dataclass
class Comparison:
    table: pd.DataFrame
    robustness: pd.DataFrame
    family_cost: pd.DataFrame
    curves: dict[str, pd.DataFrame]


def _label(run_dir: Path, summary: dict, used: set[str]) -> str:
    name = summary.get("scenario", run_dir.name)
    label, i = name, 2
    while label in used:
        label, i = f"{name} ({i})", i + 1
    used.add(label)
    return label


def _co2_intensity_pct(run_dir: Path, targets: pd.DataFrame) -> float:
    """CO2-intensity reduction reached in the target year, % below the base year."""
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    ctx = man.get("co2_intensity") or {}
    row = targets[targets["source"] == "co2_intensity"]
    if not ctx or row.empty:
        return np.nan
    co2_t = ctx["bau_co2_target_year_t"] - float(row["achieved_t"].iloc[0])
    intensity = co2_t / ctx["gdp_target_year_cny"]
    return 100 * (1 - intensity / ctx["intensity_base_t_per_cny"])


def project_key(port: pd.DataFrame) -> pd.Series:
    who = np.where(port["kind"] == "household", port["region_code"].astype(str), port["enterprise_id"].astype(str))
    return port["measure_id"].astype(str) + " @ " + pd.Series(who, index=port.index)


def compare_runs(run_dirs: list[Path], sweep_dirs: list[Path] | None = None) -> Comparison:
    used: set[str] = set()
    columns, family_cost, chosen = {}, {}, {}
    names: dict[str, str] = {}
    for d in run_dirs:
        s = json.loads((d / "summary.json").read_text(encoding="utf-8"))
        label = _label(d, s, used)
        t = read_run(d)
        tot = s.get("totals", {})
        col = {("result", "status"): s["status"], ("result", "MIP gap"): s.get("mip_gap"),
               ("cost", "investment (亿元)"): tot.get("capex_cny", np.nan) / 1e8,
               ("cost", "total annual cost (亿元/yr)"): tot.get("total_annual_cost_cny", np.nan) / 1e8,
               ("cost", "annualised capital (亿元/yr)"): tot.get("annualised_capex_cny", np.nan) / 1e8,
               ("cost", "O&M and energy (亿元/yr)"): tot.get("annual_om_cny", np.nan) / 1e8,
               ("result", "projects"): tot.get("projects")}
        if "targets" in t:
            for r in t["targets"].itertuples():
                col[("target achieved (t/yr)", r.target)] = r.achieved_t
                col[("target required (t/yr)", r.target)] = r.required_t
                col[("shadow price (CNY/t)", r.target)] = r.shadow_price_cny_per_t
            col[("result", "CO2 intensity reduction reached (%)")] = _co2_intensity_pct(d, t["targets"])
        if "portfolio" in t:
            port = t["portfolio"]
            for fam, n in port.groupby("family").size().items():
                col[("projects per family", fam)] = n
            for city, n in port.groupby("city").size().items():
                col[("projects per city", city)] = n
            family_cost[label] = port.groupby("family")["total_annual_cost_cny"].sum() / 1e8
            keys = project_key(port)
            chosen[label] = set(keys)
            names.update(dict(zip(keys, port["measure_name"].fillna("") + " | " + port["enterprise_name"].fillna("")
                                  .where(port["kind"] != "household", port["county"]))))
        columns[label] = col
    table = pd.DataFrame(columns)
    table.index = pd.MultiIndex.from_tuples(table.index, names=["group", "item"])
    table = table.sort_index(level=0, sort_remaining=False)
    labels = list(columns)
    all_keys = sorted(set().union(*chosen.values())) if chosen else []
    rob = pd.DataFrame({"project": all_keys, "name": [names.get(k, "") for k in all_keys]})
    for lab in labels:
        rob[lab] = [k in chosen.get(lab, set()) for k in all_keys]
    rob["chosen_in"] = rob[labels].sum(axis=1) if labels else 0
    rob["robustness"] = np.select([rob["chosen_in"] == len(labels), rob["chosen_in"] == 1], ["all", "one"], "some")
    rob = rob.sort_values(["chosen_in", "project"], ascending=[False, True]).reset_index(drop=True)
    curves = {}
    for d in sweep_dirs or []:
        meta = json.loads((d / "sweep.json").read_text(encoding="utf-8"))
        curves[f"{meta['scenario']}: {meta['target']}"] = pd.read_csv(d / "curve.csv")
    return Comparison(table, rob, pd.DataFrame(family_cost).fillna(0.0), curves)


def write_comparison(cmp: Comparison, out_dir: Path, force: bool = False, unique: bool = False) -> Path:
    from .plots import compare_cost_by_family, overlay_curves
    from .run import write_atomically, write_csv

    def fill(tmp: Path) -> None:
        cmp.table.reset_index().to_csv(tmp / "comparison.csv", index=False, float_format="%.6g",
                                       encoding="utf-8")
        write_csv(cmp.robustness, tmp / "robustness.csv")
        if len(cmp.family_cost):
            compare_cost_by_family(cmp.family_cost, tmp / "cost_by_family")
        if cmp.curves:
            overlay_curves(cmp.curves, tmp / "cost_curves")

    return write_atomically(out_dir, fill, force, unique)
