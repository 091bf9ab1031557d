"""The marginal abatement cost curve."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import PLANTS, ROOT, cement_yaml
from model.inputs import load_dataset
from model.resolve import crf, resolve
from model.studies.macc import build_macc
from model.scenario import load_scenario


def test_macc_takes_the_deepest_option_at_its_hand_computed_cost(tiny, tmp_path):
    ds = load_dataset(tiny)
    m = build_macc(resolve(ds, load_scenario(cement_yaml(tmp_path, 1000))), "NOx")
    # SNCR, SCR and full ULE exclude each other at a kiln: only the deepest (cement_ule, 85 %) counts
    assert m.table["measure_id"].tolist() == ["cement_ule"]
    assert m.table["reduction_t"].sum() == pytest.approx(0.85 * sum(nox for *_, nox in PLANTS))
    # by hand: each plant's annual cost (capex x CRF + O&M per t of clinker), shared with its SO2 and PM cuts by
    # the default weights (NOx 1, SO2 0.5, PM 0.5), per tonne of NOx
    r = ds.measures.loc["cement_ule"]
    e = ds.enterprises
    allocated = 0.0
    for eid, _county, cap, out, nox in PLANTS:
        annual = r["capex_cny_per_unit"] * cap * crf(0.08, r["lifetime_yr"]) + r["var_om_cny_per_t_output"] * out
        w_nox = r["nox_removal"] * nox
        weighted = w_nox + 0.5 * (r["so2_removal"] if pd.notna(r["so2_removal"]) else 0) * e.loc[eid, "so2_t"] \
            + 0.5 * (r["pm_removal"] if pd.notna(r["pm_removal"]) else 0) * e.loc[eid, "pm_t"]
        allocated += annual * w_nox / weighted
    assert m.table["cny_per_t"].iloc[0] == pytest.approx(allocated / (0.85 * sum(nox for *_, nox in PLANTS)),
                                                         rel=1e-9)
    assert m.target_t == 1000 and m.region == "山西省"


@pytest.mark.slow
def test_macc_of_base_scenario(tmp_path, ds):
    out = tmp_path / "macc"
    res = CliRunner().invoke(cli.main, ["macc", "scenarios/base.yaml", "--pollutant", "VOCs", "--out", str(out)])
    assert res.exit_code == 0, res.output
    t = pd.read_csv(out / "macc.csv")
    assert t["cny_per_t"].is_monotonic_increasing  # the curve is drawn cheapest first
    # physically possible: the measures never cut more VOCs than the plants and other sources emit
    assert t["reduction_t"].sum() <= ds.enterprises["vocs_t"].sum() + ds.sources["vocs_t"].sum()
    assert {"voc", "heating"} <= set(t["family"])
    # every bar carries the Chinese name the figure's key shows, from the dataset's measures table (a combination
    # 'a+b' is named 'name of a＋name of b')
    expected = t["measure_id"].map(lambda mid: "＋".join(ds.measures.loc[m, "name_zh"] for m in mid.split("+")))
    assert t["measure_name"].tolist() == expected.tolist()
    assert (out / "macc.png").stat().st_size > 20_000


@pytest.mark.slow
def test_macc_covers_the_targets_region(tmp_path):
    """Linfen's VOCs target is in 临汾: its MACC holds only Linfen's candidates."""
    from model.inputs import load_dataset as load

    ds = load()
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "linfen.yaml"))
    m = build_macc(md, "VOCs")
    assert m.region == "临汾市" and m.target_t == pytest.approx(8_405)  # linfen.yaml: its 24.7 % of 3.40万吨
    whole = build_macc(resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml")), "VOCs")
    assert 0 < m.table["reduction_t"].sum() < whole.table["reduction_t"].sum()
