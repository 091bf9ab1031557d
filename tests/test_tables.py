"""Tables from a portfolio alone: the annual plan, per city, whole households and vehicles."""

from __future__ import annotations

import pandas as pd
import pytest

from model.tables import annual_plan, investment_by_year, whole_units


def _port() -> pd.DataFrame:
    return pd.DataFrame({"year": [2021, 2023, 2023, 2025], "city_code": ["141000", "141000", "140100", "140100"],
                         "city": ["临汾市", "临汾市", "太原市", "太原市"], "capex_cny": [1e8, 2e8, 3e8, 4e8],
                         "nox_t": [10.0, 20.0, 30.0, 40.0], "so2_t": 0.0, "pm_t": 0.0, "vocs_t": 0.0, "cod_t": 0.0,
                         "nh3n_t": 0.0, "co2_t": 0.0})


def test_the_annual_plan_sums_projects_and_money_by_year_and_city():
    plan = annual_plan(_port())
    assert plan[["year", "city", "projects"]].values.tolist() == [[2021, "临汾市", 1], [2023, "太原市", 1],
                                                                   [2023, "临汾市", 1], [2025, "太原市", 1]]
    wide = investment_by_year(_port()).set_index("city")
    assert list(wide.columns) == ["2021", "2023", "2025", "total"]
    assert wide.loc["total", "2023"] == 5e8 and wide.loc["太原市", "total"] == 7e8
    assert wide.loc["total", "total"] == pytest.approx(10e8)


def test_whole_units_round_households_and_scale_their_money_and_cuts_alike():
    """556.235 households at 5.56 万元 and 1.1124 t NOx print as 556 households, 5.558 万元 and 1.1118 t (the same
    cost and cut per household); 0.4 of a vehicle is not printed; MW stay as they are."""
    port = pd.DataFrame({"unit": ["household", "vehicle", "MW"], "quantity": [556.235, 0.4, 12.5],
                         "capex_cny": [55_623.5, 100.0, 1e6], "nox_t": [1.1124, 0.01, 3.0]})
    out = whole_units(port)
    assert out["quantity"].tolist() == [556.0, 12.5]
    assert out["capex_cny"].iloc[0] == pytest.approx(55_623.5 * 556 / 556.235)
    assert out["nox_t"].iloc[0] / out["quantity"].iloc[0] == pytest.approx(1.1124 / 556.235)
    assert out["capex_cny"].iloc[1] == 1e6
