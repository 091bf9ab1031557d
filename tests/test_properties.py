"""Property tests on random small instances (hypothesis) and a fuzz test of scenario validation."""

from __future__ import annotations

import dataclasses
import os

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cli
from conftest import ROOT
from model.candidates import build_candidates
from model.build import build_model
from model.diagnose import elastic
from model.resolve import resolve
from model.scenario import MeasureFilter, Scenario, SolverOptions, Target
from model.solve import solve

EXAMPLES = int(os.environ.get("ERSIM_PROPERTY_EXAMPLES", "15"))  # 100+ for a deeper run
PROPS = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
COUNTIES = ["140322", "141002", "140621"]  # 盂县 (mountain), 尧都区 (plain), 山阴县
KEEP_OUT = ["rail", "wastewater", "efficiency", "voc", "boiler"]

plant = st.tuples(st.sampled_from(COUNTIES), st.integers(500, 5000), st.floats(100, 1500), st.floats(10, 500))
instance = st.fixed_dictionaries({
    "plants": st.lists(plant, min_size=1, max_size=4),
    "households": st.lists(st.integers(0, 3000), min_size=len(COUNTIES), max_size=len(COUNTIES)),
    "frac": st.floats(0.05, 1.1),
})


def make_dataset(ds, spec):
    template = ds.enterprises[ds.enterprises["sector"] == "cement"].iloc[0]
    rows = []
    for k, (county, cap, nox, so2) in enumerate(spec["plants"]):
        r = template.copy()
        r.update({"enterprise_id": f"P{k}", "name_zh": f"随机水泥{k}", "county_code": county, "capacity": float(cap),
                  "output": float(cap) * 310, "nox_t": nox, "so2_t": so2, "ule_status": "none",
                  "bulk_freight_kt_per_yr": 0.0})
        rows.append(r)
    ent = pd.DataFrame(rows)
    ent.index = ent["enterprise_id"]
    regions = ds.regions.copy()
    counties = regions["level"] == "county"
    regions.loc[counties, "rural_coal_households_2020"] = 0.0
    for code, n in zip(COUNTIES, spec["households"]):
        regions.loc[code, "rural_coal_households_2020"] = float(n)
    return dataclasses.replace(ds, enterprises=ent, regions=regions, projects=ds.projects.iloc[:0])


def potential_nox(ds2) -> float:
    cement = 0.85 * ds2.enterprises["nox_t"].sum()
    hh = ds2.counties["rural_coal_households_2020"].sum() * ds2.measures.loc["heat_pump", "nox_t_per_unit"]
    return cement + hh


def scenario(level_t: float, exclude=()) -> Scenario:
    return Scenario(name="prop", targets=[Target(pollutant="NOx", reduction=level_t, unit="t")],
                    measures=MeasureFilter(exclude=[*KEEP_OUT, *exclude]), solver=SolverOptions(mip_gap=1e-9))


def run(ds2, sc):
    md = resolve(ds2, sc)
    bm = build_model(md, build_candidates(md))
    return bm, solve(bm, mip_gap=1e-9, shadow_prices=False)


@pytest.mark.slow
@PROPS
@given(spec=instance)
def test_reported_portfolio_meets_hard_targets(ds, spec):
    ds2 = make_dataset(ds, spec)
    level = spec["frac"] * potential_nox(ds2)
    bm, sol = run(ds2, scenario(level))
    if sol.status == "infeasible":
        assert level > 0.999 * potential_nox(ds2) - 1e-6  # infeasible only above what full ULE + heating give
        return
    from model.results import make_results

    port = make_results(bm, sol).portfolio
    assert port["nox_t"].sum() >= level * (1 - 1e-7) - 1e-6


@pytest.mark.slow
@PROPS
@given(spec=instance, tighter=st.floats(1.0, 1.5))
def test_tightening_a_target_never_lowers_cost(ds, spec, tighter):
    ds2 = make_dataset(ds, spec)
    level = spec["frac"] * potential_nox(ds2)
    _, a = run(ds2, scenario(level))
    _, b = run(ds2, scenario(level * tighter))
    if a.status == "infeasible":
        assert b.status == "infeasible"
    elif b.status != "infeasible":
        assert b.objective >= a.objective - 1e-6 * max(1.0, abs(a.objective))


@pytest.mark.slow
@PROPS
@given(spec=instance, drop=st.sampled_from(["cement_sncr", "cement_scr", "cement_ule", "heat_pump", "heat_gas",
                                            "heat_district", "heat_electric", "heat_clean_coal"]))
def test_removing_a_measure_never_lowers_cost(ds, spec, drop):
    ds2 = make_dataset(ds, spec)
    level = spec["frac"] * potential_nox(ds2)
    _, full = run(ds2, scenario(level))
    _, fewer = run(ds2, scenario(level, exclude=[drop]))
    if full.status == "infeasible":
        assert fewer.status == "infeasible"
    elif fewer.status != "infeasible":
        assert fewer.objective >= full.objective - 1e-6 * max(1.0, abs(full.objective))


@pytest.mark.slow
@PROPS
@given(spec=instance)
def test_elastic_shortfall_is_zero_exactly_when_feasible(ds, spec):
    ds2 = make_dataset(ds, spec)
    sc = scenario(spec["frac"] * potential_nox(ds2))
    _, plain = run(ds2, sc)
    md = resolve(ds2, sc)
    _, el = elastic(md, build_candidates(md))
    short = sum(el.short.values())
    if plain.status == "infeasible":
        assert short > 1e-6
    else:
        assert short == pytest.approx(0.0, abs=1e-6)


# ----------------------------------------------------------------------------- fuzzing `ersim validate`
BASE_TEXT = (ROOT / "scenarios" / "base.yaml").read_text(encoding="utf-8")
LINFEN_TEXT = (ROOT / "scenarios" / "linfen.yaml").read_text(encoding="utf-8").replace(
    "extends: base.yaml", f"extends: {(ROOT / 'scenarios' / 'base.yaml').as_posix()}")
NASTY = ["", " ", ":", "-", "[", "]", "{", "}", "'", '"', "\t", "\n", "#", "!!python/object:os.system", "&a", "*a",
         "1e400", "-1", "null", "true", "万吨", "NaN", "~", "? ", "|", ">", "%", "@", "`", "\x00", "\ufeff"]


@st.composite
def mutated(draw):
    text = draw(st.sampled_from([BASE_TEXT, LINFEN_TEXT]))
    lines = text.splitlines(keepends=True)
    for _ in range(draw(st.integers(1, 4))):
        op = draw(st.sampled_from(["insert", "delete", "replace_line", "swap", "dup"]))
        i = draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "insert":
            line = lines[i] if lines else ""
            j = draw(st.integers(0, len(line)))
            lines[i:i + 1] = [line[:j] + draw(st.sampled_from(NASTY)) + line[j:]]
        elif op == "delete" and lines:
            line = lines[i]
            j = draw(st.integers(0, len(line)))
            k = draw(st.integers(j, len(line)))
            lines[i] = line[:j] + line[k:]
        elif op == "replace_line" and lines:
            lines[i] = draw(st.sampled_from(NASTY)) + "\n"
        elif op == "swap" and len(lines) > 1:
            k = draw(st.integers(0, len(lines) - 1))
            lines[i], lines[k] = lines[k], lines[i]
        elif op == "dup" and lines:
            lines.insert(i, lines[i])
    return "".join(lines)


@pytest.mark.slow
# 60 examples in make test (about 10 s); ERSIM_FUZZ_EXAMPLES=2000 for a deeper run
@settings(max_examples=int(os.environ.get("ERSIM_FUZZ_EXAMPLES", "60")), deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=mutated())
def test_fuzzed_scenarios_give_only_clean_user_errors(tmp_path, text):
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(text.encode("utf-8", errors="surrogatepass"))
    # the scenario's text is fuzzed: the model it builds is checked elsewhere (test_hostile_statuses), and
    # building it for every example would take a minute
    res = CliRunner().invoke(cli.main, ["validate", str(path), "--no-model"])
    assert res.exit_code in (0, 2), (res.exit_code, res.output, text)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
    assert "Traceback" not in res.output and "internal error" not in res.output
    if res.exit_code == 2:
        assert "error:" in res.output
