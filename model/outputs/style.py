"""The house style every figure shares: the bundled CJK font, the style file, family colours and names, the
footer of notes and sources under the axes, and saving (PNG, optionally SVG). plots, maps and macc_chart import it;
it imports none of them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Sequence

import matplotlib

matplotlib.use("Agg")  # files only; no display needed

import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib import patheffects  # noqa: E402
from matplotlib.layout_engine import ConstrainedLayoutEngine  # noqa: E402

import numpy as np  # noqa: E402

from ..names import family_name  # noqa: E402

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansSC-ersim.otf"
STYLE_FILE = Path(__file__).parent / "ersim.mplstyle"  # seaborn's whitegrid theme, without importing seaborn
SOURCE_NOTE = "ersim; inputs: Shanxi plans 2022-23 (seeds), parameters.md; see manifest.json"
#: one colour per family of model/names.py FAMILIES (a test checks none is missing)
FAMILY_COLOURS = {"ule": "#4c72b0", "voc": "#dd8452", "heating": "#c44e52", "boiler": "#8172b3",
                  "rail": "#55a868", "wastewater": "#64b5cd", "efficiency": "#937860", "vehicle": "#da8bc3",
                  "structural": "#8c8c8c", "renewables": "#8fbc8f", "farming": "#ccb974"}
FOOTER_FONTSIZE = 7
FAMILY_LEGEND_TITLE = "类别 family"
HALO = [patheffects.withStroke(linewidth=2.5, foreground="white")]  # keeps map labels legible on any fill


def _zh(family: str) -> str:
    """A family id as figures show it (Chinese display name from model/names.py)."""
    return family_name(family, "zh")


def _colour(family: str) -> str:
    return FAMILY_COLOURS.get(family, "#999999")


def use_cjk_font() -> str:
    """Register the bundled CJK font and make it matplotlib's default; returns the family name. Text is drawn as
    written: no mathtext, so a target label or plant name with '$' in it is text, not a formula that fails to
    parse (ersim's own labels use none)."""
    font_manager.fontManager.addfont(str(FONT_FILE))
    name = font_manager.FontProperties(fname=str(FONT_FILE)).get_name()
    plt.style.use(STYLE_FILE)
    plt.rcParams.update({"font.family": "sans-serif", "font.sans-serif": [name, "DejaVu Sans"],
                         "axes.unicode_minus": False, "text.parse_math": False})
    return name


# --------------------------------------------------------------------------- small pure helpers
def _display_width(text: str) -> float:
    """Width of ``text`` in ems, roughly: CJK and full-width characters are one em, Latin ones about half."""
    return sum(1.0 if ord(c) >= 0x2E80 else 0.5 for c in text)


def wrap_note(text: str, width_in: float, fontsize: float = FOOTER_FONTSIZE) -> list[str]:
    """``text`` broken at spaces into lines that fit ``width_in`` inches at ``fontsize`` points."""
    limit = width_in * 72 / fontsize  # ems per line
    lines: list[str] = []
    for word in text.split(" "):
        if lines and _display_width(lines[-1] + " " + word) <= limit:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines


def footer_height(fig_height_in: float, lines: int, fontsize: float = FOOTER_FONTSIZE) -> float:
    """Share of a figure's height that ``lines`` footer lines take, with a small margin (kept free of axes)."""
    return (lines * 1.5 * fontsize / 72 + 0.1) / fig_height_in


def nice_ceiling(x: float) -> float:
    """The smallest of 1, 2, 2.5, 5 x 10^k at or above ``x`` > 0: an axis limit people read at a glance."""
    k = np.floor(np.log10(x))
    for m in (1, 2, 2.5, 5, 10):
        if m * 10 ** k >= x * (1 - 1e-12):
            return float(m * 10 ** k)
    return float(10 ** (k + 1))


def short_measure_name(name: str, limit: int = 18) -> str:
    """A measure name for a figure: the bracketed details dropped, cut at ``limit`` characters."""
    short = re.sub(r"（[^）]*）|\([^)]*\)", "", str(name)).strip() or str(name)
    return short if len(short) <= limit else short[: limit - 1] + "…"


def _money(v: float) -> str:
    """A number of 亿元 or 万元 as a label: two significant digits below 1, one decimal below 100, none above."""
    if 0 < abs(v) < 1:
        return f"{v:.2g}"
    return f"{v:,.1f}" if abs(v) < 100 else f"{v:,.0f}"


def _save(fig, path: Path, svg: bool = False, notes: Sequence[str] = ()) -> list[Path]:
    """Footer (``notes``, then the source note) under the axes, layout, PNG (and SVG); closes the figure."""
    width, height = fig.get_size_inches()
    lines = [line for note in (*notes, SOURCE_NOTE) for line in wrap_note(note, width - 0.2)]
    step = 1.5 * FOOTER_FONTSIZE / 72 / height
    for k, line in enumerate(reversed(lines)):  # bottom up, so the source note is the last line
        fig.text(0.01, 0.05 / height + k * step, line, fontsize=FOOTER_FONTSIZE, color="#666666", va="bottom")
    bottom = footer_height(height, len(lines))
    engine = fig.get_layout_engine()
    # nested grids (the MACC) and legends outside the axes need the constrained layout: tight_layout cannot
    if isinstance(engine, ConstrainedLayoutEngine):
        engine.set(rect=(0, bottom, 1, 1 - bottom))  # its rect is (left, bottom, width, height)
    else:
        fig.tight_layout(rect=(0, bottom, 1, 1))  # this one's is (left, bottom, right, top)
    out = [path.with_suffix(".png")]
    fig.savefig(out[0], dpi=150)
    if svg:
        out.append(path.with_suffix(".svg"))
        fig.savefig(out[1])
    plt.close(fig)
    return out


# --------------------------------------------------------------------------- cost curves of a sweep
