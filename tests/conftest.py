"""Shared fixtures: the default dataset (loaded once) and writable copies of it for breaking."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from model.inputs import DEFAULT_INPUTS, Dataset, load_dataset


@pytest.fixture(scope="session")
def ds() -> Dataset:
    return load_dataset(DEFAULT_INPUTS)


@pytest.fixture()
def inputs_copy(tmp_path: Path) -> Path:
    """A writable copy of the default inputs/ CSV files."""
    dst = tmp_path / "inputs"
    dst.mkdir()
    for f in DEFAULT_INPUTS.iterdir():
        if f.suffix in (".csv", ".geojson"):
            shutil.copy(f, dst / f.name)
    return dst
