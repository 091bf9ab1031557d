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


@pytest.fixture(scope="session")
def base_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "base"
    from click.testing import CliRunner

    import cli

    result = CliRunner().invoke(cli.main, ["run", str(ROOT / "scenarios" / "base.yaml"), "--out", str(out)])
    return result, out


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
