"""Unit conversions at the edges of ersim, in one place.

Inside ersim every quantity is in tonnes per year (t), CNY, households or m3/day. The plans speak in
万吨 (10^4 t) and 亿元 (10^8 CNY); scenario files may use them and reports label them, and both go
through this module.
"""

from __future__ import annotations

#: multiplier to the internal unit, keyed by the unit names a scenario or report may use
MASS_TO_T: dict[str, float] = {"t": 1.0, "吨": 1.0, "kt": 1e3, "wan_t": 1e4, "万吨": 1e4, "Mt": 1e6}
MONEY_TO_CNY: dict[str, float] = {"CNY": 1.0, "yuan": 1.0, "元": 1.0, "wan_cny": 1e4, "万元": 1e4,
                                  "yi_cny": 1e8, "亿元": 1e8}


def to_t(value: float, unit: str) -> float:
    """Convert a mass given in ``unit`` (t, kt, 万吨/wan_t, Mt) to tonnes."""
    try:
        return value * MASS_TO_T[unit]
    except KeyError:
        raise ValueError(f"unknown mass unit {unit!r}; use one of {', '.join(MASS_TO_T)}") from None


def to_cny(value: float, unit: str) -> float:
    """Convert money given in ``unit`` (CNY, 万元/wan_cny, 亿元/yi_cny) to CNY."""
    try:
        return value * MONEY_TO_CNY[unit]
    except KeyError:
        raise ValueError(f"unknown money unit {unit!r}; use one of {', '.join(MONEY_TO_CNY)}") from None


WAN_T = MASS_TO_T["万吨"]
YI_CNY = MONEY_TO_CNY["亿元"]
WAN_CNY = MONEY_TO_CNY["万元"]


# The report-side conversions take a number, a numpy array or a pandas Series alike.
def t_to_wan_t(value_t):
    """Tonnes to 万吨, for report labels."""
    return value_t / WAN_T


def cny_to_yi(value_cny):
    """CNY to 亿元, for report labels."""
    return value_cny / YI_CNY


def cny_to_wan(value_cny):
    """CNY to 万元 (e.g. CNY per tonne to 万元 per tonne), for report labels."""
    return value_cny / WAN_CNY


def load_t(concentration_mg_per_l, volume_m3):
    """Mass (t) of a pollutant at ``concentration_mg_per_l`` in ``volume_m3`` of water (1 mg/L x 1 m3 = 1 g)."""
    return concentration_mg_per_l * volume_m3 / 1e6
