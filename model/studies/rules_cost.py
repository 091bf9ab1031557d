"""The price of each target and each policy rule: the scenario solved with each lifted in turn.

For every target (with its milestones; the CO2-intensity requirement too) and every enabled rule of
:data:`model.rules.RULES` the scenario is solved again without it (a target at 0 t, a rule switched off), with the
same candidates, the other targets, rules and budgets. The difference to the scenario as it is, is what the item
costs (money, discounted and per year once built, and investment) and what it buys (tonnes of each pollutant
beyond what the rest would have chosen). An item with a cost of 0 does not bind: the rest makes the same choices.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..names import EFFECTS
from ..pipeline import Pipeline
from ..resolve import ModelData
from ..results import totals
from ..rules import RULES
from ..rundir import write_atomically, write_csv
from ..scenario import ScenarioError

#: what the table reports for each solve
FIGURES = ["objective_discounted_cny", "capex_cny", "total_annual_cost_cny", *[f"reduction_{p}" for p in EFFECTS]]


def _solve(pipe: Pipeline) -> dict:
    sol = pipe.solver.solve(shadow_prices=False)
    if not sol.ok:
        return {"status": sol.status}
    return {"status": sol.status, **{k: v for k, v in totals(pipe.model, sol).items() if k in FIGURES}}


def priced_items(md: ModelData) -> list[tuple[str, str, str]]:
    """(kind, key, label) of everything priced: each target row that is not a milestone (``target:<row>``), then
    each enabled rule. A scenario with neither has nothing to price (a user's mistake, said before solving)."""
    items = [("target", f"target:{t.key}", t.label) for t in md.targets if t.source != "milestone"]
    items += [("rule", spec.key, spec.label) for spec in RULES if getattr(md.rules, spec.key).enabled]
    if not items:
        raise ScenarioError(f"rules-cost: scenario '{md.name}' has no target and no rule in force, so there is "
                            "nothing to price; add a target or enable a rule (e.g. ule_mandatory: {enabled: true})")
    return items


def lifted(md: ModelData, key: str) -> ModelData:
    """The scenario without item ``key``: a target row (and its milestones) at 0 t, or a rule switched off."""
    return md.without_target(int(key.split(":", 1)[1])) if key.startswith("target:") else md.relaxed(rule=key)


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
                row[f"{k}_cost" if not k.startswith("reduction_") else k.replace("reduction_", "buys_")] = (
                    base[k] - without[k])
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
    return labels
