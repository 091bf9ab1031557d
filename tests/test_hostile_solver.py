"""solver.highs_options from a hostile or mistaken scenario file: only numerical and algorithmic HiGHS options
(model/highs_options.py) get through; anything that writes a file, turns output on or is unknown is refused by
`validate` and `run` at its file:line:col with exit 2, and nothing is written anywhere."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT, build, write_yaml
from model.highs_options import ALLOWED, REFUSED, HighsOptionError, check_options, check_value
from model.inputs import load_dataset
from model.scenario import load_scenario
from model.solve import HIGHS_DEFAULTS, Solver

TARGET = "targets:\n  - {pollutant: NOx, reduction: 1100, unit: t}\n"


def scenario(tmp_path: Path, option_line: str) -> Path:
    """The tiny cement scenario with one line under solver.highs_options: that line is line 7, column 5."""
    return write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}solver:\n  highs_options:\n    {option_line}\n")


def tree(root: Path) -> set[str]:
    """Every file and directory under ``root``, relative to it."""
    return {str(p.relative_to(root)) for p in root.rglob("*")}


FILES = "reads or writes a file"
# (option line, with EVIL for an absolute path in the test's directory; fragment of the message)
HOSTILE = [
    ("log_file: EVIL", FILES),
    ("solution_file: EVIL", FILES),
    ("write_solution_to_file: true", FILES),
    ("write_model_file: EVIL", FILES),
    ("write_model_file: evil.mps", FILES),  # relative: it would land in the working directory
    ("write_model_to_file: true", FILES),
    ("write_presolved_model_file: EVIL", FILES),
    ("read_solution_file: /etc/passwd", FILES),
    ("write_basis_file: EVIL", FILES),
    ("mip_improving_solution_file: EVIL", FILES),
    ("write_everything_soon: true", FILES),  # an option a later HiGHS might add: refused by its name
    ("log_file: \"ok.log\\nwrite_model_file = EVIL\"", FILES),
    ("presolve: \"off\\nlog_file = EVIL\"", "must be one of off, choose, on, got 'off\\nlog_file = "),
    ("output_flag: true", "controls HiGHS's output"),
    ("log_to_console: true", "controls HiGHS's output"),
    ("ranging: \"on\"", "controls HiGHS's output"),
    ("time_limit: 1", "ersim sets it from solver.time_limit_s"),
    ("mip_rel_gap: 0.5", "ersim sets it from solver.mip_gap"),
    ("solve_relaxation: true", "changes what the model means"),
    ("infinite_cost: 1.0e+15", "changes what the model means"),
    ("mip_max_nodez: 5", "'mip_max_nodez' is not among the HiGHS options a scenario may set (did you mean "
                         "'mip_max_nodes'?); the allowed options (numerical and algorithmic only) are "
                         "allowed_cost_scale_factor, "),
    ("iis_strategy: 1", "'iis_strategy' is not among the HiGHS options a scenario may set"),
    ("mip_max_nodes: lots", "must be a whole number, between 0 and 2147483647, got 'lots'"),
    ("mip_max_nodes: 2.5", "must be a whole number, between 0 and 2147483647, got 2.5"),
    ("mip_max_nodes: -1", "must be between 0 and 2147483647, got -1"),
    ("mip_max_nodes: 3000000000", "must be between 0 and 2147483647, got 3000000000"),
    ("mip_detect_symmetry: 1", "must be true or false, got 1"),
    ("mip_heuristic_effort: 2", "must be between 0 and 1, got 2"),
    ("mip_abs_gap: .nan", "must be a finite number, at least 0, got nan"),
    ("mip_feasibility_tolerance: .inf", "must be a finite number, at least 1e-10, got inf"),
    ("primal_feasibility_tolerance: 0", "must be at least 1e-10, got 0"),
    ("objective_bound: .nan", "must be a finite number, got nan"),
    ("threads: 100000", "must be between 0 and 64, got 100000"),
    ("solver: gpu", "must be one of choose, simplex, ipm, ipx, pdlp, got 'gpu'"),
    ("presolve: chose", "got 'chose' (did you mean 'choose'?)"),
]


@pytest.mark.parametrize("line,fragment", HOSTILE, ids=[c[0].split(":")[0] + f"-{i}" for i, c in enumerate(HOSTILE)])
def test_hostile_option_is_refused_by_validate_and_run_and_writes_nothing(tiny, tmp_path, monkeypatch, line,
                                                                           fragment):
    evil = tmp_path / "evil.out"
    work = tmp_path / "cwd"  # the working directory, where a relative file name would land
    work.mkdir()
    monkeypatch.chdir(work)
    path = scenario(tmp_path, line.replace("EVIL", evil.as_posix()))
    key = line.split(":")[0]
    before = tree(tmp_path)
    for args in (["validate", str(path), "--inputs", str(tiny)],
                 ["run", str(path), "--inputs", str(tiny), "--out", str(tmp_path / "o"), "--no-plots"],
                 ["run", str(path), "--inputs", str(tiny), "--no-plots"]):  # results/ in the working directory
        res = CliRunner().invoke(cli.main, args)
        assert res.exit_code == 2, (args[0], res.output)
        assert f"{path}:7:5: solver.highs_options.{key}: " in res.output, res.output
        assert fragment in res.output, res.output
        assert "Traceback" not in res.output
        assert not evil.exists()
        assert tree(tmp_path) == before, tree(tmp_path) - before


def test_hostile_option_from_set_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    res = CliRunner().invoke(cli.main, ["validate", str(scenario(tmp_path, "mip_max_nodes: 5")),
                                        "--set", f"solver.highs_options.log_file={tmp_path / 'evil.log'}"])
    assert res.exit_code == 2, res.output
    assert "--set" in res.output and "solver.highs_options.log_file: reads or writes a file" in res.output
    assert not (tmp_path / "evil.log").exists()


@pytest.mark.slow
def test_allowed_options_still_solve_and_are_recorded(tiny, tmp_path):
    """A bare `off` is YAML's false: for presolve it means "off"; the manifest records what HiGHS was given."""
    opts = ("{mip_max_nodes: 1000, presolve: off, mip_detect_symmetry: false, threads: 1, random_seed: 7, "
            "mip_abs_gap: 1e-6, mip_heuristic_effort: 0.1, simplex_strategy: 4, run_crossover: \"on\"}")
    path = write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}solver: {{highs_options: {opts}}}\n")
    out = tmp_path / "o"
    res = CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(out), "--no-plots"])
    assert res.exit_code == 0, res.output
    assert json.loads((out / "summary.json").read_text(encoding="utf-8"))["status"] == "optimal"
    recorded = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["scenario"]["solver"]["highs_options"]
    assert recorded == {"mip_max_nodes": 1000, "presolve": "off", "mip_detect_symmetry": False, "threads": 1,
                        "random_seed": 7, "mip_abs_gap": 1e-6, "mip_heuristic_effort": 0.1, "simplex_strategy": 4,
                        "run_crossover": "on"}


@pytest.mark.slow
def test_another_thread_count_in_the_same_process_solves(tiny, tmp_path):
    """HiGHS's scheduler is started once per process; a solve asking for another thread count failed (kError)
    until the Solver restarted it. Three solves in one process: 1 (ersim's default), 2, 1 again."""
    for k, threads in enumerate((None, 2, None)):
        extra = f"solver: {{highs_options: {{threads: {threads}}}}}\n" if threads else ""
        path = write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}{extra}", name=f"s{k}.yaml")
        res = CliRunner().invoke(cli.main, ["run", str(path), "--inputs", str(tiny), "--out", str(tmp_path / f"o{k}"),
                                            "--no-plots"])
        assert res.exit_code == 0, (threads, res.output)


def test_solver_refuses_options_that_bypass_the_schema(tiny, tmp_path):
    """Callers that build a Solver themselves get the same allow-list (a user error, not a solver failure)."""
    bm = build(load_dataset(tiny), load_scenario(write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{TARGET}")))
    evil = tmp_path / "evil.log"
    with pytest.raises(HighsOptionError, match=r"solver\.highs_options\.log_file: reads or writes a file"):
        Solver(bm, highs_options={"log_file": str(evil)})
    with pytest.raises(ValueError, match=r"solver\.highs_options\.mip_max_nodes: must be a whole number"):
        Solver(bm, highs_options={"mip_max_nodes": "many"})
    with pytest.raises(HighsOptionError, match=r"solver\.mip_gap 2: must be a finite number between 0 and 1"):
        Solver(bm, mip_gap=2)
    with pytest.raises(HighsOptionError, match=r"solver\.time_limit_s 0: must be a finite number greater than 0"):
        Solver(bm, time_limit=0)
    assert not evil.exists()
    assert Solver(bm, highs_options={"mip_max_nodes": 50}).solve().status == "optimal"


def test_check_value_types():
    assert check_value("presolve", False) == "off" and check_value("parallel", True) == "on"
    assert check_value("mip_max_nodes", "100") == 100 and check_value("mip_max_nodes", 1e3) == 1000
    assert check_value("mip_abs_gap", 0) == 0.0 and isinstance(check_value("mip_abs_gap", 0), float)
    assert check_value("objective_bound", "1e9") == 1e9  # YAML 1.1 reads 1e9 as text
    for key, value in (("mip_detect_symmetry", "yes"), ("mip_max_nodes", True), ("mip_abs_gap", False),
                       ("solver", True), ("mip_abs_gap", "nan"), ("mip_abs_gap", math.inf),
                       ("mip_abs_gap", 10 ** 400), ("mip_max_nodes", 10 ** 400), ("mip_max_nodes", [1])):
        with pytest.raises(ValueError):
            check_value(key, value)


def test_ersim_defaults_are_allowed_options():
    assert check_options(HIGHS_DEFAULTS) == HIGHS_DEFAULTS


def _beyond(v: float, low_end: bool, kind: str) -> float:
    """A value just outside a range's end: one less or more for ints; half a positive lower end for floats."""
    if kind == "int":
        return v - 1 if low_end else v + 1
    return (v / 2 if v > 0 else v - 1) if low_end else v + 1


def test_allow_list_matches_the_installed_highs():
    """Every allowed option exists in the installed HiGHS with the type ersim checks; HiGHS takes both ends of
    ersim's range and every choice, and refuses just past the ends (ersim's range is HiGHS's), except where
    ersim narrows it on purpose. Every refused name is a real option (no typo hides a file option)."""
    import highspy

    narrowed = {"threads", "user_objective_scale", "user_bound_scale"}
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    kinds = {"bool": "kBool", "int": "kInt", "float": "kDouble", "str": "kString"}
    ok = highspy.HighsStatus.kOk
    for key, opt in ALLOWED.items():
        status, kind = h.getOptionType(key)
        assert status == ok and kind.name == kinds[opt.kind], key
        if opt.kind in ("bool", "str"):
            for v in (True, False) if opt.kind == "bool" else opt.choices:
                assert h.setOptionValue(key, v) == ok, (key, v)
            continue
        cast = int if opt.kind == "int" else float
        ends = [cast(v) if math.isfinite(v) else cast(math.copysign(1e30, v)) for v in (opt.low, opt.high)]
        for v in ends:
            assert h.setOptionValue(key, v) == ok, (key, v)
        if key in narrowed:
            continue
        for v, low_end in ((opt.low, True), (opt.high, False)):
            if math.isfinite(v) and abs(v) < 2 ** 31 - 1:
                assert h.setOptionValue(key, cast(_beyond(v, low_end, opt.kind))) != ok, (key, v)
    for key in REFUSED:
        assert h.getOptionType(key)[0] == ok, key
