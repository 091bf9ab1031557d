"""ersim command line: parse arguments, call model/, print. No modelling logic lives here."""

from __future__ import annotations

import errno
import json
import math
import os
import signal
import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import importlib

import click
from model import limits, units
from model.domain import PROVINCE_CODE
from model.errors import CommandLineError, ModelSetupError
from model.outputs.terminal import (_emissions, console, current_lang, err_console, esc, print_comparison,
                                    print_diagnosis, print_run_summary, print_table)


class _Lazy:
    """A module imported on first use: `ersim --help` and `ersim list` need no solver, Pyomo or pandas."""

    def __init__(self, name: str):
        self._name = name

    def __getattr__(self, attr: str):
        return getattr(importlib.import_module(self._name), attr)


def _lazy(module: str, name: str):
    """A function of ``module`` imported when first called."""
    def call(*args, **kwargs):
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = name
    return call


pd = _Lazy("pandas")
catalog = _Lazy("model.catalog")
load_dataset = _lazy("model.inputs", "load_dataset")
resolve = _lazy("model.resolve", "resolve")
run_scenario = _lazy("model.run", "run_scenario")
write_results = _lazy("model.run", "write_results")
default_out_dir = _lazy("model.rundir", "default_out_dir")
load_scenario = _lazy("model.scenario", "load_scenario")
scenario_list = _lazy("model.scenario", "scenario_list")

USER_ERROR = 2  # exit code for mistakes in the user's files or arguments
INFEASIBLE = 3  # exit code when the targets cannot all be met
SOLVER_ERROR = 4


def _user_errors() -> tuple[type[Exception], ...]:
    """The exceptions that are a user's mistake (imported only when something went wrong)."""
    from model.inputs import InputDataError
    from model.rundir import CannotWriteError, DamagedRunError, OutputExistsError
    from model.scenario import ScenarioError

    return (ScenarioError, InputDataError, ModelSetupError, OutputExistsError, CannotWriteError, DamagedRunError,
            FileNotFoundError, CommandLineError)


def name_too_long(err: OSError) -> str:
    """The message for a path with a name longer than the file system allows (255 bytes on Linux): which name,
    its size in bytes, and the fix. ersim writes into '.<name>.partial-XXXXXXXX' first, a little longer."""
    from model.rundir import NAME_MAX_BYTES, TEMPORARY_EXTRA_BYTES

    parts = Path(str(err.filename or "")).parts or ("",)
    longest = max(parts, key=lambda part: len(part.encode("utf-8")))
    if longest.startswith(".") and ".partial-" in longest:  # our temporary name: report the user's
        longest = longest[1:].rsplit(".partial-", 1)[0]
    return (f"a file name is too long: '{longest}' is {len(longest.encode('utf-8'))} bytes in UTF-8 and a name may "
            f"have at most {NAME_MAX_BYTES} (ersim adds {TEMPORARY_EXTRA_BYTES} to the last one while writing); "
            "choose a shorter --out or path")


@contextmanager
def user_errors(*extra: type[Exception]):
    """Mistakes in files or arguments -> one message and exit 2; solver failures -> exit 4."""
    try:
        yield
    except Exception as err:  # noqa: BLE001 - sorted below, the rest re-raised
        if _stop_signals:
            # the stop made this error: a signal raised inside HiGHS's callback ends its solve with kSolveError
            raise Terminated(_stop_signals[0]) from err
        if isinstance(err, (*_user_errors(), *extra)):
            err_console.print(f"[red]error:[/red] {esc(err)}")
            sys.exit(USER_ERROR)
        if isinstance(err, OSError) and err.errno == errno.ENAMETOOLONG:  # a --out or path the user gave
            err_console.print(f"[red]error:[/red] {esc(name_too_long(err))}")
            sys.exit(USER_ERROR)
        if type(err).__name__ == "SolverFailure" and type(err).__module__ == "model.solve":
            err_console.print(f"[red]solver error:[/red] {esc(err)}")
            sys.exit(SOLVER_ERROR)
        raise


def _newest(run_dir: Path) -> Path:
    """RUN_DIR as given, or its newest run when it is a scenario's folder of runs (results/base)."""
    from model.rundir import newest_run

    found = newest_run(run_dir)
    if found != run_dir:
        console.print(f"[dim]using the newest run in {esc(run_dir)}: {esc(found.name)}[/dim]")
    return found


def check_out(out: Path | None, force: bool) -> None:
    """Refuse a bad --out (a file, the current directory, a folder of the user's with --force ...) before any
    work is done; writing checks it again."""
    if out is not None:
        with user_errors():
            _lazy("model.rundir", "check_destination")(out, force)


def load_or_exit(inputs: Path | None):
    with user_errors():
        ds = load_dataset(inputs)
    for w in ds.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}")
    return ds


class Finite(click.ParamType):
    """A finite number between ``low`` and ``high``: click's FloatRange lets 'nan' through (nan < low is False)
    and 'inf' too when there is no upper bound."""

    name = "number"

    def __init__(self, low: float, high: float):
        self.low, self.high = low, high

    def convert(self, value, param, ctx):
        if isinstance(value, float) and math.isfinite(value) and self.low <= value <= self.high:
            return value
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} is not a number", param, ctx)
        if not math.isfinite(number) or not self.low <= number <= self.high:
            self.fail(f"{value!r} must be a finite number from {self.low:g} to {self.high:g}", param, ctx)
        return number


def levels_option(text: str | None, unit: str = "t") -> list[float] | None:
    """``--values 1000,2000``: finite, non-negative levels (tonnes, or ``unit``), at most ``MAX_SWEEP_LEVELS``."""
    if text is None:
        return None
    hint, example = ("--values", "80000,90000") if unit == "t" else ("--levels", "44,42,40")
    what = "tonnes" if unit == "t" else unit
    parts = [p.strip() for p in text.split(",")]
    if len(parts) > limits.MAX_SWEEP_LEVELS:
        raise click.BadParameter(f"{len(parts)} levels; a sweep takes at most {limits.MAX_SWEEP_LEVELS}",
                                 param_hint=hint)
    levels = []
    for p in parts:
        try:
            v = float(p)
        except ValueError:
            raise click.BadParameter(f"{p!r} is not a number (write {what}, e.g. {hint} {example})",
                                     param_hint=hint) from None
        if not math.isfinite(v) or v < 0:
            raise click.BadParameter(f"{p!r}: levels are finite {what} >= 0", param_hint=hint)
        levels.append(v)
    return levels


workers_option = click.option("--workers", type=click.IntRange(1, limits.MAX_WORKERS), default=1, show_default=True,
                              help="parallel workers (a dask LocalCluster when > 1)")
inputs_option = click.option("--inputs", "inputs", type=click.Path(path_type=Path), default=None,
                             help="dataset directory (default: the embedded Shanxi data in inputs/)")
plants_option = click.option("--plants", "plants", type=click.Path(path_type=Path), default=None,
                             help="your own plant list (CSV or xlsx with the columns of "
                                  "inputs/templates/plant_list_template.csv, e.g. the city's permit register) in "
                                  "place of the default plants of its sectors in its cities; as the scenario key "
                                  "plants:")


def with_plants(overrides: tuple[str, ...], plants: Path | None) -> list[str]:
    """``--plants FILE`` is the override ``plants=<absolute path>`` (a JSON string: any path stays one value)."""
    return list(overrides) + ([f"plants={json.dumps(str(plants.resolve()))}"] if plants is not None else [])


INTERNAL_ERROR = 1
INTERRUPTED = 130  # Ctrl-C (SIGINT); SIGTERM and SIGHUP give 128 + their number too: 143 and 129, as shells do


class Terminated(KeyboardInterrupt):
    """A stop signal (Ctrl-C, SIGTERM, SIGHUP) raised where the program is, as Ctrl-C raises KeyboardInterrupt:
    the same cleanup runs (temporary directories removed, dask clusters closed)."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


#: the stop signals received while the current command runs (what a KeyboardInterrupt re-raised on the way, or a
#: solver error it caused, no longer says)
_stop_signals: list[int] = []


@contextmanager
def stopping_cleanly():
    """While a command runs, Ctrl-C, SIGTERM and SIGHUP raise :class:`Terminated` instead of killing the process
    on the spot (which would leave its temporary directory behind). A signal the process was told to ignore
    (``nohup`` ignores SIGHUP) stays ignored. A second SIGTERM or SIGHUP is ignored while the first's cleanup
    runs (a second Ctrl-C is not: the user insists). A forked child (figures drawn beside the others) that gets
    one dies as by default: it must never unwind into its parent's cleanup. Dask workers are spawned afresh and
    keep Python's default handlers."""
    _stop_signals.clear()
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    owner = os.getpid()

    def handler(signum: int, _frame) -> None:
        if os.getpid() != owner:
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        if _stop_signals and signum != signal.SIGINT:
            return
        _stop_signals.append(signum)
        raise Terminated(signum)

    wanted = [getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, n)]
    old = {s: signal.signal(s, handler) for s in wanted if signal.getsignal(s) not in (signal.SIG_IGN, None)}
    try:
        yield
    finally:
        for s, previous in old.items():
            signal.signal(s, previous)


def _stopped(signum: int) -> None:
    """Say in one line that the command was stopped and exit 128 + the signal's number, as shells report it (130
    Ctrl-C, 143 SIGTERM, 129 SIGHUP). A closed terminal (SIGHUP) may no longer take the line."""
    name = signal.Signals(signum).name
    why = "[yellow]interrupted[/yellow]: stopped" if signum == signal.SIGINT else f"[yellow]stopped[/yellow] by {name}"
    try:
        err_console.print(f"{why}; nothing was written for this command")
    except OSError:
        pass
    sys.exit(128 + signum)


class ErsimGroup(click.Group):
    """Turns anything unexpected into one short message (the traceback only with --debug), and Ctrl-C, SIGTERM
    and SIGHUP into a clean stop (exit 130, 143, 129); results are written atomically, so a stopped command leaves
    nothing half-written."""

    def invoke(self, ctx: click.Context):
        with stopping_cleanly():
            try:
                return super().invoke(ctx)
            except KeyboardInterrupt as err:
                _stopped(getattr(err, "signum", None) or (_stop_signals or [signal.SIGINT])[0])
            except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
                raise
            except Exception as err:  # noqa: BLE001 - the last line of defence for users
                if _stop_signals:  # an error the stop caused on its way out (a library's own conversion of it)
                    _stopped(_stop_signals[0])
                if ctx.params.get("debug"):
                    raise
                err_console.print(f"[red]internal error[/red]: {type(err).__name__}: {esc(err)}\n"
                                  "This is a bug in ersim, not in your files; rerun with `ersim --debug ...` for the "
                                  "traceback and report it.")
                sys.exit(INTERNAL_ERROR)


@click.group(cls=ErsimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ersim")
@click.option("--debug", is_flag=True, help="show Python tracebacks for unexpected errors")
@click.option("--lang", type=click.Choice(["zh", "en"]), default="zh", show_default=True,
              help="language of names and table headers in the terminal, the workbook and the report (ids stay in "
                   "the CSV files)")
def main(debug: bool, lang: str) -> None:
    """ersim: least-cost emission-reduction portfolios for Shanxi's 14th Five-Year Plan.

    Exit codes: 0 done, 1 internal error, 2 a mistake in a file or argument (the message says where), a damaged
    run, or results that cannot be written (disk full, read-only), 3 targets cannot be met, 4 solver failure,
    130 interrupted (Ctrl-C), 143 stopped by SIGTERM, 129 by SIGHUP.
    """


@main.command("list")
@click.argument("what", type=click.Choice(["regions", "enterprises", "measures", "scenarios"]))
@click.option("--city", help="city code, Chinese name or pinyin (e.g. 临汾, Linfen, 141000)")
@click.option("--sector", help="enterprise sector (e.g. coking, cement, steel)")
@click.option("--family", help="measure family (ule, voc, heating, boiler, rail, wastewater, efficiency)")
@click.option("--name", "name", help="only rows whose name (Chinese, English or pinyin) contains this text")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="rows to show; 0 for all")
@inputs_option
def list_cmd(what: str, city: str | None, sector: str | None, family: str | None, name: str | None, limit: int,
             inputs: Path | None) -> None:
    """Show the regions, enterprises, measures or scenarios as a table."""
    if what == "scenarios":
        print_table(scenario_list(Path("scenarios")), "scenarios in ./scenarios", None if limit == 0 else limit,
                    named=True)
        return
    ds = load_or_exit(inputs)
    with user_errors(ValueError):
        if what == "regions":
            df = catalog.regions_view(ds, city)
        elif what == "enterprises":
            df = catalog.enterprises_view(ds, city, sector)
        else:
            df = catalog.measures_view(ds, sector, family)
    if name:
        df = importlib.import_module("model.lookup").search_names(ds, what, df, name)
    print_table(df, f"{what} ({len(df)} rows) from {ds.root}", None if limit == 0 else limit, named=True,
                labels=_emissions())


@main.command("show")
@click.argument("what", type=click.Choice(["enterprise", "measure", "county"]))
@click.argument("name")
@click.option("--scenario", "scenario", type=click.Path(path_type=Path), default=Path("scenarios/base.yaml"),
              show_default=True, help="the scenario whose candidates show what could be built")
@click.option("--run", "run_dir", type=click.Path(path_type=Path), default=None,
              help="a run (or a scenario's folder of runs) whose recommendations to show; default: the newest run "
                   "of --scenario under results/, if any")
@inputs_option
def show_cmd(what: str, name: str, scenario: Path, run_dir: Path | None, inputs: Path | None) -> None:
    """One enterprise, measure or county by id or name: its data, what could be built, what a run recommends."""
    lookup = importlib.import_module("model.lookup")
    ds = load_or_exit(inputs)
    with user_errors(ValueError, ModelSetupError):
        cands = None
        if what in ("enterprise", "measure"):
            loaded = load_scenario(scenario)
            cands = _lazy("model.candidates", "build_candidates")(resolve(ds, loaded)).all()
            run_dir = run_dir or (Path("results") / loaded.scenario.name)
        if what == "enterprise":
            eid = lookup.find_enterprise(ds, name)
            print_table(lookup.enterprise_facts(ds, eid), f"{eid} {ds.enterprises.loc[eid, 'name_zh']}", None,
                        named=True)
            print_table(lookup.options_at(cands, eid), f"what it could build in {scenario.name}", None, named=True)
        elif what == "measure":
            mid = lookup.find_measure(ds, name)
            print_table(lookup.measure_facts(ds, mid, cands), f"{mid} {ds.measures.loc[mid, 'name_zh']}", None,
                        named=True)
            return
        else:
            code, facts, groups = lookup.county_facts(ds, name)
            print_table(facts, f"{code} {ds.regions.loc[code, 'name_zh']}", None, named=True)
            print_table(groups, "2020 emissions in the county by group", None, named=True, labels=_emissions())
    if run_dir is None or not Path(run_dir).exists():
        console.print("[dim]no run to show recommendations from: run the scenario or give --run[/dim]")
        return
    run = _newest(Path(run_dir))
    if not any((run / f).exists() for f in ("summary.json", "manifest.json")):
        console.print(f"[dim]{esc(run)} holds no finished run: nothing to show recommendations from[/dim]")
        return
    with user_errors():
        solved = _lazy("model.rundir", "read_run")(run)  # checked against its manifest, like every reader
    if "portfolio" not in solved:
        console.print(f"[dim]{esc(run)} has no portfolio (not solved)[/dim]")
        return
    port = solved["portfolio"]
    rec = lookup.recommended(port, enterprise_id=eid) if what == "enterprise" else lookup.recommended(port, county=code)
    print_table(rec, f"recommended in {run} ({len(rec)} projects)", None, named=True)


@main.command("validate")
@click.argument("scenario", type=click.Path(path_type=Path))
@inputs_option
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE", help="as for `ersim run`")
@click.option("--no-model", is_flag=True, help="check the scenario and the inputs only, not the model they build "
                                                 "(faster; rules without a measure and bad numbers are then found "
                                                 "by `run`)")
def validate_cmd(scenario: Path, inputs: Path | None, overrides: tuple[str, ...], no_model: bool) -> None:
    """Check SCENARIO and the inputs as far as a run goes without solving (the model is built, not solved)."""
    with user_errors(ModelSetupError):
        with console.status("checking the scenario, the inputs and the model ..."):
            checked = _lazy("model.check", "check_scenario")(scenario, list(overrides), inputs, not no_model)
    loaded, sc = checked.loaded, checked.loaded.scenario
    for w in checked.warnings:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}")
    chain = " -> ".join(p.name for p in loaded.files)
    console.print(f"[green]ok[/green]: {esc(sc.name)} ({esc(chain)}): {len(sc.targets)} targets, objective "
                  f"{sc.objective}, horizon {sc.horizon.start_year}-{sc.horizon.end_year}; inputs "
                  f"{esc(checked.dataset.root)}" + ("" if no_model else f"; model of {checked.candidates:,} candidates "
                                                   f"({checked.columns:,} columns, {checked.rows:,} rows), not solved"))


@main.command("check-inputs")
@inputs_option
@click.option("--city", help="also show this city's baseline by group (e.g. 临汾)")
@click.option("--csv", "csv_dir", type=click.Path(path_type=Path), default=None,
              help="write the tables as CSV files into this new directory")
def check_inputs(inputs: Path | None, city: str | None, csv_dir: Path | None) -> None:
    """Validate a dataset and print its 2020 baseline by group beside the published reference ranges."""
    ds = load_or_exit(inputs)
    console.print(f"[green]ok[/green]: {esc(ds.root)} — {len(ds.regions)} regions ({len(ds.counties)} counties), "
                  f"{len(ds.enterprises)} enterprises, {len(ds.sources)} other sources, {len(ds.measures)} measures, "
                  f"{len(ds.wastewater)} wastewater candidates, {len(ds.projects)} named projects")
    with user_errors(ValueError):
        tables = catalog.baseline_tables(ds)
        code = catalog.resolve_city(ds, city) if city else None
    shown = ["group", "units", *catalog.BASELINE_COLUMNS, "named_share"]
    base = tables["baseline"]
    em = _emissions()
    print_table(base.loc[base["region_code"] == PROVINCE_CODE, shown], "2020 baseline by group, 山西省 (t/yr)",
                named=True, labels=em)
    if code:
        print_table(base.loc[base["region_code"] == code, shown],
                    f"2020 baseline by group, {ds.regions.loc[code, 'name_zh']} (t/yr)", named=True, labels=em)
    print_table(tables["references"], "the baseline beside published figures (t/yr)", named=True, labels=em)
    print_table(tables["sector_totals"], "plants per sector (t/yr; capacity in its unit)", named=True, labels=em)
    cov = tables["sector_coverage"]
    print_table(cov.drop(columns="statistic_source"), "plant rows against the provincial statistics: named plants "
                "(real, with their source) and city remainders; named_output_share = the part of the output at "
                "named plants", named=True)
    for r in cov[cov["statistic_source"] != ""].drop_duplicates("statistic_source").itertuples():
        console.print(f"  statistic for {esc(r.sector)}: {esc(r.statistic_source)}")
    print_table(tables["city_totals"], "plants per city (t/yr)", named=True, labels=em)
    if csv_dir is not None:
        with user_errors():
            for f in catalog.write_baseline_tables(ds, csv_dir):
                console.print(f"wrote {esc(f)}")


def solver_limit(key: str, example: str):
    """A callback that checks --time-limit or --mip-gap against the bounds of the scenario's ``solver.<key>``
    (model.scenario.SolverOptions), so the command line accepts what a scenario file accepts and nothing else
    (click's float takes 'nan' and 'inf')."""
    def check(ctx: click.Context, param: click.Parameter, value: float | None) -> float | None:
        if value is None:
            return None
        why = importlib.import_module("model.scenario").SolverOptions.limit_error(key, value)
        if why:
            raise click.UsageError(f"{param.opts[0]} {value:g}: {why}, e.g. {param.opts[0]} {example}", ctx)
        return value

    return check


@main.command("run")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="result directory (default: results/<scenario>/<UTC timestamp>/); never overwritten")
@inputs_option
@plants_option
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE",
              help="override a scenario value, e.g. --set discount_rate=0.06 --set targets.0.reduction=9")
@click.option("--time-limit", type=float, default=None, callback=solver_limit("time_limit_s", "600"),
              help="solver time limit in seconds (default: the scenario's solver.time_limit_s)")
@click.option("--mip-gap", type=float, default=None, callback=solver_limit("mip_gap", "0.001"),
              help="relative MIP gap, 0 to 1 (default: the scenario's solver.mip_gap)")
@click.option("--write-model", type=click.Path(path_type=Path), default=None,
              help="also write the model as .mps or .lp for other solvers")
@click.option("--force", is_flag=True, help="replace --out if it already holds results")
@click.option("--no-plots", is_flag=True, help="skip the figures (faster)")
@click.option("--diagnose", is_flag=True, help="also print what each target can achieve and which rules bind")
def run_cmd(scenario: Path, out: Path | None, inputs: Path | None, plants: Path | None, overrides: tuple[str, ...],
            time_limit: float | None, mip_gap: float | None, write_model: Path | None, force: bool,
            no_plots: bool, diagnose: bool) -> None:
    """Build and solve SCENARIO (a YAML file) and write the recommended portfolio."""
    overrides = tuple(with_plants(overrides, plants))
    check_out(out, force)
    stages = {"load": "loading scenario and inputs", "build": "building the model", "solve": "solving with HiGHS",
              "results": "making result tables", "diagnose": "diagnosing: what can each target achieve"}
    with user_errors():
        with console.status("starting") as status:
            outcome = run_scenario(scenario, list(overrides), inputs, time_limit, mip_gap,
                                   progress=lambda s: status.update(esc(stages.get(s, s)) + " ..."),
                                   write_model=write_model, always_diagnose=diagnose)
            status.update("writing results ...")
            target_dir = out or default_out_dir(Path("results"), outcome.loaded.scenario.name)
            write_results(outcome, target_dir, force=force, plots=not no_plots, unique=out is None)
    print_run_summary(outcome)
    if diagnose and outcome.solution.status != "infeasible" and outcome.diagnosis is not None:
        print_diagnosis(outcome.diagnosis)
    console.print(f"results written to [bold]{esc(outcome.out_dir)}[/bold]")
    if outcome.solution.status == "infeasible":
        sys.exit(INFEASIBLE)


@main.command("plot")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--svg", is_flag=True, help="also write SVG")
@click.option("--force", is_flag=True, hidden=True, help="accepted for old scripts: a run's figures are always redrawn")
def plot_cmd(run_dir: Path, svg: bool, force: bool) -> None:
    """Draw (or redraw) the figures of a finished run into RUN_DIR/figures/."""
    run_dir = _newest(run_dir)
    from model.outputs.plots import draw_figures

    with user_errors():
        out = draw_figures(run_dir, svg)
    drawn = sorted(f for f in out.iterdir() if not f.name.startswith("."))
    for f in drawn:
        console.print(f"wrote {esc(f)}")
    if not drawn:
        console.print("[yellow]no figures[/yellow]: this run has no portfolio (infeasible: see diagnosis.csv)")


@main.command("export")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--format", "fmt", type=click.Choice(["xlsx", "csv", "geojson", "all"]), default="all",
              show_default=True)
@click.option("--out", type=click.Path(path_type=Path), default=None, help="default: RUN_DIR/export/")
@click.option("--force", is_flag=True)
def export_cmd(run_dir: Path, fmt: str, out: Path | None, force: bool) -> None:
    """Export a finished run as an Excel workbook, county GeoJSON and/or CSV files."""
    check_out(out, force)
    run_dir = _newest(run_dir)
    from model.outputs.export import write_export

    with user_errors():
        target = write_export(run_dir, fmt, out, force, current_lang())
    for f in sorted(target.rglob("*")):
        if f.is_file() and not f.name.startswith("."):
            console.print(f"wrote {esc(f)}")


@main.command("report")
@click.argument("run_dir", type=click.Path(path_type=Path, exists=True, file_okay=False))
@click.option("--force", is_flag=True, help="replace RUN_DIR/report.html")
def report_cmd(run_dir: Path, force: bool) -> None:
    """Write RUN_DIR/report.html: one self-contained page (summary, targets, charts, maps, portfolio)."""
    run_dir = _newest(run_dir)
    from model.outputs.report import write_report

    with user_errors():
        if not (run_dir / "figures").exists():
            err_console.print("[yellow]note:[/yellow] no figures/ in the run; draw them with `ersim plot` first")
        out = write_report(run_dir, force, current_lang())
    console.print(f"wrote {esc(out)} ({out.stat().st_size / 1e6:.1f} MB)")


@main.command("compare")
@click.argument("items", nargs=-1, required=True, type=click.Path(path_type=Path, exists=True))
@click.option("--out", type=click.Path(path_type=Path), default=None, help="default: results/compare/<UTC timestamp>/")
@inputs_option
@click.option("--force", is_flag=True)
@workers_option
@click.option("--scheduler", default=None, help="use an existing dask cluster, e.g. tcp://HOST:8786")
def compare_cmd(items: tuple[Path, ...], out: Path | None, inputs: Path | None, force: bool, workers: int,
                scheduler: str | None) -> None:
    """Compare runs side by side. ITEMS are run directories, sweep directories, or scenario files (run first)."""
    check_out(out, force)
    from model.studies.compare import compare_items, split_items, write_comparison
    from model.studies.parallel import executor

    with user_errors():
        files = split_items(list(items))[0]
        with console.status(f"running {len(files)} scenario(s) ..."), executor(workers, scheduler) as run:
            cmp = compare_items(list(items), inputs, run)
        target = write_comparison(cmp, out or default_out_dir(Path("results"), "compare"), force, unique=out is None)
    if len(cmp.table.columns):
        print_comparison(cmp, cmp.table.drop(index=["projects per city"], level=0, errors="ignore"),
                         "scenarios side by side")
    if cmp.curves:
        from model.studies.compare import curves_table

        curves = curves_table(cmp.curves)
        print_table(curves[["sweep", "level_t", "level_pct", "status", "objective_cny_per_yr",
                            "marginal_cny_per_t"]], "cost curves side by side (curves.csv)", named=True)
    console.print(f"results written to [bold]{esc(target)}[/bold]")


@main.command("macc")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--pollutant", required=True, help="NOx, VOCs, SO2, PM, COD or NH3-N")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="default: results/<scenario>-macc-<pollutant>/<UTC timestamp>/")
@click.option("--svg", is_flag=True)
@inputs_option
@click.option("--force", is_flag=True)
def macc_cmd(scenario: Path, pollutant: str, out: Path | None, svg: bool, inputs: Path | None, force: bool) -> None:
    """Marginal abatement cost curve of the measures available for one pollutant."""
    check_out(out, force)
    from model.names import pollutant_name
    from model.studies.macc import ALLOCATION_RULE, build_macc, write_macc

    with user_errors():
        loaded = load_scenario(scenario)
        m = build_macc(resolve(load_dataset(inputs), loaded), pollutant)
        name = loaded.scenario.name
        target = write_macc(m, name, out or default_out_dir(Path("results"), f"{name}-macc-{m.pollutant}"), svg,
                            force, unique=out is None)
    t = m.table
    print_table(t[["measure_id", "measure_name", "family", "candidates", "reduction_t", "cny_per_t", "cumulative_t"]],
                f"{pollutant_name(m.pollutant, current_lang())} MACC in {m.region} ({ALLOCATION_RULE})", named=True)
    if m.model_marginal_cny_per_t is not None:
        console.print(f"the scenario's marginal cost of its {pollutant_name(m.pollutant)} target (one more tonne, its "
                      f"milestones moving with it; as in `ersim run` and the cost curve): "
                      f"{m.model_marginal_cny_per_t:,.0f} CNY per t and year")
    console.print(f"results written to [bold]{esc(target)}[/bold]")


@main.command("alternatives")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--slack", type=Finite(0.0, limits.MAX_SLACK), default=0.05, show_default=True,
              help="extra cost allowed, fraction of the optimum")
@click.option("--count", type=click.IntRange(1, limits.MAX_ALTERNATIVES), default=4, show_default=True,
              help="how many alternatives")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="default: results/<scenario>-alternatives/<UTC timestamp>/")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE")
@inputs_option
@click.option("--force", is_flag=True)
def alternatives_cmd(scenario: Path, slack: float, count: int, out: Path | None, overrides: tuple[str, ...],
                     inputs: Path | None, force: bool) -> None:
    """Near-optimal portfolios: at most SLACK dearer than the optimum, as different from it as possible."""
    check_out(out, force)
    from model.studies.alternatives import generate_alternatives, write_alternatives
    from model.studies.compare import headline

    with user_errors():
        with console.status("solving the optimum ...") as status:
            outcomes = generate_alternatives(scenario, slack, count, inputs, list(overrides),
                                             progress=lambda msg: status.update(f"solving {esc(msg)} ..."))
            if not outcomes[0].solution.ok:
                err_console.print("[red]infeasible[/red]: the targets and rules cannot all be met, so there is no "
                                  "optimum to find alternatives to; `ersim run` on this scenario shows what can be "
                                  "achieved. Nothing was written.")
                sys.exit(INFEASIBLE)
            status.update("writing ...")
            name = outcomes[0].name
            target, cmp = write_alternatives(outcomes, out or default_out_dir(Path("results"), f"{name}-alternatives"),
                                             force, unique=out is None)
    print_comparison(cmp, headline(cmp), f"optimum and {len(outcomes) - 1} alternatives within {slack:.0%} of its cost")
    console.print(f"results written to [bold]{esc(target)}[/bold]")


@main.command("uncertainty")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--samples", type=click.IntRange(1, limits.MAX_SAMPLES), default=None,
              help="number of samples (default: the scenario's)")
@click.option("--seed", type=click.IntRange(0, limits.MAX_SEED), default=None,
              help="random seed (default: the scenario's)")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="default: results/<scenario>-uncertainty/<UTC timestamp>/")
@workers_option
@click.option("--scheduler", default=None, help="use an existing dask cluster, e.g. tcp://HOST:8786")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE")
@inputs_option
@click.option("--force", is_flag=True)
def uncertainty_cmd(scenario: Path, samples: int | None, seed: int | None, out: Path | None, workers: int,
                    scheduler: str | None, overrides: tuple[str, ...], inputs: Path | None, force: bool) -> None:
    """Monte Carlo over the scenario's uncertain parameters: cost distribution and robust projects."""
    check_out(out, force)
    from model.studies.parallel import executor
    from model.studies.uncertainty import run_uncertainty, summarise, write_uncertainty

    with user_errors():
        with console.status("sampling and solving ..."), executor(workers, scheduler) as run:
            table, freq, meta = run_uncertainty(scenario, samples, run, inputs, tuple(overrides), seed)
        name = meta["scenario"]
        target = write_uncertainty(table, freq, meta, name, out or default_out_dir(Path("results"),
                                                                                  f"{name}-uncertainty"),
                                   force, unique=out is None)
    s = summarise(table, freq)
    for w in meta["warnings"]:
        err_console.print(f"[yellow]warning:[/yellow] {esc(w)}")
    console.print(f"{meta['solved']} of {meta['samples']} samples solved (Latin hypercube); annual cost once built "
                  f"亿元/yr: 5 % {units.cny_to_yi(s['p05_cny']):,.1f}, median {units.cny_to_yi(s['median_cny']):,.1f}, "
                  f"95 % {units.cny_to_yi(s['p95_cny']):,.1f}")
    console.print(f"{meta['all_targets_met_share']:.0%} of the samples meet every target")
    if s["deaths"] is not None:
        lo, mid, hi = s["deaths"]
        console.print(f"premature deaths avoided a year (GEMM, model/air.py): 5 % {lo:,.0f}, median {mid:,.0f}, "
                      f"95 % {hi:,.0f}")
    console.print(f"{s['always']} projects chosen in every sample; {s['sometimes']} only in some")
    print_table(s["not_always"], "projects not always chosen (most frequent first)")
    from model.studies.uncertainty import drivers

    print_table(drivers(table, meta["parameters"]), "what drives the spread: Spearman rank correlation of each input "
                                                    "with the annual cost (drivers.csv, drivers.png)")
    console.print(f"results written to [bold]{esc(target)}[/bold]")


@main.command("sweep")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--target", "pollutant", required=True, help="pollutant whose target is swept (NOx, VOCs, COD ...)")
@click.option("--from", "start", type=Finite(0.0, limits.MAX_SWEEP_FRACTION), default=0.5, show_default=True,
              help="first level, fraction of the target")
@click.option("--to", "stop", type=Finite(0.0, limits.MAX_SWEEP_FRACTION), default=1.3, show_default=True,
              help="last level, fraction of the target")
@click.option("--steps", type=click.IntRange(1, limits.MAX_SWEEP_LEVELS), default=17, show_default=True)
@click.option("--values", callback=lambda _ctx, _param, v: levels_option(v),
              help="explicit levels in tonnes, comma-separated (instead of --from/--to/--steps)")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="default: results/<scenario>-sweep-<pollutant>/<UTC timestamp>/")
@click.option("--svg", is_flag=True, help="also write the figure as SVG")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE")
@inputs_option
@click.option("--force", is_flag=True)
@workers_option
@click.option("--scheduler", default=None, help="use an existing dask cluster, e.g. tcp://HOST:8786")
def sweep_cmd(scenario: Path, pollutant: str, start: float, stop: float, steps: int, values: list[float] | None,
              out: Path | None, svg: bool, overrides: tuple[str, ...], inputs: Path | None, force: bool,
              workers: int, scheduler: str | None) -> None:
    """Cost curve: solve SCENARIO with one target at a range of levels (one model, re-solved)."""
    check_out(out, force)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from model.studies.sweep import levels_from_range, sweep_scenario, write_sweep

    with user_errors(ValueError, ModelSetupError):
        loaded = load_scenario(scenario, list(overrides))
        md = resolve(load_dataset(inputs), loaded)
        if values:
            levels = values
        else:
            levels = levels_from_range(md, pollutant, start, stop, steps)
        if workers > 1 or scheduler:
            from model.studies.parallel import executor
            from model.studies.sweep import sweep_parallel

            where = esc(scheduler or f"a local cluster of {workers} workers")
            with console.status(f"solving {len(levels)} levels on {where} ..."), executor(workers, scheduler) as run:
                result = sweep_parallel(md, pollutant, levels, run)
        else:
            with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                          console=console) as bar:
                task = bar.add_task("building", total=len(levels))

                def tick(i: int, n: int, level: float) -> None:
                    bar.update(task, completed=i, description=f"solving {esc(pollutant)} = "
                                                              f"{units.t_to_wan_t(level):.2f} 万吨")

                result = sweep_scenario(md, pollutant, levels, tick)
                bar.update(task, completed=len(levels), description="done" if result.interrupted is None
                           else "interrupted")
        name = md.name
        if result.interrupted is not None and result.curve.empty:
            raise result.interrupted  # nothing solved yet: a plain stop
        target_dir = out or default_out_dir(Path("results"), f"{name}-sweep-{result.pollutant}")
        target_dir = write_sweep(result, target_dir, name, svg=svg, force=force, unique=out is None)
    if result.interrupted is not None:  # the levels solved before the stop are kept: say so, exit as stopped
        signum = getattr(result.interrupted, "signum", None) or signal.SIGINT
        err_console.print(f"[yellow]interrupted[/yellow]: the {len(result.curve)} of {len(levels)} levels solved "
                          f"before the stop were written to {esc(target_dir)}")
        sys.exit(128 + signum)
    c = result.curve
    shown = pd.DataFrame({"level_%": c["level_pct"], "level_万吨": units.t_to_wan_t(c["level_t"]),
                          "status": c["status"],
                          "annual_cost_once_built_亿元": units.cny_to_yi(c.get("total_annual_cost_cny",
                                                                                 pd.Series(dtype=float))),
                          "objective_亿元_per_yr": units.cny_to_yi(c.get("objective_cny_per_yr", pd.Series(dtype=float))),
                          "of_which_penalties": units.cny_to_yi(c.get("penalties_cny_per_yr", pd.Series(dtype=float))),
                          "marginal_CNY_per_t": c.get("marginal_cny_per_t"),
                          "lp_marginal_CNY_per_t": c.get("lp_marginal_cny_per_t")})
    print_table(shown, f"{result.target_label}: cost curve ({result.seconds['solve_all_s']:.1f} s for "
                       f"{len(c)} points, build {result.seconds['build_s']:.1f} s)")
    if result.max_achievable_t is not None:
        console.print(f"largest achievable reduction: {units.t_to_wan_t(result.max_achievable_t):.3f} 万吨; "
                      "levels above it are infeasible")
    console.print(f"results written to [bold]{esc(target_dir)}[/bold]")


@main.command("air-sweep")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--region", required=True, help="the province or a city (code, 中文 or pinyin), e.g. 临汾")
@click.option("--levels", "values", required=True, callback=lambda _ctx, _param, v: levels_option(v, "μg/m³"),
              help="PM2.5 levels in μg/m³, comma-separated, e.g. 44,42,40,38")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="default: results/<scenario>-air-sweep/<UTC timestamp>/")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE")
@inputs_option
@click.option("--force", is_flag=True)
def air_sweep_cmd(scenario: Path, region: str, values: list[float], out: Path | None, overrides: tuple[str, ...],
                  inputs: Path | None, force: bool) -> None:
    """Cost against a PM2.5 level: SCENARIO solved with REGION's modelled 2025 PM2.5 at each level (a screening
    estimate, README 'PM2.5 and health'); the curve stops at the first level out of reach."""
    check_out(out, force)
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from model.studies.air_sweep import air_sweep, write_air_sweep

    with user_errors(ValueError, ModelSetupError):
        md = resolve(load_dataset(inputs), load_scenario(scenario, list(overrides)))
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                      console=console) as bar:
            task = bar.add_task("building", total=len(values))
            curve = air_sweep(md, region, values, lambda i, n, v: bar.update(
                task, completed=i, description=f"solving PM2.5 ≤ {v:g} μg/m³"))
        target_dir = write_air_sweep(curve, out or default_out_dir(Path("results"), f"{md.name}-air-sweep"), md.name,
                                     force=force, unique=out is None)
    print_table(curve.drop(columns=["region"]), f"PM2.5 {region}: cost against the level", named=True)  # a Text title
    console.print(f"results written to [bold]{esc(target_dir)}[/bold]")


@main.command("rules-cost")
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="default: results/<scenario>-rules-cost/<UTC timestamp>/")
@click.option("--set", "overrides", multiple=True, metavar="KEY.PATH=VALUE")
@inputs_option
@click.option("--force", is_flag=True)
@workers_option
@click.option("--scheduler", default=None, help="use an existing dask cluster, e.g. tcp://HOST:8786")
def rules_cost_cmd(scenario: Path, out: Path | None, overrides: tuple[str, ...], inputs: Path | None,
                   force: bool, workers: int, scheduler: str | None) -> None:
    """What each target, PM2.5 level and policy rule costs and buys: SCENARIO solved with each lifted in turn."""
    check_out(out, force)
    from model.studies.parallel import executor
    from model.studies.rules_cost import headline, headline_labels, rules_cost, rules_cost_parallel, write_rules_cost

    with user_errors():
        loaded = load_scenario(scenario, list(overrides))
        md = resolve(load_dataset(inputs), loaded)
        if workers > 1 or scheduler:
            with console.status("solving the targets and rules in parallel ..."), executor(workers, scheduler) as run:
                table = rules_cost_parallel(md, run)
        else:
            with console.status("solving ...") as status:
                table = rules_cost(md, progress=lambda msg: status.update(f"solving {esc(msg)} ..."))
        name = md.name
        target = write_rules_cost(table, out or default_out_dir(Path("results"), f"{name}-rules-cost"), force,
                                  unique=out is None)
    print_table(headline(table), "what each target, PM2.5 level and rule costs (with it minus without it: a target "
                                 "at 0 t with its milestones, a PM2.5 level dropped, a rule off) and what it buys "
                                 "beyond the rest (0: it does not bind)",
                named=True, labels=headline_labels())
    console.print(f"results written to [bold]{esc(target)}[/bold]")


if __name__ == "__main__":
    main()
