"""Shared fixtures: the default dataset (loaded once) and writable copies of it for breaking."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from model.inputs import DEFAULT_INPUTS, Dataset, load_dataset

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def ds() -> Dataset:
    return load_dataset(DEFAULT_INPUTS)


def copy_inputs(dst: Path) -> Path:
    """A writable copy of the default inputs/ CSV files in the new directory ``dst``."""
    dst.mkdir()
    for f in DEFAULT_INPUTS.iterdir():
        if f.suffix in (".csv", ".geojson"):
            shutil.copy(f, dst / f.name)
    return dst


@pytest.fixture()
def inputs_copy(tmp_path: Path) -> Path:
    """A writable copy of the default inputs/ CSV files."""
    return copy_inputs(tmp_path / "inputs")


ONLY_CEMENT = "measures: {exclude: [heating, rail, wastewater, efficiency, voc, boiler]}\n"

# three cement plants: capacity t/day, output t/yr, NOx t/yr (numbers chosen for the test)
PLANTS = [("T1", "140311", 2500, 700_000, 500.0), ("T2", "140322", 4000, 1_200_000, 900.0),
          ("T3", "141002", 1500, 400_000, 300.0)]


@pytest.fixture()
def tiny(inputs_copy: Path) -> Path:
    """The default inputs with only three cement plants, no named projects and no other sources."""
    return make_tiny(inputs_copy)


def make_tiny(inputs_copy: Path) -> Path:
    """Cut a copy of the default inputs down to the three cement plants of ``PLANTS`` (see ``tiny``)."""
    e = pd.read_csv(inputs_copy / "enterprises.csv", dtype=str, keep_default_na=False)
    template = e[e["sector"] == "cement"].iloc[0]
    rows = []
    for eid, county, cap, out, nox in PLANTS:
        r = template.copy()
        r.update({"enterprise_id": eid, "name_zh": f"测试水泥{eid}", "county_code": county, "capacity": str(cap),
                  "output": str(out), "nox_t": str(nox), "ule_status": "none", "bulk_freight_kt_per_yr": "0",
                  "rail_share": "", "has_siding": "false", "source": "estimate: unit-test plant"})
        rows.append(r)
    pd.DataFrame(rows).to_csv(inputs_copy / "enterprises.csv", index=False)
    return plants_only(inputs_copy)


def plants_only(root: Path) -> Path:
    """Drop a dataset copy's named projects, its sources outside the plant list and its air layer (optional
    tables): what is left is the plants of enterprises.csv, for instances computed by hand (tests/test_air.py
    computes the air layer by hand on its own)."""
    p = pd.read_csv(root / "projects.csv", dtype=str, keep_default_na=False)
    p.iloc[:0].to_csv(root / "projects.csv", index=False)
    for name in ("sources", "air_intake", "air_sources", "air_cities", "health"):
        (root / f"{name}.csv").unlink()
    return root


def once_per_session(tmp_path_factory, worker_id: str, name: str, make):
    """``make(folder)`` once in the whole test session, its value shared by every pytest-xdist worker: the first
    worker to ask makes it (in a folder under the session's common temporary root) and pickles it there; the
    others wait on the lock and read it. Without xdist (worker ``master``) it is simply made. Base's run and its
    NOx curve took 10 s each and were made once per worker."""
    import fcntl
    import pickle

    if worker_id == "master":
        return make(tmp_path_factory.mktemp(name))
    root = tmp_path_factory.getbasetemp().parent  # this session's, shared by its workers (pytest-xdist's recipe)
    done = root / f"{name}.pickle"
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes
        if done.exists():
            value = pickle.loads(done.read_bytes())
            if isinstance(value, BaseException):  # the worker that made it failed: the same error here
                raise value
            return value
        folder = root / name
        folder.mkdir()
        try:
            value = make(folder)
        except Exception as err:
            done.write_bytes(pickle.dumps(RuntimeError(f"{name} failed on another worker: {err!r}")))
            raise
        done.write_bytes(pickle.dumps(value))
        return value


@pytest.fixture(scope="session")
def base_run(tmp_path_factory, worker_id):
    """Base's run with its figures, made once per session: (the command's exit code and output, its folder).
    Tests that write into the folder (a report) say --force; one that needs it as left copies it."""

    def run(folder: Path):
        from types import SimpleNamespace

        from click.testing import CliRunner

        import cli

        out = folder / "base"
        result = CliRunner().invoke(cli.main, ["run", str(ROOT / "scenarios" / "base.yaml"), "--out", str(out)])
        return SimpleNamespace(exit_code=result.exit_code, output=result.output), out

    return once_per_session(tmp_path_factory, worker_id, "base_run", run)


@pytest.fixture()
def base_run_copy(base_run, tmp_path):
    """Base's run as its command left it (no report, no export), in this test's own folder: for a test that
    writes into the run, since the shared one is read by tests on other workers at the same time."""
    import shutil

    result, out = base_run
    copy = tmp_path / "base"
    shutil.copytree(out, copy, ignore=shutil.ignore_patterns("report.html", "report.html.partial", "export"))
    return result, copy


def build(ds: Dataset, sc):
    """Resolve a scenario against a dataset and build its model (the pipeline's first stages)."""
    from model.build import build_model
    from model.candidates import build_candidates
    from model.resolve import resolve

    md = resolve(ds, sc)
    return build_model(md, build_candidates(md))


def write_yaml(tmp_path: Path, text: str, name: str = "s.yaml") -> Path:
    """Write a scenario file for a test and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def cement_yaml(tmp_path: Path, nox_t: float) -> Path:
    """A scenario on the ``tiny`` instance: only cement measures, one NOx target in tonnes."""
    target = f"targets:\n  - {{pollutant: NOx, reduction: {nox_t}, unit: t}}\n"
    return write_yaml(tmp_path, f"name: t\n{ONLY_CEMENT}{target}")
