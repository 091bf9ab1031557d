"""Issue 21, numbers: NaN, infinities, empty values, typos in lists of names and duplicate keys are located errors
(exit 2) in scenarios, --set values, command-line options and dataset cells; nothing is silently read as 0 and
nothing is written."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ROOT, write_yaml

BASE = (ROOT / "scenarios" / "base.yaml").as_posix()
UNCERTAIN = (ROOT / "scenarios" / "uncertain.yaml").as_posix()


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes: a command that fails must leave it exactly as it was."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def invoke(args: list[str], folder: Path):
    """Run ersim in ``folder`` and check it wrote nothing there and printed no traceback."""
    before = snapshot(folder)
    res = CliRunner().invoke(cli.main, args)
    assert snapshot(folder) == before, "a refused command wrote or changed files"
    assert "Traceback" not in res.output and "internal error" not in res.output, res.output
    return res


# (case, scenario text, fragments of the message: file:line:col and what is wrong)
SCENARIOS = [
    ("nan rate", "name: x\ndiscount_rate: .nan\n", ["s.yaml:2:", "discount_rate: Input should be a finite number"]),
    ("inf target", "name: x\ntargets:\n  - {pollutant: NOx, reduction: .inf}\n",
     ["s.yaml:3:", "targets.0.reduction: Input should be a finite number"]),
    ("nan milestone", "name: x\ntargets:\n  - {pollutant: NOx, reduction: 1, milestones: {2023: .nan}}\n",
     ["targets.0.milestones.2023: Input should be a finite number"]),
    ("nan price", "name: x\nprices: {coal_raw: .NaN}\n", ["s.yaml:2:", "prices.coal_raw: Input should be a finite"]),
    ("inf rule threshold", "name: x\nrules:\n  siding_mandatory: {threshold_kt_per_yr: .inf}\n",
     ["rules.siding_mandatory.threshold_kt_per_yr: Input should be a finite number"]),
    ("nan budget", "name: x\nbudget: {total: {value: .nan, unit: 亿元}}\n",
     ["budget.total.value: Input should be a finite number"]),
    ("empty number", "name: x\ndiscount_rate:\n", ["s.yaml:2:", "discount_rate: Input should be a valid number"]),
    ("duplicate key", "name: x\ndiscount_rate: 0.05\ndiscount_rate: 0.06\n",
     ["s.yaml:3:1: duplicate key 'discount_rate' (also at line 2)"]),
    ("nested duplicate key", "name: x\nhorizon:\n  end_year: 2025\n  start_year: 2021\n  end_year: 2024\n",
     ["s.yaml:5:3: duplicate key 'end_year' (also at line 3)"]),
    ("duplicate in a flow mapping", "name: x\ntargets:\n  - {pollutant: NOx, reduction: 1, reduction: 2}\n",
     ["s.yaml:3:36: duplicate key 'reduction' (also at line 3)"]),
    ("rule sector typo", "name: x\nrules:\n  ule_mandatory: {sectors: [steel, cemnet]}\n",
     ["s.yaml:3:", "rules.ule_mandatory.sectors.1: unknown sector 'cemnet' (did you mean 'cement'?)"]),
    ("negative seed", "name: x\nuncertainty: {seed: -1}\n", ["uncertainty.seed:", "greater than or equal to 0"]),
    ("samples over the cap", "name: x\nuncertainty: {samples: 1000000}\n",
     ["uncertainty.samples:", "less than or equal to 10000"]),
]


@pytest.mark.parametrize("case,text,fragments", SCENARIOS, ids=[c[0] for c in SCENARIOS])
def test_scenario_numbers_and_names(tmp_path, monkeypatch, case, text, fragments):
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path, text)
    res = invoke(["validate", str(path)], tmp_path)
    assert res.exit_code == 2, res.output
    for f in fragments:
        assert f in res.output, (f, res.output)


OVERRIDES = [
    (["discount_rate=nan"], "--set discount_rate=nan: discount_rate: Input should be a finite number"),
    (["targets.0.reduction=.inf"], "--set targets.0.reduction=.inf: targets.0.reduction: Input should be a finite"),
    (["prices.natural_gas=-.inf"], "--set prices.natural_gas=-.inf: prices.natural_gas: Input should be a finite"),
    (["targets.0.region=Taiyun"], "--set targets.0.region=Taiyun: targets.0.region: unknown region 'Taiyun'"),
    # a check of the whole horizon fails because of one year set on the command line: the --set is to blame
    (["horizon.end_year=2019"], "--set horizon.end_year=2019: horizon: need base_year < start_year <= end_year"),
    (["rules.ule_mandatory.sectors=[steeel]"], "--set rules.ule_mandatory.sectors=[steeel]: "
                                               "rules.ule_mandatory.sectors.0: unknown sector 'steeel'"),
]


@pytest.mark.parametrize("overrides,fragment", OVERRIDES, ids=[o[0][0] for o in OVERRIDES])
def test_set_mistakes_point_at_the_set_argument(tmp_path, monkeypatch, overrides, fragment):
    monkeypatch.chdir(tmp_path)
    args = ["validate", BASE] + [a for o in overrides for a in ("--set", o)]
    res = invoke(args, tmp_path)
    assert res.exit_code == 2 and fragment in res.output, res.output
    assert "base.yaml:" not in res.output  # not a line of the scenario file


# (case, command line, fragment of click's message); each refused before anything is loaded
OPTIONS = [
    ("sweep level nan", ["sweep", BASE, "--target", "NOx", "--values", "nan"], "'nan': levels are finite tonnes"),
    ("sweep level inf", ["sweep", BASE, "--target", "NOx", "--values", "80000,inf"], "'inf': levels are finite"),
    ("sweep level negative", ["sweep", BASE, "--target", "NOx", "--values", "-5"], "levels are finite tonnes >= 0"),
    ("sweep level text", ["sweep", BASE, "--target", "NOx", "--values", "8万"], "'8万' is not a number"),
    ("sweep from nan", ["sweep", BASE, "--target", "NOx", "--from", "nan"], "'nan' must be a finite number"),
    ("sweep to inf", ["sweep", BASE, "--target", "NOx", "--to", "inf"], "'inf' must be a finite number"),
    ("sweep no steps", ["sweep", BASE, "--target", "NOx", "--steps", "0"], "0 is not in the range 1<=x<=500"),
    ("slack nan", ["alternatives", BASE, "--slack", "nan"], "'nan' must be a finite number from 0 to 10"),
    ("slack negative", ["alternatives", BASE, "--slack", "-1"], "'-1' must be a finite number from 0 to 10"),
    ("no alternatives", ["alternatives", BASE, "--count", "0"], "0 is not in the range 1<=x<=20"),
    ("no samples", ["uncertainty", UNCERTAIN, "--samples", "0"], "0 is not in the range 1<=x<=10000"),
    ("negative seed", ["uncertainty", UNCERTAIN, "--seed", "-3"], "-3 is not in the range 0<=x<=4294967295"),
    ("no workers", ["compare", BASE, "--workers", "0"], "0 is not in the range 1<=x<=256"),
    ("negative limit", ["list", "enterprises", "--limit", "-1"], "-1 is not in the range x>=0"),
    ("pollutant typo", ["sweep", BASE, "--target", "NOy"], "unknown pollutant 'NOy' (did you mean 'NOx'?)"),
]


@pytest.mark.parametrize("case,args,fragment", OPTIONS, ids=[c[0] for c in OPTIONS])
def test_command_line_numbers(tmp_path, monkeypatch, case, args, fragment):
    monkeypatch.chdir(tmp_path)
    res = invoke(args, tmp_path)
    assert res.exit_code == 2 and fragment in res.output, res.output


def test_studies_refuse_bad_numbers_from_python():
    """The same bounds hold for callers that bypass the command line."""
    from model.scenario import ScenarioError
    from model.studies.alternatives import generate_alternatives
    from model.studies.sweep import check_levels

    for levels in ([float("nan")], [1.0, float("inf")], [-1.0], []):
        with pytest.raises(ScenarioError, match="sweep"):
            check_levels(levels)
    check_levels([0.0, 8e4])
    with pytest.raises(ScenarioError, match="slack must be a fraction"):
        generate_alternatives(Path(BASE), float("nan"), 3)


def _edit(path: Path, row: int, column: str, value: str) -> None:
    df = pd.read_csv(path, dtype=str, keep_default_na=False)
    df.loc[row, column] = value
    df.to_csv(path, index=False)


# (case, file, row, column, cell, fragment): line numbers count the header as line 1
CELLS = [
    ("nan capacity", "enterprises.csv", 0, "capacity", "nan", "line 2, column 'capacity': 'nan' is not a number"),
    ("NaN emissions", "enterprises.csv", 4, "nox_t", "NaN", "line 6, column 'nox_t': 'NaN' is not a number"),
    ("inf capex", "measures.csv", 0, "capex_cny_per_unit", "inf",
     "line 2, column 'capex_cny_per_unit': 'inf' is not a finite number"),
    ("overflowing capex", "measures.csv", 1, "capex_cny_per_unit", "1e999",
     "line 3, column 'capex_cny_per_unit': '1e999' is not a finite number"),
    ("negative infinity", "sources.csv", 2, "activity", "-inf", "line 4, column 'activity': '-inf' is not a finite"),
    ("empty price", "prices.csv", 0, "price_cny_per_unit", "", "line 2, column 'price_cny_per_unit': is empty"),
]


@pytest.mark.parametrize("case,fname,row,column,cell,fragment", CELLS, ids=[c[0] for c in CELLS])
def test_dataset_cells(inputs_copy, case, fname, row, column, cell, fragment):
    _edit(inputs_copy / fname, row, column, cell)
    res = invoke(["validate", BASE, "--inputs", str(inputs_copy)], inputs_copy)
    assert res.exit_code == 2 and f"{fname}, {fragment}" in res.output, res.output


def test_a_missing_price_is_not_free(inputs_copy):
    """A measure whose energy carrier has no price would cost nothing to run: refused, naming the carrier."""
    prices = pd.read_csv(inputs_copy / "prices.csv", dtype=str, keep_default_na=False)
    prices[prices["carrier"] != "electricity"].to_csv(inputs_copy / "prices.csv", index=False)
    m = pd.read_csv(inputs_copy / "measures.csv", dtype=str, keep_default_na=False)
    first = int((m["energy_carrier"] == "electricity").to_numpy().nonzero()[0][0]) + 2
    res = invoke(["validate", BASE, "--inputs", str(inputs_copy)], inputs_copy)
    assert res.exit_code == 2, res.output
    assert (f"measures.csv, line {first}, column 'energy_carrier': carrier 'electricity' has no price in "
            "prices.csv") in res.output


@pytest.mark.parametrize("content,fragment", [
    (b"", "enterprises.csv: is empty; it needs at least its header line"),
    (b"\n\n", "enterprises.csv: is empty"),
    (b"\xff\xfe\x00garbage\x00\x81", "enterprises.csv: is not UTF-8 text"),
], ids=["empty", "blank lines", "binary"])
def test_empty_or_binary_table(inputs_copy, content, fragment):
    (inputs_copy / "enterprises.csv").write_bytes(content)
    res = invoke(["validate", BASE, "--inputs", str(inputs_copy)], inputs_copy)
    assert res.exit_code == 2 and fragment in res.output, res.output


def test_a_table_that_is_a_directory(inputs_copy):
    (inputs_copy / "prices.csv").unlink()
    (inputs_copy / "prices.csv").mkdir()
    res = invoke(["validate", BASE, "--inputs", str(inputs_copy)], inputs_copy)
    assert res.exit_code == 2 and "prices.csv: is a directory, not a file" in res.output, res.output


@pytest.mark.parametrize("text", ["{not json", json.dumps({"type": "FeatureCollection", "features": [{"x": 1}]}),
                                  json.dumps([1, 2, 3])], ids=["bad json", "no region_code", "not a collection"])
def test_corrupt_geometry(inputs_copy, text):
    (inputs_copy / "counties.geojson").write_text(text, encoding="utf-8")
    res = invoke(["validate", BASE, "--inputs", str(inputs_copy)], inputs_copy)
    assert res.exit_code == 2 and "counties.geojson: is not a" in res.output, res.output


@pytest.mark.parametrize("param,fragment", [
    ("prices.natral_gas", "'prices.natral_gas' must be prices.<carrier> (did you mean 'natural_gas'?)"),
    ("measures.heat_pmp.capex_cny_per_unit", "unknown measure 'heat_pmp' (did you mean 'heat_pump'?)"),
    ("measures.*.capex_cny_per_unt", "(did you mean 'capex_cny_per_unit'?)"),
    ("measures.*.name_zh", "with a numeric column of measures.csv"),
], ids=["carrier", "measure", "column", "text column"])
def test_validate_checks_uncertain_parameters(tmp_path, monkeypatch, param, fragment):
    """`ersim validate` catches the names `ersim uncertainty` would refuse after loading, with file:line:col."""
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path, f"extends: {UNCERTAIN}\nuncertainty:\n  parameters:\n"
                                f"    - {{param: {param}, dist: uniform, low: 1, high: 2}}\n")
    res = invoke(["validate", str(path)], tmp_path)
    assert res.exit_code == 2 and "s.yaml:4:8: uncertainty.parameters.0:" in res.output and fragment in res.output, \
        res.output


def test_rules_cost_without_rules_or_targets_is_a_clear_mistake(tiny, tmp_path, monkeypatch):
    """Every rule is off unless a scenario enables it: with no target either, rules-cost has nothing to price
    (it was a KeyError)."""
    monkeypatch.chdir(tmp_path)
    from conftest import ONLY_CEMENT, write_yaml

    path = write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}")
    res = invoke(["rules-cost", str(path), "--inputs", str(tiny)], tmp_path)
    assert res.exit_code == 2 and "has no target and no rule in force, so there is nothing to price" in res.output, \
        res.output


def test_rules_cost_of_a_scenario_that_does_not_minimise_cost_is_a_clear_mistake(tiny, tmp_path, monkeypatch):
    """rules-cost prices in money: under max_reduction or max_health it would price nothing (a table of labels
    and statuses), so it says what it needs before solving."""
    monkeypatch.chdir(tmp_path)
    from conftest import ONLY_CEMENT, write_yaml

    path = write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}objective: max_reduction\n"
                                "budget: {total: {value: 1, unit: 亿元}}\n"
                                "targets:\n  - {pollutant: NOx, reduction: 100, unit: t, kind: soft}\n")
    res = invoke(["rules-cost", str(path), "--inputs", str(tiny)], tmp_path)
    assert res.exit_code == 2 and "rules-cost prices in money, so it needs objective: min_cost" in res.output, \
        res.output
