"""Figures (PNG, optionally SVG) with Chinese labels, titles, units and sources.

The package ships a subset of Noto Sans CJK SC (SIL OFL, ``model/fonts``) and registers it with
matplotlib, so Chinese names render on machines without CJK fonts.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import seaborn as sns  # noqa: E402
from matplotlib import font_manager  # noqa: E402

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansSC-ersim.otf"
SOURCE_NOTE = "ersim; inputs: Shanxi plans 2022-23 (seeds), parameters.md; see manifest.json"
FAMILY_COLOURS = {"ule": "#4c72b0", "voc": "#dd8452", "heating": "#c44e52", "boiler": "#8172b3",
                  "rail": "#55a868", "wastewater": "#64b5cd", "efficiency": "#937860"}


def use_cjk_font() -> str:
    """Register the bundled CJK font and make it matplotlib's default; returns the family name."""
    font_manager.fontManager.addfont(str(FONT_FILE))
    name = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    sns.set_theme(style="whitegrid", rc={"font.family": "sans-serif",
                                         "font.sans-serif": [name, "DejaVu Sans"], "axes.unicode_minus": False})
    return name


def _save(fig, path: Path, svg: bool = False) -> list[Path]:
    fig.text(0.01, 0.005, SOURCE_NOTE, fontsize=7, color="#666666")
    fig.tight_layout(rect=(0, 0.02, 1, 1))
    out = [path.with_suffix(".png")]
    fig.savefig(out[0], dpi=150)
    if svg:
        out.append(path.with_suffix(".svg"))
        fig.savefig(out[1])
    plt.close(fig)
    return out


def cost_curve(curve: pd.DataFrame, title: str, max_achievable_t: float | None, path: Path,
               svg: bool = False, base_level_t: float | None = None) -> list[Path]:
    """Exact MILP step curve and LP-relaxation frontier of cost against the target level, plus marginals."""
    use_cjk_font()
    ok = curve[curve["status"].isin(["optimal", "time_limit"])]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 8), sharex=True, height_ratios=(3, 2))
    x = ok["level_t"] / 1e4
    ax.step(x, ok["objective_cny_per_yr"] / 1e8, where="pre", color="#4c72b0", lw=2,
            label="MILP：实际项目组合 (exact, lumpy)")
    ax.plot(x, ok["objective_cny_per_yr"] / 1e8, "o", color="#4c72b0", ms=4)
    if "lp_objective_cny_per_yr" in ok:
        ax.plot(x, ok["lp_objective_cny_per_yr"] / 1e8, "--", color="#dd8452", lw=1.5,
                label="LP 松弛前沿 (relaxation frontier)")
    if base_level_t:
        ax.axvline(base_level_t / 1e4, color="#c44e52", lw=1, ls=":", label="规划目标 (scenario target)")
    if max_achievable_t and np.isfinite(max_achievable_t):
        ax.axvline(max_achievable_t / 1e4, color="black", lw=1, ls="-.", label=f"最大可达 {max_achievable_t / 1e4:.2f} 万吨")
    ax.set_ylabel("年度成本（含软目标罚金）cost in target year (亿元/年)")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax2.step(x, ok["marginal_cny_per_t"] / 1e4, where="pre", color="#4c72b0", label="MILP 对偶 (integers fixed)")
    if "lp_marginal_cny_per_t" in ok:
        ax2.plot(x, ok["lp_marginal_cny_per_t"] / 1e4, "--", color="#dd8452", label="LP 松弛对偶")
    ax2.set_ylabel("边际成本 marginal cost (万元/吨)")
    ax2.set_xlabel("减排目标 reduction target (万吨/年)")
    ax2.legend(loc="upper left", fontsize=8)
    return _save(fig, path, svg)
