"""One self-contained HTML page per run: summary, targets, figures, maps and the portfolio table.

Figures are embedded as base64 PNG and styles inline, so the file opens offline and can be mailed on.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from ..rundir import OutputExistsError, read_run
from ..units import cny_to_yi

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansSC-ersim.otf"

STYLE = """
body{font-family:'ersim-sc','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.6em} h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0} th,td{border:1px solid #ddd;padding:.25em .5em}
th{background:#ddebf7;position:sticky;top:0} td.num{text-align:right;font-variant-numeric:tabular-nums}
.met{color:#2e7d32;font-weight:bold} .missed{color:#c62828;font-weight:bold}
.cards{display:flex;gap:1em;flex-wrap:wrap} .card{background:#f5f7fa;border-radius:6px;padding:.8em 1.2em}
.card b{display:block;font-size:1.4em} img{max-width:100%;border:1px solid #eee;margin:.5em 0}
.scroll{max-height:600px;overflow:auto} footer{margin-top:2em;font-size:.8em;color:#666}
"""


def _header(col: str, money_cols) -> str:
    """A column header as people read it: money in the unit the cells hold."""
    return f"{col.removesuffix('_cny')} (亿元)" if col in money_cols else col


def _number(col: str, v: float, money_cols) -> str:
    if col == "year" or col.endswith("_year"):
        return str(int(v))  # 2021, not 2,021
    if abs(v) < 1e-6:
        return "0"  # no -0 and no -1.46e-11 of solver noise
    if col in money_cols:
        return f"{cny_to_yi(v):,.2f}"
    return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"


def _table(df: pd.DataFrame, money_cols=(), max_rows: int | None = None, sortable: bool = False) -> str:
    """An HTML table; ``sortable`` adds a filter box and click-to-sort headers (a few lines of inline script)."""
    shown = df if max_rows is None else df.head(max_rows)
    head = "".join(f"<th>{html.escape(_header(str(c), money_cols))}</th>" for c in shown.columns)
    rows = []
    for r in shown.itertuples(index=False):
        cells = []
        for c, v in zip(shown.columns, r):
            if isinstance(v, (int, float)) and not isinstance(v, bool) and pd.notna(v):
                cells.append(f'<td class="num">{_number(str(c), float(v), money_cols)}</td>')
            elif isinstance(v, bool) or v in ("True", "False"):
                ok = v in (True, "True")
                cells.append(f'<td class="{"met" if ok else "missed"}">{"✔" if ok else "✘"}</td>')
            else:
                cells.append(f"<td>{'' if pd.isna(v) else html.escape(str(v))}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if not sortable:
        return table
    return ('<p><input class="filter" placeholder="筛选 filter (any text)" oninput="ersimFilter(this)"></p>'
            + table.replace("<table>", '<table class="sortable">', 1))


SCRIPT = """
function ersimFilter(box){const t=box.parentElement.nextElementSibling.tagName==='TABLE'?
 box.parentElement.nextElementSibling:box.closest('div').querySelector('table');const q=box.value.toLowerCase();
 for(const tr of t.tBodies[0].rows){tr.style.display=tr.textContent.toLowerCase().includes(q)?'':'none';}}
document.addEventListener('click',e=>{const th=e.target.closest('table.sortable th');if(!th)return;
 const t=th.closest('table'),i=[...th.parentNode.children].indexOf(th),b=t.tBodies[0],asc=th.dataset.asc!=='1';
 const key=c=>{const s=c.cells[i].textContent.replace(/,/g,'');const n=parseFloat(s);return isNaN(n)?s:n;};
 [...b.rows].sort((x,y)=>{const a=key(x),c=key(y);return (a>c?1:a<c?-1:0)*(asc?1:-1);}).forEach(r=>b.appendChild(r));
 th.dataset.asc=asc?'1':'0';});
"""


def _img(path: Path, alt: str) -> str:
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{data}">'


def build_report(run_dir: Path, out_path: Path) -> Path:
    run = read_run(run_dir)
    s, man = run.summary, run.manifest
    tot = s.get("totals", {})
    sc = man.get("scenario", {})
    gap = f" (gap {100 * s['mip_gap']:.2f}%)" if s.get("mip_gap") is not None else ""
    def money(key: str, unit: str) -> str:
        return f"{cny_to_yi(tot[key]):,.1f} {unit}" if key in tot and tot[key] is not None else "n/a"

    cards = [("状态 status", f"{s['status']}{gap}"),
             ("投资 investment", money("capex_cny", "亿元")),
             ("建成后年成本 annual cost once built", money("total_annual_cost_cny", "亿元/年")),
             ("未达软目标罚金 penalties (discounted)", money("penalties_discounted_cny", "亿元")),
             ("项目 projects", f"{tot['projects']:,}" if "projects" in tot else "n/a"),
             ("合成企业项目 plant projects at synthetic plants",
              f"{tot['plant_projects_at_synthetic_plants']:,} of {tot['plant_projects']:,}" if "plant_projects" in tot
              else "n/a")]
    parts = [f"<h1>ersim: {html.escape(run.name)}</h1>",
             f"<p>{html.escape(sc.get('description', ''))}</p>",
             '<div class="cards">' + "".join(f'<div class="card">{k}<b>{html.escape(v)}</b></div>' for k, v in cards)
             + "</div>"]
    missed = s.get("not_met")
    if missed:
        items = "".join(f"<li>{html.escape(m['target'])}: {m['achieved_t']:,.0f} of {m['required_t']:,.0f} t/yr "
                        f"(short {m['short_t']:,.0f})</li>" for m in missed)
        parts.append(f'<div class="missed"><p>{len(missed)} target(s) NOT met 未达标:</p><ul>{items}</ul></div>')
    elif missed is not None:
        parts.append('<p class="met">全部目标达成 every target met</p>')
    if "diagnosis" in run:
        parts += ["<h2>诊断 What can be achieved (t/yr)</h2>", _table(run["diagnosis"])]
    if not run.solved:
        return _write(parts, run, man, out_path)
    t = run.tables
    shadow = run.shadow_column
    tg = t["targets"][["target", "kind", "required_t", "achieved_t", "slack_t", "met", shadow]]
    unit = "CNY/t" if shadow == "shadow_price_cny_per_t" else "weighted t per t"
    parts += [f"<h2>目标 Targets (t/yr; shadow price {unit})</h2>",
              _table(tg) if len(tg) else "<p>This scenario sets no targets.</p>"]
    for name, title in [("reductions_vs_targets", "减排与目标 Reductions vs targets"),
                        ("cost_by_family_year", "成本 Cost by family and year"),
                        ("investment_by_city", "各市投资 Investment per city"),
                        ("county_maps", "区县地图 County maps")]:
        if run.figure(name) is not None:
            parts += [f"<h2>{title}</h2>", _img(run.figure(name), title)]
    syn = s.get("synthetic_by_sector")
    if syn:
        st = pd.DataFrame([{"sector": k, **v} for k, v in syn.items()])
        parts += ["<h2>合成企业占比 How much rests on synthetic plants (no public list names them)</h2>", _table(st)]
    ms = t["measure_summary"][["measure_id", "measure_name", "family", "projects", "capex_cny",
                               "total_annual_cost_cny", "nox_t", "vocs_t", "cod_t", "co2_t"]]
    parts += ["<h2>措施汇总 Measures (money in 亿元)</h2>",
              _table(ms, money_cols=("capex_cny", "total_annual_cost_cny"))]
    port = t["portfolio"][["year", "family", "measure_name", "enterprise_name", "county", "city", "quantity", "unit",
                           "capex_cny", "total_annual_cost_cny", "nox_t", "vocs_t", "cod_t"]]
    parts += [f"<h2>项目清单 Portfolio ({len(port):,} projects; money in 亿元)</h2>",
              '<div class="scroll">' + _table(port, money_cols=("capex_cny", "total_annual_cost_cny"), sortable=True)
              + "</div>"]
    return _write(parts, run, man, out_path)


def _write(parts: list[str], run, man: dict, out_path: Path) -> Path:
    parts.append(f"<footer>ersim {html.escape(str(man.get('ersim')))}, Pyomo {html.escape(str(man.get('pyomo')))}, "
                 f"HiGHS {html.escape(str(man.get('highs')))}; created {html.escape(str(man.get('created_utc')))}; "
                 "inputs and their sources: inputs/README.md; full tables in the run directory.</footer>")
    # the bundled CJK font travels inside the page, so Chinese renders on machines without CJK fonts
    font = base64.b64encode(FONT_FILE.read_bytes()).decode("ascii")
    face = f"@font-face{{font-family:'ersim-sc';src:url(data:font/otf;base64,{font}) format('opentype')}}"
    page = (f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>ersim {html.escape(run.name)}'
            f"</title><style>{face}{STYLE}</style></head><body>{''.join(parts)}<script>{SCRIPT}</script></body></html>")
    out_path.write_text(page, encoding="utf-8")
    return out_path


def write_report(run_dir: Path, force: bool = False) -> Path:
    """``run_dir/report.html``, written whole or not at all; an existing report needs ``force``."""
    run_dir = Path(run_dir)
    read_run(run_dir)  # a clear error if this is not a run
    out = run_dir / "report.html"
    if out.exists() and not force:
        raise OutputExistsError(f"{out} exists; pass --force to replace it")
    tmp = out.with_suffix(".html.partial")
    try:
        build_report(run_dir, tmp)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
