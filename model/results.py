"""Result tables from a solution: portfolio, targets, per-county and per-measure summaries, candidates;
the one totals function; the run's summary and manifest.

Column names follow EPA CoST's outputs where they overlap (Strategy Detailed Result, County Summary,
Measure Summary, Least Cost Control Measure Worksheet; see ../shared/docs/anchors.md) and carry units.
All tables are sorted deterministically so the same run gives byte-identical files.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from datetime import datetime, timezone
from importlib.metadata import version

import numpy as np
import pandas as pd

from .air import AIR_EFFECTS, city_table, county_health_table
from .build import BuiltModel
from .candidates import annual_cost_cny, measure_names
from .inputs import Dataset
from .domain import EFFECTS
from .names import pollutant_name
from .resolve import ModelData, TargetRow
from .rundir import sha256
from .solve import Solution

QTY_UNITS = {"household": "households", "kt_per_yr": "kt/yr shifted to rail", "m3_per_day": "m3/day"}
TARGET_COLUMNS = ["target", "pollutant", "region_code", "region", "year", "kind", "required_t", "achieved_t",
                  "slack_t", "shortfall_t", "met"]


@dataclass
class Results:
    portfolio: pd.DataFrame
    targets: pd.DataFrame
    county_summary: pd.DataFrame
    measure_summary: pd.DataFrame
    candidates: pd.DataFrame
    totals: dict
    air_quality: pd.DataFrame | None = None  # PM2.5 per city and the province (model/air.py); None without air data
    health_by_county: pd.DataFrame | None = None  # deaths a year avoided by county of residence


#: what each objective counts (ModelData.objective_unit) -> (objective's name, dual per tonne's suffix)
OBJECTIVE_UNITS = {"cny": ("objective_discounted_cny", "cny_per_t"),  # min_cost
                   "weighted_t": ("objective_weighted_t", "weighted_t_per_t"),  # max_reduction
                   "deaths": ("objective_deaths_per_yr", "deaths_per_t")}  # max_health


def shadow_column(objective_unit: str) -> str:
    """Name of the targets table's dual column: CNY per t (min_cost), weighted t per t (max_reduction), deaths
    a year per t (max_health)."""
    return f"shadow_price_{OBJECTIVE_UNITS[objective_unit][1]}"


def marginal_column(objective_unit: str) -> str:
    """Name of the targets table's marginal-cost column (see :func:`target_marginal`)."""
    return f"marginal_{OBJECTIVE_UNITS[objective_unit][1]}"


def target_marginal(md: ModelData, shadow: dict[int, float], t: TargetRow) -> float:
    """The marginal cost of one more tonne of requirement row ``t``: the one ersim reports in a run, a sweep and
    on the MACC. Its milestones move with it, each the same share of it (as a sweep and a re-run with that target
    set them), so it is the sum over those rows of dual x share, per tonne and year of ``t``:
    (shadow_t w_t + sum_m s_m shadow_m w_m) / w_t, with ``shadow`` per row in CNY per t and year (the dual over
    the discounted years ``w`` the row stands for). A milestone's own is its shadow price. nan without duals."""
    total = shadow.get(t.key, np.nan) * t.weight
    for k, share in md.milestone_shares(t):
        total += share * shadow.get(k, np.nan) * md.targets[k].weight
    return float(total / t.weight)


def objective_key(objective_unit: str) -> str:
    """Name of the objective in totals and summary.json, saying what it counts."""
    return OBJECTIVE_UNITS[objective_unit][0]


def _names(ds: Dataset, codes: pd.Series) -> pd.Series:
    return codes.map(ds.regions["name_zh"])


def _first_years(bm: BuiltModel, sol: Solution) -> np.ndarray:
    """Build year of each candidate's first share (money-saving ones of a collapsed model: the first year)."""
    if not sol.u.size:
        return np.full(len(bm.candidates), 9999)
    first = np.where(sol.u > 1e-6, np.array(bm.years)[None, :], 9999).min(axis=1)
    if bm.early is not None:
        first = np.where(bm.early & (first < 9999), bm.md.horizon_years[0], first)
    return first


def totals(bm: BuiltModel, sol: Solution, air: pd.DataFrame | None = None) -> dict:
    """Money, projects and reductions of the portfolio of ``sol`` (the one place they are added up).

    ``projects`` counts chosen candidates and sidings (a programme built over two years is one project);
    money is capex (CNY), annualised capex and O&M and energy (CNY/yr, once built: the spending per year);
    the objective (discounted to the base year, to the evaluation end) splits into discounted spending and
    discounted penalties for soft targets not met; reductions are t/yr in the end year.
    """
    c = bm.candidates
    share = sol.u.sum(axis=1) if sol.u.size else np.zeros(len(c))
    sid_share = np.zeros(len(c))
    for i, built in sol.z.items():
        sid_share[i] = built.sum()

    def col(name: str) -> np.ndarray:
        return c[name].fillna(0).to_numpy(dtype=float) if name in c else np.zeros(len(c))

    capex = (col("capex_cny") * share).sum() + (col("siding_capex_cny") * sid_share).sum()
    annualised = (col("annualised_capex_cny") * share).sum() + (col("siding_annualised_cny") * sid_share).sum()
    om = (col("annual_cost_cny") * share).sum() + (col("siding_annual_cost_cny") * sid_share).sum()
    penalty = sum(t.penalty_cny_per_t * t.weight * sol.short.get(t.key, 0.0) for t in bm.targets if t.kind == "soft")
    penalty += sum(a.penalty_cny_per_ugm3 * a.weight * sol.air_short.get(a.key, 0.0) for a in bm.md.air_targets
                   if a.kind == "soft")
    # how many of the chosen plant projects, and how much of their capex, sit at named plants (a real plant, from a
    # public list or a seed plan) rather than at a city's remainder (a statistic)
    plant = (c["kind"] == "enterprise").to_numpy() & (share > 1e-6)
    named = (c["enterprise_id"].map(bm.md.dataset.enterprises["plant_identity"]) == "named").to_numpy(dtype=bool)
    plant_capex = col("capex_cny") * share * (c["kind"] == "enterprise").to_numpy()
    return {"projects": int((share > 1e-6).sum() + sid_share.sum()), "capex_cny": float(capex),
            "total_annual_cost_cny": float(annualised + om), "annualised_capex_cny": float(annualised),
            "annual_om_cny": float(om), objective_key(sol.objective_unit): sol.objective,
            # the discounted cost splits into what is spent and what unmet soft targets are charged
            "spending_discounted_cny": None if sol.cost_cny is None else float(sol.cost_cny - penalty),
            "penalties_discounted_cny": float(penalty),
            "plant_projects": int(plant.sum()), "plant_projects_at_named_plants": int((plant & named).sum()),
            "plant_capex_cny": float(plant_capex.sum()), "plant_capex_at_named_plants_cny": float(plant_capex[named].sum()),
            **{f"reduction_{p}": float((col(p) * share).sum()) for p in EFFECTS}, **_air_totals(bm.md, air, capex)}


def _air_totals(md: ModelData, air: pd.DataFrame | None, capex_cny: float) -> dict:
    """The province's modelled PM2.5 and the deaths a year avoided (exact GEMM, by city), per 亿元 invested and
    valued at the value of a statistical life; nothing without an air layer."""
    if air is None:
        return {}
    prov = air[air["level"] == "province"]
    deaths = float(air.loc[air["level"] == "city", "avoided_deaths_per_yr"].sum())
    return {"pm25_province_2020_ugm3": float(prov["pm25_2020_ugm3"].iloc[0]) if len(prov) else None,
            "pm25_province_modelled_ugm3": float(prov["pm25_modelled_ugm3"].iloc[0]) if len(prov) else None,
            "avoided_deaths_per_yr": deaths,
            "avoided_deaths_per_100m_cny": deaths / (capex_cny / 1e8) if capex_cny > 0 else None,
            "health_value_cny_per_yr": deaths * md.air.vsl_cny}


def portfolio_table(bm: BuiltModel, sol: Solution) -> pd.DataFrame:
    """One row per chosen project and build year (continuous programmes may span years)."""
    ds, c = bm.md.dataset, bm.candidates
    rows = []
    for j, year in enumerate(bm.years):
        share = sol.u[:, j]
        chosen = np.flatnonzero(share > 1e-6)
        if not len(chosen):
            continue
        part = c.iloc[chosen].copy()
        s = share[chosen]
        part["year"] = year
        if bm.early is not None and bm.early.any():  # collapsed model: money-saving projects go first
            part.loc[bm.early[chosen], "year"] = bm.md.horizon_years[0]
        part["share_of_max"] = s
        part["quantity"] = part["max_quantity"].to_numpy() * s
        for col in (*EFFECTS, *AIR_EFFECTS, "capex_cny", "annual_cost_cny", "annualised_capex_cny"):
            if col in part:  # the air effects only where the dataset has an air layer
                part[col] = part[col].to_numpy() * s
        rows.append(part)
    port = pd.concat(rows, ignore_index=True) if rows else c.iloc[:0].assign(year=[], share_of_max=[], quantity=[])
    sid = []  # sidings are projects of their own
    for i, built in sol.z.items():
        for j, year in enumerate(bm.years):
            if built[j]:
                r = c.iloc[i]
                sid.append(dict(candidate_id=r["candidate_id"] + "-S", kind="freight", enterprise_id=r["enterprise_id"],
                                enterprise_name=r["enterprise_name"], region_code=r["region_code"],
                                city_code=r["city_code"], measure_id="rail_siding", family="rail", year=year,
                                share_of_max=1.0, quantity=1.0, unit="siding", capex_cny=r["siding_capex_cny"],
                                annualised_capex_cny=r["siding_annualised_cny"],
                                annual_cost_cny=r["siding_annual_cost_cny"], source="catalogue",
                                **{p: 0.0 for p in (*EFFECTS, *AIR_EFFECTS)}))
    if sid:
        port = pd.concat([port, pd.DataFrame(sid)], ignore_index=True)
    port["county"] = _names(ds, port["region_code"])
    port["city"] = _names(ds, port["city_code"])
    port["measure_name"] = measure_names(ds, port["measure_id"])
    # plant and freight projects are placed at their enterprise (maps draw them as points); coord_source says
    # whether that is the plant's own position or only its county's centroid
    at_plant = port["kind"].isin(["enterprise", "freight"])
    for col in ("latitude", "longitude", "coord_source", "plant_identity", "tracker_id"):
        port[col] = port["enterprise_id"].map(ds.enterprises[col]).where(at_plant)  # optional: may read empty
    port["unit"] = port["unit"].replace(QTY_UNITS)
    port["total_annual_cost_cny"] = annual_cost_cny(port)
    port["year"] = port["year"].astype(int)
    cols = ["candidate_id", "kind", "family", "measure_id", "measure_name", "enterprise_id", "enterprise_name",
            "region_code", "county", "city_code", "city", "year", "quantity", "unit", "capex_cny",
            "annualised_capex_cny", "annual_cost_cny", "total_annual_cost_cny", *EFFECTS,
            *(a for a in AIR_EFFECTS if a in c), "plant_identity", "tracker_id", "latitude", "longitude", "coord_source",
            "source"]
    return port[cols].sort_values(["year", "family", "city_code", "region_code", "candidate_id"]).reset_index(drop=True)


def _clean(x: float) -> float:
    """A dual as people read it: solver noise below 1e-6 and a negative zero shown as 0."""
    return 0.0 if x == x and abs(x) < 1e-6 else x


def _target_note(t, met: bool, shadow: float, status: str, marginal: float = 0.0) -> str:
    """What a planner should read into a row: not met, and why the price is what it is."""
    if not met:
        return "NOT MET: the penalty binds (its shadow price is the penalty)" if t.kind == "soft" else "NOT MET"
    if shadow != shadow:  # nan: no optimal portfolio to price (stopped by the time limit), or no duals asked
        return ("met; price not available (time limit: the portfolio is not proven optimal)" if status != "optimal"
                else "met; price not available")
    if shadow == 0 and marginal:
        return "met; its milestones bind (the marginal cost counts them)"
    if shadow == 0:
        return "met; not binding (other rows or rules deliver it)"
    return "met; binding"


def targets_table(bm: BuiltModel, sol: Solution, portfolio: pd.DataFrame) -> pd.DataFrame:
    """Per requirement row: required, achieved (recomputed from the portfolio), slack, shortfall, dual."""
    rows = []
    md = bm.md
    for t in bm.targets:
        inside = portfolio["region_code"].isin(t.members) & (portfolio["year"] <= t.year)
        achieved = float(portfolio.loc[inside, t.column].sum())
        met = achieved >= t.required_t * (1 - 1e-6) - 1e-6
        shadow = _clean(sol.shadow.get(t.key, np.nan))
        co2 = t.source == "co2_intensity"
        marginal = _clean(target_marginal(md, sol.shadow, t))
        rows.append(dict(
            target=t.label, pollutant=pollutant_name(t.pollutant), region_code=t.region_code,
            region=t.region_name, year=t.year, kind=t.kind, required_t=t.required_t, achieved_t=achieved,
            slack_t=achieved - t.required_t, shortfall_t=sol.short.get(t.key, 0.0), met=met, shadow=shadow,
            marginal=marginal,
            intensity_required_pct=md.co2_intensity_change_pct(t.required_t) if co2 else np.nan,
            intensity_reached_pct=md.co2_intensity_change_pct(achieved) if co2 else np.nan,
            note=_target_note(t, met, shadow, sol.status, marginal), source=t.source))
    cols = [*TARGET_COLUMNS, "shadow", "marginal", "intensity_required_pct", "intensity_reached_pct", "note", "source"]
    return pd.DataFrame(rows, columns=cols).rename(columns={"shadow": shadow_column(sol.objective_unit),
                                                            "marginal": marginal_column(sol.objective_unit)})


def county_summary(md: ModelData, portfolio: pd.DataFrame) -> pd.DataFrame:
    """Per county of the scope: projects, money, reductions, households converted."""
    ds = md.dataset
    counties = ds.counties[md.in_scope(ds.counties["region_code"])]
    g = portfolio.groupby("region_code")
    out = g[["capex_cny", "total_annual_cost_cny", *EFFECTS]].sum()
    out.insert(0, "projects", g.size())
    out["households_converted"] = portfolio[portfolio["kind"] == "household"].groupby("region_code")["quantity"].sum()
    out = out.reindex(counties.index).fillna(0.0)
    out.insert(0, "county", counties["name_zh"])
    out.insert(1, "city", _names(ds, counties["city_code"]))
    out.insert(2, "terrain", counties["terrain"])
    out["coal_households_2020"] = counties["rural_coal_households_2020"]
    return out.rename_axis("region_code").reset_index()


def measure_summary(ds: Dataset, portfolio: pd.DataFrame) -> pd.DataFrame:
    g = portfolio.groupby("measure_id")
    out = g[["quantity", "capex_cny", "annualised_capex_cny", "annual_cost_cny", "total_annual_cost_cny",
             *EFFECTS]].sum()
    out.insert(0, "projects", g.size())
    out.insert(0, "unit", g["unit"].first())
    out.insert(0, "family", g["family"].first())
    out.insert(0, "measure_name", measure_names(ds, out.index.to_series()).to_numpy())
    for col in EFFECTS:
        tonnes = out[col].where(out[col] > 0)
        out[f"cny_per_t_{col.removesuffix('_t')}"] = out["total_annual_cost_cny"] / tonnes
    return out.rename_axis("measure_id").reset_index().sort_values(["family", "measure_id"]).reset_index(drop=True)


def candidates_table(bm: BuiltModel, sol: Solution) -> pd.DataFrame:
    """Every candidate the model could choose, chosen or not (EPA CoST's Least Cost worksheet)."""
    ds = bm.md.dataset
    c = bm.candidates.copy()
    share = sol.u.sum(axis=1) if sol.u.size else np.zeros(len(c))
    c["chosen_quantity"] = c["max_quantity"] * share
    c["chosen_year"] = pd.Series(_first_years(bm, sol), index=c.index).where(share > 1e-6).astype("Int64")
    c["mandatory"] = c.index.isin(sorted(bm.mandatory))
    c["city"] = _names(ds, c["city_code"])
    c["county"] = _names(ds, c["region_code"])
    # a shift to rail also brings its siding (where the shipper has none): its costs belong on the same row
    for col in ("siding_capex_cny", "siding_annualised_cny", "siding_annual_cost_cny"):
        c[col] = c[col].fillna(0.0) if col in c else 0.0
    cols = ["candidate_id", "kind", "family", "measure_id", "exclusive_group", "region_code", "county", "city_code",
            "city", "enterprise_id", "enterprise_name", "max_quantity", "unit", "capex_cny", "annual_cost_cny",
            "annualised_capex_cny", "siding_capex_cny", "siding_annualised_cny", "siding_annual_cost_cny", *EFFECTS,
            "mandatory", "chosen_quantity", "chosen_year", "source"]
    return c[cols]


def air_table(bm: BuiltModel, sol: Solution) -> pd.DataFrame | None:
    """PM2.5 by city and the province and deaths avoided, from what is in place in the end year, against the
    scenario's levels for that year (:func:`model.air.city_table`); None without an air layer."""
    if bm.md.air is None:
        return None
    end = bm.md.horizon_years[-1]
    levels = {a.region_code: a.level_ugm3 for a in bm.md.air_targets if a.year == end}
    return city_table(bm.md.air, bm.candidates, sol.u.sum(axis=1), levels)


def make_results(bm: BuiltModel, sol: Solution) -> Results:
    port = portfolio_table(bm, sol)
    air = air_table(bm, sol)  # PM2.5 by city; deaths avoided by county below
    health = county_health_table(air, bm.md.dataset.counties) if air is not None else None
    return Results(portfolio=port, targets=targets_table(bm, sol, port),
                   county_summary=county_summary(bm.md, port), measure_summary=measure_summary(bm.md.dataset, port),
                   candidates=candidates_table(bm, sol), totals=totals(bm, sol, air), air_quality=air,
                   health_by_county=health)


def project_key(port: pd.DataFrame) -> pd.Series:
    """A project's natural key across runs: measure @ enterprise (or @ county for household programmes)."""
    who = np.where(port["kind"] == "household", port["region_code"].astype(str), port["enterprise_id"].astype(str))
    return port["measure_id"].astype(str) + " @ " + pd.Series(who, index=port.index)


def project_names(port: pd.DataFrame) -> dict[str, str]:
    """project key -> 'measure name | enterprise (or county)', for tables people read."""
    who = port["enterprise_name"].fillna("").where(port["kind"] != "household", port["county"])
    return dict(zip(project_key(port), port["measure_name"].fillna("") + " | " + who))


# --------------------------------------------------------------------------- summary and manifest
def summary(name: str, md: ModelData, sol: Solution, results: Results | None) -> dict:
    """summary.json: status, objective (named for what it counts), gap, totals, whether every target is met."""
    out = {"scenario": name, "status": sol.status, "termination": sol.termination,
           "not_met": not_met(results.targets) if results is not None else None,
           objective_key(sol.objective_unit): sol.objective, "objective_bound": sol.bound, "mip_gap": sol.gap,
           "mip_gap_requested": sol.mip_gap_requested, "objective_sense": md.objective}
    if results is not None:
        out["totals"] = results.totals
        out["targets_met"] = bool(results.targets["met"].all()) if len(results.targets) else True
        out["identity_by_sector"] = identity_by_sector(md, results.portfolio)
        if results.air_quality is not None:  # PM2.5 levels a scenario asked for and did not reach
            a = results.air_quality
            out["pm25_not_met"] = [{"region": r["name_zh"], "modelled_ugm3": r["pm25_modelled_ugm3"],
                                    "target_ugm3": r["target_ugm3"]}
                                   for r in a[a["meets_target"] == False].to_dict("records")]  # noqa: E712
    return out


def identity_by_sector(md: ModelData, portfolio: pd.DataFrame) -> dict[str, dict[str, float]]:
    """Per plant sector in the scope: plant rows and how many are named (a real plant) rather than a city's
    remainder, and the chosen plant projects and their capex, with the part at named plants: how much of the
    answer a planner can hand on as a list of real plants."""
    plants = md.plants
    named = plants["plant_identity"] == "named"
    port = portfolio[portfolio["kind"] == "enterprise"] if len(portfolio) else portfolio
    at = port["enterprise_id"].map(named).fillna(False).astype(bool) if len(port) else pd.Series(dtype=bool)
    out = {}
    for sector, part in plants.groupby("sector", sort=True):
        chosen = port[port["enterprise_id"].isin(part["enterprise_id"])] if len(port) else port
        out[str(sector)] = {"plants": int(len(part)), "named_plants": int(named[part.index].sum()),
                            "projects": int(chosen["candidate_id"].nunique()) if len(chosen) else 0,
                            "projects_at_named_plants": int(chosen.loc[at[chosen.index], "candidate_id"].nunique())
                            if len(chosen) else 0,
                            "capex_cny": float(chosen["capex_cny"].sum()) if len(chosen) else 0.0,
                            "capex_at_named_plants_cny": float(chosen["capex_cny"][at[chosen.index]].sum())
                            if len(chosen) else 0.0}
    return out


def not_met(targets: pd.DataFrame) -> list[dict]:
    """The rows a planner must read first: every requirement not met, by how much (t/yr)."""
    rows = targets[~targets["met"].astype(bool)] if len(targets) else targets
    return [{"target": r.target, "kind": r.kind, "required_t": float(r.required_t), "achieved_t": float(r.achieved_t),
             "short_t": float(r.required_t - r.achieved_t)} for r in rows.itertuples()]


def manifest(loaded, md: ModelData, sol: Solution, rules: list[str], timings: dict[str, float]) -> dict:
    """manifest.json: versions, scenario files and overrides, the resolved scenario, input hashes, rules."""
    ds = md.dataset
    return {
        "ersim": version("ersim"), "python": platform.python_version(), "pyomo": version("pyomo"),
        "highspy": version("highspy"), "highs": sol.solver_version,
        "created_utc": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "scenario_files": [str(p) for p in loaded.files],
        "overrides": loaded.overrides,
        "scenario": loaded.resolved,
        "inputs_dir": str(ds.root),
        "inputs_sha256": {p.name: sha256(p) for p in ds.files()},
        "scenario_sha256": {p.name: sha256(p) for p in loaded.files},
        "timings_s": {k: round(v, 3) for k, v in timings.items()},
        "rules": rules,
        "cost_accounting": (f"equivalent annual cost (annualised capex + O&M and energy) of each project in every "
                            f"year from its build year to {md.evaluation_end_year}, discounted at "
                            f"{md.discount_rate:.1%} to {md.base_year} (model/resolve.py)"),
        "milestones": [{"target": t.label, "year": t.year, "required_t": t.required_t}
                       for t in md.targets if t.source == "milestone"],
        "co2_intensity": md.co2_context,
        "scope_cities": list(md.scope_cities),
        "prices_cny_per_unit": dict(sorted(md.prices.items())),
        "plant_list": None if md.plant_list is None else {
            "file": str(md.plant_list.path), "sha256": md.plant_list.sha256,
            "replaced": md.plant_list.table.to_dict("records"), "projects_dropped": md.plant_list.projects_dropped},
    }
