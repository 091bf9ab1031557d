"""What a scenario can achieve: the elastic re-solve, the rules and budgets that bind, and maxima.

* :func:`diagnose`: every hard target gets a shortfall variable and the relative shortfall is minimised,
  cost ignored (no big penalties: a 1e9 CNY/t penalty version did not close a 60 % gap in 60 s on an
  infeasible base variant; this one solves in seconds). Then each active rule and budget cap is lifted in
  turn; those whose removal lowers the total shortfall are reported as binding, with the tonnes they cost.
* :func:`max_achievable`: the largest reduction one requirement row can reach under every other constraint.

Both work on models from :mod:`model.build` and solve them with :mod:`model.solve`.
"""

from __future__ import annotations

from dataclasses import replace

import pandas as pd

from .build import BuiltModel, build_model
from .candidates import Candidates
from .resolve import ModelData
from .rules import RULES
from .solve import Solution, Solver


def elastic(md: ModelData, cands: Candidates, start: Solution | None = None) -> tuple[BuiltModel, Solution]:
    """Minimise the hard targets' shortfall relative to each target, ignoring cost.

    ``start``: a portfolio of the same candidates to offer HiGHS first (the unrelaxed elastic solution, feasible
    in a model with a rule lifted). Returns (built model, solution); ``solution.short`` holds the hard rows'
    shortfalls.
    """
    was_hard = [t.key for t in md.targets if t.kind == "hard"]
    air_hard = [a.key for a in md.air_targets if a.kind == "hard"]
    bm = build_model(md.relaxed(all_soft=True), cands).minimising_shortfall(was_hard, air_hard)
    solver = Solver.from_scenario(bm)
    if start is not None:
        solver.start_from(start)
    sol = solver.solve(shadow_prices=False)
    sol.short = {k: v for k, v in sol.short.items() if k in set(was_hard)}
    sol.air_short = {k: v for k, v in sol.air_short.items() if k in set(air_hard)}
    return bm, sol


def _relaxations(md: ModelData) -> list[tuple[str, ModelData]]:
    """(label, the scenario without one active rule or budget cap) for each active rule and cap."""
    sc = md.scenario
    out = [(spec.label, md.relaxed(rule=spec.key)) for spec in RULES if getattr(sc.rules, spec.key).enabled]
    for cap in ("total", "per_year", "discounted_total"):
        if getattr(sc.budget, cap) is not None:
            out.append((f"budget: {cap.replace('_', ' ')}", md.relaxed(budget=cap)))
    if sc.budget.per_city:
        out.append(("budget: per city", md.relaxed(budget="per_city")))
    return out


def diagnose(md: ModelData, cands: Candidates) -> pd.DataFrame:
    """Per hard target: required, achievable and shortfall; then the rules and budgets that bind. When every
    target can be met, the achievable column is the most each row (soft ones too) can reach on its own."""
    _, sol = elastic(md, cands)
    if sol.status == "infeasible":
        # name the rules and caps whose lifting alone makes the rest hold together
        culprits = [what for what, relaxed in _relaxations(md) if elastic(relaxed, cands)[1].ok]
        blame = (f"; lifting any one of these alone makes the rest hold: {', '.join(culprits)}" if culprits
                 else "; no single rule or cap is to blame (several conflict)")
        return pd.DataFrame([{"item": "(rules and budget)", "kind": "rules", "required_t": float("nan"),
                              "achievable_t": float("nan"), "shortfall_t": float("nan"),
                              "note": "the policy rules and budget cannot all hold even without targets: disable "
                                      "a rule or raise the budget" + blame}])
    rows = []
    most = _most_of_unmet(md, cands, sol)
    for t in md.targets:
        if t.key not in sol.short:  # soft targets keep their own penalty: not part of the elastic objective
            continue
        reach = most.get(t.key, t.required_t - sol.short[t.key])
        short = max(0.0, t.required_t - reach)
        rows.append({"item": t.label, "kind": "target", "required_t": t.required_t, "achievable_t": reach,
                     "shortfall_t": short, "note": "cannot be met" if short > 1e-6 else "met"})
    for a in md.air_targets:  # PM2.5 rows: μg/m³, so said in the note (the table's numbers are tonnes)
        if a.key in sol.air_short and sol.air_short[a.key] > 1e-6:
            rows.append({"item": a.label, "kind": "target", "required_t": float("nan"), "achievable_t": float("nan"),
                         "shortfall_t": float("nan"),
                         "note": f"cannot be met: {a.region_name} reaches {a.level_ugm3 + sol.air_short[a.key]:.1f} "
                                 f"μg/m³ at best with the other rows, rules and budget in force (asked {a.level_ugm3:g}, "
                                 f"2020 {a.pm25_2020_ugm3:g})"})
    if sum(sol.short.values()) + sum(sol.air_short.values()) <= 1e-6:
        # everything can be met together: say, per row (soft ones too), how far it could go on its own with
        # every rule, budget and other hard row in force
        bm = build_model(md, cands)
        rows = []
        for t in md.targets:
            # a target moves with its milestones (the value it reports solves as the target's own level)
            most = max_achievable(bm, t.key, md.milestone_shares(t))
            rows.append({"item": t.label, "kind": "target", "required_t": t.required_t, "achievable_t": most,
                         "shortfall_t": max(0.0, t.required_t - most),
                         "note": f"the most it can reach is {most / max(t.required_t, 1.0):.0%} of the requirement"
                         + ("" if t.kind == "hard" else " (soft)")})

    air_rows = {a.key: a for a in md.air_targets}
    # the least relative shortfall: the elastic objective (BuiltModel.minimising_shortfall weighs each hard row's
    # shortfall by what it asks, tonnes and PM2.5 alike)
    total = sol.objective
    if total > 1e-9:
        # A rule binds when lifting it lowers the least shortfall. The elastic solve is within the MIP gap of
        # that least shortfall, so only a relaxed portfolio below total x (1 - gap) proves it (smaller gains are
        # the solver's tolerance, not the rule). Each relaxed solve starts from the unrelaxed portfolio (still
        # feasible with a rule lifted): on the annual-plan base it then stops in 1.5 s instead of 27-81 s.
        proof = total * (1 - (md.solver.mip_gap or 0.0)) - 1e-9
        for what, relaxed in _relaxations(md):
            # the candidates do not depend on rules or budgets, so the same ones serve every relaxation
            _, rsol = elastic(relaxed, cands, start=sol)
            if rsol.ok and rsol.objective < proof:
                gains = [f"{md.targets[k].label} by {v - rsol.short.get(k, 0.0):,.0f} t"
                         for k, v in sol.short.items() if v - rsol.short.get(k, 0.0) > 1e-6]
                gains += [f"{air_rows[k].label} by {v - rsol.air_short.get(k, 0.0):.2f} μg/m³"
                          for k, v in sol.air_short.items() if v - rsol.air_short.get(k, 0.0) > 1e-6]
                rows.append({"item": what, "kind": "binding", "required_t": float("nan"),
                             "achievable_t": float("nan"), "shortfall_t": float("nan"),
                             "note": "binds: lifting it lowers the shortfall of " + "; ".join(gains)})
    return pd.DataFrame(rows, columns=["item", "kind", "required_t", "achievable_t", "shortfall_t", "note"])


def _most_of_unmet(md: ModelData, cands: Candidates, elastic_sol: Solution) -> dict[int, float]:
    """Row key -> the most an unmet hard target (and, at their shares, its milestones) can reach: the target
    raised with its milestones (as a sweep moves them), every row the elastic solve met held at its level, the
    other unmet rows free. Setting the target to that value solves; 1 % more does not (tests/test_diagnose.py).
    The elastic compromise alone says less: it trades one row's shortfall against another's."""
    unmet = {k for k, v in elastic_sol.short.items() if v > 1e-6}
    out: dict[int, float] = {}
    for t in md.targets:
        if t.key not in unmet or t.source == "milestone":
            continue
        linked = md.milestone_shares(t)
        own = {t.key} | {m.key for m in md.milestones_of(t)}
        rows = [replace(r, kind="soft") if r.key in unmet - own else r for r in md.targets]
        # the elastic portfolio meets every row held here: a start HiGHS can take
        reach = max_achievable(build_model(replace(md, targets=rows), cands), t.key, linked, start=elastic_sol)
        if reach == reach:  # nan: nothing meets the rows held (the rules and caps): keep the elastic figure
            out[t.key] = reach
            out.update({k: reach * share for k, share in linked})
    return out


def max_achievable(bm: BuiltModel, key: int, linked: list[tuple[int, float]] = (),
                   start: Solution | None = None) -> float:
    """The largest reduction requirement row ``key`` can reach under every other constraint (MILP), in t; rows
    ``linked`` as ``(row, share)`` move with it (a sweep's milestones: each must reach ``share`` times it).

    Solved to a 1e-4 gap with the scenario's time limit and HiGHS options; the value is the best portfolio found
    (at most 0.01 % below the true maximum); nan if no portfolio meets the other rows. ``start``: a portfolio of
    the same candidates to offer first."""
    solver = Solver.from_scenario(bm.maximising_target(key, linked), mip_gap=1e-4)
    if start is not None:
        solver.start_from(start)
    sol = solver.solve(shadow_prices=False)
    return float(sol.objective) if sol.ok else float("nan")
