"""One heavy-truck fleet (issue 24): the trucks the road-to-rail shift idles and the trucks the programmes scrap or
replace come out of the same city fleet, checked by hand on one shipper and one 150-truck pool."""

from __future__ import annotations

import pandas as pd
import pytest

from conftest import make_tiny, write_yaml
from model.candidates import HEAVY_TRUCK_T_KM_PER_YR
from model.inputs import load_dataset
from model.pipeline import Pipeline
from model.results import make_results
from model.solve import solve

OTHERS = "[ule, voc, heating, boiler, wastewater, efficiency, structural, renewables, farming]"


def _instance(inputs_copy):
    """Kiln T1 (阳泉 郊区) ships 2,000 kt a year 45 km by road and has a siding; 阳泉 has 150 国III heavy trucks
    (a copy of its sources.csv row, scaled). Shifting it all idles 2,000 x 45 x 1,000 / 900,000 = 100 trucks."""
    sources = pd.read_csv(inputs_copy / "sources.csv", dtype=str, keep_default_na=False)
    row = sources[sources["source_id"] == "V-truck_heavy_diesel-GIII-140300"].iloc[0].copy()
    root = make_tiny(inputs_copy)  # drops sources.csv
    scale = 150 / float(row["activity"])
    for col in ("nox_t", "so2_t", "pm_t", "vocs_t", "co2_t"):
        row[col] = str(float(row[col]) * scale)
    row.update({"county_code": "140311", "activity": "150"})
    pd.DataFrame([row]).to_csv(root / "sources.csv", index=False)
    e = pd.read_csv(root / "enterprises.csv", dtype=str, keep_default_na=False)
    e.loc[e["enterprise_id"] == "T1", ["bulk_freight_kt_per_yr", "rail_share", "has_siding", "road_haul_km"]] = \
        ["2000", "0", "true", "45"]
    e.to_csv(root / "enterprises.csv", index=False)
    return root


@pytest.mark.parametrize("one_fleet", [True, False])
def test_rail_and_truck_programmes_share_one_fleet(inputs_copy, tmp_path, one_fleet):
    root = _instance(inputs_copy)
    path = write_yaml(tmp_path, f"name: f\nmeasures: {{exclude: {OTHERS}}}\nobjective: max_reduction\n"
                                "max_reduction: {weights: {nox: 1, vocs: 0, so2: 0, pm: 0, cod: 0, nh3n: 0}}\n"
                                "budget: {total: {value: 1000000, unit: 亿元}}\n"
                                f"one_truck_fleet: {str(one_fleet).lower()}\n")
    pipe = Pipeline.load(path, dataset=load_dataset(root))
    c = pipe.candidates.all()
    shift = c[c["kind"] == "freight"].iloc[0]
    assert shift["trucks_idled"] == pytest.approx(2000 * 45 * 1e3 / HEAVY_TRUCK_T_KM_PER_YR) == pytest.approx(100)
    trucks = c[c["pool"].fillna("").str.startswith("V-truck_heavy_diesel") & (c["unit"] == "vehicle")]
    # each programme: NOx per truck, up to its own draw (scrapping all 150, electric replacing at most half)
    programmes = [(r.nox_t / r.pool_draw, r.pool_draw) for r in trucks.itertuples()]
    sol = solve(pipe.model, mip_gap=1e-9)
    port = make_results(pipe.model, sol).portfolio
    got = port["nox_t"].sum()
    if one_fleet:
        # by hand: one 150-truck capacity shared by the shift (100 trucks for its whole cut) and the programmes,
        # filled by NOx per truck (a fractional knapsack: the model's shares and programmes are continuous)
        assert got == pytest.approx(_greedy([(shift["nox_t"] / 100, 100), *programmes], 150), rel=1e-6)
        used = port.loc[port["kind"] == "freight", "quantity"].sum() / 2000 * 100 + \
            port.loc[port["unit"] == "vehicle", "quantity"].sum()
        assert used <= 150 * (1 + 1e-9)
    else:  # as before: both take the same trucks, the whole shift and the pool again
        assert got == pytest.approx(shift["nox_t"] + _greedy(programmes, 150), rel=1e-6)


def _greedy(items: list[tuple[float, float]], capacity: float) -> float:
    """The most of sum(value x units) with sum(units) <= capacity, each item up to its units: best value first."""
    total = 0.0
    for value, units in sorted(items, reverse=True):
        take = min(units, capacity)
        total, capacity = total + value * take, capacity - take
    return total
