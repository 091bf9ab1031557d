"""resolve(dataset, scenario): every fact the model needs, computed once."""

from __future__ import annotations

import pytest

from conftest import ROOT, write_yaml
from model.resolve import resolve
from model.scenario import ScenarioError, load_scenario


def test_target_rows_carry_their_region_members_year_and_discount(ds):
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "linfen.yaml"))
    nox = md.target("NOx")
    assert nox.region_code == "141000" and nox.region_name == "临汾市"
    assert len(nox.members) == 17 and nox.members <= md.scope_counties
    # the end-year row stands for 2025..2050 (horizon.evaluation_end_year), discounted at 8 % to 2020
    assert nox.year == 2025 and nox.weight == pytest.approx(sum(1 / 1.08 ** k for k in range(5, 31)))
    assert [t.key for t in md.targets] == list(range(len(md.targets)))
    assert md.scope_cities == ("141000",) and md.scope_region == "141000"
    assert len(md.plants) == (ds.enterprises["county_code"].map(ds.regions["city_code"]) == "141000").sum()


def test_base_rows_in_model_order_with_the_co2_row_last(ds):
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    # each hard target is followed by its milestones, 40/60/80 % of it by 2022/23/24 (phasing); SO2 is soft; CO2
    # last, its intensity phased too (soft or hard: China assesses CO2 per unit GDP every year)
    three = [("milestone", y) for y in (2022, 2023, 2024)]
    rows = [(p, "target", 2025) for p in ("nox", "vocs", "cod", "nh3n")]
    expected = []
    for p, _, y in rows:
        expected += [(p, "target", y)] + [(p, s, yy) for s, yy in three]
    expected += [("so2", "target", 2025), ("co2", "co2_intensity", 2025)] + [("co2", s, yy) for s, yy in three]
    assert [(t.pollutant, t.source, t.year) for t in md.targets] == expected
    assert md.targets[2].required_t == pytest.approx(0.6 * 80_100) and md.targets[2].year == 2023
    # each milestone row stands for its own year (the next one takes over), the target for 2025..2050
    assert md.targets[2].weight == pytest.approx(1.08 ** -3)
    assert md.targets[1].weight == pytest.approx(1.08 ** -2)
    assert md.targets[-4].source == "co2_intensity" and md.co2_context["reduction_pct"] == 18
    assert len(md.targets[0].members) == 117
    # base's paces see single years: every year is a build year
    assert md.years == [2021, 2022, 2023, 2024, 2025] == md.horizon_years
    flat = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml", ["phasing.milestones={}",
                                                                        "pace.programmes=[]"]))
    assert flat.years == [2025]  # nothing couples the years without milestones or paces
    mid = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml", ["phasing.milestones={2023: 0.6}",
                                                                       "pace.programmes=[]"]))
    assert mid.years == [2023, 2025]  # only the requirement years (exact: a later build is cheaper, still counts)
    per_year = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml",
                                         ["budget.per_year={value: 500, unit: 亿元}"]))
    assert per_year.years == per_year.horizon_years  # a cap on single years sees every year
    every = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml", ["horizon.build_years=every"]))
    assert every.years == [2021, 2022, 2023, 2024, 2025]
    assert md.cost_weight(2025) == pytest.approx(sum(1 / 1.08 ** k for k in range(5, 31)))
    assert md.cost_weight(2021) == pytest.approx(sum(1 / 1.08 ** k for k in range(1, 31)))
    assert md.cost_weight(2021) / md.cost_weight(2025) == pytest.approx(1.417, abs=1e-3)  # not 5.9 (plan years)


def test_a_milestone_or_deadline_is_a_build_year(tmp_path, ds):
    text = "name: m\ntargets:\n  - {pollutant: NOx, reduction: 1, milestones: {2023: 1}}\n"
    md = resolve(ds, load_scenario(write_yaml(tmp_path, text)))
    assert md.years == [2023, 2025]
    assert [(t.source, t.year) for t in md.targets] == [("target", 2025), ("milestone", 2023)]
    rule = load_scenario(write_yaml(tmp_path, "name: r\nrules: {boiler_phaseout: {by_year: 2022}}\n", "r.yaml"))
    assert resolve(ds, rule).years == [2022, 2025]


def test_every_bad_name_is_reported_with_its_place(tmp_path, ds):
    path = write_yaml(tmp_path, "name: s\ntargets:\n  - {pollutant: NOx, reduction: 1, region: Linfenn}\n"
                                "scope: {cities: [Taiyun]}\nmeasures: {exclude: [rial]}\nprices: {gass: 3}\n")
    with pytest.raises(ScenarioError) as err:
        resolve(ds, load_scenario(path))
    text = str(err.value)
    for fragment in ("s.yaml:3:", "targets.0.region: unknown region 'Linfenn'", "scope.cities.0",
                     "measures.exclude.0: unknown measure or family 'rial' (did you mean 'rail'?)", "prices.gass"):
        assert fragment in text


def test_relaxed_and_hardened_copies_keep_the_resolved_rows(ds):
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    soft = md.relaxed(all_soft=True)
    assert {t.kind for t in soft.targets} == {"soft"} and {t.kind for t in md.targets} == {"hard", "soft"}
    assert soft.targets[0].members is md.targets[0].members  # nothing resolved again
    off = md.relaxed(rule="ule_mandatory")
    assert not off.scenario.rules.ule_mandatory.enabled and md.scenario.rules.ule_mandatory.enabled
    hard = md.hardening("so2")
    assert hard.target("SO2").kind == "hard" and md.target("SO2").kind == "soft"


def test_a_target_outside_the_scope_is_a_located_error(ds):
    sc = load_scenario(ROOT / "scenarios" / "linfen.yaml", ["targets.2.region=太原"])
    with pytest.raises(ScenarioError, match=r"targets.2.region: 太原 lies outside the scenario's scope \(临汾\)"):
        resolve(ds, sc)
