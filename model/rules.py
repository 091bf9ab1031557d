"""The seed policy rules, one entry each in :data:`RULES`: scenario schema, constraint rows, labels.

A rule is written once, here: its scenario key and pydantic schema (``rules.<key>:`` in YAML; the scenario
schema is assembled from this table), the function that turns it into constraint rows, the label the
diagnosis uses, and the text the manifest records (returned by that function, with the counts it found).
Adding a rule = one schema class, one ``define_*`` function and one :class:`RuleSpec` entry.

Rules do not touch Pyomo: a ``define_*`` function returns :class:`RowGroup` objects (for each row, which
candidates' build variables add up, with which coefficients, by which year, to at least what), and
:mod:`model.build` turns them into constraints. A rule that cannot be met by any candidate raises
:class:`~model.errors.ModelSetupError` saying which plants lack a measure and how to fix it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Literal, Protocol

import pandas as pd
from pydantic import BaseModel, ConfigDict, Field

from .errors import ModelSetupError


class ModelData(Protocol):
    """What a rule reads of the resolved scenario (:class:`model.resolve.ModelData` provides it)."""

    @property
    def plants(self) -> pd.DataFrame: ...  # the enterprises inside the scope

    @property
    def dataset(self): ...


# --------------------------------------------------------------------------- scenario schemas
class Rule(BaseModel):
    """Common keys of every rule: on or off, and the year by which it must hold (default: the end year)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # as the rest of the scenario schema
    enabled: bool = True
    by_year: int | None = None


class UleRule(Rule):
    sectors: list[str] = Field(default_factory=lambda: ["steel", "coking", "cement"])


class SidingRule(Rule):
    threshold_kt_per_yr: float = Field(1500.0, ge=0, description="002:L322, 003:L272: 150万吨/年")
    min_rail_share: float = Field(0.8, ge=0, le=1, description="002:L324: bulk by rail >= 80 % once a siding exists")


class PlainCoalRule(Rule):
    pass


class VocFloorRule(Rule):
    min_efficiency: float = Field(0.8, ge=0, le=1, description="001:L330: VOC treatment efficiency > 80 %")


class BoilerRule(Rule):
    below_t_per_h: float = Field(35.0, ge=0, description="000:L304: coal boilers < 35 t/h to zero")


class CoalCapRule(Rule):
    reduction_t: float = Field(0.0, ge=0, description="000:L248: coal use cut (t/yr) the scenario requires")


# --------------------------------------------------------------------------- constraint rows
@dataclass(frozen=True)
class RowGroup:
    """Rows ``sum_{i in members[k]} coefs[k][j] * var[i, by_year] >= rhs[k]`` named ``name[index[k]]``.

    ``var`` is ``built`` (share of a candidate in place) or ``siding`` (a siding in place), by ``by_year`` (None:
    the end year); ``coefs=None`` means all ones.
    """

    name: str
    var: Literal["built", "siding"]
    index: list
    members: list[list[int]]
    rhs: list[float]
    by_year: int | None
    coefs: list[list[float]] | None = None


@dataclass
class RuleRows:
    """What a rule adds to the model: its rows, the candidates it makes mandatory, a line for the manifest."""

    rows: list[RowGroup] = field(default_factory=list)
    mandatory: set[int] = field(default_factory=set)
    text: str = ""


def _enterprise(c: pd.DataFrame) -> pd.DataFrame:
    return c[c["kind"] == "enterprise"]


def _require_one(md: ModelData, c: pd.DataFrame, name: str, plant_ids: list[str], mask: pd.Series,
                 by_year: int | None, why: str) -> RuleRows:
    """At every plant of ``plant_ids`` at least one candidate where ``mask`` holds is built by ``by_year``."""
    ent = _enterprise(c)
    sub = ent[mask.astype(bool)]  # (an empty object column would select columns, not rows)
    idx_by_plant = {k: [int(i) for i in sub.index[v]] for k, v in sub.groupby("enterprise_id").indices.items()}
    missing = [p for p in plant_ids if p not in idx_by_plant]
    if missing:
        e = md.dataset.enterprises
        names = ", ".join(f"{p} {e.loc[p, 'name_zh']}" for p in missing[:5])
        raise ModelSetupError(f"rule {name}: {len(missing)} plant(s) have no measure that satisfies it ({names}"
                              f"{' ...' if len(missing) > 5 else ''}); {why}")
    members = [idx_by_plant[p] for p in plant_ids]
    mandatory = {i for group in members for i in group}
    return RuleRows([RowGroup(name, "built", list(range(len(members))), members, [1] * len(members), by_year)],
                    mandatory)


def define_ule_rows(md: ModelData, c: pd.DataFrame, rule: UleRule) -> RuleRows:
    """ULE in the listed sectors (000:L310): every plant not yet at ULE builds a ULE package measure."""
    plants = md.plants
    need = plants[plants["sector"].isin(rule.sectors) & (plants["ule_status"] != "done")]["enterprise_id"].tolist()
    out = RuleRows()
    if need:
        out = _require_one(md, c, "rule_ule", need, _enterprise(c)["ule_compliant"], rule.by_year,
                           "add a ULE package measure (ule_compliant=true) for the sector or drop the sector "
                           "from the rule")
    out.text = f"ULE mandatory in {', '.join(rule.sectors)} ({len(need)} plants; 000:L310)"
    return out


def define_voc_rows(md: ModelData, c: pd.DataFrame, rule: VocFloorRule) -> RuleRows:
    """VOC treatment efficiency floor (001:L330) at chemical, coating and other VOC plants below it."""
    plants, floor = md.plants, rule.min_efficiency
    voc_plants = plants[plants["sector"].isin(["chemical", "coating", "other_voc"])
                        & (plants["voc_treatment_eff"].fillna(0) < floor) & (plants["vocs_t"] > 0)]
    out = RuleRows()
    if len(voc_plants):
        out = _require_one(md, c, "rule_voc", voc_plants["enterprise_id"].tolist(),
                           _enterprise(c)["vocs_efficiency_after"].fillna(0) >= floor - 1e-9, rule.by_year,
                           f"add a VOC tier with vocs_efficiency_after >= {floor}")
    out.text = f"VOC treatment efficiency >= {floor:.0%} ({len(voc_plants)} plants; 001:L330)"
    return out


def define_boiler_rows(md: ModelData, c: pd.DataFrame, rule: BoilerRule) -> RuleRows:
    """Coal boilers below the size limit are replaced (000:L304)."""
    plants, lim = md.plants, rule.below_t_per_h
    boilers = plants[(plants["sector"] == "boiler") & (plants["capacity"] < lim)]
    out = RuleRows()
    if len(boilers):
        out = _require_one(md, c, "rule_boiler", boilers["enterprise_id"].tolist(),
                           _enterprise(c)["family"] == "boiler", rule.by_year, "add a boiler replacement measure")
    out.text = f"coal boilers < {lim:g} t/h phased out ({len(boilers)} boilers; 000:L304)"
    return out


def define_plain_coal_rows(md: ModelData, c: pd.DataFrame, rule: PlainCoalRule) -> RuleRows:
    """Bulk coal to zero in plain counties (000:L302): every coal household there converts."""
    hh = c[(c["kind"] == "household") & (c["terrain"] == "plain")]
    rows = {k: [int(i) for i in hh.index[v]] for k, v in hh.groupby("region_code").indices.items()}
    totals = hh.groupby("region_code")["county_households"].first()
    keys = sorted(rows)
    maxq = c["max_quantity"].to_numpy(dtype=float)
    members = [rows[k] for k in keys]
    group = RowGroup("rule_plain", "built", list(range(len(keys))), members, [float(totals[k]) for k in keys],
                     rule.by_year, coefs=[[float(maxq[i]) for i in m] for m in members])
    return RuleRows([group], {int(i) for i in hh.index},
                    f"bulk coal to zero in plain counties ({len(keys)} counties; 000:L302)")


def define_siding_rows(md: ModelData, c: pd.DataFrame, rule: SidingRule) -> RuleRows:
    """Large bulk shippers get a siding and move at least ``min_rail_share`` by rail (002:L322-324, 003:L272)."""
    fr = c[c["kind"] == "freight"]
    big = fr[fr["freight_kt_per_yr"] >= rule.threshold_kt_per_yr]
    need_siding = [int(i) for i in big.index[big["needs_siding"].astype(bool)]]
    need_share = ((rule.min_rail_share - big["rail_share"]) * big["freight_kt_per_yr"]).clip(lower=0)
    frac = (need_share / big["max_quantity"]).clip(upper=1)
    shift = [int(i) for i in frac.index[frac > 0]]
    rows = [RowGroup("rule_siding", "siding", need_siding, [[i] for i in need_siding], [1] * len(need_siding),
                     rule.by_year),
            RowGroup("rule_rail_share", "built", shift, [[i] for i in shift], [float(frac[i]) for i in shift],
                     rule.by_year)]
    return RuleRows(rows, {int(i) for i in big.index},
                    f"siding for shippers >= {rule.threshold_kt_per_yr:g} kt/yr and rail share >= "
                    f"{rule.min_rail_share:.0%} ({len(big)} shippers; 002:L322, 003:L272)")


def define_coal_cap_rows(md: ModelData, c: pd.DataFrame, rule: CoalCapRule) -> RuleRows:
    """Coal-consumption cap (000:L248 煤炭消费减量替代): the projects save at least ``reduction_t`` of coal a year."""
    saved = c["coal_saved_t"].fillna(0).to_numpy(dtype=float) if "coal_saved_t" in c else []
    idx = [int(i) for i, v in enumerate(saved) if v > 0]
    group = RowGroup("rule_coal_cap", "built", [0], [idx], [float(rule.reduction_t)], rule.by_year,
                     coefs=[[float(saved[i]) for i in idx]])
    return RuleRows([group], set(),
                    f"coal use cut by >= {rule.reduction_t:,.0f} t/yr ({len(idx)} candidates save coal; 000:L248; "
                    "coal behind grid electricity not counted)")


# --------------------------------------------------------------------------- the registry
@dataclass(frozen=True)
class RuleSpec:
    key: str  # scenario key under rules:
    schema: type[Rule]
    define: Callable[[ModelData, pd.DataFrame, Rule], RuleRows]
    label: str  # how the diagnosis and rules-cost name the rule (English)
    label_zh: str  # the same in Chinese (ersim --lang zh, the default)

    def disabled(self) -> Rule:
        return self.schema(enabled=False)


RULES: tuple[RuleSpec, ...] = (
    RuleSpec("ule_mandatory", UleRule, define_ule_rows, "rule: ultra-low emission mandatory",
             "规则：超低排放改造强制"),
    RuleSpec("voc_efficiency_floor", VocFloorRule, define_voc_rows, "rule: VOC treatment efficiency floor",
             "规则：VOCs治理效率下限"),
    RuleSpec("boiler_phaseout", BoilerRule, define_boiler_rows, "rule: small coal boilers phased out",
             "规则：淘汰小型燃煤锅炉"),
    RuleSpec("plain_coal_zero", PlainCoalRule, define_plain_coal_rows, "rule: bulk coal to zero in plain counties",
             "规则：平原县散煤清零"),
    RuleSpec("siding_mandatory", SidingRule, define_siding_rows, "rule: sidings for large bulk shippers",
             "规则：大宗货物企业建铁路专用线"),
    RuleSpec("coal_cap", CoalCapRule, define_coal_cap_rows, "rule: coal-consumption cut",
             "规则：煤炭消费削减"),
)


def active(rules) -> list[tuple[RuleSpec, Rule]]:
    """(spec, settings) of every enabled rule of a scenario's ``rules:`` block, in registry order."""
    return [(spec, getattr(rules, spec.key)) for spec in RULES if getattr(rules, spec.key).enabled]
