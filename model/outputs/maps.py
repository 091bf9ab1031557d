"""County maps of a run: what was converted, cut and invested where, with city boundaries and plant points.

Drawn for the scenario's scope only (the run directory holds its counties' polygons); shared drawing helpers
(font, footer, colours) come from :mod:`model.outputs.plots`.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.ticker import FuncFormatter, MaxNLocator

from ..names import pollutant_name
from ..units import cny_to_yi
from .style import HALO, _money, _save, nice_ceiling, use_cjk_font

MAX_COUNTY_LABELS = 20  # more county names than this do not fit on a map panel
NO_DATA = {"color": "#eeeeee", "hatch": "///", "edgecolor": "#bbbbbb"}  # map fill where a share has no base


# --------------------------------------------------------------------------- county maps
def county_frame(geometry, county_summary: pd.DataFrame):
    """The scope's county polygons with their results: counties without projects get 0, and the share (%) of the
    county's 2020 coal-burning households converted (missing where it had none)."""
    g = geometry.merge(county_summary.drop(columns=["city_code"], errors="ignore"), on="region_code", how="left")
    numeric = county_summary.select_dtypes("number").columns
    g[numeric] = g[numeric].fillna(0.0)
    g["county"] = g["county"].fillna(g.get("name_zh")) if "county" in g else g.get("name_zh")
    g["city"] = g["city"].fillna(g["city_code"]) if "city" in g else g["city_code"]
    coal = g["coal_households_2020"] if "coal_households_2020" in g else pd.Series(0.0, index=g.index)
    g["households_share_pct"] = (100 * g["households_converted"] / coal.where(coal > 0)).clip(upper=100)
    return g


def map_grid(width: float, height: float) -> tuple[int, int]:
    """Rows and columns of the four map panels: in a row for a tall scope (all of Shanxi), 2 x 2 for a compact one."""
    return (1, 4) if height > 1.3 * width else (2, 2)


def plant_points(portfolio: pd.DataFrame) -> pd.DataFrame:
    """Plant and freight projects with coordinates, summed per position: capex, projects, plants, and whether
    the position is only the county's centroid (enterprises.csv coord_source)."""
    cols = ["longitude", "latitude", "capex_cny", "projects", "plants", "centroid"]
    if portfolio is None or "latitude" not in portfolio:
        return pd.DataFrame(columns=cols)
    p = portfolio[portfolio["latitude"].notna() & portfolio["longitude"].notna()]
    if p.empty:
        return pd.DataFrame(columns=cols)
    centroid = p["coord_source"].fillna("").astype(str).str.contains("centroid")
    g = p.assign(centroid=centroid).groupby(["longitude", "latitude"], as_index=False)
    return g.agg(capex_cny=("capex_cny", "sum"), projects=("capex_cny", "size"),
                 plants=("enterprise_id", "nunique"), centroid=("centroid", "all"))[cols]


def county_labels(g, column: str) -> pd.Series:
    """County names for a map panel, with the panel's number where it is a household one (count or share)."""
    if column == "households_converted":
        return g["county"] + "\n" + g[column].map(lambda v: f"{v:,.0f}")
    if column == "households_share_pct":
        return g["county"] + "\n" + g[column].map(lambda v: "–" if pd.isna(v) else f"{v:.0f} %")
    return g["county"]


def _label_regions(ax, frame, column: str, fontsize: float, **kw) -> None:
    """``frame[column]`` written inside each polygon, on a white halo."""
    for geom, text in zip(frame.geometry, frame[column]):
        p = geom.representative_point()  # inside the polygon, unlike a centroid of a crescent-shaped county
        ax.text(p.x, p.y, text, ha="center", va="center", fontsize=fontsize, path_effects=HALO, **kw)


def county_maps(county_summary: pd.DataFrame, geojson: Path, title: str, path: Path, svg: bool = False,
                portfolio: pd.DataFrame | None = None) -> list[Path]:
    """Maps of the run's scope: households converted (count and share of 2020 coal households), NOx reduction and
    investment per county, with city boundaries and names, county names where they fit, and plant projects as
    points sized by capex on the investment panel."""
    import geopandas as gpd

    use_cjk_font()
    g = county_frame(gpd.read_file(geojson), county_summary)
    cities = g.dissolve(by="city_code", as_index=False, aggfunc={"city": "first"})
    minx, miny, maxx, maxy = g.total_bounds
    rows, cols = map_grid((maxx - minx) * np.cos(np.radians((miny + maxy) / 2)), maxy - miny)
    fig, axes = plt.subplots(rows, cols, figsize=(19, 9) if rows == 1 else (13, 12.5))
    name_counties = len(g) <= MAX_COUNTY_LABELS
    panels = [("households_converted", "清洁取暖改造户数 households converted", "户 households", "Reds", None),
              ("households_share_pct", "改造户数占2020年散煤户比例 share of 2020 coal households converted",
               "%", "Reds", (0, 100)),
              ("nox_t", f"{pollutant_name('nox', 'zh')} NOx 减排 reduction", "吨/年 t/yr", "Blues", None),
              ("capex_cny", "投资 investment; 点 = 企业项目 points: plant projects", "亿元", "Greens", None)]
    notes = []
    pts = plant_points(portfolio)
    for ax, (col, label, unit, cmap, limits) in zip(np.ravel(axes), panels):
        values = cny_to_yi(g[col]) if col == "capex_cny" else g[col]
        vmin, vmax = limits if limits else (0, max(float(values.max()), 1e-9))
        g.assign(v=values).plot(column="v", ax=ax, cmap=cmap, vmin=vmin, vmax=vmax, legend=True, edgecolor="#999999",
                                linewidth=0.3, missing_kwds=NO_DATA,
                                legend_kwds={"shrink": 0.6, "label": unit, "orientation": "horizontal", "pad": 0.02,
                                             # few ticks: "100,000" and "120,000" must not run into each other
                                             "ticks": MaxNLocator(nbins=4),
                                             "format": FuncFormatter(lambda v, _: f"{v:,.0f}")})
        cities.boundary.plot(ax=ax, color="#333333", linewidth=1.1)
        points_here = col == "capex_cny" and len(pts) > 0  # the points stand where the names would
        if name_counties and not points_here:
            _label_regions(ax, g.assign(label=county_labels(g, col)), "label", 7, color="#222222")
        if len(cities) > 1:
            _label_regions(ax, cities, "city", 10, color="black")
        ax.set_title(label, fontsize=10)
        ax.set_axis_off()
    if g["households_share_pct"].isna().any():
        notes.append("Share map: hatched counties had no coal-burning households in 2020 (county_summary.csv "
                     "coal_households_2020 = 0).")
    if len(pts):
        notes += _draw_points(np.ravel(axes)[3], pts)
    fig.suptitle(title)
    return _save(fig, path, svg, notes)


def _draw_points(ax, pts: pd.DataFrame) -> list[str]:
    """Plant projects as circles (area in proportion to capex) and a size key; returns the footer note on where
    the points stand."""
    capex = cny_to_yi(pts["capex_cny"].clip(lower=0))
    top = max(float(capex.max()), 1e-9)
    area = 320 / top  # points^2 per 亿元: the dearest position gets a circle of 320 pt^2
    exact = ~pts["centroid"].astype(bool)
    ax.scatter(pts.loc[exact, "longitude"], pts.loc[exact, "latitude"], s=capex[exact] * area + 4, c="#d62728",
               alpha=0.75, edgecolors="black", linewidths=0.5, zorder=4)
    ax.scatter(pts.loc[~exact, "longitude"], pts.loc[~exact, "latitude"], s=capex[~exact] * area + 4,
               facecolors="none", edgecolors="#222222", linewidths=0.9, zorder=4)
    keys = [v for v in (nice_ceiling(top) / 10, nice_ceiling(top) / 2, nice_ceiling(top)) if v <= top * 1.6]
    handles = [ax.scatter([], [], s=v * area + 4, facecolors="none", edgecolors="#222222", label=f"{_money(v)} 亿元")
               for v in keys]
    handles += [ax.scatter([], [], s=40, c="#d62728", edgecolors="black", linewidths=0.5, label="厂址 plant position"),
                ax.scatter([], [], s=40, facecolors="none", edgecolors="#222222", label="区县质心 county centroid")]
    ax.legend(handles=handles, title="企业项目投资\nplant capex", loc="upper left", bbox_to_anchor=(0.98, 1.0),
              fontsize=8, title_fontsize=8, frameon=False, labelspacing=1.2)
    plants = int(pts["plants"].sum())
    at_centroid = int(pts.loc[~exact, "plants"].sum())
    return [f"Points: plant and freight projects, circle area in proportion to capex (summed per position). Hollow "
            f"circles stand at the county centroid, not at the plant ({at_centroid} of {plants} plants; "
            "enterprises.csv coord_source); filled circles are plant positions."]


def health_map(health: pd.DataFrame, geojson: Path, title: str, path: Path, svg: bool = False) -> list[Path]:
    """Two panels by county of residence (health_by_county.csv): the fall of PM2.5 the portfolio gives (μg/m³, its
    city's, model/air.py) and the premature deaths a year it avoids, with city boundaries and names."""
    import geopandas as gpd

    use_cjk_font()
    g = gpd.read_file(geojson).merge(health.drop(columns=["city_code", "county", "city"], errors="ignore"),
                                     on="region_code", how="inner")
    cities = g.dissolve(by="city_code", as_index=False)
    names = health.drop_duplicates("city_code").set_index("city_code")["city"]
    cities["city"] = cities["city_code"].map(names)
    fig, axes = plt.subplots(1, 2, figsize=(13, 9))
    # "ug": the CJK font has no μ
    panels = [("pm25_drop_ugm3", "PM2.5 下降 fall from the projects", "微克/立方米 ug/m³", "Blues"),
              ("avoided_deaths_per_yr", "避免过早死亡 premature deaths avoided", "人/年 a year", "Reds")]
    for ax, (col, label, unit, cmap) in zip(axes, panels):
        g.plot(column=col, ax=ax, cmap=cmap, vmin=0, legend=True, edgecolor="#999999", linewidth=0.3,
               missing_kwds=NO_DATA,
               legend_kwds={"shrink": 0.6, "label": unit, "orientation": "horizontal", "pad": 0.02,
                            "ticks": MaxNLocator(nbins=4), "format": FuncFormatter(lambda v, _: f"{v:,.1f}")})
        cities.boundary.plot(ax=ax, color="#333333", linewidth=1.1)
        if len(cities) > 1:
            _label_regions(ax, cities, "city", 10, color="black")
        ax.set_title(label, fontsize=10)
        ax.set_axis_off()
    fig.suptitle(title)
    notes = ["A screening estimate (intake fractions and GEMM; README 'PM2.5 and health'): a city's fall is shared "
             "by all its counties; its deaths by county population."]
    if g["avoided_deaths_per_yr"].isna().any():
        notes.append("Hatched: no 2020 population for the county in regions.csv (its deaths are in its city's total).")
    return _save(fig, path, svg, notes)
