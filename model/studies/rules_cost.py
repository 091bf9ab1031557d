"""The price of each policy rule: the scenario solved with each active rule lifted in turn.

For every enabled rule of :data:`model.rules.RULES` the scenario is solved again without it, with the same
candidates, targets and budgets. The difference to the scenario with every rule is what the rule costs (money,
discounted and per year once built) and what it buys (tonnes of each pollutant beyond what the targets alone
would have chosen). A rule with a cost of 0 does not bind: the targets make the same choices anyway.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..names import EFFECTS, pollutant_name
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


def active_rules(md: ModelData) -> list[str]:
    """The enabled rules' keys; a scenario with none has nothing to price (a user's mistake, said before solving)."""
    keys = [spec.key for spec in RULES if getattr(md.rules, spec.key).enabled]
    if not keys:
        raise ScenarioError(f"rules-cost: scenario '{md.name}' has no rule in force, so there is nothing to "
                            "price; enable one under rules: (e.g. ule_mandatory: {enabled: true})")
    return keys


def rules_cost(md: ModelData, progress=lambda _msg: None) -> pd.DataFrame:
    """One row per enabled rule: its cost and what it buys against the scenario with every rule in force.

    Money in CNY (discounted objective; capex; annual cost once built, CNY/yr), tonnes in t/yr in the end year.
    """
    keys = active_rules(md)
    base = Pipeline(md)  # the candidates do not depend on the rules: one set serves every solve
    solved = {}
    for key in [None, *keys]:
        progress("every rule in force" if key is None else f"without {key}")
        solved[key] = _solve(base if key is None else base.varied(md.relaxed(rule=key)))
    return rules_table(solved)


def rule_task(key: str | None, shared: ModelData) -> tuple[str | None, dict]:
    """One solve of a parallel rules-cost: the resolved scenario (sent once per worker) with rule ``key`` lifted,
    or with every rule in force for ``key=None``."""
    base = Pipeline(shared)
    return key, _solve(base if key is None else base.varied(shared.relaxed(rule=key)))


def rules_cost_parallel(md: ModelData, run) -> pd.DataFrame:
    """:func:`rules_cost` with its solves spread over ``run`` (:func:`model.studies.parallel.executor`)."""
    return rules_table(dict(run(rule_task, [None, *active_rules(md)], shared=md)))


def rules_table(solved: dict[str | None, dict]) -> pd.DataFrame:
    """The table of :func:`rules_cost` from the solves (key None = every rule in force)."""
    base = solved[None]
    labels = {spec.key: spec.label for spec in RULES}
    rows = []
    for key in [k for k in solved if k is not None]:
        lifted = solved[key]
        row = {"rule": key, "label": labels[key], "status_without": lifted["status"]}
        if base["status"] != "infeasible" and lifted["status"] != "infeasible":
            for k in FIGURES:
                row[f"{k}_cost" if not k.startswith("reduction_") else k.replace("reduction_", "buys_")] = (
                    base[k] - lifted[k])
        rows.append(row)
    return pd.DataFrame(rows)


def write_rules_cost(table: pd.DataFrame, out_dir: Path, force: bool = False, unique: bool = False) -> Path:
    return write_atomically(out_dir, lambda tmp: write_csv(table, tmp / "rules_cost.csv"), force, unique)


def headline(table: pd.DataFrame) -> pd.DataFrame:
    """The columns a terminal shows (money in 亿元, tonnes in 万吨)."""
    from ..units import cny_to_yi, t_to_wan_t

    if "objective_discounted_cny_cost" not in table:
        return table[["rule", "status_without"]]
    out = pd.DataFrame({"rule": table["rule"],
                        "objective_亿元": cny_to_yi(table["objective_discounted_cny_cost"]),
                        "investment_亿元": cny_to_yi(table["capex_cny_cost"]),
                        "annual_cost_亿元_per_yr": cny_to_yi(table["total_annual_cost_cny_cost"])})
    for p in ("nox", "so2", "vocs", "co2"):
        out[f"buys_{pollutant_name(p)}_万吨"] = t_to_wan_t(table[f"buys_{p}_t"])
    numbers = out.columns.drop("rule")
    out[numbers] = out[numbers].where(out[numbers].abs() > 1e-6, 0.0)  # solver noise, not a cost
    return out
