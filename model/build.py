"""The least-cost Pyomo model: which project, where, and in which year.

Decision variables (i = candidate, y = build year in the horizon):

* ``u[i, y]`` in [0, 1]: share of candidate i's ``max_quantity`` put in place in year y. Binary for
  plant measures and named wastewater plants (built whole or not at all), continuous for household
  conversions, rail tonnage and the synthetic (programme) wastewater capacity.
* ``z[i, y]`` binary: a rail siding built in year y for shipper i (only where none exists).
* ``short[k]`` >= 0: shortfall of soft target k (t), penalised per tonne.

A project built in year y works from year y on: the reduction in year t is eff_i x sum_{y<=t} u[i, y].
Its cost in the objective is (annualised capex + annual running cost) for every year from y to the end of
the horizon, discounted to the base year: capex is annualised with the capital recovery factor over the
measure's lifetime, so a project pays only for the years of the plan it serves.

Targets and the CO2-intensity requirement are ``>=`` constraints whose right-hand sides are mutable
parameters (``m.target_t``) so sweeps change them without rebuilding.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyomo.environ as pyo
from pyomo.core.expr.numeric_expr import LinearExpression

from .candidates import EFFECTS, Candidates, in_scope
from .inputs import Dataset
from .regions import members, resolve_region
from .scenario import POLLUTANT_NAMES, Scenario


class ModelSetupError(Exception):
    """The scenario asks for something the data cannot express (e.g. a rule with no measure to meet it)."""


@dataclass
class TargetRow:
    """One reduction requirement (a target, a milestone, or the CO2-intensity requirement)."""

    key: int
    label: str
    pollutant: str  # 'nox' ... or 'co2'
    region_code: str
    region_name: str
    year: int
    required_t: float
    kind: str  # hard | soft
    penalty_cny_per_t: float
    source: str  # target | milestone | co2_intensity


@dataclass
class BuiltModel:
    model: pyo.ConcreteModel
    candidates: pd.DataFrame  # every candidate, row position = index i of u
    years: list[int]
    targets: list[TargetRow]
    discount: dict[int, float]
    rules: list[str] = field(default_factory=list)  # human-readable list of the active rules
    co2_context: dict = field(default_factory=dict)
    mandatory: set[int] = field(default_factory=set)  # candidates in a rule's "one of these" set
    horizon_years: list[int] = field(default_factory=list)  # the plan's years (``years`` may be collapsed)
    early: np.ndarray | None = None  # collapsed models: candidates built in the first year (they save money)


def linear(coefs: list[float], variables: list) -> LinearExpression:
    """sum(coef * var) built in one step (several times faster than a generator of products)."""
    return LinearExpression(linear_coefs=coefs, linear_vars=variables)


def discount_factors(sc: Scenario) -> dict[int, float]:
    base, r = sc.horizon.base_year, sc.discount_rate
    return {y: 1.0 / (1 + r) ** (y - base) for y in sc.horizon.years}


def _targets(ds: Dataset, sc: Scenario) -> list[TargetRow]:
    rows: list[TargetRow] = []
    for t in sc.targets:
        code = resolve_region(ds, t.region)
        name = ds.regions.loc[code, "name_zh"]
        label = t.label or f"{POLLUTANT_NAMES[t.pollutant]} {name} {t.year}"
        rows.append(TargetRow(len(rows), label, t.pollutant, code, name, t.year, t.reduction_t, t.kind,
                              t.penalty_cny_per_t, "target"))
        for y, v in sorted(t.milestones_t().items()):
            rows.append(TargetRow(len(rows), f"{label} (milestone {y})", t.pollutant, code, name, y, v, t.kind,
                                  t.penalty_cny_per_t, "milestone"))
    return rows


def target_rows(ds: Dataset, sc: Scenario) -> tuple[list[TargetRow], dict]:
    """Every requirement row in model order (targets, their milestones, then CO2), and the CO2 arithmetic."""
    targets = _targets(ds, sc)
    co2_row, co2_ctx = co2_requirement(ds, sc)
    if co2_row is not None:
        co2_row.key = len(targets)
        targets.append(co2_row)
    return targets, co2_ctx


def co2_requirement(ds: Dataset, sc: Scenario) -> tuple[TargetRow | None, dict]:
    """CO2 cut (t) the projects must deliver in the target year for the intensity target.

    intensity_T <= (1 - x) intensity_0  with  CO2_T = BAU_T - cut  and GDP_T = GDP_0 (1 + g)^n:
    cut >= BAU_0 (1 + b)^n - (1 - x) CO2_0 (1 + g)^n. GDP is a parameter, so this stays linear.
    """
    ci = sc.co2_intensity
    if ci is None:
        return None, {}
    code = resolve_region(ds, ci.region)
    base = sc.horizon.base_year
    b = ds.baselines
    co2 = b[(b["region_code"] == code) & (b["quantity"] == "co2_t") & (b["year"] == base)]["value"]
    gdp = b[(b["region_code"] == code) & (b["quantity"] == "gdp_cny") & (b["year"] == base)]["value"]
    if co2.empty or gdp.empty:
        raise ModelSetupError(f"co2_intensity: baselines.csv has no co2_t and gdp_cny for region {code} in {base}; "
                              "add them or set co2_intensity.region to one that has them (140000)")
    co2_0, gdp_0 = float(co2.iloc[0]), float(gdp.iloc[0])
    g = ci.gdp_growth_pct_per_yr if ci.gdp_growth_pct_per_yr is not None else float(
        ds.regions.loc[code, "gdp_growth_pct_per_yr"])
    n = ci.year - base
    gdp_t = gdp_0 * (1 + g / 100) ** n
    bau_t = co2_0 * (1 + ci.bau_co2_growth_pct_per_yr / 100) ** n
    allowed_t = (1 - ci.reduction_pct / 100) * co2_0 / gdp_0 * gdp_t
    cut = max(0.0, bau_t - allowed_t)
    name = ds.regions.loc[code, "name_zh"]
    ctx = dict(region_code=code, co2_base_t=co2_0, gdp_base_cny=gdp_0, gdp_target_year_cny=gdp_t,
               bau_co2_target_year_t=bau_t, allowed_co2_target_year_t=allowed_t, required_cut_t=cut,
               intensity_base_t_per_cny=co2_0 / gdp_0, reduction_pct=ci.reduction_pct, year=ci.year,
               gdp_growth_pct_per_yr=g, bau_co2_growth_pct_per_yr=ci.bau_co2_growth_pct_per_yr)
    row = TargetRow(-1, f"CO2 intensity -{ci.reduction_pct:g}% {name} {ci.year}", "co2", code, name, ci.year, cut,
                    ci.kind, ci.penalty_cny_per_t, "co2_intensity")
    return row, ctx


def collapsible(sc: Scenario) -> bool:
    """True when no constraint couples build years, so one build-year decision per candidate is exact.

    That holds when every target, milestone and rule deadline is the last year and no budget is per year:
    then a project's reductions count the same whatever year it is built, and only its cost depends on
    the year, monotonically: positive-cost projects are cheapest built last, money-saving ones first.
    """
    T = sc.horizon.end_year
    r = sc.rules
    deadlines = [r.ule_mandatory.by_year, r.siding_mandatory.by_year, r.plain_coal_zero.by_year,
                 r.voc_efficiency_floor.by_year, r.boiler_phaseout.by_year]
    return (all(t.year == T and not t.milestones for t in sc.targets)
            and (sc.co2_intensity is None or sc.co2_intensity.year == T)
            and sc.budget.per_year is None and all(d is None or d >= T for d in deadlines))


def build_model(ds: Dataset, sc: Scenario, cands: Candidates) -> BuiltModel:
    """Build the Pyomo model for scenario ``sc`` over candidate projects ``cands``."""
    c = cands.all()
    horizon_years = sc.horizon.years
    collapse = collapsible(sc)
    # one build-year decision when nothing couples years (5x fewer variables, same optimum); see collapsible()
    years = [horizon_years[-1]] if collapse else horizon_years
    T = years[-1]
    df = discount_factors(sc)
    n = len(c)
    m = pyo.ConcreteModel(name=sc.name)
    m.I = pyo.RangeSet(0, n - 1) if n else pyo.Set(initialize=[])
    m.Y = pyo.Set(initialize=years, ordered=True)

    # plant measures and named plants are built whole; programmes and conversions are continuous
    binary = ((c["kind"] == "enterprise") | ((c["kind"] == "wastewater") & c["named"].fillna(False).astype(bool)))
    binary = binary.to_numpy()
    m.u = pyo.Var(m.I, m.Y, bounds=(0, 1), domain=lambda _m, i, y: pyo.Binary if binary[i] else pyo.UnitInterval)
    needs_siding = (c["kind"] == "freight") & c.get("needs_siding", pd.Series(False, index=c.index)).fillna(False)
    siding_idx = list(np.flatnonzero(needs_siding.to_numpy()))
    m.S = pyo.Set(initialize=siding_idx)
    m.z = pyo.Var(m.S, m.Y, domain=pyo.Binary)

    # ---- each candidate at most once; one measure per plant and exclusive group; siding once
    m.once = pyo.Constraint(m.I, rule=lambda _m, i: sum(_m.u[i, y] for y in years) <= 1)
    groups: dict[tuple, list[int]] = defaultdict(list)
    ent = c["kind"] == "enterprise"
    for i, (eid, grp) in zip(np.flatnonzero(ent.to_numpy()), c.loc[ent, ["enterprise_id", "exclusive_group"]]
                             .itertuples(index=False, name=None)):
        groups[(eid, grp)].append(int(i))
    multi = {k: v for k, v in groups.items() if len(v) > 1}
    m.G = pyo.Set(initialize=list(range(len(multi))))
    glist = list(multi.values())
    m.exclusive = pyo.Constraint(m.G, rule=lambda _m, g: sum(_m.u[i, y] for i in glist[g] for y in years) <= 1)
    m.siding_once = pyo.Constraint(m.S, rule=lambda _m, i: sum(_m.z[i, y] for y in years) <= 1)
    m.shift_needs_siding = pyo.Constraint(
        m.S, m.Y, rule=lambda _m, i, t: sum(_m.u[i, y] for y in years if y <= t)
        <= sum(_m.z[i, y] for y in years if y <= t))

    # ---- households per county: the options share the county's coal-burning households
    hh = c[c["kind"] == "household"]
    county_rows: dict[str, list[int]] = defaultdict(list)
    for i, k in zip(hh.index, hh["region_code"]):
        county_rows[k].append(int(i))
    counties = sorted(county_rows)
    m.K = pyo.Set(initialize=counties)
    hh_total = hh.groupby("region_code")["county_households"].first().to_dict()
    maxq = c["max_quantity"].to_numpy(dtype=float)
    m.county_households = pyo.Constraint(
        m.K, rule=lambda _m, k: sum(maxq[i] * _m.u[i, y] for i in county_rows[k] for y in years) <= hh_total[k])

    # ---- reductions by region, pollutant and year
    county_of = c["region_code"]
    eff = {p: c[p].to_numpy(dtype=float) for p in EFFECTS}
    inside_cache: dict[str, np.ndarray] = {}

    def reduction(region_code: str, pollutant: str, t: int):
        if region_code not in inside_cache:  # hash-based membership, once per region
            inside_cache[region_code] = county_of.isin(set(members(ds, region_code))).to_numpy()
        inside = inside_cache[region_code]
        col = eff[f"{pollutant}_t"]
        idx = np.flatnonzero(inside & (col != 0))
        ys = [y for y in years if y <= t]
        return linear([float(col[i]) for i in idx for _ in ys], [m.u[i, y] for i in idx for y in ys])

    targets, co2_ctx = target_rows(ds, sc)
    m.TK = pyo.Set(initialize=[t.key for t in targets])
    m.target_t = pyo.Param(m.TK, mutable=True, initialize={t.key: t.required_t for t in targets})
    soft = [t.key for t in targets if t.kind == "soft"]
    m.TS = pyo.Set(initialize=soft)
    m.short = pyo.Var(m.TS, domain=pyo.NonNegativeReals)
    tmap = {t.key: t for t in targets}
    m.target = pyo.Constraint(m.TK, rule=lambda _m, k: reduction(tmap[k].region_code, tmap[k].pollutant, tmap[k].year)
                              + (_m.short[k] if k in soft else 0) >= _m.target_t[k])

    # ---- policy rules
    mandatory: set[int] = set()
    rules = _add_rules(m, ds, sc, c, years, mandatory)

    # ---- budgets (capex, undiscounted, in the build year)
    capex = c["capex_cny"].to_numpy(dtype=float)
    siding_capex = c.get("siding_capex_cny", pd.Series(0.0, index=c.index)).fillna(0).to_numpy(dtype=float)

    siding_set = set(siding_idx)

    def spend(idx, ys):
        paid = [i for i in idx if capex[i]]
        sid = [i for i in idx if i in siding_set]
        return linear([float(capex[i]) for i in paid for _ in ys] + [float(siding_capex[i]) for i in sid for _ in ys],
                      [m.u[i, y] for i in paid for y in ys] + [m.z[i, y] for i in sid for y in ys])

    all_idx = range(n)
    if sc.budget.total is not None:
        m.budget_total = pyo.Constraint(expr=spend(all_idx, years) <= sc.budget.total.cny)
        rules.append(f"budget: total capex <= {sc.budget.total.value:g} {sc.budget.total.unit}")
    if sc.budget.per_year is not None:
        m.budget_year = pyo.Constraint(m.Y, rule=lambda _m, y: spend(all_idx, [y]) <= sc.budget.per_year.cny)
        rules.append(f"budget: capex per year <= {sc.budget.per_year.value:g} {sc.budget.per_year.unit}")
    if sc.budget.per_city:
        caps = {resolve_region(ds, k, ("city",)): v for k, v in sc.budget.per_city.items()}
        city_of = c["city_code"].to_numpy()
        m.BC = pyo.Set(initialize=sorted(caps))
        m.budget_city = pyo.Constraint(
            m.BC, rule=lambda _m, cc: spend(np.flatnonzero(city_of == cc), years) <= caps[cc].cny)
        rules.append("budget: per-city capex caps")

    # ---- objective
    annual = (c["annualised_capex_cny"] + c["annual_cost_cny"]).to_numpy(dtype=float)
    siding_annual = (c.get("siding_annualised_cny", pd.Series(0.0, index=c.index)).fillna(0)
                     + c.get("siding_annual_cost_cny", pd.Series(0.0, index=c.index)).fillna(0)).to_numpy(dtype=float)
    remaining = {y: sum(df[t] for t in years if t >= y) for y in years}  # discounted years served
    early = (annual < 0) if collapse else np.zeros(n, dtype=bool)
    whole = sum(df.values())  # a money-saving project in a collapsed model is built first and saves every year
    paying = np.flatnonzero(annual != 0)
    cost = (linear([float(annual[i] * (whole if early[i] else remaining[y])) for i in paying for y in years],
                   [m.u[i, y] for i in paying for y in years])
            + pyo.quicksum(siding_annual[i] * remaining[y] * m.z[i, y] for i in m.S for y in years)
            + pyo.quicksum(tmap[k].penalty_cny_per_t * df.get(tmap[k].year, 1.0) * m.short[k] for k in soft))
    m.cost = pyo.Expression(expr=cost)
    if sc.objective == "min_cost":
        m.obj = pyo.Objective(expr=m.cost, sense=pyo.minimize)
    else:
        weights = sc.max_reduction.weights
        gain = pyo.quicksum(w * reduction("140000" if not sc.scope.cities else _scope_region(ds, sc), p, T)
                            for p, w in weights.items() if w)
        # maximise weighted tonnes; a tiny cost term picks the cheapest among equal reductions
        m.obj = pyo.Objective(expr=gain - 1e-9 * m.cost, sense=pyo.maximize)
    return BuiltModel(model=m, candidates=c, years=years, targets=targets, discount=df, rules=rules,
                      co2_context=co2_ctx, mandatory=mandatory, horizon_years=horizon_years, early=early)


def _scope_region(ds: Dataset, sc: Scenario) -> str:
    cities = [resolve_region(ds, x, ("city",)) for x in sc.scope.cities]
    return cities[0] if len(cities) == 1 else "140000"


def _by_year(rule_year: int | None, years: list[int]) -> list[int]:
    last = rule_year or years[-1]
    return [y for y in years if y <= last]


def _add_rules(m: pyo.ConcreteModel, ds: Dataset, sc: Scenario, c: pd.DataFrame, years: list[int],
               mandatory: set[int]) -> list[str]:
    """Seed policy rules as constraints; returns their descriptions. Raises ModelSetupError if unmeetable."""
    rules: list[str] = []
    r = sc.rules
    ent = c[c["kind"] == "enterprise"]
    plants = ds.enterprises[in_scope(ds, sc, ds.enterprises["county_code"])]

    def require_one(name: str, plant_ids: list[str], mask: pd.Series, ys: list[int], why: str) -> None:
        sub = ent[mask]
        idx_by_plant = {k: [int(i) for i in sub.index[v]] for k, v in sub.groupby("enterprise_id").indices.items()}
        missing = [p for p in plant_ids if p not in idx_by_plant]
        if missing:
            names = ", ".join(f"{p} {ds.enterprises.loc[p, 'name_zh']}" for p in missing[:5])
            raise ModelSetupError(f"rule {name}: {len(missing)} plant(s) have no measure that satisfies it ({names}"
                                  f"{' ...' if len(missing) > 5 else ''}); {why}")
        pset = list(plant_ids)
        for p in pset:
            mandatory.update(int(i) for i in idx_by_plant[p])
        setattr(m, f"{name}_set", pyo.Set(initialize=range(len(pset))))
        setattr(m, name, pyo.Constraint(getattr(m, f"{name}_set"), rule=lambda _m, k: sum(
            _m.u[i, y] for i in idx_by_plant[pset[k]] for y in ys) >= 1))

    if r.ule_mandatory.enabled:
        sectors = r.ule_mandatory.sectors
        need = plants[plants["sector"].isin(sectors) & (plants["ule_status"] != "done")]["enterprise_id"].tolist()
        if need:
            require_one("rule_ule", need, ent["ule_compliant"], _by_year(r.ule_mandatory.by_year, years),
                        "add a ULE package measure (ule_compliant=true) for the sector or drop the sector from the rule")
        rules.append(f"ULE mandatory in {', '.join(sectors)} ({len(need)} plants; 000:L310)")
    if r.voc_efficiency_floor.enabled:
        floor = r.voc_efficiency_floor.min_efficiency
        voc_plants = plants[plants["sector"].isin(["chemical", "coating", "other_voc"])
                            & (plants["voc_treatment_eff"].fillna(0) < floor) & (plants["vocs_t"] > 0)]
        if len(voc_plants):
            require_one("rule_voc", voc_plants["enterprise_id"].tolist(),
                        ent["vocs_efficiency_after"].fillna(0) >= floor - 1e-9,
                        _by_year(r.voc_efficiency_floor.by_year, years),
                        f"add a VOC tier with vocs_efficiency_after >= {floor}")
        rules.append(f"VOC treatment efficiency >= {floor:.0%} ({len(voc_plants)} plants; 001:L330)")
    if r.boiler_phaseout.enabled:
        lim = r.boiler_phaseout.below_t_per_h
        boilers = plants[(plants["sector"] == "boiler") & (plants["capacity"] < lim)]
        if len(boilers):
            require_one("rule_boiler", boilers["enterprise_id"].tolist(), ent["family"] == "boiler",
                        _by_year(r.boiler_phaseout.by_year, years), "add a boiler replacement measure")
        rules.append(f"coal boilers < {lim:g} t/h phased out ({len(boilers)} boilers; 000:L304)")
    if r.plain_coal_zero.enabled:
        hh = c[(c["kind"] == "household") & (c["terrain"] == "plain")]
        rows = {k: [int(i) for i in hh.index[v]] for k, v in hh.groupby("region_code").indices.items()}
        totals = hh.groupby("region_code")["county_households"].first()
        ys = _by_year(r.plain_coal_zero.by_year, years)
        keys = sorted(rows)
        mandatory.update(int(i) for i in hh.index)
        maxq = c["max_quantity"].to_numpy(dtype=float)
        m.rule_plain_set = pyo.Set(initialize=range(len(keys)))
        m.rule_plain = pyo.Constraint(m.rule_plain_set, rule=lambda _m, k: sum(
            maxq[i] * _m.u[i, y] for i in rows[keys[k]] for y in ys) >= totals[keys[k]])
        rules.append(f"bulk coal to zero in plain counties ({len(keys)} counties; 000:L302)")
    if r.siding_mandatory.enabled:
        rule = r.siding_mandatory
        fr = c[c["kind"] == "freight"]
        big = fr[fr["freight_kt_per_yr"] >= rule.threshold_kt_per_yr]
        ys = _by_year(rule.by_year, years)
        need_siding = [int(i) for i in big.index[big["needs_siding"].astype(bool)]]
        mandatory.update(int(i) for i in big.index)
        m.rule_siding = pyo.Constraint(need_siding, rule=lambda _m, i: sum(_m.z[i, y] for y in ys) >= 1)
        # rail share of bulk freight >= min_rail_share once the siding exists (002:L324)
        need_share = ((rule.min_rail_share - big["rail_share"]) * big["freight_kt_per_yr"]).clip(lower=0)
        frac = (need_share / big["max_quantity"]).clip(upper=1)
        idx = [int(i) for i in frac.index[frac > 0]]
        m.rule_rail_share = pyo.Constraint(idx, rule=lambda _m, i: sum(_m.u[i, y] for y in ys) >= float(frac[i]))
        rules.append(f"siding for shippers >= {rule.threshold_kt_per_yr:g} kt/yr and rail share >= "
                     f"{rule.min_rail_share:.0%} ({len(big)} shippers; 002:L322, 003:L272)")
    return rules
