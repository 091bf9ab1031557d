"""Issue 21: a property test over the command line of every subcommand. Hypothesis draws arguments from hostile
values (nan, inf, negative and huge numbers, rich markup, formula text, NUL bytes, long names, '.', '..', devices,
missing and damaged paths, --set overrides that aim at files) and checks that ersim answers each with a clean exit
(0 done, 2 a mistake, 3 infeasible, 4 solver failure): never a traceback or an 'internal error', and nothing
written outside the test's own folder.

Everything runs on the three cement plants of ``conftest.PLANTS`` so a run that is accepted takes about a second.
Left out on purpose: ``--scheduler`` (connecting to a drawn address waits for its timeout: tested alone in
test_hostile_numbers) and worker counts above 1 (a drawn --workers 200 would start 200 processes)."""

from __future__ import annotations

import os
from pathlib import Path

import click
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
from conftest import ONLY_CEMENT, copy_inputs, make_tiny

EXAMPLES = int(os.environ.get("ERSIM_CLI_EXAMPLES", "10"))
#: commands whose accepted examples draw figures (seconds each): fewer examples
FEWER = {"plot": 4, "report": 6}
CLEAN_EXITS = {0, 2, 3, 4}

TEXT = ["NOx", "VOCs", "临汾", "cement", "ule", "[/x]", "[bold red]x", "[link=file:///etc/passwd]x[/link]", "=1+1",
        "@SUM(A1)", "", " ", "\x00", "x" * 300, "名" * 100, "../../etc/passwd", "nan"]
NUMBERS = ["nan", "inf", "-inf", "-1", "0", "1e308", "1e-300", "2", "0.5", "abc", "", "1" * 40]
SETS = ["discount_rate=nan", "discount_rate=0.06", "targets.0.reduction=inf", "targets.0.reduction=-1",
        "solver.highs_options.log_file=evil.log", "solver.highs_options.write_solution_to_file=true",
        "name=../../escape", "name=" + "名" * 100, "description=[/x]", "description==HYPERLINK(1)",
        "targets.5.reduction=1", "horizon.end_year=2019", "rules.ule_mandatory.sectors=[steeel]",
        "nokey", "=", "scope.cities=[临份]", "description=[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"]


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, str]:
    """A folder with the tiny dataset, a scenario on it, one finished run and some hostile paths."""
    root = tmp_path_factory.mktemp("cli")
    data = make_tiny(copy_inputs(root / "data"))
    (root / "s.yaml").write_text(
        f"name: t\n{ONLY_CEMENT}targets:\n  - {{pollutant: NOx, reduction: 500, unit: t}}\n"
        "rules: {ule_mandatory: {enabled: true, sectors: [cement]}}\n"
        "uncertainty:\n  samples: 2\n  parameters:\n"
        "    - {param: measures.*.capex_cny_per_unit, dist: uniform, low: 0.9, high: 1.1, how: scale}\n",
        encoding="utf-8")
    res = CliRunner().invoke(cli.main, ["run", str(root / "s.yaml"), "--inputs", str(data), "--no-plots",
                                        "--out", str(root / "run")])
    assert res.exit_code == 0, res.output
    (root / "notes").mkdir()
    (root / "notes" / "keep.txt").write_text("a colleague's notes\n", encoding="utf-8")
    (root / "fake-run").mkdir()
    (root / "fake-run" / "manifest.json").write_text("{not json", encoding="utf-8")
    (root / "fake-run" / "summary.json").write_text("[]", encoding="utf-8")
    (root / "empty").mkdir()
    return {"root": str(root), "data": str(data)}


def paths(p: dict[str, str]) -> dict[str, list[str]]:
    """Values for each kind of path argument (relative to the test folder, which is the working directory)."""
    # the usable values are drawn more often, so that examples get past the first check
    scenario = ["s.yaml"] * 5 + ["missing.yaml", "/dev/zero", "notes", "notes/keep.txt", "", "x" * 300]
    inputs = [p["data"]] * 6 + ["missing-data", "/dev/zero", "notes", "empty"]
    run_dirs = ["run", "run", "fake-run", "empty", "notes", "."]
    outs = ["out", "out", "notes", "empty", ".", "..", "run", "x" * 300, "名" * 100, "notes/keep.txt", "a/b/c"]
    return {"scenario": scenario, "inputs": inputs, "run_dir": run_dirs, "out": outs, "csv_dir": outs,
            "write_model": ["model.lp", "model.mps", "model.txt", "notes", "/dev/full"], "items": run_dirs + scenario}


#: option name -> values, where the generic pools do not fit (bounded so that no drawn value runs for minutes)
SPECIAL = {"workers": ["0", "1", "-1", "257", "two"], "samples": ["0", "1", "2", "-1", "10001", "nan"],
           "steps": ["0", "1", "2", "501", "x"], "count": ["0", "1", "21", "x"], "overrides": SETS,
           "values": ["nan", "inf", "1,2", "-5", "8万", "", ",", "1e309", "300,600"],
           "fmt": ["xlsx", "csv", "geojson", "all", "pdf"], "time_limit": NUMBERS + ["30"],
           "mip_gap": NUMBERS + ["0.01"], "seed": ["-1", "0", "7", "4294967296", "x"]}
SKIP = {"scheduler"}


def option_values(cmd: click.Command, param: click.Parameter, p: dict[str, str]) -> list[str]:
    kinds = paths(p)
    if param.name in SPECIAL:
        return SPECIAL[param.name]
    if param.name in kinds:
        return kinds[param.name]
    if isinstance(param.type, click.Choice):
        return [*param.type.choices, "nonsense"]
    if isinstance(param.type, (click.types.IntParamType, click.types.FloatParamType)) or param.type.name == "number":
        return NUMBERS
    return TEXT


def command_line(cmd_name: str, p: dict[str, str]):
    """A strategy of argument lists for one subcommand: its arguments, then some of its options."""
    cmd = cli.main.commands[cmd_name]
    parts = []
    for param in cmd.params:
        if param.name in SKIP:
            continue
        values = option_values(cmd, param, p)
        if isinstance(param, click.Argument):
            n = (1, 3) if param.nargs == -1 else (1, 1)
            parts.append(st.lists(st.sampled_from(values), min_size=n[0], max_size=n[1]))
        elif getattr(param, "is_flag", False):
            parts.append(st.sampled_from([[], [param.opts[0]]]))
        elif getattr(param, "multiple", False):
            parts.append(st.lists(st.sampled_from(values), max_size=2).map(
                lambda vs, o=param.opts[0]: [x for v in vs for x in (o, v)]))
        else:
            parts.append(st.one_of(st.just([]), st.sampled_from(values).map(lambda v, o=param.opts[0]: [o, v])))
    # --inputs, when a command has it, is always given: the default (the whole of Shanxi) would make each
    # accepted example a full solve
    needs_inputs = any(q.name == "inputs" for q in cmd.params)
    return st.tuples(*parts).map(lambda ps: [cmd_name, *[a for part in ps for a in part]]).filter(
        lambda args: not needs_inputs or "--inputs" in args)


def snapshot_outside(root: Path) -> dict[str, float]:
    """Files next to the test folder (its parent): nothing may appear, change or go there."""
    # (pytest's '<name>current' symlinks move as it makes folders: not ersim's doing)
    return {str(q): q.stat().st_mtime for q in root.parent.iterdir() if q != root and not q.is_symlink()}


COMMANDS = sorted(cli.main.commands)


@pytest.mark.slow
@pytest.mark.parametrize("cmd_name", COMMANDS)
def test_no_tracebacks_from_any_command_line(place, cmd_name, monkeypatch):
    root = Path(place["root"])
    monkeypatch.chdir(root)
    strategy = command_line(cmd_name, place)
    protected = {"notes/keep.txt": (root / "notes" / "keep.txt").read_bytes()}
    before = snapshot_outside(root)

    @settings(max_examples=min(EXAMPLES, FEWER.get(cmd_name, EXAMPLES)), deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.filter_too_much,
                                     HealthCheck.too_slow])
    @given(args=strategy)
    def check(args: list[str]) -> None:
        res = CliRunner().invoke(cli.main, args)
        shown = f"ersim {' '.join(repr(a) for a in args)}\n{res.output}"
        assert res.exit_code in CLEAN_EXITS, shown
        assert "Traceback" not in res.output and "internal error" not in res.output, shown
        assert res.exception is None or isinstance(res.exception, SystemExit), (shown, repr(res.exception))
        assert not (root / "evil.log").exists(), shown
        for rel, data in protected.items():
            assert (root / rel).read_bytes() == data, f"{rel} changed: {shown}"

    check()
    assert snapshot_outside(root) == before, "a command wrote next to the test folder"
