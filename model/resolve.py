"""Scenario x dataset -> :class:`ModelData`: every fact the model needs, resolved once and passed down.

:func:`resolve` checks the scenario's names against the dataset (regions, cities, measures, price carriers:
each problem with its file:line:col and the fix) and computes, once:

* the scope: the cities in the scenario and the counties inside them;
* prices (``prices.csv`` with the scenario's overrides), the discount rate and factors, the CRF, and the
  cost weight of each build year (see below);
* every requirement row in model order (targets, their milestones, then the CO2-intensity row), each
  with its region's member counties, year, level, kind, penalty and the discounted years it stands for;
* the CO2-intensity arithmetic, the per-city budget caps by city code, and the build years the model needs
  (the requirement years; exact, see :func:`build_years`).

Candidates, build, solve, results, the studies and the diagnosis read these; none resolves a region or a
target again.

Cost accounting (why build years are not an artefact): a project's equivalent annual cost (annualised capex at
the CRF of its lifetime + O&M and energy) is counted in every year from its build year to
``horizon.evaluation_end_year`` (default 2050), discounted to the base year: ``cost_weight(y) = sum of the
discount factors of y..E``. A life that runs past E leaves its remaining annuities as salvage; a shorter one
is renewed at the same annual cost (the equivalent-annual-cost comparison). Building earlier then costs more
only by the time value of money and the years it serves before any target counts (2021 vs 2025 at 8 %: 1.42x,
against 5.9x when only the plan years counted). A soft row's shortfall is charged per tonne and year over the
years the row stands for (a milestone until the next requirement of its target, a target or the CO2 row to E),
and its shadow price is the dual divided by the same weight: CNY per tonne per year, so milestone and end-year
prices compare.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import TYPE_CHECKING

import pandas as pd

from .air import AirParameters, air_parameters
from .errors import ModelSetupError, did_you_mean
from .inputs import SECTORS, Dataset
from .domain import POLLUTANTS, PROVINCE_CODE
from .regions import members, resolve_region
from .rules import RULES
from .scenario import LoadedScenario, Scenario, ScenarioError, pollutant_key

if TYPE_CHECKING:
    from .plant_list import Replacement

#: how a command names the CO2-intensity row (ersim sweep --target CO2-intensity)
CO2_NAMES = ("co2-intensity", "co2", "co2-intensity-target")


@dataclass(frozen=True)
class TargetRow:
    """One reduction requirement (a target, a milestone, or the CO2-intensity requirement)."""

    key: int  # row position in the model, 0..
    label: str
    pollutant: str  # 'nox' ... or 'co2'
    region_code: str
    region_name: str
    members: frozenset[str]  # county codes inside the region
    year: int
    required_t: float
    kind: str  # hard | soft
    penalty_cny_per_t: float  # per tonne short and year
    source: str  # target | milestone | co2_intensity
    weight: float  # discounted years the row stands for (its year to the next requirement, or to the end)

    @property
    def column(self) -> str:
        return f"{self.pollutant}_t"


@dataclass(frozen=True)
class AirTargetRow:
    """A PM2.5 level to reach (scenario ``air_targets``), resolved: the fall the projects must give, the mean over
    ``cities`` (one city, or every city of the province: the plan's indicator is their mean)."""

    key: int  # position among the air rows
    label: str
    region_code: str
    region_name: str
    cities: tuple[str, ...]  # city codes whose mean PM2.5 is meant
    year: int
    level_ugm3: float
    pm25_2020_ugm3: float
    kind: str  # hard | soft
    penalty_cny_per_ugm3: float  # per μg/m³ above the level and year
    weight: float  # discounted years the row stands for (its year to the evaluation end)

    @property
    def required_drop_ugm3(self) -> float:
        return self.pm25_2020_ugm3 - self.level_ugm3


def crf(rate: float, lifetime_yr: pd.Series | float) -> pd.Series | float:
    """Capital recovery factor: the annuity that repays 1 CNY over ``lifetime_yr`` at ``rate``."""
    if rate == 0:
        return 1.0 / lifetime_yr
    growth = (1 + rate) ** lifetime_yr
    return rate * growth / (growth - 1)


@dataclass
class ModelData:
    """The resolved scenario: what build, solve, results and the studies read (see the module docstring)."""

    dataset: Dataset
    scenario: Scenario
    scope_cities: tuple[str, ...]  # city codes; empty = the whole province
    scope_counties: frozenset[str]
    prices: dict[str, float]
    horizon_years: list[int]
    years: list[int]  # the build years the model may keep: the requirement years, or the horizon (see build_years);
    # the model keeps these only where that is exact for its candidates (BuiltModel.years)
    discount: dict[int, float]  # year -> factor to the base year, from the start year to the evaluation end
    targets: list[TargetRow]
    co2_context: dict = field(default_factory=dict)
    city_budgets_cny: dict[str, float] = field(default_factory=dict)
    households_per_year: dict[str, float] = field(default_factory=dict)  # city code -> cap on conversions a year
    programme_paces: list = field(default_factory=list)  # scenario.ProgrammePace, checked against the measures
    warnings: list[str] = field(default_factory=list)  # said before solving (a target far below its baseline)
    plant_list: "Replacement | None" = None  # what a planner's plant list replaced (scenario key plants)
    air: "AirParameters | None" = None  # the PM2.5 and health layer (model/air.py); None: the dataset has none
    air_targets: list[AirTargetRow] = field(default_factory=list)  # PM2.5 levels to reach
    min_avoided_deaths_per_yr: float | None = None  # the health floor (scenario health:)

    @property
    def discount_rate(self) -> float:
        return self.scenario.discount_rate

    # What downstream modules read of the scenario, named here so that none reaches behind ModelData (the manifest
    # alone keeps the raw scenario).
    @property
    def name(self) -> str:
        return self.scenario.name

    @property
    def objective(self) -> str:
        """'min_cost' or 'max_reduction'."""
        return self.scenario.objective

    @property
    def base_year(self) -> int:
        return self.scenario.horizon.base_year

    @property
    def solver(self):
        """The scenario's solver settings (time limit, MIP gap, HiGHS options): Solver.from_scenario applies them."""
        return self.scenario.solver

    @property
    def one_truck_fleet(self) -> bool:
        """Rail shift and truck programmes draw on one heavy-truck fleet per city (build.define_truck_fleet_...)."""
        return self.scenario.one_truck_fleet

    @property
    def rules(self):
        return self.scenario.rules

    @property
    def budget(self):
        return self.scenario.budget

    @property
    def excluded_measures(self) -> frozenset[str]:
        """Measure ids and families the scenario leaves out."""
        return frozenset(self.scenario.measures.exclude)

    @property
    def reduction_weights(self) -> dict[str, float]:
        """Weights of the ``max_reduction`` objective per pollutant."""
        return self.scenario.max_reduction.weights

    def crf(self, lifetime_yr):
        return crf(self.scenario.discount_rate, lifetime_yr)

    @property
    def scope_region(self) -> str:
        """The region whose reductions a ``max_reduction`` objective counts: the one city, else the province."""
        return self.scope_cities[0] if len(self.scope_cities) == 1 else PROVINCE_CODE

    @property
    def scope_name(self) -> str:
        """The scope in words: the province, or its cities (临汾市、运城市)."""
        codes = self.scope_cities or (PROVINCE_CODE,)
        return "、".join(self.dataset.regions.loc[c, "name_zh"] for c in codes)

    def in_scope(self, county_codes: pd.Series) -> pd.Series:
        """True where the county is inside the scenario's scope."""
        return county_codes.isin(self.scope_counties)

    @cached_property
    def plants(self) -> pd.DataFrame:
        """The enterprises inside the scope."""
        e = self.dataset.enterprises
        return e[self.in_scope(e["county_code"])]

    @property
    def evaluation_end_year(self) -> int:
        return self.scenario.horizon.evaluation_end_year

    def cost_weight(self, build_year: int) -> float:
        """What 1 CNY/yr of equivalent annual cost costs in the objective when built in ``build_year``:
        the discount factors of ``build_year`` .. the evaluation end, summed."""
        return _window(self.discount, build_year, self.evaluation_end_year)

    def target(self, pollutant: str) -> TargetRow:
        """The scenario's target (not a milestone) for ``pollutant`` (NOx, nox, VOCs ...), or its CO2-intensity
        row for ``CO2-intensity`` (the CO2 cut it requires)."""
        if str(pollutant).strip().lower().replace("_", "-") in CO2_NAMES:
            rows = [t for t in self.targets if t.source == "co2_intensity"]
            if not rows:
                raise ScenarioError("the scenario has no co2_intensity: to sweep; add one (reduction_pct: 18)")
            return rows[0]
        key = pollutant_key(pollutant)
        rows = [t for t in self.targets if t.pollutant == key and t.source == "target"]
        if not rows:
            have = ", ".join(POLLUTANTS[t.pollutant].label for t in self.targets if t.source == "target")
            raise ScenarioError(f"the scenario has no {pollutant} target (it has: {have or 'none'}); add one "
                                "under targets:")
        return rows[0]

    def relaxed(self, *, all_soft: bool = False, rule: str | None = None, budget: str | None = None) -> "ModelData":
        """A copy with every row soft, one rule off (its key) or one budget cap lifted (total, per_year,
        per_city); the names stay resolved, and the build years stay as they are (lifting a constraint never
        couples years)."""
        sc = self.scenario.model_copy(deep=True)
        rows, city_caps = self.targets, self.city_budgets_cny
        if all_soft:
            for t in sc.targets:
                t.kind = "soft"
            if sc.co2_intensity is not None:
                sc.co2_intensity.kind = "soft"
            rows = [replace(t, kind="soft") for t in rows]
            for a in sc.air_targets:
                a.kind = "soft"
            air = [replace(a, kind="soft") for a in self.air_targets]
        else:
            air = self.air_targets
        if rule is not None:
            getattr(sc.rules, rule).enabled = False
        if budget == "per_city":
            sc.budget.per_city, city_caps = {}, {}
        elif budget is not None:
            setattr(sc.budget, budget, None)
        return replace(self, scenario=sc, targets=rows, city_budgets_cny=city_caps, air_targets=air)

    def milestones_of(self, row: TargetRow) -> list[TargetRow]:
        """The milestone rows of target ``row`` (they follow it in model order), for studies that move a target
        and keep its phasing: a milestone stays the same share of its target."""
        out = []
        for t in self.targets[row.key + 1:]:
            if t.source != "milestone" or t.pollutant != row.pollutant or t.region_code != row.region_code:
                break
            out.append(t)
        return out

    def milestone_shares(self, row: TargetRow) -> list[tuple[int, float]]:
        """(row key, share of ``row``'s level) of the milestones that move with target ``row``: as a sweep moves
        them, the diagnosis raises them and the marginal cost counts them. None for a milestone itself or a
        target of 0 t."""
        if row.source == "milestone" or row.required_t <= 0:
            return []
        return [(m.key, m.required_t / row.required_t) for m in self.milestones_of(row)]

    def without_target(self, key: int) -> "ModelData":
        """A copy in which requirement row ``key`` and its milestones require 0 t (the target lifted, for pricing
        it: model/studies/rules_cost.py)."""
        lifted = {key} | {m.key for m in self.milestones_of(self.targets[key])}
        return replace(self, targets=[replace(t, required_t=0.0) if t.key in lifted else t for t in self.targets])

    def without_air_target(self, key: int) -> "ModelData":
        """A copy without PM2.5 row ``key`` (the level lifted, for pricing it: model/studies/rules_cost.py); the
        other rows keep their keys."""
        return replace(self, air_targets=[a for a in self.air_targets if a.key != key])

    def hardening(self, pollutant: str) -> "ModelData":
        """A copy in which every row (target and milestones) of ``pollutant`` (an id, e.g. 'nox') is hard."""
        sc = self.scenario.model_copy(deep=True)
        for t in sc.targets:
            if t.pollutant == pollutant:
                t.kind = "hard"
        if pollutant == "co2" and sc.co2_intensity is not None:
            sc.co2_intensity.kind = "hard"
        rows = [replace(t, kind="hard") if t.pollutant == pollutant else t for t in self.targets]
        return replace(self, scenario=sc, targets=rows)

    def co2_intensity_change_pct(self, cut_t: float) -> float:
        """CO2 per unit GDP in the target year, % change from the base year, if the projects cut ``cut_t``."""
        ctx = self.co2_context
        intensity = (ctx["bau_co2_target_year_t"] - cut_t) / ctx["gdp_target_year_cny"]
        return -100 * (1 - intensity / ctx["intensity_base_t_per_cny"])

    @property
    def objective_unit(self) -> str:
        """What the objective counts: discounted CNY (min_cost), weighted tonnes (max_reduction) or premature deaths
        avoided a year (max_health)."""
        return {"min_cost": "cny", "max_reduction": "weighted_t", "max_health": "deaths"}[self.scenario.objective]


def milestones_t(sc: Scenario, target) -> list[tuple[int, tuple[float, str]]]:
    """(year, (required t, how it was set)) of a target's milestones, by year: its own, else the scenario's
    phasing shares (hard targets only; ``linear`` fills every year before the end)."""
    own = {y: (v, "") for y, v in target.milestones_t().items()}
    if target.kind == "hard":
        for y, s in phasing_shares(sc, target.year).items():
            own.setdefault(y, (s * target.reduction_t, f", {s:.0%} phasing"))
    return sorted(own.items())


def phasing_shares(sc: Scenario, year: int) -> dict[int, float]:
    """year -> share of a requirement due in ``year`` that the scenario's phasing asks for before it: the straight
    line from the base year (``linear``), and the ``milestones`` shares where they name a year."""
    h, ph = sc.horizon, sc.phasing
    shares = {y: (y - h.base_year) / (year - h.base_year) for y in range(h.start_year, year)} if ph.linear else {}
    shares.update({y: s for y, s in ph.milestones.items() if y < year})
    return dict(sorted(shares.items()))


def baseline_t(ds: Dataset, counties: frozenset[str], column: str) -> float:
    """2020 emissions (t/yr) of ``column`` in ``counties``: the plants of enterprises.csv and the sources of
    sources.csv (what ``ersim check-inputs`` totals)."""
    total = 0.0
    for table in (ds.enterprises, ds.sources):
        if column in table and len(table):
            total += float(table.loc[table["county_code"].isin(counties), column].sum())
    return total


def _check_levels(ds: Dataset, sc: Scenario, codes: list, inside: dict, names: "_Names") -> list[str]:
    """Each target against its region's 2020 baseline, before any solve: a reduction above the baseline is a
    mistake (most often t for 万吨, or the plan's 2025 emissions for its cut), one below 0.1 % of it a warning
    (万吨 typed as t). Returns the warnings; the mistakes join ``names.problems``."""
    warnings = []
    for i, (t, code) in enumerate(zip(sc.targets, codes)):
        if code is None:
            continue
        base = baseline_t(ds, inside[code], POLLUTANTS[t.pollutant].column)
        if base <= 0:  # a dataset without that pollutant's inventory (the golden tests' wastewater): no yardstick
            continue
        said = f"{t.reduction:g} {t.unit} = {t.reduction_t:,.0f} t"
        where = f"{ds.regions.loc[code, 'name_zh']}'s 2020 {POLLUTANTS[t.pollutant].label} baseline"
        if t.reduction_t > base:
            names.problem(("targets", i, "reduction"), f"{said} is more than {where} ({base:,.0f} t/yr): a cut "
                                                       "cannot exceed the emissions; check the unit (t, 万吨)")
        elif 0 < t.reduction_t < 1e-3 * base:
            warnings.append(f"{names.place(('targets', i, 'reduction'))}: targets.{i}.reduction: {said} is below "
                            f"0.1 % of {where} ({base:,.0f} t/yr); was 万吨 meant (unit: 万吨)?")
    return warnings


def build_years(sc: Scenario, rows: list[TargetRow]) -> list[int]:
    """The build years the model may keep: the years something is required (every target, milestone and the CO2
    row, every rule deadline, the end year), or the whole horizon when a budget or pace caps single years (or
    the scenario asks for every year, ``horizon.build_years: every``).

    Why requirement years suffice when they do: only requirement years make a build count, and a project's cost
    falls the later it is built (``cost_weight`` decreases), so a project that costs money built in year y can
    move to the next requirement year at no loss (every row that counted it still does, none more). A
    money-saving one is best built as early as possible *if* being in place earlier never hurts a row: the
    build model checks that on the candidates (:func:`model.build.model_years`: no money-saving candidate raises
    a pollutant a row counts before the end year, none needs a siding) and keeps every year where it fails.
    Only a per-year budget or pace cap sees single years, so then every year is kept.
    """
    horizon = sc.horizon.years
    # PM2.5 rows and the health floor keep every year too: their exactness condition (no money-saving project
    # raises an earlier-counted quantity) is not checked for concentrations
    if (sc.horizon.build_years == "every" or sc.budget.per_year is not None or sc.pace.households_per_year
            or sc.pace.programmes or sc.air_targets or sc.health.min_avoided_deaths_per_yr is not None):
        return horizon
    need = {horizon[-1]} | {r.year for r in rows}
    need |= {getattr(sc.rules, spec.key).by_year for spec in RULES if getattr(sc.rules, spec.key).enabled}
    return [y for y in horizon if y in need]


class _Names:
    """Resolves every name in a scenario against the dataset, collecting problems with their places."""

    def __init__(self, ds: Dataset, loaded: LoadedScenario | None):
        self.ds, self.loaded, self.problems = ds, loaded, []

    def place(self, path: tuple) -> str:
        return self.loaded.place(*path) if self.loaded is not None else "scenario"

    def region(self, path: tuple, text, levels=("province", "city", "county")) -> str | None:
        try:
            return region_code(self.ds, text, levels)
        except ValueError as err:
            self.problems.append(f"{self.place(path)}: {'.'.join(map(str, path))}: {err}")
            return None

    def problem(self, path: tuple, message: str) -> None:
        self.problems.append(f"{self.place(path)}: {'.'.join(map(str, path))}: {message}")


def region_code(ds: Dataset, text, levels=("province", "city", "county")) -> str:
    """Region code for a code, Chinese name or pinyin (ValueError says why not): the one lookup of names."""
    return resolve_region(ds, text, levels)


def discount_factors(sc: Scenario) -> dict[int, float]:
    """Factor to the base year of every year from the start year to the evaluation end year."""
    h, r = sc.horizon, sc.discount_rate
    return {y: 1.0 / (1 + r) ** (y - h.base_year) for y in range(h.start_year, h.evaluation_end_year + 1)}


def _window(discount: dict[int, float], first: int, last: int) -> float:
    return sum(f for t, f in discount.items() if first <= t <= last)


def co2_requirement(ds: Dataset, sc: Scenario, code: str, key: int, discount: dict[int, float]
                    ) -> tuple[list[TargetRow], dict]:
    """CO2 cut (t) the projects must deliver in the target year for the intensity target, and on its path.

    intensity_T <= (1 - x) intensity_0  with  CO2_T = BAU_T - cut  and GDP_T = GDP_0 (1 + g)^n:
    cut >= BAU_0 (1 + b)^n - (1 - x) CO2_0 (1 + g)^n. GDP is a parameter, so this stays linear.
    The scenario's phasing applies to the intensity, hard or soft (China assesses CO2 per unit GDP every year):
    a year with share s requires intensity_y <= (1 - s x) intensity_0, one milestone row after the target row.
    """
    ci = sc.co2_intensity
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

    def cut_t(year: int, pct: float) -> tuple[float, float, float, float]:
        """(required cut, GDP, BAU CO2, allowed CO2) in ``year`` for an intensity ``pct`` % below the base year."""
        n = year - base
        gdp_t = gdp_0 * (1 + g / 100) ** n
        bau_t = co2_0 * (1 + ci.bau_co2_growth_pct_per_yr / 100) ** n
        allowed_t = (1 - pct / 100) * co2_0 / gdp_0 * gdp_t
        return max(0.0, bau_t - allowed_t), gdp_t, bau_t, allowed_t

    cut, gdp_t, bau_t, allowed_t = cut_t(ci.year, ci.reduction_pct)
    name = ds.regions.loc[code, "name_zh"]
    ctx = dict(region_code=code, co2_base_t=co2_0, gdp_base_cny=gdp_0, gdp_target_year_cny=gdp_t,
               bau_co2_target_year_t=bau_t, allowed_co2_target_year_t=allowed_t, required_cut_t=cut,
               intensity_base_t_per_cny=co2_0 / gdp_0, reduction_pct=ci.reduction_pct, year=ci.year,
               gdp_growth_pct_per_yr=g, bau_co2_growth_pct_per_yr=ci.bau_co2_growth_pct_per_yr)
    label = f"CO2 intensity -{ci.reduction_pct:g}% {name} {ci.year}"
    inside, end = frozenset(members(ds, code)), sc.horizon.evaluation_end_year
    rows = [TargetRow(key, label, "co2", code, name, inside, ci.year, cut, ci.kind, ci.penalty_cny_per_t,
                      "co2_intensity", _window(discount, ci.year, end))]
    steps = list(phasing_shares(sc, ci.year).items())
    for (y, s), nxt in zip(steps, [*(y for y, _ in steps[1:]), ci.year]):
        rows.append(TargetRow(key + len(rows), f"{label} (milestone {y}, {s:.0%} phasing)", "co2", code, name,
                              inside, y, cut_t(y, s * ci.reduction_pct)[0], ci.kind, ci.penalty_cny_per_t,
                              "milestone", _window(discount, y, nxt - 1)))
    return rows, ctx


def resolve(ds: Dataset, scenario: Scenario | LoadedScenario) -> ModelData:
    """Check ``scenario`` against ``ds`` and resolve everything the model needs (see the module docstring)."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else None
    sc = loaded.scenario if loaded is not None else scenario
    plant_list = None
    if loaded is not None and loaded.plant_list_path() is not None:  # a planner's own plants replace the defaults
        from .inputs import InputDataError
        from .plant_list import replace_plants

        try:
            ds, plant_list = replace_plants(ds, loaded.plant_list_path())
        except InputDataError as err:
            raise ScenarioError(f"{loaded.place('plants')}: plants: {loaded.plant_list_path()}:\n{err}") from None
    names = _Names(ds, loaded)
    regions = ds.regions
    target_codes = [names.region(("targets", i, "region"), t.region) for i, t in enumerate(sc.targets)]
    co2_code = (names.region(("co2_intensity", "region"), sc.co2_intensity.region)
                if sc.co2_intensity is not None else None)
    scope = [names.region(("scope", "cities", i), c, ("city",)) for i, c in enumerate(sc.scope.cities)]
    budgets = {k: names.region(("budget", "per_city", k), k, ("city",)) for k in sc.budget.per_city}
    paces = {k: names.region(("pace", "households_per_year", k), k, ("city",)) for k in sc.pace.households_per_year}
    known = set(ds.measures["measure_id"]) | set(ds.measures["family"])
    for i, mid in enumerate(sc.measures.exclude):
        if mid not in known:
            names.problem(("measures", "exclude", i), f"unknown measure or family '{mid}'"
                                                      f"{did_you_mean(mid, sorted(known))}")
    for i, sector in enumerate(sc.rules.ule_mandatory.sectors):
        if sector not in SECTORS:  # a typo would switch the rule off for that sector without a word
            names.problem(("rules", "ule_mandatory", "sectors", i), f"unknown sector '{sector}'"
                                                                    f"{did_you_mean(sector, SECTORS)}; sectors: "
                                                                    f"{', '.join(SECTORS)}")
    units = ds.measures.groupby("family")["unit"].agg(lambda u: sorted(set(u) | {"kt_per_yr"} - {"kt_km"}
                                                                      if "siding" in set(u) else set(u)))
    for i, pace in enumerate(sc.pace.programmes):
        where = ("pace", "programmes", i)
        if pace.family not in units.index:
            names.problem((*where, "family"), f"unknown family '{pace.family}'"
                                              f"{did_you_mean(pace.family, list(units.index))}")
        elif pace.unit not in units[pace.family]:
            names.problem((*where, "unit"), f"'{pace.unit}' is not a unit of {pace.family} measures; use one of "
                                            f"{', '.join(units[pace.family])}")
        if pace.sector is not None and pace.sector not in SECTORS:
            names.problem((*where, "sector"), f"unknown sector '{pace.sector}'{did_you_mean(pace.sector, SECTORS)}")
    carriers = set(ds.prices["carrier"])
    for k in sc.prices:
        if k not in carriers:
            names.problem(("prices", k), f"unknown carrier{did_you_mean(k, sorted(carriers))}; known: "
                                         f"{', '.join(sorted(carriers))}")
    counties = ds.counties
    scope_counties = (frozenset(counties.index[counties["city_code"].isin(set(scope))]) if scope and None not in scope
                      else frozenset(counties.index))
    inside = {code: frozenset(members(ds, code)) for code in target_codes if code is not None}  # once per region
    for i, (t, code) in enumerate(zip(sc.targets, target_codes)):
        if code is not None and scope and not inside[code] & scope_counties:
            names.problem(("targets", i, "region"), f"{t.region} lies outside the scenario's scope "
                                                    f"({', '.join(sc.scope.cities)}); add its city to scope.cities or "
                                                    "drop the target")
    warnings = _check_levels(ds, sc, target_codes, inside, names)
    air = air_parameters(ds)
    air_codes = [names.region(("air_targets", i, "region"), a.region, ("province", "city"))
                 for i, a in enumerate(sc.air_targets)]
    if air is None and (sc.air_targets or sc.health.min_avoided_deaths_per_yr is not None
                        or sc.objective == "max_health"):
        names.problem(("air_targets",) if sc.air_targets else ("health",) if sc.objective != "max_health"
                      else ("objective",), "the dataset has no air tables (air_intake.csv, air_sources.csv, "
                      "air_cities.csv, health.csv): PM2.5 and health cannot be modelled; use the default inputs or add them")
    if names.problems:
        raise ScenarioError("\n".join(names.problems))

    discount = discount_factors(sc)
    end = sc.horizon.evaluation_end_year
    rows: list[TargetRow] = []
    for t, code in zip(sc.targets, target_codes):
        name = regions.loc[code, "name_zh"]
        label = t.label or f"{POLLUTANTS[t.pollutant].label} {name} {t.year}"
        rows.append(TargetRow(len(rows), label, t.pollutant, code, name, inside[code], t.year, t.reduction_t, t.kind,
                              t.penalty_cny_per_t, "target", _window(discount, t.year, end)))
        steps = milestones_t(sc, t)
        for (y, (v, how)), nxt in zip(steps, [*(y for y, _ in steps[1:]), t.year]):
            rows.append(TargetRow(len(rows), f"{label} (milestone {y}{how})", t.pollutant, code, name, inside[code],
                                  y, v, t.kind, t.penalty_cny_per_t, "milestone", _window(discount, y, nxt - 1)))
    co2_ctx: dict = {}
    if co2_code is not None:
        co2_rows, co2_ctx = co2_requirement(ds, sc, co2_code, len(rows), discount)
        rows += co2_rows

    air_rows = _air_rows(ds, sc, air, air_codes, discount, warnings)
    prices = ds.prices["price_cny_per_unit"].to_dict()
    prices.update(sc.prices)
    horizon = sc.horizon.years
    return ModelData(dataset=ds, scenario=sc, scope_cities=tuple(scope), scope_counties=scope_counties,
                     prices=prices, horizon_years=horizon, years=build_years(sc, rows),
                     discount=discount, targets=rows, co2_context=co2_ctx,
                     city_budgets_cny={code: sc.budget.per_city[k].cny for k, code in budgets.items()},
                     households_per_year={code: sc.pace.households_per_year[k] for k, code in paces.items()},
                     programme_paces=list(sc.pace.programmes), warnings=warnings,
                     plant_list=plant_list, air=air, air_targets=air_rows,
                     min_avoided_deaths_per_yr=sc.health.min_avoided_deaths_per_yr)


def air_target_row(ds: Dataset, air: AirParameters, key: int, code: str, level_ugm3: float, year: int,
                   discount: dict[int, float], kind: str = "hard", penalty_cny_per_ugm3: float = 0.0,
                   label: str = "") -> AirTargetRow:
    """One PM2.5 level as a row (a scenario's ``air_targets``, or a point of ``ersim air-sweep``): a city, or the
    province as the mean of its cities, from its 2020 figure in air_cities.csv as the plan states it."""
    name = ds.regions.loc[code, "name_zh"]
    cities = (code,) if code in air.cities.index else tuple(air.cities.index)
    c0 = float(air.official.at[code, "pm25_2020_ugm3"]) if code in air.official.index else \
        float(air.cities.loc[list(cities), "pm25_2020_ugm3"].mean())
    return AirTargetRow(key, label or f"PM2.5 {name} {year} ≤ {level_ugm3:g} μg/m³", code, name, cities, year,
                        float(level_ugm3), c0, kind, penalty_cny_per_ugm3, _window(discount, year, max(discount)))


def _air_rows(ds: Dataset, sc: Scenario, air: AirParameters | None, codes: list[str], discount: dict[int, float],
              warnings: list[str]) -> list[AirTargetRow]:
    """The scenario's PM2.5 levels as rows (:func:`air_target_row`). A level already met in 2020 is said before
    the solve."""
    rows = []
    for a, code in zip(sc.air_targets, codes):
        row = air_target_row(ds, air, len(rows), code, a.level_ugm3, a.year, discount, a.kind,
                             a.penalty_cny_per_ugm3, a.label)
        if row.level_ugm3 >= row.pm25_2020_ugm3:
            warnings.append(f"{row.label}: {row.region_name} was already at {row.pm25_2020_ugm3:g} μg/m³ in 2020; "
                            "the row asks nothing")
        rows.append(row)
    return rows

