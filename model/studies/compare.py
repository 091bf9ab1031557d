"""Side-by-side comparison of finished runs (and overlay of sweeps).

* ``comparison.csv``: one column per scenario; rows for cost, investment, every target's achievement and
  shadow price, CO2 intensity reached, projects per family and per city.
* ``robustness.csv``: every project chosen in any scenario, with the scenarios that chose it and a class
  (all / some / one). Projects are matched by their natural key (measure and enterprise, or measure and
  county for household programmes), not by candidate id, so runs with different scopes line up.
* ``cost_by_family.png``; ``cost_curves.png`` and ``curves.csv`` (every sweep's points, side by side) when sweep
  directories are given.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ..names import column_label, target_name
from ..results import project_key, project_names
from ..rundir import NotARunError, Run, read_run, read_sweep, write_atomically, write_csv
from ..units import cny_to_yi, t_to_wan_t


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


def compare_runs(run_dirs: list[Path], sweep_dirs: list[Path] | None = None) -> Comparison:
    used: set[str] = set()
    columns, family_cost, chosen = {}, {}, {}
    names: dict[str, str] = {}
    for d in run_dirs:
        run = read_run(d)
        s = run.summary
        label = _label(d, s, used)
        tot = s.get("totals", {})
        stopped = s["status"] != "optimal" and s.get("termination") not in (None, "", "kOptimal")
        status = f"{s['status']} ({str(s.get('termination', '')).removeprefix('k')})" if stopped else s["status"]
        col = {("result", "status"): status, ("result", "MIP gap"): s.get("mip_gap"),
               ("cost", "investment (亿元)"): cny_to_yi(tot.get("capex_cny", np.nan)),
               ("cost", "annual cost once built (亿元/yr)"): cny_to_yi(tot.get("total_annual_cost_cny", np.nan)),
               ("cost", "annualised capital (亿元/yr)"): cny_to_yi(tot.get("annualised_capex_cny", np.nan)),
               ("cost", "O&M and energy (亿元/yr)"): cny_to_yi(tot.get("annual_om_cny", np.nan)),
               ("cost", "objective, discounted (亿元)"): cny_to_yi(s.get("objective_discounted_cny", np.nan) or np.nan),
               ("cost", "spending, discounted (亿元)"): cny_to_yi(tot.get("spending_discounted_cny") or np.nan),
               ("cost", "penalties for unmet soft targets, discounted (亿元)"):
                   cny_to_yi(tot.get("penalties_discounted_cny", np.nan)),
               ("result", "projects"): tot.get("projects")}
        if "targets" in run:
            t = run["targets"]
            shadow = next((c for c in t.columns if c.startswith("shadow_price_")), None)
            for r in t.to_dict("records"):
                col[("target achieved (万吨)", r["target"])] = t_to_wan_t(r["achieved_t"])
                col[("target required (万吨)", r["target"])] = t_to_wan_t(r["required_t"])
                if shadow == "shadow_price_cny_per_t":
                    col[("shadow price (CNY/t)", r["target"])] = r[shadow]
            if "intensity_reached_pct" in t and (t["source"] == "co2_intensity").any():
                col[("result", "CO2 intensity change reached (%)")] = float(
                    t.loc[t["source"] == "co2_intensity", "intensity_reached_pct"].iloc[0])
        if "air_quality" in run:  # the plan's air indicator and health (model/air.py)
            air = run["air_quality"]
            for r in air.to_dict("records"):
                col[("PM2.5 2025, modelled (μg/m³)", r["name_zh"])] = r["pm25_modelled_ugm3"]
            col[("result", "premature deaths avoided (a year)")] = tot.get("avoided_deaths_per_yr")
            col[("result", "deaths avoided per 亿元 invested")] = tot.get("avoided_deaths_per_100m_cny")
        if "portfolio" in run:
            port = run["portfolio"]
            for fam, n in port.groupby("family").size().items():
                col[("projects per family", fam)] = n
            for city, n in port.groupby("city").size().items():
                col[("projects per city", city)] = n
            family_cost[label] = cny_to_yi(port.groupby("family")["total_annual_cost_cny"].sum())
            keys = project_key(port)
            chosen[label] = set(keys)
            names.update(project_names(port))
        columns[label] = col
    table = pd.DataFrame(columns)
    table.index = pd.MultiIndex.from_tuples(table.index, names=["group", "item"])
    table = table.sort_index(level=0, sort_remaining=False)
    table = with_differences(table)
    labels = list(chosen)  # runs with a portfolio (an infeasible run chose nothing and is not counted)
    all_keys = sorted(set().union(*chosen.values())) if chosen else []
    rob = pd.DataFrame({"project": all_keys, "name": [names.get(k, "") for k in all_keys]})
    for lab in labels:
        rob[lab] = [k in chosen.get(lab, set()) for k in all_keys]
    rob["chosen_in"] = rob[labels].sum(axis=1) if labels else 0
    rob["robustness"] = np.select([rob["chosen_in"] == len(labels), rob["chosen_in"] == 1], ["all", "one"], "some")
    rob = rob.sort_values(["chosen_in", "project"], ascending=[False, True]).reset_index(drop=True)
    curves = {}
    for d in sweep_dirs or []:
        meta, curve = read_sweep(d)
        label = f"{meta['scenario']}: {meta['target']}"
        if label in curves:  # two sweeps of the same scenario and target: tell them apart by their folders
            label = f"{label} ({Path(d).name})"
        curves[label] = curve
    return Comparison(table, rob, pd.DataFrame(family_cost).fillna(0.0), curves)


def with_differences(table: pd.DataFrame) -> pd.DataFrame:
    """Add, for every scenario after the first, a column 'Δ <scenario>' = its value minus the first's (numbers only)."""
    if table.shape[1] < 2:
        return table
    first = table.columns[0]
    out = table.copy()
    base = pd.to_numeric(table[first], errors="coerce")
    for col in table.columns[1:]:
        out[f"Δ {col}"] = pd.to_numeric(table[col], errors="coerce") - base
    return out


#: comparison.csv's group and item labels (kept as they are, for machines) -> column ids of model/names.py
LABEL_IDS = {"result": "result", "cost": "cost", "target achieved (万吨)": "target_achieved_t",
             "target required (万吨)": "target_required_t", "shadow price (CNY/t)": "shadow_price_cny_per_t",
             "projects per family": "projects_per_family", "projects per city": "projects_per_city",
             "status": "status", "MIP gap": "mip_gap", "investment (亿元)": "capex_cny",
             "annual cost once built (亿元/yr)": "total_annual_cost_cny",
             "annualised capital (亿元/yr)": "annualised_capex_cny", "O&M and energy (亿元/yr)": "annual_om_cny",
             "objective, discounted (亿元)": "objective_discounted_cny",
             "spending, discounted (亿元)": "spending_discounted_cny",
             "penalties for unmet soft targets, discounted (亿元)": "penalties_discounted_cny",
             "projects": "projects", "CO2 intensity change reached (%)": "intensity_reached_pct",
             "PM2.5 2025, modelled (μg/m³)": "pm25_modelled_ugm3",
             "premature deaths avoided (a year)": "avoided_deaths_per_yr",
             "deaths avoided per 亿元 invested": "avoided_deaths_per_100m_cny"}


def row_names(index: pd.MultiIndex, lang: str = "zh") -> list[str]:
    """'group: item' of each comparison row as people read it in ``lang`` (model/names.py): headers with the unit
    the row holds, families and targets by name."""
    out = []
    for group, item in index:
        name = column_label(LABEL_IDS[item], lang) if item in LABEL_IDS else column_label(str(item), lang)
        if group in ("target achieved (万吨)", "target required (万吨)", "shadow price (CNY/t)"):
            name = target_name(str(item), lang)
        out.append(f"{column_label(LABEL_IDS.get(group, group), lang)}: {name}")
    return out


HEADLINE = [("result", "status"), ("cost", "investment (亿元)"), ("cost", "annual cost once built (亿元/yr)"),
            ("cost", "objective, discounted (亿元)"), ("result", "projects"),
            ("result", "premature deaths avoided (a year)"), ("result", "deaths avoided per 亿元 invested")]


def headline(cmp: Comparison) -> pd.DataFrame:
    """The rows a terminal shows of a comparison: money, projects, deaths avoided, PM2.5 per city and projects per
    family."""
    rows = cmp.table.loc[[k for k in HEADLINE if k in cmp.table.index]]
    for group in ("PM2.5 2025, modelled (μg/m³)", "projects per family"):
        if group in cmp.table.index.get_level_values(0):
            rows = pd.concat([rows, cmp.table.xs(group, level=0, drop_level=False)])
    return rows


def split_items(items: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """(scenario files, run directories, sweep directories) among ``items``; NotARunError for anything else."""
    files, runs, sweeps = [], [], []
    for item in map(Path, items):
        if item.is_file():
            files.append(item)
        elif _has_any(item, "sweep.json", "curve.csv"):
            sweeps.append(item)  # even with one of its files missing: read_sweep then says which
        elif _has_any(item, "summary.json", "manifest.json"):
            runs.append(item)  # likewise read_run
        else:
            raise NotARunError(f"{item} is neither a scenario file, a run nor a sweep directory")
    return files, runs, sweeps


def _has_any(folder: Path, *names: str) -> bool:
    return any((folder / n).exists() for n in names)


def compare_items(items: list[Path], inputs: Path | None, run) -> Comparison:
    """Compare ``items`` (scenario files are loaded here, solved with ``run`` from model.studies.parallel, which
    needs none of their files on a worker, and written here under results/), keeping the order they were given in."""
    from ..inputs import load_dataset
    from ..pipeline import Pipeline
    from ..rundir import default_out_dir
    from ..run import run_resolved, write_results

    files, _, sweeps = split_items(items)
    ds = load_dataset(inputs) if files else None  # read once for every scenario file
    pipes = [Pipeline.load(f, dataset=ds) for f in files]
    outcomes = run(run_resolved, [(p.loaded, p.md) for p in pipes]) if files else []
    ran = {f: str(write_results(o, default_out_dir(Path("results"), o.name), plots=False, unique=True))
           for f, o in zip(files, outcomes)}
    runs = [Path(ran[Path(i)]) if Path(i) in ran else Path(i) for i in items if Path(i) not in set(sweeps)]
    return compare_runs(runs, sweeps)


#: the columns of each sweep's curve that curves.csv puts side by side
CURVE_COLUMNS = ["level_t", "level_pct", "status", "achieved_t", "objective_cny_per_yr", "total_annual_cost_cny",
                 "total_capex_cny", "marginal_cny_per_t", "lp_marginal_cny_per_t", "mip_gap"]


def curves_table(curves: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every compared sweep's points in one long table (a ``sweep`` column names the curve): what the overlaid
    figure draws, as numbers."""
    parts = [c.reindex(columns=CURVE_COLUMNS).assign(sweep=label) for label, c in curves.items()]
    if not parts:
        return pd.DataFrame(columns=["sweep", *CURVE_COLUMNS])
    return pd.concat(parts, ignore_index=True)[["sweep", *CURVE_COLUMNS]]


def write_comparison(cmp: Comparison, out_dir: Path, force: bool = False, unique: bool = False) -> Path:
    from ..outputs.plots import compare_cost_by_family, overlay_curves

    def fill(tmp: Path) -> None:
        write_csv(cmp.table.reset_index(), tmp / "comparison.csv")
        write_csv(cmp.robustness, tmp / "robustness.csv")
        if len(cmp.family_cost):
            compare_cost_by_family(cmp.family_cost, tmp / "cost_by_family")
        if cmp.curves:
            write_csv(curves_table(cmp.curves), tmp / "curves.csv")
            overlay_curves(cmp.curves, tmp / "cost_curves")

    return write_atomically(out_dir, fill, force, unique)
