"""Exports of a finished run for the people who fund and build the projects.

* ``xlsx``: one workbook (summary, targets, portfolio, per city, per county, measures, assumptions) in the
  chosen language (Chinese by default): headers with units from model/names.py, money in 亿元, the targets and
  the summary's reductions in 万吨, number formats with thousands separators, frozen headers and filters.
  Its first line says whether every target is met. Opens in Excel and LibreOffice.
* ``geojson``: the counties of the run's scope with their results as properties (ids, for GIS).
* ``csv``: the run's tables as they are (ids), UTF-8 with a BOM so Excel shows the Chinese names correctly.

Names and descriptions come from users and datasets: no text cell of the workbook is a formula, and text fields
of the CSV files that a spreadsheet would read as one get an apostrophe in front (model/textsafe.py).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..names import (DECIMALS, EFFECTS, SHEETS, column_decimals, column_name, column_unit, display_frame,
                     is_label_column, pm25_headline, price_items, say, targets_headline, unit_name, value_name)
from ..rundir import NotARunError, Run, read_run
from ..tables import annual_plan, per_city
from ..textsafe import neutralise_frame, text_as_text, workbook_frame
from ..units import WAN_CNY, cny_to_yi, t_to_wan_t

HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")


def number_format(decimals: int | None, label: bool = False) -> str | None:
    """Excel number format: thousands separators and ``decimals`` places; years and codes as plain digits."""
    if label:
        return "0"
    if decimals is None:
        return None
    return "#,##0" if decimals == 0 else "#,##0." + "0" * decimals


def table_sheet(df: pd.DataFrame, lang: str) -> tuple[pd.DataFrame, list[str | None]]:
    """A run table as a sheet: display units and names (model/names.py), and each column's number format."""
    formats = [number_format(column_decimals(c), is_label_column(c)) if pd.api.types.is_numeric_dtype(df[c])
               and not pd.api.types.is_bool_dtype(df[c]) else None for c in df.columns]
    return display_frame(df, lang), formats


def _format_sheet(ws, formats: list[str | None], row_formats: dict[int, str] | None = None) -> None:
    """Bold wrapped headers, frozen first row, filters, widths; ``formats`` per column, ``row_formats`` per row
    of the value column (summary and assumptions hold one quantity per row)."""
    ws.freeze_panes = "A2"
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for idx, cell in enumerate(ws[1], start=1):
        letter = get_column_letter(idx)
        values = [str(c.value) for c in ws[letter][1:200] if c.value is not None]
        width = max([len(str(cell.value)) + sum(ord(ch) > 0x2E80 for ch in str(cell.value))]
                    + [min(len(v), 60) + sum(ord(ch) > 0x2E80 for ch in v[:60]) for v in values])
        ws.column_dimensions[letter].width = min(max(8, width + 2), 70)
        fmt = formats[idx - 1] if idx - 1 < len(formats) else None
        if fmt:
            for c in ws[letter][1:]:
                c.number_format = fmt
    for row, fmt in (row_formats or {}).items():
        ws.cell(row=row + 2, column=2).number_format = fmt
    ws.auto_filter.ref = ws.dimensions


def _quantity(key: str, value, lang: str) -> tuple[str, object, str, str | None]:
    """(label, value in its display unit, unit, number format) of one figure of the summary."""
    unit = column_unit(key)
    if unit == "万吨":
        value = t_to_wan_t(value)
    elif unit in ("亿元", "亿元/年"):
        value = cny_to_yi(value)
    return column_name(key, lang), value, unit_name(unit, lang), number_format(column_decimals(key))


def summary_sheet(run: Run, lang: str = "zh") -> tuple[pd.DataFrame, dict[int, str]]:
    """Label, value and unit per row, the targets line first; and the number format of each row's value."""
    s = run.summary
    targets = run.tables.get("targets")
    rows: list[tuple[str, object, str, str | None]] = [
        (say("目标达成情况", "targets", lang),
         targets_headline(s.get("not_met") if "totals" in s else None, targets, lang), "", None)]
    air = pm25_headline(run.tables.get("air_quality"), lang) if "totals" in s else None
    if air is not None:  # the PM2.5 levels the scenario set, right after
        rows.append((say("PM2.5浓度目标", "PM2.5 levels", lang), air[1], "", None))
    rows += [
        (column_name("scenario", lang), s["scenario"], "", None),
        (column_name("status", lang), value_name("status", s["status"], lang), "", None)]
    if "totals" not in s:  # infeasible: no portfolio, so no money or tonnes to show
        rows.append((say("项目组合", "portfolio", lang), say("无：目标无法全部达成，见“诊断”工作表",
                                                          "n/a: the targets cannot all be met; see the diagnosis "
                                                          "sheet", lang), "", None))
    else:
        tot = s["totals"]
        if s.get("mip_gap") is not None:
            rows.append((column_name("mip_gap", lang), s["mip_gap"], "", "0.00%"))
        for key in ("capex_cny", "total_annual_cost_cny", "annualised_capex_cny", "annual_om_cny"):
            rows.append(_quantity(key, tot.get(key, 0.0), lang))
        if s.get("objective_discounted_cny") is not None:
            rows.append(_quantity("objective_discounted_cny", s["objective_discounted_cny"], lang))
        if tot.get("spending_discounted_cny") is not None:  # what any objective's portfolio costs, discounted
            for key in ("spending_discounted_cny", "penalties_discounted_cny"):
                rows.append(_quantity(key, tot[key], lang))
        for key in ("objective_weighted_t", "objective_deaths_per_yr"):
            if s.get(key) is not None:
                rows.append(_quantity(key, s[key], lang))
        for key in ("projects", "plant_projects", "plant_projects_at_named_plants", "plant_capex_cny",
                    "plant_capex_at_named_plants_cny"):
            if tot.get(key) is not None:
                rows.append(_quantity(key, tot[key], lang))
        rows += [_quantity(f"reduction_{col}", tot[f"reduction_{col}"], lang) for col in EFFECTS
                 if f"reduction_{col}" in tot]
        if targets is not None and "intensity_reached_pct" in targets:
            for r in targets[targets["source"] == "co2_intensity"].to_dict("records"):
                for key in ("intensity_required_pct", "intensity_reached_pct"):
                    rows.append((column_name(key, lang), r[key], "%", number_format(1)))
    df = pd.DataFrame([r[:3] for r in rows], columns=[column_name(c, lang) for c in ("item", "value", "unit")])
    return df, {i: r[3] for i, r in enumerate(rows) if r[3]}


#: units named by the end of a manifest key: (suffix, display unit, conversion), first match wins
KEY_UNITS = (("_cny_per_t", "元/吨", None), ("_t_per_cny", "吨/万元", lambda v: v * WAN_CNY), ("_t", "万吨", t_to_wan_t),
             ("_cny", "亿元", cny_to_yi), ("_pct", "%", None), ("_pct_per_yr", "%/年", None))


def _assumption_unit(key: str, value) -> tuple[object, str, str | None]:
    """A figure of the manifest in its display unit, by the unit its key names: (value, unit, number format)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return value, "", None
    last = key.rsplit(".", 1)[-1]
    if last.endswith("year"):
        return value, "", "0"
    for suffix, unit, convert in KEY_UNITS:
        if last.endswith(suffix):
            return (convert(value) if convert else value), unit, number_format(DECIMALS[unit])
    if isinstance(value, int) or abs(value) >= 1000:
        return value, "", "#,##0"
    return float(f"{value:.6g}"), "", "General"


def assumptions_sheet(run: Run, lang: str = "zh") -> tuple[pd.DataFrame, dict[int, str]]:
    """Every assumption of the run, one per row: versions, scenario files (names only: the workbook travels),
    rules, prices with their units, the CO2-intensity arithmetic, the resolved scenario key by key (its keys as
    the scenario file writes them), the inputs' hashes. No paths of this machine, no JSON."""
    man = run.manifest
    rows: list[tuple[str, object, str, str | None]] = [
        ("ersim", man.get("ersim"), "", None), ("Pyomo", man.get("pyomo"), "", None),
        ("HiGHS", man.get("highs"), "", None),
        (say("情景文件", "scenario files", lang), " -> ".join(Path(f).name for f in man.get("scenario_files", [])),
         "", None),
        (say("命令行覆盖 (--set)", "overrides (--set)", lang), "; ".join(man.get("overrides", [])) or
         say("无", "none", lang), "", None),
        (say("成本核算", "cost accounting", lang), man.get("cost_accounting"), "", None)]
    rows += [(say("政策规则", "rule", lang), r, "", None) for r in man.get("rules", [])]
    rows += [(*item, number_format(2)) for item in price_items(man.get("prices_cny_per_unit") or {}, lang)]
    for k, v in (man.get("co2_intensity") or {}).items():
        rows.append((f"co2_intensity.{k}", *_assumption_unit(k, v)))

    def flat(prefix: str, obj) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                flat(f"{prefix}.{k}" if prefix else str(k), v)
        elif isinstance(obj, list):
            if obj and all(isinstance(x, dict) for x in obj):  # one row per item (targets), not a JSON blob
                for i, x in enumerate(obj):
                    flat(f"{prefix}.{i}", x)
            else:
                rows.append((prefix, "; ".join(str(x) for x in obj), "", None))
        elif isinstance(obj, str):
            rows.append((prefix, obj.strip(), "", None))
        else:
            rows.append((prefix, *_assumption_unit(prefix, obj)))

    flat("scenario", man.get("scenario", {}))
    rows += [(f"sha256 {k}", v, "", None) for k, v in man.get("inputs_sha256", {}).items()]
    df = pd.DataFrame([(item, value, unit_name(unit, lang)) for item, value, unit, _ in rows],
                      columns=[column_name(c, lang) for c in ("item", "value", "unit")])
    return df, {i: r[3] for i, r in enumerate(rows) if r[3]}


def workbook_sheets(run: Run, lang: str = "zh") -> dict[str, tuple[pd.DataFrame, list[str | None], dict[int, str]]]:
    """Sheet name -> (table as shown, number format per column, number format per row of the value column)."""
    summary, summary_rows = summary_sheet(run, lang)
    sheets = {"summary": (summary, [None] * 3, summary_rows)}
    tables = {}
    if run.solved:
        tables = {"targets": run["targets"], "annual plan": annual_plan(run["portfolio"]),
                  "portfolio": run["portfolio"], "per city": per_city(run["portfolio"]),
                  "per county": run["county_summary"], "measures": run["measure_summary"]}
    if "diagnosis" in run:
        tables["diagnosis"] = run["diagnosis"]
    if run.solved and "air_quality" in run:  # PM2.5 per city, deaths avoided per county (model/air.py)
        tables["air quality"] = run["air_quality"]
        tables["health"] = run["health_by_county"]
    for key, df in tables.items():
        shown, formats = table_sheet(df, lang)
        sheets[key] = (shown, formats, {})
    assumptions, assumption_rows = assumptions_sheet(run, lang)
    sheets["assumptions"] = (assumptions, [None] * 3, assumption_rows)
    return {SHEETS[k][0 if lang == "zh" else 1]: v for k, v in sheets.items()}


def export_xlsx(run: Run, path: Path, lang: str = "zh") -> Path:
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, (df, formats, row_formats) in workbook_sheets(run, lang).items():
            workbook_frame(df).to_excel(xw, sheet_name=name, index=False)
            _format_sheet(xw.sheets[name], formats, row_formats)
            text_as_text(xw.sheets[name])  # a description or plant name '=...' shows as typed, not as a formula
    return path


def export_geojson(run: Run, path: Path) -> Path:
    """The run's counties (its scope) with their results as properties."""
    import geopandas as gpd

    cs = run["county_summary"].drop(columns=["county"], errors="ignore")
    g = gpd.read_file(run.geometry).merge(cs, on="region_code", how="left")
    g.to_file(path, driver="GeoJSON")
    return path


def export_csv(run: Run, out_dir: Path) -> list[Path]:
    """The run's tables as CSV files for spreadsheets: text that Excel would read as a formula gets an apostrophe
    in front (model/textsafe.py). The run's own CSV files stay as ersim wrote them: they are the machine record,
    read back by ersim and hashed, and a name in them is the name in the dataset, character for character."""
    files = []
    for name, df in run.tables.items():
        p = out_dir / f"{name}.csv"
        # BOM: Excel then reads the Chinese names as UTF-8
        neutralise_frame(df).to_csv(p, index=False, encoding="utf-8-sig")
        files.append(p)
    for doc in run.documents():
        shutil.copy(doc, out_dir / doc.name)
        files.append(out_dir / doc.name)
    return files


def file_stem(run: Run) -> str:
    """The start of the exported files' names: the run's scenario name, checked again as the scenario loader
    checks it, because it is read from summary.json, a file anyone can edit ('../x' must not write elsewhere)."""
    from ..scenario import name_problem

    problem = name_problem(run.name)
    if problem:
        raise NotARunError(f"{run.path / 'summary.json'}: scenario: {problem}")
    return run.name


def export_run(run_dir: Path, out_dir: Path, formats: list[str], lang: str = "zh") -> list[Path]:
    """The run at ``run_dir`` in each of ``formats`` (xlsx, geojson, csv), written into ``out_dir``; the
    workbook in ``lang`` (the GeoJSON and CSV files keep their ids, for machines)."""
    run = read_run(run_dir)
    stem = file_stem(run)
    files: list[Path] = []
    if "xlsx" in formats:
        files.append(export_xlsx(run, out_dir / f"{stem}.xlsx", lang))
    if "geojson" in formats and run.solved and run.geometry is not None:
        files.append(export_geojson(run, out_dir / f"{stem}_counties.geojson"))
    if "csv" in formats:
        csv_dir = out_dir / "csv"
        csv_dir.mkdir()
        files += export_csv(run, csv_dir)
    return files


def write_export(run_dir: Path, fmt: str, out: Path | None = None, force: bool = False, lang: str = "zh") -> Path:
    """Export a run in ``fmt`` (xlsx, csv, geojson or all) into ``out`` (default ``run_dir/export``), atomically."""
    from ..rundir import write_atomically

    read_run(run_dir)  # a clear error if this is not a run
    formats = ["xlsx", "csv", "geojson"] if fmt == "all" else [fmt]
    return write_atomically(out or Path(run_dir) / "export", lambda tmp: export_run(run_dir, tmp, formats, lang),
                            force)
