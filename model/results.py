"""Result tables from a solution: portfolio, targets, per-county and per-measure summaries, candidates.

Column names follow EPA CoST's outputs where they overlap (Strategy Detailed Result, County Summary,
Measure Summary, Least Cost Control Measure Worksheet; see ../shared/docs/anchors.md) and carry units.
All tables are sorted deterministically so the same run gives byte-identical files.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .build import BuiltModel
from .candidates import EFFECTS
from .inputs import Dataset
from .regions import members
from .scenario import POLLUTANT_NAMES
from .solve import Solution

QTY_UNITS = {"household": "households", "kt_per_yr": "kt/yr shifted to rail", "m3_per_day": "m3/day"}


@dataclass
class Results:
    portfolio: pd.DataFrame
    targets: pd.DataFrame
    county_summary: pd.DataFrame
    measure_summary: pd.DataFrame
    candidates: pd.DataFrame
    totals: dict


def _names(ds: Dataset, codes: pd.Series) -> pd.Series:
    return codes.map(ds.regions["name_zh"])


def portfolio_table(ds: Dataset, bm: BuiltModel, sol: Solution) -> pd.DataFrame:
    """One row per chosen project and build year (continuous programmes may span years)."""
    c = bm.candidates
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
            part.loc[bm.early[chosen], "year"] = bm.horizon_years[0]
        part["share_of_max"] = s
        part["quantity"] = part["max_quantity"].to_numpy() * s
        for col in (*EFFECTS, "capex_cny", "annual_cost_cny", "annualised_capex_cny"):
            part[col] = part[col].to_numpy() * s
        rows.append(part)
    port = pd.concat(rows, ignore_index=True) if rows else c.iloc[:0].assign(year=[], share_of_max=[], quantity=[])
    # sidings are projects of their own
    sid = []
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
                                **{p: 0.0 for p in EFFECTS}))
    if sid:
        port = pd.concat([port, pd.DataFrame(sid)], ignore_index=True)
    port["county"] = _names(ds, port["region_code"])
    port["city"] = _names(ds, port["city_code"])
    port["measure_name"] = port["measure_id"].map(ds.measures["name_zh"])
    port["unit"] = port["unit"].replace(QTY_UNITS)
    port["total_annual_cost_cny"] = port["annualised_capex_cny"] + port["annual_cost_cny"]
    cols = ["candidate_id", "kind", "family", "measure_id", "measure_name", "enterprise_id", "enterprise_name",
            "region_code", "county", "city_code", "city", "year", "quantity", "unit", "capex_cny",
            "annualised_capex_cny", "annual_cost_cny", "total_annual_cost_cny", *EFFECTS, "source"]
    return port[cols].sort_values(["year", "family", "city_code", "region_code", "candidate_id"]).reset_index(drop=True)


def targets_table(ds: Dataset, bm: BuiltModel, sol: Solution, portfolio: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for t in bm.targets:
        inside = portfolio["region_code"].isin(members(ds, t.region_code)) & (portfolio["year"] <= t.year)
        achieved = float(portfolio.loc[inside, f"{t.pollutant}_t"].sum())
        rows.append(dict(
            target=t.label, pollutant=POLLUTANT_NAMES.get(t.pollutant, "CO2"), region_code=t.region_code,
            region=t.region_name, year=t.year, kind=t.kind, required_t=t.required_t, achieved_t=achieved,
            slack_t=achieved - t.required_t, shortfall_t=sol.short.get(t.key, 0.0),
            met=achieved >= t.required_t * (1 - 1e-6) - 1e-6,
            shadow_price_cny_per_t=sol.shadow_cny_per_t.get(t.key, np.nan), source=t.source))
    return pd.DataFrame(rows)


def county_summary(ds: Dataset, portfolio: pd.DataFrame) -> pd.DataFrame:
    g = portfolio.groupby("region_code")
    out = g[["capex_cny", "total_annual_cost_cny", *EFFECTS]].sum()
    out.insert(0, "projects", g.size())
    hh = portfolio[portfolio["kind"] == "household"].groupby("region_code")["quantity"].sum()
    out["households_converted"] = hh
    out = out.reindex(ds.counties.index).fillna(0.0)
    out.insert(0, "county", ds.counties["name_zh"])
    out.insert(1, "city", _names(ds, ds.counties["city_code"]))
    out.insert(2, "terrain", ds.counties["terrain"])
    out["coal_households_2020"] = ds.counties["rural_coal_households_2020"]
    return out.rename_axis("region_code").reset_index()


def measure_summary(ds: Dataset, portfolio: pd.DataFrame) -> pd.DataFrame:
    g = portfolio.groupby("measure_id")
    out = g[["quantity", "capex_cny", "annualised_capex_cny", "annual_cost_cny", "total_annual_cost_cny",
             *EFFECTS]].sum()
    out.insert(0, "projects", g.size())
    out.insert(0, "unit", g["unit"].first())
    out.insert(0, "family", g["family"].first())
    out.insert(0, "measure_name", ds.measures["name_zh"].reindex(out.index))
    for p in ("nox", "so2", "vocs", "cod", "nh3n", "co2"):
        tonnes = out[f"{p}_t"].where(out[f"{p}_t"] > 0)
        out[f"cny_per_t_{p}"] = out["total_annual_cost_cny"] / tonnes
    return out.rename_axis("measure_id").reset_index().sort_values(["family", "measure_id"]).reset_index(drop=True)


def candidates_table(ds: Dataset, bm: BuiltModel, sol: Solution) -> pd.DataFrame:
    """Every candidate the model could choose, chosen or not (EPA CoST's Least Cost worksheet)."""
    c = bm.candidates.copy()
    share = sol.u.sum(axis=1) if sol.u.size else np.zeros(len(c))
    first = np.where(sol.u > 1e-6, np.array(bm.years)[None, :], 9999).min(axis=1) if sol.u.size else []
    if bm.early is not None and len(first):
        first = np.where(bm.early & (first < 9999), bm.horizon_years[0], first)
    c["chosen_quantity"] = c["max_quantity"] * share
    c["chosen_year"] = pd.Series(first, index=c.index).where(share > 1e-6).astype("Int64")
    c["mandatory"] = c.index.isin(sorted(bm.mandatory))
    c["city"] = _names(ds, c["city_code"])
    c["county"] = _names(ds, c["region_code"])
    cols = ["candidate_id", "kind", "family", "measure_id", "exclusive_group", "region_code", "county", "city_code",
            "city", "enterprise_id", "enterprise_name", "max_quantity", "unit", "capex_cny", "annual_cost_cny",
            "annualised_capex_cny", *EFFECTS, "mandatory", "chosen_quantity", "chosen_year", "source"]
    return c[cols]


def portfolio_totals(bm: BuiltModel, sol: Solution) -> dict:
    """The totals of ``make_results`` without building the tables (for sweeps that need only these)."""
    c = bm.candidates
    share = sol.u.sum(axis=1)
    chosen = share > 1e-6
    sid_share = np.zeros(len(c))
    for i, built in sol.z.items():
        sid_share[i] = built.sum()

    def col(name: str) -> np.ndarray:
        return c[name].fillna(0).to_numpy(dtype=float) if name in c else np.zeros(len(c))

    capex = (col("capex_cny") * share).sum() + (col("siding_capex_cny") * sid_share).sum()
    annualised = (col("annualised_capex_cny") * share).sum() + (col("siding_annualised_cny") * sid_share).sum()
    om = (col("annual_cost_cny") * share).sum() + (col("siding_annual_cost_cny") * sid_share).sum()
    return dict(projects=int(chosen.sum() + sid_share.sum()), capex_cny=float(capex),
                total_annual_cost_cny=float(annualised + om), annualised_capex_cny=float(annualised),
                annual_om_cny=float(om), objective_discounted_cny=sol.objective,
                **{f"reduction_{p}": float((col(p) * share).sum()) for p in EFFECTS})


def make_results(ds: Dataset, bm: BuiltModel, sol: Solution) -> Results:
    port = portfolio_table(ds, bm, sol)
    tgt = targets_table(ds, bm, sol, port)
    totals = dict(
        projects=int(len(port)), capex_cny=float(port["capex_cny"].sum()),
        total_annual_cost_cny=float(port["total_annual_cost_cny"].sum()),
        annualised_capex_cny=float(port["annualised_capex_cny"].sum()),
        annual_om_cny=float(port["annual_cost_cny"].sum()),
        objective_discounted_cny=sol.objective,
        **{f"reduction_{p}": float(port[p].sum()) for p in EFFECTS},
    )
    return Results(portfolio=port, targets=tgt, county_summary=county_summary(ds, port),
                   measure_summary=measure_summary(ds, port), candidates=candidates_table(ds, bm, sol),
                   totals=totals)
