"""Figures (PNG, optionally SVG) with Chinese labels, titles, units and sources.

The package ships a subset of Noto Sans CJK SC (SIL OFL, ``model/outputs/fonts``) and registers it with
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

from ..names import family_name, pollutant_name  # noqa: E402
from ..units import cny_to_wan, cny_to_yi, t_to_wan_t  # noqa: E402

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansSC-ersim.otf"
SOURCE_NOTE = "ersim; inputs: Shanxi plans 2022-23 (seeds), parameters.md; see manifest.json"
FAMILY_COLOURS = {"ule": "#4c72b0", "voc": "#dd8452", "heating": "#c44e52", "boiler": "#8172b3",
                  "rail": "#55a868", "wastewater": "#64b5cd", "efficiency": "#937860", "vehicle": "#da8bc3",
                  "structural": "#8c8c8c", "renewables": "#8fbc8f"}


def _zh(family: str) -> str:
    """A family id as figures show it (Chinese display name from model/names.py)."""
    return family_name(family, "zh")


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
    ok = curve[curve["status"] != "infeasible"] if "status" in curve else curve.iloc[:0]
    fig, (ax, ax2) = plt.subplots(2, 1, figsize=(8, 8), sharex=True, height_ratios=(3, 2))
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
    ax.set_ylabel("等年值目标函数（含软目标罚金）equivalent annual objective incl. penalties (亿元/年)")
    ax.set_title(title)
    ax.legend(loc="upper left", fontsize=8)
    ax2.step(x, cny_to_wan(ok["marginal_cny_per_t"]), where="pre", color="#4c72b0", label="MILP 对偶 (integers fixed)")
    if "lp_marginal_cny_per_t" in ok:
        ax2.plot(x, cny_to_wan(ok["lp_marginal_cny_per_t"]), "--", color="#dd8452", label="LP 松弛对偶")
    ax2.set_ylabel("边际成本 marginal cost (万元/吨)")
    ax2.set_xlabel("减排目标 reduction target (万吨/年)")
    ax2.legend(loc="upper left", fontsize=8)
    return _save(fig, path, svg)


# --------------------------------------------------------------------------- figures of one run
def cost_by_family_year(portfolio: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Capital spent per build year and family, and the annual cost each family adds (亿元)."""
    use_cjk_font()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.5))
    capex = cny_to_yi(portfolio.pivot_table(index="year", columns="family", values="capex_cny", aggfunc="sum",
                                            fill_value=0))
    if len(capex):  # show every year of the horizon, also those without projects
        capex = capex.reindex(range(int(capex.index.min()), int(portfolio["year"].max()) + 1), fill_value=0)
    colours = [FAMILY_COLOURS.get(c, "#999") for c in capex.columns]
    capex.rename(columns=_zh).plot(kind="bar", stacked=True, ax=ax1, color=colours,
               rot=0)
    ax1.set_ylabel("投资 capital (亿元)")
    ax1.set_xlabel("建设年份 build year")
    ax1.set_title("按年份和类别的投资 investment by year and family")
    annual = cny_to_yi(portfolio.groupby("family")["total_annual_cost_cny"].sum().sort_values())
    ax2.barh([_zh(c) for c in annual.index], annual.values, color=[FAMILY_COLOURS.get(c, "#999") for c in annual.index])
    ax2.set_xlabel("建成后年成本 annual cost once built (亿元/年)")
    ax2.set_title("按类别的年化成本 annual cost by family")
    fig.suptitle(title)
    return _save(fig, path, svg)


def reductions_vs_targets(targets: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Achieved against required reduction for every target (万吨), met in colour, missed in grey-red."""
    use_cjk_font()
    t = targets[targets["pollutant"] != pollutant_name("co2")].copy()
    fig, ax = plt.subplots(figsize=(9, 0.6 * len(t) + 2))
    y = np.arange(len(t))
    ax.barh(y, t_to_wan_t(t["achieved_t"]), color=np.where(t["met"], "#55a868", "#c44e52"), label="达到 achieved")
    ax.scatter(t_to_wan_t(t["required_t"]), y, marker="|", s=400, color="black", label="目标 required", zorder=3)
    ax.set_yticks(y, [f"{r.target} ({r.kind})" for r in t.itertuples()])
    ax.set_xlabel("减排量 reduction (万吨/年)")
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=2, frameon=False)
    fig.suptitle(title)
    return _save(fig, path, svg)


def investment_by_city(portfolio: pd.DataFrame, title: str, path: Path, svg: bool = False) -> list[Path]:
    use_cjk_font()
    inv = cny_to_yi(portfolio.pivot_table(index="city", columns="family", values="capex_cny", aggfunc="sum",
                                        fill_value=0))
    inv = inv.loc[inv.sum(axis=1).sort_values().index]
    fig, ax = plt.subplots(figsize=(9, 5.5))
    inv.rename(columns=_zh).plot(kind="barh", stacked=True, ax=ax,
                                 color=[FAMILY_COLOURS.get(c, "#999") for c in inv.columns])
    ax.set_xlabel("投资 investment (亿元)")
    ax.set_ylabel("")
    ax.set_title(title)
    return _save(fig, path, svg)


def county_maps(county_summary: pd.DataFrame, geojson: Path, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Choropleths of households converted, NOx reduction and investment per county of the run's scope."""
    import geopandas as gpd

    use_cjk_font()
    g = gpd.read_file(geojson).merge(county_summary, on="region_code", how="inner")
    panels = [("households_converted", "清洁取暖改造户数 households converted", lambda v: v, "Reds"),
              ("nox_t", f"{pollutant_name('nox', 'zh')} NOx 减排 reduction (吨/年)", lambda v: v, "Blues"),
              ("capex_cny", "投资 investment (亿元)", cny_to_yi, "Greens")]
    fig, axes = plt.subplots(1, 3, figsize=(15, 7.5))
    for ax, (col, label, scale, cmap) in zip(axes, panels):
        g.assign(v=scale(g[col].fillna(0))).plot(column="v", ax=ax, cmap=cmap, legend=True, edgecolor="#888",
                                                 linewidth=0.3, legend_kwds={"shrink": 0.6, "label": label})
        ax.set_title(label)
        ax.set_axis_off()
    fig.suptitle(title)
    return _save(fig, path, svg)


def plot_run(run_dir: Path, out_dir: Path, svg: bool = False) -> list[Path]:
    """Every figure of a run (read from the run directory alone), written into ``out_dir``."""
    from ..rundir import read_run

    run = read_run(run_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    files: list[Path] = []
    if not run.solved:
        return files
    name, port = run.name, run["portfolio"]
    if len(run["targets"]):
        files += reductions_vs_targets(run["targets"], f"{name}: 减排与目标 reductions vs targets",
                                       out_dir / "reductions_vs_targets", svg)
    if not len(port):  # nothing chosen: nothing to break down by family, year or city
        return files
    files += cost_by_family_year(port, f"{name}: 成本 cost", out_dir / "cost_by_family_year", svg)
    files += investment_by_city(port, f"{name}: 各市投资 investment per city", out_dir / "investment_by_city", svg)
    if run.geometry is not None:
        files += county_maps(run["county_summary"], run.geometry, f"{name}: 区县分布 by county",
                             out_dir / "county_maps", svg)
    return files


def draw_figures(run_dir: Path, svg: bool = False) -> Path:
    """(Re)draw a run's own figures into ``run_dir/figures`` (replaced whole: they are derived, not user data)."""
    from ..rundir import read_run, write_atomically

    read_run(run_dir)  # a clear error if this is not a run
    return write_atomically(Path(run_dir) / "figures", lambda tmp: plot_run(run_dir, tmp, svg), force=True)


# --------------------------------------------------------------------------- comparisons
def compare_cost_by_family(family_cost: pd.DataFrame, path: Path, svg: bool = False) -> list[Path]:
    """Stacked annual cost by family, one bar per scenario (亿元/yr); ``family_cost`` is family x scenario."""
    use_cjk_font()
    data = family_cost.T
    fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(data) + 3), 5))
    data.rename(columns=_zh).plot(kind="bar", stacked=True, ax=ax, rot=0,
                                  color=[FAMILY_COLOURS.get(c, "#999") for c in data.columns])
    ax.set_ylabel("建成后年成本 annual cost once built (亿元/年)")
    ax.set_xlabel("")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_title("各情景按类别的成本 cost by family per scenario")
    ax.legend(title="family", bbox_to_anchor=(1.01, 1), loc="upper left")
    return _save(fig, path, svg)


def overlay_curves(curves: dict[str, pd.DataFrame], path: Path, svg: bool = False) -> list[Path]:
    """Several sweeps' MILP cost curves in one figure (cost in target-year CNY incl. soft penalties)."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(8, 5))
    for label, c in curves.items():
        ok = c[c["status"] != "infeasible"]
        ax.step(t_to_wan_t(ok["level_t"]), cny_to_yi(ok["objective_cny_per_yr"]), where="pre", lw=2, label=label)
        ax.plot(t_to_wan_t(ok["level_t"]), cny_to_yi(ok["objective_cny_per_yr"]), "o", ms=3,
                color=ax.lines[-1].get_color())
    ax.set_xlabel("减排目标 reduction target (万吨/年)")
    ax.set_ylabel("等年值目标函数（含软目标罚金）equivalent annual objective incl. penalties (亿元/年)")
    ax.set_title("成本曲线对比 cost curves")
    ax.legend(fontsize=8)
    return _save(fig, path, svg)


def macc_chart(table: pd.DataFrame, pollutant_name: str, target_t: float | None, rule: str, title: str,
               path: Path, svg: bool = False) -> list[Path]:
    """Bars as wide as each measure's reduction and as high as its CNY per tonne, coloured by family."""
    use_cjk_font()
    fig, ax = plt.subplots(figsize=(11, 6))
    left = 0.0
    seen = set()
    for r in table.itertuples():
        width = t_to_wan_t(r.reduction_t)
        fam = r.family
        ax.bar(left, cny_to_wan(r.cny_per_t), width=width, align="edge", color=FAMILY_COLOURS.get(fam, "#999"),
               edgecolor="white", linewidth=0.5, label=_zh(fam) if fam not in seen else None)
        seen.add(fam)
        if width > 0.04 * max(t_to_wan_t(table["cumulative_t"].max()), 1e-9):
            ax.text(left + width / 2, cny_to_wan(r.cny_per_t), r.measure_id, rotation=90, fontsize=7, ha="center",
                    va="bottom" if r.cny_per_t >= 0 else "top")
        left += width
    if target_t:
        line = t_to_wan_t(target_t)
        ax.axvline(line, color="#c44e52", lw=1.5, ls="--", label=f"目标 target {line:.2f} 万吨")
    ax.axhline(0, color="black", lw=0.8)
    ax.set_yscale("symlog", linthresh=1.0)  # costs span 1-1000 万元/t: keep the cheap bars readable
    ax.set_xlabel(f"{pollutant_name} 累计减排潜力 cumulative reduction (万吨/年)")
    ax.set_ylabel(f"单位减排成本 cost per tonne of {pollutant_name} (万元/吨, symlog)")
    ax.set_title(title)
    ax.legend(fontsize=8, loc="upper left")
    fig.text(0.99, 0.005, rule, fontsize=7, color="#666666", ha="right")
    return _save(fig, path, svg)


def uncertainty_chart(samples: pd.DataFrame, freq: pd.DataFrame, title: str, path: Path, top: int = 25,
                      svg: bool = False) -> list[Path]:
    """Distribution of total annual cost over the samples, and how often the most-chosen projects appear."""
    use_cjk_font()
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(14, 6), width_ratios=(1, 1.3))
    cost = cny_to_yi(samples["total_annual_cost_cny"].dropna())
    sns.histplot(cost, ax=ax1, bins=min(30, max(5, len(cost) // 3)), color="#4c72b0")
    for q, ls in ((0.05, ":"), (0.5, "--"), (0.95, ":")):
        if len(cost):
            ax1.axvline(cost.quantile(q), color="#c44e52", ls=ls, lw=1)
    ax1.set_xlabel("建成后年成本 annual cost once built (亿元/年); lines: 5/50/95 %")
    ax1.set_ylabel("样本数 samples")
    ax1.set_title(f"成本分布 cost distribution ({len(cost)} solved samples)")
    shown = freq[freq["share"] < 1].head(top) if (freq["share"] < 1).any() else freq.head(top)
    ax2.barh(range(len(shown)), shown["share"] * 100, color="#55a868")
    ax2.set_yticks(range(len(shown)), [(n or p)[:40] for n, p in zip(shown["name"], shown["project"])], fontsize=7)
    ax2.invert_yaxis()
    ax2.set_xlabel("被选中的样本比例 chosen in % of samples")
    always = int((freq["share"] == 1).sum())
    ax2.set_title(f"不确定的项目 projects not always chosen (另有 {always} 个始终入选 always chosen)")
    fig.suptitle(title)
    return _save(fig, path, svg)
