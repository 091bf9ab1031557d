"""The domain registry: the facts every module shares, resolved once.

Pollutants (and which tables carry them), measure families, plant sectors, a plant's ULE states and identities,
the province's region code. The model core (inputs, scenario, resolve, candidates, build) imports these, never
display text; :mod:`model.names` keys its Chinese and English names on them. Adding a pollutant is one
:class:`Pollutant` here (plus its names in ``names.py``); the input schema, the candidate columns, the targets a
scenario may set and the result tables follow from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

#: Shanxi (山西省): the region a target or table means when it names none
PROVINCE_CODE = "140000"


@dataclass(frozen=True)
class Pollutant:
    key: str  # internal id, e.g. 'nox'; tables carry '<key>_t' (t/yr)
    label: str  # what scenario files and English tables write, e.g. 'NOx'
    medium: Literal["air", "water", "ghg"]
    target: bool = True  # a ``targets:`` entry may name it (CO2 enters as an intensity row instead)
    at_plants: bool = False  # enterprises.csv carries '<key>_t' and plant measures '<key>_removal'

    @property
    def column(self) -> str:
        """The tonnes-per-year column of candidate, source and result tables (``nox_t``)."""
        return f"{self.key}_t"


#: every pollutant ersim counts, in table order
POLLUTANTS: dict[str, Pollutant] = {p.key: p for p in (
    Pollutant("nox", "NOx", "air", at_plants=True),
    Pollutant("so2", "SO2", "air", at_plants=True),
    Pollutant("pm", "PM", "air", at_plants=True),
    Pollutant("vocs", "VOCs", "air", at_plants=True),
    Pollutant("cod", "COD", "water"),
    Pollutant("nh3n", "NH3-N", "water"),
    Pollutant("co2", "CO2", "ghg", target=False, at_plants=True),
)}
TARGET_POLLUTANTS: tuple[str, ...]  # pollutants a ``targets:`` entry may name
AIR_POLLUTANTS: tuple[str, ...]  # the air pollutants plants emit (enterprises.csv columns, plant measures' removals)
WATER_POLLUTANTS: tuple[str, ...]
EFFECTS: list[str]  # reduction columns of candidate and result tables (t/yr), in table order
PLANT_EFFECTS: list[str]  # what a plant row emits (t/yr): the columns a plant measure cuts a share of


def _derive() -> None:
    """The lists every module reads, from :data:`POLLUTANTS`."""
    global TARGET_POLLUTANTS, AIR_POLLUTANTS, WATER_POLLUTANTS, EFFECTS, PLANT_EFFECTS
    TARGET_POLLUTANTS = tuple(k for k, p in POLLUTANTS.items() if p.target)
    AIR_POLLUTANTS = tuple(k for k, p in POLLUTANTS.items() if p.medium == "air" and p.at_plants)
    WATER_POLLUTANTS = tuple(k for k, p in POLLUTANTS.items() if p.medium == "water")
    EFFECTS = [p.column for p in POLLUTANTS.values()]
    PLANT_EFFECTS = [p.column for p in POLLUTANTS.values() if p.at_plants]


def register(pollutant: Pollutant) -> None:
    """Add a pollutant to the registry. The other modules read the registry once, when they are imported, so
    this runs first (a plug-in, a study or a test: tests/test_domain.py adds PM2.5 and runs it end to end)."""
    POLLUTANTS[pollutant.key] = pollutant
    _derive()


_derive()

#: measure families (their names: names.FAMILIES)
FAMILIES = ("ule", "voc", "heating", "boiler", "rail", "wastewater", "efficiency", "vehicle", "structural",
            "renewables", "farming")
#: plant sectors of enterprises.csv
SECTORS = ("steel", "coking", "cement", "power", "captive_power", "kiln", "chemical", "coating", "other_voc",
           "coal_mine", "logistics", "boiler", "other_industry")
#: a plant's 2020 ultra-low-emission state: none, a retrofit under way (partial), stacks at ULE but not the
#: fugitive sources (organised, steel), or done
ULE_STATUSES = ("none", "partial", "organised", "done")
#: named: a real plant, from a public list or a seed plan; remainder: the capacity a statistic gives beyond the
#: named plants of a city, taken by measures in ``blocks`` equal parts
PLANT_IDENTITIES = ("named", "remainder")
