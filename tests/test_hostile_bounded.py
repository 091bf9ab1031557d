"""Issue 21, bounded work: a small hostile scenario (an alias bomb, deep nesting, a device, a pipe, a directory, a
huge file, a long extends chain) is refused at once, in little memory, naming the file and the bound; caps on the
work a command line asks for name the cap."""

from __future__ import annotations

import os
import threading
import tracemalloc
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from conftest import ROOT, write_yaml
from model import limits
from model.safe_yaml import MAX_ALIASES, MAX_DEPTH, MAX_SCENARIO_BYTES, MAX_VALUES
from model.scenario import ScenarioError, load_scenario
from test_hostile_numbers import invoke

BASE = (ROOT / "scenarios" / "base.yaml").as_posix()


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """The 'billion laughs': each level a list of ``width`` aliases of the level below (width**levels values)."""
    lines = ["name: bomb", "a0: &a0 [" + ", ".join(['"lol"'] * width) + "]"]
    for k in range(1, levels):
        lines.append(f"a{k}: &a{k} [" + ", ".join([f"*a{k - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_alias_bomb_is_refused_without_expanding_it(tmp_path, monkeypatch):
    """500 bytes standing for 430 million values: refused after counting them, never building them (the count
    in the message is 9 + 9**2 + ... + 9**9 lists and strings, computed on the 9 shared nodes)."""
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path, alias_bomb())
    assert path.stat().st_size < 600
    tracemalloc.start()
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    lists = [10]  # a0: a list and its 9 strings; a_k: a list and 9 copies of a_(k-1)
    for _ in range(8):
        lists.append(1 + 9 * lists[-1])
    expanded = 1 + 10 + 1 + sum(lists)  # the root mapping, its 10 keys, "bomb", the nine lists
    assert f"expands to {expanded:,} values" in str(err.value) and f"at most {MAX_VALUES:,}" in str(err.value)
    assert peak < 20e6, f"{peak / 1e6:.0f} MB to refuse a 500-byte file"
    res = invoke(["validate", str(path)], tmp_path)
    assert res.exit_code == 2 and "through its aliases" in res.output


def test_many_aliases(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    text = "name: x\nd: &d 1\nlist: [" + ", ".join(["*d"] * (MAX_ALIASES + 1)) + "]\n"
    res = invoke(["validate", str(write_yaml(tmp_path, text))], tmp_path)
    assert res.exit_code == 2 and f"more than {MAX_ALIASES} YAML aliases" in res.output and "s.yaml:3:" in res.output


def test_a_few_aliases_are_fine(tmp_path, monkeypatch):
    """Anchors are ordinary YAML: a scenario may reuse a block."""
    monkeypatch.chdir(tmp_path)
    text = ("name: x\ntargets:\n  - &t {pollutant: NOx, reduction: 1, unit: 万吨}\n"
            "  - {<<: *t, pollutant: VOCs}\n")
    sc = load_scenario(write_yaml(tmp_path, text)).scenario
    assert [t.pollutant for t in sc.targets] == ["nox", "vocs"] and sc.targets[1].reduction_t == 10_000


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000, 100_000])
def test_deep_nesting(tmp_path, monkeypatch, depth):
    monkeypatch.chdir(tmp_path)
    path = write_yaml(tmp_path, "name: x\ndescription: " + "[" * depth + "]" * depth + "\n")
    res = invoke(["validate", str(path)], tmp_path)
    assert res.exit_code == 2 and f"nested more than {MAX_DEPTH} levels deep" in res.output, res.output


def test_nesting_up_to_the_limit_reads(tmp_path):
    """The bound is not off by one: MAX_DEPTH levels (the root mapping is one) parse, and fail only on schema."""
    path = write_yaml(tmp_path, "name: x\ndescription: " + "[" * (MAX_DEPTH - 1) + "]" * (MAX_DEPTH - 1) + "\n")
    with pytest.raises(ScenarioError, match="description: Input should be a valid string"):
        load_scenario(path)


@pytest.mark.parametrize("ref,fragment", [
    ("/dev/zero", "is not a regular file (a device, pipe or socket)"),
    ("/dev/null", "is not a regular file"),
    (".", "is a directory; give a scenario file"),
    ("..", "is a directory"),
    ("notes.txt", "extends: may only name a .yaml or .yml scenario file"),
    ("big.yaml", f"a scenario file may hold at most {MAX_SCENARIO_BYTES:,}"),
    ("'a\\0b.yaml'", "not found next to this file"),
    ("x" * 300 + ".yaml", "not found next to this file"),
], ids=["dev-zero", "dev-null", "dot", "dotdot", "txt", "huge", "nul byte", "long name"])
def test_extends_only_small_regular_yaml_files(tmp_path, monkeypatch, ref, fragment):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("name: notes\n", encoding="utf-8")
    (tmp_path / "big.yaml").write_text("name: big\ndescription: '" + "a" * MAX_SCENARIO_BYTES + "'\n",
                                       encoding="utf-8")
    path = write_yaml(tmp_path, f"name: x\nextends: {ref}\n")
    res = invoke(["validate", str(path)], tmp_path)
    assert res.exit_code == 2 and fragment in res.output, res.output
    if "not found" not in fragment:
        assert "s.yaml:2:1: extends:" in res.output  # where the reference was written


def test_extends_a_pipe_does_not_hang(tmp_path, monkeypatch):
    """Opening a FIFO blocks until a writer comes: ersim must refuse it without opening it."""
    monkeypatch.chdir(tmp_path)
    os.mkfifo(tmp_path / "pipe.yaml")
    path = write_yaml(tmp_path, "name: x\nextends: pipe.yaml\n")
    out: list = []
    worker = threading.Thread(target=lambda: out.append(CliRunner().invoke(cli.main, ["validate", str(path)])),
                              daemon=True)
    worker.start()
    worker.join(60)
    assert out, "ersim blocked on a named pipe"
    assert out[0].exit_code == 2 and "pipe.yaml' is not a regular file" in out[0].output
    res = invoke(["validate", str(tmp_path / "pipe.yaml")], tmp_path)  # the pipe as the scenario itself
    assert res.exit_code == 2 and "is not a regular file" in res.output


def test_the_scenario_itself_is_bounded(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = invoke(["validate", str(tmp_path)], tmp_path)
    assert res.exit_code == 2 and "is a directory" in res.output
    res = invoke(["validate", "/dev/zero"], tmp_path)
    assert res.exit_code == 2 and "/dev/zero is not a regular file" in res.output
    many = "name: x\n" + "".join(f"k{i}: {i}\n" for i in range(MAX_VALUES // 2 + 1))  # under 1 MB, too many values
    res = invoke(["validate", str(write_yaml(tmp_path, many))], tmp_path)
    assert res.exit_code == 2 and f"more than {MAX_VALUES:,} values (keys and items)" in res.output


def test_long_extends_chain(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    n = 25
    (tmp_path / "s0.yaml").write_text("name: s0\n", encoding="utf-8")
    for k in range(1, n):
        (tmp_path / f"s{k}.yaml").write_text(f"extends: s{k - 1}.yaml\nname: s{k}\n", encoding="utf-8")
    res = invoke(["validate", str(tmp_path / f"s{n - 1}.yaml")], tmp_path)
    assert res.exit_code == 2 and "a chain of more than 20 files" in res.output, res.output


@pytest.mark.parametrize("text,fragment", [
    ("name: x\ndiscount_rate: " + "9" * 6000 + "\n", "YAML value cannot be read: a number with thousands of digits"),
    ("name: x\n? [a, b]\n: 1\n", "s.yaml"),
    ("name: x\nd: &d [*d]\n", "s.yaml:2:4: this YAML value contains an alias of itself"),
], ids=["huge integer", "list as key", "self-reference"])
def test_odd_yaml_values(tmp_path, monkeypatch, text, fragment):
    monkeypatch.chdir(tmp_path)
    res = invoke(["validate", str(write_yaml(tmp_path, text))], tmp_path)
    assert res.exit_code == 2 and fragment in res.output, res.output


def test_set_values_are_bounded_too(tmp_path, monkeypatch):
    """A --set value is YAML: the same bounds apply, located at the argument."""
    monkeypatch.chdir(tmp_path)
    bomb = "[" + ", ".join(["&a0 [1,1,1,1,1,1,1,1,1,1]"] + [f"&a{k} [" + ", ".join([f"*a{k - 1}"] * 10) + "]"
                                                               for k in range(1, 8)]) + "]"
    res = invoke(["validate", BASE, "--set", f"description={bomb}"], tmp_path)
    assert res.exit_code == 2 and "--set description=" in res.output and "through its aliases" in res.output
    res = invoke(["validate", BASE, "--set", "description=" + "[" * 1000 + "]" * 1000], tmp_path)
    assert res.exit_code == 2 and "nested more than" in res.output
    res = invoke(["validate", BASE, "--set", "description={a: 1, a: 2}"], tmp_path)
    assert res.exit_code == 2 and "duplicate key 'a'" in res.output


@pytest.mark.parametrize("args,fragment", [
    (["sweep", BASE, "--target", "NOx", "--steps", "100000"], f"1<=x<={limits.MAX_SWEEP_LEVELS}"),
    (["sweep", BASE, "--target", "NOx", "--values", ",".join(["1"] * (limits.MAX_SWEEP_LEVELS + 1))],
     f"a sweep takes at most {limits.MAX_SWEEP_LEVELS}"),
    (["sweep", BASE, "--target", "NOx", "--to", "1e9"], f"from 0 to {limits.MAX_SWEEP_FRACTION:g}"),
    (["uncertainty", BASE, "--samples", "100000000"], f"1<=x<={limits.MAX_SAMPLES}"),
    (["alternatives", BASE, "--count", "1000"], f"1<=x<={limits.MAX_ALTERNATIVES}"),
    (["alternatives", BASE, "--slack", "1e300"], f"from 0 to {limits.MAX_SLACK:g}"),
    (["compare", BASE, "--workers", "100000"], f"1<=x<={limits.MAX_WORKERS}"),
], ids=["steps", "values", "to", "samples", "count", "slack", "workers"])
def test_caps_on_work(tmp_path, monkeypatch, args, fragment):
    monkeypatch.chdir(tmp_path)
    res = invoke(args, tmp_path)
    assert res.exit_code == 2 and fragment in res.output, res.output
