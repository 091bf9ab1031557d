"""Build years that are real years: the model keeps only the requirement years where that is provably exact
(model/build.py model_years) and every year of the horizon otherwise.

The cases are Shanxi's vehicle programmes alone (242 candidates, seconds to solve). With diesel at 8 CNY/L a
battery-electric heavy truck saves money (its electricity and capital cost less than 21,600 L of diesel a year)
but adds 7.4 t CO2 a year from coal-fired electricity: a money-saving project that raises a pollutant.
"""

from __future__ import annotations

import pytest

from model import build
from model.pipeline import Pipeline
from model.results import make_results
from model.solve import solve

VEHICLES_ONLY = ("measures: {exclude: [ule, voc, heating, boiler, rail, wastewater, efficiency, structural, "
                 "renewables, farming]}\n")
# CO2 per unit GDP 8.2475 % below 2020 by 2023 allows 527,858 t more CO2 than the BAU path: half of what every
# money-saving electric truck adds (1,055,716 t), so no more than about half of them may be in place by 2023
CO2_2023 = "co2_intensity: {reduction_pct: 8.2475, year: 2023}\n"


def _scenario(tmp_path, diesel: float = 8.0, co2: str = CO2_2023, nox: str = "") -> str:
    path = tmp_path / "vehicles.yaml"
    path.write_text("name: vehicles\n" + VEHICLES_ONLY + f"prices: {{diesel: {diesel}}}\n" + co2
                    + "targets:\n  - {pollutant: NOx, reduction: 60000, unit: t" + nox + "}\n", encoding="utf-8")
    return str(path)


def _solve(path: str, overrides=()):
    pipe = Pipeline.load(path, list(overrides))
    sol = solve(pipe.model, mip_gap=1e-7, shadow_prices=False)
    assert sol.status == "optimal"
    return pipe.model, sol


def test_a_money_saving_project_that_raises_an_earlier_counted_pollutant_keeps_every_year(tmp_path):
    """The issue's case: CO2 counted in 2023, NOx in 2025, electric trucks save money and add CO2. The cheapest
    plan builds some trucks in 2021 (as many as the 2023 CO2 row allows) and the rest in 2024, the first year
    after that row: a year no row requires, so the requirement years alone (2023, 2025) cannot express it."""
    path = _scenario(tmp_path)
    auto, a = _solve(path)
    every, b = _solve(path, ["horizon.build_years=every"])
    assert auto.years == every.years == [2021, 2022, 2023, 2024, 2025]
    assert a.objective == pytest.approx(b.objective, rel=1e-6)
    port = make_results(auto, a).portfolio
    trucks = port[port["measure_id"] == "truck_bev_heavy"].groupby("year")["quantity"].sum()
    assert set(trucks.index) == {2021, 2024}
    # the reduction as it was (money-saving projects in the first year or never) is far dearer: it must scrap
    # trucks instead of electrifying them after 2023
    kept = build.model_years
    try:
        build.model_years = lambda md, c: (md.years, build.annual_cost_cny(c) < 0)
        reduced, r = _solve(path)
    finally:
        build.model_years = kept
    assert reduced.years == [2023, 2025]
    assert r.objective > b.objective + 1e9


@pytest.mark.parametrize("case, kwargs, years", [
    # the trucks raise CO2 but only the end year counts it: in place early hurts no row
    ("CO2 counted at the end only", {"co2": "co2_intensity: {reduction_pct: 8.2475}\n"}, [2025]),
    # at 6.5 CNY/L the trucks cost money: they move to the next requirement year
    ("electric trucks cost money", {"diesel": 6.5}, [2023, 2025]),
    # a NOx milestone in 2023 and money-saving trucks that cut NOx: earlier only helps
    ("a milestone the savers help", {"co2": "", "nox": ", milestones: {2023: 30000}"}, [2023, 2025]),
])
def test_the_reduced_model_agrees_with_the_every_year_model_where_it_is_kept(tmp_path, case, kwargs, years):
    path = _scenario(tmp_path, **kwargs)
    auto, a = _solve(path)
    every, b = _solve(path, ["horizon.build_years=every"])
    assert auto.years == years and every.years == [2021, 2022, 2023, 2024, 2025], case
    assert auto.model.nvariables() < every.model.nvariables()
    assert a.objective == pytest.approx(b.objective, rel=1e-6), case
