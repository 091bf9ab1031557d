"""Run directories: atomic writes, the one reader of a finished run, file hashes.

Everything ersim writes (a run, a sweep, a comparison, exports) goes through :func:`write_atomically`: the
files are written into a fresh temporary directory next to the destination, which is renamed into place only
when complete, so an interrupted command leaves nothing half-written and an existing result is never
overwritten. Directories get the permissions the user's umask gives (colleagues on a shared server can read
results), not the private ``0700`` of a temporary directory.

A run directory is self-contained: besides its tables, ``summary.json`` and ``manifest.json`` it holds the
county geometry of the scenario's scope (``counties.geojson``), so figures and exports need nothing else.
:func:`read_run` is the one way to read it back.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

RUN_TABLES = ("portfolio", "targets", "county_summary", "measure_summary", "candidates", "diagnosis")
_DTYPES = {"region_code": str, "city_code": str, "enterprise_id": str, "candidate_id": str}
GEOMETRY = "counties.geojson"


class OutputExistsError(Exception):
    """The output directory exists and is not empty."""


class NotARunError(FileNotFoundError):
    """A directory that is not a finished ersim run (or sweep) was given."""


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


def default_out_dir(root: Path, name: str) -> Path:
    """``root/<name>/<UTC timestamp>``, refused if it would lie outside ``root`` (names come from files)."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    root = Path(root)
    out = root / name / stamp
    if not out.resolve().is_relative_to(root.resolve()):
        raise OutputExistsError(f"the name '{name}' would write outside {root}; give the scenario a plain name")
    return out


def _occupied(path: Path) -> bool:
    return path.exists() and (not path.is_dir() or any(path.iterdir()))


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _open_up(tmp: Path) -> None:
    """Give the finished tree the permissions of an ordinary ``mkdir`` (mkdtemp makes it 0700)."""
    mask = _umask()
    for d in [tmp, *(p for p in tmp.rglob("*") if p.is_dir())]:
        d.chmod(0o777 & ~mask)


def write_atomically(out_dir: Path, fill: Callable[[Path], None], force: bool = False,
                     unique: bool = False) -> Path:
    """Let ``fill`` write into a fresh temp dir next to ``out_dir``, then rename it into place.

    An existing non-empty ``out_dir`` is an error unless ``force`` (replace it) or ``unique`` (use
    ``out_dir-2``, ``-3`` ...: for automatic names, so two runs started in the same second both land).
    The rename is atomic and fails if another process got there first; an exception leaves nothing behind.
    """
    out_dir = Path(out_dir)
    if _occupied(out_dir) and not (force or unique):
        raise OutputExistsError(f"{out_dir} exists and is not empty; choose another --out or pass --force")
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=out_dir.parent))
    try:
        fill(tmp)
        _open_up(tmp)
        if force and _occupied(out_dir):
            backup = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.old-", dir=out_dir.parent))
            os.replace(out_dir, backup / "old")
            os.replace(tmp, out_dir)
            shutil.rmtree(backup)
            return out_dir
        candidate, n = out_dir, 1
        while True:
            try:
                if candidate.exists() and not any(candidate.iterdir()):
                    candidate.rmdir()  # an empty directory the user made for us
                os.rename(tmp, candidate)  # fails if another process created it meanwhile
                return candidate
            except OSError:
                if not unique or not _occupied(candidate):
                    raise OutputExistsError(f"{candidate} appeared while writing; choose another --out") from None
                n += 1
                candidate = out_dir.with_name(f"{out_dir.name}-{n}")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


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


def read_csv(path: Path) -> pd.DataFrame:
    """A table ersim wrote (ids kept as text; a header-only file gives an empty table with its columns).

    Only an empty field is missing: write_csv writes a missing value so, and a name or label that reads 'NA',
    'None' or '#N/A' is text from a dataset or scenario, not a missing value."""
    return pd.read_csv(path, dtype=_DTYPES, keep_default_na=False, na_values=[""])


def read_run(run_dir: Path) -> Run:
    """Read a finished run; :class:`NotARunError` if ``run_dir`` is not one."""
    run_dir = Path(run_dir)
    if not (run_dir / "manifest.json").exists() or not (run_dir / "summary.json").exists():
        raise NotARunError(f"{run_dir} is not an ersim run directory (no manifest.json and summary.json)")
    tables = {n: read_csv(run_dir / f"{n}.csv") for n in RUN_TABLES if (run_dir / f"{n}.csv").exists()}
    return Run(run_dir, json.loads((run_dir / "summary.json").read_text(encoding="utf-8")),
               json.loads((run_dir / "manifest.json").read_text(encoding="utf-8")), tables)


def newest_run(path: Path) -> Path:
    """``path`` if it is a run; else the newest run directly inside it (``results/base`` means base's latest run:
    the UTC-timestamped names sort in time order); else ``path`` itself, for read_run to refuse."""
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
    """(sweep.json, curve.csv) of a sweep directory."""
    path = Path(path)
    return json.loads((path / "sweep.json").read_text(encoding="utf-8")), pd.read_csv(path / "curve.csv")
