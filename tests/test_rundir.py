"""Run directories: atomic writes, safe default names, the one reader."""

from __future__ import annotations

import os

import numpy as np
import pytest

from model.rundir import NotARunError, OutputExistsError, default_out_dir, read_run, write_atomically


def test_atomic_write_lands_whole_or_not_at_all(tmp_path):
    def fill(tmp):
        (tmp / "a.csv").write_text("x\n1\n", encoding="utf-8")

    out = write_atomically(tmp_path / "r", fill)
    assert (out / "a.csv").exists()
    with pytest.raises(OutputExistsError):
        write_atomically(tmp_path / "r", fill)

    def broken(tmp):
        (tmp / "a.csv").write_text("half", encoding="utf-8")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        write_atomically(tmp_path / "s", broken)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no partial directory left behind
    assert write_atomically(tmp_path / "r", fill, unique=True).name == "r-2"


def test_permissions_follow_the_umask(tmp_path):
    """The run directory itself is made by mkdtemp (0700); it must end with the umask's 0750 like its files."""
    old = os.umask(0o027)
    try:
        out = write_atomically(tmp_path / "r", lambda tmp: (tmp / "a.csv").write_text("x\n", encoding="utf-8"))
    finally:
        os.umask(old)
    assert out.stat().st_mode & 0o777 == 0o750
    assert (out / "a.csv").stat().st_mode & 0o777 == 0o640


def test_default_names_stay_inside_the_results_root(tmp_path):
    assert default_out_dir(tmp_path, "base").parent == tmp_path / "base"
    with pytest.raises(OutputExistsError, match="outside"):
        default_out_dir(tmp_path, "../../elsewhere")


def test_reading_something_that_is_not_a_run(tmp_path):
    with pytest.raises(NotARunError, match="not an ersim run directory"):
        read_run(tmp_path)


def test_numbers_are_written_without_scientific_notation(tmp_path):
    import pandas as pd

    from model.rundir import write_csv

    write_csv(pd.DataFrame({"capex_cny": [1.7e9, 3.3467e-05, -1.46e-15, float("nan"), 12345.678]}), tmp_path / "t.csv")
    assert (tmp_path / "t.csv").read_text(encoding="utf-8").split("\n")[1:6] == [
        "1700000000", "0.000033467", "0", '""', "12345.7"]


def test_a_scenario_folder_means_its_newest_run(tmp_path):
    from model.rundir import newest_run

    for stamp in ("20261201T100000Z", "20261201T120000Z", "20261201T120000Z-2"):
        d = tmp_path / "base" / stamp
        d.mkdir(parents=True)
        (d / "summary.json").write_text("{}", encoding="utf-8")
        (d / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "base" / ".20261201T130000Z.partial-x").mkdir()  # a run still being written does not count
    assert newest_run(tmp_path / "base").name == "20261201T120000Z-2"
    assert newest_run(tmp_path / "base" / "20261201T100000Z").name == "20261201T100000Z"
    assert newest_run(tmp_path / "nothing") == tmp_path / "nothing"


def test_json_files_hold_no_nan(tmp_path):
    """JSON has no NaN (strict readers reject it): a missing figure is written as null."""
    import json

    from model.rundir import write_json

    write_json({"max_achievable_t": float("nan"), "xs": [1.0, np.float64("inf")], "ok": 2.5}, tmp_path / "a.json")
    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    assert json.loads(text) == {"max_achievable_t": None, "xs": [1.0, None], "ok": 2.5}
