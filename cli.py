"""ersim command line: parse arguments, call model/, print. No modelling logic lives here."""

from __future__ import annotations

import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from model import catalog
from model.inputs import InputDataError, load_dataset

console = Console()
err_console = Console(stderr=True, soft_wrap=True)

USER_ERROR = 2  # exit code for mistakes in the user's files or arguments


def print_table(df: pd.DataFrame, title: str, limit: int | None = None) -> None:
    """Print a DataFrame as a rich table; numbers right-aligned with thousands separators."""
    shown = df if limit is None else df.head(limit)
    table = Table(title=title, show_lines=False, header_style="bold")
    for col in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[col]) and not pd.api.types.is_bool_dtype(shown[col])
        table.add_column(str(col), justify="right" if numeric else "left", overflow="fold")
    for row in shown.itertuples(index=False):
        table.add_row(*[_fmt(v) for v in row])
    console.print(table)
    if limit is not None and len(df) > limit:
        console.print(f"[dim]{len(df) - limit} more rows not shown (use --limit 0 for all)[/dim]")


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def load_or_exit(inputs: Path | None):
    try:
        ds = load_dataset(inputs)
    except InputDataError as err:
        err_console.print(f"[red]error:[/red] {err}")
        sys.exit(USER_ERROR)
    for w in ds.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {w}")
    return ds


inputs_option = click.option("--inputs", "inputs", type=click.Path(path_type=Path), default=None,
                             help="dataset directory (default: the embedded Shanxi data in inputs/)")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ersim")
def main() -> None:
    """ersim: least-cost emission-reduction portfolios for Shanxi's 14th Five-Year Plan."""


@main.command("list")
@click.argument("what", type=click.Choice(["regions", "enterprises", "measures"]))
@click.option("--city", help="city code, Chinese name or pinyin (e.g. 临汾, Linfen, 141000)")
@click.option("--sector", help="enterprise sector (e.g. coking, cement, steel)")
@click.option("--family", help="measure family (ule, voc, heating, boiler, rail, wastewater, efficiency)")
@click.option("--limit", type=int, default=50, show_default=True, help="rows to show; 0 for all")
@inputs_option
def list_cmd(what: str, city: str | None, sector: str | None, family: str | None, limit: int,
             inputs: Path | None) -> None:
    """Show the regions, enterprises or measures of the dataset as a table."""
    ds = load_or_exit(inputs)
    try:
        if what == "regions":
            df = catalog.regions_view(ds, city)
        elif what == "enterprises":
            df = catalog.enterprises_view(ds, city, sector)
        else:
            df = catalog.measures_view(ds, sector, family)
    except ValueError as err:
        err_console.print(f"[red]error:[/red] {err}")
        sys.exit(USER_ERROR)
    print_table(df, f"{what} ({len(df)} rows) from {ds.root}", None if limit == 0 else limit)


@main.command("check-inputs")
@inputs_option
def check_inputs(inputs: Path | None) -> None:
    """Validate a dataset and print its totals per sector and per city."""
    ds = load_or_exit(inputs)
    console.print(f"[green]ok[/green]: {ds.root} — {len(ds.regions)} regions ({len(ds.counties)} counties), "
                  f"{len(ds.enterprises)} enterprises, {len(ds.measures)} measures, "
                  f"{len(ds.wastewater)} wastewater candidates, {len(ds.projects)} named projects")
    print_table(catalog.sector_totals(ds), "baseline per sector (t/yr; capacity in its unit)")
    print_table(catalog.city_totals(ds), "baseline per city (t/yr)")


if __name__ == "__main__":
    main()
