"""Exports of a finished run for the people who fund and build the projects.

* ``xlsx``: one workbook (summary, targets, portfolio, per city, per county, assumptions) with frozen
  headers, units in the header names, number formats and Chinese names; opens in Excel and LibreOffice.
* ``geojson``: the 117 counties with their results as properties (for GIS).
* ``csv``: the run's tables as they are, UTF-8 with a BOM so Excel shows the Chinese names correctly.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

RUN_TABLES = ("portfolio", "targets", "county_summary", "measure_summary", "candidates")
_DTYPES = {"region_code": str, "city_code": str, "enterprise_id": str, "candidate_id": str}

# header -> (display header with unit, scale, number format)
MONEY = ("亿元", 1e-8, "#,##0.00")
COLUMN_STYLE = {
    "capex_cny": ("capex (亿元)", *MONEY[1:]),
    "annualised_capex_cny": ("annualised capex (亿元/yr)", *MONEY[1:]),
    "annual_cost_cny": ("O&M and energy (亿元/yr)", *MONEY[1:]),
    "total_annual_cost_cny": ("total annual cost (亿元/yr)", *MONEY[1:]),
    "required_t": ("required (t/yr)", 1, "#,##0"),
    "achieved_t": ("achieved (t/yr)", 1, "#,##0"),
    "slack_t": ("slack (t/yr)", 1, "#,##0"),
    "shortfall_t": ("shortfall (t/yr)", 1, "#,##0"),
    "shadow_price_cny_per_t": ("shadow price (CNY/t)", 1, "#,##0"),
    "quantity": ("quantity", 1, "#,##0.##"),
    "households_converted": ("households converted", 1, "#,##0"),
    "coal_households_2020": ("coal households 2020", 1, "#,##0"),
    **{f"{p}_t": (f"{n} reduction (t/yr)", 1, "#,##0.0") for p, n in
       [("nox", "NOx"), ("so2", "SO2"), ("pm", "PM"), ("vocs", "VOCs"), ("cod", "COD"), ("nh3n", "NH3-N"),
        ("co2", "CO2")]},
}


def read_run(run_dir: Path) -> dict[str, pd.DataFrame]:
    return {n: pd.read_csv(run_dir / f"{n}.csv", dtype=_DTYPES) for n in RUN_TABLES if (run_dir / f"{n}.csv").exists()}


def _styled(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Scale money to 亿元 and rename headers to carry units; returns the frame and formats by header."""
    out, formats = df.copy(), {}
    for col in df.columns:
        if col in COLUMN_STYLE:
            header, scale, fmt = COLUMN_STYLE[col]
            out[col] = df[col] * scale
            out = out.rename(columns={col: header})
            formats[header] = fmt
    return out, formats


def _format_sheet(ws, formats: dict[str, str]) -> None:
    ws.freeze_panes = "A2"
    head_fill = PatternFill("solid", fgColor="DDEBF7")
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = head_fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for idx, cell in enumerate(ws[1], start=1):
        letter = get_column_letter(idx)
        fmt = formats.get(cell.value)
        values = [str(c.value) for c in ws[letter][1:200] if c.value is not None]
        width = max([len(str(cell.value))] + [len(v) + sum(ord(ch) > 0x2E80 for ch in v) for v in values])
        ws.column_dimensions[letter].width = min(max(10, width + 2), 60)
        if fmt:
            for c in ws[letter][1:]:
                c.number_format = fmt
    ws.auto_filter.ref = ws.dimensions


def summary_sheet(run_dir: Path) -> pd.DataFrame:
    s = json.loads((run_dir / "summary.json").read_text(encoding="utf-8"))
    tot = s.get("totals", {})
    rows = [("scenario", s["scenario"], ""), ("status", s["status"], ""),
            ("MIP gap", s.get("mip_gap"), "fraction"),
            ("investment", tot.get("capex_cny", 0) / 1e8, "亿元"),
            ("total annual cost", tot.get("total_annual_cost_cny", 0) / 1e8, "亿元/yr"),
            ("annualised capital", tot.get("annualised_capex_cny", 0) / 1e8, "亿元/yr"),
            ("O&M and energy", tot.get("annual_om_cny", 0) / 1e8, "亿元/yr"),
            ("projects", tot.get("projects"), "")]
    rows += [(f"{k.removeprefix('reduction_').removesuffix('_t').upper()} reduction", v, "t/yr")
             for k, v in tot.items() if k.startswith("reduction_")]
    return pd.DataFrame(rows, columns=["item", "value", "unit"])


def assumptions_sheet(run_dir: Path) -> pd.DataFrame:
    man = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    rows = [("ersim", man.get("ersim")), ("Pyomo", man.get("pyomo")), ("HiGHS", man.get("highs")),
            ("scenario files", ", ".join(man.get("scenario_files", []))), ("overrides", ", ".join(man.get("overrides", [])))]
    rows += [("rule", r) for r in man.get("rules", [])]
    for k, v in (man.get("co2_intensity") or {}).items():
        rows.append((f"co2_intensity.{k}", v))

    def flat(prefix: str, obj) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                flat(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(obj, list):
            rows.append((prefix, json.dumps(obj, ensure_ascii=False)))
        else:
            rows.append((prefix, obj))

    flat("scenario", man.get("scenario", {}))
    rows += [(f"sha256 {k}", v) for k, v in man.get("inputs_sha256", {}).items()]
    return pd.DataFrame(rows, columns=["item", "value"])


def per_city(portfolio: pd.DataFrame) -> pd.DataFrame:
    cols = ["capex_cny", "total_annual_cost_cny", "nox_t", "so2_t", "vocs_t", "cod_t", "nh3n_t", "co2_t"]
    g = portfolio.groupby(["city_code", "city"])
    out = g[cols].sum()
    out.insert(0, "projects", g.size())
    return out.reset_index()


def export_xlsx(run_dir: Path, path: Path) -> Path:
    t = read_run(run_dir)
    sheets = {"summary": summary_sheet(run_dir), "targets": t["targets"], "portfolio": t["portfolio"],
              "per city": per_city(t["portfolio"]), "per county": t["county_summary"],
              "measures": t["measure_summary"], "assumptions": assumptions_sheet(run_dir)}
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            styled, formats = _styled(df)
            styled.to_excel(xw, sheet_name=name, index=False)
            _format_sheet(xw.sheets[name], formats)
    return path


def export_geojson(run_dir: Path, geojson_in: Path, path: Path) -> Path:
    import geopandas as gpd

    cs = read_run(run_dir)["county_summary"].drop(columns=["county"], errors="ignore")
    g = gpd.read_file(geojson_in).merge(cs, on="region_code", how="left")
    g.to_file(path, driver="GeoJSON")
    return path


def export_csv(run_dir: Path, out_dir: Path) -> list[Path]:
    files = []
    for name, df in read_run(run_dir).items():
        p = out_dir / f"{name}.csv"
        df.to_csv(p, index=False, encoding="utf-8-sig")  # BOM: Excel then reads the Chinese names as UTF-8
        files.append(p)
    for name in ("summary.json", "manifest.json"):
        shutil.copy(run_dir / name, out_dir / name)
        files.append(out_dir / name)
    return files


def export_run(run_dir: Path, out_dir: Path, formats: list[str], geojson_in: Path, scenario_name: str) -> list[Path]:
    files: list[Path] = []
    if "xlsx" in formats:
        files.append(export_xlsx(run_dir, out_dir / f"{scenario_name}.xlsx"))
    if "geojson" in formats:
        files.append(export_geojson(run_dir, geojson_in, out_dir / f"{scenario_name}_counties.geojson"))
    if "csv" in formats:
        csv_dir = out_dir / "csv"
        csv_dir.mkdir()
        files += export_csv(run_dir, csv_dir)
    return files
