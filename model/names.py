"""Display names, in one place: pollutants, measure families, table columns (with their units), the cell
values tables show by name, in Chinese (the default) and English (``ersim --lang en``).

Ids (``nox``, ``nox_t``, ``ule``, ``capex_cny``) stay in files meant for machines; people see these names, in the
terminal, the figures, the workbook and the report. :func:`pollutant_name`, :func:`family_name`,
:func:`column_label` and :func:`display_frame` are the one way to turn ids into names; units are converted
through model/units.py (:data:`SCALES`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from . import domain, units
from .domain import EFFECTS, TARGET_POLLUTANTS  # noqa: F401 - re-exported for display code


@dataclass(frozen=True)
class Pollutant:
    """A registry pollutant (model/domain.py) with its display names."""

    key: str  # internal id, e.g. 'nox'
    en: str  # English display name, the registry's label, e.g. 'NOx' (also what scenario files write)
    zh: str  # Chinese display name

    @property
    def column(self) -> str:
        return domain.POLLUTANTS[self.key].column


#: Chinese names of the registry's pollutants
POLLUTANT_ZH = {"nox": "氮氧化物", "so2": "二氧化硫", "pm": "颗粒物", "vocs": "挥发性有机物", "cod": "化学需氧量",
                "nh3n": "氨氮", "co2": "二氧化碳"}
#: every pollutant ersim counts, in the registry's order, with its names
POLLUTANTS: dict[str, Pollutant] = {k: Pollutant(k, p.label, POLLUTANT_ZH.get(k, p.label))
                                    for k, p in domain.POLLUTANTS.items()}

FAMILIES: dict[str, tuple[str, str]] = {  # id (model/domain.py FAMILIES) -> (English, Chinese)
    "ule": ("ultra-low emission", "超低排放改造"),
    "voc": ("VOC treatment", "挥发性有机物治理"),
    "heating": ("clean heating", "清洁取暖"),
    "boiler": ("coal boiler replacement", "燃煤锅炉淘汰"),
    "rail": ("road to rail", "公转铁"),
    "wastewater": ("wastewater treatment", "污水处理"),
    "efficiency": ("energy efficiency", "节能改造"),
    "vehicle": ("diesel trucks", "柴油货车治理"),
    "structural": ("capacity replacement", "产能置换"),
    "renewables": ("renewables replacing coal power", "新能源替代煤电"),
    "farming": ("livestock manure use", "畜禽粪污资源化利用"),
}


assert tuple(FAMILIES) == domain.FAMILIES, "a family of model/domain.py without its names here, or the reverse"


def pollutant_name(key: str, lang: str = "en") -> str:
    """Display name of a pollutant id ('nox' -> 'NOx' or '氮氧化物'); unknown ids come back unchanged."""
    p = POLLUTANTS.get(key)
    return key if p is None else (p.zh if lang == "zh" else p.en)


def family_name(key: str, lang: str = "en") -> str:
    names = FAMILIES.get(key)
    return key if names is None else names[1 if lang == "zh" else 0]


# --------------------------------------------------------------------------- what people read in tables
#: the languages of ``ersim --lang``: Chinese first
LANGS = ("zh", "en")


class Column(NamedTuple):
    """How a column id is shown: a Chinese and an English label and the unit its cells are shown in.

    The unit decides the conversion (see :data:`SCALES`): a ``_t`` column shown in 万吨 is divided by 10^4, a
    ``_cny`` column shown in 亿元 by 10^8 (model/units.py); any other unit is the unit the column holds.
    """

    zh: str
    en: str
    unit: str = ""
    decimals: int | None = None  # None: the unit's (DECIMALS); text and ids have neither


#: units as each language writes them (Chinese -> English); 万吨 and 亿元 are what the plans write, in both
UNITS: dict[str, str] = {
    "万吨": "万吨", "亿元": "亿元", "亿元/年": "亿元/yr", "吨/年": "t/yr", "吨": "t", "千吨/年": "kt/yr",
    "元/吨": "CNY/t", "吨/万元": "t per 万元", "元/吨·年": "CNY per t and year", "加权吨/吨": "weighted t per t",
    "元/单位": "CNY per unit",
    "%": "%", "%/年": "%/yr", "户": "households", "年": "years", "人": "people", "度": "°",
}
#: how a value in a column's stored unit (t, CNY) becomes its display unit; units not listed are shown as stored
SCALES = {"万吨": units.t_to_wan_t, "亿元": units.cny_to_yi, "亿元/年": units.cny_to_yi, "万元": units.cny_to_wan}
#: decimals a unit is shown with (terminal, workbook number formats and report alike)
DECIMALS: dict[str, int] = {"万吨": 3, "亿元": 2, "亿元/年": 2, "吨/年": 1, "吨": 0, "千吨/年": 0, "元/吨": 0,
                            "元/吨·年": 0, "加权吨/吨": 3, "元/单位": 2, "%": 1, "%/年": 1, "吨/万元": 4, "户": 0, "年": 0,
                            "人": 0, "度": 4}


def _reductions() -> dict[str, Column]:
    return {p.column: Column(f"{p.zh}减排量", f"{p.en} reduction", "吨/年") for p in POLLUTANTS.values()}


def _costs_per_t() -> dict[str, Column]:
    return {f"cny_per_t_{p.key}": Column(f"{p.zh}单位减排成本", f"cost per t of {p.en}", "元/吨")
            for p in POLLUTANTS.values()}


#: column id -> display name and unit, for every table a person reads (ids stay in the CSV files)
COLUMNS: dict[str, Column] = {
    # who and where
    "candidate_id": Column("候选项目编号", "candidate id"),
    "kind": Column("类型", "kind"),
    "family": Column("类别", "family"),
    "measure_id": Column("措施编号", "measure id"),
    "measure_name": Column("措施", "measure"),
    "enterprise_id": Column("企业编号", "enterprise id"),
    "enterprise_name": Column("企业或设施", "enterprise or facility"),
    "name_zh": Column("名称", "name"),
    "name_pinyin": Column("拼音", "pinyin"),
    "region_code": Column("行政区划代码", "region code"),
    "region": Column("地区", "region"),
    "county": Column("区县", "county"),
    "city_code": Column("市代码", "city code"),
    "city": Column("市", "city"),
    "level": Column("级别", "level"),
    "terrain": Column("地形", "terrain"),
    "sector": Column("行业", "sector"),
    "latitude": Column("纬度", "latitude", "度"),
    "longitude": Column("经度", "longitude", "度"),
    "coord_source": Column("坐标来源", "coordinates from"),
    "source": Column("来源", "source"),
    "year": Column("年份", "year"),
    "chosen_year": Column("建设年份", "build year"),
    # projects and money
    "projects": Column("项目数", "projects", decimals=0),
    "quantity": Column("规模", "quantity", decimals=1),
    "unit": Column("单位", "unit"),
    "capex_cny": Column("投资", "investment", "亿元"),
    "project_capex_cny": Column("投资", "investment", "万元"),  # one project's: 亿元 would read 0.00 for a boiler
    "annualised_capex_cny": Column("年化投资", "annualised capital", "亿元/年"),
    "annual_cost_cny": Column("运维与能源", "O&M and energy", "亿元/年"),
    "total_annual_cost_cny": Column("建成后年成本", "annual cost once built", "亿元/年"),
    **_reductions(),
    **_costs_per_t(),
    "households_converted": Column("清洁取暖改造", "converted to clean heating", "户"),
    "coal_households_2020": Column("2020年散煤取暖", "heating with bulk coal in 2020", "户"),
    # the air and health layer (model/air.py)
    "population": Column("人口", "population", "人", decimals=0),
    "pm25_primary_t": Column("一次PM2.5减排量", "primary PM2.5 reduction", "吨/年"),
    "pm25_2020_ugm3": Column("2020年PM2.5", "PM2.5 2020", "μg/m³", decimals=1),
    "pm25_drop_ugm3": Column("项目带来的下降", "fall from the projects", "μg/m³", decimals=2),
    "pm25_modelled_ugm3": Column("2025年PM2.5（模型）", "PM2.5 2025 (modelled)", "μg/m³", decimals=1),
    "target_ugm3": Column("目标", "target", "μg/m³", decimals=1),
    "level_ugm3": Column("PM2.5目标", "PM2.5 level asked", "μg/m³", decimals=1),
    "meets_target": Column("达标", "meets target"),
    "avoided_deaths_per_yr": Column("避免过早死亡", "premature deaths avoided", "人/年", decimals=1),
    "pm25_province_2020_ugm3": Column("全省PM2.5（2020）", "province PM2.5 2020", "μg/m³", decimals=1),
    "pm25_province_modelled_ugm3": Column("全省PM2.5（2025，模型）", "province PM2.5 2025 (modelled)", "μg/m³",
                                          decimals=1),
    "avoided_deaths_per_100m_cny": Column("每亿元投资避免死亡", "deaths avoided per 亿元 invested", "人/年",
                                          decimals=2),
    "health_value_cny_per_yr": Column("健康效益（统计生命价值）", "health benefit (value of a statistical life)",
                                      "亿元/年"),
    # targets and what can be achieved
    "target": Column("目标", "target"),
    "pollutant": Column("污染物", "pollutant"),
    "required_t": Column("要求", "required", "万吨"),
    "achieved_t": Column("达到", "achieved", "万吨"),
    "achievable_t": Column("最多可达", "achievable", "万吨"),
    "slack_t": Column("余量", "slack", "万吨"),
    "shortfall_t": Column("缺口", "shortfall", "万吨"),
    "met": Column("达标", "met"),
    "shadow_price_cny_per_t": Column("影子价格", "shadow price", "元/吨·年"),
    "shadow_price_weighted_t_per_t": Column("影子价格", "shadow price", "加权吨/吨"),
    "shadow_price_deaths_per_t": Column("影子价格", "shadow price", "人/年/吨"),
    # one more tonne of a target with its milestones moving with it (model/results.py target_marginal)
    "marginal_cny_per_t": Column("边际成本", "marginal cost", "元/吨·年"),
    "marginal_weighted_t_per_t": Column("边际成本", "marginal cost", "加权吨/吨"),
    "marginal_deaths_per_t": Column("边际成本", "marginal cost", "人/年/吨"),
    "intensity_required_pct": Column("碳强度要求", "CO2 intensity required", "%"),
    "intensity_reached_pct": Column("碳强度达到", "CO2 intensity reached", "%"),
    "note": Column("说明", "note"),
    "item": Column("条目", "item"),
    "value": Column("数值", "value"),
    # the row groups of a comparison (comparison.csv keeps its English labels, for machines)
    "result": Column("结果", "result"),
    "cost": Column("成本", "cost"),
    "target_achieved_t": Column("目标达到", "target achieved", "万吨"),
    "target_required_t": Column("目标要求", "target required", "万吨"),
    "projects_per_family": Column("各类项目数", "projects per family"),
    "projects_per_city": Column("各市项目数", "projects per city"),
    # the run's summary (summary.json and its totals)
    "scenario": Column("情景", "scenario"),
    "status": Column("求解状态", "status"),
    "mip_gap": Column("MIP 相对间隙", "MIP gap"),
    "annual_om_cny": Column("运维与能源", "O&M and energy", "亿元/年"),
    "objective_discounted_cny": Column("目标函数值（折现至基年）", "objective (discounted to the base year)", "亿元"),
    "objective_weighted_t": Column("目标函数值（加权减排量）", "objective (weighted reduction)", "吨"),
    "objective_deaths_per_yr": Column("目标函数值（避免过早死亡）", "objective (premature deaths avoided)", "人/年",
                                      decimals=1),
    "spending_discounted_cny": Column("支出（折现）", "spending (discounted)", "亿元"),
    "penalties_discounted_cny": Column("未达软目标罚金（折现）", "penalties for unmet soft targets (discounted)", "亿元"),
    "plant_projects": Column("企业项目数", "plant projects", decimals=0),
    "plant_projects_at_named_plants": Column("其中在实名企业", "of which at named plants", decimals=0),
    "plant_capex_cny": Column("企业项目投资", "plant-project capex", "亿元"),
    "plant_capex_at_named_plants_cny": Column("其中在实名企业", "of which at named plants", "亿元"),
    **{f"reduction_{p.column}": Column(f"{p.zh}减排量", f"{p.en} reduction", "万吨") for p in POLLUTANTS.values()},
    # how much rests on named plants rather than a city's remainder
    "plants": Column("企业行数", "plant rows", decimals=0),
    "named_plants": Column("其中实名企业", "of which named", decimals=0),
    "projects_at_named_plants": Column("其中在实名企业", "of which at named plants", decimals=0),
    "capex_at_named_plants_cny": Column("其中在实名企业的投资", "capex at named plants", "亿元"),
    "plant_identity": Column("企业身份", "plant identity"),
    "tracker_id": Column("名录编号", "tracker id"),
    # the input tables of `ersim list` and `ersim show`
    "field": Column("条目", "field"),
    "applies_to": Column("适用对象", "applies to"),
    "exclusive_group": Column("互斥组", "exclusive group"),
    "capex_cny_per_unit": Column("单位投资", "capex per unit", "元/单位"),
    "lifetime_yr": Column("寿命", "lifetime", "年"),
    "capacity": Column("产能", "capacity", decimals=0),
    "capacity_unit": Column("产能单位", "capacity unit"),
    "ule_status": Column("超低排放状态", "ULE status"),
    "bulk_freight_kt_per_yr": Column("大宗货运量", "bulk freight", "千吨/年"),
    "has_siding": Column("有铁路专用线", "has a siding"),
    "gdp_2020_cny": Column("2020年地区生产总值", "GDP 2020", "亿元"),
    "population_2020": Column("2020年人口", "population 2020", "人"),
    "rural_coal_households_2020": Column("2020年散煤取暖", "heating with bulk coal in 2020", "户"),
    "group": Column("类别", "group"),
    "units": Column("数量", "units"),
    "file": Column("文件", "file"),
    "name": Column("名称", "name"),
    "extends": Column("继承自", "extends"),
    "objective": Column("目标函数", "objective"),
    "targets": Column("目标数", "targets", decimals=0),
    "description": Column("说明", "description"),
    "candidates": Column("候选项目数", "candidates", decimals=0),
    "reduction_t": Column("减排潜力", "reduction potential", "万吨"),
    "cumulative_t": Column("累计", "cumulative", "万吨"),
    "cny_per_t": Column("单位减排成本", "cost per tonne", "元/吨"),
    "named_share": Column("实名企业占比", "named share", decimals=2),
    "rows": Column("行数", "rows", decimals=0),
    "named_rows": Column("实名企业行数", "named rows", decimals=0),
    "output": Column("2020年产量", "output 2020", decimals=0),
    "output_unit": Column("产量单位", "output unit"),
    "named_output_share": Column("实名企业产量占比", "named share of output", decimals=2),
    "statistic": Column("统计值", "statistic", decimals=0),
    "statistic_unit": Column("统计口径", "statistic unit"),
    "modelled_t": Column("模型值", "modelled", "吨/年"),
    "low_t": Column("参考下限", "reference low", "吨/年"),
    "high_t": Column("参考上限", "reference high", "吨/年"),
    "verdict": Column("比较", "verdict"),
}
#: the same ids in the input tables (``ersim list``, ``ersim show``) hold 2020 emissions, not reductions
EMISSION_COLUMNS: dict[str, Column] = {p.column: Column(f"{p.zh}排放量", f"{p.en} emitted", "吨/年")
                                       for p in POLLUTANTS.values()}

#: cell values shown by name, per column id: value -> (Chinese, English); values not listed are shown as they are
VALUES: dict[str, dict[object, tuple[str, str]]] = {
    "kind": {"hard": ("硬约束", "hard"), "soft": ("软约束", "soft"), "enterprise": ("企业", "plant"),
             "household": ("农户", "households"), "freight": ("货运", "freight"), "wastewater": ("污水处理", "wastewater"),
             "source": ("其他排放源", "other source"), "target": ("目标", "target"), "binding": ("起约束作用", "binding"),
             "rules": ("规则", "rules")},
    "terrain": {"plain": ("平原", "plain"), "mountain": ("山区", "mountain")},
    "verdict": {"within": ("在范围内", "within"), "below": ("低于范围", "below"), "above": ("高于范围", "above")},
    "met": {True: ("是", "yes"), False: ("否", "no")},
    "meets_target": {True: ("是", "yes"), False: ("否", "no")},
    "source": {"target": ("目标", "target"), "milestone": ("阶段目标", "milestone"),
               "co2_intensity": ("碳强度", "CO2 intensity"), "catalogue": ("措施库", "catalogue")},
    "note": {"NOT MET: the penalty binds (its shadow price is the penalty)":
             ("未达成：按罚金计（影子价格即罚金）", "NOT MET: the penalty binds (its shadow price is the penalty)"),
             "NOT MET": ("未达成", "NOT MET"), "met; binding": ("达成；起约束作用", "met; binding"),
             "met; not binding (other rows or rules deliver it)":
             ("达成；不起约束作用（其他目标或规则已实现）", "met; not binding (other rows or rules deliver it)"),
             "cannot be met": ("无法达成", "cannot be met"), "met": ("达成", "met")},
    "unit": {"households": ("户", "households"), "kt/yr shifted to rail": ("千吨/年（转铁路）", "kt/yr shifted to rail"),
             "m3/day": ("立方米/日", "m3/day"), "MW": ("兆瓦", "MW"), "t_per_yr": ("吨/年", "t/yr"),
             "t_per_day": ("吨/日", "t/day"), "t_steam_per_h": ("蒸吨/小时", "t steam/h"),
             "t_diesel_per_yr": ("吨柴油/年", "t diesel/yr"), "t_raw_vocs_per_yr": ("吨VOCs产生量/年", "t raw VOCs/yr"),
             "pig_equivalent": ("头（生猪当量）", "pig equivalents"), "vehicle": ("辆", "vehicles"),
             "siding": ("条（铁路专用线）", "sidings")},
    "sector": {"steel": ("钢铁", "steel"), "coking": ("焦化", "coking"), "cement": ("水泥", "cement"),
               "power": ("煤电", "coal power"), "captive_power": ("自备电厂", "captive power"),
               "kiln": ("工业炉窑", "industrial kilns"), "chemical": ("化工", "chemicals"), "coating": ("涂装", "coating"),
               "other_voc": ("其他涉VOCs行业", "other VOC industry"), "coal_mine": ("煤矿", "coal mines"),
               "boiler": ("燃煤锅炉", "coal boilers"), "logistics": ("物流", "logistics"),
               "other_industry": ("其他工业", "other industry"),
               # the emission sources outside the plant list (sources.csv categories)
               "household_coal_heating": ("农村散煤取暖", "rural household coal heating"),
               "truck_heavy_diesel": ("重型柴油货车", "heavy diesel trucks"),
               "truck_medium_diesel": ("中型柴油货车", "medium diesel trucks"),
               "truck_light_diesel": ("轻型柴油货车", "light diesel trucks"),
               "truck_light_gasoline": ("轻型汽油货车", "light gasoline trucks"),
               "bus_diesel": ("大型柴油客车", "diesel buses"), "bus_medium_diesel": ("中型柴油客车", "medium diesel buses"),
               "car_gasoline": ("汽油小客车", "gasoline cars"), "offroad_machinery": ("非道路移动机械", "off-road machinery"),
               "mine_haul_truck": ("矿用卡车", "mine haul trucks"), "diesel_locomotive": ("内燃机车", "diesel locomotives"),
               "coke_unlisted": ("未列明焦化产能", "coking not in the plant list"),
               "sewage_urban": ("城镇生活污水", "urban sewage"), "sewage_rural": ("农村生活污水", "rural sewage"),
               "livestock": ("畜禽养殖", "livestock farming"), "wastewater_industrial": ("工业废水", "industrial wastewater"),
               "petrol_station": ("加油站", "petrol stations"), "solvent_architectural": ("建筑涂料", "architectural coatings"),
               "catering": ("餐饮油烟", "catering")},
    "level": {"province": ("省", "province"), "city": ("市", "city"), "county": ("区县", "county")},
    "plant_identity": {"named": ("实名企业", "named plant"), "remainder": ("城市其余产能（未列明企业）",
                                                                           "city remainder (plants not listed)")},
    "status": {"optimal": ("最优", "optimal"), "best_found": ("可行解（未证明最优）", "best found (not proven optimal)"),
               "infeasible": ("不可行", "infeasible")},
}
for _flag in ("has_siding", "mandatory"):
    VALUES[_flag] = VALUES["met"]

#: sheets of the workbook: id -> (Chinese, English); Excel allows 31 characters
SHEETS: dict[str, tuple[str, str]] = {
    "summary": ("汇总", "summary"), "targets": ("目标", "targets"), "portfolio": ("项目清单", "portfolio"),
    "per city": ("各市汇总", "per city"), "per county": ("各区县汇总", "per county"),
    "measures": ("措施汇总", "measures"), "annual plan": ("年度计划", "annual plan"), "diagnosis": ("诊断", "diagnosis"),
    "air quality": ("PM2.5浓度", "PM2.5"), "health": ("健康效益", "health"), "assumptions": ("假设与参数", "assumptions"),
}

#: energy carriers of the prices: id -> (Chinese, English, price unit as inputs/prices.csv states it)
CARRIERS: dict[str, tuple[str, str, str]] = {
    "natural_gas": ("天然气", "natural gas", "元/m³"), "electricity": ("电", "electricity", "元/kWh"),
    "coal_raw": ("散煤", "raw coal", "元/吨"), "coal_briquette": ("洁净型煤", "clean briquettes", "元/吨"),
    "coal_power": ("电煤", "power-plant coal", "元/吨"), "diesel": ("柴油", "diesel", "元/L"),
    "gasoline": ("汽油", "gasoline", "元/L"), "district_heat": ("集中供热", "district heat", "元/GJ"),
}


def check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}; use one of {', '.join(LANGS)}")
    return lang


def say(zh: str, en: str, lang: str) -> str:
    """The text of ``lang``: for the few sentences an output writes in both languages."""
    return zh if check_lang(lang) == "zh" else en


def unit_name(unit: str, lang: str = "zh") -> str:
    """A display unit as ``lang`` writes it ('吨/年' -> 't/yr' in English); 万吨 and 亿元 in both."""
    return unit if lang == "zh" else UNITS.get(unit, unit)


def _column(col: str, labels: dict[str, Column] | None) -> Column | None:
    """The display entry of a column id: ``labels`` (a table's own) first, then :data:`COLUMNS`."""
    return (labels or {}).get(col) or COLUMNS.get(col)


def column_label(col: str, lang: str = "zh", labels: dict[str, Column] | None = None) -> str:
    """Header of a column id with its unit: 'required_t' -> '要求 (万吨)' or 'required (万吨)'.

    A family id names its family (a per-family count column); unknown ids come back unchanged.
    """
    c = _column(col, labels)
    if c is None:
        return family_name(col, lang) if col in FAMILIES else col
    name = c.zh if check_lang(lang) == "zh" else c.en
    return f"{name} ({unit_name(c.unit, lang)})" if c.unit else name


def column_name(col: str, lang: str = "zh", labels: dict[str, Column] | None = None) -> str:
    """A column id's name without its unit ('capex_cny' -> '投资'); unknown ids come back unchanged."""
    c = _column(col, labels)
    if c is None:
        return family_name(col, lang) if col in FAMILIES else col
    return c.zh if check_lang(lang) == "zh" else c.en


def column_unit(col: str, labels: dict[str, Column] | None = None) -> str:
    c = _column(col, labels)
    return "" if c is None else c.unit


def column_decimals(col: str, labels: dict[str, Column] | None = None) -> int | None:
    """Decimals a numeric column is shown with (None: not known, the caller decides)."""
    c = _column(col, labels)
    if c is None:
        return 0 if col in FAMILIES else None  # per-family counts
    return c.decimals if c.decimals is not None else DECIMALS.get(c.unit)


def is_label_column(col: str) -> bool:
    """Years and codes are labels, not quantities: written without thousands separators (2021, not 2,021)."""
    return col in ("year", "chosen_year", "build_year") or col.endswith("_year") or col.endswith("_code")


def _pollutant_key(value: str) -> str | None:
    for p in POLLUTANTS.values():
        if value in (p.key, p.en, p.zh):
            return p.key
    return None


#: HiGHS's reasons to stop early (its model status without the leading k), as a comparison's status cell adds them
TERMINATIONS: dict[str, tuple[str, str]] = {
    "TimeLimit": ("达到时间上限", "time limit"), "IterationLimit": ("达到迭代上限", "iteration limit"),
    "SolutionLimit": ("达到解数上限", "solution limit"), "NodeLimit": ("达到节点上限", "node limit"),
    "Interrupt": ("被中断", "interrupted"), "ObjectiveBound": ("达到目标界", "objective bound"),
    "ObjectiveTarget": ("达到目标值", "objective target"), "Infeasible": ("无可行解", "no feasible portfolio"),
    "UnboundedOrInfeasible": ("无界或不可行", "unbounded or infeasible")}


def status_name(cell, lang: str = "zh"):
    """A status cell as comparison.csv keeps it ('optimal', 'best_found (TimeLimit)') as people read it."""
    if not isinstance(cell, str):
        return cell
    status, _, why = cell.partition(" (")
    why = why.removesuffix(")")
    name = value_name("status", status, lang)
    if not why or why.lower() == status.lower():  # 'infeasible (Infeasible)': the reason says it again
        return name
    reason = TERMINATIONS.get(why, (why, why))[0 if check_lang(lang) == "zh" else 1]
    return say(f"{name}（{reason}）", f"{name} ({reason})", lang)


def value_name(col: str, value, lang: str = "zh"):
    """A cell as people read it: family and pollutant ids, kinds, yes/no ... by name; anything else unchanged."""
    if col == "family":
        return family_name(value, lang) if isinstance(value, str) else value
    if col == "pollutant" and isinstance(value, str):
        key = _pollutant_key(value)
        return value if key is None else pollutant_name(key, lang)
    if col in ("target", "item") and isinstance(value, str):
        return target_name(value, lang)
    names = VALUES.get(col)
    if names is None:
        return value
    try:
        hit = names.get(value)
    except TypeError:  # unhashable
        return value
    return value if hit is None else hit[0 if lang == "zh" else 1]


def _limit_labels() -> dict[str, str]:
    """English label -> Chinese of each rule (model/rules.py) and budget cap (model/diagnose.py)."""
    from .rules import RULES

    out = {spec.label: spec.label_zh for spec in RULES}
    out.update({"budget: total": "预算：总投资上限", "budget: per year": "预算：年度投资上限",
                "budget: per city": "预算：各市投资上限", "budget: discounted total": "预算：折现总成本上限"})
    return out


_MILESTONE = re.compile(r" \(milestone (\d{4})(?:, (\d+%) phasing)?\)$")
_INTENSITY = re.compile(r"^CO2 intensity (-?[\d.]+%) ")


def target_name(label: str, lang: str = "zh") -> str:
    """A target row's label in ``lang``: resolve writes 'NOx 山西省 2025 (milestone 2023, 60% phasing)' and
    'CO2 intensity -18% 山西省 2025'; in Chinese '氮氧化物 山西省 2025（2023年阶段目标，进度60%）' and
    '单位GDP二氧化碳排放 -18% 山西省 2025'. Labels a scenario writes itself are kept, but for those two phrases."""
    if check_lang(lang) == "en":
        return label
    if label.startswith(("rule: ", "budget: ")):
        return _LIMIT_ZH.get(label, label)
    m = _MILESTONE.search(label)
    tail = ""
    if m:
        tail = f"（{m.group(1)}年阶段目标" + (f"，进度{m.group(2)}" if m.group(2) else "") + "）"
        label = label[:m.start()]
    label = _INTENSITY.sub(lambda g: f"单位GDP二氧化碳排放 {g.group(1)} ", label)
    first, _, rest = label.partition(" ")
    key = _pollutant_key(first) if rest else None
    if key is not None and first == POLLUTANTS[key].en:
        label = f"{POLLUTANTS[key].zh} {rest}"
    return label + tail


_LIMIT_ZH = _limit_labels()

#: columns whose cells are ids shown by name (besides those of VALUES)
NAMED_CELLS = ("family", "pollutant", "target", "item")


def _numbers(s):
    """A column of numbers as numbers (an object column of them, from a concatenation, as floats); None when it
    holds text or yes/no."""
    import numpy as np
    import pandas as pd

    if pd.api.types.is_bool_dtype(s):
        return None
    if pd.api.types.is_numeric_dtype(s):
        return s
    def number(v) -> bool:
        return v is None or isinstance(v, (int, float, np.number)) and not isinstance(v, (bool, np.bool_))

    if s.map(number).all():
        return s.astype(float)
    return None


def display_frame(df, lang: str = "zh", labels: dict[str, Column] | None = None):
    """``df`` as people read it: values in their display units (万吨, 亿元), solver noise as 0, ids by name
    (families, pollutants, kinds, yes/no), headers with units in ``lang``. Column order is kept, so
    ``column_decimals`` / ``is_label_column`` of the original ids still apply position by position."""
    import pandas as pd

    check_lang(lang)
    out = df.copy()
    for col in df.columns:
        if col in VALUES or col in NAMED_CELLS:
            out[col] = df[col].map(lambda v, c=col: value_name(c, v, lang))
            continue
        s = _numbers(df[col])
        if s is None:
            continue
        scale = SCALES.get(column_unit(col, labels))
        s = scale(s) if scale is not None else s
        out[col] = s.where(~(s.abs() < 1e-9), 0.0) if pd.api.types.is_float_dtype(s) else s
    out.columns = [column_label(str(c), lang, labels) for c in df.columns]
    return out


# --------------------------------------------------------------------------- the sentence every output starts with
def price_items(prices: dict[str, float], lang: str = "zh") -> list[tuple[str, float, str]]:
    """(label, price, unit) of each carrier's price, as the workbook's and the report's assumptions list them."""
    out = []
    for k, v in prices.items():
        zh, en, unit = CARRIERS.get(k, (k, k, "元/单位"))
        out.append((say(f"价格：{zh}", f"price: {en}", lang), v, unit))
    return out


def intensity_pair(reached_pct: float, required_pct: float, met: bool = False) -> tuple[str, str]:
    """Reached and required CO2-intensity change as a line shows them: one decimal, two for a row not met where one
    would print the same figure twice (never "reached -18.0 %, required -18.0 %" for a miss)."""
    d = 1 if met or f"{reached_pct:+.1f}" != f"{required_pct:+.1f}" else 2
    return f"{reached_pct:+.{d}f}", f"{required_pct:+.{d}f}"


def _short_of(row: dict, target_row, lang: str) -> str:
    """One unmet target: what it reached against what it needs (CO2 intensity in %, the rest in 万吨)."""
    name = target_name(row["target"], lang)
    pct = None if target_row is None else target_row.get("intensity_reached_pct")
    if pct is not None and pct == pct:  # the CO2-intensity row: per unit GDP, in %, and the tonnes it misses
        got, need = intensity_pair(pct, target_row["intensity_required_pct"])
        short = units.t_to_wan_t(row["short_t"])
        return say(f"{name}：达到 {got} %，要求 {need} %，差 {short:,.3f} 万吨二氧化碳",
                   f"{name}: reached {got} %, required {need} %, short {short:,.3f} 万吨 CO2", lang)
    got, need, short = (units.t_to_wan_t(row[k]) for k in ("achieved_t", "required_t", "short_t"))
    return say(f"{name}：达到 {got:,.3f} 万吨，要求 {need:,.3f} 万吨，差 {short:,.3f} 万吨",
               f"{name}: {got:,.3f} of {need:,.3f} 万吨, short {short:,.3f} 万吨", lang)


def not_met_items(not_met: list[dict], targets=None, lang: str = "zh") -> list[str]:
    """Each target a run did not meet (``summary.json``'s ``not_met``), as a sentence; ``targets`` (the
    targets table) adds the CO2-intensity row's percentages."""
    rows = {} if targets is None or not len(targets) else {r["target"]: r for r in targets.to_dict("records")}
    return [_short_of(m, rows.get(m["target"]), lang) for m in not_met]


def pm25_headline(air_quality, lang: str = "zh") -> tuple[bool, str] | None:
    """The line after :func:`targets_headline` when a run sets PM2.5 levels (``air_quality``: the run's
    air_quality table): (every level met, the line saying which modelled levels are above their target, or that
    every one is met). None when no level is set (or the dataset has no air layer)."""
    if air_quality is None or not len(air_quality) or not air_quality["target_ugm3"].notna().any():
        return None
    a = air_quality[air_quality["target_ugm3"].notna()]
    short = a[a["meets_target"].astype("boolean") == False]  # noqa: E712 - nan (no target) is neither
    shown, sign = (short, ">") if len(short) else (a, "≤")
    items = [f"{x.name_zh} {x.pm25_modelled_ugm3:.1f} {sign} {x.target_ugm3:g} μg/m³" for x in shown.itertuples()]
    zh, en = "；".join(items), "; ".join(items)
    if len(short):
        return False, say(f"{len(short)} 项PM2.5浓度目标未达成（共 {len(a)} 项，模型估算）：{zh}",
                          f"{len(short)} of {len(a)} PM2.5 levels NOT met: {en}", lang)
    return True, say(f"PM2.5浓度目标全部达成（模型估算）：{zh}", f"PM2.5 met (modelled): {en}", lang)


def targets_headline(not_met: list[dict] | None, targets=None, lang: str = "zh") -> str:
    """The line every output starts with: every target met, or which are not and by how much.
    ``not_met`` None: the run is infeasible (no portfolio at all)."""
    n = 0 if targets is None else len(targets)
    if not_met is None:
        return say("目标无法全部达成（不可行），没有项目组合：见诊断", "the targets cannot all be met (infeasible): no "
                   "portfolio; see the diagnosis", lang)
    if not not_met:
        if n == 0:
            return say("本情景未设目标", "no targets in this scenario", lang)
        return say(f"全部 {n} 项目标达成", f"all {n} targets met", lang)
    items = not_met_items(not_met, targets, lang)
    return say(f"{len(not_met)} 项目标未达成（共 {n} 项）：" + "；".join(items),
               f"{len(not_met)} of {n} targets NOT met: " + "; ".join(items), lang)
