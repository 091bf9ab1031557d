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


STOPPED_CLIENT = """
import json, sys
sys.path.insert(0, {root!r})
from model.studies.parallel import executor


def task(x):
    import time
    if x:
        time.sleep(60)  # still running when the stop comes
    return x * 10 + 7


if __name__ == "__main__":
    with executor(2) as run:
        print("started", flush=True)
        try:
            run(task, [0, 1])
        except KeyboardInterrupt as err:
            print(json.dumps(getattr(err, "finished", None)), flush=True)
"""


@pytest.mark.slow
def test_ctrl_c_at_a_terminal_during_a_cluster_run_hands_back_what_had_finished(tmp_path):
    """Ctrl-C at a terminal reaches the whole process group, the local workers too: they ignore it (a worker killed
    by it took its finished results along), and the client's stop carries the task done by then (``finished``),
    the one still running as None, so a parallel sweep can keep the levels solved. The client runs in a session
    of its own, whose group gets the SIGINT."""
    import json
    import os
    import signal
    import subprocess
    import sys
    import time

    from conftest import ROOT

    script = tmp_path / "client.py"
    script.write_text(STOPPED_CLIENT.format(root=str(ROOT)), encoding="utf-8")
    proc = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                            text=True, start_new_session=True, cwd=tmp_path)
    try:
        assert proc.stdout.readline() == "started\n"  # the cluster is up
        time.sleep(5)  # the first task is long done by then, even on a busy machine; the second sleeps
        os.killpg(proc.pid, signal.SIGINT)
        out, _ = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
    assert json.loads(out) == [7, None]


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
    import json

    from model.studies.sweep import write_sweep

    out = write_sweep(result, tmp_path / "sweep", "t")  # what the command writes: the levels it has not solved
    meta = json.loads((out / "sweep.json").read_text(encoding="utf-8"))
    assert meta["interrupted"] and meta["levels_not_solved_t"] == [600.0, 800.0]
    with pytest.raises(KeyboardInterrupt):
        sweep_parallel(md, "NOx", [200.0, 400.0, 600.0, 800.0], stopped([None, None]))
