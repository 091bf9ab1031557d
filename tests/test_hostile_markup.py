"""Issue 21, hostile input: text is text in the terminal, and names that become paths fit the file system.

rich reads '[bold]' in a printed string as a style and '[/x]' as a closing tag it cannot match (MarkupError, which
ersim reported as an internal error, or worse, a traceback from the internal-error handler itself). Descriptions,
labels, enterprise names, file names, `show` arguments and error messages carrying markup must print as typed
and exit as the same command without markup does. A scenario name longer than a results folder may be is refused
at validation with its size in bytes; a --out name too long for the file system is a user's mistake (exit 2).
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner, Result
from rich.console import Console

import cli
from model.outputs import terminal
from model.textsafe import show_controls
from conftest import ONLY_CEMENT, write_yaml

DESCRIPTION = "[/x] [bold red]y [link=file:///etc/passwd]x[/link] :warning:"
LABEL = "[/x][bold]NOx[/bold]"
PLANT = "[bold red]水泥[/x]"  # T2's name_zh
#: terminal escape sequences: clear the screen, a hyperlink to a local file, the bell
ESCAPES = "\x1b[2J\x1b]8;;file:///etc/passwd\x1b\\here\x1b]8;;\x1b\\\x07"


def tree(root: Path) -> dict[str, str]:
    """Every file under ``root`` with its hash: what a command may not change outside its output."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def clean(res: Result, code: int) -> str:
    """The output of a command that exited with ``code`` by itself: no escaped exception, no traceback, no rich
    MarkupError, and no 'internal error' unless 1 was expected."""
    assert res.exit_code == code, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in res.output and "MarkupError" not in res.output, res.output
    if code != 1:
        assert "internal error" not in res.output, res.output
    return res.output


def scenario(tmp_path: Path, description: str, label: str, name: str = "s.yaml", scenario_name: str = "t") -> Path:
    target = f"  - {{pollutant: NOx, reduction: 1000, unit: t, label: {json.dumps(label)}}}\n"
    return write_yaml(tmp_path, f"name: {scenario_name}\ndescription: {json.dumps(description)}\n{ONLY_CEMENT}"
                                f"targets:\n{target}", name)


@pytest.mark.slow
def test_run_prints_a_description_and_label_with_markup_as_typed(tiny, tmp_path):
    plain = scenario(tmp_path, "plain words", "NOx plain", "plain.yaml")
    hostile = scenario(tmp_path, DESCRIPTION, LABEL)
    escapes = scenario(tmp_path, "words" + ESCAPES, "NOx", "escapes.yaml")
    expected = clean(invoke("run", plain, "--inputs", tiny, "--out", tmp_path / "p", "--no-plots"), 0)
    assert "plain words" in expected
    before = tree(tmp_path)
    out = clean(invoke("run", hostile, "--inputs", tiny, "--out", tmp_path / "h", "--no-plots"), 0)
    assert f"t: {DESCRIPTION}" in out  # ':warning:' stays a word, not an emoji
    assert LABEL in out
    # terminal escape sequences in a scenario's text are refused where they are, never sent to the terminal
    refused = clean(invoke("run", escapes, "--inputs", tiny, "--out", tmp_path / "e", "--no-plots"), 2)
    assert "escapes.yaml:2:1: description: holds the control character U+001B" in refused
    assert "\x1b" not in refused and "\x07" not in refused
    after = tree(tmp_path)
    assert all(k.startswith("h/") for k in after.keys() - before.keys())
    assert all(after[k] == v for k, v in before.items())


@pytest.mark.slow
def test_sweep_title_with_a_label_in_markup(tiny, tmp_path):
    path = scenario(tmp_path, DESCRIPTION, LABEL)
    out = clean(invoke("sweep", path, "--inputs", tiny, "--target", "NOx", "--steps", "2", "--from", "0.5", "--to",
                       "1.0", "--out", tmp_path / "sw"), 0)
    assert f"{LABEL}: cost curve" in out


@pytest.fixture()
def marked(tiny: Path) -> Path:
    """The three-plant dataset with T2 named in rich markup."""
    e = pd.read_csv(tiny / "enterprises.csv", dtype=str, keep_default_na=False)
    e.loc[e["enterprise_id"] == "T2", "name_zh"] = PLANT
    e.to_csv(tiny / "enterprises.csv", index=False)
    return tiny


@pytest.mark.slow
def test_list_and_show_print_an_enterprise_name_with_markup(marked, tmp_path, monkeypatch):
    # wide enough that no cell is folded over two lines, so the name can be found whole
    monkeypatch.setattr(terminal, "console", Console(width=400, emoji=False))  # the one the tables print to
    before = tree(marked)
    assert PLANT in clean(invoke("list", "enterprises", "--inputs", marked), 0)
    path = scenario(tmp_path, DESCRIPTION, LABEL)
    shown = clean(invoke("show", "enterprise", "T2", "--inputs", marked, "--scenario", path), 0)
    assert f"T2 {PLANT}" in shown
    assert f"T2 {PLANT}" in clean(invoke("show", "enterprise", PLANT, "--inputs", marked, "--scenario", path), 0)
    assert tree(marked) == before


@pytest.mark.parametrize("what, name", [
    ("enterprise", "[/x]"), ("enterprise", "[bold red]nope"), ("county", "[link=file:///etc/passwd]x[/link]"),
    ("measure", "[bold]nope[/bold]"), ("enterprise", "\x1b[2J\x1b[31mnope")])
@pytest.mark.slow
def test_show_argument_with_markup_is_named_in_the_error(tiny, tmp_path, what, name):
    path = scenario(tmp_path, "plain", "plain")
    plain = invoke("show", what, "nothing-like-this", "--inputs", tiny, "--scenario", path)
    out = clean(invoke("show", what, name, "--inputs", tiny, "--scenario", path), plain.exit_code)
    assert plain.exit_code == 2 and f"'{show_controls(name)}'" in out and "\x1b" not in out


def test_validate_names_files_and_bad_names_with_markup_as_typed(tmp_path):
    odd_file = scenario(tmp_path, DESCRIPTION, LABEL, name="[bold red]s[link=x]y.yaml")  # no "/" in a file name
    assert "[bold red]s[link=x]y.yaml" in clean(invoke("validate", odd_file), 0)
    plain = clean(invoke("validate", scenario(tmp_path, "d", "l", "p.yaml", scenario_name="'bad name'")), 2)
    assert "cannot name a results folder" in plain
    out = clean(invoke("validate", scenario(tmp_path, "d", "l", "m.yaml", scenario_name="'[bold]x[/x]'")), 2)
    assert "m.yaml:1:1: name: '[bold]x[/x]' cannot name a results folder" in out


def test_internal_error_with_markup_in_its_message(monkeypatch, tmp_path):
    import model.inputs

    def boom(*a, **k):
        raise RuntimeError("bad [/x] [bold]thing")

    monkeypatch.setattr(model.inputs, "load_dataset", boom)  # read when the pipeline loads
    out = clean(invoke("run", scenario(tmp_path, "d", "l"), "--out", tmp_path / "o"), 1)
    assert "internal error: RuntimeError: bad [/x] [bold]thing" in out
    assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("name, size", [("山" * 100, 300), ("山" * 41, 123), ("a" * 121, 121)],
                         ids=["100-chinese", "41-chinese", "121-letters"])
def test_a_scenario_name_too_long_for_a_folder_is_refused_at_validation(tmp_path, monkeypatch, name, size):
    monkeypatch.chdir(tmp_path)
    path = scenario(tmp_path, "d", "l", scenario_name=name)
    out = clean(invoke("validate", path), 2)
    assert f"s.yaml:1:1: name: the name is {size} bytes in UTF-8 ({len(name)} characters)" in out
    assert "at most 120 bytes" in out and "shorten it" in out
    assert clean(invoke("run", path, "--no-plots"), 2)  # refused before anything is written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.yaml"]


@pytest.mark.slow
def test_the_longest_name_runs_and_exports_and_a_tampered_name_cannot_export_elsewhere(tiny, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    name = "山" * 40  # 120 bytes: the limit
    path = scenario(tmp_path, "d", "l", scenario_name=name)
    clean(invoke("run", path, "--inputs", tiny, "--no-plots"), 0)
    (run,) = (tmp_path / "results" / name).iterdir()
    clean(invoke("export", run), 0)
    assert {f.name for f in (run / "export").iterdir()} >= {f"{name}.xlsx", f"{name}_counties.geojson"}

    summary = json.loads((run / "summary.json").read_text(encoding="utf-8"))
    summary["scenario"] = "../../escaped"  # a hand-edited run: its name must not lead the export elsewhere
    (run / "summary.json").write_text(json.dumps(summary, ensure_ascii=False), encoding="utf-8")
    out = clean(invoke("export", run, "--out", tmp_path / "e2"), 2)
    assert "summary.json does not match its manifest" in out  # the manifest's hash catches the edit first
    # a consistent forgery (the manifest's hash updated too) still cannot name a file outside the export
    manifest = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    manifest["outputs_sha256"]["summary.json"] = hashlib.sha256((run / "summary.json").read_bytes()).hexdigest()
    (run / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    before = tree(tmp_path)
    out = clean(invoke("export", run, "--out", tmp_path / "e2"), 2)
    assert "summary.json: scenario: '../../escaped' cannot name a results folder" in out
    assert tree(tmp_path) == before and not (tmp_path / "e2").exists()


@pytest.mark.slow
def test_an_out_name_too_long_for_the_file_system_is_a_user_error(tmp_path):
    """Refused before any work (check_destination), not when the temporary '.<name>.partial-' folder fails."""
    long = tmp_path / ("o" * 250)  # ersim's temporary '.<name>.partial-XXXXXXXX' takes it past 255 bytes
    out = clean(invoke("check-inputs", "--csv", long), 2)
    assert f"'{'o' * 250}' is 250 bytes in UTF-8; a folder name may have at most 237" in out
    assert list(tmp_path.iterdir()) == []


def test_figures_draw_dollar_signs_as_text(tmp_path):
    """matplotlib reads '$...$' as mathtext: a label '$\\frac{a}{ cost$' failed to parse and lost the whole run
    (its figures are drawn before the run is renamed into place). Figures draw text as written."""
    import matplotlib.pyplot as plt

    from model.outputs.plots import use_cjk_font

    use_cjk_font()
    fig, ax = plt.subplots()
    ax.set_yticks([0], ["$\\frac{a}{ cost$ $x^$ 山西"])
    ax.set_title("$x^$")
    fig.savefig(tmp_path / "f.png")
    plt.close(fig)
    assert (tmp_path / "f.png").stat().st_size > 0
