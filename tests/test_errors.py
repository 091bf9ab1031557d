"""Every class of user mistake gets one clear message with its place and exit code 2; nothing is lost."""

from __future__ import annotations

import json
import re
import threading

import pandas as pd
import pytest
from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT, ROOT, cement_yaml, write_yaml

BASE = (ROOT / "scenarios" / "base.yaml").as_posix()

# (name, scenario text, expected fragments of the message); exit code 2 for all, no traceback
SCENARIO_ERRORS = [
    ("yaml syntax", "name: x\ntargets: [\n", ["s.yaml:3:1: YAML syntax error"]),
    ("tab indentation", "name: x\nrules:\n\tule_mandatory: {}\n", ["YAML syntax error"]),
    ("misspelt key", "name: x\ndiscount_rat: 0.08\n",
     ["s.yaml:2:1: discount_rat: unknown key 'discount_rat' (did you mean 'discount_rate'?)"]),
    ("misspelt nested key", "name: x\nrules:\n  boiler_phaseout: {enabeld: true}\n",
     ["rules.boiler_phaseout.enabeld: unknown key 'enabeld' (did you mean 'enabled'?)"]),
    ("wrong type", "name: x\ndiscount_rate: eight\n", ["s.yaml:2:1: discount_rate:", "valid number"]),
    ("bad unit", "name: x\ntargets:\n  - {pollutant: NOx, reduction: 1, unit: tonnes}\n",
     ["targets.0.unit: got 'tonnes'", "'万吨'"]),
    ("unknown pollutant", "name: x\ntargets:\n  - {pollutant: NOy, reduction: 1}\n",
     ["targets.0.pollutant: unknown pollutant 'NOy' (did you mean 'NOx'?)"]),
    ("negative target", "name: x\ntargets:\n  - {pollutant: NOx, reduction: -5}\n",
     ["targets.0.reduction:", "greater than or equal to 0"]),
    ("impossible rate", "name: x\ndiscount_rate: 1.5\n", ["discount_rate:", "less than or equal to 0.5"]),
    ("year outside horizon", "name: x\ntargets:\n  - {pollutant: NOx, reduction: 1, year: 2030}\n",
     ["target year 2030 for NOx is outside the horizon 2021..2025"]),
    ("unknown region", "name: x\ntargets:\n  - {pollutant: NOx, reduction: 1, region: Taiyun}\n",
     ["targets.0.region: unknown region 'Taiyun' (did you mean 'taiyuan'?)"]),
    ("unknown measure", "name: x\nmeasures: {exclude: [rial]}\n",
     ["measures.exclude.0: unknown measure or family 'rial' (did you mean 'rail'?)"]),
    ("unknown carrier", "name: x\nprices: {natural_gsa: 4}\n", ["prices.natural_gsa: unknown carrier (did you mean "
                                                                  "'natural_gas'?)"]),
    ("missing parent", "extends: bsae.yaml\nname: x\n", ["extends: 'bsae.yaml' not found next to this file"]),
    ("not a mapping", "- a\n- b\n", ["a scenario must be a mapping"]),
    ("max_reduction without budget", "name: x\nobjective: max_reduction\n", ["needs a budget"]),
]


@pytest.mark.parametrize("name,text,fragments", SCENARIO_ERRORS, ids=[c[0] for c in SCENARIO_ERRORS])
def test_scenario_error_classes(tmp_path, name, text, fragments):
    path = write_yaml(tmp_path, text)
    res = CliRunner().invoke(cli.main, ["validate", str(path)])
    assert res.exit_code == 2, res.output
    for f in fragments:
        assert f in res.output, (f, res.output)
    assert "Traceback" not in res.output


def test_circular_extends(tmp_path):
    (tmp_path / "a.yaml").write_text("extends: b.yaml\nname: a\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("extends: a.yaml\nname: b\n", encoding="utf-8")
    res = CliRunner().invoke(cli.main, ["validate", str(tmp_path / "a.yaml")])
    assert res.exit_code == 2 and "circular extends: a.yaml -> b.yaml -> a.yaml" in res.output


def test_bad_set_override_is_reported_as_override():
    res = CliRunner().invoke(cli.main, ["validate", BASE, "--set", "discount_rate=-1"])
    assert res.exit_code == 2 and "--set discount_rate=-1: discount_rate:" in res.output
    res = CliRunner().invoke(cli.main, ["validate", BASE, "--set", "discount_rate"])
    assert res.exit_code == 2 and "write KEY.PATH=VALUE" in res.output


def test_a_target_above_its_baseline_is_refused_before_solving(tiny, tmp_path):
    """The three kilns emit 1,700 t NOx: a 2,000 t cut is a unit or copying mistake, said with the baseline beside
    it and before any solve; a cut below 0.1 % of it (1 t) is a warning; 吨 is a unit."""
    path = write_yaml(tmp_path, "name: t\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 2000, unit: 吨}\n")
    res = CliRunner().invoke(cli.main, ["validate", str(path), "--inputs", str(tiny), "--no-model"])
    assert res.exit_code == 2
    assert "s.yaml:4:22: targets.0.reduction: 2000 吨 = 2,000 t is more than 山西省's 2020 NOx baseline (1,700 t/yr)" \
        in res.output
    res = CliRunner().invoke(cli.main, ["validate", str(path), "--inputs", str(tiny), "--no-model", "--set",
                                        "targets.0.reduction=1"])
    assert res.exit_code == 0 and "below 0.1 % of 山西省's 2020 NOx baseline (1,700 t/yr)" in res.output


def test_bad_input_table_via_cli(inputs_copy):
    p = inputs_copy / "enterprises.csv"
    df = pd.read_csv(p, dtype=str, keep_default_na=False)
    df.loc[0, "capacity"] = "-3"
    df.to_csv(p, index=False)
    res = CliRunner().invoke(cli.main, ["validate", BASE, "--inputs", str(inputs_copy)])
    assert res.exit_code == 2
    assert "enterprises.csv, line 2, column 'capacity': -3 is negative" in res.output


def test_infeasible_run_exits_3_with_diagnosis(tiny, tmp_path):
    path = write_yaml(tmp_path, "name: t\n" + ONLY_CEMENT + "targets:\n  - {pollutant: NOx, reduction: 1600, unit: t}\n"
                    "  - {pollutant: SO2, reduction: 1, unit: t, kind: soft}\n")
    out = tmp_path / "out"
    res = CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(out), "--no-plots"])
    assert res.exit_code == 3, res.output
    d = pd.read_csv(out / "diagnosis.csv")
    nox = d[d["item"].str.startswith("NOx")].iloc[0]
    assert nox["achievable_t"] == pytest.approx(0.85 * 1700, rel=1e-6)  # full ULE everywhere
    assert nox["shortfall_t"] == pytest.approx(1600 - 0.85 * 1700, rel=1e-6)
    assert not (out / "portfolio.csv").exists()


def test_rule_without_any_measure_is_a_clear_user_error(tiny, tmp_path):
    path = write_yaml(tmp_path, "name: t\nmeasures: {exclude: [ule]}\n"
                                "rules: {ule_mandatory: {enabled: true, sectors: [cement]}}\n")
    res = CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(tmp_path / "o")])
    assert res.exit_code == 2
    assert "rule rule_ule: 3 plant(s) have no measure that satisfies it" in res.output


@pytest.mark.slow
def test_a_limit_that_stops_highs_early_returns_the_best_found_marked(tmp_path):
    """HiGHS stops at its first improving solution, before proving optimality (gap 0 requested): the run
    reports 'best_found' with the gap, in the terminal and summary.json, and the incumbent meets every hard
    target."""
    out = tmp_path / "o"
    res = CliRunner().invoke(cli.main, ["run", BASE, "--out", str(out), "--no-plots", "--mip-gap", "0",
                                        "--set", "solver.highs_options={mip_max_improving_sols: 1}"])
    assert res.exit_code == 0, res.output
    assert "best_found" in res.output and "not proven optimal" in res.output and "SolutionLimit" in res.output
    s = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    assert s["status"] == "best_found" and s["termination"] == "kSolutionLimit"
    assert s["mip_gap"] > 0  # not proven: the bound lies below the incumbent
    t = pd.read_csv(out / "targets.csv")
    assert t.loc[t["kind"] == "hard", "met"].all()


@pytest.mark.slow
def test_a_limit_before_any_portfolio_is_a_solver_error(tmp_path):
    res = CliRunner().invoke(cli.main, ["run", BASE, "--out", str(tmp_path / "o"), "--no-plots", "--mip-gap", "0",
                                        "--set", "solver.highs_options={mip_max_nodes: 0}"])
    assert res.exit_code == 4, res.output
    assert "before it found a feasible portfolio" in res.output and not (tmp_path / "o").exists()


def test_unknown_highs_option_is_named(tmp_path):
    """A user's mistake, found before anything is solved (was exit 4 from HiGHS; tests/test_hostile_solver.py)."""
    res = CliRunner().invoke(cli.main, ["run", BASE, "--out", str(tmp_path / "o"), "--no-plots",
                                        "--set", "solver.highs_options={mip_max_nodez: 1}"])
    assert res.exit_code == 2, res.output
    assert "solver.highs_options.mip_max_nodez:" in res.output and "(did you mean 'mip_max_nodes'?)" in res.output
    assert not (tmp_path / "o").exists()


def test_internal_error_is_one_line_unless_debug(monkeypatch, tmp_path):
    import model.inputs

    def boom(*a, **k):
        raise RuntimeError("simulated bug")

    monkeypatch.setattr(model.inputs, "load_dataset", boom)  # read when the pipeline loads
    res = CliRunner().invoke(cli.main, ["run", BASE, "--out", str(tmp_path / "o")])
    assert res.exit_code == 1
    assert "internal error: RuntimeError: simulated bug" in res.output and "Traceback" not in res.output
    res = CliRunner().invoke(cli.main, ["--debug", "run", BASE, "--out", str(tmp_path / "o")])
    assert isinstance(res.exception, RuntimeError)


@pytest.mark.slow
def test_ctrl_c_writes_nothing(monkeypatch, tmp_path):
    import model.run

    def interrupt(*a, **k):
        raise KeyboardInterrupt

    monkeypatch.setattr(model.run, "make_results", interrupt)
    out = tmp_path / "o"
    res = CliRunner().invoke(cli.main, ["run", BASE, "--out", str(out)])
    assert res.exit_code == 130 and "nothing was written" in res.output
    assert not out.exists()
    assert not any(p.name.startswith(".o.partial") for p in tmp_path.iterdir())


def test_same_scenario_gives_byte_identical_tables(tiny, tmp_path):
    path = cement_yaml(tmp_path, 1100)
    outs = []
    for k in range(2):
        out = tmp_path / f"o{k}"
        res = CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(out), "--no-plots"])
        assert res.exit_code == 0, res.output
        outs.append(out)
    for f in ("portfolio.csv", "targets.csv", "candidates.csv", "county_summary.csv", "measure_summary.csv"):
        assert (outs[0] / f).read_bytes() == (outs[1] / f).read_bytes(), f
    import json

    hashes = [json.loads((o / "manifest.json").read_text(encoding="utf-8"))["outputs_sha256"] for o in outs]
    assert hashes[0] == hashes[1] and "portfolio.csv" in hashes[0]


def test_two_runs_at_once_do_not_collide(tiny, tmp_path):
    """Two runs finishing at once with the same automatic name both land, in distinct directories."""
    from model.run import run_scenario, write_results

    path = cement_yaml(tmp_path, 500)
    outcome = run_scenario(path, inputs=tiny)
    target = tmp_path / "results" / "t" / "same-second"
    landed, barrier = [], threading.Barrier(2)

    def go():
        barrier.wait()
        landed.append(write_results(outcome, target, plots=False, unique=True).name)

    threads = [threading.Thread(target=go) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(landed) == ["same-second", "same-second-2"]
    for d in landed:
        assert (target.parent / d / "portfolio.csv").exists()
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".")]  # no leftovers


@pytest.mark.parametrize("typed, meant", [("临份", "'临汾'? it reads linfen"), ("太园", "'太原'? it reads taiyuan"),
                                          ("临汾县", "'临汾'?"), ("Linfn", "'linfen'?")])
def test_a_region_typed_wrong_gets_a_did_you_mean_by_sound_and_by_characters(ds, typed, meant):
    """An input method's homophone (份 for 汾) by its pinyin; a wrong or extra character by characters."""
    from model.regions import resolve_region

    with pytest.raises(ValueError, match=re.escape(f"did you mean {meant}")):
        resolve_region(ds, typed)
