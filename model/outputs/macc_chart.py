"""The marginal abatement cost curve figure (``ersim macc``): bars as wide as each measure's potential and as
high as its cost per tonne, a readable linear axis with a log panel for the few very dear measures, and a key
of the measures' Chinese names.

Shared drawing helpers (font, footer, colours) come from :mod:`model.outputs.plots`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import FuncFormatter, MaxNLocator
from matplotlib.transforms import ScaledTranslation

from ..names import FAMILIES
from ..units import cny_to_wan, t_to_wan_t
from .style import FAMILY_LEGEND_TITLE, HALO, _colour, _money, _save, _zh, nice_ceiling, short_measure_name, use_cjk_font


# --------------------------------------------------------------------------- MACC
def macc_break(cost: np.ndarray, width: np.ndarray) -> float | None:
    """Where a MACC's cost axis breaks (万元/吨), or None when one linear axis shows every bar readably.

    ``cost`` and ``width`` are in curve order (cheapest first). The body of the curve is the cost at which 80 % of
    the reduction is available; when the dearest bar costs more than ten times that (an order of magnitude), the
    axis breaks at a round number above the body and the dear bars get an upper panel of their own.
    """
    if not len(cost) or width.sum() <= 0:
        return None
    cum = np.cumsum(width) / width.sum()
    body = float(cost[min(np.searchsorted(cum, 0.8), len(cost) - 1)])
    if body <= 0 or cost.max() <= 10 * body:
        return None
    return nice_ceiling(1.15 * body)


def macc_floor(cost: np.ndarray, width: np.ndarray, top: float) -> float:
    """Bottom of a MACC's cost axis (万元/吨): room for the money-saving bars wider than 1 % of the curve, at most
    0.6 x ``top`` deep; narrower or deeper bars are clipped there and their value written (a sliver of a very
    profitable measure must not squash the rest)."""
    if not (cost < 0).any():
        return 0.0
    visible = width >= 0.01 * width.sum()
    deepest = float(cost[visible].min()) if visible.any() else 0.0
    return max(min(1.3 * deepest, -0.08 * top), -0.6 * top)  # 1.3: room for the numbers under the bars


def label_levels(centres: Sequence[float], min_gap: float) -> list[int]:
    """Stacking level of each bar number (0 on the bar, 1 one line above ...): a number closer than ``min_gap``
    to the previous one goes a line higher, so the numbers of narrow neighbouring bars do not overprint."""
    levels: list[int] = []
    for k, x in enumerate(centres):
        crowded = k > 0 and x - centres[k - 1] < min_gap
        levels.append((levels[-1] + 1) % 4 if crowded else 0)
    return levels


def target_crossing(table: pd.DataFrame, target_t: float | None) -> int | None:
    """Index of the bar at which the cumulative reduction first reaches the target, None if it never does."""
    if not target_t or not len(table):
        return None
    reach = np.flatnonzero(table["cumulative_t"].to_numpy() >= target_t * (1 - 1e-9))
    return int(reach[0]) if len(reach) else None


def macc_chart(table: pd.DataFrame, pollutant_name: str, target_t: float | None, rule: str, title: str,
               path: Path, svg: bool = False, model_marginal_cny_per_t: float | None = None) -> list[Path]:
    """Bars as wide as each measure's reduction and as high as its cost per tonne (万元/吨), coloured by family,
    numbered, with a key of the measures' Chinese names; very dear measures get an upper panel of their own."""
    use_cjk_font()
    n = len(table)
    fig = plt.figure(figsize=(15, max(7.5, 0.24 * n + 4.5)), layout="constrained")
    if n == 0:
        ax = fig.add_subplot()
        ax.text(0.5, 0.5, f"没有措施减少 {pollutant_name} no measure reduces {pollutant_name}", ha="center",
                transform=ax.transAxes)
        ax.set_title(title)
        return _save(fig, path, svg, [f"Rule: {rule}."])
    cost = cny_to_wan(table["cny_per_t"].to_numpy(dtype=float))
    width = t_to_wan_t(table["reduction_t"].to_numpy(dtype=float))
    left = np.concatenate([[0.0], np.cumsum(width)[:-1]])
    cap = macc_break(cost, width)
    outer = fig.add_gridspec(1, 2, width_ratios=(2.6, 1))
    main = outer[0].subgridspec(2, 1, height_ratios=(1, 2.4)) if cap else outer[0].subgridspec(1, 1)
    low = fig.add_subplot(main[-1])
    high = fig.add_subplot(main[0], sharex=low) if cap else None
    top = cap if cap else nice_ceiling(max(float(cost.max()), 1e-9) * 1.1)
    floor = macc_floor(cost, width, top)
    colours = [_colour(f) for f in table["family"]]
    low.bar(left, cost, width=width, align="edge", color=colours, edgecolor="white", linewidth=0.5)
    low.set_ylim(floor if floor < 0 else 0, top * (1.0 if cap else 1.08))
    low.axhline(0, color="black", lw=0.8)
    dear = cost > top if cap else np.zeros(n, bool)
    if high is not None:
        high.bar(left[dear], cost[dear] - cap, bottom=cap, width=width[dear], align="edge",
                 color=np.array(colours, dtype=object)[dear], edgecolor="white", linewidth=0.5)
        high.set_yscale("log")
        high.set_ylim(cap, nice_ceiling(float(cost.max()) * 1.6))
        high.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}"))
        high.yaxis.set_minor_formatter(FuncFormatter(lambda v, _: ""))
        high.tick_params(labelbottom=False)
        high.set_ylabel("对数 log\n(万元/吨)", fontsize=9)
        high.spines["bottom"].set_visible(False)
        low.spines["top"].set_visible(False)
        for ax, y in ((high, 0), (low, 1)):  # the usual // marks of a broken axis
            ax.plot([-0.008, 0.008], [y - 0.015, y + 0.015], transform=ax.transAxes, color="black", lw=1,
                    clip_on=False)
        high.set_title(title)
    else:
        low.set_title(title)
    low.yaxis.set_major_locator(MaxNLocator(nbins=8, steps=[1, 2, 2.5, 5, 10]))
    low.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:,.0f}" if abs(v) >= 10 or v == 0 else f"{v:g}"))
    low.set_ylabel(f"单位减排成本 cost per tonne of {pollutant_name} (万元/吨)")
    low.set_xlabel(f"{pollutant_name} 累计减排潜力 cumulative reduction (万吨/年)")
    span = float(width.sum())
    low.set_xlim(-0.01 * span, span * 1.01)
    levels = label_levels(list(left + width / 2), 0.018 * span)
    for k in range(n):
        ax = high if dear[k] else low
        v = cost[k]
        shown = v if dear[k] else min(max(v, floor), top)
        if v < floor:  # the bar runs below the axis: its number and true value stand just inside it
            ax.annotate(f"{k + 1} ↓{_money(v)}", (left[k] + width[k], shown), xytext=(3, 3),
                        textcoords="offset points", ha="left", va="bottom", fontsize=7.5, path_effects=HALO)
            continue
        up = 1 if v >= 0 else -1  # numbers above positive bars, below negative ones
        ax.annotate(f"{k + 1}", (left[k] + width[k] / 2, shown), xytext=(0, (2 + 9 * levels[k]) * up),
                    textcoords="offset points", ha="center", va="bottom" if up > 0 else "top", fontsize=7.5,
                    path_effects=HALO, annotation_clip=False)
    k_target = target_crossing(table, target_t)
    if target_t:
        line = t_to_wan_t(target_t)
        for ax in (low, high) if high is not None else (low,):
            ax.axvline(line, color="#c44e52", lw=1.5, ls="--")
        said = (f"目标 target {line:.2f} 万吨\n边际 第{k_target + 1}项 {_money(cost[k_target])} 万元/吨"
                if k_target is not None else f"目标 target {line:.2f} 万吨\n超出全部潜力 beyond the potential")
        low.annotate(said, (line, 1.0), xycoords=("data", "axes fraction"), xytext=(5, -5), textcoords="offset points",
                     ha="left", va="top", fontsize=8, color="#c44e52", path_effects=HALO)
    if model_marginal_cny_per_t is not None and np.isfinite(model_marginal_cny_per_t):
        mc = cny_to_wan(model_marginal_cny_per_t)
        if floor <= mc <= top:
            low.axhline(mc, color="#55a868", lw=1.5, ls="-.")
        low.annotate(f"模型边际成本 model's marginal cost {_money(mc)} 万元/吨·年\n(与运行、成本曲线相同 as in the run "
                     "and the cost curve)", (0.01, min(max(mc, floor), top)), xycoords=("axes fraction", "data"),
                     xytext=(0, 3), textcoords="offset points", ha="left", va="bottom", fontsize=8, color="#2e6b3a",
                     path_effects=HALO)
    _macc_key(fig, outer[1], table, cost, width, k_target)
    return _save(fig, path, svg, [f"Rule: {rule}. Bars numbered cheapest first; the key gives each measure's cost "
                                  "(万元/吨) and reduction potential (万吨/年)."])


def _macc_key(fig, spec, table: pd.DataFrame, cost: np.ndarray, width: np.ndarray, k_target: int | None) -> None:
    """The right-hand column of a MACC: the family legend above a numbered list of the measures."""
    families = [f for f in FAMILIES if f in set(table["family"])] + sorted(set(table["family"]) - set(FAMILIES))
    legend_rows = (len(families) + 1) // 2
    n = len(table)
    col = spec.subgridspec(2, 1, height_ratios=(legend_rows + 2, n + 2))
    lax, kax = fig.add_subplot(col[0]), fig.add_subplot(col[1])
    for ax in (lax, kax):
        ax.set_axis_off()
    lax.legend(handles=[Patch(color=_colour(f), label=_zh(f)) for f in families], title=FAMILY_LEGEND_TITLE,
               loc="upper left", ncol=2, fontsize=8, title_fontsize=9, frameon=False)
    # rows a fixed 15 points apart from the top of the column (however tall it is), in inches from its corners
    row = 15 / 72
    left = fig.dpi_scale_trans + ScaledTranslation(0, 1, kax.transAxes)
    right = fig.dpi_scale_trans + ScaledTranslation(1, 1, kax.transAxes)
    kax.text(0.0, 0.0, "#  措施 measure", fontsize=8, color="#444444", va="top", transform=left)
    kax.text(0.0, 0.0, "万元/吨 · 万吨", fontsize=8, color="#444444", va="top", ha="right", transform=right)
    for k, r in enumerate(table.itertuples()):
        y = -(k + 1.6) * row  # row centre, below the header
        kax.add_patch(Rectangle((0.0, y - 0.05), 0.1, 0.1, color=_colour(r.family), transform=left, clip_on=False))
        # the measure at which the target is reached, in the target line's colour (the font has one weight)
        colour = "#c44e52" if k == k_target else "black"
        name = short_measure_name(r.measure_name if pd.notna(r.measure_name) else r.measure_id)
        kax.text(0.15, y, f"{k + 1:>2}  {name}", fontsize=8, va="center", transform=left, color=colour)
        kax.text(0.0, y, f"{_money(cost[k])} · {width[k]:.2f}", fontsize=8, va="center", ha="right", transform=right,
                 color=colour)
