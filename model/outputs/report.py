"""One self-contained HTML page per run: whether the targets are met, the money, the targets, figures, maps,
the measures and the portfolio table, in Chinese (the default) or English.

Headers, names and units come from model/names.py (ids stay in the run's CSV files). Figures are embedded as
base64 PNG and the font and styles inline, so the file opens offline and can be mailed on.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

import numpy as np
import pandas as pd

from ..names import (EFFECTS, column_decimals, column_name, column_unit, display_frame, is_label_column, say,
                     not_met_items, pm25_headline, price_items, targets_headline, unit_name, value_name)
from ..rundir import OutputExistsError, read_run, writing_to
from ..tables import annual_plan, per_city, whole_units
from ..units import cny_to_yi

FONT_FILE = Path(__file__).parent / "fonts" / "NotoSansSC-ersim.otf"

STYLE = """
body{font-family:'ersim-sc','Noto Sans SC','Microsoft YaHei','PingFang SC',sans-serif;margin:2em auto;max-width:1200px;color:#222}
h1{font-size:1.6em} h2{font-size:1.25em;border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:1.6em}
table{border-collapse:collapse;font-size:.85em;margin:.5em 0} th,td{border:1px solid #ddd;padding:.25em .5em}
th{background:#ddebf7;position:sticky;top:0} th .unit{white-space:nowrap;font-weight:normal}
td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.met,td.missed,td.nw{white-space:nowrap}
.met{color:#2e7d32;font-weight:bold} .missed{color:#c62828;font-weight:bold} .headline{font-size:1.15em}
.cards{display:flex;gap:1em;flex-wrap:wrap} .card{background:#f5f7fa;border-radius:6px;padding:.8em 1.2em}
.card b{display:block;font-size:1.4em} img{max-width:100%;border:1px solid #eee;margin:.5em 0}
.scroll{max-height:600px;overflow:auto} footer{margin-top:2em;font-size:.8em;color:#666}
h3{font-size:1.05em;margin:1.2em 0 .3em}
@media print{@page{size:A4;margin:12mm 10mm}
 body{max-width:none;margin:0;font-size:9pt} table{font-size:7pt;margin:.3em 0} th,td{padding:.1em .3em}
 th{position:static} .scroll{max-height:none;overflow:visible} input,.filter{display:none}
 h2,h3{break-after:avoid} tr,img,.cards{break-inside:avoid} img{max-height:230mm;border:none}
 thead{display:table-header-group} .newpage{break-before:page}}
"""


def _cell(col: str, v: float) -> str:
    """A number as the report shows it: years and codes plain (2021, not 2,021), the column's decimals
    (model/names.py) with thousands separators, solver noise (-1.46e-11) as 0."""
    if is_label_column(col):
        return str(int(v))
    d = column_decimals(col)
    if d is None:
        d = 0 if abs(v) >= 100 or float(v).is_integer() else 2
    if round(v, d) == 0:
        v = 0.0  # no -0.000
    return f"{v:,.{d}f}"


def _th(col: str, lang: str) -> str:
    """A header: the column's name, its unit below it (kept on one line)."""
    unit = column_unit(col)
    name = html.escape(column_name(col, lang))
    return f'{name}<br><span class="unit">({html.escape(unit_name(unit, lang))})</span>' if unit else name


def _table(df: pd.DataFrame, lang: str = "zh", max_rows: int | None = None, sortable: bool = False) -> str:
    """An HTML table with display headers, names and units (model/names.py); ``sortable`` adds a filter box and
    click-to-sort headers (a few lines of inline script)."""
    raw = df if max_rows is None else df.head(max_rows)
    shown = display_frame(raw, lang)
    head = "".join(f"<th>{_th(str(c), lang)}</th>" for c in raw.columns)
    rows = []
    for r, named in zip(raw.itertuples(index=False), shown.itertuples(index=False)):
        cells = []
        for c, v, name in zip(raw.columns, r, named):
            if isinstance(v, bool) or c == "met" or v in ("True", "False"):
                ok = v in (True, "True")
                mark = "✔" if ok else "✘"
                cells.append(f'<td class="{"met" if ok else "missed"}">{mark} {html.escape(str(name))}</td>')
            elif isinstance(name, (int, float, np.integer, np.floating)) and pd.notna(name):
                cells.append(f'<td class="num">{_cell(str(c), float(name))}</td>')
            else:
                text = "" if pd.isna(name) else str(name)
                short = ' class="nw"' if len(text) <= 8 else ""  # names of families, counties, cities: one line
                cells.append(f"<td{short}>{html.escape(text)}</td>")
        rows.append("<tr>" + "".join(cells) + "</tr>")
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    if not sortable:
        return table
    hint = say("筛选（任意文字）", "filter (any text)", lang)
    return (f'<p><input class="filter" placeholder="{hint}" oninput="ersimFilter(this)"></p>'
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


#: the columns of the report's tables (ids; names and units from model/names.py)
TARGET_COLUMNS = ["target", "kind", "year", "required_t", "achieved_t", "slack_t", "met"]
MEASURE_COLUMNS = ["measure_name", "family", "projects", "capex_cny", "total_annual_cost_cny", *EFFECTS]
PORTFOLIO_COLUMNS = ["year", "family", "measure_name", "enterprise_name", "plant_identity", "county", "city", "quantity", "unit",
                     "capex_cny", "total_annual_cost_cny", *EFFECTS]
FIGURES = [("reductions_vs_targets", "减排与目标", "Reductions against targets"),
           ("cost_by_family_year", "各类措施逐年成本", "Cost by family and year"),
           ("investment_by_city", "各市投资", "Investment per city"), ("county_maps", "区县地图", "County maps"),
           ("health_map", "健康效益地图", "Health by county")]


def _headline(s: dict, targets: pd.DataFrame | None, air: pd.DataFrame | None, lang: str) -> str:
    """The first thing the page says: every target met, or which are not and by how much; then the PM2.5 levels
    the scenario set (:func:`model.names.pm25_headline`), if any."""
    not_met = s.get("not_met") if "totals" in s else None
    line = html.escape(targets_headline(not_met, targets, lang))
    air_line = pm25_headline(air, lang) if "totals" in s else None
    after = "" if air_line is None else (f'<p class="{"met" if air_line[0] else "missed"} headline">'
                                         f"{html.escape(air_line[1])}</p>")
    if not_met:
        items = "".join(f"<li>{html.escape(i)}</li>" for i in not_met_items(not_met, targets, lang))
        title = say(f"{len(not_met)} 项目标未达成（共 {len(targets)} 项）：",
                    f"{len(not_met)} of {len(targets)} targets NOT met:", lang)
        return f'<div class="missed headline"><p>{html.escape(title)}</p><ul>{items}</ul></div>' + after
    return f'<p class="{"missed" if not_met is None else "met"} headline">{line}</p>' + after


def _cards(s: dict, lang: str) -> str:
    tot = s.get("totals", {})
    na = say("—", "n/a", lang)
    gap = f" ({say('间隙', 'gap', lang)} {100 * s['mip_gap']:.2f}%)" if s.get("mip_gap") is not None else ""

    def money(key: str) -> str:
        if tot.get(key) is None:
            return na
        return f"{cny_to_yi(tot[key]):,.1f} {unit_name(column_unit(key), lang)}"

    cards = [(column_name("status", lang), f"{value_name('status', s['status'], lang)}{gap}"),
             (column_name("capex_cny", lang), money("capex_cny")),
             (column_name("total_annual_cost_cny", lang), money("total_annual_cost_cny")),
             (column_name("penalties_discounted_cny", lang), money("penalties_discounted_cny")),
             (column_name("projects", lang), f"{tot['projects']:,}" if "projects" in tot else na),
             (say("位于实名企业的企业项目", "plant projects at named plants", lang),
              say(f"{tot['plant_projects_at_named_plants']:,} / {tot['plant_projects']:,}",
                  f"{tot['plant_projects_at_named_plants']:,} of {tot['plant_projects']:,}", lang)
              if "plant_projects_at_named_plants" in tot else na)]
    return ('<div class="cards">' + "".join(f'<div class="card">{html.escape(k)}<b>{html.escape(v)}</b></div>'
                                           for k, v in cards) + "</div>")


def build_report(run_dir: Path, out_path: Path, lang: str = "zh") -> Path:
    run = read_run(run_dir)
    s, man = run.summary, run.manifest
    sc = man.get("scenario", {})
    t = run.tables
    targets = t.get("targets")
    parts = [f"<h1>ersim：{html.escape(run.name)}</h1>" if lang == "zh" else f"<h1>ersim: {html.escape(run.name)}</h1>",
             f"<p>{html.escape(sc.get('description', ''))}</p>", _headline(s, targets, t.get("air_quality"), lang),
             _cards(s, lang)]
    if "diagnosis" in run:
        parts += [f"<h2>{say('诊断：各目标最多可达', 'Diagnosis: what each target can achieve', lang)}</h2>",
                  _table(run["diagnosis"], lang)]
    if not run.solved:
        return _write(parts, run, man, out_path, lang)
    shadow = run.shadow_column
    parts.append(f"<h2>{say('目标（相对2020年的减排量）', 'Targets (reductions versus 2020)', lang)}</h2>")
    if len(targets):
        marginal = [c for c in ("marginal_cny_per_t", "marginal_weighted_t_per_t", "marginal_deaths_per_t")
                    if c in targets]  # runs before 0.1 have none
        parts.append(_table(targets[[*TARGET_COLUMNS, shadow, *marginal, "note"]], lang))
        parts.append("<p>" + html.escape(say(
            "影子价格：仅该行多减一吨的成本；边际成本：目标多减一吨、其阶段目标按同一比例随之提高时的成本（运行、成本曲线与MACC用同一定义）。",
            "Shadow price: one more tonne of that row alone; marginal cost: one more tonne of the target with its "
            "milestones rising in proportion (the definition the run, the cost curve and the MACC share).", lang))
            + "</p>")
        for r in targets[targets["source"] == "co2_intensity"].to_dict("records"):
            ok = value_name("met", bool(r["met"]), lang)
            parts.append("<p>" + html.escape(say(
                f"单位GDP二氧化碳排放 {r['year']}年：要求 {r['intensity_required_pct']:+.1f} %，"
                f"达到 {r['intensity_reached_pct']:+.1f} %（达标：{ok}）",
                f"CO2 per unit GDP {r['year']}: required {r['intensity_required_pct']:+.1f} %, reached "
                f"{r['intensity_reached_pct']:+.1f} % (met: {ok})", lang)) + "</p>")
    else:
        parts.append(f"<p>{say('本情景未设目标。', 'This scenario sets no targets.', lang)}</p>")
    if "air_quality" in t:  # the plan's binding air indicator (000:L182) and health (model/air.py)
        air = t["air_quality"][["name_zh", "pm25_2020_ugm3", "pm25_drop_ugm3", "pm25_modelled_ugm3", "target_ugm3",
                                "meets_target", "avoided_deaths_per_yr"]]
        tot = s.get("totals", {})
        # a figure the run does not hold (no investment: no deaths per 亿元) shows as a dash, not as 0
        deaths, per = (tot.get(k) for k in ("avoided_deaths_per_yr", "avoided_deaths_per_100m_cny"))
        deaths = "—" if deaths is None else f"{deaths:,.0f}"
        per = "—" if per is None else f"{per:.2f}"
        parts += [f"<h2>{say('PM2.5浓度与健康效益', 'PM2.5 and health', lang)}</h2>", _table(air, lang),
                  "<p>" + html.escape(say(
                      f"人口加权年均PM2.5：2020年值减去项目的作用（摄入分数法筛选估算，其余因素按2020年不变；非化学传输模型）。"
                      f"避免过早死亡 {deaths} 人/年（GEMM，非传染性疾病与下呼吸道感染），每亿元投资 {per} 人/年。",
                      f"Population-weighted annual PM2.5: 2020 less what the projects do (a screening estimate from "
                      f"intake fractions, everything else held at 2020; not a chemical transport model). Premature "
                      f"deaths avoided {deaths} a year (GEMM, NCD+LRI), {per} per 亿元 invested.", lang)) + "</p>"]
    plan = annual_plan(t["portfolio"])
    by_year = plan.groupby("year")[["projects", "capex_cny", *EFFECTS]].sum().reset_index()
    parts += [f"<h2>{say('年度计划（按建设年份）', 'Annual plan (by the year projects are built)', lang)}</h2>",
              _table(by_year, lang),
              f"<h3>{say('各市年度计划', 'Annual plan per city', lang)}</h3>",
              _table(plan.drop(columns=["city_code"]), lang)]
    for name, zh, en in FIGURES:
        if run.figure(name) is not None:
            parts += [f"<h2>{say(zh, en, lang)}</h2>", _img(run.figure(name), say(zh, en, lang))]
    ident = s.get("identity_by_sector")
    if ident:
        st = pd.DataFrame([{"sector": k, **v} for k, v in ident.items()])
        title = say("实名企业与城市其余产能（未列明企业）", "Named plants and city remainders (plants no public list names)",
                    lang)
        parts += [f"<h2>{title}</h2>", _table(st, lang)]
    parts += [f"<h2>{say('措施汇总', 'Measures', lang)}</h2>", _table(t["measure_summary"][MEASURE_COLUMNS], lang)]
    parts += [f'<h2 class="newpage">{say("各市汇总", "Per city", lang)}</h2>',
              _table(per_city(t["portfolio"]).drop(columns=["city_code"]), lang),
              f"<h2>{say('各区县汇总', 'Per county', lang)}</h2>", _table(t["county_summary"], lang)]
    parts += _assumptions(man, lang)
    port = whole_units(t["portfolio"])
    title = say(f"项目清单（{len(port):,} 行：每个项目及其建设年份一行，按市分组；户、辆取整，投资与减排按同一比例）",
                f"Portfolio ({len(port):,} rows: one per project and build year, by city; households and vehicles "
                "whole, their money and cuts scaled alike)", lang)
    parts.append(f'<h2 class="newpage">{title}</h2>')
    for city, rows in port.groupby("city", sort=True):
        shown = rows[PORTFOLIO_COLUMNS].rename(columns={"capex_cny": "project_capex_cny"}).drop(columns=["city"])
        parts += [f"<h3>{html.escape(str(city))}（{len(rows):,}）</h3>", _table(shown, lang, sortable=True)]
    return _write(parts, run, man, out_path, lang)


def _assumptions(man: dict, lang: str) -> list[str]:
    """What the answer rests on, as a planner reads it: the scenario's own stated assumptions, the money rules,
    the prices, the rules in force and any command-line changes (the workbook's 假设与参数 sheet has every key)."""
    sc = man.get("scenario", {})
    h = sc.get("horizon", {})
    rows = [(say("折现率", "discount rate", lang), sc.get("discount_rate"), ""),
            (say("规划期", "plan years", lang), f"{h.get('start_year')}-{h.get('end_year')}", ""),
            (say("成本计至", "costs counted to", lang), h.get("evaluation_end_year"), ""),
            (say("成本核算", "cost accounting", lang), man.get("cost_accounting"), ""),
            (say("阶段目标", "phasing", lang), (sc.get("phasing") or {}).get("assumption") or "", ""),
            (say("碳强度目标", "CO2 intensity", lang), (sc.get("co2_intensity") or {}).get("assumption") or "", ""),
            (say("命令行覆盖", "command-line changes", lang), "; ".join(man.get("overrides", [])) or say("无", "none", lang),
             "")]
    rows += [(say("政策规则", "rule", lang), r, "") for r in man.get("rules", [])]
    rows += price_items(man.get("prices_cny_per_unit") or {}, lang)
    for p in (sc.get("pace") or {}).get("programmes", []):
        rows.append((say(f"年度能力：{p.get('family')}", f"pace: {p.get('family')}", lang),
                     p.get("max_per_year"), f"{p.get('unit')}/{say('年', 'yr', lang)} — {p.get('source', '')}"))
    df = pd.DataFrame([r for r in rows if r[1] not in (None, "")], columns=["item", "value", "unit"])
    return [f"<h2>{say('假设', 'Assumptions', lang)}</h2>", _table(df.astype({"value": str}), lang)]


def _write(parts: list[str], run, man: dict, out_path: Path, lang: str = "zh") -> Path:
    made = say(f"ersim {man.get('ersim')}，Pyomo {man.get('pyomo')}，HiGHS {man.get('highs')}；生成于 "
               f"{man.get('created_utc')}；输入数据及来源见 inputs/README.md；完整表格在运行目录中。",
               f"ersim {man.get('ersim')}, Pyomo {man.get('pyomo')}, HiGHS {man.get('highs')}; created "
               f"{man.get('created_utc')}; inputs and their sources: inputs/README.md; full tables in the run "
               "directory.", lang)
    parts.append(f"<footer>{html.escape(made)}</footer>")
    # the bundled CJK font travels inside the page, so Chinese renders on machines without CJK fonts
    font = base64.b64encode(FONT_FILE.read_bytes()).decode("ascii")
    face = f"@font-face{{font-family:'ersim-sc';src:url(data:font/otf;base64,{font}) format('opentype')}}"
    page = (f'<!DOCTYPE html><html lang="{"zh-CN" if lang == "zh" else "en"}"><head><meta charset="utf-8">'
            f"<title>ersim {html.escape(run.name)}</title><style>{face}{STYLE}</style></head>"
            f"<body>{''.join(parts)}<script>{SCRIPT}</script></body></html>")
    out_path.write_text(page, encoding="utf-8")
    return out_path


def write_report(run_dir: Path, force: bool = False, lang: str = "zh") -> Path:
    """``run_dir/report.html``, written whole or not at all; an existing report needs ``force``."""
    run_dir = Path(run_dir)
    read_run(run_dir)  # a clear error if this is not a run
    out = run_dir / "report.html"
    if out.exists() and not force:
        raise OutputExistsError(f"{out} exists; pass --force to replace it")
    tmp = out.with_suffix(".html.partial")
    try:
        with writing_to(out):
            build_report(run_dir, tmp, lang)
            tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    return out
