"""The price of each target and each policy rule: the scenario solved with each lifted in turn.

For every target (with its milestones; the CO2-intensity requirement too), every PM2.5 level (``air_targets``) and
every enabled rule of :data:`model.rules.RULES` the scenario is solved again without it (a target at 0 t, a PM2.5
row dropped, a rule switched off), with the same candidates, the other targets, rules and budgets. The difference
to the scenario as it is, is what the item costs (money, discounted and per year once built, and investment) and
what it buys beyond what the rest would have chosen (tonnes of each pollutant; with an air layer, the fall of the
province's modelled PM2.5 and the deaths a year avoided). An item with a cost of 0 does not bind: the rest makes
the same choices.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..names import EFFECTS
from ..pipeline import Pipeline
from ..resolve import ModelData
from ..results import air_table, totals
from ..rules import RULES
from ..rundir import write_atomically, write_csv
from ..scenario import ScenarioError

#: what the table reports for each solve (the last two with an air layer only)
FIGURES = ["objective_discounted_cny", "capex_cny", "total_annual_cost_cny", *[f"reduction_{p}" for p in EFFECTS],
           "pm25_province_modelled_ugm3", "avoided_deaths_per_yr"]
#: a figure's column in the table: what the item costs (with it less without it), or what it buys
COLUMNS = {"pm25_province_modelled_ugm3": "buys_pm25_province_drop_ugm3",
           "avoided_deaths_per_yr": "buys_avoided_deaths_per_yr",
           **{f"reduction_{p}": f"buys_{p}" for p in EFFECTS}}


def _solve(pipe: Pipeline) -> dict:
    sol = pipe.solver.solve(shadow_prices=False)
    if not sol.ok:
        return {"status": sol.status}
    found = totals(pipe.model, sol, air_table(pipe.model, sol))
    return {"status": sol.status, **{k: v for k, v in found.items() if k in FIGURES and v is not None}}


def priced_items(md: ModelData) -> list[tuple[str, str, str]]:
    """(kind, key, label) of everything priced: each target row that is not a milestone (``target:<row>``), each
    PM2.5 level (``air:<row>``), then each enabled rule. A scenario with none has nothing to price (a user's
    mistake, said before solving)."""
    if md.objective != "min_cost":  # what an item costs is the least cost with it less the least cost without
        raise ScenarioError(f"rules-cost prices in money, so it needs objective: min_cost; scenario '{md.name}' has "
                            f"{md.objective} (use the scenario it was derived from, or set objective: min_cost)")
    items = [("target", f"target:{t.key}", t.label) for t in md.targets if t.source != "milestone"]
    items += [("air", f"air:{a.key}", a.label) for a in md.air_targets]
    items += [("rule", spec.key, spec.label) for spec in RULES if getattr(md.rules, spec.key).enabled]
    if not items:
        raise ScenarioError(f"rules-cost: scenario '{md.name}' has no target and no rule in force, so there is "
                            "nothing to price; add a target or enable a rule (e.g. ule_mandatory: {enabled: true})")
    return items


def lifted(md: ModelData, key: str) -> ModelData:
    """The scenario without item ``key``: a target row (and its milestones) at 0 t, a PM2.5 row dropped, or a
    rule switched off."""
    kind, _, row = key.partition(":")
    if kind == "target":
        return md.without_target(int(row))
    if kind == "air":
        return md.without_air_target(int(row))
    return md.relaxed(rule=key)


def rules_cost(md: ModelData, progress=lambda _msg: None) -> pd.DataFrame:
    """One row per target and enabled rule: its cost and what it buys against the scenario as it is.

    Money in CNY (discounted objective; capex; annual cost once built, CNY/yr), tonnes in t/yr in the end year.
    """
    items = priced_items(md)
    base = Pipeline(md)  # the candidates do not depend on rules or target levels: one set serves every solve
    solved = {}
    for key in [None, *(k for _, k, _ in items)]:
        progress("the scenario as it is" if key is None else f"without {key}")
        solved[key] = _solve(base if key is None else base.varied(lifted(md, key)))
    return rules_table(solved, items)


def rule_task(key: str | None, shared: ModelData) -> tuple[str | None, dict]:
    """One solve of a parallel rules-cost: the resolved scenario (sent once per worker) without item ``key``,
    or as it is for ``key=None``."""
    base = Pipeline(shared)
    return key, _solve(base if key is None else base.varied(lifted(shared, key)))


def rules_cost_parallel(md: ModelData, run) -> pd.DataFrame:
    """:func:`rules_cost` with its solves spread over ``run`` (:func:`model.studies.parallel.executor`)."""
    items = priced_items(md)
    return rules_table(dict(run(rule_task, [None, *(k for _, k, _ in items)], shared=md)), items)


def rules_table(solved: dict[str | None, dict], items: list[tuple[str, str, str]]) -> pd.DataFrame:
    """The table of :func:`rules_cost` from the solves (key None = the scenario as it is)."""
    base = solved[None]
    rows = []
    for kind, key, label in items:
        without = solved[key]
        row = {"kind": kind, "item": key, "label": label, "status_without": without["status"]}
        if base["status"] != "infeasible" and without["status"] != "infeasible":
            for k in FIGURES:
                if k in base and k in without:  # the PM2.5 and deaths figures need an air layer
                    with_less_without = base[k] - without[k]
                    # a lower PM2.5 with the item is what it buys: the fall, positive
                    row[COLUMNS.get(k, f"{k}_cost")] = (-with_less_without if k.startswith("pm25_")
                                                        else with_less_without)
        rows.append(row)
    return pd.DataFrame(rows)


def write_rules_cost(table: pd.DataFrame, out_dir: Path, force: bool = False, unique: bool = False) -> Path:
    return write_atomically(out_dir, lambda tmp: write_csv(table, tmp / "rules_cost.csv"), force, unique)


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a terminal shows, in CNY and t (the display shows them in 亿元 and 万吨: headline_labels)."""
    if "objective_discounted_cny_cost" not in table:
        return table[["label", "status_without"]]
    out = pd.DataFrame({"item": table["label"], "objective_cost_cny": table["objective_discounted_cny_cost"],
                        "capex_cost_cny": table["capex_cny_cost"],
                        "annual_cost_cny": table["total_annual_cost_cny_cost"]})
    for p in ("nox", "so2", "vocs", "co2"):
        out[f"buys_{p}_t"] = table[f"buys_{p}_t"]
    for k in ("buys_pm25_province_drop_ugm3", "buys_avoided_deaths_per_yr"):
        if k in table:
            out[k] = table[k]
    numbers = out.columns.drop("item")
    out[numbers] = out[numbers].where(out[numbers].abs() > 1e-6, 0.0)  # solver noise, not a cost
    return out


def headline_labels() -> dict:
    """Headers of :func:`headline` in both languages, with the units the display converts to."""
    from ..names import Column, POLLUTANTS

    labels = {"item": Column("目标或规则", "target or rule"),
              "objective_cost_cny": Column("折现总成本", "discounted cost", "亿元"),
              "capex_cost_cny": Column("投资", "investment", "亿元"),
              "annual_cost_cny": Column("建成后年成本", "annual cost once built", "亿元/年")}
    for p in ("nox", "so2", "vocs", "co2"):
        labels[f"buys_{p}_t"] = Column(f"多减{POLLUTANTS[p].zh}", f"buys {POLLUTANTS[p].en}", "万吨")
    labels["buys_pm25_province_drop_ugm3"] = Column("全省PM2.5多降", "buys a PM2.5 fall (province)", "μg/m³",
                                                    decimals=2)
    labels["buys_avoided_deaths_per_yr"] = Column("多避免过早死亡", "buys deaths avoided", "人/年", decimals=0)
    return labels
