"""ersim show and list --name: one plant, measure or county by id or name, with what a run recommends there."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import cli
from model.lookup import find_enterprise, find_measure, measure_facts


def test_names_resolve_to_one_plant_or_say_which(ds):
    assert find_enterprise(ds, "E0039") == "E0039"
    assert find_enterprise(ds, "国电霍州发电厂 三期5号机组") == "E0039"  # a coal unit (Global Coal Plant Tracker)
    assert find_enterprise(ds, "guodian huozhou power plant (gem: huozhou power station) phase iii unit 6") == "E0143"
    with pytest.raises(ValueError, match="matches 2 enterprises"):  # the plant's two units
        find_enterprise(ds, "国电霍州发电厂")
    # the two units, 谭坪煤矿（霍州煤电）, 霍州煤电's 方山 plant (2 units) and 4 mines in 霍州市
    with pytest.raises(ValueError, match="matches 9 enterprises"):
        find_enterprise(ds, "霍州")
    with pytest.raises(ValueError, match="no enterprise"):
        find_enterprise(ds, "不存在的工厂")
    assert find_measure(ds, "畜禽粪污资源化利用") == "livestock_manure"


def test_measure_cost_per_tonne_is_annual_cost_over_tonnes(ds):
    """Average CNY per t of COD of the manure programme = (annualised capex + O&M) / COD cut over its candidates."""
    from conftest import ROOT
    from model.candidates import build_candidates
    from model.resolve import resolve
    from model.scenario import load_scenario

    c = build_candidates(resolve(ds, load_scenario(ROOT / "scenarios" / "base.yaml"))).all()
    facts = measure_facts(ds, "livestock_manure", c).set_index("field")["value"]
    lv = c[c["measure_id"] == "livestock_manure"]
    by_hand = (lv["annualised_capex_cny"] + lv["annual_cost_cny"]).sum() / lv["cod_t"].sum()
    assert facts["average CNY per t of cod (all candidates, cost not shared)"] == f"{by_hand:,.0f}"
    assert facts["capex (CNY per unit)"] == "135.00"


@pytest.mark.slow
def test_show_enterprise_prints_facts_options_and_recommendations(base_run):
    _, run = base_run
    res = CliRunner().invoke(cli.main, ["show", "enterprise", "E0039", "--run", str(run)])
    assert res.exit_code == 0, res.output
    assert "国电霍州发电厂" in res.output and "what it could build" in res.output and "recommended in" in res.output
    assert "2,021" not in res.output  # years as years
    res = CliRunner().invoke(cli.main, ["show", "county", "霍州市", "--run", str(run)])
    assert res.exit_code == 0 and "2020 emissions in the county" in res.output
    res = CliRunner().invoke(cli.main, ["show", "enterprise", "霍州"])
    assert res.exit_code == 2 and "matches 9 enterprises" in res.output


@pytest.mark.slow
def test_list_name_searches_chinese_english_and_pinyin():
    res = CliRunner().invoke(cli.main, ["list", "enterprises", "--name", "霍州"])
    assert res.exit_code == 0 and "(9 rows)" in res.output  # as find_enterprise above
    res = CliRunner().invoke(cli.main, ["list", "enterprises", "--name", "guodian huozhou"])
    assert res.exit_code == 0 and "(2 rows)" in res.output  # the plant's two units
    res = CliRunner().invoke(cli.main, ["list", "regions", "--name", "linfen"])
    assert res.exit_code == 0 and "临汾市" in res.output
