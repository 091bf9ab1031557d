"""The least-cost Pyomo model: which project, where, and in which year.

Decision variables (i = candidate, y = build year in ``ModelData.years``):

* ``u[i, y]`` in [0, 1]: share of candidate i's ``max_quantity`` put in place in year y. Binary for
  plant measures and named wastewater plants (built whole or not at all), continuous for household
  conversions, rail tonnage and the synthetic (programme) wastewater capacity.
* ``z[i, y]`` binary: a rail siding built in year y for shipper i (only where none exists).
* ``short[k]`` >= 0: shortfall of soft target k (t), penalised per tonne.

A project built in year y works from year y on: the reduction in year t is eff_i x sum_{y<=t} u[i, y].
Its cost in the objective is its equivalent annual cost (capex annualised with the capital recovery factor
over the measure's lifetime, plus the annual running cost) in every year from y to the evaluation end year,
discounted to the base year (see :mod:`model.resolve` for why).

The model is assembled from named constraint families (``define_*``, in the order they appear in the
LP file) and the rules of :mod:`model.rules`. Targets and the CO2-intensity requirement are ``>=`` rows
whose right-hand sides are mutable parameters, so studies change them (:meth:`BuiltModel.set_target_level`)
without rebuilding. Pyomo stays inside this module and :mod:`model.solve`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from .candidates import Candidates
from .names import EFFECTS
from .resolve import ModelData, TargetRow
from .rules import RowGroup, active


@dataclass
class BuiltModel:
    """A Pyomo model of one resolved scenario, and what studies may ask of it."""

    model: pyo.ConcreteModel
    md: ModelData
    candidates: pd.DataFrame  # every candidate, row position = index i of u
    rules: list[str] = field(default_factory=list)  # one line per active rule and budget (for the manifest)
    mandatory: set[int] = field(default_factory=set)  # candidates in a rule's "one of these" set
    early: np.ndarray | None = None  # reduced build years: candidates built in the first year (they save money)

    @property
    def years(self) -> list[int]:
        return self.md.years

    @property
    def targets(self) -> list[TargetRow]:
        return self.md.targets

    # ---- what studies may change
    def set_target_level(self, key: int, level_t: float) -> None:
        """Required reduction (t) of requirement row ``key``; a :class:`~model.solve.Solver` picks it up."""
        self.model.target_t[key] = float(level_t)

    def target_levels(self) -> dict[int, float]:
        return {int(k): float(pyo.value(self.model.target_t[k])) for k in self.model.TK}

    def relaxed(self) -> "BuiltModel":
        """A copy with every integer decision continuous (the LP relaxation)."""
        m = self.model.clone()
        pyo.TransformationFactory("core.relax_integer_vars").apply_to(m)
        return replace(self, model=m)

    def maximising_target(self, key: int) -> "BuiltModel":
        """A copy whose objective is the reduction counted by row ``key`` (its constraint lifted)."""
        m = self.model.clone()
        m.target[key].deactivate()
        m.obj.deactivate()
        body = m.target[key].body - (m.short[key] if key in m.TS else 0)
        m.max_obj = pyo.Objective(expr=body, sense=pyo.maximize)
        return replace(self, model=m)

    def minimising_shortfall(self, keys: list[int]) -> "BuiltModel":
        """This model with the objective replaced by the relative shortfall of rows ``keys`` (soft rows).

        Each shortfall is divided by its row's required level, so tonnes of different pollutants weigh alike.
        """
        m = self.model
        m.obj.deactivate()
        m.elastic_obj = pyo.Objective(expr=pyo.quicksum(m.short[k] / max(self.targets[k].required_t, 1.0)
                                                        for k in keys), sense=pyo.minimize)
        return self

    def write(self, path: Path) -> None:
        """The model as .lp or .mps (by suffix), with readable names, for other solvers and for review."""
        self.model.write(str(path), io_options={"symbolic_solver_labels": True})

    def size(self) -> dict[str, int]:
        return {"variables": self.model.nvariables(), "constraints": self.model.nconstraints()}


def linear(coefs: list[float], variables: list) -> LinearExpression:
    """sum(coef * var) built in one step (several times faster than a generator of products)."""
    return LinearExpression(linear_coefs=coefs, linear_vars=variables)


def _column(c: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric candidate column as floats; 0 where the column is absent or empty."""
    return c[name].fillna(0).to_numpy(dtype=float) if name in c else np.zeros(len(c))


# --------------------------------------------------------------------------- variables
def define_variables(m: pyo.ConcreteModel, c: pd.DataFrame, years: list[int]) -> list[int]:
    """``u`` for every candidate and year, ``z`` for shippers that need a siding; returns those shippers."""
    n = len(c)
    m.I = pyo.RangeSet(0, n - 1) if n else pyo.Set(initialize=[])
    m.Y = pyo.Set(initialize=years, ordered=True)
    # plant measures and named plants are built whole; programmes and conversions are continuous
    binary = ((c["kind"] == "enterprise") | ((c["kind"] == "wastewater") & c["named"].fillna(False).astype(bool)))
    binary = binary.to_numpy()
    m.u = pyo.Var(m.I, m.Y, bounds=(0, 1), domain=lambda _m, i, y: pyo.Binary if binary[i] else pyo.UnitInterval)
    needs_siding = (c["kind"] == "freight") & c.get("needs_siding", pd.Series(False, index=c.index)).fillna(False)
    siding_idx = [int(i) for i in np.flatnonzero(needs_siding.to_numpy())]
    m.S = pyo.Set(initialize=siding_idx)
    m.z = pyo.Var(m.S, m.Y, domain=pyo.Binary)
    return siding_idx


# --------------------------------------------------------------------------- structural families
def define_once_constraints(m: pyo.ConcreteModel, years: list[int]) -> None:
    """Each candidate is built at most once over the years."""
    m.once = pyo.Constraint(m.I, rule=lambda _m, i: sum(_m.u[i, y] for y in years) <= 1)


def define_exclusive_constraints(m: pyo.ConcreteModel, c: pd.DataFrame, years: list[int]) -> None:
    """At most one measure of each exclusive group at each plant."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    ent = c["kind"] == "enterprise"
    for i, (eid, grp) in zip(np.flatnonzero(ent.to_numpy()), c.loc[ent, ["enterprise_id", "exclusive_group"]]
                             .itertuples(index=False, name=None)):
        groups[(eid, grp)].append(int(i))
    glist = [v for v in groups.values() if len(v) > 1]
    m.G = pyo.Set(initialize=list(range(len(glist))))
    m.exclusive = pyo.Constraint(m.G, rule=lambda _m, g: sum(_m.u[i, y] for i in glist[g] for y in years) <= 1)


def define_siding_constraints(m: pyo.ConcreteModel, years: list[int]) -> None:
    """A siding is built at most once, and tonnage shifts to rail only once the siding exists."""
    m.siding_once = pyo.Constraint(m.S, rule=lambda _m, i: sum(_m.z[i, y] for y in years) <= 1)
    m.shift_needs_siding = pyo.Constraint(
        m.S, m.Y, rule=lambda _m, i, t: sum(_m.u[i, y] for y in years if y <= t)
        <= sum(_m.z[i, y] for y in years if y <= t))


def define_household_constraints(m: pyo.ConcreteModel, c: pd.DataFrame, years: list[int]) -> None:
    """The heating options of a county share its coal-burning households."""
    hh = c[c["kind"] == "household"]
    county_rows: dict[str, list[int]] = defaultdict(list)
    for i, k in zip(hh.index, hh["region_code"]):
        county_rows[k].append(int(i))
    m.K = pyo.Set(initialize=sorted(county_rows))
    hh_total = hh.groupby("region_code")["county_households"].first().to_dict()
    maxq = c["max_quantity"].to_numpy(dtype=float)
    m.county_households = pyo.Constraint(
        m.K, rule=lambda _m, k: sum(maxq[i] * _m.u[i, y] for i in county_rows[k] for y in years) <= hh_total[k])


def define_source_constraints(m: pyo.ConcreteModel, c: pd.DataFrame, years: list[int]) -> None:
    """The candidates that draw on one emission source (sources.csv) share its units: the programmes of a source
    (trucks, households, animals) and the treatment plants of a county's sewage (m3/day)."""
    drawn = c[c["pool"].fillna("").astype(str) != ""] if "pool" in c else c.iloc[:0]
    if drawn.empty:
        m.SRC = pyo.Set(initialize=[])
        return
    rows: dict[str, list[int]] = defaultdict(list)
    for i, k in zip(drawn.index, drawn["pool"]):
        rows[k].append(int(i))
    draw = _column(c, "pool_draw")
    units = drawn.groupby("pool")["pool_units"].first().to_dict()
    # one candidate alone that cannot exceed its source needs no row
    shared = sorted(k for k, v in rows.items() if len(v) > 1 or draw[v[0]] > units[k] * (1 + 1e-9))
    m.SRC = pyo.Set(initialize=shared)
    m.source_units = pyo.Constraint(m.SRC, rule=lambda _m, k: linear(
        [float(draw[i]) for i in rows[k] for _ in years], [_m.u[i, y] for i in rows[k] for y in years]) <= units[k])


# --------------------------------------------------------------------------- targets
class _Reductions:
    """Linear expressions of the reduction of one pollutant in a set of counties by a year."""

    def __init__(self, m: pyo.ConcreteModel, c: pd.DataFrame, years: list[int]):
        self.m, self.years = m, years
        self.county_of = c["region_code"]
        self.eff = {p: c[p].to_numpy(dtype=float) for p in EFFECTS}
        self._inside: dict[frozenset, np.ndarray] = {}

    def __call__(self, counties: frozenset[str], column: str, by_year: int) -> LinearExpression:
        if counties not in self._inside:  # hash-based membership, once per region
            self._inside[counties] = self.county_of.isin(counties).to_numpy()
        col = self.eff[column]
        idx = np.flatnonzero(self._inside[counties] & (col != 0))
        ys = [y for y in self.years if y <= by_year]
        return linear([float(col[i]) for i in idx for _ in ys], [self.m.u[i, y] for i in idx for y in ys])


def define_target_constraints(m: pyo.ConcreteModel, targets: list[TargetRow], reduction: _Reductions) -> None:
    """Every requirement row: reduction (+ shortfall if soft) >= mutable level ``target_t``."""
    m.TK = pyo.Set(initialize=[t.key for t in targets])
    m.target_t = pyo.Param(m.TK, mutable=True, initialize={t.key: t.required_t for t in targets})
    soft = [t.key for t in targets if t.kind == "soft"]
    m.TS = pyo.Set(initialize=soft)
    m.short = pyo.Var(m.TS, domain=pyo.NonNegativeReals)
    tmap = {t.key: t for t in targets}
    m.target = pyo.Constraint(m.TK, rule=lambda _m, k: reduction(tmap[k].members, tmap[k].column, tmap[k].year)
                              + (_m.short[k] if k in soft else 0) >= _m.target_t[k])


# --------------------------------------------------------------------------- rules
def _add_row_group(m: pyo.ConcreteModel, g: RowGroup, years: list[int]) -> None:
    """One rule's rows as a Pyomo constraint named ``g.name`` (see :class:`model.rules.RowGroup`)."""
    last = g.by_year or years[-1]
    ys = [y for y in years if y <= last]
    var = m.u if g.var == "u" else m.z
    pos = {k: j for j, k in enumerate(g.index)}

    def row(_m, k):
        j = pos[k]
        if g.coefs is None:
            return sum(var[i, y] for i in g.members[j] for y in ys) >= g.rhs[j]
        return sum(a * var[i, y] for i, a in zip(g.members[j], g.coefs[j]) for y in ys) >= g.rhs[j]

    if all(isinstance(k, int) for k in g.index) and g.index == list(range(len(g.index))):
        setattr(m, f"{g.name}_set", pyo.Set(initialize=range(len(g.index))))
        setattr(m, g.name, pyo.Constraint(getattr(m, f"{g.name}_set"), rule=row))
    else:
        setattr(m, g.name, pyo.Constraint(g.index, rule=row))


def define_rule_constraints(m: pyo.ConcreteModel, md: ModelData, c: pd.DataFrame) -> tuple[list[str], set[int]]:
    """Every enabled rule of :data:`model.rules.RULES`; returns their manifest lines and mandatory candidates."""
    texts, mandatory = [], set()
    for spec, settings in active(md.scenario.rules):
        out = spec.define(md, c, settings)
        for g in out.rows:
            _add_row_group(m, g, md.years)
        mandatory |= out.mandatory
        texts.append(out.text)
    return texts, mandatory


# --------------------------------------------------------------------------- budgets and objective
def define_budget_constraints(m: pyo.ConcreteModel, md: ModelData, c: pd.DataFrame, siding_idx: list[int]
                              ) -> list[str]:
    """Caps on capex (undiscounted, in the build year): in total, per year, per city."""
    years, budget = md.years, md.scenario.budget
    capex = c["capex_cny"].to_numpy(dtype=float)
    siding_capex = _column(c, "siding_capex_cny")
    siding_set = set(siding_idx)

    def spend(idx, ys):
        paid = [i for i in idx if capex[i]]
        sid = [i for i in idx if i in siding_set]
        return linear([float(capex[i]) for i in paid for _ in ys] + [float(siding_capex[i]) for i in sid for _ in ys],
                      [m.u[i, y] for i in paid for y in ys] + [m.z[i, y] for i in sid for y in ys])

    texts, all_idx = [], range(len(c))
    if budget.total is not None:
        m.budget_total = pyo.Constraint(expr=spend(all_idx, years) <= budget.total.cny)
        texts.append(f"budget: total capex <= {budget.total.value:g} {budget.total.unit}")
    if budget.per_year is not None:
        m.budget_year = pyo.Constraint(m.Y, rule=lambda _m, y: spend(all_idx, [y]) <= budget.per_year.cny)
        texts.append(f"budget: capex per year <= {budget.per_year.value:g} {budget.per_year.unit}")
    if md.city_budgets_cny:
        caps = md.city_budgets_cny
        city_of = c["city_code"].to_numpy()
        m.BC = pyo.Set(initialize=sorted(caps))
        m.budget_city = pyo.Constraint(m.BC, rule=lambda _m, cc: spend(np.flatnonzero(city_of == cc), years)
                                       <= caps[cc])
        texts.append("budget: per-city capex caps")
    return texts


def define_pace_constraints(m: pyo.ConcreteModel, md: ModelData, c: pd.DataFrame) -> list[str]:
    """At most ``pace.households_per_year`` households converted per year in a city."""
    caps = md.households_per_year
    if not caps:
        return []
    hh = (c["kind"] == "household").to_numpy()
    city_of, maxq = c["city_code"].to_numpy(), c["max_quantity"].to_numpy(dtype=float)
    rows = {cc: [int(i) for i in np.flatnonzero(hh & (city_of == cc))] for cc in sorted(caps)}
    m.PC = pyo.Set(initialize=sorted(caps))
    m.household_pace = pyo.Constraint(m.PC, m.Y, rule=lambda _m, cc, y: linear(
        [float(maxq[i]) for i in rows[cc]], [_m.u[i, y] for i in rows[cc]]) <= caps[cc])
    return [f"pace: at most {v:,.0f} households converted a year in {k}" for k, v in sorted(caps.items())]


def define_objective(m: pyo.ConcreteModel, md: ModelData, c: pd.DataFrame, reduction: _Reductions) -> np.ndarray:
    """Discounted cost (``m.cost``), minimised, or weighted tonnes maximised; returns the early-built flags.

    A project built in year y pays (annualised capex + running cost) in every year from y to the evaluation end,
    discounted (``ModelData.cost_weight``); with reduced build years (``ModelData.years_reduced``) money-saving
    projects stand for the first year of the horizon: the whole horizon's weight, in the first kept year (their
    later years' variables are fixed at 0 by :func:`build_model`).
    A soft row's shortfall costs its penalty per tonne and year over the years the row stands for.
    """
    years = md.years
    annual = _column(c, "annualised_capex_cny") + _column(c, "annual_cost_cny")
    siding_annual = _column(c, "siding_annualised_cny") + _column(c, "siding_annual_cost_cny")
    served = {y: md.cost_weight(y) for y in years}
    early = (annual < 0) if md.years_reduced else np.zeros(len(c), dtype=bool)
    whole = md.cost_weight(md.horizon_years[0])
    paying = np.flatnonzero(annual != 0)
    soft = [t for t in md.targets if t.kind == "soft"]
    cost = (linear([float(annual[i] * (whole if early[i] else served[y])) for i in paying for y in years],
                   [m.u[i, y] for i in paying for y in years])
            + pyo.quicksum(siding_annual[i] * served[y] * m.z[i, y] for i in m.S for y in years)
            + pyo.quicksum(t.penalty_cny_per_t * t.weight * m.short[t.key] for t in soft))
    m.cost = pyo.Expression(expr=cost)
    sc = md.scenario
    if sc.objective == "min_cost":
        m.obj = pyo.Objective(expr=m.cost, sense=pyo.minimize)
    else:
        # every candidate lies in the scope, so the scope's counties count every reduction the model can make
        gain = pyo.quicksum(w * reduction(md.scope_counties, f"{p}_t", years[-1])
                            for p, w in sc.max_reduction.weights.items() if w)
        # maximise weighted tonnes; a tiny cost term picks the cheapest among equal reductions
        m.obj = pyo.Objective(expr=gain - 1e-9 * m.cost, sense=pyo.maximize)
    return early


def build_model(md: ModelData, cands: Candidates) -> BuiltModel:
    """The Pyomo model of the resolved scenario ``md`` over candidate projects ``cands``."""
    c = cands.all()
    years = md.years
    m = pyo.ConcreteModel(name=md.scenario.name)
    siding_idx = define_variables(m, c, years)
    define_once_constraints(m, years)
    define_exclusive_constraints(m, c, years)
    define_siding_constraints(m, years)
    define_household_constraints(m, c, years)
    define_source_constraints(m, c, years)
    reduction = _Reductions(m, c, years)
    define_target_constraints(m, md.targets, reduction)
    rules, mandatory = define_rule_constraints(m, md, c)
    rules += define_budget_constraints(m, md, c, siding_idx)
    rules += define_pace_constraints(m, md, c)
    early = define_objective(m, md, c, reduction)
    for i in np.flatnonzero(early):  # money-saving projects stand for the first year: one variable, the first kept
        for y in years[1:]:
            m.u[int(i), y].fix(0)
    return BuiltModel(model=m, md=md, candidates=c, rules=rules, mandatory=mandatory, early=early)
