"""Issue 21: every reader of a run (plot, export, report, compare, show --run) and of a sweep (compare) checks
each file it reads against the manifest. A damaged run exits 2 with one message naming the folder, the file and
the fix; never a traceback, never a figure, export, report or comparison of damaged data, and the run folder is
left as it was. Runs and sweeps written before summary.json, the geometry and curve.csv were hashed stay
readable."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from hostile_tools import invoke, tiny_place, tree
from model.rundir import DamagedRunError, read_run


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, Path]:
    p = tiny_place(tmp_path_factory.mktemp("damaged"))
    res = invoke("sweep", p["scenario"], "--inputs", p["data"], "--target", "NOx", "--values", "600,1100",
                 "--out", p["root"] / "sweep")
    assert res.exit_code == 0, res.output
    p["sweep"] = p["root"] / "sweep"
    return p


# --------------------------------------------------------------------------- ways a run gets damaged
def edited(d: Path) -> None:
    text = (d / "portfolio.csv").read_text(encoding="utf-8")
    (d / "portfolio.csv").write_text(text.replace("cement_", "cement-", 1), encoding="utf-8")


def truncated(d: Path) -> None:
    data = (d / "portfolio.csv").read_bytes()
    (d / "portfolio.csv").write_bytes(data[: len(data) // 2])


def binary(d: Path) -> None:
    (d / "portfolio.csv").write_bytes(bytes(range(256)) * 4)


def bad_summary(d: Path) -> None:
    (d / "summary.json").write_text('{"status": ', encoding="utf-8")


def bad_manifest(d: Path) -> None:
    (d / "manifest.json").write_bytes(b"\x89PNG\r\n\x1a\n not json")


def missing(d: Path) -> None:
    (d / "targets.csv").unlink()


def folder(d: Path) -> None:
    (d / "portfolio.csv").unlink()
    (d / "portfolio.csv").mkdir()


def edited_geometry(d: Path) -> None:
    with open(d / "counties.geojson", "ab") as f:
        f.write(b" ")


#: damage -> (the file the message names, what it says of it)
DAMAGES = {edited: ("portfolio.csv", "does not match its manifest (edited or truncated)"),
           truncated: ("portfolio.csv", "does not match its manifest (edited or truncated)"),
           binary: ("portfolio.csv", "does not match its manifest"),
           bad_summary: ("summary.json", "does not match its manifest"),
           bad_manifest: ("manifest.json", "is unreadable (not valid JSON"),
           missing: ("targets.csv", "is missing (its manifest lists it)"),
           folder: ("portfolio.csv", "is a folder, not a file"),
           edited_geometry: ("counties.geojson", "does not match its manifest")}


def readers(p: dict, run: Path, out: Path) -> dict[str, list]:
    """Each reader's command line on ``run``; whatever it would write goes to ``out`` or into the run."""
    return {"plot": ["plot", run],
            "export": ["export", run, "--out", out],
            "export-into-run": ["export", run, "--format", "csv"],
            "report": ["report", run],
            "compare": ["compare", p["run"], run, "--out", out],
            "show": ["show", "enterprise", "T1", "--inputs", p["data"], "--scenario", p["scenario"], "--run", run]}


READERS = ["plot", "export", "export-into-run", "report", "compare", "show"]


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGES, ids=[f.__name__ for f in DAMAGES])
@pytest.mark.parametrize("reader", READERS)
def test_every_reader_refuses_a_damaged_run(place, tmp_path, reader, damage):
    run = shutil.copytree(place["run"], tmp_path / "run")
    damage(run)
    before = tree(tmp_path)
    res = invoke(*readers(place, run, tmp_path / "out")[reader])
    name, says = DAMAGES[damage]
    assert res.exit_code == 2, res.output
    assert f"run directory {run} is damaged: {name} {says}" in res.output and "re-run the scenario" in res.output
    assert "Traceback" not in res.output and "internal error" not in res.output
    assert tree(tmp_path) == before  # no figures, export, report or comparison; the run as it was


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_an_unreadable_file_is_named(place, tmp_path):
    run = shutil.copytree(place["run"], tmp_path / "run")
    (run / "portfolio.csv").chmod(0)
    try:
        res = invoke("export", run, "--out", tmp_path / "out")
    finally:
        (run / "portfolio.csv").chmod(0o644)
    assert res.exit_code == 2 and "portfolio.csv cannot be read (Permission denied)" in res.output, res.output
    assert not (tmp_path / "out").exists()


def test_permission_denied_is_named_also_as_root(place, tmp_path, monkeypatch):
    """As root, chmod does not stop reading: the refusal the kernel would give is simulated."""
    run = shutil.copytree(place["run"], tmp_path / "run")
    real = Path.read_bytes

    def refused(self):
        if self.name == "portfolio.csv":
            raise PermissionError(13, "Permission denied", str(self))
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", refused)
    res = invoke("export", run, "--out", tmp_path / "out")
    assert res.exit_code == 2, res.output
    assert f"run directory {run} is unreadable: portfolio.csv cannot be read (Permission denied); check its " \
           "permissions" in res.output
    assert not (tmp_path / "out").exists()


def test_a_table_added_after_the_run_is_damage(place, tmp_path):
    run = shutil.copytree(place["run"], tmp_path / "run")
    (run / "diagnosis.csv").write_text("item\nx\n", encoding="utf-8")
    with pytest.raises(DamagedRunError, match="diagnosis.csv is not listed in its manifest"):
        read_run(run)


def test_a_run_missing_one_of_its_documents_names_it(place, tmp_path):
    run = shutil.copytree(place["run"], tmp_path / "run")
    (run / "manifest.json").unlink()
    for args in (["plot", run], ["compare", place["run"], run, "--out", tmp_path / "out"]):
        res = invoke(*args)
        assert res.exit_code == 2 and "is damaged: manifest.json is missing" in res.output, res.output
    assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- runs of an older ersim
def older(run: Path) -> None:
    """As ersim wrote runs before this change: the manifest hashes only the tables; no marker."""
    man = json.loads((run / "manifest.json").read_text(encoding="utf-8"))
    man["outputs_sha256"] = {k: v for k, v in man["outputs_sha256"].items() if k.endswith(".csv")}
    (run / "manifest.json").write_text(json.dumps(man), encoding="utf-8")
    (run / ".ersim").unlink()


def test_a_run_of_an_older_ersim_is_still_read(place, tmp_path):
    run = shutil.copytree(place["run"], tmp_path / "run")
    older(run)
    res = invoke("export", run, "--format", "csv", "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "csv" / "portfolio.csv").exists()


@pytest.mark.parametrize("spoil, name, says", [
    (lambda r: (r / "summary.json").write_text("[1, 2]", encoding="utf-8"), "summary.json",
     "is unreadable (not the JSON object ersim writes)"),
    (lambda r: (r / "summary.json").write_bytes(b"\xff\xfe\x00garbage"), "summary.json",
     "is unreadable (not valid JSON"),
    (lambda r: (r / "summary.json").write_text("{}", encoding="utf-8"), "summary.json",
     "is unreadable (it lacks scenario, status)"),
    (lambda r: (r / "counties.geojson").write_text('{"type": "Feat', encoding="utf-8"), "counties.geojson",
     "is unreadable (not valid JSON"),
    (lambda r: (r / "manifest.json").write_text('{"outputs_sha256": [1]}', encoding="utf-8"), "manifest.json",
     "is unreadable (its outputs_sha256 is not a table of hashes)")])
def test_an_older_runs_unhashed_files_are_still_checked(place, tmp_path, spoil, name, says):
    run = shutil.copytree(place["run"], tmp_path / "run")
    older(run)
    spoil(run)
    res = invoke("report", run)
    assert res.exit_code == 2 and f"is damaged: {name} {says}" in res.output, res.output
    assert not (run / "report.html").exists()


# --------------------------------------------------------------------------- sweeps
def test_sweep_json_lists_the_hash_of_its_curve(place):
    meta = json.loads((place["sweep"] / "sweep.json").read_text(encoding="utf-8"))
    assert set(meta["outputs_sha256"]) == {"curve.csv", "cost_curve.png"}


@pytest.mark.parametrize("spoil, name, says", [
    (lambda s: (s / "curve.csv").write_text("level_t\n1\n", encoding="utf-8"), "curve.csv",
     "does not match its manifest (edited or truncated)"),
    (lambda s: (s / "sweep.json").write_text("{", encoding="utf-8"), "sweep.json", "is unreadable (not valid JSON"),
    (lambda s: (s / "curve.csv").unlink(), "curve.csv", "is missing (its manifest lists it)"),
    (lambda s: (s / "sweep.json").write_text('{"target": "x"}', encoding="utf-8"), "sweep.json",
     "is unreadable (it lacks scenario)")])
def test_compare_refuses_a_damaged_sweep(place, tmp_path, spoil, name, says):
    sweep = shutil.copytree(place["sweep"], tmp_path / "sweep")
    spoil(sweep)
    before = tree(tmp_path)
    res = invoke("compare", place["run"], sweep, "--out", tmp_path / "out")
    assert res.exit_code == 2, res.output
    assert f"sweep directory {sweep} is damaged: {name} {says}" in res.output and "run the sweep again" in res.output
    assert tree(tmp_path) == before


def test_a_sweep_of_an_older_ersim_is_still_read(place, tmp_path):
    sweep = shutil.copytree(place["sweep"], tmp_path / "sweep")
    meta = json.loads((sweep / "sweep.json").read_text(encoding="utf-8"))
    del meta["outputs_sha256"]
    (sweep / "sweep.json").write_text(json.dumps(meta), encoding="utf-8")
    res = invoke("compare", place["run"], sweep, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    assert (tmp_path / "out" / "curves.csv").exists()
