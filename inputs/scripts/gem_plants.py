"""Real plants for build_enterprises.py from Global Energy Monitor's trackers (CC BY 4.0).

Reads the tables build_gem.py wrote to inputs/research/gem/ (steel plants of the 2020 fleet, coal power units of
the 2020 fleet, operating coal mines; every row already placed in its county by point-in-polygon) and the
research tables beside them (steel_ule_2020.csv, rail/mine_rail_access.csv) where they exist. It returns plain
facts per plant; build_enterprises.py turns them into enterprise rows (emission factors, freight, sidings).
Standard library only, like build_enterprises.py.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

RESEARCH = Path(__file__).resolve().parents[1] / "research"
GEM = RESEARCH / "gem"

GEM_LICENCE = "Global Energy Monitor, CC BY 4.0"


def _read(path: Path) -> list[dict]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _num(text: str) -> float | None:
    return float(text) if text not in ("", None) else None


# --------------------------------------------------------------------------------------------- steel
def steel_plants() -> list[dict]:
    """The Global Steel Plant Tracker's Shanxi plants of the 2020 fleet (release nearest to 2020), with the 2024
    release and the iron-and-steel units as cross-checks (columns of steel_plants_2020.csv)."""
    rows = _read(GEM / "steel_plants_2020.csv")
    for r in rows:
        r["steel_t"] = _num(r["steel_capacity_t_per_yr"]) or 0.0
        r["iron_t"] = _num(r["iron_capacity_t_per_yr"]) or 0.0
    return rows


def steel_ule_2020() -> dict[str, dict]:
    """gem_plant_id -> the 2020 ULE state found for the plant (research/steel_ule_2020.csv); empty if the table
    has not been written."""
    path = RESEARCH / "steel_ule_2020.csv"
    return {r["gem_plant_id"]: r for r in _read(path)} if path.exists() else {}


# --------------------------------------------------------------------------------------------- coal power
def coal_units() -> list[dict]:
    """Units of the 2020 fleet (start year <= 2020 and not retired before 2021), in the tracker's order."""
    rows = _read(GEM / "coal_units_2020.csv")
    for r in rows:
        r["mw"] = float(r["capacity_MW"])
        r["is_captive"] = r["captive"] == "true"
    return rows


_PHASE = {"I": "一", "II": "二", "III": "三", "IV": "四", "V": "五", "VI": "六", "VII": "七", "1": "一", "2": "二"}


def unit_label(unit_name: str) -> str:
    """The tracker's unit name in Chinese, one token: 'Unit 1' -> '1号机组', 'Phase II Unit 3' -> '二期3号机组',
    '2-Phase I Unit 9' -> '2-一期9号机组', 'New unit 3' -> '新3号机组'."""
    m = re.fullmatch(r"(?:(\d+)-)?(?:Phase (\w+) )?(New )?[Uu]nit (\d+)", unit_name)
    if not m:
        return unit_name.replace(" ", "_")
    pre, phase, new, num = m.groups()
    return (f"{pre}-" if pre else "") + (f"{_PHASE.get(phase, phase)}期" if phase else "") + ("新" if new else "") \
        + f"{num}号机组"


# --------------------------------------------------------------------------------------------- coal mines
def coal_mines() -> list[dict]:
    """Operating mines with capacity opened by 2020 (the tracker's 2020 fleet), in the tracker's order."""
    rows = _read(GEM / "coal_mines_operating.csv")
    out = []
    for r in rows:
        r["capacity_2020_t"] = _num(r["capacity_opened_by_2020_t_per_yr"]) or 0.0
        if r["capacity_2020_t"] > 0:
            out.append(r)
    return out


def mine_rail_access() -> dict[str, dict]:
    """gem_mine_id -> nearest railway station and road haul (research/rail/mine_rail_access.csv); empty if that
    table has not been written."""
    path = RESEARCH / "rail" / "mine_rail_access.csv"
    return {r["gem_mine_id"]: r for r in _read(path)} if path.exists() else {}
