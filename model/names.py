"""Display names, in one table: pollutants and measure families in Chinese and English.

Ids (``nox``, ``nox_t``, ``ule``) stay in files meant for machines; people see these names, in the terminal,
the figures, the workbook and the report. :func:`pollutant_name` and :func:`family_name` are the one way to
turn an id into a name.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Pollutant:
    key: str  # internal id, e.g. 'nox'
    en: str  # English display name, e.g. 'NOx' (also what scenario files write)
    zh: str  # Chinese display name

    @property
    def column(self) -> str:
        """Name of the tonnes-per-year column in candidate and result tables (``nox_t``)."""
        return f"{self.key}_t"


#: every pollutant ersim counts, in table order; the first six can be targets, CO2 enters the intensity row
POLLUTANTS: dict[str, Pollutant] = {p.key: p for p in (
    Pollutant("nox", "NOx", "氮氧化物"),
    Pollutant("so2", "SO2", "二氧化硫"),
    Pollutant("pm", "PM", "颗粒物"),
    Pollutant("vocs", "VOCs", "挥发性有机物"),
    Pollutant("cod", "COD", "化学需氧量"),
    Pollutant("nh3n", "NH3-N", "氨氮"),
    Pollutant("co2", "CO2", "二氧化碳"),
)}
#: pollutants a ``targets:`` entry may name (CO2 is asked for as an intensity, see ``co2_intensity:``)
TARGET_POLLUTANTS = tuple(k for k in POLLUTANTS if k != "co2")
AIR_POLLUTANTS = ("nox", "so2", "pm", "vocs")
#: reduction columns of candidate and result tables (t/yr), in table order
EFFECTS = [p.column for p in POLLUTANTS.values()]

FAMILIES: dict[str, tuple[str, str]] = {  # id -> (English, Chinese)
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


def pollutant_name(key: str, lang: str = "en") -> str:
    """Display name of a pollutant id ('nox' -> 'NOx' or '氮氧化物'); unknown ids come back unchanged."""
    p = POLLUTANTS.get(key)
    return key if p is None else (p.zh if lang == "zh" else p.en)


def family_name(key: str, lang: str = "en") -> str:
    names = FAMILIES.get(key)
    return key if names is None else names[1 if lang == "zh" else 0]
