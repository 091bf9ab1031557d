"""Exports of a finished run for the people who fund and build the projects.

* ``xlsx``: one workbook (summary, targets, portfolio, per city, per county, assumptions) with frozen
  headers, units in the header names, number formats and Chinese names; opens in Excel and LibreOffice.
* ``geojson``: the 117 counties with their results as properties (for GIS).
* ``csv``: the run's tables as they are, UTF-8 with a BOM so Excel shows the Chinese names correctly.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ..names import POLLUTANTS
from ..rundir import Run, read_run
from ..units import cny_to_yi

# header -> (display header with unit, conversion, number format)
MONEY = ("亿元", cny_to_yi, "#,##0.00")
COLUMN_STYLE = {
    "capex_cny": ("capex (亿元)", *MONEY[1:]),
    "annualised_capex_cny": ("annualised capex (亿元/yr)", *MONEY[1:]),
    "annual_cost_cny": ("O&M and energy (亿元/yr)", *MONEY[1:]),
    "total_annual_cost_cny": ("annual cost once built (亿元/yr)", *MONEY[1:]),
    "required_t": ("required (t/yr)", None, "#,##0"),
    "achieved_t": ("achieved (t/yr)", None, "#,##0"),
    "slack_t": ("slack (t/yr)", None, "#,##0"),
    "shortfall_t": ("shortfall (t/yr)", None, "#,##0"),
    "shadow_price_cny_per_t": ("shadow price (CNY/t)", None, "#,##0"),
    "shadow_price_weighted_t_per_t": ("shadow price (weighted t per t)", None, "#,##0.000"),
    "quantity": ("quantity", None, "#,##0.##"),
    "households_converted": ("households converted", None, "#,##0"),
    "coal_households_2020": ("coal households 2020", None, "#,##0"),
    **{p.column: (f"{p.en} reduction (t/yr)", None, "#,##0.0") for p in POLLUTANTS.values()},
}


def _styled(df: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, str]]:
    """Scale money to 亿元 and rename headers to carry units; returns the frame and formats by header."""
    out, formats = df.copy(), {}
    for col in df.columns:
        if col in COLUMN_STYLE:
            header, convert, fmt = COLUMN_STYLE[col]
            if convert is not None:
                out[col] = convert(df[col])
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


def summary_sheet(run: Run) -> pd.DataFrame:
    s = run.summary
    if "totals" not in s:  # infeasible: no portfolio, so no money or tonnes to show
        return pd.DataFrame([("scenario", s["scenario"], ""), ("status", s["status"], ""),
                             ("portfolio", "n/a: the targets cannot all be met; see the diagnosis sheet", "")],
                            columns=["item", "value", "unit"])
    tot = s["totals"]
    missed = s.get("not_met") or []
    headline = ("every target met" if not missed else
                "NOT met: " + "; ".join(f"{m['target']} short {m['short_t']:,.0f} t/yr" for m in missed))
    rows = [("targets", headline, ""), ("scenario", s["scenario"], ""), ("status", s["status"], ""),
            ("MIP gap", s.get("mip_gap"), "fraction"),
            ("investment", cny_to_yi(tot.get("capex_cny", 0)), "亿元"),
            ("annual cost once built", cny_to_yi(tot.get("total_annual_cost_cny", 0)), "亿元/yr"),
            ("objective (discounted to the base year)", cny_to_yi(s.get("objective_discounted_cny") or 0), "亿元"),
            ("spending (discounted)", cny_to_yi(tot.get("spending_discounted_cny") or 0), "亿元"),
            ("penalties for unmet soft targets (discounted)", cny_to_yi(tot.get("penalties_discounted_cny", 0)), "亿元"),
            ("annualised capital", cny_to_yi(tot.get("annualised_capex_cny", 0)), "亿元/yr"),
            ("O&M and energy", cny_to_yi(tot.get("annual_om_cny", 0)), "亿元/yr"),
            ("projects", tot.get("projects"), ""),
            ("plant projects at synthetic plants", tot.get("plant_projects_at_synthetic_plants"),
             f"of {tot.get('plant_projects')} plant projects (no public list names them)")]
    rows += [(f"{POLLUTANTS[k.removeprefix('reduction_').removesuffix('_t')].en} reduction", v, "t/yr")
             for k, v in tot.items() if k.startswith("reduction_")]
    return pd.DataFrame(rows, columns=["item", "value", "unit"])


def assumptions_sheet(run: Run) -> pd.DataFrame:
    man = run.manifest
    # file names, not this machine's paths: the workbook travels
    rows = [("ersim", man.get("ersim")), ("Pyomo", man.get("pyomo")), ("HiGHS", man.get("highs")),
            ("scenario files", " -> ".join(Path(f).name for f in man.get("scenario_files", []))),
            ("overrides", "; ".join(man.get("overrides", []))), ("cost accounting", man.get("cost_accounting"))]
    rows += [("rule", r) for r in man.get("rules", [])]
    rows += [(f"price: {k}", v) for k, v in (man.get("prices_cny_per_unit") or {}).items()]
    for k, v in (man.get("co2_intensity") or {}).items():
        rows.append((f"co2_intensity.{k}", v))

    def flat(prefix: str, obj) -> None:
        if isinstance(obj, dict):
            for k, v in obj.items():
                flat(f"{prefix}.{k}" if prefix else k, v)
        elif isinstance(obj, list):
            if all(isinstance(x, dict) for x in obj) and obj:  # one row per item (targets), not a JSON blob
                for i, x in enumerate(obj):
                    flat(f"{prefix}.{i}", x)
            else:
                rows.append((prefix, "; ".join(str(x) for x in obj)))
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


def export_xlsx(run: Run, path: Path) -> Path:
    sheets = {"summary": summary_sheet(run)}
    if run.solved:
        sheets |= {"targets": run["targets"], "portfolio": run["portfolio"], "per city": per_city(run["portfolio"]),
                   "per county": run["county_summary"], "measures": run["measure_summary"]}
    if "diagnosis" in run:
        sheets["diagnosis"] = run["diagnosis"]
    sheets["assumptions"] = assumptions_sheet(run)
    with pd.ExcelWriter(path, engine="openpyxl") as xw:
        for name, df in sheets.items():
            styled, formats = _styled(df)
            styled.to_excel(xw, sheet_name=name, index=False)
            _format_sheet(xw.sheets[name], formats)
    return path


def export_geojson(run: Run, path: Path) -> Path:
    """The run's counties (its scope) with their results as properties."""
    import geopandas as gpd

    cs = run["county_summary"].drop(columns=["county"], errors="ignore")
    g = gpd.read_file(run.geometry).merge(cs, on="region_code", how="left")
    g.to_file(path, driver="GeoJSON")
    return path


def export_csv(run: Run, out_dir: Path) -> list[Path]:
    files = []
    for name, df in run.tables.items():
        p = out_dir / f"{name}.csv"
        df.to_csv(p, index=False, encoding="utf-8-sig")  # BOM: Excel then reads the Chinese names as UTF-8
        files.append(p)
    for doc in run.documents():
        shutil.copy(doc, out_dir / doc.name)
        files.append(out_dir / doc.name)
    return files


def export_run(run_dir: Path, out_dir: Path, formats: list[str]) -> list[Path]:
    """The run at ``run_dir`` in each of ``formats`` (xlsx, geojson, csv), written into ``out_dir``."""
    run = read_run(run_dir)
    files: list[Path] = []
    if "xlsx" in formats:
        files.append(export_xlsx(run, out_dir / f"{run.name}.xlsx"))
    if "geojson" in formats and run.solved and run.geometry is not None:
        files.append(export_geojson(run, out_dir / f"{run.name}_counties.geojson"))
    if "csv" in formats:
        csv_dir = out_dir / "csv"
        csv_dir.mkdir()
        files += export_csv(run, csv_dir)
    return files


def write_export(run_dir: Path, fmt: str, out: Path | None = None, force: bool = False) -> Path:
    """Export a run in ``fmt`` (xlsx, csv, geojson or all) into ``out`` (default ``run_dir/export``), atomically."""
    from ..rundir import write_atomically

    read_run(run_dir)  # a clear error if this is not a run
    formats = ["xlsx", "csv", "geojson"] if fmt == "all" else [fmt]
    return write_atomically(out or Path(run_dir) / "export", lambda tmp: export_run(run_dir, tmp, formats), force)
