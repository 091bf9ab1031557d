"""Monte Carlo over the uncertain parameters a scenario marks; solved in parallel.

A scenario lists its uncertain parameters under ``uncertainty:``, each with a distribution::

    uncertainty:
      samples: 50
      seed: 1
      parameters:
        - {param: prices.natural_gas, dist: uniform, low: 2.5, high: 4.5}
        - {param: measures.heat_pump.capex_cny_per_unit, dist: triangular, low: 18000, mode: 25000, high: 32000}
        - {param: measures.*.capex_cny_per_unit, dist: normal, mean: 1.0, sd: 0.1, how: scale}
        - {param: measures.cement_scr.nox_removal, dist: uniform, low: 0.75, high: 0.9}
        - {param: regions.*.gdp_growth_pct_per_yr, dist: normal, mean: 5.0, sd: 1.0}
        - {param: co2_intensity.bau_co2_growth_pct_per_yr, dist: uniform, low: 1, high: 3}

``param`` is a scenario key path (``prices.…``, ``co2_intensity.…``, ``discount_rate``) or a data column:
``measures.<id or *>.<column>``, ``regions.<code or *>.<column>``, or the air layer's
``air_intake.<release class or *>.intake_fraction``, ``air_sources.<sector or *>.pm25_share_of_pm`` and
``health.<parameter>.value`` (their tables give each a low-high range; the samples then carry the deaths avoided). ``how: set`` (default) replaces the
value, ``how: scale`` multiplies it. The samples are a Latin hypercube (``scipy.stats.qmc.LatinHypercube``,
seeded): each parameter's range is cut into as many equal-probability strata as there are samples and every
stratum is drawn once, so a few dozen samples cover each range evenly (plain random draws leave gaps and
clusters); sample ``i`` is row ``i`` of that design mapped through each distribution's inverse CDF, the same
whichever worker solves it. Each sample is solved to the scenario's gap; the outputs are the distribution of
total cost, the share of samples meeting every target, per project the share of samples that chose it, and the
inputs that drive the spread (Spearman rank correlation of each parameter with the annual cost: a tornado).
Below :data:`FEW_SAMPLES` samples the 5 % and 95 % quantiles rest on one or two samples: said as a warning.

The **base case** is solved alongside the samples: the scenario as written, no parameter drawn (what ``ersim
run`` of it gives), so the figure and ``uncertainty.json`` (``base``) show where the plan's own answer falls in
the distribution. The values it stands for are recorded per parameter (1 for ``how: scale``; a ``*`` column
whose rows differ has no single value and is recorded as null).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import numpy as np
import pandas as pd

from .. import limits
from ..errors import did_you_mean
from ..rundir import write_atomically, write_csv, write_json
from ..scenario import ScenarioError

#: the ``sample`` of the extra solve with no parameter drawn (the base case)
BASE = "base"
#: fewer samples than this: the 5 % / 95 % quantiles rest on one or two samples each (a warning, not an error)
FEW_SAMPLES = 30


def draw(spec: dict, u: float) -> float:
    """The value of parameter ``spec`` at probability ``u`` in (0, 1): its distribution's inverse CDF."""
    from scipy import stats  # only the uncertainty study needs it (a second of imports)

    d = spec.get("dist", "uniform")
    if d == "uniform":
        return float(spec["low"] + u * (spec["high"] - spec["low"]))
    if d == "triangular":
        low, mode, high = spec["low"], spec["mode"], spec["high"]
        if not low <= mode <= high or low == high:
            raise ScenarioError(f"uncertainty: {spec.get('param')}: triangular needs low <= mode <= high, low < high")
        return float(stats.triang.ppf(u, (mode - low) / (high - low), loc=low, scale=high - low))
    if d == "normal":
        return float(stats.norm.ppf(u, spec["mean"], spec["sd"]))
    if d == "lognormal":
        return float(stats.lognorm.ppf(u, spec["sigma"], scale=spec["median"]))
    raise ScenarioError(f"uncertainty: unknown distribution '{d}' for {spec.get('param')}; use uniform, "
                        "triangular, normal or lognormal")


def design(n: int, d: int, seed: int) -> np.ndarray:
    """The (n samples x d parameters) Latin hypercube in (0, 1), seeded: the same on every worker."""
    from scipy.stats import qmc

    return qmc.LatinHypercube(d=max(d, 1), seed=seed).random(n)


def check_parameters(params: list[dict], ds, sc_dict: dict, loaded=None) -> None:
    """Every parameter must name something that exists; errors say which, where (``loaded``: the scenario's
    file:line:col) and what is allowed."""
    for i, p in enumerate(params):
        where = f"uncertainty.parameters.{i}"
        if loaded is not None:
            where = f"{loaded.place('uncertainty', 'parameters', i, 'param')}: {where}"
        if "param" not in p:
            raise ScenarioError(f"{where}: needs param: (e.g. prices.natural_gas)")
        parts = p["param"].split(".")
        if parts[0] in DATA_TABLES:
            table = getattr(ds, parts[0])
            numeric = [c for c in table.columns if pd.api.types.is_numeric_dtype(table[c])]
            if len(parts) != 3 or parts[2] not in numeric:
                hint = did_you_mean(parts[-1], numeric) if len(parts) == 3 else ""
                raise ScenarioError(f"{where}: '{p['param']}' must be {parts[0]}.<id or *>.<column>, with a numeric "
                                    f"column of {parts[0]}.csv{hint}")
            keys = [str(k) for k in _keys(parts[0], table)]
            if parts[1] != "*" and parts[1] not in keys:
                what = (DATA_TABLES[parts[0]] or parts[0][:-1]).replace("_", " ")
                raise ScenarioError(f"{where}: unknown {what} '{parts[1]}'"
                                    f"{did_you_mean(parts[1], sorted(set(keys)))}")
        elif parts[0] == "prices" and (len(parts) != 2 or parts[1] not in set(ds.prices["carrier"])):
            carriers = sorted(ds.prices["carrier"])
            raise ScenarioError(f"{where}: '{p['param']}' must be prices.<carrier>"
                                f"{did_you_mean(parts[-1], carriers)}; carriers: {', '.join(carriers)}")
        elif parts[0] not in ("prices", "co2_intensity", "discount_rate"):
            raise ScenarioError(f"{where}: '{p['param']}' is not an uncertain parameter ersim knows; use prices.*, "
                                "co2_intensity.*, discount_rate, measures.<id>.<column>, regions.<code>.<column>, "
                                "air_intake.<release class>.intake_fraction, air_sources.<sector>.pm25_share_of_pm "
                                "or health.<parameter>.value")
        if p.get("how", "set") not in ("set", "scale"):
            raise ScenarioError(f"{where}: how: must be set or scale")
        if not np.isfinite(draw(p, 0.5)):  # validates the distribution and its arguments
            raise ScenarioError(f"{where}: the distribution's arguments give no finite value")


#: data tables a parameter may name (``<table>.<key or *>.<column>``) -> what a key is (None: the table's index)
DATA_TABLES = {"measures": None, "regions": None, "air_intake": "release_class", "air_sources": "sector",
               "health": "parameter"}


def _keys(name: str, table: pd.DataFrame) -> pd.Index:
    """The keys a parameter's middle part is matched against: the index, or the table's key column (an
    air_intake release class names its three precursor rows at once)."""
    key = DATA_TABLES[name]
    return table.index if key is None else pd.Index(table[key].astype(str))


def _rows(name: str, table: pd.DataFrame, key: str):
    """The rows of ``table`` that ``key`` (or ``*``) names, as a boolean mask."""
    return np.ones(len(table), dtype=bool) if key == "*" else np.asarray(_keys(name, table) == key)


def apply_sample(ds, sc, params: list[dict], values: list[float]):
    """A copy of (dataset, scenario) with the sampled values applied."""
    tables = {name: getattr(ds, name).copy() for name in DATA_TABLES}
    sc = sc.model_copy(deep=True)
    for p, v in zip(params, values):
        parts = p["param"].split(".")
        how = p.get("how", "set")
        if parts[0] in DATA_TABLES:
            table = tables[parts[0]]
            rows = _rows(parts[0], table, parts[1])
            col = parts[2]
            table.loc[rows, col] = table.loc[rows, col] * v if how == "scale" else v
        elif parts[0] == "prices":
            base = sc.prices.get(parts[1], float(ds.prices.loc[parts[1], "price_cny_per_unit"]))
            sc.prices[parts[1]] = base * v if how == "scale" else v
        elif parts[0] == "co2_intensity" and sc.co2_intensity is not None:
            cur = getattr(sc.co2_intensity, parts[1])
            setattr(sc.co2_intensity, parts[1], cur * v if how == "scale" else v)
        elif parts[0] == "discount_rate":
            sc.discount_rate = sc.discount_rate * v if how == "scale" else v
    return dataclasses.replace(ds, **tables), sc


def nominal_value(spec: dict, ds, sc) -> float | None:
    """The value parameter ``spec`` has in the scenario as written (the base case): 1 for ``how: scale``,
    else the scenario's or the data's value; None for a ``*`` column whose rows differ (no single value)."""
    if spec.get("how", "set") == "scale":
        return 1.0
    parts = spec["param"].split(".")
    if parts[0] in DATA_TABLES:
        table = getattr(ds, parts[0])
        column = table.loc[_rows(parts[0], table, parts[1]), parts[2]]
        values = pd.to_numeric(column, errors="coerce").dropna().unique()
        return float(values[0]) if len(values) == 1 else None
    if parts[0] == "prices":
        return float(sc.prices.get(parts[1], ds.prices.loc[parts[1], "price_cny_per_unit"]))
    if parts[0] == "co2_intensity":
        return None if sc.co2_intensity is None else float(getattr(sc.co2_intensity, parts[1]))
    return float(sc.discount_rate)


def sample_task(args: tuple, shared) -> dict:
    """Solve sample ``i`` (or, for ``i == BASE``, the scenario as written); returns its values, status, costs
    and the projects it chose."""
    from ..pipeline import Pipeline
    from ..resolve import resolve
    from ..results import make_results, not_met, objective_key, project_key, project_names

    params, seed, i, n = args
    md = shared  # the scenario as written, resolved by the client; a sample resolves its own changed data
    ds, sc = md.dataset, md.scenario
    if i == BASE:
        values = [nominal_value(p, ds, sc) for p in params]
    else:
        values = [draw(p, u) for p, u in zip(params, design(n, len(params), seed)[i])]
        md = resolve(*apply_sample(ds, sc, params, values))  # the sample's data: its CO2 row and prices differ
    pipe = Pipeline(md)
    bm, sol = pipe.model, pipe.solver.solve(shadow_prices=False)
    out = {"sample": i, "status": sol.status, "values": values}
    if sol.ok:
        res = make_results(bm, sol)
        out.update(all_targets_met=not not_met(res.targets),
                   total_annual_cost_cny=res.totals["total_annual_cost_cny"], capex_cny=res.totals["capex_cny"],
                   **({"avoided_deaths_per_yr": res.totals["avoided_deaths_per_yr"]}
                      if "avoided_deaths_per_yr" in res.totals else {}),
                   **{objective_key(sol.objective_unit): sol.objective},
                   projects=sorted(set(project_key(res.portfolio))),
                   names=project_names(res.portfolio))
    return out


def run_uncertainty(scenario_path: Path, samples: int | None, run, inputs=None, overrides=(),
                    seed: int | None = None) -> tuple[pd.DataFrame, pd.DataFrame, dict]:
    """(samples table, project frequency table, settings) for the scenario's ``uncertainty:`` block."""
    from ..inputs import load_dataset
    from ..scenario import load_scenario

    loaded = load_scenario(scenario_path, list(overrides))
    ds = load_dataset(inputs)
    sc = loaded.scenario
    block = sc.uncertainty
    if block is None or not block.parameters:
        raise ScenarioError(f"{scenario_path}: no uncertainty: parameters; add e.g.\n  uncertainty:\n    parameters:"
                            "\n      - {param: prices.natural_gas, dist: uniform, low: 2.5, high: 4.5}")
    params = [p.model_dump() for p in block.parameters]
    from ..resolve import resolve

    md = resolve(ds, loaded)  # names checked against the data, with their places; sent to the workers once
    check_parameters(params, ds, loaded.resolved, loaded)
    n = block.samples if samples is None else samples  # 0 is a mistake, not "the scenario's count"
    seed = block.seed if seed is None else seed
    if not 1 <= n <= limits.MAX_SAMPLES or not 0 <= seed <= limits.MAX_SEED:
        raise ScenarioError(f"uncertainty: samples must lie in 1..{limits.MAX_SAMPLES:,} and the seed in "
                            f"0..{limits.MAX_SEED}, got {n} and {seed}")
    results = run(sample_task, [(params, seed, i, n) for i in [*range(n), BASE]], shared=md)  # and the base case
    base = next(r for r in results if r["sample"] == BASE)
    results = sorted((r for r in results if r["sample"] != BASE), key=lambda r: r["sample"])
    rows = []
    for r in results:
        row = {"sample": r["sample"], "status": r["status"], "all_targets_met": r.get("all_targets_met", False)}
        row.update({p["param"]: v for p, v in zip(params, r["values"])})
        row.update({k: r.get(k, np.nan) for k in ("total_annual_cost_cny", "capex_cny", "objective_discounted_cny",
                                                 "objective_weighted_t", "avoided_deaths_per_yr")
                    if k in r or k not in ("objective_weighted_t", "avoided_deaths_per_yr")})
        rows.append(row)
    table = pd.DataFrame(rows)
    ok = [r for r in results if "projects" in r]
    counts: dict[str, int] = {}
    names: dict[str, str] = {}
    for r in ok:
        for k in r["projects"]:
            counts[k] = counts.get(k, 0) + 1
        names.update(r["names"])
    freq = pd.DataFrame({"project": list(counts), "name": [names.get(k, "") for k in counts],
                         "chosen_in": list(counts.values())})
    freq["share"] = freq["chosen_in"] / max(len(ok), 1)
    freq = freq.sort_values(["share", "project"], ascending=[False, True]).reset_index(drop=True)
    meta = {"scenario": sc.name, "samples": n, "seed": seed, "sampling": "latin hypercube", "solved": len(ok),
            "all_targets_met_share": float(table["all_targets_met"].mean()) if len(table) else float("nan"),
            "warnings": ([f"{n} samples: below {FEW_SAMPLES} the 5 % and 95 % quantiles rest on one or two samples "
                          "each; use --samples 50 or more for a spread to quote"] if n < FEW_SAMPLES else []),
            "parameters": params, "base": base_case(base, params)}
    return table, freq, meta


def drivers(table: pd.DataFrame, params: list[dict]) -> pd.DataFrame:
    """Which inputs drive the spread: Spearman rank correlation of each parameter's sampled values with the annual
    cost once built, strongest first (a tornado). nan where a parameter or the cost does not vary."""
    from scipy.stats import spearmanr

    solved = table.dropna(subset=["total_annual_cost_cny"])
    rows = []
    for p in params:
        x, y = solved[p["param"]].to_numpy(dtype=float), solved["total_annual_cost_cny"].to_numpy(dtype=float)
        rho = float(spearmanr(x, y).statistic) if len(x) > 2 and np.ptp(x) > 0 and np.ptp(y) > 0 else float("nan")
        rows.append({"param": p["param"], "rank_correlation": rho})
    out = pd.DataFrame(rows, columns=["param", "rank_correlation"])
    return out.reindex(out["rank_correlation"].abs().sort_values(ascending=False, na_position="last").index)


def base_case(result: dict, params: list[dict]) -> dict:
    """uncertainty.json's ``base``: the scenario as written, its status and costs, the values it stands for."""
    keys = ("total_annual_cost_cny", "capex_cny", "objective_discounted_cny", "objective_weighted_t",
            "avoided_deaths_per_yr")
    return {"status": result["status"], **{k: result[k] for k in keys if k in result},
            "projects": len(result.get("projects", [])),
            "values": {p["param"]: v for p, v in zip(params, result["values"])}}


def summarise(table: pd.DataFrame, freq: pd.DataFrame, top: int = 15) -> dict:
    """Quantiles of the annual cost once built (CNY/yr) and how often projects were chosen."""
    cost = table["total_annual_cost_cny"].dropna()
    deaths = table["avoided_deaths_per_yr"].dropna() if "avoided_deaths_per_yr" in table else pd.Series(dtype=float)
    return {"p05_cny": cost.quantile(0.05), "median_cny": cost.median(), "p95_cny": cost.quantile(0.95),
            "deaths": (deaths.quantile(0.05), deaths.median(), deaths.quantile(0.95)) if len(deaths) else None,
            "always": int((freq["share"] == 1).sum()), "sometimes": int((freq["share"] < 1).sum()),
            "not_always": freq[freq["share"] < 1].head(top).assign(share=lambda d: d["share"].round(2))}


def write_uncertainty(table: pd.DataFrame, freq: pd.DataFrame, meta: dict, name: str, out_dir: Path,
                      force: bool = False, unique: bool = False) -> Path:
    """samples.csv, project_frequency.csv, uncertainty.json and uncertainty.png, written atomically."""
    from ..outputs.plots import uncertainty_chart

    def fill(tmp: Path) -> None:
        write_csv(table, tmp / "samples.csv")
        write_csv(freq, tmp / "project_frequency.csv")
        drive = drivers(table, meta["parameters"])
        write_csv(drive, tmp / "drivers.csv")
        from ..outputs.plots import tornado_chart

        tornado_chart(drive, f"{name}: 成本差异的驱动因素 what drives the cost (Spearman rank correlation)",
                      tmp / "drivers")
        write_json(meta, tmp / "uncertainty.json")
        uncertainty_chart(table, freq, f"{name}: 不确定性分析 uncertainty ({meta['samples']} samples)",
                          tmp / "uncertainty", base_cost_cny=meta.get("base", {}).get("total_annual_cost_cny"))

    return write_atomically(out_dir, fill, force, unique)
