"""Helpers shared by the tests of issue 21's results on disk (test_hostile_force, _damaged, _signals): one small
run on the three cement plants of ``conftest.PLANTS``, a byte-for-byte picture of a folder, ersim in a process."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner

import cli
from conftest import ONLY_CEMENT, ROOT, copy_inputs, make_tiny


def tiny_place(root: Path) -> dict[str, Path]:
    """``root`` with the tiny dataset (``data``), a scenario on it (``scenario``: NOx -1,100 t, cement only) and
    one finished run of it without figures (``run``). About a second."""
    data = make_tiny(copy_inputs(root / "data"))
    scenario = root / "s.yaml"
    scenario.write_text(f"name: t\n{ONLY_CEMENT}targets:\n  - {{pollutant: NOx, reduction: 1100, unit: t}}\n",
                        encoding="utf-8")
    res = invoke("run", scenario, "--inputs", data, "--no-plots", "--out", root / "run")
    assert res.exit_code == 0, res.output
    return {"root": root, "data": data, "scenario": scenario, "run": root / "run"}


def invoke(*args):
    """ersim in this process (click's runner: stdout and stderr together in ``.output``)."""
    return CliRunner().invoke(cli.main, [str(a) for a in args])


def ersim(*args, cwd: Path, code: str = "import cli; cli.main()", timeout: float = 120) -> subprocess.CompletedProcess:
    """ersim as a process, from this worktree whatever the working directory."""
    return subprocess.run([sys.executable, "-c", code, *map(str, args)], cwd=cwd, env=ersim_env(),
                          capture_output=True, text=True, timeout=timeout)


def ersim_env() -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under ``folder``, hidden ones included: what "untouched" means."""
    folder = Path(folder)
    return {str(p.relative_to(folder)): (None if p.is_dir() else p.read_bytes()) for p in sorted(folder.rglob("*"))}


def temporaries(folder: Path) -> list[str]:
    """The temporary directories (``.x.partial-*``, ``.x.old-*``) in ``folder``."""
    return sorted(p.name for p in Path(folder).iterdir() if ".partial-" in p.name or ".old-" in p.name)
