"""YAML scenarios: loading with ``extends:`` inheritance, ``--set`` overrides, and a strict pydantic schema.

The file is read by :mod:`model.safe_yaml` (bounded: size, depth, aliases; duplicate keys refused; the place of
every key kept). A scenario file may ``extends:`` a parent (path relative to the file). Mappings are deep-merged, lists
are replaced, chains are allowed and cycles are reported. The merged document is validated by
:class:`Scenario` (``extra="forbid"``); every error names the file, line and column of the offending
key, what was expected and, for near misses, what was probably meant.

Quantities are written in the units of the plans (万吨, 亿元, %) or in t and CNY, with the unit as an
explicit key; they are converted to t and CNY here, once (see :mod:`model.units`).
"""

from __future__ import annotations

import copy
import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator, model_validator

from . import limits, units
from .errors import ScenarioError, YamlSyntaxError, did_you_mean
from .highs_options import HighsOptions
from .domain import POLLUTANTS, PROVINCE_CODE, TARGET_POLLUTANTS
from .rules import RULES
from .safe_yaml import parse_yaml, read_yaml
from .textsafe import CONTROL_CHARACTERS  # a carriage return splits a result row, ESC acts on a terminal

#: display names of the pollutants a target may name (from the one table in model/names.py)
POLLUTANT_NAMES = {k: POLLUTANTS[k].label for k in TARGET_POLLUTANTS}
_POLLUTANT_ALIASES = {k: k for k in POLLUTANT_NAMES} | {v.lower(): k for k, v in POLLUTANT_NAMES.items()} | {
    "nh3-n": "nh3n", "nh3_n": "nh3n", "voc": "vocs"}


def _suggest_pollutant(text: str) -> str:
    """' (did you mean 'NOx'?)' with the display name of the closest pollutant, or ''."""
    close = difflib.get_close_matches(str(text).strip().lower(), list(_POLLUTANT_ALIASES), n=1, cutoff=0.6)
    return f" (did you mean '{POLLUTANT_NAMES[_POLLUTANT_ALIASES[close[0]]]}'?)" if close else ""


_SAFE_NAME = re.compile(r"[^\W][\w.+-]*")

#: longest scenario name in bytes (UTF-8). A file name may have 255 bytes, and ersim builds folder and file names
#: from the scenario's: '<name>-alternatives', '<name>-sweep-vocs', '<name>-uncertainty', '<name>-rules-cost',
#: '<name>-macc-nh3n', '<name>_counties.geojson', '.<name>.partial-XXXXXXXX' while writing, '-2' when taken.
#: 120 bytes leaves room for all of them: 120 letters, or 40 Chinese characters (3 bytes each).
MAX_NAME_BYTES = 120


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot name a results folder (or a file of one), or None if it can."""
    if not _SAFE_NAME.fullmatch(name) or ".." in name:
        return (f"'{name}' cannot name a results folder; use letters, digits, Chinese characters, '-', '_' or '.' "
                "(no '/', '\\', spaces or leading '.'), e.g. linfen-2025")
    size = len(name.encode("utf-8"))
    if size > MAX_NAME_BYTES:
        fits = name.encode("utf-8")[:MAX_NAME_BYTES].decode("utf-8", errors="ignore")
        return (f"the name is {size} bytes in UTF-8 ({len(name)} characters) and a results folder name may have at "
                f"most {MAX_NAME_BYTES} bytes (a Chinese character takes 3, a letter 1; ersim adds suffixes such as "
                f"'-alternatives' and file systems allow 255); shorten it, e.g. to '{fits}'")
    return None


def pollutant_key(text: str) -> str:
    """Internal key ('nox', 'nh3n', ...) for a pollutant name as users write it (NOx, NH3-N, vocs ...)."""
    key = _POLLUTANT_ALIASES.get(str(text).strip().lower())
    if key is None:
        raise ScenarioError(f"unknown pollutant '{text}'{_suggest_pollutant(text)}; use one of "
                            f"{', '.join(POLLUTANT_NAMES.values())}")
    return key


class _Strict(BaseModel):
    # nan and inf are never a scenario's number: pydantic would take '.nan' and '.inf' as floats
    model_config = ConfigDict(extra="forbid", frozen=False, allow_inf_nan=False)


class Horizon(_Strict):
    base_year: int = Field(2020, ge=2000, le=2100, description="year the baseline and GDP refer to")
    start_year: int = Field(2021, ge=2000, le=2100, description="first year projects can be built")
    end_year: int = Field(2025, ge=2000, le=2100, description="last year of the plan")
    evaluation_end_year: int = Field(2050, ge=2000, le=2200, description=(
        "costs count from a project's build year to this year: its equivalent annual cost every year (a life "
        "running past it leaves salvage, a shorter one is renewed); the end year itself counts only the plan"))
    build_years: Literal["auto", "every"] = Field("auto", description=(
        "auto: the model keeps only the years something is required where that is exact (README: build years), "
        "else every year; every: every year of the horizon (the same optimum, a larger model)"))

    @model_validator(mode="after")
    def _ordered(self):
        if not self.base_year < self.start_year <= self.end_year <= self.evaluation_end_year:
            raise ValueError(f"need base_year < start_year <= end_year <= evaluation_end_year, got {self.base_year}, "
                             f"{self.start_year}, {self.end_year}, {self.evaluation_end_year}")
        return self

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Target(_Strict):
    """A reduction target: tonnes per year less than the base year, by ``year``, in ``region``."""

    pollutant: str
    reduction: float = Field(ge=0, description="required reduction, in ``unit``")
    unit: Literal["t", "吨", "kt", "万吨", "wan_t", "Mt"] = "t"
    region: str = Field(PROVINCE_CODE, description="region code, Chinese name or pinyin")
    year: int | None = Field(None, description="default: the horizon's end year")
    kind: Literal["hard", "soft"] = "hard"
    penalty_cny_per_t: float = Field(1e6, ge=0, description="soft targets: cost per tonne short")
    milestones: dict[int, float] = Field(default_factory=dict, description="year: reduction (same unit)")
    label: str = ""

    @field_validator("pollutant")
    @classmethod
    def _known_pollutant(cls, v: str) -> str:
        key = _POLLUTANT_ALIASES.get(v.strip().lower())
        if key is None:
            raise ValueError(f"unknown pollutant '{v}'{_suggest_pollutant(v)}; use one of "
                             f"{', '.join(POLLUTANT_NAMES.values())}")
        return key

    @property
    def reduction_t(self) -> float:
        return units.to_t(self.reduction, self.unit)

    def milestones_t(self) -> dict[int, float]:
        return {y: units.to_t(v, self.unit) for y, v in self.milestones.items()}


class AirTarget(_Strict):
    """A PM2.5 level to reach: a city's population-weighted annual mean, or the province's (the mean of its
    cities, as the plan's indicator 设区市PM2.5 is defined, 000:L182). Modelled as 2020 less what the projects
    do (model/air.py): a screening estimate."""

    indicator: Literal["PM2.5", "pm2.5", "pm25"] = "PM2.5"
    region: str = Field(PROVINCE_CODE, description="the province or a city: code, Chinese name or pinyin")
    level_ugm3: float = Field(gt=0, le=1000, allow_inf_nan=False, description="PM2.5 to reach, μg/m³")
    year: int | None = Field(None, description="default: the horizon's end year")
    kind: Literal["hard", "soft"] = "hard"
    penalty_cny_per_ugm3: float = Field(1e10, ge=0, allow_inf_nan=False,
                                        description="soft: cost per μg/m³ above the level and year")
    label: str = ""


class Health(_Strict):
    """Premature deaths a year the portfolio must avoid (GEMM, model/air.py), in the end year."""

    min_avoided_deaths_per_yr: float | None = Field(None, ge=0, allow_inf_nan=False)


class Phasing(_Strict):
    """Shares of every hard target required before the end year (000:L302 annual plans, 000:L724 mid-term
    evaluation). A target's own ``milestones`` take precedence for the years they name."""

    milestones: dict[int, float] = Field(default_factory=dict, description="year: share of each hard target")
    linear: bool = Field(False, description="every year before the end requires (year - base) / (end - base)")
    assumption: str = ""

    @field_validator("milestones")
    @classmethod
    def _shares(cls, v: dict[int, float]) -> dict[int, float]:
        bad = {y: s for y, s in v.items() if not 0 <= s <= 1}
        if bad:
            raise ValueError(f"milestone shares must lie between 0 and 1 (0.6 = 60 %), got {bad}")
        return v


class Co2Intensity(_Strict):
    """CO2 per unit GDP in ``year`` at least ``reduction_pct`` % below the base year."""

    reduction_pct: float = Field(ge=0, le=100)
    region: str = PROVINCE_CODE
    year: int | None = None
    bau_co2_growth_pct_per_yr: float = Field(2.0, ge=-20, le=30,
                                             description="business-as-usual CO2 growth without the projects")
    gdp_growth_pct_per_yr: float | None = Field(None, ge=-20, le=30,
                                                description="default: the region's assumption in regions.csv")
    kind: Literal["hard", "soft"] = "hard"
    penalty_cny_per_t: float = Field(1000.0, ge=0)
    assumption: str = ""


# every rule's schema lives with its constraint builder in model/rules.py; the block is assembled from there
Rules = create_model("Rules", __base__=_Strict, **{
    spec.key: (spec.schema, Field(default_factory=spec.disabled)) for spec in RULES})


class Money(_Strict):
    value: float = Field(ge=0)
    unit: Literal["CNY", "yuan", "元", "万元", "wan_cny", "亿元", "yi_cny"] = "CNY"

    @property
    def cny(self) -> float:
        return units.to_cny(self.value, self.unit)


class Budget(_Strict):
    """Caps on capital spending (capex, undiscounted), and on the discounted cost: what min_cost minimises without
    the penalties (annualised capex, O&M and energy from each project's build year to the evaluation end,
    discounted to the base year), the money a portfolio spends over the period, running costs included."""

    total: Money | None = None
    per_year: Money | None = None
    per_city: dict[str, Money] = Field(default_factory=dict, description="city: total capex cap")
    discounted_total: Money | None = Field(None, description="cap on the discounted cost (spending, no penalties)")


class ProgrammePace(_Strict):
    """At most ``max_per_year`` of a programme built in any one year, in the unit of its measures (households,
    MW, vehicle, t_per_yr of capacity ...; ``siding`` for the rail sidings built), optionally in one sector."""

    family: str
    unit: str
    sector: str | None = None
    max_per_year: float = Field(gt=0)
    source: str = Field("", description="where the pace comes from (a seed line, a record, or 'estimate: why')")


class Pace(_Strict):
    """How much can be done per year: the delivery capacity of each programme (see scenarios/base.yaml)."""

    households_per_year: dict[str, float] = Field(
        default_factory=dict, description="city: rural households converted to clean heating per year at most")
    programmes: list[ProgrammePace] = Field(default_factory=list, description="province-wide caps per year")


class Scope(_Strict):
    cities: list[str] = Field(default_factory=list, description="only these cities' counties (empty = all)")


class MeasureFilter(_Strict):
    exclude: list[str] = Field(default_factory=list, description="measure ids or families to leave out")


class MaxReduction(_Strict):
    weights: dict[str, float] = Field(default_factory=lambda: {"nox": 1.0, "vocs": 1.0, "so2": 0.5, "cod": 1.0,
                                                               "nh3n": 1.0, "pm": 0.5})

    @field_validator("weights")
    @classmethod
    def _known(cls, v: dict[str, float]) -> dict[str, float]:
        out = {}
        for k, w in v.items():
            key = _POLLUTANT_ALIASES.get(k.lower())
            if key is None:
                raise ValueError(f"unknown pollutant '{k}'{_suggest_pollutant(k)}")
            out[key] = w
        return out


class SolverOptions(_Strict):
    # the bounds of `ersim run --time-limit/--mip-gap` too (limit_error): YAML's .inf and .nan are numbers to pydantic
    time_limit_s: float = Field(300.0, gt=0, allow_inf_nan=False, description="seconds HiGHS may take")
    mip_gap: float = Field(1e-3, ge=0, le=1, allow_inf_nan=False, description="relative MIP gap (0.001 = 0.1 %)")
    highs_options: HighsOptions = Field(
        default_factory=dict, description="numerical and algorithmic HiGHS options only (model/highs_options.py), "
                                          "e.g. {mip_max_nodes: 1000}; nothing that writes files or output")

    @classmethod
    def limit_error(cls, key: str, value: float) -> str | None:
        """What is wrong with ``value`` as field ``key`` ('time_limit_s' or 'mip_gap'), or None: the command line's
        solver options are checked here so that their bounds are these fields' ('must be a finite number
        between 0 and 1')."""
        try:
            cls.model_validate({key: value})
        except ValidationError:
            bounds = {b: getattr(m, b) for m in cls.model_fields[key].metadata for b in ("gt", "ge", "le")
                      if hasattr(m, b)}
            if "ge" in bounds and "le" in bounds:
                return f"must be a finite number between {bounds['ge']:g} and {bounds['le']:g}"
            if "gt" in bounds:
                return f"must be a finite number greater than {bounds['gt']:g}"
            return "must be a finite number"
        return None


class UncertainParam(_Strict):
    """One uncertain parameter and its distribution (see model/uncertainty.py)."""

    param: str
    dist: Literal["uniform", "triangular", "normal", "lognormal"] = "uniform"
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = Field(None, ge=0)
    median: float | None = Field(None, gt=0)
    sigma: float | None = Field(None, ge=0)
    how: Literal["set", "scale"] = "set"

    @model_validator(mode="after")
    def _arguments(self):
        need = {"uniform": ("low", "high"), "triangular": ("low", "mode", "high"), "normal": ("mean", "sd"),
                "lognormal": ("median", "sigma")}[self.dist]
        missing = [k for k in need if getattr(self, k) is None]
        if missing:
            raise ValueError(f"{self.dist} distribution of {self.param} needs {', '.join(missing)}")
        if self.dist in ("uniform", "triangular") and not self.low <= (self.mode or self.low) <= self.high:
            raise ValueError(f"{self.param}: need low <= mode <= high")
        return self


class Uncertainty(_Strict):
    samples: int = Field(50, ge=1, le=limits.MAX_SAMPLES)
    seed: int = Field(1, ge=0, le=limits.MAX_SEED)
    parameters: list[UncertainParam] = Field(default_factory=list)


class Scenario(_Strict):
    """A complete, validated scenario (after ``extends:`` is resolved)."""

    name: str = Field(description="the results folder is named after it: letters, digits, 中文, '-', '_', '.'")
    description: str = ""
    horizon: Horizon = Field(default_factory=Horizon)
    discount_rate: float = Field(0.08, ge=0, le=0.5, description="PM §6: 8 % social discount rate")
    objective: Literal["min_cost", "max_reduction", "max_health"] = Field("min_cost", description=(
        "min_cost: meet every target at least cost; max_reduction: the most weighted tonnes within a budget; "
        "max_health: the most premature deaths avoided within a budget"))
    targets: list[Target] = Field(default_factory=list)
    air_targets: list[AirTarget] = Field(default_factory=list, description="PM2.5 levels by city or province")
    health: Health = Field(default_factory=Health)
    co2_intensity: Co2Intensity | None = None
    phasing: Phasing = Field(default_factory=Phasing)
    one_truck_fleet: bool = Field(True, description=(
        "true: the trucks the road-to-rail shift idles and the trucks the programmes scrap or replace come out of "
        "one heavy-truck fleet per city (no double credit); false drops those rows (README: one truck fleet)"))
    rules: Rules = Field(default_factory=Rules)
    budget: Budget = Field(default_factory=Budget)
    pace: Pace = Field(default_factory=Pace)
    prices: dict[str, float] = Field(default_factory=dict, description="carrier: CNY per unit, overrides prices.csv")
    measures: MeasureFilter = Field(default_factory=MeasureFilter)
    scope: Scope = Field(default_factory=Scope)
    max_reduction: MaxReduction = Field(default_factory=MaxReduction)
    solver: SolverOptions = Field(default_factory=SolverOptions)
    uncertainty: Uncertainty | None = None
    plants: str | None = Field(None, description="a planner's plant list (CSV or xlsx, the columns of "
                               "inputs/templates/plant_list_template.csv) in place of the default plants of its sectors "
                               "in its cities; a path relative to the scenario file that sets it")

    @field_validator("name")
    @classmethod
    def _safe_name(cls, v: str) -> str:
        # the name becomes a directory under results/: a shared scenario file must not write anywhere else, nor
        # name a folder longer than the file system allows (checked in bytes: 100 Chinese characters are 300)
        problem = name_problem(v)
        if problem:
            raise ValueError(problem)
        return v

    @model_validator(mode="after")
    def _years_in_horizon(self):
        years = set(self.horizon.years)
        for t in self.targets:
            t.year = t.year or self.horizon.end_year
            for y in [t.year, *t.milestones]:
                if y not in years:
                    raise ValueError(f"target year {y} for {POLLUTANT_NAMES[t.pollutant]} is outside the horizon "
                                     f"{self.horizon.start_year}..{self.horizon.end_year}")
        for spec in RULES:
            by = getattr(self.rules, spec.key).by_year
            if by is not None and not self.horizon.start_year <= by <= self.horizon.evaluation_end_year:
                raise ValueError(f"rules.{spec.key}.by_year {by} is before the first build year "
                                 f"{self.horizon.start_year}; use a year from {self.horizon.start_year} on")
        for y in self.phasing.milestones:
            if not self.horizon.start_year <= y < self.horizon.end_year:
                raise ValueError(f"phasing.milestones: {y} must lie in {self.horizon.start_year}.."
                                 f"{self.horizon.end_year - 1} (the end year holds the targets themselves)")
        if self.co2_intensity is not None:
            self.co2_intensity.year = self.co2_intensity.year or self.horizon.end_year
        for a in self.air_targets:
            a.year = a.year or self.horizon.end_year
            if a.year not in years:
                raise ValueError(f"air target year {a.year} is outside the horizon "
                                 f"{self.horizon.start_year}..{self.horizon.end_year}")
        if self.objective in ("max_reduction", "max_health") and not (
                self.budget.total or self.budget.per_year or self.budget.discounted_total):
            raise ValueError(f"objective {self.objective} needs a budget (budget.total, budget.per_year or "
                             "budget.discounted_total)")
        return self


# --------------------------------------------------------------------------- YAML with line numbers
@dataclass
class LoadedScenario:
    """The validated scenario plus where each of its keys came from (for error messages and the manifest)."""

    scenario: Scenario
    files: list[Path]
    resolved: dict[str, Any]
    overrides: list[str] = field(default_factory=list)
    where: dict[tuple, tuple[Path, int, int]] = field(default_factory=dict)
    #: key path -> the ``--set`` argument that set it (parsed once, by load_scenario)
    overridden: dict[tuple, str] = field(default_factory=dict)

    def plant_list_path(self) -> Path | None:
        """The ``plants:`` file, relative to the scenario file that set it (to the working folder for ``--set``)."""
        if not self.scenario.plants:
            return None
        p = Path(self.scenario.plants)
        if p.is_absolute() or ("plants",) in self.overridden or ("plants",) not in self.where:
            return p
        return Path(self.where[("plants",)][0]).parent / p

    def place(self, *path) -> str:
        """'file:line:col' of a key path, for error messages ('--set KEY=VALUE' if an override set it)."""
        by_override = override_place(tuple(path), self.overridden)
        if by_override:
            return by_override
        for n in range(len(path), -1, -1):
            if tuple(path[:n]) in self.where:
                f, line, col = self.where[tuple(path[:n])]
                return f"{f}:{line}:{col}"
        return str(self.files[-1]) if self.files else "scenario"


def override_place(loc: tuple, overridden: dict[tuple, str]) -> str | None:
    """``--set KEY=VALUE`` when an override set ``loc`` (or a key above it), or set keys inside it (a check of a
    whole block, e.g. the horizon's years, failed after ``--set horizon.end_year=...``); None otherwise. An error
    of the whole scenario (``loc`` empty) is not put on the overrides: its message names its key."""
    for n in range(len(loc), 0, -1):
        if loc[:n] in overridden:
            return f"--set {overridden[loc[:n]]}"
    inside = [text for k, text in overridden.items() if loc and len(k) > len(loc) and k[:len(loc)] == loc]
    return f"--set {' --set '.join(inside)}" if inside else None


def deep_merge(parent: dict, child: dict) -> dict:
    """Child wins; mappings merge recursively; lists and scalars are replaced."""
    out = copy.deepcopy(parent)
    for k, v in child.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = copy.deepcopy(v)
    return out


MAX_EXTENDS = 20  # files in one extends: chain


def _resolve(path: Path, chain: tuple[Path, ...], via: str | None = None
             ) -> tuple[dict, dict[tuple, tuple[Path, int, int]], list[Path]]:
    """``path`` merged over its parents; ``via``: the ``file:line:col`` of the ``extends:`` that named it."""
    path = path.resolve()
    if path in chain:
        cycle = " -> ".join(p.name for p in (*chain, path))
        raise ScenarioError(f"{path}: circular extends: {cycle}")
    if len(chain) >= MAX_EXTENDS:
        raise ScenarioError(f"{via}: extends: a chain of more than {MAX_EXTENDS} files; merge some of them")
    data, marks = read_yaml(path, via)
    where = {k: (path, *v) for k, v in marks.items()}
    parent_ref = data.pop("extends", None)
    if parent_ref is None:
        return data, where, [path]
    line, col = marks.get(("extends",), (1, 1))
    if not isinstance(parent_ref, str) or not parent_ref.strip():
        raise ScenarioError(f"{path}:{line}:{col}: extends: must be a file name, e.g. extends: base.yaml")
    parent_path = (path.parent / parent_ref)
    try:
        found = parent_path.exists()
    except (OSError, ValueError):  # a name too long for the file system, a NUL byte
        found = False
    if not found:
        siblings = [p.name for p in path.parent.glob("*.yaml")]
        raise ScenarioError(f"{path}:{line}:{col}: extends: '{parent_ref}' not found next to this file"
                            f"{did_you_mean(parent_ref, siblings)}")
    pdata, pwhere, files = _resolve(parent_path, (*chain, path), f"{path}:{line}:{col}")
    data, where, appended = _append_targets(data, where, pdata)
    merged = deep_merge(pdata, data)
    # where the child replaces a list or value, the parent's marks below it no longer describe the document
    # (rows appended with add_targets keep the parent's rows, and their marks, in place)
    replaced = [q for q in _leaf_paths(data) if not (appended and q == ("targets",))]
    pwhere = {k: v for k, v in pwhere.items()
              if not any(len(k) > len(q) and k[:len(q)] == q for q in replaced)}
    return merged, {**pwhere, **where}, [*files, path]


def _append_targets(data: dict, where: dict, pdata: dict) -> tuple[dict, dict, bool]:
    """``add_targets:`` in a variant appends to its parent's targets (a city target on top of the provincial ones)
    instead of replacing the list; error marks move to the positions the rows take in ``targets``."""
    if "add_targets" not in data:
        return data, where, False
    extra = data.pop("add_targets")
    if not isinstance(extra, list):
        path, line, col = where.get(("add_targets",), (Path("?"), 1, 1))
        raise ScenarioError(f"{path}:{line}:{col}: add_targets: must be a list of targets, like targets:")
    own = "targets" in data
    first = list(data["targets"] if own else pdata.get("targets") or [])
    data = {**data, "targets": first + extra}
    moved = {}
    for k, v in where.items():
        if k[:1] == ("add_targets",):
            if len(k) > 1:
                moved[("targets", len(first) + k[1], *k[2:])] = v
        else:
            moved[k] = v
    return data, moved, not own


def _leaf_paths(data: dict, path: tuple = ()):
    """Key paths whose value a child file replaces outright (anything but a mapping)."""
    for k, v in data.items():
        if isinstance(v, dict):
            yield from _leaf_paths(v, path + (k,))
        else:
            yield path + (k,)


def parse_override(text: str) -> tuple[list[str], Any]:
    """``key.path=value`` with the value parsed as YAML (numbers, true/false, lists)."""
    if "=" not in text:
        raise ScenarioError(f"--set {text!r}: write KEY.PATH=VALUE, e.g. --set discount_rate=0.06")
    key, value = text.split("=", 1)
    try:
        parsed, _ = parse_yaml(value, f"--set {text}")
    except YamlSyntaxError:
        parsed = value  # not YAML: a piece of text (the schema says whether text is allowed there)
    return [int(p) if p.isdigit() else p for p in key.strip().split(".")], parsed


def _apply_override(data: dict, keys: list, value: Any, text: str) -> None:
    """Set ``keys`` to ``value`` in ``data``; an index equal to a list's length appends to it."""
    node: Any = data
    for i, k in enumerate(keys):
        last = i == len(keys) - 1
        where = ".".join(map(str, keys[:i + 1]))
        if isinstance(node, list):
            if not isinstance(k, int):
                raise ScenarioError(f"--set {text}: '{where}': {'.'.join(map(str, keys[:i])) or 'this'} is a list; "
                                    f"give an item number (0 to {len(node)})")
            if k > len(node):
                raise ScenarioError(f"--set {text}: '{where}': the list has {len(node)} item(s); use an index up to "
                                    f"{len(node) - 1} to change one, or {len(node)} to append")
            if k == len(node):
                node.append(value if last else {})
            elif last:
                node[k] = value
            node = node[k]
        elif isinstance(node, dict):
            if last:
                node[k] = value
            else:  # a missing key followed by an item number starts a list
                node = node.setdefault(k, [] if isinstance(keys[i + 1], int) else {})
        else:
            raise ScenarioError(f"--set {text}: '{'.'.join(map(str, keys[:i]))}' is a value, not a mapping or list")


def _format_validation(err: ValidationError, where: dict, fallback: Path, overridden: dict[tuple, str]) -> str:
    lines = []
    for e in err.errors():
        loc = tuple(p for p in e["loc"] if not (isinstance(p, str) and p.startswith("function-after")))
        key_path = ".".join(str(p) for p in loc) or "(top level)"
        src = None
        for n in range(len(loc), -1, -1):
            if loc[:n] in where:
                src = where[loc[:n]]
                break
        place = override_place(loc, overridden)
        if place is None:
            place = f"{src[0]}:{src[1]}:{src[2]}" if src else str(fallback)
        msg = e["msg"].removeprefix("Value error, ")
        if e["type"] == "extra_forbidden" and loc:
            parent = _model_at(loc[:-1])
            options = list(parent.model_fields) if parent else []
            msg = f"unknown key '{loc[-1]}'{did_you_mean(str(loc[-1]), options)}" + (
                f"; allowed here: {', '.join(options)}" if options else "")
        elif e["type"] == "missing":
            msg = "required key is missing"
        elif e["type"].startswith("literal_error"):
            msg = f"got {e.get('input')!r}; " + msg
        lines.append(f"{place}: {key_path}: {msg}")
    return "\n".join(lines)


def _model_at(loc: tuple) -> type[BaseModel] | None:
    """The pydantic model class at a key path of Scenario (for listing the allowed keys)."""
    model: Any = Scenario
    for part in loc:
        if isinstance(part, int):
            continue
        fld = model.model_fields.get(part) if isinstance(model, type) and issubclass(model, BaseModel) else None
        if fld is None:
            return None
        ann = fld.annotation
        for cand in (ann, *getattr(ann, "__args__", ())):
            inner = getattr(cand, "__args__", (cand,))
            found = next((c for c in (cand, *inner) if isinstance(c, type) and issubclass(c, BaseModel)), None)
            if found:
                model = found
                break
        else:
            return None
    return model if isinstance(model, type) and issubclass(model, BaseModel) else None


def _check_text(value: Any, loc: tuple, where: dict, fallback: Path, overridden: dict[tuple, str]) -> None:
    """Refuse control characters in any key or text of the merged scenario, at their file:line:col or --set."""
    items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
    for k, v in items:
        _check_text(v, (*loc, k), where, fallback, overridden)
        for text in (k, v):
            bad = CONTROL_CHARACTERS.search(text) if isinstance(text, str) else None
            if bad:
                here = (*loc, k)
                place = override_place(here, overridden) or next(
                    (f"{f}:{line}:{col}" for n in range(len(here), -1, -1) if here[:n] in where
                     for f, line, col in [where[here[:n]]]), str(fallback))
                raise ScenarioError(f"{place}: {'.'.join(map(str, here))}: holds the control character "
                                    f"U+{ord(bad.group()):04X} (\\x{ord(bad.group()):02x}); delete it (line breaks "
                                    "and tabs are fine)")


def load_scenario(path: Path | str, overrides: list[str] | None = None) -> LoadedScenario:
    """Read ``path`` (following ``extends:``), apply ``--set`` overrides and validate."""
    path = Path(path)
    data, where, files = _resolve(path, ())
    data.setdefault("name", path.stem)
    overridden: dict[tuple, str] = {}
    for text in overrides or []:
        keys, value = parse_override(text)
        _apply_override(data, keys, value, text)
        overridden[tuple(keys)] = text
    _check_text(data, (), where, path, overridden)
    if overridden and ("name",) not in overridden:
        data = label_what_if(data, list(overrides or []))
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as err:
        raise ScenarioError(_format_validation(err, where, path, overridden)) from None
    return LoadedScenario(scenario=scenario, files=files, resolved=scenario.model_dump(mode="json"),
                          overrides=list(overrides or []), where=where, overridden=overridden)


def label_what_if(data: dict, overrides: list[str]) -> dict:
    """A scenario changed on the command line is not the file's: its name says so (``base-whatif``, so its
    results folder, report heading, workbook and figure titles do) and its description starts with the changes.
    A ``--set name=...`` names it instead."""
    name = str(data.get("name", ""))
    said = "; ".join(f"--set {o}" for o in overrides)
    return {**data, "name": f"{name}-whatif",
            "description": f"What-if of {name}: {said}\n{data.get('description', '') or ''}"}


def scenario_list(folder: Path):
    """Name, parent chain, objective and description of every scenario file in ``folder``."""
    import pandas as pd

    rows = []
    for path in sorted(Path(folder).glob("*.yaml")):
        try:
            loaded = load_scenario(path)
            sc = loaded.scenario
            rows.append(dict(file=path.name, name=sc.name, extends=" -> ".join(p.name for p in loaded.files[:-1]),
                             objective=sc.objective, targets=len(sc.targets), description=sc.description.strip()))
        except ScenarioError as err:
            rows.append(dict(file=path.name, name="", extends="", objective="", targets=0,
                             description=f"INVALID: {str(err).splitlines()[0]}"))
    return pd.DataFrame(rows, columns=["file", "name", "extends", "objective", "targets", "description"])
