"""Look-ups a planner asks for by name: one enterprise, one measure, one county (``ersim show``).

Pure functions from a dataset (and, for what a plant or county could do, the candidates of a resolved
scenario; for what was recommended, a run's portfolio) to small tables; the CLI only prints them. Names are
matched as ids, exact Chinese or English names, or unique substrings; several matches are an error that lists
them, so a planner never reads the wrong plant's figures.
"""

from __future__ import annotations

import pandas as pd

from .catalog import BASELINE_COLUMNS as EMISSIONS  # emission columns of plants and sources (t/yr)
from .candidates import annual_cost_cny
from .domain import POLLUTANTS
from .errors import did_you_mean
from .inputs import Dataset
from .resolve import region_code


def find_enterprise(ds: Dataset, text: str) -> str:
    """enterprise_id for an id, a Chinese or English name, or a unique part of one (ValueError lists matches)."""
    e = ds.enterprises
    key = text.strip()
    if key in e.index:
        return key
    exact = e.index[(e["name_zh"] == key) | (e["name_en"].str.lower() == key.lower())]
    if len(exact) == 1:
        return str(exact[0])
    part = e.index[e["name_zh"].str.contains(key, regex=False) | e["name_en"].str.lower().str.contains(
        key.lower(), regex=False)]
    if len(part) == 1:
        return str(part[0])
    if len(part) > 1:
        shown = "; ".join(f"{i} {e.loc[i, 'name_zh']}" for i in part[:8])
        raise ValueError(f"'{text}' matches {len(part)} enterprises ({shown}{' ...' if len(part) > 8 else ''}); "
                         "give the id or a longer part of the name")
    raise ValueError(f"no enterprise '{text}'{did_you_mean(key, list(e['name_zh']) + list(e.index), cutoff=0.5)}; "
                     "`ersim list enterprises --name TEXT` searches names")


def find_measure(ds: Dataset, text: str) -> str:
    m = ds.measures
    key = text.strip()
    if key in m.index:
        return key
    hit = m.index[(m["name_zh"] == key) | (m["name_en"].str.lower() == key.lower())
                  | m["name_zh"].str.contains(key, regex=False)]
    if len(hit) == 1:
        return str(hit[0])
    if len(hit) > 1:
        raise ValueError(f"'{text}' matches {len(hit)} measures ({', '.join(hit)}); give the id")
    raise ValueError(f"no measure '{text}'{did_you_mean(key, list(m.index), cutoff=0.5)}; "
                     "`ersim list measures` shows them")


def enterprise_facts(ds: Dataset, eid: str) -> pd.DataFrame:
    """One plant as field/value rows: who and where it is, what it makes and emits (t/yr), and the sources."""
    r = ds.enterprises.loc[eid]
    county = ds.regions.loc[r["county_code"]]
    city = ds.regions.loc[county["city_code"], "name_zh"]
    rows = [("id", eid), ("name", f"{r['name_zh']} ({r['name_en']})"), ("sector / process", f"{r['sector']} / "
            f"{r['process']}"), ("where", f"{city} {county['name_zh']} ({r['county_code']})"),
            ("capacity", f"{r['capacity']:,.0f} {r['capacity_unit']}"),
            ("2020 output", f"{r['output']:,.0f} {r['output_unit']}" if pd.notna(r["output"]) else ""),
            ("ULE status", r["ule_status"] or "n/a"),
            ("identity", "named: a real plant" + (f" (tracker id {r['tracker_id']})" if r.get("tracker_id") else "")
             if r["plant_identity"] == "named" else f"remainder: a city's capacity no public list names, taken in "
             f"{int(r['blocks'])} block(s)"),
            ("coordinates", f"{r['latitude']}, {r['longitude']} ({r['coord_source']})")]
    rows += [(f"{c} (t/yr)", f"{r[c]:,.1f}") for c in EMISSIONS if c in r and pd.notna(r[c]) and r[c]]
    rows.append(("source", r["source"]))
    return pd.DataFrame(rows, columns=["field", "value"])


def options_at(candidates: pd.DataFrame, eid: str) -> pd.DataFrame:
    """What a plant could build (the candidates of a resolved scenario): cost and cuts per option."""
    c = candidates[candidates["enterprise_id"] == eid]
    cols = ["measure_id", "exclusive_group", "capex_cny", "annualised_capex_cny", "annual_cost_cny", "nox_t", "so2_t",
            "pm_t", "vocs_t", "co2_t"]
    return c[[k for k in cols if k in c]].reset_index(drop=True)


def measure_facts(ds: Dataset, mid: str, candidates: pd.DataFrame | None = None) -> pd.DataFrame:
    """One measure as field/value rows: what it applies to, costs, removal rates and, over the candidates of a
    resolved scenario, its average cost per tonne of each pollutant it cuts (annualised capex + O&M per t/yr)."""
    m = ds.measures.loc[mid]
    rows = [("id", mid), ("name", f"{m['name_zh']} ({m['name_en']})"), ("family", m["family"]),
            ("applies to", f"{m['applies_to']}: {m['sector']}" + (f" ({m['process']})" if m["process"] else "")),
            ("unit", m["unit"]), ("capex (CNY per unit)", f"{m['capex_cny_per_unit']:,.2f}"),
            ("fixed O&M (CNY per unit and year)", f"{m['fixed_om_cny_per_unit_yr']:,.2f}"
             if pd.notna(m["fixed_om_cny_per_unit_yr"]) else ""),
            ("lifetime (years)", f"{m['lifetime_yr']:g}")]
    for p in POLLUTANTS:
        v = m.get(f"{p}_removal")
        if pd.notna(v) and v:
            rows.append((f"{p} removal (share of the emission)", f"{v:.3f}"))
        v = m.get(f"{p}_t_per_unit")
        if pd.notna(v) and v:
            rows.append((f"{p} cut per unit (t/yr)", f"{v:.6g}"))
    if candidates is not None:
        c = candidates[candidates["measure_id"] == mid]
        rows.append(("candidates in the scenario", f"{len(c):,}"))
        if len(c):
            annual = annual_cost_cny(c).sum()
            for p in POLLUTANTS:
                cut = c[f"{p}_t"].sum()
                if cut > 0:
                    rows.append((f"average CNY per t of {p} (all candidates, cost not shared)", f"{annual / cut:,.0f}"))
    rows.append(("source", m["source"]))
    return pd.DataFrame(rows, columns=["field", "value"])


def county_facts(ds: Dataset, text: str) -> tuple[str, pd.DataFrame, pd.DataFrame]:
    """(county code, field/value facts, emissions by group in the county: plants by sector and other sources)."""
    code = region_code(ds, text, levels=("county",))
    r = ds.regions.loc[code]
    facts = pd.DataFrame([("code", code), ("name", f"{r['name_zh']} ({r['name_pinyin']})"),
                          ("city", ds.regions.loc[r["city_code"], "name_zh"]), ("terrain", r["terrain"]),
                          ("population 2020", f"{r['population_2020']:,.0f}" if pd.notna(r["population_2020"]) else
                           "not found"),
                          ("rural households on bulk coal 2020", f"{r['rural_coal_households_2020']:,.0f}"),
                          ("source", r["source"])], columns=["field", "value"])
    e = ds.enterprises[ds.enterprises["county_code"] == code]
    parts = [e.groupby("sector")[EMISSIONS[:4] + ["co2_t"]].sum().assign(
        units=e.groupby("sector").size().astype(str) + " plants")]
    s = ds.sources[ds.sources["county_code"] == code] if len(ds.sources) else ds.sources
    if len(s):
        parts.append(s.groupby("category")[EMISSIONS].sum().assign(units="sources.csv"))
    groups = pd.concat(parts).fillna(0.0).reset_index(names="group")
    return code, facts, groups[["group", "units", *EMISSIONS]]


def recommended(portfolio: pd.DataFrame, enterprise_id: str | None = None, county: str | None = None
                ) -> pd.DataFrame:
    """The projects a run recommends at a plant or in a county (from its portfolio.csv)."""
    p = portfolio
    if enterprise_id is not None:
        p = p[p["enterprise_id"].astype(str) == enterprise_id]
    if county is not None:
        p = p[p["region_code"].astype(str) == county]
    cols = ["year", "measure_id", "measure_name", "enterprise_name", "quantity", "unit", "capex_cny",
            "total_annual_cost_cny", "nox_t", "so2_t", "vocs_t", "cod_t", "co2_t"]
    return p[[c for c in cols if c in p]].reset_index(drop=True)


def search_names(ds: Dataset, what: str, view: pd.DataFrame, text: str) -> pd.DataFrame:
    """The rows of a list view (regions, enterprises or measures) whose Chinese, English or pinyin name contains
    ``text`` (case-insensitive), for ``ersim list --name``; the names are read from the full table."""
    full, key_col = {"regions": (ds.regions, "region_code"), "enterprises": (ds.enterprises, "enterprise_id"),
                     "measures": (ds.measures, "measure_id")}[what]
    key = text.strip().lower()
    hit = pd.Series(False, index=full.index)
    for c in ("name_zh", "name_en", "name_pinyin"):
        if c in full:
            hit |= full[c].astype(str).str.lower().str.contains(key, regex=False)
    return view[view[key_col].isin(full.index[hit])]
