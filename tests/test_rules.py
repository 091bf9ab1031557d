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
    assert siding.var == "z" and len(siding.index) == big.sum()
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
