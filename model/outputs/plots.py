"""Figures (PNG, optionally SVG) with Chinese labels, titles, units and sources.

The package ships a subset of Noto Sans CJK SC (SIL OFL, ``model/outputs/fonts``) and registers it with
matplotlib, so Chinese names render on machines without CJK fonts. Every label is drawn from the one table of
display names (model/names.py) and every unit through model/units.py. Figures are meant to be handed on as they
are: notes a reader needs (rules, sources, what a point means) go into the footer drawn by :func:`_save`, below
the axes and never over them.
"""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.patches import Patch  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from ..names import FAMILIES, pollutant_name  # noqa: E402
from ..units import cny_to_wan, cny_to_yi, t_to_wan_t  # noqa: E402
from . import maps  # noqa: E402 - county maps (called through the module, so a test can stand in for them)

from .style import (FAMILY_COLOURS, FAMILY_LEGEND_TITLE, FONT_FILE, FOOTER_FONTSIZE, HALO,  # noqa: E402,F401
                    SOURCE_NOTE, STYLE_FILE, _colour, _money, _save, _zh, footer_height, nice_ceiling,
                    short_measure_name, use_cjk_font, wrap_note)


def rules_deliver_t(curve: pd.DataFrame) -> float | None:
    """The reduction the rest of the scenario (policy rules, other targets) delivers whatever this target asks:
    the reduction achieved at the lowest feasible level when the target does not bind there. Not binding means
    achieved above the level with a marginal cost of 0 in the MILP (integers fixed) *and* in the LP relaxation:
    a MILP that overshoots only because projects are lumpy has a 0 dual too, but its relaxation still pays for
    the target. None when the target binds from the first level, or the curve does not say."""
    ok = curve[curve["status"] != "infeasible"].sort_values("level_t") if "status" in curve else curve.iloc[:0]
    if ok.empty or "achieved_t" not in ok or "marginal_cny_per_t" not in ok:
        return None
    first = ok.iloc[0]
    slack = first["achieved_t"] > first["level_t"] * (1 + 1e-6) + 1e-6
    # a dual below a thousandth of a yuan per tonne is solver noise, not a price
    duals = [first["marginal_cny_per_t"], first.get("lp_marginal_cny_per_t", 0.0)]
    free = all(pd.notna(d) and abs(d) < 1e-3 for d in duals)
    if not (slack and free):
        return None
    if "objective_cny_per_yr" not in ok:
        return float(first["achieved_t"])
    # only as far as the curve is flat: a level whose cost rises is not delivered for free, whatever the duals
    cost = ok["objective_cny_per_yr"].to_numpy(dtype=float)
    flat = np.isclose(cost, cost[0], rtol=1e-6, atol=1.0).cumprod().astype(bool)
    within = ok["level_t"].to_numpy(dtype=float) <= first["achieved_t"]
    if (flat | ~within).all():
        return float(first["achieved_t"])
    last = float(ok["level_t"].to_numpy(dtype=float)[flat & within].max())
    return last if last > first["level_t"] else None  # rising from the first level: no band


def cost_curve(curve: pd.DataFrame, title: str, max_achievable_t: float | None, path: Path,
               svg: bool = False, base_level_t: float | None = None) -> list[Path]:
    """Exact MILP step curve and LP-relaxation frontier of cost against the target level, plus marginals.

    The cost is curve.csv's ``objective_cny_per_yr`` (shown in 亿元/年), so figure and table agree; where the
    policy rules already deliver more than the lowest levels ask, the flat stretch is shaded and said so.
    """
    use_cjk_font()
    ok = curve[curve["status"] != "infeasible"] if "status" in curve else curve.iloc[:0]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(9, 8.5), sharex=True, height_ratios=(3, 2))
    if ok.empty:  # every level infeasible: say so instead of an empty axis
        ax.text(0.5, 0.5, "所有水平均不可行 no level is feasible", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(title)
        return _save(fig, path, svg)
    x = t_to_wan_t(ok["level_t"])
    ax.step(x, cny_to_yi(ok["objective_cny_per_yr"]), where="pre", color="#4c72b0", lw=2,
            label="MILP：实际项目组合 (exact, lumpy)")
    ax.plot(x, cny_to_yi(ok["objective_cny_per_yr"]), "o", color="#4c72b0", ms=4)
    if "lp_objective_cny_per_yr" in ok:
        ax.plot(x, cny_to_yi(ok["lp_objective_cny_per_yr"]), "--", color="#dd8452", lw=1.5,
                label="LP 松弛前沿 (relaxation frontier)")
    if base_level_t:
        ax.axvline(t_to_wan_t(base_level_t), color="#c44e52", lw=1, ls=":", label="规划目标 (scenario target)")
    if max_achievable_t and np.isfinite(max_achievable_t):
        most = t_to_wan_t(max_achievable_t)
        ax.axvline(most, color="black", lw=1, ls="-.", label=f"最大可达 {most:.2f} 万吨")
    ax2.step(x, cny_to_wan(ok["marginal_cny_per_t"]), where="pre", color="#4c72b0", label="MILP 对偶 (integers fixed)")
    if "lp_marginal_cny_per_t" in ok:
        ax2.plot(x, cny_to_wan(ok["lp_marginal_cny_per_t"]), "--", color="#dd8452", label="LP 松弛对偶")
    free = rules_deliver_t(ok)
    if free is not None:
        free_wan = t_to_wan_t(free)
        for a in (ax, ax2):
            a.axvspan(float(x.min()), min(free_wan, float(x.max())), color="#55a868", alpha=0.12, lw=0)
        # in the marginal panel: over the shaded stretch its curves lie at 0, so the space above them is free
        ax2.text(0.02, 0.6, f"规则与其他目标已实现 {free_wan:.2f} 万吨：此前边际成本为 0\nrules (and the other targets) "
                 f"already deliver up to {free_wan:.2f} 万吨: marginal cost 0", transform=ax2.transAxes, fontsize=8,
                 va="center", color="#2e6b3a", bbox={"boxstyle": "round", "fc": "white", "ec": "#55a868", "alpha": 0.9})
    ax.set_ylabel("等年值成本 equivalent annual cost (亿元/年)\ncurve.csv: objective_cny_per_yr, 含软目标罚金 incl. penalties",
                  fontsize=9)
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax2.set_ylabel("边际成本 marginal cost (万元/吨)\ncurve.csv: marginal_cny_per_t", fontsize=9)
    ax2.set_xlabel("减排目标 reduction target (万吨/年)")
    ax2.legend(loc="upper left", fontsize=8)
    notes = []
    if "mip_gap" in ok and ok["mip_gap"].notna().any():
        gap = float(ok["mip_gap"].max())
        notes.append(f"MILP points are solved to a MIP gap of at most {100 * gap:.2g} % of the cost: steps smaller "
                     "than that (even downward ones) are solver tolerance, not a real saving.")
    return _save(fig, path, svg, notes)


# --------------------------------------------------------------------------- stacked bars with savings
def _net_markers(ax, positions: np.ndarray, net: np.ndarray, unit: str, horizontal: bool = False):
    """A black diamond and a label at each bar's net total (what is left when savings are subtracted); returns
    the markers, for a legend."""
    x, y = (net, positions) if horizontal else (positions, net)
    markers = ax.plot(x, y, marker="D", color="black", ms=6, zorder=5, ls="none", label=f"净合计 net total ({unit})")
    for p, v in zip(positions, net):
        # beside the bar (its right edge, or past the marker), not over the segments it sums
        xy = (v, p) if horizontal else (p + 0.37, v)
        ax.annotate(f"净 {_money(v)}", xy, xytext=(8, 0) if horizontal else (2, 0), textcoords="offset points",
                    fontsize=8, ha="left", va="center", path_effects=HALO, zorder=6)
    return markers[0]


def _stacked(ax, table: pd.DataFrame, unit: str, horizontal: bool = False):
    """Stacked bars of ``table`` (one bar per row, one segment per family column): positive segments above
    zero, savings below it, and, when some family saves money, the net total per bar marked (the markers are
    returned for the legend; None when nothing is saved)."""
    table.rename(columns=_zh).plot(kind="barh" if horizontal else "bar", stacked=True, ax=ax, rot=0, legend=False,
                                   color=[_colour(c) for c in table.columns], width=0.7)
    if not (table < 0).to_numpy().any():
        return None
    (ax.axvline if horizontal else ax.axhline)(0, color="black", lw=0.8)
    return _net_markers(ax, np.arange(len(table)), table.sum(axis=1).to_numpy(), unit, horizontal)


def _family_legend(fig, families, extra_handles=()) -> None:
    """One legend of the families shown (display names, the figure's colours), outside the axes."""
    handles = [Patch(color=_colour(f), label=_zh(f)) for f in families] + list(extra_handles)
    # "outside": the constrained layout makes room for it, so it never covers a bar nor is cut off
    fig.legend(handles=handles, title=FAMILY_LEGEND_TITLE, fontsize=8, title_fontsize=9, frameon=False,
               loc="outside right upper")


# --------------------------------------------------------------------------- figures of one run
def cost_by_family_year(portfolio: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Capital spent per build year and family, and the annual cost each family adds (亿元), with net totals."""
    use_cjk_font()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(13, 5), width_ratios=(1.1, 1), layout="constrained")
    capex = cny_to_yi(portfolio.pivot_table(index="year", columns="family", values="capex_cny", aggfunc="sum",
                                            fill_value=0))
    if len(capex):  # show every year of the horizon, also those without projects
        capex = capex.reindex(range(int(capex.index.min()), int(portfolio["year"].max()) + 1), fill_value=0)
    net_marker = _stacked(ax1, capex, "亿元")
    ax1.set_ylabel("投资 capital (亿元)")
    ax1.set_xlabel("建设年份 build year")
    ax1.set_title("按年份和类别的投资 investment by year and family")
    annual = cny_to_yi(portfolio.groupby("family")["total_annual_cost_cny"].sum().sort_values())
    y = np.arange(len(annual))
    ax2.barh(y, annual.to_numpy(), color=[_colour(c) for c in annual.index], height=0.7)
    for k, v in enumerate(annual.to_numpy()):  # each family's number, on the side its bar points to
        ax2.annotate(_money(v), (v, k), xytext=(4 if v >= 0 else -4, 0), textcoords="offset points", fontsize=8,
                     va="center", ha="left" if v >= 0 else "right")
    net = float(annual.sum())
    ax2.barh([len(annual)], [net], color="#333333", height=0.7)
    ax2.plot(net, len(annual), marker="D", color="black", ms=6, ls="none")
    ax2.annotate(f"净合计 {_money(net)}", (net, len(annual)), xytext=(8, 0), textcoords="offset points", fontsize=8,
                 va="center")
    ax2.set_yticks([*y, len(annual)], [*(_zh(c) for c in annual.index), "净合计 net total"])
    ax2.axvline(0, color="black", lw=0.8)
    lo, hi = min(0.0, float(annual.min())), max(net, float(annual.max()), 0.0)
    ax2.set_xlim(lo - 0.12 * (hi - lo) * (lo < 0), hi + 0.22 * (hi - lo))  # room for the labels
    ax2.set_xlabel("建成后年成本 annual cost once built (亿元/年)")
    ax2.set_title("按类别的年成本 annual cost by family (负 = 节省 saving)")
    shown = [f for f in FAMILIES if f in capex.columns or f in annual.index]
    _family_legend(fig, shown, [] if net_marker is None else [net_marker])
    fig.suptitle(title)
    return _save(fig, path, svg)


def reductions_vs_targets(targets: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Achieved against required reduction for every target (万吨), in the targets table's order; met in green,
    missed in red, milestones lighter; each bar says achieved, required and the share reached."""
    use_cjk_font()
    t = targets[targets["pollutant"] != pollutant_name("co2")].reset_index(drop=True)
    fig, ax = plt.subplots(figsize=(10, 0.55 * len(t) + 2.2))
    y = np.arange(len(t))
    milestone = t["source"].eq("milestone").to_numpy() if "source" in t else np.zeros(len(t), bool)
    colour = np.where(t["met"].astype(bool), np.where(milestone, "#9fd0a9", "#55a868"), "#c44e52")
    achieved, required = t_to_wan_t(t["achieved_t"]), t_to_wan_t(t["required_t"])
    ax.barh(y, achieved, color=colour, height=0.7, label="达到 achieved")
    ax.scatter(required, y, marker="|", s=400, color="black", label="目标 required", zorder=3)
    top = float(max(achieved.max(), required.max(), 1e-9))
    for k, (a, r) in enumerate(zip(achieved, required)):
        share = f" ({100 * a / r:.0f} %)" if r > 0 else ""
        ax.text(max(a, r) + 0.01 * top, k, f"{a:.3g} / {r:.3g}{share}", va="center", fontsize=8)
    ax.set_xlim(0, top * 1.25)
    ax.set_yticks(y, [f"{r.target} ({r.kind})" for r in t.itertuples()])
    ax.invert_yaxis()  # first target on top, as in targets.csv
    ax.set_xlabel("减排量 reduction (万吨/年); labels: achieved / required (share)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    fig.suptitle(title)
    return _save(fig, path, svg)


def investment_by_city(portfolio: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    use_cjk_font()
    inv = cny_to_yi(portfolio.pivot_table(index="city", columns="family", values="capex_cny", aggfunc="sum",
                                        fill_value=0))
    inv = inv.loc[inv.sum(axis=1).sort_values().index]
    fig, ax = plt.subplots(figsize=(11, 0.38 * len(inv) + 2.2), layout="constrained")
    net_marker = _stacked(ax, inv, "亿元", horizontal=True)
    if net_marker is None:  # nothing saved: the bar's end is its total, said in numbers
        for k, total in enumerate(inv.sum(axis=1)):
            ax.annotate(_money(total), (total, k), xytext=(4, 0), textcoords="offset points", va="center", fontsize=8)
        ax.set_xlim(0, float(inv.sum(axis=1).max()) * 1.08)
    ax.set_xlabel("投资 investment (亿元)")
    ax.set_ylabel("")
    ax.set_title(title)
    _family_legend(fig, [f for f in FAMILIES if f in inv.columns], [] if net_marker is None else [net_marker])
    return _save(fig, path, svg)


def plot_run(run_dir: Path, out_dir: Path, svg: bool = False, writing: bool = False) -> list[Path]:
    """Every figure of a run (read from the run directory alone), written into ``out_dir``; ``writing``: the run
    is still in the temporary folder its writer fills."""
    from ..rundir import read_run

    run = read_run(run_dir, writing)
    out_dir.mkdir(parents=True, exist_ok=True)
    if not run.solved:
        return []
    name, port = run.name, run["portfolio"]
    jobs = []
    if len(run["targets"]):
        jobs.append(lambda: reductions_vs_targets(run["targets"], f"{name}: 减排与目标 reductions vs targets",
                                                  out_dir / "reductions_vs_targets", svg))
    if len(port):  # nothing chosen: nothing to break down by family, year, city or county
        jobs.append(lambda: cost_by_family_year(port, f"{name}: 成本 cost", out_dir / "cost_by_family_year", svg))
        jobs.append(lambda: investment_by_city(port, f"{name}: 各市投资 investment per city",
                                               out_dir / "investment_by_city", svg))
    if len(port) and run.geometry is not None and "health_by_county" in run:
        jobs.append(lambda: maps.health_map(run["health_by_county"], run.geometry,
                                            f"{name}: 健康效益 health by county", out_dir / "health_map", svg))
    if len(port) and run.geometry is not None:
        cities = run["county_summary"]["city"].dropna().unique()
        scope = f" ({'、'.join(cities)})" if 0 < len(cities) <= 3 else ""
        draw_maps = lambda: maps.county_maps(run["county_summary"], run.geometry,  # noqa: E731
                                             f"{name}{scope}: 区县分布 by county", out_dir / "county_maps", svg,
                                             portfolio=port)
        return _beside(draw_maps, jobs)
    return [f for job in jobs for f in job()]


def _stop_signals() -> list[signal.Signals]:
    """The signals ersim's commands turn into a clean stop (cli.stopping_cleanly)."""
    return [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]


@contextmanager
def _stops_held() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP while the block runs, then raise the first that came. Python runs signal
    handlers in the main thread whichever thread the signal reached (HiGHS keeps threads of its own), so holding
    means swapping the Python handlers; a signal left to its default action (kill) is left alone."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    old = {s: signal.getsignal(s) for s in _stop_signals()}
    old = {s: h for s, h in old.items() if callable(h)}
    for s in old:
        signal.signal(s, lambda signum, _frame: held.append(signum))
    try:
        yield
    finally:
        for s, handler in old.items():
            signal.signal(s, handler)
        if held:
            signal.raise_signal(held[0])


def _beside(first: Callable[[], list[Path]], rest: list[Callable[[], list[Path]]]) -> list[Path]:
    """Run ``first`` in a forked child process while this one runs ``rest``; the files of ``rest``, then of
    ``first``. The county maps take as long as the other figures together (base: 1.6 s against 0.8 s), so a run's
    figures take the maps' time. The child inherits the imported modules and the run's tables (nothing is pickled
    but the list of files it wrote). Where fork is unavailable, or the child fails, ``first`` runs here (so an
    error shows as it would serially); so does a daemonic process (a dask worker). When this process stops (an
    error, Ctrl-C, SIGTERM) the child is killed first: its figures are not wanted, and it must not write into a
    temporary folder being removed. A stop signal is held while the child starts: one that came after the fork
    but before ``start`` returned would otherwise leave the child unkilled, holding the terminal's pipes for as
    long as it draws (CI once saw this)."""
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods() or mp.current_process().daemon:  # a daemon may have no children
        return [f for job in (*rest, first) for f in job()]
    ctx = mp.get_context("fork")
    receive, send = ctx.Pipe(duplex=False)

    def child() -> None:
        for s in _stop_signals():  # a forked child that is told to stop dies: never runs its parent's cleanup
            signal.signal(s, signal.SIG_DFL)
        try:
            send.send([str(f) for f in first()])
        except BaseException:  # noqa: BLE001 - the parent redraws and raises it
            send.send(None)

    proc = ctx.Process(target=child, daemon=True)
    try:
        with _stops_held():
            proc.start()
        send.close()
        files = [f for job in rest for f in job()]
        try:
            got = receive.recv()
        except EOFError:  # the child died without a word
            got = None
    except BaseException:
        if proc.pid is not None:
            proc.kill()
        raise
    finally:
        if proc.pid is not None:
            proc.join()
    return files + ([Path(f) for f in got] if got is not None else first())


def draw_figures(run_dir: Path, svg: bool = False) -> Path:
    """(Re)draw a run's own figures into ``run_dir/figures`` (replaced whole: they are derived, not user data)."""
    from ..rundir import read_run, write_atomically

    read_run(run_dir)  # a clear error if this is not a run
    return write_atomically(Path(run_dir) / "figures", lambda tmp: plot_run(run_dir, tmp, svg), force=True)


# --------------------------------------------------------------------------- comparisons
def compare_cost_by_family(family_cost: pd.DataFrame, path: Path, svg: bool = False) -> list[Path]:
    """Stacked annual cost by family, one bar per scenario (亿元/yr), with the net total where some family saves
    money; ``family_cost`` is family x scenario, already in 亿元/yr."""
    use_cjk_font()
    data = family_cost.T
    fig, ax = plt.subplots(figsize=(max(7, 1.6 * len(data) + 4), 5.5), layout="constrained")
    net_marker = _stacked(ax, data, "亿元/年")
    ax.set_ylabel("建成后年成本 annual cost once built (亿元/年)")
    ax.set_xlabel("")
    ax.set_title("各情景按类别的成本 cost by family per scenario")
    _family_legend(fig, [f for f in FAMILIES if f in data.columns] + [f for f in data.columns if f not in FAMILIES],
                   [] if net_marker is None else [net_marker])
    return _save(fig, path, svg)


def overlay_curves(curves: dict[str, pd.DataFrame], path: Path, svg: bool = False) -> list[Path]:
    """Several sweeps' MILP cost curves in one figure (curve.csv's objective_cny_per_yr, incl. soft penalties)."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(9, 5.5))
    for label, c in curves.items():
        ok = c[c["status"] != "infeasible"]
        ax.step(t_to_wan_t(ok["level_t"]), cny_to_yi(ok["objective_cny_per_yr"]), where="pre", lw=2, label=label)
        ax.plot(t_to_wan_t(ok["level_t"]), cny_to_yi(ok["objective_cny_per_yr"]), "o", ms=3,
                color=ax.lines[-1].get_color())
    ax.set_xlabel("减排目标 reduction target (万吨/年)")
    ax.set_ylabel("等年值成本 equivalent annual cost (亿元/年)\ncurve.csv: objective_cny_per_yr, 含软目标罚金 incl. penalties",
                  fontsize=9)
    ax.set_title("成本曲线对比 cost curves")
    ax.legend(fontsize=8)
    return _save(fig, path, svg)


# --------------------------------------------------------------------------- uncertainty
def frequency_groups(freq: pd.DataFrame, max_bars: int = 12, examples: int = 2) -> pd.DataFrame:
    """Projects not chosen in every sample, grouped by how often they were chosen: one row per distinct share
    (per 10 % band when there are more than ``max_bars``), with the number of projects and the measures most of
    them are, so 25 projects at 87.5 % are one bar, not 25."""
    f = freq[freq["share"] < 1].copy()
    if f.empty:
        return pd.DataFrame(columns=["label", "share_pct", "projects", "examples"])
    pct = (100 * f["share"]).round(6)
    if pct.nunique() <= max_bars:
        f["key"] = pct
        f["label"] = pct.map(lambda s: f"{s:.3g} %")
    else:
        band = np.minimum(np.floor(pct / 10) * 10, 90)
        f["key"] = band
        f["label"] = band.map(lambda b: f"{b:.0f}–{b + 10:.0f} %")
    names = f["name"].fillna("").astype(str).str.split(" | ", regex=False).str[0]
    f["measure"] = names.where(names != "", f["project"].astype(str).str.split(" @ ").str[0]).map(short_measure_name)
    rows = []
    for key, part in f.groupby("key", sort=True):
        counts = part["measure"].value_counts()
        shown = "、".join(f"{m} ×{c}" for m, c in counts.head(examples).items())
        rows.append({"label": part["label"].iloc[0], "share_pct": float(key), "projects": len(part),
                     "examples": shown + ("…" if len(counts) > examples else "")})
    return pd.DataFrame(rows).sort_values("share_pct", ascending=False).reset_index(drop=True)


def uncertainty_chart(samples: pd.DataFrame, freq: pd.DataFrame, title: str, path: Path, top: int = 25,
                      svg: bool = False, base_cost_cny: float | None = None) -> list[Path]:
    """Distribution of the annual cost once built over the samples, with the base case (the scenario as
    written) as a line, and how many projects are chosen how often."""
    import seaborn as sns  # here only: its import (with scipy.stats) costs 0.5 s that other figures need not pay

    use_cjk_font()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(15, 6.5), width_ratios=(1, 1.3))
    cost = cny_to_yi(samples["total_annual_cost_cny"].dropna())
    sns.histplot(cost, ax=ax1, bins=min(30, max(5, len(cost) // 3)), color="#4c72b0")
    ax1.yaxis.set_major_locator(MaxNLocator(integer=True))  # samples are counted, never fractional
    if len(cost):
        for q, ls, label in ((0.05, ":", "5 % / 95 %"), (0.5, "--", "中位数 median"), (0.95, ":", None)):
            ax1.axvline(cost.quantile(q), color="#c44e52", ls=ls, lw=1.2, label=label)
    if base_cost_cny is not None and np.isfinite(base_cost_cny):
        base = cny_to_yi(base_cost_cny)
        ax1.axvline(base, color="black", lw=2, label=f"基准情景 base case {base:,.1f} 亿元/年")
        lo, hi = ax1.get_xlim()
        pad = 0.05 * (hi - lo)
        ax1.set_xlim(min(lo, base - pad), max(hi, base + pad))
    ax1.set_ylim(0, ax1.get_ylim()[1] * 1.3)  # headroom for the legend, above the bars
    ax1.legend(loc="upper left", fontsize=8)
    ax1.set_xlabel("建成后年成本 annual cost once built (亿元/年)")
    ax1.set_ylabel("样本数 samples")
    ax1.set_title(f"成本分布 cost distribution ({len(cost)} solved samples)")
    groups = frequency_groups(freq, max_bars=min(top, 12))
    y = np.arange(len(groups))
    ax2.barh(y, groups["projects"], color="#55a868", height=0.7)
    most = max(int(groups["projects"].max()), 1) if len(groups) else 1
    for k, r in groups.iterrows():
        ax2.text(r["projects"] + 0.02 * most, k, f"{r['projects']} 个: {r['examples']}", va="center", fontsize=8)
    ax2.set_yticks(y, groups["label"])
    ax2.set_xlim(0, most * 2.6)  # room for the measure names right of the bars
    ax2.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax2.invert_yaxis()
    ax2.set_ylabel("被选中的样本比例 chosen in % of samples")
    ax2.set_xlabel("项目数 projects")
    always = int((freq["share"] == 1).sum())
    ax2.set_title(f"不总是入选的项目 projects not always chosen (另有 {always} 个始终入选 always chosen)", fontsize=10)
    if groups.empty:
        ax2.text(0.5, 0.5, "每个项目在所有样本中都入选\nevery project is chosen in every sample", ha="center",
                 va="center", transform=ax2.transAxes)
    fig.suptitle(title)
    notes = ["Base case: the scenario as written (no parameter drawn), solved once more; lines: 5 %, 50 % and 95 % "
             "quantiles of the samples. Right: projects grouped by how often they were chosen; project_frequency.csv "
             "lists each one."]
    return _save(fig, path, svg, notes)


def tornado_chart(drivers: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    """What drives the spread of the cost: one bar per uncertain parameter, its Spearman rank correlation with the
    annual cost once built, strongest at the top (drivers.csv)."""
    use_cjk_font()
    d = drivers.dropna(subset=["rank_correlation"]).iloc[::-1]
    fig, ax = plt.subplots(figsize=(9, max(2.5, 0.45 * len(d) + 1.5)))
    if d.empty:
        ax.text(0.5, 0.5, "没有随参数变化的成本 no parameter moves the cost", ha="center", va="center",
                transform=ax.transAxes)
    else:
        colours = ["#c44e52" if v > 0 else "#4c72b0" for v in d["rank_correlation"]]
        ax.barh(d["param"], d["rank_correlation"], color=colours)
        ax.axvline(0, color="black", lw=0.8)
        ax.set_xlim(-1, 1)
    ax.set_xlabel("与年成本的秩相关 rank correlation with the annual cost (Spearman; >0: dearer when higher)")
    ax.set_title(title, fontsize=10)
    return _save(fig, path, svg)


def pm25_cost_curve(curve: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Investment and discounted cost against the PM2.5 level asked of one region (model/studies/air_sweep.py),
    tighter levels to the right; levels the projects cannot reach marked."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(9, 5.5))
    ok = curve[curve["status"] != "infeasible"]
    if len(ok):
        ax.plot(ok["level_ugm3"], cny_to_yi(ok["capex_cny"]), "o-", label="投资 investment (亿元)")
        ax.plot(ok["level_ugm3"], cny_to_yi(ok["objective_discounted_cny"]), "s--", label="折现总成本 discounted cost (亿元)")
    for level in curve.loc[curve["status"] == "infeasible", "level_ugm3"]:
        ax.axvline(level, color="#cc3333", linestyle=":")
        ax.annotate("无法达到 out of reach", (level, ax.get_ylim()[1]), rotation=90, va="top", ha="right",
                    color="#cc3333", fontsize=8)
    ax.invert_xaxis()  # tighter (lower) levels to the right, as a cost curve reads
    ax.set_xlabel("PM2.5 目标 level asked (ug/m³, 2025, modelled)")
    ax.set_ylabel("亿元")
    ax.legend(loc="upper left")
    ax.set_title(title)
    return _save(fig, path, svg, ["A screening estimate (intake fractions; README 'PM2.5 and health'): each point "
                                  "meets the scenario's targets and rules and the PM2.5 level."])
