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


@pytest.mark.slow
def test_a_worker_in_an_empty_folder_needs_no_file_of_the_client(tiny, tmp_path, monkeypatch):
    """A real `dask scheduler` and `dask worker` started in empty folders; the client names its scenario and
    dataset by relative paths the worker cannot see. The client resolves once and sends the data: the sweep, the
    rules-cost, the uncertainty study and a comparison of two scenario files run there and give what the serial
    path gives (the comparison's runs are written by the client)."""
    import json
    import shutil
    import subprocess
    import sys
    import time
    from pathlib import Path

    client = tmp_path / "client"
    client.mkdir()
    shutil.copytree(tiny, client / "data")
    cement_yaml(client, 1000).rename(client / "s.yaml")
    (client / "s.yaml").write_text((client / "s.yaml").read_text(encoding="utf-8") + (
        "rules: {ule_mandatory: {enabled: true}}\n"
        "uncertainty:\n  samples: 3\n  seed: 7\n  parameters:\n"
        "    - {param: discount_rate, dist: uniform, low: 0.05, high: 0.10}\n"), encoding="utf-8")
    sched_dir, worker_dir = tmp_path / "scheduler", tmp_path / "worker"
    sched_dir.mkdir()
    worker_dir.mkdir()
    info = sched_dir / "scheduler.json"
    dask = [sys.executable, "-m", "distributed.cli.dask_scheduler"]
    procs = [subprocess.Popen([*dask, "--scheduler-file", str(info), "--port", "0", "--no-dashboard"],
                              cwd=sched_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)]
    try:
        end = time.monotonic() + 60
        while not info.exists() and time.monotonic() < end:
            time.sleep(0.2)
        address = json.loads(info.read_text())["address"]
        procs.append(subprocess.Popen([sys.executable, "-m", "distributed.cli.dask_worker", address, "--nthreads",
                                       "1", "--nworkers", "2", "--no-dashboard"], cwd=worker_dir,
                                      stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        monkeypatch.chdir(client)
        common = ["s.yaml", "--inputs", "data"]
        sweep = ["sweep", *common, "--target", "NOx", "--values", "200,600,1000,1400,1600"]
        serial = CliRunner().invoke(cli.main, [*sweep, "--out", "serial"])
        assert serial.exit_code == 0, serial.output
        remote = CliRunner().invoke(cli.main, [*sweep, "--out", "remote", "--scheduler", address])
        assert remote.exit_code == 0, remote.output
        assert (client / "serial" / "curve.csv").read_bytes() == (client / "remote" / "curve.csv").read_bytes()
        rules = CliRunner().invoke(cli.main, ["rules-cost", *common, "--out", "rules", "--scheduler", address])
        assert rules.exit_code == 0, rules.output
        mc_serial = CliRunner().invoke(cli.main, ["uncertainty", *common, "--out", "mc1"])
        mc_remote = CliRunner().invoke(cli.main, ["uncertainty", *common, "--out", "mc2", "--scheduler", address])
        assert mc_serial.exit_code == 0 and mc_remote.exit_code == 0, mc_remote.output
        assert (client / "mc1" / "samples.csv").read_bytes() == (client / "mc2" / "samples.csv").read_bytes()
        (client / "s2.yaml").write_text((client / "s.yaml").read_text(encoding="utf-8").replace("name: t", "name: t2")
                                        .replace("reduction: 1000", "reduction: 1200"), encoding="utf-8")
        cmp = CliRunner().invoke(cli.main, ["compare", "s.yaml", "s2.yaml", "--inputs", "data", "--out", "cmp",
                                            "--scheduler", address])
        assert cmp.exit_code == 0, cmp.output
        assert (client / "cmp" / "comparison.csv").exists() and len(list((client / "results").iterdir())) == 2
        assert list(worker_dir.iterdir()) == [] or all(p.name.startswith("dask-") for p in worker_dir.iterdir())
    finally:
        for p in procs[::-1]:
            p.terminate()
        for p in procs[::-1]:
            p.wait(timeout=30)


@pytest.mark.slow
def test_a_stop_during_a_cluster_run_hands_back_what_had_finished():
    """Ctrl-C while two workers work: the task done by then comes back with the stop (``finished``), the one still
    running as None, so a parallel sweep can keep the levels solved (it lost them all before)."""
    import signal
    import time

    from model.studies.parallel import executor

    def task(x):  # pickled by value (a local function): the workers need not import this file
        import time as t

        if x:
            t.sleep(30)  # still running when the stop comes
        return x * 10 + 7

    def stop(_signum, _frame):
        raise KeyboardInterrupt

    old = signal.signal(signal.SIGALRM, stop)
    try:
        with executor(2) as run:
            signal.setitimer(signal.ITIMER_REAL, 5.0)  # the first task is long done by then, even on a busy machine
            t0 = time.monotonic()
            with pytest.raises(KeyboardInterrupt) as caught:
                run(task, [0, 1])
        assert time.monotonic() - t0 < 25  # the stop came while the second task slept
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    assert caught.value.finished == [7, None]


def test_a_parallel_sweep_stopped_keeps_the_blocks_that_finished(tiny, tmp_path):
    """sweep_parallel given a stop with one block finished: that block's levels are the curve, marked interrupted;
    with none finished the stop goes on as it came."""
    from conftest import cement_yaml

    from model.inputs import load_dataset
    from model.resolve import resolve
    from model.scenario import load_scenario
    from model.studies.sweep import sweep_parallel, sweep_scenario

    md = resolve(load_dataset(tiny), load_scenario(cement_yaml(tmp_path, 1000)))
    done = sweep_scenario(md, "NOx", [200.0, 400.0])

    def stopped(finished):
        def run(_fn, _items, shared=None):
            err = KeyboardInterrupt()
            err.finished = finished
            raise err
        run.workers = 2
        return run

    result = sweep_parallel(md, "NOx", [200.0, 400.0, 600.0, 800.0], stopped([done, None]))
    assert result.interrupted is not None
    assert result.curve["level_t"].tolist() == [200.0, 400.0]
    assert result.curve["objective_cny_per_yr"].tolist() == done.curve["objective_cny_per_yr"].tolist()
    with pytest.raises(KeyboardInterrupt):
        sweep_parallel(md, "NOx", [200.0, 400.0, 600.0, 800.0], stopped([None, None]))
