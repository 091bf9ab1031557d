"""Issue 21: `--force` replaces only an earlier ersim result (or fills an empty folder), never a folder of the
user's, the current directory, a parent of it, a project's root or a file; each refusal exits 2 with the fix
and leaves everything byte for byte as it was. A refused --out is refused before anything is solved."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hostile_tools import invoke, temporaries, tiny_place, tree
from model.rundir import MARKER, check_destination, foreign_entries, write_atomically

REFUSED = "--force replaces only an earlier ersim result"


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, Path]:
    return tiny_place(tmp_path_factory.mktemp("force"))


@pytest.fixture()
def work(tmp_path, monkeypatch) -> Path:
    """An empty working directory (the cwd of the command)."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(place, out, *extra):
    return invoke("run", place["scenario"], "--inputs", place["data"], "--no-plots", "--out", out, *extra)


def earlier_run(place, where: Path) -> Path:
    shutil.copytree(place["run"], where)
    return where


# --------------------------------------------------------------------------- folders that are not ersim's
def _notes(d: Path) -> None:
    (d / "notes.txt").write_text("a colleague's notes\n", encoding="utf-8")


def _notes_and_data(d: Path) -> None:
    _notes(d)
    (d / "sub").mkdir()
    (d / "sub" / "data.csv").write_bytes(b"a,b\n1,2\n")


def _half_a_run(d: Path) -> None:  # one of a run's two documents is no run
    (d / "summary.json").write_text("{}", encoding="utf-8")


def _marker_alone_with_others(d: Path) -> None:  # a marker that lists other names does not cover notes.txt
    (d / MARKER).write_text(json.dumps({"written_by": "ersim", "files": ["portfolio.csv"]}), encoding="utf-8")
    _notes(d)


@pytest.mark.parametrize("fill, named", [(_notes, "notes.txt"), (_notes_and_data, "sub"),
                                         (_half_a_run, "summary.json"), (_marker_alone_with_others, "notes.txt")])
def test_force_refuses_a_folder_of_other_files(place, work, fill, named):
    folder = work / "my-folder"
    folder.mkdir()
    fill(folder)
    before = tree(work)
    res = run(place, folder, "--force")
    assert res.exit_code == 2, res.output
    assert REFUSED in res.output and named in res.output and "choose another --out" in res.output
    assert "Traceback" not in res.output and "status" not in res.output  # refused before solving
    assert tree(work) == before


def test_force_refuses_an_earlier_run_with_a_users_file_in_it(place, work):
    """The run's marker lists what ersim wrote; a file added later (in the run or in its figures/) is the user's."""
    for extra in ("notes.txt", "figures/notes.txt"):
        out = earlier_run(place, work / extra.replace("/", "-"))
        (out / extra).parent.mkdir(exist_ok=True)
        (out / extra).write_text("mine\n", encoding="utf-8")
        before = tree(work)
        res = run(place, out, "--force")
        assert res.exit_code == 2 and REFUSED in res.output and extra in res.output, res.output
        assert tree(work) == before


# --------------------------------------------------------------------------- what --force may replace
def test_force_replaces_an_earlier_run(place, work):
    out = earlier_run(place, work / "r")
    old = (out / "targets.csv").read_bytes()
    res = run(place, out, "--force", "--set", "targets.0.reduction=1300")
    assert res.exit_code == 0, res.output
    assert (out / "targets.csv").read_bytes() != old and b"1300" in (out / "targets.csv").read_bytes()
    assert temporaries(work) == [] and sorted(p.name for p in work.iterdir()) == ["r"]


def test_force_replaces_a_run_written_before_the_marker(place, work):
    """An older ersim wrote no marker and hashed only the tables: its runs are known by their two documents."""
    out = earlier_run(place, work / "r")
    (out / MARKER).unlink()
    man = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    man["outputs_sha256"] = {k: v for k, v in man["outputs_sha256"].items() if k.endswith(".csv")}
    (out / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    (out / "figures").mkdir()
    (out / "figures" / "county_maps.png").write_bytes(b"png")
    res = run(place, out, "--force")
    assert res.exit_code == 0, res.output
    assert (out / MARKER).exists() and not (out / "figures").exists() and temporaries(work) == []


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_an_empty_folder_is_filled(place, work, force):
    (work / "empty").mkdir()
    res = run(place, work / "empty", *force)
    assert res.exit_code == 0, res.output
    assert (work / "empty" / "portfolio.csv").exists() and temporaries(work) == []


def test_without_force_an_earlier_run_is_kept(place, work):
    out = earlier_run(place, work / "r")
    before = tree(work)
    res = run(place, out)
    assert res.exit_code == 2 and "exists and is not empty" in res.output and "pass --force" in res.output
    assert tree(work) == before


# --------------------------------------------------------------------------- places never to write
@pytest.mark.parametrize("out, what", [(".", "the current directory"), ("./", "the current directory"),
                                       ("CWD", "the current directory"), ("..", "a parent of the current directory"),
                                       ("/", "a parent of the current directory")])
@pytest.mark.parametrize("force", [[], ["--force"]])
def test_the_current_directory_and_its_parents_are_refused(place, work, out, what, force):
    inner = work / "project" / "sub"
    inner.mkdir(parents=True)
    (inner / "notes.txt").write_text("mine\n", encoding="utf-8")
    (inner / MARKER).write_text(json.dumps({"files": ["notes.txt"]}), encoding="utf-8")  # even an ersim result
    os.chdir(inner)  # monkeypatch (work) puts the old one back
    before = tree(work)
    res = run(place, str(inner) if out == "CWD" else out, *force)
    assert res.exit_code == 2, res.output
    assert f"is {what}" in res.output and "choose another --out" in res.output
    assert tree(work) == before


@pytest.mark.parametrize("marker", ["pyproject.toml", ".git"])
def test_a_project_root_is_refused(place, work, marker):
    """Even a project root that looks like an ersim result (a marker covering its files) is refused."""
    project = work / "someproject"
    project.mkdir()
    (project / marker).mkdir() if marker == ".git" else (project / marker).write_text("[project]\n", encoding="utf-8")
    (project / MARKER).write_text(json.dumps({"files": [marker]}), encoding="utf-8")
    before = tree(work)
    for force in ([], ["--force"]):
        res = run(place, project, *force)
        assert res.exit_code == 2, res.output
        assert f"is a project's root folder (it holds {marker})" in res.output
    assert tree(work) == before


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_regular_file_is_refused(place, work, force):
    f = work / "results.txt"
    f.write_text("keep me\n", encoding="utf-8")
    res = run(place, f, *force)
    assert res.exit_code == 2 and "is a file, not a folder" in res.output, res.output
    assert f.read_text(encoding="utf-8") == "keep me\n" and sorted(p.name for p in work.iterdir()) == ["results.txt"]


# --------------------------------------------------------------------------- every command that writes
def test_other_commands_refuse_a_folder_of_other_files(place, work):
    folder = work / "my-folder"
    folder.mkdir()
    _notes(folder)
    before = tree(work)
    for args in (["export", place["run"], "--out", folder, "--force"],
                 ["compare", place["run"], place["run"], "--out", folder, "--force"],
                 ["sweep", place["scenario"], "--inputs", place["data"], "--target", "NOx", "--values", "600",
                  "--out", folder, "--force"],
                 ["macc", place["scenario"], "--inputs", place["data"], "--pollutant", "NOx", "--out", folder,
                  "--force"],
                 ["rules-cost", place["scenario"], "--inputs", place["data"], "--out", folder, "--force"]):
        res = invoke(*args)
        assert res.exit_code == 2 and REFUSED in res.output and "notes.txt" in res.output, (args, res.output)
    assert tree(work) == before


def test_plot_refuses_to_replace_a_figures_folder_holding_a_users_file(place, work):
    out = earlier_run(place, work / "r")
    (out / "figures").mkdir()
    (out / "figures" / "my-sketch.png").write_bytes(b"png")
    (out / "figures" / "notes.txt").write_text("mine\n", encoding="utf-8")
    before = tree(work)
    res = invoke("plot", out)
    assert res.exit_code == 2 and REFUSED in res.output and "notes.txt" in res.output, res.output
    assert tree(work) == before


# --------------------------------------------------------------------------- recognising ersim's results
LEGACY = {"sweep": ["sweep.json", "curve.csv", "cost_curve.png"],
          "comparison": ["comparison.csv", "robustness.csv", "cost_by_family.png", "curves.csv", "cost_curves.png"],
          "macc": ["macc.csv", "macc.png", "macc.svg"], "rules-cost": ["rules_cost.csv"],
          "uncertainty": ["uncertainty.json", "samples.csv", "project_frequency.csv", "uncertainty.png"],
          "run": ["summary.json", "manifest.json", "portfolio.csv", "counties.geojson", "report.html",
                  "figures/county_maps.png", "export/t.xlsx", "export/csv/portfolio.csv"],
          "alternatives": ["optimum/summary.json", "optimum/manifest.json", "alt-1/summary.json",
                           "alt-1/manifest.json", "comparison/comparison.csv", "comparison/robustness.csv"]}


@pytest.mark.parametrize("kind", LEGACY)
def test_results_of_an_older_ersim_are_known_by_their_files(tmp_path, kind):
    """Written before the marker: every kind is recognised, and a file of the user's among them is not."""
    for name in LEGACY[kind]:
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_bytes(b"x")
    assert foreign_entries(tmp_path) == []
    check_destination(tmp_path, force=True)  # no error
    (tmp_path / "notes.txt").write_bytes(b"mine")
    assert foreign_entries(tmp_path) == ["notes.txt"]


def test_every_result_carries_a_marker_listing_what_was_written(tmp_path):
    def fill(tmp: Path) -> None:
        (tmp / "a.csv").write_text("x\n", encoding="utf-8")
        (tmp / "figs").mkdir()

    out = write_atomically(tmp_path / "r", fill)
    assert json.loads((out / MARKER).read_text(encoding="utf-8"))["files"] == ["a.csv", "figs"]
    assert foreign_entries(out) == [] and foreign_entries(tmp_path) is None


@pytest.mark.parametrize("name", ["o" * 238, "名" * 80], ids=["238 letters", "80 Chinese characters"])
def test_an_out_name_too_long_to_write_is_refused_before_any_work(tmp_path, name):
    """'.<name>.partial-XXXXXXXX' must fit in 255 bytes: 238 letters (256 with the 18 added) or 80 Chinese
    characters (240 bytes) pass the file system's own check and failed only when the results were written."""
    with pytest.raises(Exception, match=f"is {len(name.encode('utf-8'))} bytes in UTF-8; a folder name may have at "
                                        "most 237"):
        check_destination(tmp_path / name)
    check_destination(tmp_path / ("o" * 237))  # the longest that fits
    assert list(tmp_path.iterdir()) == []
