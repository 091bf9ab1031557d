"""Sweeps on a two-worker dask LocalCluster give the same files as a serial sweep."""

from __future__ import annotations

import pytest

from click.testing import CliRunner

import cli
from conftest import cement_yaml


@pytest.mark.slow
def test_two_worker_sweep_equals_serial(tiny, tmp_path):
    scen = cement_yaml(tmp_path, 1000)
    common = ["sweep", str(scen), "--target", "NOx", "--values", "200,400,600,800,1000,1200,1400,1500,1600",
              "--inputs", str(tiny)]
    serial = CliRunner().invoke(cli.main, [*common, "--out", str(tmp_path / "serial")])
    assert serial.exit_code == 0, serial.output
    parallel = CliRunner().invoke(cli.main, [*common, "--out", str(tmp_path / "parallel"), "--workers", "2"])
    assert parallel.exit_code == 0, parallel.output
    a = (tmp_path / "serial" / "curve.csv").read_bytes()
    b = (tmp_path / "parallel" / "curve.csv").read_bytes()
    assert a == b
    assert b"infeasible" in b  # the curve stops at the same place (1500 t > 0.85 x 1700 t)
    assert "largest achievable reduction: 0.14" in parallel.output  # 0.85 x 1700 t = 0.1445 万吨
