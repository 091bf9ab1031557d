"""Run directories: atomic writes, the one reader of a finished run, file hashes.

Everything ersim writes (a run, a sweep, a comparison, exports) goes through :func:`write_atomically`: the
files are written into a fresh temporary directory next to the destination, which is renamed into place only
when complete, so an interrupted command leaves nothing half-written and an existing result is never
overwritten. Directories get the permissions the user's umask gives (colleagues on a shared server can read
results), not the private ``0700`` of a temporary directory.

Every such directory holds a marker, ``.ersim``, listing what ersim wrote there: ``--force`` replaces only a
directory so marked (or a result written before the marker existed, known by its files), never a folder of the
user's. While the directory is written the marker is locked (``flock``) by its writer, so a later command can
tell the leftovers of a killed one (the kernel dropped its lock) from a directory another process is writing.

A run directory is self-contained: besides its tables, ``summary.json`` and ``manifest.json`` it holds the
county geometry of the scope (``counties.geojson``), so figures and exports need nothing else. The manifest
lists the sha256 of every file written before it. :func:`read_run` is the one way to read a run back, and it
checks each file it reads against the manifest: a damaged run is refused, never half-read.
"""

from __future__ import annotations

import errno
import hashlib
import io
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from fnmatch import fnmatch
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
import pandas as pd

from .inputs import GEOMETRY_FILE as GEOMETRY  # a run's copy of its dataset's county geometry

try:
    import fcntl
except ImportError:  # not on Windows: leftovers are then removed by age alone
    fcntl = None

RUN_TABLES = ("portfolio", "targets", "county_summary", "measure_summary", "candidates", "diagnosis", "air_quality",
              "health_by_county")
_DTYPES = {"region_code": str, "city_code": str, "enterprise_id": str, "candidate_id": str}
MARKER = ".ersim"
#: ``.<name>.partial-XXXX`` (being written) and ``.<name>.old-XXXX`` (an earlier result being replaced)
TEMPORARY = re.compile(r"^\.(?P<name>.+)\.(?P<kind>partial|old)-[A-Za-z0-9_]+$")
#: a temporary directory without a marker is left alone this long: its writer may be creating the marker now
LEFTOVER_GRACE_S = 60.0
#: files ersim adds later to a result it wrote (the report of a run; figures/ and export/ carry their own marker)
LATER_FILES = ("report.html", "report.html.partial")
#: results written before the marker existed: (files that identify them, the names they may hold besides)
LEGACY_OUTPUTS = {
    "run": ({"summary.json", "manifest.json"}, (*(f"{t}.csv" for t in RUN_TABLES), GEOMETRY, "figures", "export")),
    "sweep": ({"sweep.json", "curve.csv"}, ("cost_curve.png", "cost_curve.svg")),
    "comparison": ({"comparison.csv", "robustness.csv"}, ("cost_by_family.png", "cost_by_family.svg", "curves.csv",
                                                          "cost_curves.png", "cost_curves.svg")),
    "MACC": ({"macc.csv"}, ("macc.png", "macc.svg")),
    "rules-cost": ({"rules_cost.csv"}, ()),
    "uncertainty": ({"uncertainty.json", "samples.csv"}, ("project_frequency.csv", "uncertainty.png",
                                                          "uncertainty.svg", "drivers.csv", "drivers.png")),
    "alternatives": ({"optimum", "comparison"}, ("alt-*",)),
}
#: folders of a run ersim wrote before the marker existed: name -> what they may hold
LEGACY_RUN_FOLDERS = {"figures": ("*.png", "*.svg"), "export": ("*.xlsx", "*_counties.geojson", "csv")}
#: OSError numbers that mean "this place cannot take the results" (the user's to fix), not a bug
CANNOT_WRITE = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM}


class OutputExistsError(Exception):
    """The output directory exists and is not empty, or is a place ersim must not write to."""


class CannotWriteError(Exception):
    """The results cannot be written where asked: no space, read-only, no permission."""


class NotARunError(FileNotFoundError):
    """A directory that is not a finished ersim run (or sweep) was given."""


class DamagedRunError(Exception):
    """A finished run (or sweep) whose files do not match its manifest, or cannot be read."""


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def number(x: float) -> str:
    """How tables write a number: 6 significant digits, never in scientific notation (Excel and people read
    1700000000, not 1.7e+09), solver noise below 1e-9 as 0."""
    if x != x:
        return ""
    if abs(x) < 1e-9:
        return "0"
    return np.format_float_positional(x, precision=6, unique=False, fractional=False, trim="-")


def write_csv(df: pd.DataFrame, path: Path, encoding: str = "utf-8") -> None:
    # a fixed number format and row order make files byte-identical between identical runs
    df.to_csv(path, index=False, float_format=number, encoding=encoding)


def _json_default(o):
    if isinstance(o, np.integer):
        return int(o)
    if isinstance(o, np.floating):
        return float(o)
    if isinstance(o, (Path, set)):
        return str(o) if isinstance(o, Path) else sorted(o)
    raise TypeError(type(o))


def _finite(obj):
    """``obj`` with every non-finite float (nan, inf) as None: JSON has no NaN, and strict readers reject it."""
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_finite(v) for v in obj]
    if isinstance(obj, (float, np.floating)) and not np.isfinite(obj):
        return None
    return obj


def write_json(obj, path: Path) -> None:
    Path(path).write_text(json.dumps(_finite(obj), indent=2, ensure_ascii=False, default=_json_default,
                                     allow_nan=False), encoding="utf-8")


def files_sha256(folder: Path) -> dict[str, str]:
    """sha256 of every file directly in ``folder`` (not the marker): what a manifest lists for readers to check."""
    return {p.name: sha256(p) for p in sorted(Path(folder).iterdir()) if p.is_file() and not p.name.startswith(".")}


def default_out_dir(root: Path, name: str) -> Path:
    """``root/<name>/<UTC timestamp>``, refused if it would lie outside ``root`` (names come from files)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    root = Path(root)
    out = root / name / stamp
    if not out.resolve().is_relative_to(root.resolve()):
        raise OutputExistsError(f"the name '{name}' would write outside {root}; give the scenario a plain name")
    return out


# --------------------------------------------------------------------------- what ersim wrote
def _entries(path: Path) -> list[str]:
    try:
        return sorted(p.name for p in Path(path).iterdir())
    except OSError as err:
        raise OutputExistsError(f"cannot look into {path} ({err.strerror}); choose another --out") from None


def _occupied(path: Path) -> bool:
    return path.exists() and (not path.is_dir() or bool(_entries(path)))


def _marked_files(path: Path) -> set[str] | None:
    """The names the marker of ``path`` says ersim wrote there; None without a (readable) marker."""
    try:
        files = json.loads((path / MARKER).read_text(encoding="utf-8"))["files"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return {str(f) for f in files} if isinstance(files, list) else None


def _legacy_patterns(path: Path) -> tuple[str, ...] | None:
    """What an unmarked result of an older ersim may hold, if ``path`` is one (known by its files)."""
    names = set(_entries(path))
    for required, besides in LEGACY_OUTPUTS.values():
        if required <= names:
            return (*required, *besides)
    if path.name in LEGACY_RUN_FOLDERS and is_run(path.parent):
        return LEGACY_RUN_FOLDERS[path.name]
    return None


def foreign_entries(path: Path) -> list[str] | None:
    """The entries of the directory ``path`` that ersim did not write there ("notes.txt", "figures/x.txt"), or
    None if ``path`` is not a result of ersim at all. Folders that are results themselves (a run's figures/ and
    export/, the runs of an alternatives study) are looked into; other folders ersim wrote are taken whole."""
    path = Path(path)
    marked = _marked_files(path)
    patterns = _legacy_patterns(path) if marked is None else None
    if marked is None and patterns is None:
        return None
    foreign = []
    for name in _entries(path):
        if name == MARKER or TEMPORARY.match(name) or name in LATER_FILES:
            continue
        sub = path / name
        inner = foreign_entries(sub) if sub.is_dir() and not sub.is_symlink() else None
        if inner is not None:
            foreign += [f"{name}/{n}" for n in inner]
        elif not (name in marked if marked is not None else any(fnmatch(name, p) for p in patterns)):
            foreign.append(name)
    return foreign


def _listing(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown if len(names) <= limit else f"{shown} and {len(names) - limit} more"


#: the longest file name Linux file systems take (NAME_MAX), in bytes
NAME_MAX_BYTES = 255
#: what the temporary name adds to an output folder's name while it is written: '.', '.partial-' and mkdtemp's
#: 8 random characters (:func:`write_atomically`)
TEMPORARY_EXTRA_BYTES = len(".") + len(".partial-") + 8


def check_destination(out_dir: Path, force: bool = False, unique: bool = False) -> None:
    """Refuse, with the fix, an output directory ersim must not write: a file, the current directory or one of its
    parents, a project's root folder; a non-empty directory (unless ``unique``: the caller moves on to ``-2``);
    with ``force``, a directory holding anything but an earlier ersim result. Raises :class:`OutputExistsError`.
    Commands call it before they compute, so a mistake costs no solve; :func:`write_atomically` calls it again."""
    out = Path(out_dir)
    # while writing, the folder is '.<name>.partial-XXXXXXXX' beside it: a name the file system takes may still be
    # too long for that, and would only fail after the solve
    for name, limit in [*((p, NAME_MAX_BYTES) for p in out.parts[:-1]),
                        (out.name, NAME_MAX_BYTES - TEMPORARY_EXTRA_BYTES)]:
        if len(name.encode("utf-8")) > limit:
            raise OutputExistsError(f"--out {name!r} is {len(name.encode('utf-8'))} bytes in UTF-8; a folder name may "
                                    f"have at most {limit} here (ersim adds {TEMPORARY_EXTRA_BYTES} to the last one "
                                    "while writing): choose a shorter one")
    if out.exists() and not out.is_dir():
        raise OutputExistsError(f"{out} is a file, not a folder; choose another --out (a new folder name)")
    real, cwd = out.resolve(), Path.cwd().resolve()
    if real == cwd or cwd.is_relative_to(real):
        what = "the current directory" if real == cwd else "a parent of the current directory"
        raise OutputExistsError(f"--out {out} is {what}; results need a folder of their own: choose another --out "
                                "(e.g. results/my-run)")
    marks = [m for m in ("pyproject.toml", ".git") if (real / m).exists()]
    if marks:
        raise OutputExistsError(f"--out {out} is a project's root folder (it holds {marks[0]}); results need a "
                                "folder of their own: choose another --out (e.g. results/my-run)")
    if unique or not _occupied(out):
        return
    if not force:
        raise OutputExistsError(f"{out} exists and is not empty; choose another --out or pass --force")
    foreign = foreign_entries(out)
    foreign = _entries(out) if foreign is None else foreign
    if foreign:
        raise OutputExistsError(f"--force replaces only an earlier ersim result; {out} holds other files "
                                f"({_listing(foreign)}); choose another --out")


# --------------------------------------------------------------------------- leftovers of killed commands
def _notice(message: str) -> None:
    """One line for the user on stderr (kept out of the results and of stdout tables); a path's control
    characters written out, not sent to the terminal."""
    from .textsafe import show_controls

    print(show_controls(message), file=sys.stderr)


def _old(tmp: Path) -> bool:
    try:
        return time.time() - tmp.stat().st_mtime > LEFTOVER_GRACE_S
    except OSError:
        return False


@contextmanager
def _claimed(tmp: Path) -> Iterator[bool]:
    """Whether the temporary directory ``tmp`` was left by a command that died, holding its lock meanwhile (so a
    second cleanup running at the same time leaves it to this one). Dead: its writer's lock could be taken (the
    kernel drops the locks of a dead process); or it has no marker and is older than LEFTOVER_GRACE_S (an older
    ersim's leftover: a new one gets its marker within microseconds of the folder). A folder that cannot be
    looked into (a colleague's, on a shared server) is not ours to judge."""
    try:
        fd = os.open(tmp / MARKER, os.O_RDONLY)
    except FileNotFoundError:
        fd, dead = None, _old(tmp)
    except OSError:
        fd, dead = None, False
    else:
        try:
            if fcntl is None:
                dead = _old(tmp)
            else:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                dead = True
        except OSError:  # held by a live writer
            dead = False
    try:
        yield dead
    finally:
        if fd is not None:
            os.close(fd)  # closing drops the lock


def _clear(parent: Path, name: str) -> str | None:
    """Deal with the abandoned temporary directory ``parent/name``; one line saying what was done, or None."""
    tmp, m = parent / name, TEMPORARY.match(name)
    dest = parent / m["name"]
    if m["kind"] == "old" and (tmp / "old").is_dir() and not dest.exists():
        # killed between moving the earlier result aside and moving its replacement in: the earlier one goes back
        os.replace(tmp / "old", dest)
        shutil.rmtree(tmp, ignore_errors=True)
        return f"put back {dest}, an earlier result an interrupted --force had moved aside"
    shutil.rmtree(tmp, ignore_errors=True)
    return None if tmp.exists() else f"removed the leftovers of an interrupted run: {tmp}"


def remove_leftovers(parent: Path) -> list[str]:
    """Clear the temporary directories that killed commands left in ``parent`` (SIGKILL, power loss); directories
    a live process is writing are left alone. Returns one line per directory dealt with."""
    parent, done = Path(parent), []
    try:
        names = sorted(p.name for p in parent.iterdir() if TEMPORARY.match(p.name))
    except OSError:
        return done
    for name in names:
        if not (parent / name).is_dir() or (parent / name).is_symlink():
            continue
        with _claimed(parent / name) as dead:
            try:
                line = _clear(parent, name) if dead else None
            except OSError:
                line = None
        if line:
            done.append(line)
    return done


# --------------------------------------------------------------------------- writing
@contextmanager
def writing_to(out_dir: Path) -> Iterator[None]:
    """Turn "no space", "read-only" and "permission denied" while writing into ``out_dir`` (or making its parents)
    into :class:`CannotWriteError`, a message for the user; other errors pass unchanged."""
    try:
        yield
    except OSError as err:
        if err.errno not in CANNOT_WRITE or not _concerns(err.filename, Path(out_dir)):
            raise
        fix = "free some space" if err.errno in (errno.ENOSPC, errno.EDQUOT) else "check its permissions"
        raise CannotWriteError(f"cannot write results to {out_dir}: {os.strerror(err.errno)}; {fix} or choose "
                               "another --out (earlier results are unchanged)") from None


def _concerns(filename, out_dir: Path) -> bool:
    """Whether an error about ``filename`` is one about writing ``out_dir`` (None: a write with no name)."""
    if filename is None:
        return True
    f, where = Path(os.fsdecode(filename)).absolute(), out_dir.absolute().parent
    return f.is_relative_to(where) or where.is_relative_to(f)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _open_up(tmp: Path) -> None:
    """Give the finished tree the permissions of an ordinary ``mkdir`` (mkdtemp makes it 0700)."""
    mask = _umask()
    for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
        d.chmod(0o777 & ~mask)


def _locked_dir(parent: Path, prefix: str) -> tuple[Path, int]:
    """A fresh temporary directory in ``parent`` and the descriptor of its marker, locked for as long as it is
    open. The marker is locked under another name and renamed, so no one ever sees it unlocked."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix, dir=parent))
    try:
        fd = os.open(tmp / f"{MARKER}-new", os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o666)
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.rename(tmp / f"{MARKER}-new", tmp / MARKER)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return tmp, fd


def _seal(tmp: Path, fd: int) -> None:
    """Write into the marker what ``tmp`` holds: the names a later --force may replace."""
    files = sorted(p.name for p in tmp.iterdir() if p.name != MARKER)
    data = json.dumps({"written_by": "ersim", "files": files}, ensure_ascii=False, indent=1).encode("utf-8")
    os.ftruncate(fd, 0)
    os.lseek(fd, 0, os.SEEK_SET)
    while data:
        data = data[os.write(fd, data):]


@contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C, SIGTERM and SIGHUP wait until the block ends (then act as they would have): moving an earlier
    result aside and the new one into its place must not stop half-way."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    wanted = [s for s in (signal.SIGINT, getattr(signal, "SIGTERM", None), getattr(signal, "SIGHUP", None))
              if s is not None and signal.getsignal(s) is not None]
    old = {s: signal.signal(s, lambda n, _f: pending.append(n)) for s in wanted}
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        for s in pending:
            signal.raise_signal(s)


def write_atomically(out_dir: Path, fill: Callable[[Path], None], force: bool = False,
                     unique: bool = False) -> Path:
    """Let ``fill`` write into a fresh temp dir next to ``out_dir``, then rename it into place.

    An existing non-empty ``out_dir`` is an error unless ``force`` (replace it: only an earlier ersim result, see
    :func:`check_destination`) or ``unique`` (use ``out_dir-2``, ``-3`` ...: for automatic names, so two runs
    started in the same second both land). The rename is atomic and fails if another process got there first;
    an exception leaves nothing behind. Leftovers of killed commands in the same parent are cleared first.
    """
    out_dir = Path(out_dir)
    check_destination(out_dir, force, unique)
    with writing_to(out_dir):
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        for line in remove_leftovers(out_dir.parent):
            _notice(line)
        tmp, lock = _locked_dir(out_dir.parent, f".{out_dir.name}.partial-")
        try:
            fill(tmp)
            _seal(tmp, lock)
            _open_up(tmp)
            return _move_into_place(tmp, out_dir, force, unique)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        finally:
            os.close(lock)


def _move_into_place(tmp: Path, out_dir: Path, force: bool, unique: bool) -> Path:
    if force and _occupied(out_dir):
        check_destination(out_dir, force)  # again: the folder may have changed while the results were computed
        backup, lock = _locked_dir(out_dir.parent, f".{out_dir.name}.old-")
        try:
            with _signals_held():
                os.replace(out_dir, backup / "old")
                try:
                    os.replace(tmp, out_dir)
                except BaseException:
                    os.replace(backup / "old", out_dir)  # the earlier result back where it was
                    raise
                shutil.rmtree(backup, ignore_errors=True)
        finally:
            os.close(lock)
        return out_dir
    candidate, n = out_dir, 1
    while True:
        try:
            if candidate.exists() and not any(candidate.iterdir()):
                candidate.rmdir()  # an empty directory the user made for us
            os.rename(tmp, candidate)  # fails if another process created it meanwhile
            return candidate
        except OSError as err:
            if err.errno in CANNOT_WRITE:
                raise
            if not unique or not _occupied(candidate):
                raise OutputExistsError(f"{candidate} appeared while writing; choose another --out") from None
            n += 1
            candidate = out_dir.with_name(f"{out_dir.name}-{n}")


def write_geometry(source: Path, region_codes, path: Path) -> None:
    """The features of ``source`` (a county GeoJSON) whose ``region_code`` is in ``region_codes``."""
    data = json.loads(Path(source).read_text(encoding="utf-8"))
    keep = set(region_codes)
    data["features"] = [f for f in data["features"] if str(f["properties"].get("region_code")) in keep]
    Path(path).write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")


# --------------------------------------------------------------------------- reading a run
@dataclass
class Run:
    """A finished run as written: its tables, summary, manifest and geometry."""

    path: Path
    summary: dict
    manifest: dict
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.summary.get("scenario", self.path.name)

    @property
    def geometry(self) -> Path | None:
        p = self.path / GEOMETRY
        return p if p.exists() else None

    def figure(self, name: str) -> Path | None:
        """``figures/<name>.png`` of the run, if it has been drawn."""
        p = self.path / "figures" / f"{name}.png"
        return p if p.exists() else None

    @property
    def has_figures(self) -> bool:
        return (self.path / "figures").is_dir() and any((self.path / "figures").glob("*.png"))

    def documents(self) -> list[Path]:
        """The run's summary.json and manifest.json (to ship with exported tables)."""
        return [self.path / "summary.json", self.path / "manifest.json"]

    @property
    def shadow_column(self) -> str | None:
        """The targets table's shadow-price column (its name says its unit), if the run has targets."""
        t = self.tables.get("targets")
        return None if t is None else next((c for c in t.columns if c.startswith("shadow_price_")), None)

    @property
    def solved(self) -> bool:
        return "portfolio" in self.tables

    def __getitem__(self, table: str) -> pd.DataFrame:
        return self.tables[table]

    def __contains__(self, table: str) -> bool:
        return table in self.tables


def read_csv(path: Path | io.BytesIO) -> pd.DataFrame:
    """A table ersim wrote (ids kept as text; a header-only file gives an empty table with its columns).

    Only an empty field is missing: write_csv writes a missing value so, and a name or label that reads 'NA',
    'None' or '#N/A' is text from a dataset or scenario, not a missing value."""
    return pd.read_csv(path, dtype=_DTYPES, keep_default_na=False, na_values=[""])


def is_temporary(path: Path) -> bool:
    """Whether the name of ``path`` marks it as the temporary directory of an unfinished or interrupted command
    (``.base.partial-x1y2``, ``.base.old-x1y2``). Only the last name counts: a study reads the runs it has just
    written inside its own temporary directory."""
    return bool(TEMPORARY.match(Path(path).absolute().name))


def _refuse_temporary(path: Path) -> None:
    if is_temporary(path):
        raise NotARunError(f"{path} is the temporary folder of an unfinished or interrupted ersim command, not a "
                           "result; use a finished result (the folder without the leading dot), or run the "
                           "command again")


class _Reader:
    """Reads the files of one result directory, each checked against the sha256 its manifest lists; any
    problem is a :class:`DamagedRunError` naming the directory, the file and the fix."""

    def __init__(self, folder: Path, what: str, fix: str):
        self.folder, self.what, self.fix = Path(folder), what, fix
        self.listed: dict[str, str] = {}

    def fail(self, name: str, problem: str) -> DamagedRunError:
        return DamagedRunError(f"{self.what} {self.folder} is damaged: {name} {problem}; {self.fix}")

    def raw(self, name: str) -> bytes:
        """The bytes of ``name``, checked against the manifest if it lists the file."""
        path = self.folder / name
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise self.fail(name, "is missing" + (" (its manifest lists it)" if name in self.listed else "")) from None
        except IsADirectoryError:
            raise self.fail(name, "is a folder, not a file") from None
        except PermissionError as err:
            raise DamagedRunError(f"{self.what} {self.folder} is unreadable: {name} cannot be read ({err.strerror}); "
                                  "check its permissions") from None
        except OSError as err:
            raise self.fail(name, f"is unreadable ({err.strerror or err})") from None
        if name in self.listed and hashlib.sha256(data).hexdigest() != self.listed[name]:
            raise self.fail(name, "does not match its manifest (edited or truncated)")
        return data

    def json(self, name: str) -> dict:
        try:
            obj = json.loads(self.raw(name).decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as err:
            raise self.fail(name, f"is unreadable (not valid JSON: {str(err).splitlines()[0][:80]})") from None
        if not isinstance(obj, dict):
            raise self.fail(name, "is unreadable (not the JSON object ersim writes)")
        return obj

    def csv(self, name: str) -> pd.DataFrame:
        data = self.raw(name)
        try:
            return read_csv(io.BytesIO(data))  # the bytes checked, not the file again
        except (UnicodeDecodeError, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
            reason = str(err).splitlines()[0][:80] if str(err) else type(err).__name__
            raise self.fail(name, f"is unreadable (not a table ersim wrote: {reason})") from None

    def require(self, obj: dict, name: str, keys: tuple[str, ...]) -> None:
        """The text fields every reader relies on (a hand-made or older file may lack them)."""
        missing = [k for k in keys if not isinstance(obj.get(k), str)]
        if missing:
            raise self.fail(name, f"is unreadable (it lacks {', '.join(missing)})")

    def expect(self, manifest: dict, key: str, name: str) -> None:
        """Take the hashes of the files ``manifest[key]`` lists (a damaged list is itself damage)."""
        listed = manifest.get(key, {})
        if not isinstance(listed, dict) or not all(isinstance(v, str) for v in listed.values()):
            raise self.fail(name, f"is unreadable (its {key} is not a table of hashes)")
        self.listed = {str(k): v for k, v in listed.items()}


def read_run(run_dir: Path, writing: bool = False) -> Run:
    """Read a finished run, every file checked against its manifest; :class:`NotARunError` if ``run_dir`` is not
    a run (a temporary folder is not, unless ``writing``: its writer draws the figures from it),
    :class:`DamagedRunError` if a file it reads is missing, changed or unreadable. Runs whose manifest lists only
    the tables (written before summary.json and the geometry were hashed) are read, their other files parsed."""
    run_dir = Path(run_dir)
    if not writing:
        _refuse_temporary(run_dir)
    docs = [n for n in ("summary.json", "manifest.json") if (run_dir / n).exists() or (run_dir / n).is_symlink()]
    if not docs:
        raise NotARunError(f"{run_dir} is not an ersim run directory (no manifest.json and summary.json)")
    r = _Reader(run_dir, "run directory", "re-run the scenario")
    manifest = r.json("manifest.json")
    r.expect(manifest, "outputs_sha256", "manifest.json")
    summary = r.json("summary.json")
    r.require(summary, "summary.json", ("scenario", "status"))
    hashed = "outputs_sha256" in manifest
    tables = {}
    for n in RUN_TABLES:
        name = f"{n}.csv"
        if name in r.listed or (not hashed and (run_dir / name).exists()):
            tables[n] = r.csv(name)
        elif (run_dir / name).exists():
            raise r.fail(name, "is not listed in its manifest (added after the run)")
    if GEOMETRY in r.listed:
        r.raw(GEOMETRY)
    elif (run_dir / GEOMETRY).exists():
        r.json(GEOMETRY)  # an older run: at least whole JSON
    return Run(run_dir, summary, manifest, tables)


def newest_run(path: Path) -> Path:
    """``path`` if it is a run; else the newest run directly inside it (``results/base`` means base's latest run:
    the UTC-timestamped names sort in time order); else ``path`` itself, for read_run to refuse. Temporary
    directories (``.x.partial-*``) are never runs."""
    path = Path(path)
    if is_run(path) or not path.is_dir():
        return path
    runs = sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".") and is_run(p))
    return runs[-1] if runs else path


def is_sweep(path: Path) -> bool:
    return (Path(path) / "curve.csv").exists() and (Path(path) / "sweep.json").exists()


def is_run(path: Path) -> bool:
    return (Path(path) / "summary.json").exists() and (Path(path) / "manifest.json").exists()


def read_sweep(path: Path) -> tuple[dict, pd.DataFrame]:
    """(sweep.json, curve.csv) of a sweep directory, curve.csv checked against the sha256 sweep.json lists
    (sweeps written before it was listed are read as they are); :class:`DamagedRunError` if damaged."""
    path = Path(path)
    _refuse_temporary(path)
    r = _Reader(path, "sweep directory", "run the sweep again")
    meta = r.json("sweep.json")
    r.expect(meta, "outputs_sha256", "sweep.json")
    r.require(meta, "sweep.json", ("scenario", "target"))
    return meta, r.csv("curve.csv")
