"""Tables derived from a portfolio alone (no model, no solver): per city, per year, as a printed list shows it.

Result tables of a solve live in :mod:`model.results`; these read a run's ``portfolio.csv`` (or the same frame in
memory), so the terminal, the workbook and the report share them without importing Pyomo.
"""

from __future__ import annotations

import pandas as pd

from .domain import EFFECTS


#: units counted in whole things: a report shows them as integers (see whole_units)
WHOLE_UNITS = ("household", "vehicle", "station", "siding")


def _projects_and_sums(port: pd.DataFrame, keys: list[str], cols: list[str]) -> pd.DataFrame:
    """Per group of ``keys``: the number of projects, then the sums of ``cols``."""
    g = port.groupby(keys)
    out = g[cols].sum()
    out.insert(0, "projects", g.size())
    return out.reset_index()


def per_city(portfolio: pd.DataFrame) -> pd.DataFrame:
    """Per city: projects, investment, annual cost once built and reductions (the workbook's and report's table)."""
    return _projects_and_sums(portfolio, ["city_code", "city"], ["capex_cny", "total_annual_cost_cny", *EFFECTS])


def whole_units(port: pd.DataFrame) -> pd.DataFrame:
    """The portfolio as a printed list shows it: households, vehicles and stations in whole numbers, and each such
    row's money and reductions scaled by the same factor (round(q) / q), so a row's cost per unit and per tonne
    stays as the model has it. The model's programmes are continuous; the difference is at most half a unit."""
    out = port.copy()
    q = out["quantity"].astype(float)
    whole = out["unit"].isin(WHOLE_UNITS) & (q > 0)
    factor = pd.Series(1.0, index=out.index)
    factor[whole] = q[whole].round() / q[whole]
    money = [c for c in ("capex_cny", "annualised_capex_cny", "annual_cost_cny", "total_annual_cost_cny") if c in out]
    for c in ["quantity", *money, *[e for e in EFFECTS if e in out]]:
        out[c] = out[c] * factor
    out.loc[whole, "quantity"] = out.loc[whole, "quantity"].round()
    return out[~whole | (out["quantity"] > 0)]  # a fraction of one household is not a project to print


def annual_plan(port: pd.DataFrame) -> pd.DataFrame:
    """The plan by build year and city (the annual plans, 分年度计划, 000:L302): projects built that year, their
    investment (CNY) and the reductions they add (t/yr), one row per year and city."""
    return _projects_and_sums(port, ["year", "city_code", "city"], ["capex_cny", *EFFECTS])


def investment_by_year(port: pd.DataFrame) -> pd.DataFrame:
    """Investment (CNY) per city (rows, then the total) and build year (columns, then the total): the annual plan
    at a glance."""
    wide = port.pivot_table(index="city", columns="year", values="capex_cny", aggfunc="sum", fill_value=0.0)
    wide.loc["total"] = wide.sum()
    wide["total"] = wide.sum(axis=1)
    wide.columns = [str(c) for c in wide.columns]
    return wide.reset_index()


def projects_per_city(port: pd.DataFrame) -> pd.DataFrame:
    """Projects per city (rows) and family (columns named by family id), with the city's capex (CNY): the run
    summary's last table; model/names.py names the families and shows the capex in 亿元."""
    fam = port.pivot_table(index="city", columns="family", values="candidate_id", aggfunc="count", fill_value=0)
    fam["capex_cny"] = port.groupby("city")["capex_cny"].sum()
    fam.columns.name = None
    return fam.reset_index()
