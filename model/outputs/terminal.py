"""What ersim prints in the terminal: rich tables of DataFrames in the language of ``ersim --lang`` (names and
units from model/names.py), the run summary, diagnoses, comparisons. cli.py parses and calls; the rendering is
here. Everything a user or a dataset wrote goes through :func:`esc` or :func:`_text`: it prints as typed."""

from __future__ import annotations

import importlib
import sys

import click
from rich.console import Console
from rich.markup import escape as rich_escape
from rich.text import Text

from .. import units
from ..textsafe import show_controls

# no emoji codes: a name or description with ':warning:' in it prints as typed
console = Console(width=None if sys.stdout.isatty() else 140, emoji=False)
err_console = Console(stderr=True, soft_wrap=True, emoji=False)


def esc(value: object) -> str:
    """``value`` as literal text inside rich markup. Names, descriptions, paths, arguments and error messages come
    from users and datasets: '[bold]' in them must print as typed, not style the line, '[/x]' must not raise
    rich's MarkupError, and a control character (ESC starts terminal escape sequences) is written out, not sent.
    Every value put into a console.print f-string goes through here."""
    return rich_escape(show_controls(str(value)))


def _text(value: object, style: str = "") -> Text:
    """``value`` as a rich Text: table cells, headers and titles are never parsed as markup (control characters
    written out, as in :func:`esc`)."""
    return Text(show_controls(str(value)), style=style)


def current_lang() -> str:
    """The language of names and headers, `ersim --lang zh|en` (Chinese unless asked otherwise)."""
    ctx = click.get_current_context(silent=True)
    if ctx is None:
        return "zh"
    return ctx.find_root().params.get("lang") or "zh"


def print_table(df, title: str, limit: int | None = None, named: bool = False,
                labels: dict | None = None) -> None:
    """Print a DataFrame as a rich table; numbers right-aligned with thousands separators. ``named``: column ids
    become headers with units and ids names (families, pollutants, ...) in the language of ``--lang``, values in
    their display units (model/names.py); ``labels`` overrides some of the headers."""
    import pandas as pd
    from rich.table import Table

    names = importlib.import_module("model.names")
    raw = df if limit is None else df.head(limit)
    ids = [str(c) for c in raw.columns]
    shown = names.display_frame(raw, current_lang(), labels) if named else raw
    # titles, headers and cells hold names from scenarios and datasets: Text, not markup
    table = Table(title=_text(title, "table.title"), show_lines=False, header_style="bold")
    for col in shown.columns:
        numeric = pd.api.types.is_numeric_dtype(shown[col]) and not pd.api.types.is_bool_dtype(shown[col])
        table.add_column(_text(col), justify="right" if numeric else "left", overflow="fold")
    # years and codes are labels, not quantities: no thousands separators (2021, not 2,021)
    plain = [names.is_label_column(c) for c in ids]
    decimals = [names.column_decimals(c, labels) if named else None for c in ids]
    for row in shown.itertuples(index=False):
        table.add_row(*[_text(str(v) if p and v is not None and not (isinstance(v, float) and pd.isna(v))
                              else _fmt(v, d)) for v, p, d in zip(row, plain, decimals)])
    console.print(table)
    if limit is not None and len(df) > limit:
        console.print(f"[dim]{len(df) - limit} more rows not shown (use --limit 0 for all)[/dim]")


def _fmt(v, decimals: int | None = None) -> str:
    """A cell: ``decimals`` places when the column's unit sets them, else by size; solver noise as 0."""
    import pandas as pd

    if v is None or (isinstance(v, float) and pd.isna(v)) or v is pd.NA:
        return ""
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, float):
        if decimals is not None:
            return f"{0.0 if round(v, decimals) == 0 else v:,.{decimals}f}"
        if abs(v) < 1e-9:
            return "0"
        return f"{v:,.0f}" if abs(v) >= 100 else f"{v:,.3g}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def _emissions() -> dict:
    """Headers of the input tables, whose pollutant columns are 2020 emissions, not reductions."""
    return importlib.import_module("model.names").EMISSION_COLUMNS


def print_comparison(cmp, rows, title: str) -> None:
    """Side-by-side rows of a comparison (named in the language of --lang), then how many projects every, some
    or one portfolio chose."""
    from ..studies.compare import row_names

    shown = rows.reset_index(drop=True)
    names = importlib.import_module("model.names")
    status = [k for k, key in enumerate(rows.index) if key == ("result", "status")]
    if status:  # ids as comparison.csv keeps them -> names in the language of --lang
        shown.iloc[status[0]] = [names.status_name(v, current_lang()) for v in shown.iloc[status[0]]]
    shown.insert(0, names.column_name("item", current_lang()), row_names(rows.index, current_lang()))
    print_table(shown, title)
    counts = cmp.robustness["robustness"].value_counts()
    console.print("projects chosen in every portfolio: {}, in some: {}, in one only: {}".format(
        counts.get("all", 0), counts.get("some", 0), counts.get("one", 0)))


def print_diagnosis(d) -> None:
    shown = d[["item", "kind", "required_t", "achievable_t", "shortfall_t", "note"]]
    print_table(shown, "what can be achieved with this scenario's measures, rules and budget", named=True)


def print_plant_list(rep) -> None:
    """What a planner's plant list replaced, per city and sector."""
    if rep is None:
        return
    print_table(rep.table, f"plant list {rep.path.name}: the default plants it replaced", named=False)
    if rep.projects_dropped:
        console.print(f"seed projects at replaced plants, dropped: {esc('; '.join(rep.projects_dropped))}")


def print_run_summary(outcome) -> None:
    sol, sc, t = outcome.solution, outcome.loaded.scenario, outcome.timings
    console.print(f"[bold]{esc(sc.name)}[/bold]: {esc(sc.description.strip())}")
    for w in outcome.md.warnings:  # found before the solve (a target far below its baseline)
        console.print(f"[yellow]warning:[/yellow] {esc(w)}")
    print_plant_list(outcome.md.plant_list)
    timing = ", ".join(f"{k.removesuffix('_s')} {v:.1f}s" for k, v in t.items())
    if sol.status == "infeasible":
        console.print("[red]infeasible[/red]: the targets and rules cannot all be met with the measures available.")
        if outcome.diagnosis is not None:
            print_diagnosis(outcome.diagnosis)
        console.print("Lower the targets that cannot be met, make them soft (kind: soft), or relax a binding rule.")
        return
    gap = f", gap {sol.gap:.2%}" if sol.gap is not None else ""
    flag = "" if sol.status == "optimal" else \
        f" [yellow](stopped by {esc(sol.termination.removeprefix('k'))}: best found, not proven optimal)[/yellow]"
    console.print(f"status [green]{sol.status}[/green]{flag}{gap} ({timing})")
    r = outcome.results
    from ..results import marginal_column, not_met, shadow_column
    from ..tables import projects_per_city

    missed = not_met(r.targets)
    # the one headline every output starts with (model/names.py); the terminal's prose stays English
    names = importlib.import_module("model.names")
    line = names.targets_headline(missed, r.targets, "en")
    console.print(f"[bold {'red' if missed else 'green'}]{esc(line)}[/]")
    air = names.pm25_headline(r.air_quality, "en")  # PM2.5 levels, right after
    if air is not None:
        console.print(f"[bold {'green' if air[0] else 'red'}]{esc(air[1])}[/]")
    tot = r.totals
    console.print(f"spending: investment {units.cny_to_yi(tot['capex_cny']):,.1f} 亿元; annual cost once built "
                  f"{units.cny_to_yi(tot['total_annual_cost_cny']):,.1f} 亿元/yr (annualised capital "
                  f"{units.cny_to_yi(tot['annualised_capex_cny']):,.1f} + O&M and energy "
                  f"{units.cny_to_yi(tot['annual_om_cny']):,.1f}); {tot['projects']} projects")
    if tot.get("plant_projects"):
        named_capex = tot["plant_capex_at_named_plants_cny"] / tot["plant_capex_cny"] if tot["plant_capex_cny"] else 1.0
        console.print(f"{tot['plant_projects']} plant projects, {tot['plant_projects_at_named_plants']} of them at named "
                      f"plants ({named_capex:.0%} of their capex); the rest at city remainders (plants no public list "
                      "names; see inputs/README.md)")
    end = outcome.md.evaluation_end_year
    if sol.objective_unit == "cny":
        console.print(f"objective minimised (discounted to {outcome.md.base_year}, costs to {end}): "
                      f"{units.cny_to_yi(sol.objective):,.1f} 亿元 = spending "
                      f"{units.cny_to_yi(tot['spending_discounted_cny']):,.1f} + penalties for unmet soft targets "
                      f"{units.cny_to_yi(tot['penalties_discounted_cny']):,.1f}")
    else:
        what = "premature deaths avoided a year" if sol.objective_unit == "deaths" else "weighted tonnes"
        console.print(f"objective maximised: {sol.objective:,.0f} {what}")
        if tot.get("spending_discounted_cny") is not None:
            console.print(f"spending discounted to {outcome.md.base_year} (costs to {end}): "
                          f"{units.cny_to_yi(tot['spending_discounted_cny']):,.1f} 亿元")
    tg = r.targets
    if len(tg):
        shadow = shadow_column(sol.objective_unit)
        in_cny = sol.objective_unit == "cny"
        meaning = ("CNY per tonne and year: shadow price = one more tonne of this row alone; marginal cost = one "
                   "more tonne of the target with its milestones moving with it" if in_cny
                   else "weighted tonnes given up per tonne more of this row; marginal: with its milestones")
        print_table(tg[["target", "kind", "required_t", "achieved_t", "slack_t", "met", shadow,
                        marginal_column(sol.objective_unit)]],
                    f"targets (reduction versus 2020; {meaning})", named=True)
        names = importlib.import_module("model.names")
        for row in tg[tg["source"] == "co2_intensity"].itertuples():
            got, need = names.intensity_pair(row.intensity_reached_pct, row.intensity_required_pct, row.met)
            short = "met" if row.met else f"[red]NOT MET[/red]: {row.required_t - row.achieved_t:,.0f} t CO2 short"
            console.print(f"CO2 per unit GDP {row.year}: required {need} %, reached {got} % ({short})")

    else:
        console.print("no targets in this scenario")
    port = r.portfolio
    if len(port):
        print_table(projects_per_city(port), "projects chosen per city and family", named=True)
        print_annual_plan(port)
    if r.air_quality is not None:
        print_air_quality(r.air_quality, tot)


def print_air_quality(air, tot: dict) -> None:
    """PM2.5 per city and the province in the end year (2020 less the projects' effect), and deaths avoided."""
    print_table(air[["name_zh", "pm25_2020_ugm3", "pm25_drop_ugm3", "pm25_modelled_ugm3", "target_ugm3",
                     "meets_target", "avoided_deaths_per_yr"]],
                "PM2.5 per city, population-weighted annual mean (2020 less what the projects do; a screening "
                "estimate from intake fractions, everything else held at 2020; see README 'PM2.5 and health')",
                named=True)
    for r in air[air["meets_target"] == False].itertuples():  # noqa: E712 - nan (no target) is neither
        console.print(f"[red]PM2.5 target NOT met[/red]: {esc(r.name_zh)} modelled {r.pm25_modelled_ugm3:.1f} μg/m³, "
                      f"target {r.target_ugm3:g} ({r.pm25_modelled_ugm3 - r.target_ugm3:.1f} above)")
    per = tot.get("avoided_deaths_per_100m_cny")
    console.print(f"premature deaths avoided: {tot['avoided_deaths_per_yr']:,.0f} a year (GEMM NCD+LRI)"
                  + (f", {per:.2f} per 亿元 invested" if per is not None else "")
                  + f"; valued at {units.cny_to_yi(tot['health_value_cny_per_yr']):,.1f} 亿元/yr")


def print_annual_plan(port) -> None:
    """Investment per city and build year (亿元), and each year's share and projects: the annual plan."""
    from ..tables import investment_by_year

    names = importlib.import_module("model.names")
    wide = investment_by_year(port)
    years = [c for c in wide.columns if c not in ("city", "total")]
    shown = wide.copy()
    shown.loc[shown["city"] == "total", "city"] = "合计 total"
    labels = {y: names.Column(f"{y}年", y, "亿元") for y in years} | {"total": names.Column("合计", "total", "亿元")}
    print_table(shown, "annual plan: investment per city and build year (the year a project is built)", named=True,
                labels=labels)
    total = wide.loc[wide["city"] == "total", years].iloc[0]
    count = port.groupby("year").size()
    console.print("per year: " + "; ".join(f"{y} {total[y] / total.sum():.0%} of investment, "
                                           f"{count.get(int(y), 0)} projects" for y in years))
