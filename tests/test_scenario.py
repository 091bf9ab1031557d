"""Scenario files: inheritance, units, and errors that point at the file, line and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from model.resolve import resolve
from model.scenario import ScenarioError, deep_merge, load_scenario

SCENARIOS = Path(__file__).resolve().parents[1] / "scenarios"


def write(tmp_path: Path, name: str, text: str) -> Path:
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def test_base_scenario_has_the_provincial_targets_in_tonnes():
    sc = load_scenario(SCENARIOS / "base.yaml").scenario
    req = {t.pollutant: t.reduction_t for t in sc.targets}
    assert req == pytest.approx({"nox": 80_100, "vocs": 34_000, "cod": 71_900, "nh3n": 2_800, "so2": 78_000})
    kinds = {t.pollutant: t.kind for t in sc.targets}
    assert kinds["so2"] == "soft" and kinds["nox"] == "hard"  # 000:L195 SO2 is 预期性 (expected)
    assert sc.co2_intensity.reduction_pct == 18
    assert all(t.year == 2025 for t in sc.targets)


@pytest.mark.parametrize("name", ["linfen", "no-rail", "gas-price-high", "budget-capped"])
def test_variants_extend_base(name, ds):
    loaded = load_scenario(SCENARIOS / f"{name}.yaml")
    assert [p.name for p in loaded.files] == ["base.yaml", f"{name}.yaml"]
    resolve(ds, loaded)
    sc = loaded.scenario
    assert sc.discount_rate == 0.08  # inherited


def test_linfen_targets_are_its_baseline_share_of_the_province(ds):
    """Linfen's targets = its share of the modelled 2020 baseline (plants and the other sources) times the
    provincial targets (000:L191-195): an assumption, recomputed here from the data so the scenario file cannot
    drift from it."""
    from model.catalog import baseline_by_group

    sc = load_scenario(SCENARIOS / "linfen.yaml").scenario
    req = {t.pollutant: t.reduction_t for t in sc.targets}  # lists are replaced, not merged
    province = baseline_by_group(ds).set_index("group").loc["total"]
    linfen = baseline_by_group(ds, "141000").set_index("group").loc["total"]
    targets = {"nox": 80_100, "vocs": 34_000, "so2": 78_000, "cod": 71_900, "nh3n": 2_800}
    for p, total in targets.items():
        share = linfen[f"{p}_t"] / province[f"{p}_t"]
        assert req[p] == pytest.approx(share * total, abs=0.5), p
    assert {t.pollutant: t.kind for t in sc.targets} == {"nox": "hard", "vocs": "hard", "cod": "hard",
                                                         "nh3n": "hard", "so2": "soft"}
    assert sc.rules.siding_mandatory.min_rail_share == 0.9  # 003:L272


def test_deep_merge_replaces_lists_and_merges_maps():
    merged = deep_merge({"a": {"x": 1, "y": 2}, "l": [1, 2]}, {"a": {"y": 3}, "l": [9]})
    assert merged == {"a": {"x": 1, "y": 3}, "l": [9]}


def test_chain_of_extends(tmp_path):
    write(tmp_path, "a.yaml", "name: a\ndiscount_rate: 0.05\n")
    write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    c = write(tmp_path, "c.yaml", "extends: b.yaml\nname: c\nobjective: min_cost\n")
    sc = load_scenario(c).scenario
    assert (sc.name, sc.discount_rate) == ("c", 0.05)


def test_cycle_is_reported(tmp_path):
    write(tmp_path, "a.yaml", "extends: b.yaml\nname: a\n")
    b = write(tmp_path, "b.yaml", "extends: a.yaml\nname: b\n")
    with pytest.raises(ScenarioError, match="circular extends: b.yaml -> a.yaml -> b.yaml"):
        load_scenario(b)


def test_misspelt_key_names_line_and_suggestion(tmp_path):
    p = write(tmp_path, "s.yaml", "name: s\ndiscount_rate: 0.08\nrules:\n  ule_mandatroy: {enabled: true}\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    msg = str(info.value)
    assert f"{p}:4:3: rules.ule_mandatroy: unknown key 'ule_mandatroy' (did you mean 'ule_mandatory'?)" in msg


def test_bad_unit_and_pollutant(tmp_path):
    p = write(tmp_path, "s.yaml", "name: s\ntargets:\n  - pollutant: NOy\n    reduction: 1\n    unit: tons\n")
    with pytest.raises(ScenarioError) as info:
        load_scenario(p)
    msg = str(info.value)
    assert ":3:5: targets.0.pollutant: unknown pollutant 'NOy' (did you mean 'NOx'?)" in msg
    assert ":5:5: targets.0.unit: got 'tons'" in msg


def test_yaml_syntax_error_has_line(tmp_path):
    p = write(tmp_path, "s.yaml", "name: s\ntargets: [\n  {pollutant: NOx\n")
    with pytest.raises(ScenarioError, match=r"s.yaml:\d+:\d+: YAML syntax error"):
        load_scenario(p)


def test_missing_parent_suggests_sibling(tmp_path):
    write(tmp_path, "base.yaml", "name: base\n")
    p = write(tmp_path, "v.yaml", "extends: bsae.yaml\nname: v\n")
    with pytest.raises(ScenarioError, match=r"v.yaml:1:\d+: extends: 'bsae.yaml' not found.*did you mean 'base.yaml'"):
        load_scenario(p)


def test_set_override_is_validated_and_applied():
    sc = load_scenario(SCENARIOS / "base.yaml", ["discount_rate=0.06", "targets.0.reduction=9"]).scenario
    assert sc.discount_rate == 0.06 and sc.targets[0].reduction_t == pytest.approx(90_000)
    with pytest.raises(ScenarioError, match="--set discount_rate=2: discount_rate"):
        load_scenario(SCENARIOS / "base.yaml", ["discount_rate=2"])


def test_unknown_region_is_reported_against_the_dataset(tmp_path, ds):
    p = write(tmp_path, "s.yaml", "name: s\ntargets:\n  - {pollutant: NOx, reduction: 1, region: Linfenn}\n")
    loaded = load_scenario(p)
    with pytest.raises(ScenarioError, match=r"s.yaml:3:\d+: targets.0.region: unknown region 'Linfenn'"):
        resolve(ds, loaded)


def test_a_variant_adds_a_target_without_copying_the_parents(tmp_path):
    """add_targets appends a city target to base's five; a mistake in the added row points at the variant's line."""
    import shutil

    shutil.copy(SCENARIOS / "base.yaml", tmp_path / "base.yaml")
    child = tmp_path / "city.yaml"
    child.write_text("extends: base.yaml\nname: city\nadd_targets:\n"
                     "  - {pollutant: NOx, reduction: 0.5, unit: 万吨, region: 临汾}\n", encoding="utf-8")
    sc = load_scenario(child).scenario
    parent = load_scenario(tmp_path / "base.yaml").scenario
    assert len(sc.targets) == len(parent.targets) + 1
    assert sc.targets[:-1] == parent.targets and sc.targets[-1].region == "临汾"
    child.write_text("extends: base.yaml\nname: city\nadd_targets:\n"
                     "  - {pollutant: NOy, reduction: 0.5, unit: 万吨, region: 临汾}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"city\.yaml:4"):
        load_scenario(child)
