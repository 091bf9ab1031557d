"""Candidates are physically possible: a plant never cuts more than it emits, measures treat their process."""

from __future__ import annotations

import pytest

from conftest import ROOT
from model.candidates import PLANT_EFFECTS, build_candidates
from model.resolve import resolve
from model.scenario import load_scenario


@pytest.fixture(scope="module")
def base_candidates(ds):
    return build_candidates(resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))).enterprise


def test_no_plant_can_cut_more_than_it_emits(ds, base_candidates):
    """The most any feasible choice cuts (the best option of each exclusive group, summed over the plant's
    groups) is at most the plant's 2020 emission, for every plant and pollutant of the default data."""
    c = base_candidates
    best = c.groupby(["enterprise_id", "exclusive_group"])[PLANT_EFFECTS].max().groupby("enterprise_id").sum()
    emitted = ds.enterprises.loc[best.index, PLANT_EFFECTS]
    over = best > emitted * (1 + 1e-9) + 1e-6
    assert not over.to_numpy().any(), best[over.any(axis=1)].head()
    # every plant row has a measure but the 617 coal mines, 10 terminals and 8 other-industry rows (1,007 rows);
    # the steel plants already at ULE (太钢, 晋南) have the EAF replacement
    assert len(best) == 1007 - 617 - 10 - 8


def test_measures_apply_only_to_the_process_they_treat(ds, base_candidates):
    c = base_candidates
    process = c["enterprise_id"].map(ds.enterprises["process"])
    parts = c["measure_id"].str.split("+")
    has = lambda mid: parts.map(lambda p: mid in p)  # noqa: E731
    # stand-alone pellet plants have no sinter strand and no integrated-site package
    assert not (has("steel_ule") | has("steel_sinter_scr"))[process == "pellet"].any()
    assert has("pellet_ule")[process == "pellet"].all() or (process == "pellet").sum() == 0
    # plants that already quench dry are not offered dry quenching again
    assert not has("coking_cdq")[process == "dry_quench"].any()
    assert has("coking_cdq")[process == "wet_quench"].any()


def test_combined_measures_compound(ds, base_candidates):
    """coking_ule (VOCs 20 %, PM 60 %) with coking_voc (VOCs 50 %) and CDQ (PM 25 %): 1 - 0.8 x 0.5 = 60 % of
    VOCs and 1 - 0.4 x 0.75 = 70 % of PM, not 70 % and 85 % (measures.csv removal columns)."""
    c = base_candidates
    row = c[c["measure_id"] == "coking_ule+coking_cdq+coking_voc"].iloc[0]
    plant = ds.enterprises.loc[row["enterprise_id"]]
    assert row["vocs_t"] == pytest.approx(0.6 * plant["vocs_t"], rel=1e-12)
    assert row["pm_t"] == pytest.approx(0.7 * plant["pm_t"], rel=1e-12)
    assert row["exclusive_group"] == "combined" and row["ule_compliant"]
    parts = c[(c["enterprise_id"] == row["enterprise_id"])
              & c["measure_id"].isin(["coking_ule", "coking_cdq", "coking_voc"])]
    assert row["capex_cny"] == pytest.approx(parts["capex_cny"].sum())
    assert row["annualised_capex_cny"] == pytest.approx(parts["annualised_capex_cny"].sum())
    assert c.groupby("enterprise_id")["exclusive_group"].nunique().max() == 1  # one exclusive set per plant


def test_the_stated_jidong_project_counts_as_its_ule_package(ds, base_candidates):
    """P003 (001:L757, 6.14亿, NOx -940 t/yr to <50 mg/m3) is the way 冀东 meets the ULE rule."""
    c = base_candidates
    row = c[(c["enterprise_id"] == "E0001") & (c["measure_id"] == "cement_ule")].iloc[0]
    assert row["source"] == "stated: P003" and row["ule_compliant"]
    assert row["capex_cny"] == 614_000_000 and row["nox_t"] == 940


def test_a_stated_cut_above_the_emission_is_a_data_error(inputs_copy):
    import pandas as pd

    from model.errors import ModelSetupError
    from model.inputs import load_dataset

    p = pd.read_csv(inputs_copy / "projects.csv", dtype=str, keep_default_na=False)
    p.loc[p["project_id"] == "P003", "nox_cut_t"] = "5000"
    p.to_csv(inputs_copy / "projects.csv", index=False)
    ds = load_dataset(inputs_copy)
    with pytest.raises(ModelSetupError, match=r"E0001 .*cuts 5,000.0 t/yr of nox, more than the plant's 1,128.2"):
        build_candidates(resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml")))


def test_no_county_cuts_more_than_its_coal_households_emit(ds):
    """A household's stove emits what the heat pump removes: it replaces the stove and emits nothing locally
    (build_measures.py gives it the stove's whole emission). No option removes more per household, and the
    options of a county share its coal households (county_households), so a county's cut never exceeds what its
    households emit."""
    m = ds.measures[ds.measures["applies_to"] == "household"]
    stove = m.loc["heat_pump"]
    for p in ("nox", "so2", "pm", "vocs"):
        assert (m[f"{p}_t_per_unit"] <= stove[f"{p}_t_per_unit"] + 1e-12).all(), p
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    hh = build_candidates(md).household
    # every option alone can reach at most the county's coal households
    assert (hh["max_quantity"] <= hh["county_households"] * (1 + 1e-12)).all()
