"""The rule registry: one entry per rule drives the schema, the rows, the diagnosis and the manifest."""

from __future__ import annotations

import pytest

from conftest import ROOT
from model.candidates import build_candidates
from model.errors import ModelSetupError
from model.resolve import resolve
from model.rules import RULES, active
from model.scenario import Rules, load_scenario


def test_the_scenario_schema_is_assembled_from_the_registry():
    assert list(Rules.model_fields) == [spec.key for spec in RULES]
    assert all(not getattr(Rules(), spec.key).enabled for spec in RULES)  # every rule is off unless asked for
    assert len({spec.label for spec in RULES}) == len(RULES)


def test_base_rules_rows_count_the_plants_and_shippers_they_bind(ds):
    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    c = build_candidates(md).all()
    out = {spec.key: spec.define(md, c, settings) for spec, settings in active(md.scenario.rules)}
    e = ds.enterprises
    need_ule = e["sector"].isin(["steel", "coking", "cement"]) & (e["ule_status"] != "done")
    (ule,) = out["ule_mandatory"].rows
    assert len(ule.index) == need_ule.sum() and ule.name == "rule_ule"
    boilers = (e["sector"] == "boiler") & (e["capacity"] < 35)
    assert len(out["boiler_phaseout"].rows[0].index) == boilers.sum()
    siding, share = out["siding_mandatory"].rows
    big = (e["bulk_freight_kt_per_yr"] >= 1500) & ~e["has_siding"] & (e["bulk_freight_kt_per_yr"]
                                                                      * (1 - e["rail_share"].fillna(0)) > 0)
    assert siding.var == "siding" and len(siding.index) == big.sum()
    plain = ds.counties[(ds.counties["terrain"] == "plain") & (ds.counties["rural_coal_households_2020"] > 0)]
    assert len(out["plain_coal_zero"].rows[0].index) == len(plain)
    assert out["ule_mandatory"].text.startswith("ULE mandatory in steel, coking, cement")


def test_a_rule_without_a_measure_names_the_plants(ds):
    sc = load_scenario(ROOT / "scenarios" / "base.yaml", ["measures.exclude=[ule]"])
    md = resolve(ds, sc)
    c = build_candidates(md).all()
    spec, settings = active(md.scenario.rules)[0]
    with pytest.raises(ModelSetupError, match=r"rule rule_ule: \d+ plant\(s\) have no measure that satisfies it"):
        spec.define(md, c, settings)


@pytest.mark.slow
def test_the_cost_of_a_rule_by_brute_force(tiny, tmp_path):
    """ULE mandatory at three kilns against the cheapest way to cut 300 t NOx: the difference is the rule's cost,
    and the NOx beyond 300 t it forces is what it buys (brute force over every option per kiln)."""
    from conftest import ONLY_CEMENT, PLANTS, write_yaml
    from model.inputs import load_dataset
    from model.studies.rules_cost import rules_cost
    from test_build import brute_force

    path = write_yaml(tmp_path, f"name: r\n{ONLY_CEMENT}targets:\n  - {{pollutant: NOx, reduction: 300, unit: t}}\n"
                                "rules: {ule_mandatory: {enabled: true, sectors: [cement]}}\n")
    ds = load_dataset(tiny)
    table = rules_cost(resolve(ds, load_scenario(path)))
    target, row = table.to_dict("records")
    without, choice = brute_force(ds, 300.0)
    with_rule = brute_force(ds, 0.85 * sum(nox for *_, nox in PLANTS))[0]  # full ULE everywhere
    # the 300 t target costs nothing beside the rule: full ULE cuts 1,445 t whether it is asked or not
    assert (target["kind"], target["label"]) == ("target", "NOx 山西省 2025")
    assert target["objective_discounted_cny_cost"] == pytest.approx(0, abs=1e-3) and target["buys_nox_t"] == 0
    assert (row["kind"], row["item"]) == ("rule", "ule_mandatory")
    assert row["objective_discounted_cny_cost"] == pytest.approx(with_rule - without, rel=1e-6)
    bought = 0.85 * sum(nox for *_, nox in PLANTS) - sum(
        ds.measures.loc[m, "nox_removal"] * nox for (eid, *_, nox) in PLANTS for e, m in choice.items() if e == eid)
    assert row["buys_nox_t"] == pytest.approx(bought, rel=1e-6)
    # the same table solved through the parallel path (serial executor: each task gets the resolved data)
    from model.studies.parallel import executor
    from model.studies.rules_cost import rules_cost_parallel

    with executor(1) as run:
        again = rules_cost_parallel(resolve(ds, load_scenario(path)), run)
    assert again.to_dict("records") == table.to_dict("records")


def test_coal_cap_counts_the_coal_each_candidate_saves(ds):
    """000:L248: a heat pump saves a household's 3.4 t of bulk coal; clean briquettes save 3.4 - 3.06 = 0.34 t;
    wind and solar for 10 % of a coal MW save 186.7 t of power coal a year (430 MWh x 0.310 / 0.714)."""
    from model.rules import CoalCapRule, define_coal_cap_rows

    md = resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))
    c = build_candidates(md).all()
    hp = c[c["measure_id"] == "heat_pump"].iloc[0]
    assert hp["coal_saved_t"] == pytest.approx(3.4 * hp["max_quantity"], rel=1e-9)
    cc = c[c["measure_id"] == "heat_clean_coal"].iloc[0]
    assert cc["coal_saved_t"] == pytest.approx((3.4 - 3.06) * cc["max_quantity"], rel=1e-9)
    re10 = c[c["measure_id"] == "power_re_10"].iloc[0]
    assert re10["coal_saved_t"] == pytest.approx(430 * 0.310 / 0.714 * re10["max_quantity"], rel=1e-3)
    assert c.loc[c["measure_id"] == "truck_scrap_g3", "coal_saved_t"].eq(0).all()  # diesel, not coal
    (row,) = define_coal_cap_rows(md, c, CoalCapRule(reduction_t=1e6)).rows
    assert row.rhs == [1e6] and set(row.members[0]) == set(c.index[c["coal_saved_t"] > 0])


@pytest.mark.slow
def test_coal_cap_binds_and_is_named_when_out_of_reach(tmp_path):
    """With heating alone (no targets), a 1 Mt cut is met; 100 Mt is more than every coal household burns
    (1.99 M x 3.4 t = 6.8 Mt), so the run is infeasible and the diagnosis names the rule."""
    from click.testing import CliRunner

    import cli
    from conftest import write_yaml

    base = ("name: t\ntargets: []\nmeasures: {exclude: [ule, voc, boiler, rail, wastewater, efficiency, vehicle, "
            "renewables, structural, farming]}\n")
    ok = write_yaml(tmp_path, base + "rules: {coal_cap: {enabled: true, reduction_t: 1.0e6}}\n", "ok.yaml")
    res = CliRunner().invoke(cli.main, ["run", str(ok), "--out", str(tmp_path / "a"), "--no-plots"])
    assert res.exit_code == 0, res.output
    import pandas as pd

    port = pd.read_csv(tmp_path / "a" / "portfolio.csv")
    per_hh = port["measure_id"].map(lambda m: 3.4 - 3.06 if m == "heat_clean_coal" else 3.4)
    assert (port["quantity"] * per_hh).sum() >= 1e6 * (1 - 1e-6)
    far = write_yaml(tmp_path, base + "rules: {coal_cap: {enabled: true, reduction_t: 1.0e8}}\n", "far.yaml")
    res = CliRunner().invoke(cli.main, ["run", str(far), "--out", str(tmp_path / "b"), "--no-plots"])
    assert res.exit_code == 3, res.output
    assert "coal-consumption cut" in res.output


def test_every_rule_and_budget_cap_has_a_chinese_name():
    """Chinese mode names rules and caps in Chinese (diagnosis, rules-cost); English mode keeps the English."""
    from model.names import target_name, value_name
    from model.rules import RULES

    for spec in RULES:
        zh = target_name(spec.label, "zh")
        assert zh == spec.label_zh and zh.startswith("规则：") and not any("a" <= c <= "z" for c in zh.replace("VOCs", ""))
        assert target_name(spec.label, "en") == spec.label
    assert value_name("item", "budget: per year", "zh") == "预算：年度投资上限"
    assert value_name("item", "budget: discounted total", "zh") == "预算：折现总成本上限"


def test_chinese_mode_names_source_types_and_solver_stops_in_chinese():
    """A source outside the plant list is named by its type in Chinese (every category sources.csv may hold has a
    name), and a comparison's 'best_found (TimeLimit)' reads as a status and a reason in either language."""
    from model.inputs import CATEGORIES
    from model.names import VALUES, status_name

    assert set(CATEGORIES) <= set(VALUES["sector"])
    assert all(not any("a" <= c <= "z" for c in VALUES["sector"][k][0]) for k in CATEGORIES)
    assert status_name("best_found (TimeLimit)", "zh") == "可行解（未证明最优）（达到时间上限）"
    assert status_name("best_found (TimeLimit)", "en") == "best found (not proven optimal) (time limit)"
    assert status_name("optimal", "zh") == "最优" and status_name("infeasible (Infeasible)", "zh") == "不可行"
