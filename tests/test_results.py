"""Result tables: the annual plan and the notes on target rows."""

from __future__ import annotations

import pandas as pd
import pytest

from model.results import _target_note, annual_plan, investment_by_year


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


def test_a_price_missing_after_the_time_limit_says_so():
    class Row:
        kind = "hard"

    assert "time limit" in _target_note(Row, True, float("nan"), "time_limit")
    assert _target_note(Row, True, float("nan"), "optimal") == "met; price not available"
    assert _target_note(Row, True, 0.0, "optimal").startswith("met; not binding")
    # base's NOx 2025 row: its own dual 0, its 2023 milestone binding
    assert _target_note(Row, True, 0.0, "optimal", 16_588.0) == "met; its milestones bind (the marginal cost counts them)"
