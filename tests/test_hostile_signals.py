"""Issue 21: signals and disks. SIGTERM and SIGHUP stop a command as Ctrl-C does (its temporary folder removed,
one line, exit 143 / 129 / 130), also in the middle of a HiGHS solve; forked children and ``nohup`` keep their
behaviour. The leftovers of a command killed outright (SIGKILL, power loss) are never read as results and are
cleared by the next write into the same folder, unless a live process still holds their lock. A disk that is
full, read-only or not ours gives one plain message (exit 2) and leaves earlier results as they were."""

from __future__ import annotations

import errno
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cli
from conftest import ROOT
from hostile_tools import ersim_env, invoke, temporaries, tiny_place, tree
from model.rundir import MARKER, newest_run, remove_leftovers, write_atomically, writing_to

#: most tests here solve the full Shanxi dataset (seconds each): outside the quick loop, pytest -m "not slow"
pytestmark = pytest.mark.slow

#: ersim whose run pauses once its files are in the temporary folder (ERSIM_TEST_PAUSE seconds): the moment a
#: signal is sent. The pause is many short sleeps, as a run's work is many short steps: a signal the OS hands to
#: one of HiGHS's threads does not wake a sleeping main thread, whose handler then runs only after the sleep
#: (a single 60 s sleep made the test time out, now and then, on a loaded machine)
PAUSING = """
import os, time
import model.run as r
fill = r.fill_run
def pausing(outcome, tmp, plots=True):
    fill(outcome, tmp, plots)
    end = time.monotonic() + float(os.environ.get("ERSIM_TEST_PAUSE", "60"))
    while time.monotonic() < end:
        time.sleep(0.05)
r.fill_run = pausing
import cli
cli.main()
"""


@pytest.fixture(scope="module")
def place(tmp_path_factory) -> dict[str, Path]:
    return tiny_place(tmp_path_factory.mktemp("signals"))


def wait_for(found, seconds: float = 60.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        hit = found()
        if hit:
            return hit
        time.sleep(0.05)
    raise AssertionError("timed out")


def start_pausing_run(place, cwd: Path, pause: float = 60.0, **popen) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", PAUSING, "run", place["scenario"], "--inputs", place["data"],
                             "--no-plots", "--out", "o"], cwd=cwd, env={**ersim_env(), "ERSIM_TEST_PAUSE": str(pause)},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


# --------------------------------------------------------------------------- signals
@pytest.mark.parametrize("sig, code, line", [
    (signal.SIGTERM, 143, "stopped by SIGTERM; nothing was written for this command"),
    (signal.SIGHUP, 129, "stopped by SIGHUP; nothing was written for this command"),
    (signal.SIGINT, 130, "interrupted: stopped; nothing was written for this command")])
def test_a_signal_stops_a_run_and_leaves_nothing(place, tmp_path, sig, code, line):
    proc = start_pausing_run(place, tmp_path)
    wait_for(lambda: list(tmp_path.glob(".o.partial-*/manifest.json")))  # the results are in the temporary folder
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == code, err
    assert err.strip().splitlines() == [line]
    assert list(tmp_path.iterdir()) == []  # no .o.partial-*, no o


def test_nohup_keeps_a_hangup_ignored(place, tmp_path):
    """`nohup ersim run ...`: SIGHUP was ignored when ersim started, and stays so; the run finishes."""
    proc = start_pausing_run(place, tmp_path, pause=1.0,
                             preexec_fn=lambda: signal.signal(signal.SIGHUP, signal.SIG_IGN))
    wait_for(lambda: list(tmp_path.glob(".o.partial-*/manifest.json")))
    proc.send_signal(signal.SIGHUP)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert (tmp_path / "o" / "portfolio.csv").exists() and temporaries(tmp_path) == []


def test_sigterm_during_a_highs_solve_stops_it(tmp_path):
    """A signal handler raising inside HiGHS's callback ends the solve as kSolveError: that is the stop, not a
    solver failure (exit 4, as Ctrl-C gave before). The base scenario, asked for a proven optimum, solves for
    minutes unless stopped (about 4 s here: loading and building base, one second of solving)."""
    code = ("import pathlib, model.run as r\nsolve = r.solve\n"
            "def marked(*a, **k):\n    pathlib.Path('solving').touch()\n    return solve(*a, **k)\n"
            "r.solve = marked\nimport cli\ncli.main()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, "run", ROOT / "scenarios" / "base.yaml", "--no-plots",
                             "--mip-gap", "0", "--time-limit", "120", "--out", "o"], cwd=tmp_path, env=ersim_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: (tmp_path / "solving").exists(), 120)
    time.sleep(1.0)
    proc.send_signal(signal.SIGTERM)
    sent = time.monotonic()
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert time.monotonic() - sent < 10 and "solver error" not in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["solving"]


#: the parent lingers after the fork, before it has returned from ``Process.start``: the moment CI once hit, when
#: a SIGTERM left the child unkilled and holding the output pipes
SLOW_START = ("import multiprocessing.popen_fork as pf\nlaunch = pf.Popen._launch\n"
              "def slow_launch(self, obj):\n    launch(self, obj)\n    time.sleep(3)\n"
              "pf.Popen._launch = slow_launch\n")


@pytest.mark.parametrize("slow_start", [False, True], ids=["drawing", "just-forked"])
def test_sigterm_while_a_forked_child_draws_the_maps(place, tmp_path, slow_start):
    """The county maps are drawn in a forked child (model/outputs/plots.py _beside): stopping the run kills it
    and removes the temporary folder it was drawing into; no process is left behind, also when the signal comes
    while the parent is still starting the child."""
    code = ("import os, pathlib, time\nimport model.outputs.maps as m\n"
            "def slow_maps(*a, **k):\n    pathlib.Path('maps').write_text(str(os.getpid()))\n    time.sleep(60)\n"
            "m.county_maps = slow_maps\n" + (SLOW_START if slow_start else "") + "import cli\ncli.main()\n")
    proc = subprocess.Popen([sys.executable, "-c", code, "run", place["scenario"], "--inputs", place["data"],
                             "--out", "o"], cwd=tmp_path, env=ersim_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    child = int(wait_for(lambda: (tmp_path / "maps").exists() and (tmp_path / "maps").read_text()))
    assert child != proc.pid
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert err.strip().splitlines() == ["stopped by SIGTERM; nothing was written for this command"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["maps"]
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)


def test_a_forked_child_dies_as_by_default():
    """Figures are drawn in a forked child: a signal must kill it as before, never raise in it (it would unwind
    into the parent's cleanup, in the child)."""
    ready, tell = os.pipe()
    with cli.stopping_cleanly():
        pid = os.fork()
        if pid == 0:  # the child
            try:
                os.write(tell, b"x")  # a signal sent before the child is set up after fork would be lost
                time.sleep(10)
            finally:
                os._exit(3)  # reached only if the signal raised here (or never came)
        os.read(ready, 1)
        os.kill(pid, signal.SIGTERM)
        _, status = os.waitpid(pid, 0)
    os.close(ready)
    os.close(tell)
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGTERM


def test_handlers_are_put_back_after_the_command():
    before = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    with cli.stopping_cleanly():
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    assert {s: signal.getsignal(s) for s in before} == before


def test_a_signal_during_the_swap_waits_for_its_end():
    """Moving an earlier result aside and the new one into place is not cut in half by a signal: it acts after."""
    from model.rundir import _signals_held

    done = []
    with cli.stopping_cleanly():
        with pytest.raises(cli.Terminated):
            with _signals_held():
                os.kill(os.getpid(), signal.SIGTERM)
                time.sleep(0.05)  # a handler would have run here
                done.append(True)
    assert done == [True]


# --------------------------------------------------------------------------- leftovers of killed commands
def leftover(parent: Path, name: str = ".o.partial-dead01", marker: bool = True) -> Path:
    """A temporary folder as a command killed with SIGKILL leaves it: half its files, an unlocked marker."""
    d = parent / name
    d.mkdir(parents=True)
    (d / "portfolio.csv").write_text("enterprise_id\nT1\n", encoding="utf-8")
    (d / "summary.json").write_text("{}", encoding="utf-8")
    (d / "manifest.json").write_text("{}", encoding="utf-8")
    if marker:
        (d / MARKER).write_text("", encoding="utf-8")
    return d


def test_the_next_run_clears_a_killed_commands_leftovers(place, tmp_path):
    parent = tmp_path / "results"
    dead = [leftover(parent), leftover(parent, ".other.partial-x_9")]
    (parent / "keep").mkdir()  # the user's, and an ordinary dot-folder: never touched
    (parent / ".cache").mkdir()
    res = invoke("run", place["scenario"], "--inputs", place["data"], "--no-plots", "--out", parent / "o")
    assert res.exit_code == 0, res.output
    for d in dead:
        assert f"removed the leftovers of an interrupted run: {d}\n" in res.output and not d.exists()
    assert sorted(p.name for p in parent.iterdir()) == [".cache", "keep", "o"]


def test_a_leftover_locked_by_a_live_process_is_left_alone(tmp_path):
    """Another ersim may be writing its temporary folder right now: its lock says so, until it dies."""
    d = leftover(tmp_path)
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys, time\nf = open(sys.argv[1])\n"
                               "fcntl.flock(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)",
                               d / MARKER], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert remove_leftovers(tmp_path) == [] and d.exists()
    finally:
        holder.kill()
        holder.wait()
    assert remove_leftovers(tmp_path) == [f"removed the leftovers of an interrupted run: {d}"] and not d.exists()


def test_a_colleagues_leftover_that_cannot_be_looked_into_is_left_alone(tmp_path, monkeypatch):
    """On a shared server a temporary folder (mode 0700) of another user cannot be opened: not ours to judge, and
    no reason to refuse our own write (simulated: root opens anything)."""
    d = leftover(tmp_path)
    os.utime(d, (time.time() - 3600, time.time() - 3600))
    real = os.open

    def refused(path, *a, **k):
        if str(path).endswith(MARKER):
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        return real(path, *a, **k)

    monkeypatch.setattr(os, "open", refused)
    assert remove_leftovers(tmp_path) == [] and d.exists()
    out = write_atomically(tmp_path / "r", lambda tmp: (tmp / "a.csv").write_text("x\n", encoding="utf-8"))
    assert (out / "a.csv").exists() and d.exists()


def test_a_write_in_progress_is_never_taken_for_a_leftover(tmp_path):
    """The writer's own lock protects its folder from a cleanup (here: its own, which would run in parallel)."""
    seen = []

    def fill(tmp: Path) -> None:
        seen.append(remove_leftovers(tmp.parent))
        (tmp / "a.csv").write_text("x\n", encoding="utf-8")

    out = write_atomically(tmp_path / "r", fill)
    assert seen == [[]] and (out / "a.csv").exists()


def test_a_leftover_without_a_marker_is_cleared_only_when_old(tmp_path):
    """An older ersim made no marker; a new one is about to make it: a young folder is left for a minute."""
    d = leftover(tmp_path, marker=False)
    assert remove_leftovers(tmp_path) == [] and d.exists()
    os.utime(d, (time.time() - 3600, time.time() - 3600))
    assert remove_leftovers(tmp_path) == [f"removed the leftovers of an interrupted run: {d}"] and not d.exists()


def test_an_earlier_result_moved_aside_by_a_killed_force_is_put_back(tmp_path):
    """Killed between moving the earlier result aside and moving the new one in: the earlier one comes back."""
    old = tmp_path / ".r.old-k1ll3d"
    old.mkdir()
    (old / MARKER).write_text("", encoding="utf-8")
    (old / "old").mkdir()
    (old / "old" / "portfolio.csv").write_text("earlier\n", encoding="utf-8")
    assert remove_leftovers(tmp_path) == [f"put back {tmp_path / 'r'}, an earlier result an interrupted --force had "
                                          "moved aside"]
    assert (tmp_path / "r" / "portfolio.csv").read_text(encoding="utf-8") == "earlier\n" and not old.exists()
    again = tmp_path / ".r.old-k1ll3e"  # the new result did land: the earlier one is what --force replaced
    shutil.copytree(old.parent / "r", again / "old")
    (again / MARKER).write_text("", encoding="utf-8")
    assert remove_leftovers(tmp_path) == [f"removed the leftovers of an interrupted run: {again}"]
    assert (tmp_path / "r" / "portfolio.csv").exists()


@pytest.mark.parametrize("command", ["plot", "export", "report", "compare"])
def test_a_leftover_is_never_read_as_a_run(place, tmp_path, command):
    d = shutil.copytree(place["run"], tmp_path / "base" / ".20261201T120000Z.partial-ab12cd")
    assert newest_run(tmp_path / "base") == tmp_path / "base"  # not the leftover
    before = tree(tmp_path)
    args = {"compare": ["compare", place["run"], d, "--out", tmp_path / "cmp"]}.get(command, [command, d])
    res = invoke(*args)
    assert res.exit_code == 2, res.output
    assert "is the temporary folder of an unfinished or interrupted ersim command" in res.output
    assert tree(tmp_path) == before


# --------------------------------------------------------------------------- full, read-only, not ours
@pytest.mark.parametrize("err", [errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES])
def test_a_disk_that_cannot_take_the_results_keeps_the_earlier_ones(place, tmp_path, monkeypatch, err):
    """The second table fails to write (as write() fails: no file name): the earlier run stays as it was."""
    import model.run

    out = shutil.copytree(place["run"], tmp_path / "r")
    real, calls = model.run.write_csv, []

    def failing(df, path, *a, **k):
        calls.append(path)
        if len(calls) == 2:
            raise OSError(err, os.strerror(err))
        real(df, path, *a, **k)

    monkeypatch.setattr(model.run, "write_csv", failing)
    before = tree(tmp_path)
    for args in (["--out", out, "--force"], ["--out", tmp_path / "new"]):
        calls.clear()
        res = invoke("run", place["scenario"], "--inputs", place["data"], "--no-plots", *args)
        assert res.exit_code == 2, res.output
        assert f"cannot write results to {args[1]}: {os.strerror(err)};" in res.output
        assert "(earlier results are unchanged)" in res.output and "Traceback" not in res.output
        assert tree(tmp_path) == before  # no new folder, no .partial-*


def test_a_read_only_folder_is_said_plainly(place, tmp_path, monkeypatch):
    """mkdtemp refused by a read-only file system (simulated: root writes anywhere)."""
    import model.rundir

    def refused(prefix, dir):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(Path(dir) / f"{prefix}x"))

    monkeypatch.setattr(model.rundir.tempfile, "mkdtemp", refused)
    res = invoke("run", place["scenario"], "--inputs", place["data"], "--no-plots", "--out", tmp_path / "o")
    assert res.exit_code == 2, res.output
    assert f"cannot write results to {tmp_path / 'o'}: Read-only file system; check its permissions" in res.output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_folder_with_an_earlier_run(place, tmp_path):
    parent = tmp_path / "ro"
    out = shutil.copytree(place["run"], parent / "r")
    before = tree(tmp_path)
    parent.chmod(0o555)
    try:
        for args in (["--out", out, "--force"], ["--out", parent / "new"]):
            res = invoke("run", place["scenario"], "--inputs", place["data"], "--no-plots", *args)
            assert res.exit_code == 2 and "Permission denied" in res.output, res.output
    finally:
        parent.chmod(0o755)
    assert tree(tmp_path) == before


def test_a_report_that_cannot_be_written(place, tmp_path, monkeypatch):
    run = shutil.copytree(place["run"], tmp_path / "run")
    real = Path.write_text

    def refused(self, *a, **k):
        if self.name.endswith(".html.partial"):
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real(self, *a, **k)

    monkeypatch.setattr(Path, "write_text", refused)
    before = tree(tmp_path)
    res = invoke("report", run)
    assert res.exit_code == 2, res.output
    assert f"cannot write results to {run / 'report.html'}: Permission denied" in res.output
    assert tree(tmp_path) == before


def test_only_errors_of_writing_the_results_are_said_so(tmp_path):
    """A permission error about another place (reading an input) stays what it is; so does any other error."""
    with pytest.raises(PermissionError):
        with writing_to(tmp_path / "results" / "o"):
            raise PermissionError(errno.EACCES, "Permission denied", "/etc/elsewhere/inputs.csv")
    with pytest.raises(OSError, match="Input/output"):
        with writing_to(tmp_path / "o"):
            raise OSError(errno.EIO, "Input/output error")
