"""Turn the dataset and a scenario into candidate projects with their costs and effects (pure pandas).

Four candidate tables, one per kind of decision, each with the yearly reduction of every pollutant
(``nox_t`` ... ``co2_t``, t/yr; negative = increase) at the candidate's full quantity:

* ``enterprise``: one row per (plant, measure) pair the plant can take. Binary: built or not.
* ``household``: one row per (county, heating option): up to ``max_quantity`` households.
* ``freight``: one row per bulk shipper still moving tonnage by road: a siding (binary, unless one
  exists) and up to ``max_quantity`` kt/yr shifted to rail.
* ``wastewater``: one row per treatment candidate: built or not, up to ``max_quantity`` m3/day.

Costs are capex (CNY, spent in the build year) and ``annual_cost_cny`` (O&M and energy, CNY/yr); the
capex is annualised with the capital recovery factor of the resolved scenario (``ModelData.crf``).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .air import avoided_deaths_per_candidate, exposure_columns, exposure_matrix, precursor_cuts_t, source_keys
from .errors import ModelSetupError
from .inputs import Dataset
from .names import value_name
from .domain import AIR_POLLUTANTS, EFFECTS, PLANT_EFFECTS, POLLUTANTS
from .resolve import ModelData
from .units import load_t

#: columns every candidate table has (empty tables too), in this order
COMMON = ["kind", "enterprise_id", "enterprise_name", "region_code", "measure_id", "family", "exclusive_group",
          "sector", "max_quantity", "unit", "ule_compliant", "vocs_efficiency_after", *EFFECTS, "capex_cny",
          "annual_cost_cny", "lifetime_yr", "source"]


@dataclass
class Candidates:
    enterprise: pd.DataFrame
    household: pd.DataFrame
    freight: pd.DataFrame
    wastewater: pd.DataFrame
    source: pd.DataFrame  # programmes at the emission sources of sources.csv (vehicles, farms, sewage ...)

    def all(self) -> pd.DataFrame:
        """Every candidate in one table with the common columns (for candidates.csv and reports)."""
        parts = [self.enterprise, self.household, self.freight, self.wastewater, self.source]
        return pd.concat(parts, ignore_index=True)


def _excluded(measures: pd.DataFrame, md: ModelData) -> pd.Series:
    ex = set(md.excluded_measures)
    return measures["measure_id"].isin(ex) | measures["family"].isin(ex)


def _running_cost(m: pd.DataFrame, qty: pd.Series, prices: dict[str, float]) -> pd.Series:
    """Fixed O&M + energy bought - coal and other fuel no longer bought, per year, for ``qty`` units of measure
    rows ``m``."""
    price = m["energy_carrier"].map(prices).fillna(0.0)
    saved = m["saved_carrier"].map(prices).fillna(0.0) if "saved_carrier" in m else 0.0
    per_unit = (m["fixed_om_cny_per_unit_yr"].fillna(0) + m["energy_use_per_unit_yr"].fillna(0) * price
                - m["coal_saved_t_per_unit_yr"].fillna(0) * prices.get("coal_raw", 0.0)
                - (m["saved_per_unit_yr"].fillna(0) * saved if "saved_per_unit_yr" in m else 0.0))
    return per_unit.to_numpy() * qty.to_numpy()


#: carriers that are coal, for the coal a measure saves (the coal-consumption rule counts it)
COAL_CARRIERS = ("coal_raw", "coal_power", "coal_briquette")


def annual_cost_cny(c: pd.DataFrame) -> np.ndarray:
    """The one formula for what a candidate costs a year once built: its annualised capex plus O&M and energy
    (CNY/yr); 0 where a column is absent or empty. The objective, the tables, the MACC and ``show`` all use it."""
    return numeric_column(c, "annualised_capex_cny") + numeric_column(c, "annual_cost_cny")


def siding_annual_cost_cny(c: pd.DataFrame) -> np.ndarray:
    """The same for the rail siding a freight candidate may need (0 for every other candidate)."""
    return numeric_column(c, "siding_annualised_cny") + numeric_column(c, "siding_annual_cost_cny")


def annualised_capex_cny(capex_cny: pd.Series, lifetime_yr: pd.Series, md: ModelData) -> pd.Series:
    """Capex spread over the lifetime with the scenario's capital recovery factor (the one place it is applied)."""
    return capex_cny * md.crf(lifetime_yr.astype(float))


def numeric_column(c: pd.DataFrame, name: str) -> np.ndarray:
    """A numeric candidate column as floats; 0 where the column is absent or empty (a candidate without a siding,
    a kind without pools)."""
    return c[name].fillna(0).to_numpy(dtype=float) if name in c else np.zeros(len(c))


def _catalogue_costs(out: pd.DataFrame, pairs: pd.DataFrame, qty: pd.Series, md: ModelData) -> None:
    """A catalogue candidate's capex, running cost, coal saved and lifetime for ``qty`` units of its measure."""
    out["capex_cny"] = pairs["capex_cny_per_unit"] * qty
    out["annual_cost_cny"] = _running_cost(pairs, qty, md.prices)
    out["coal_saved_t"] = _coal_saved(pairs, qty)
    out["lifetime_yr"] = pairs["lifetime_yr"]
    out["source"] = "catalogue"


def _coal_saved(m: pd.DataFrame, qty: pd.Series) -> np.ndarray:
    """Coal no longer burnt (t/yr) by ``qty`` units of measure rows ``m``: the coal a measure saves directly or as
    the coal-fired power it displaces, less any coal (briquettes) it burns instead. Coal behind grid electricity
    is not counted (it is the grid's, not the measure's)."""
    def col(name: str) -> pd.Series:
        return m[name] if name in m else pd.Series(np.nan, index=m.index)

    saved = (col("coal_saved_t_per_unit_yr").fillna(0)
             + np.where(col("saved_carrier").isin(COAL_CARRIERS), col("saved_per_unit_yr").fillna(0), 0.0)
             - np.where(col("energy_carrier").isin(COAL_CARRIERS), col("energy_use_per_unit_yr").fillna(0), 0.0))
    return np.asarray(saved, dtype=float) * qty.to_numpy(dtype=float)


def enterprise_candidates(md: ModelData) -> pd.DataFrame:
    ds = md.dataset
    e = md.plants
    m = ds.measures[(ds.measures["applies_to"] == "enterprise") & ~_excluded(ds.measures, md)].copy()
    m["sector_item"] = m["sector"].str.split("|")
    m = m.explode("sector_item")
    pairs = e.reset_index(drop=True).merge(m.reset_index(drop=True), left_on="sector", right_on="sector_item",
                                           suffixes=("", "_m"))
    # a measure treats the processes it names (``a|b``), or any process of its sectors when it names none
    names_process = [p in str(ms).split("|") for p, ms in zip(pairs["process"], pairs["process_m"])]
    pairs = pairs[(pairs["process_m"] == "") | np.array(names_process, dtype=bool)]
    # A plant already at ULE needs no further ULE package (000:L101 coal power, and any 'done' plant).
    pairs = pairs[~((pairs["family"] == "ule") & (pairs["ule_status"] == "done"))]
    # A measure for a 2020 ULE state (steel: the whole package, the rest of one under way, the fugitive stages)
    # treats only plants in that state.
    states = pairs["for_ule_status"].fillna("").astype(str) if "for_ule_status" in pairs else None
    if states is not None:
        fits = [not want or str(have) in want.split("|") for want, have in zip(states, pairs["ule_status"])]
        pairs = pairs[np.array(fits, dtype=bool)]
    is_voc_tier = pairs["vocs_efficiency_after"].notna()
    eff0 = pairs["voc_treatment_eff"].fillna(0.0).clip(upper=0.99)
    # VOC tiers only make sense if they beat the plant's current treatment.
    pairs = pairs[~is_voc_tier | (pairs["vocs_efficiency_after"] > eff0)]
    is_voc_tier, eff0 = is_voc_tier[pairs.index], eff0[pairs.index]
    pairs = pairs.reset_index(drop=True)
    is_voc_tier, eff0 = is_voc_tier.to_numpy(), eff0.to_numpy()

    raw_vocs = pairs["vocs_t"] / (1 - eff0)
    qty = pd.Series(np.where(is_voc_tier, raw_vocs, pairs["capacity"]), index=pairs.index)
    out = pd.DataFrame({
        "kind": "enterprise",
        "enterprise_id": pairs["enterprise_id"], "enterprise_name": pairs["name_zh"],
        "region_code": pairs["county_code"], "measure_id": pairs["measure_id"], "family": pairs["family"],
        "exclusive_group": np.where(pairs["exclusive_group"] != "", pairs["exclusive_group"], pairs["measure_id"]),
        "sector": pairs["sector"], "max_quantity": qty, "unit": np.where(is_voc_tier, "t_raw_vocs_per_yr",
                                                                          pairs["capacity_unit"]),
        "ule_compliant": pairs["ule_compliant"].fillna(False).astype(bool),
        "vocs_efficiency_after": pairs["vocs_efficiency_after"],
    })
    for p in (k for k, v in POLLUTANTS.items() if v.at_plants and k != "vocs"):  # VOCs: the tiers, below
        out[f"{p}_t"] = pairs[f"{p}_removal"].fillna(0.0) * pairs[f"{p}_t"]
    voc_tier_cut = (pairs["vocs_efficiency_after"] - eff0) / (1 - eff0) * pairs["vocs_t"]
    out["vocs_t"] = np.where(is_voc_tier, voc_tier_cut, pairs["vocs_removal"].fillna(0.0) * pairs["vocs_t"])
    for col in (p.column for p in POLLUTANTS.values() if not p.at_plants):  # water: plants' discharges are not in
        out[col] = 0.0  # enterprises.csv (their wastewater is the wastewater table's)
    _catalogue_costs(out, pairs, qty, md)
    out["annual_cost_cny"] += pairs["var_om_cny_per_t_output"].fillna(0) * pairs["output"]
    _apply_stated_projects(ds, out)
    out["annualised_capex_cny"] = annualised_capex_cny(out["capex_cny"], out["lifetime_yr"], md)
    out = combine_at_plants(out, e)
    # a remainder is taken in equal blocks (a typical line or boiler of its city), a named plant whole
    out["blocks"] = e["blocks"].reindex(out["enterprise_id"]).fillna(1).astype(int).to_numpy() if len(out) else []
    return out



def combine_at_plants(cand: pd.DataFrame, plants: pd.DataFrame) -> pd.DataFrame:
    """Options of one plant that may be combined (different exclusive groups) compound, as explicit options.

    A plant with options in more than one exclusive group gets every combination of at most one option per
    group as options of a single exclusive group ``combined``: a combination removes ``1 - prod(1 - r_k)`` of
    each pollutant the plant emits (``r_k`` = option k's cut as a share of the plant's emission; so 20 % and
    50 % VOC removal give 60 %, not 70 %) and costs the sum of its options (capex, annualised capex, O&M).
    Whatever a plant builds then cuts at most what it emits. A stated cut above the plant's emission is an
    error in the data and is reported as such.
    """
    if cand.empty:
        return cand
    emis = plants.loc[cand["enterprise_id"], PLANT_EFFECTS].to_numpy(dtype=float)
    cuts = cand[PLANT_EFFECTS].to_numpy(dtype=float)
    over = cuts > emis * (1 + 1e-9) + 1e-9
    if over.any():
        i, j = np.argwhere(over)[0]
        r = cand.iloc[i]
        raise ModelSetupError(f"{r['enterprise_id']} {r['enterprise_name']}: {r['measure_id']} ({r['source']}) cuts "
                              f"{cuts[i, j]:,.1f} t/yr of {PLANT_EFFECTS[j].removesuffix('_t')}, more than the plant's "
                              f"{emis[i, j]:,.1f} t/yr in enterprises.csv; correct the stated cut in projects.csv "
                              "or the plant's emission")
    share = np.divide(cuts, emis, out=np.zeros_like(cuts), where=emis > 0)
    groups_per_plant = cand.groupby("enterprise_id")["exclusive_group"].nunique()
    multi = set(groups_per_plant.index[groups_per_plant > 1])
    if not multi:
        return cand
    keep = ~cand["enterprise_id"].isin(multi).to_numpy()
    # combinations as lists of row positions, then every column computed on numpy arrays (a pandas look-up per
    # combination took 25 s for 15,000 plants)
    combos: list[list[int]] = []
    sub = cand.reset_index(drop=True)
    # plant -> its exclusive groups in the order they first appear -> row positions (plain dicts: a pandas groupby
    # per plant took 0.5 s on base)
    by_plant: dict[str, dict[str, list[int]]] = {}
    plant_of, group_of = sub["enterprise_id"].to_numpy(), sub["exclusive_group"].to_numpy()
    for i in np.flatnonzero(~keep):
        by_plant.setdefault(plant_of[i], {}).setdefault(group_of[i], []).append(int(i))
    for eid in sorted(by_plant):
        by_group = by_plant[eid].values()
        combos += [[i for i in combo if i is not None] for combo in itertools.product(*[[None, *g] for g in by_group])]
    combos = [c for c in combos if c]
    return pd.concat([cand[keep], _combinations(sub, combos, share, emis)], ignore_index=True)


def _combinations(cand: pd.DataFrame, combos: list[list[int]], share: np.ndarray, emis: np.ndarray) -> pd.DataFrame:
    """One row per combination (positions of its member options in ``cand``): effects compound, money adds up."""
    first = np.array([c[0] for c in combos])
    out = cand.iloc[first].reset_index(drop=True)
    out["exclusive_group"] = "combined"
    multi = np.array([len(c) > 1 for c in combos])
    if not multi.any():
        return out
    col = {k: cand[k].to_numpy() for k in ("measure_id", "family", "ule_compliant", "vocs_efficiency_after",
                                           "capex_cny", "annual_cost_cny", "coal_saved_t", "annualised_capex_cny",
                                           "lifetime_yr", "source")}
    rows = []
    for k in np.flatnonzero(multi):
        m = combos[k]
        residual = np.prod(1 - share[m], axis=0)
        capex = col["capex_cny"][m].astype(float)
        rows.append({
            **{c: float((1 - residual[j]) * emis[m[0], j]) for j, c in enumerate(PLANT_EFFECTS)},
            "measure_id": "+".join(col["measure_id"][m]),
            # a combination is reported under the family of its largest investment (renewables, not energy saving)
            "family": col["family"][m][int(np.argmax(capex))],
            "ule_compliant": bool(np.any(col["ule_compliant"][m].astype(bool))),
            "vocs_efficiency_after": np.nanmax(col["vocs_efficiency_after"][m].astype(float))
            if np.isfinite(col["vocs_efficiency_after"][m].astype(float)).any() else np.nan,
            "capex_cny": float(capex.sum()),
            "annual_cost_cny": float(col["annual_cost_cny"][m].astype(float).sum()),
            "coal_saved_t": float(col["coal_saved_t"][m].astype(float).sum()),
            "annualised_capex_cny": float(col["annualised_capex_cny"][m].astype(float).sum()),
            "lifetime_yr": float(col["lifetime_yr"][m].astype(float).min()),
            "source": " + ".join(dict.fromkeys(col["source"][m])),
        })
    upd = pd.DataFrame(rows, index=np.flatnonzero(multi))
    out["ule_compliant"] = out["ule_compliant"].astype(bool)
    for c in upd.columns:
        out.loc[upd.index, c] = upd[c].to_numpy()
    return out


def measure_names(ds: Dataset, measure_ids: pd.Series) -> pd.Series:
    """Chinese names of measures; a combination 'a+b' is named 'name of a＋name of b'."""
    names = ds.measures["name_zh"]
    return measure_ids.map(lambda mid: "＋".join(str(names.get(part, part)) for part in str(mid).split("+")))


def _apply_stated_projects(ds: Dataset, cand: pd.DataFrame) -> None:
    """Where a seed names the project (plant + measure), use its stated investment and stated cuts."""
    p = ds.projects[(ds.projects["enterprise_id"] != "") & (ds.projects["measure_id"] != "")]
    if p.empty:
        return
    stated = p.groupby(["enterprise_id", "measure_id"]).agg(
        capex_cny=("capex_cny", "sum"), **{f"{q}_cut_t": (f"{q}_cut_t", "max") for q in AIR_POLLUTANTS},
        project_id=("project_id", "first"))
    key = pd.MultiIndex.from_arrays([cand["enterprise_id"], cand["measure_id"]])
    hit = key.isin(stated.index)
    if not hit.any():
        return
    rows = stated.loc[key[hit]]
    capex = rows["capex_cny"].to_numpy()
    cand.loc[hit, "capex_cny"] = np.where(rows["capex_cny"].to_numpy() > 0, capex, cand.loc[hit, "capex_cny"])
    for p_ in AIR_POLLUTANTS:
        cut = rows[f"{p_}_cut_t"].to_numpy()
        cand.loc[hit, f"{p_}_t"] = np.where(np.isnan(cut), cand.loc[hit, f"{p_}_t"], cut)
    cand.loc[hit, "source"] = "stated: " + rows["project_id"].to_numpy()


def household_candidates(md: ModelData) -> pd.DataFrame:
    ds = md.dataset
    counties = ds.counties[md.in_scope(ds.counties["region_code"])]
    counties = counties[counties["rural_coal_households_2020"] > 0]
    m = ds.measures[(ds.measures["applies_to"] == "household") & ~_excluded(ds.measures, md)]
    pairs = counties.reset_index(drop=True).merge(m.reset_index(drop=True), how="cross", suffixes=("", "_m"))
    pairs = pairs[(pairs["terrain_m"] == "any") | (pairs["terrain_m"] == pairs["terrain"])]
    share = np.where(pairs["terrain"] == "plain", pairs["max_share_plain"], pairs["max_share_mountain"])
    pairs = pairs.assign(share=share)
    pairs = pairs[pairs["share"] > 0].reset_index(drop=True)
    qty = pairs["rural_coal_households_2020"] * pairs["share"]
    out = pd.DataFrame({
        "kind": "household", "enterprise_id": "", "enterprise_name": "", "region_code": pairs["region_code"],
        "measure_id": pairs["measure_id"], "family": pairs["family"], "exclusive_group": "heating_household",
        "sector": "household", "max_quantity": qty, "unit": "household", "ule_compliant": False,
        "vocs_efficiency_after": np.nan, "terrain": pairs["terrain"],
        "county_households": pairs["rural_coal_households_2020"],
    })
    for p in EFFECTS:
        out[p] = pairs[f"{p.removesuffix('_t')}_t_per_unit"].fillna(0.0) * qty
    _catalogue_costs(out, pairs, qty, md)
    return out


#: t-km a heavy diesel truck hauls in a year. estimate: 60,000 km a year (sources.csv, its heavy-truck rows'
#: stated estimate) x 50 % of them loaded (an empty return trip; parameters.md, heavy truck CO2: 28 L/100 km empty
#: return) x 30 t payload (parameters.md, same row) = 900,000 t-km. It turns freight moved to rail into the heavy
#: trucks it idles, so the rail shift and the truck programmes draw on one fleet (build.define_truck_fleet_constraints)
HEAVY_TRUCK_T_KM_PER_YR = 900_000.0
#: the sources.csv category of that fleet
HEAVY_TRUCKS = "truck_heavy_diesel"


def freight_candidates(md: ModelData) -> pd.DataFrame:
    ds = md.dataset
    m = ds.measures[(ds.measures["applies_to"] == "freight") & ~_excluded(ds.measures, md)]
    if "rail_shift" not in m.index:
        return pd.DataFrame(columns=COMMON)
    shift = m.loc["rail_shift"]
    siding = m.loc["rail_siding"] if "rail_siding" in m.index else None
    e = md.plants
    road_kt = e["bulk_freight_kt_per_yr"] * (1 - e["rail_share"])
    e = e[(road_kt > 0) & (e["road_haul_km"].fillna(0) > 0)]
    if siding is None:  # without the siding measure only shippers that already have one can shift
        e = e[e["has_siding"]]
    road_kt = road_kt[e.index]
    km = e["road_haul_km"]
    cap = road_kt if siding is None else np.minimum(road_kt, siding["siding_capacity_kt_per_yr"] or np.inf)
    out = pd.DataFrame({
        "kind": "freight", "enterprise_id": e["enterprise_id"], "enterprise_name": e["name_zh"],
        "region_code": e["county_code"], "measure_id": "rail_shift", "family": "rail",
        "exclusive_group": "rail_shift", "sector": e["sector"], "max_quantity": cap, "unit": "kt_per_yr",
        "ule_compliant": False, "vocs_efficiency_after": np.nan,
        "freight_kt_per_yr": e["bulk_freight_kt_per_yr"], "rail_share": e["rail_share"],
        "needs_siding": ~e["has_siding"], "road_haul_km": km,
    }).reset_index(drop=True)
    kkm = (cap * km).to_numpy()  # kt-km per year at full shift
    out["trucks_idled"] = kkm * 1e3 / HEAVY_TRUCK_T_KM_PER_YR  # heavy trucks no longer needed at full shift
    for p in EFFECTS:
        out[p] = shift[f"{p.removesuffix('_t')}_t_per_unit"] * kkm if pd.notna(
            shift[f"{p.removesuffix('_t')}_t_per_unit"]) else 0.0
    out["annual_cost_cny"] = shift["fixed_om_cny_per_unit_yr"] * kkm
    out["capex_cny"] = 0.0
    out["lifetime_yr"] = shift["lifetime_yr"]
    if siding is not None:
        out["siding_capex_cny"] = np.where(out["needs_siding"], siding["capex_cny_per_unit"], 0.0)
        out["siding_annual_cost_cny"] = np.where(out["needs_siding"], siding["fixed_om_cny_per_unit_yr"], 0.0)
        out["siding_lifetime_yr"] = siding["lifetime_yr"]
    else:
        out["siding_capex_cny"] = out["siding_annual_cost_cny"] = 0.0
        out["siding_lifetime_yr"] = 30.0
    out["source"] = "catalogue"
    return out


#: the water source (sources.csv category, detail) a treatment candidate of (kind, action) cuts: new and expanded
#: urban and town plants treat the county's sewage that no plant treats yet; upgrades tighten the effluent of
#: the sewage plants already treat; rural programmes treat rural sewage; park plants treat industrial wastewater
WATER_POOLS: dict[tuple[str, str], tuple[str, str]] = {
    ("urban", "new"): ("sewage_urban", "untreated"), ("urban", "expansion"): ("sewage_urban", "untreated"),
    ("town", "new"): ("sewage_urban", "untreated"), ("town", "expansion"): ("sewage_urban", "untreated"),
    ("urban", "network"): ("sewage_urban", "untreated"),
    ("urban", "upgrade"): ("sewage_urban", "treated"), ("town", "upgrade"): ("sewage_urban", "treated"),
    ("rural", "new"): ("sewage_rural", ""), ("rural", "expansion"): ("sewage_rural", ""),
    ("park", "new"): ("wastewater_industrial", ""), ("park", "expansion"): ("wastewater_industrial", ""),
    ("park", "upgrade"): ("wastewater_industrial", ""),
}


def _water_pools(ds: Dataset, w: pd.DataFrame) -> pd.DataFrame:
    """Each treatment candidate's water source: ``pool`` (source_id), ``pool_units`` (its flow, m3/day) and
    ``pool_draw`` (the flow the candidate treats at full size: capacity x load factor, at most the source's
    flow, m3/day).

    A candidate can only remove what its source discharges: the candidates drawing on one source share its flow
    (one constraint per source, :func:`model.build.define_source_constraints`), and a candidate whose removal per
    m3 exceeds its source's concentration is an error in the data. Water sources are per city (sources.csv places
    them in one county; a city's plants serve its network), so a candidate draws on its city's source. A dataset
    with no source of a category (an optional table) leaves that category's candidates bounded by their own
    capacity; one that has such sources keeps only the candidates in cities that have one (the others would cut
    water nobody discharges).
    """
    src = ds.sources
    key = list(zip(w["kind"], w["action"]))
    cat = pd.Series([WATER_POOLS.get(k, ("", ""))[0] for k in key], index=w.index)
    det = pd.Series([WATER_POOLS.get(k, ("", ""))[1] for k in key], index=w.index)
    out = pd.DataFrame({"pool": "", "pool_units": np.nan, "pool_draw": w["capacity_m3_per_day"] * w["load_factor"],
                        "keep": True}, index=w.index)
    if src.empty:
        return out
    water = src[src["activity_unit"] == "m3_per_day"]
    city = ds.regions["city_code"]
    lookup = {(r.category, r.detail, city[r.county_code]): r for r in water.itertuples()}
    has_category = set(water["category"])
    for i in w.index:
        if cat[i] not in has_category:
            continue
        r = lookup.get((cat[i], det[i], city[w.at[i, "county_code"]]))
        if r is None or r.activity <= 0:
            out.at[i, "keep"] = False
            continue
        for p, col in (("cod", "influent_cod_mg_l"), ("nh3n", "influent_nh3n_mg_l")):
            removed = w.at[i, col] - w.at[i, col.replace("influent", "effluent")]
            at_source = getattr(r, f"{p}_t") * 1e6 / (r.activity * 365)  # mg/L = g/m3
            if removed > at_source * (1 + 1e-6) + 1e-9:
                raise ModelSetupError(
                    f"wastewater.csv {w.at[i, 'candidate_id']} {w.at[i, 'name_zh']}: removes {removed:g} mg/L of "
                    f"{p.upper()}, more than its source {r.source_id} ({r.category} {r.detail}) holds "
                    f"({at_source:.1f} mg/L in sources.csv); lower the influent or effluent concentration")
        # a plant larger than the sewage it can receive treats only that sewage (it is still paid for whole)
        out.at[i, "pool"], out.at[i, "pool_units"] = r.source_id, r.activity
        out.at[i, "pool_draw"] = min(out.at[i, "pool_draw"], r.activity)
    return out


def wastewater_candidates(md: ModelData) -> pd.DataFrame:
    ds = md.dataset
    w = ds.wastewater[md.in_scope(ds.wastewater["county_code"])].reset_index(drop=True)
    m = ds.measures[(ds.measures["applies_to"] == "wastewater") & ~_excluded(ds.measures, md)]
    # the measure for a candidate: same kind, and the same action unless the measure takes any action
    key = w["kind"] + "/" + w["action"]
    lookup = {}
    for mid, r in m.iterrows():
        actions = [r["process"]] if r["process"] else ["new", "expansion", "upgrade"]
        for a in actions:
            lookup.setdefault(f"{r['sector']}/{a}", mid)
    w = w.assign(measure_id=key.map(lookup))
    w = w[w["measure_id"].notna()].reset_index(drop=True)
    pools = _water_pools(ds, w)
    w, pools = w[pools["keep"]].reset_index(drop=True), pools[pools["keep"]].reset_index(drop=True)
    mm = m.loc[w["measure_id"]].reset_index(drop=True)
    qty = w["capacity_m3_per_day"]
    treated_m3 = pools["pool_draw"] * 365  # m3 a year at full build: capacity x load, at most the source's flow
    stated_unit = w["capex_cny"] / qty
    capex_unit = np.where(w["capex_cny"].notna() & (qty > 0), stated_unit, mm["capex_cny_per_unit"])
    out = pd.DataFrame({
        "kind": "wastewater", "enterprise_id": w["candidate_id"], "enterprise_name": w["name_zh"],
        "region_code": w["county_code"], "measure_id": w["measure_id"], "family": "wastewater",
        "exclusive_group": w["candidate_id"], "sector": w["kind"], "max_quantity": qty, "unit": "m3_per_day",
        "ule_compliant": False, "vocs_efficiency_after": np.nan, "named": ~w["programme"],
        "pool": pools["pool"], "pool_units": pools["pool_units"], "pool_draw": pools["pool_draw"],
    })
    for p in EFFECTS:  # treatment cuts water pollutants only
        out[p] = 0.0
    out["cod_t"] = load_t(w["influent_cod_mg_l"] - w["effluent_cod_mg_l"], treated_m3)
    out["nh3n_t"] = load_t(w["influent_nh3n_mg_l"] - w["effluent_nh3n_mg_l"], treated_m3)
    out["capex_cny"] = capex_unit * qty
    out["annual_cost_cny"] = mm["fixed_om_cny_per_unit_yr"].fillna(0) * qty
    out["lifetime_yr"] = mm["lifetime_yr"]
    out["source"] = np.where(w["capex_cny"].notna(), "stated capex", "catalogue")
    return out


def source_candidates(md: ModelData) -> pd.DataFrame:
    """One row per (emission source of sources.csv, programme that treats it): up to ``max_share`` of its units.

    A programme applies to the categories it lists in ``sector`` and, if it lists them in ``process``, only to
    those details (e.g. emission standards 国III|国IV). At full quantity it removes ``<p>_removal`` of the share
    of the source's emission it reaches; the programmes of one source share its units (one constraint per
    source), so a source never loses more than it emits.
    """
    ds = md.dataset
    src = ds.sources
    if src.empty:
        return pd.DataFrame(columns=COMMON)
    src = src[md.in_scope(src["county_code"])]
    m = ds.measures[(ds.measures["applies_to"] == "source") & ~_excluded(ds.measures, md)].copy()
    m["sector_item"] = m["sector"].str.split("|")
    m = m.explode("sector_item")
    pairs = src.reset_index(drop=True).merge(m.reset_index(drop=True), left_on="category", right_on="sector_item",
                                             suffixes=("", "_m"))
    treats = [not proc or str(d) in str(proc).split("|") for d, proc in zip(pairs["detail"], pairs["process"])]
    pairs = pairs[np.array(treats, dtype=bool) & (pairs["activity"] > 0)].reset_index(drop=True)
    share = pairs["max_share"].fillna(1.0)
    qty = pairs["activity"] * share
    out = pd.DataFrame({
        "kind": "source", "enterprise_id": pairs["source_id"],
        # the source type by its Chinese name (as plants are named), with its detail (an emission standard)
        "enterprise_name": pairs["category"].map(lambda k: value_name("sector", k, "zh"))
        + np.where(pairs["detail"] != "", " " + pairs["detail"], ""),
        "region_code": pairs["county_code"], "measure_id": pairs["measure_id"], "family": pairs["family"],
        "exclusive_group": pairs["source_id"], "sector": pairs["category"], "max_quantity": qty,
        "unit": pairs["activity_unit"], "ule_compliant": False, "vocs_efficiency_after": np.nan,
        "pool": pairs["source_id"], "pool_units": pairs["activity"], "pool_draw": qty,
    })
    for p in EFFECTS:
        col = f"{p.removesuffix('_t')}_removal"
        out[p] = pairs[col].fillna(0.0) * pairs[p] * share if col in pairs else 0.0
    _catalogue_costs(out, pairs, qty, md)
    return out


def build_candidates(md: ModelData) -> Candidates:
    """Every candidate of the resolved scenario ``md``, with ids, city codes and annualised capex."""
    c = Candidates(enterprise=enterprise_candidates(md), household=household_candidates(md),
                   freight=freight_candidates(md), wastewater=wastewater_candidates(md),
                   source=source_candidates(md))
    regions = md.dataset.regions
    for name in ("enterprise", "household", "freight", "wastewater", "source"):
        df = getattr(c, name)
        df = df.reindex(columns=list(dict.fromkeys([*COMMON, *df.columns]))).reset_index(drop=True)
        setattr(c, name, df)
        prefix = name[0].upper()
        df.insert(0, "candidate_id", [f"{prefix}{i:05d}" for i in range(len(df))])
        df["city_code"] = df["region_code"].map(regions["city_code"])
        df["crf"] = md.crf(df["lifetime_yr"].astype(float)) if len(df) else []
        if len(df):  # combinations of plant measures bring their own (the sum of their members')
            given = df["annualised_capex_cny"] if "annualised_capex_cny" in df else pd.Series(np.nan, index=df.index)
            df["annualised_capex_cny"] = given.fillna(annualised_capex_cny(df["capex_cny"], df["lifetime_yr"], md))
        else:
            df["annualised_capex_cny"] = []
    f = c.freight
    if len(f):
        f["siding_annualised_cny"] = annualised_capex_cny(f["siding_capex_cny"], f["siding_lifetime_yr"], md)
    if md.air is not None:  # what each candidate does to the air people breathe (model/air.py), at full quantity
        plants = md.dataset.enterprises
        unit_mw = plants["capacity"].where(plants["capacity_unit"] == "MW")
        for name in ("enterprise", "household", "freight", "wastewater", "source"):
            df = getattr(c, name)
            df["air_source"] = source_keys(df, unit_mw) if len(df) else []
            df["pm25_primary_t"] = precursor_cuts_t(df, md.air)["pm25"] if len(df) else []
            fall = exposure_matrix(df, md.air) if len(df) else np.zeros((0, len(md.air.cities)))
            df[exposure_columns(md.air)] = fall  # the PM2.5 rows and the results read these (candidate_exposure)
            df["avoided_deaths_per_yr"] = avoided_deaths_per_candidate(fall, md.air)
    return c
