"""make inputs: the scripts of inputs/scripts/ that run in the project's venv rebuild the committed CSVs byte for
byte (build_gem.py needs ../shared/data/gem and is checked in test_gem.py; build_geojson.py and build_font.py need
their upstream downloads)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "inputs" / "scripts"

#: script, its output arguments (relative to the output folder), the files it writes; in the Makefile's order
BUILDS = [
    ("build_measures.py", ["--out", "."], ["measures.csv", "prices.csv"]),
    ("build_regions.py", ["--out", "regions.csv"], ["regions.csv"]),
    ("build_rail_stations.py", ["--out", "research/rail"], ["research/rail/mine_rail_access.csv"]),
    ("build_enterprises.py", ["--check", "--out", "."],
     ["enterprises.csv", "projects.csv", "research/gem/power_reconciliation.csv"]),
    ("build_wastewater.py", ["--out", "."], ["wastewater.csv"]),
    ("build_sources.py", ["--out", "."], ["sources.csv"]),
]


@pytest.mark.slow
@pytest.mark.parametrize("script, args, files", BUILDS, ids=[b[0] for b in BUILDS])
def test_a_script_rebuilds_its_committed_files(script, args, files, tmp_path):
    (tmp_path / "research" / "rail").mkdir(parents=True)
    res = subprocess.run([sys.executable, str(SCRIPTS / script), *args], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300)
    assert res.returncode == 0, res.stdout[-2000:] + res.stderr[-2000:]
    for name in files:
        assert (tmp_path / name).read_bytes() == (ROOT / "inputs" / name).read_bytes(), f"{script}: {name}"


def test_the_makefile_runs_every_script_in_that_order():
    make = (ROOT / "Makefile").read_text(encoding="utf-8")
    recipe = make.split("\ninputs:")[1].split("\n\n")[0]
    assert re.findall(r"inputs/scripts/(\w+\.py)", recipe) == [b[0] for b in BUILDS]


def test_scripts_import_each_other_as_modules():
    """No script loads a sibling by file path (importlib.util.spec_from_file_location)."""
    for path in SCRIPTS.glob("*.py"):
        assert "spec_from_file_location" not in path.read_text(encoding="utf-8"), path.name
