"""From tonnes to PM2.5 and health: a screening layer, linear per project (not a chemical transport model).

Three steps, each a pure function of the dataset's tables (inputs/air_intake.csv, air_sources.csv, air_cities.csv,
health.csv; sources and ranges in inputs/README.md):

1. **Exposure.** A project's cuts of primary PM2.5 (its PM cut x the PM2.5 share of its source type), SO2 and NOx,
   each times the intake fraction of its release class (tall stack, low stack, ground level), give the grams
   people inhale less per year. A share of that intake falls on the project's own city, another share is spread
   over the population of the other Shanxi cities, the rest falls outside Shanxi (not counted). The change of the
   population-weighted annual PM2.5 of a city of population P receiving intake I is ΔC = I / (BR x P), BR the
   breathing rate (intake-fraction convention, Bennett et al. 2002).
2. **Concentration.** Modelled PM2.5 of a city = its 2020 annual mean less the sum of the ΔC of the projects in
   place (everything else held at 2020: weather, other sources, transport from outside).
3. **Health.** Avoided premature deaths (GEMM NCD+LRI, Burnett et al. 2018) = baseline deaths x (AF(C0) - AF(C)),
   AF = 1 - 1/RR. Per project it is linearised at the 2020 concentration (slope AF'(C0) x ΔC x baseline deaths),
   so it stays one number per project and a MILP stays a MILP; :func:`avoided_deaths` is the exact difference.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import ModelSetupError

RELEASE_CLASSES = ("tall", "low", "ground")
PRECURSORS = ("pm25", "so2", "nox")
HEALTH_PARAMETERS = ("gemm_theta", "gemm_alpha", "gemm_mu", "gemm_nu", "counterfactual_ugm3",
                     "baseline_mortality_per_100k", "breathing_rate_m3_per_yr", "vsl_cny")
#: candidate and portfolio columns of the air layer: primary PM2.5 cut (t/yr) and deaths a year avoided
AIR_EFFECTS = ("pm25_primary_t", "avoided_deaths_per_yr")
#: grams per tonne, and micrograms per gram
G_PER_T, UG_PER_G = 1e6, 1e6


@dataclass(frozen=True)
class Gemm:
    """The GEMM concentration-response function: RR(z) = exp(θ log(z/α + 1) / (1 + exp(-(z - μ)/ν))),
    z = max(0, C - counterfactual), C the annual PM2.5 in μg/m³."""

    theta: float
    alpha: float
    mu: float
    nu: float
    counterfactual_ugm3: float

    def rr(self, c_ugm3):
        z = np.maximum(0.0, np.asarray(c_ugm3, dtype=float) - self.counterfactual_ugm3)
        return np.exp(self.theta * np.log1p(z / self.alpha) / (1.0 + np.exp(-(z - self.mu) / self.nu)))

    def af(self, c_ugm3):
        """The attributable fraction 1 - 1/RR."""
        return 1.0 - 1.0 / self.rr(c_ugm3)

    def af_slope(self, c_ugm3, h: float = 1e-3):
        """d AF / d C per μg/m³ (central difference: AF is smooth above the counterfactual)."""
        c = np.asarray(c_ugm3, dtype=float)
        return (self.af(c + h) - self.af(c - h)) / (2 * h)


def concentration_change_ugm3(intake_g_per_yr, population, breathing_rate_m3_per_yr: float):
    """Population-weighted change of annual PM2.5 (μg/m³) from ``intake_g_per_yr`` grams inhaled per year by
    ``population`` people: ΔC = I / (BR x P)."""
    return np.asarray(intake_g_per_yr, dtype=float) / (breathing_rate_m3_per_yr * np.asarray(population, dtype=float)) * UG_PER_G


def avoided_deaths(gemm: Gemm, baseline_deaths, c0_ugm3, delta_ugm3):
    """Deaths a year avoided when PM2.5 falls from ``c0`` by ``delta``: baseline deaths x (AF(c0) - AF(c0 - Δ))."""
    c0 = np.asarray(c0_ugm3, dtype=float)
    return np.asarray(baseline_deaths, dtype=float) * (gemm.af(c0) - gemm.af(c0 - np.asarray(delta_ugm3)))


@dataclass(frozen=True)
class AirParameters:
    """The air and health tables of a dataset, checked and resolved once."""

    intake: pd.DataFrame  # index (release_class, precursor): intake_fraction, own_city_share, shanxi_share
    sources: pd.DataFrame  # index sector (or 'freight'): release_class, pm25_share_of_pm
    cities: pd.DataFrame  # index city code: name_zh, population, pm25_2020_ugm3, baseline_deaths_per_yr
    gemm: Gemm
    breathing_rate_m3_per_yr: float
    vsl_cny: float
    #: air_cities.csv by region code: 2020 PM2.5 and 2025 targets of the cities and the province
    official: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def deaths_per_ugm3(self) -> pd.Series:
        """Per city: deaths a year avoided per μg/m³ less, at the 2020 concentration (the linear coefficient)."""
        c = self.cities
        return c["baseline_deaths_per_yr"] * self.gemm.af_slope(c["pm25_2020_ugm3"].to_numpy())


def air_parameters(ds) -> AirParameters | None:
    """The dataset's air layer, or None when it has no air tables (a dataset of plants only)."""
    if any(len(getattr(ds, name)) == 0 for name in ("air_intake", "air_sources", "air_cities", "health")):
        return None
    h = ds.health.set_index("parameter")["value"]
    missing = [p for p in HEALTH_PARAMETERS if p not in h.index]
    if missing:
        raise ModelSetupError(f"health.csv: no row for {', '.join(missing)}; add one row per parameter "
                              f"({', '.join(HEALTH_PARAMETERS)})")
    # divisors of the GEMM function and of ΔC = I / (BR x P): a 0 would give inf or nan deaths, not an error
    zero = [p for p in ("gemm_alpha", "gemm_nu", "breathing_rate_m3_per_yr") if not float(h[p]) > 0]
    if zero:
        raise ModelSetupError(f"health.csv: {', '.join(zero)} must be above 0 (the GEMM function and the intake "
                              "step divide by them); see inputs/README.md for the published values")
    intake = ds.air_intake.set_index(["release_class", "precursor"])
    gaps = [f"{r}/{p}" for r in RELEASE_CLASSES for p in PRECURSORS if (r, p) not in intake.index]
    if gaps:
        raise ModelSetupError(f"air_intake.csv: no intake fraction for {', '.join(gaps)}; add a row for each "
                              "release class (tall, low, ground) and precursor (pm25, so2, nox)")
    over = intake.index[(intake["own_city_share"] + intake["shanxi_share"]) > 1 + 1e-9]
    if len(over):
        raise ModelSetupError(f"air_intake.csv: own_city_share + shanxi_share above 1 for "
                              f"{', '.join('/'.join(k) for k in over)}: the shares of one intake add up to at most 1")
    cities = ds.cities.set_index("region_code")[["name_zh", "population_2020"]].rename(
        columns={"population_2020": "population"})
    conc = ds.air_cities.set_index("region_code")["pm25_2020_ugm3"]  # cities (and the province row, not used here)
    no_conc = [f"{cities.at[k, 'name_zh']} ({k})" for k in cities.index if k not in conc.index]
    if no_conc:
        raise ModelSetupError(f"air_cities.csv: no 2020 PM2.5 for {', '.join(no_conc)}; add a row per city")
    if cities["population"].isna().any() or (cities["population"] <= 0).any():
        raise ModelSetupError("regions.csv: every city needs population_2020 > 0 for the air layer")
    cities["pm25_2020_ugm3"] = conc.reindex(cities.index)
    rate = float(h["baseline_mortality_per_100k"]) / 1e5
    cities["baseline_deaths_per_yr"] = cities["population"] * rate
    gemm = Gemm(float(h["gemm_theta"]), float(h["gemm_alpha"]), float(h["gemm_mu"]), float(h["gemm_nu"]),
                float(h["counterfactual_ugm3"]))
    return AirParameters(intake=intake, sources=ds.air_sources.set_index("sector"), cities=cities, gemm=gemm,
                         breathing_rate_m3_per_yr=float(h["breathing_rate_m3_per_yr"]), vsl_cny=float(h["vsl_cny"]),
                         official=ds.air_cities.set_index("region_code").assign(
                             name_zh=lambda o: o.index.map(ds.regions["name_zh"])))


#: coal units below this size have lower stacks (the tall-stack intake fractions are for 300-1,000 MW units)
SMALL_POWER_MW = 300.0


def source_keys(c: pd.DataFrame, unit_mw: pd.Series | None = None) -> pd.Series:
    """The air_sources.csv key of each candidate: its sector, but 'freight' for a rail shift (the cut is the road
    haul's diesel trucks, whatever the shipper's sector) and 'power_small' for a coal unit under 300 MW
    (``unit_mw``: the plant's capacity by enterprise id). Candidates that carry ``air_source`` (set once by
    :func:`model.candidates.build_candidates`) keep it."""
    if "air_source" in c:
        return c["air_source"].astype(str)
    keys = pd.Series(np.where(c["kind"] == "freight", "freight", c["sector"].astype(str)), index=c.index)
    if unit_mw is not None and "enterprise_id" in c:
        small = (keys == "power") & (c["enterprise_id"].map(unit_mw) < SMALL_POWER_MW).fillna(False).astype(bool)
        keys[small] = "power_small"
    return keys


def precursor_cuts_t(c: pd.DataFrame, ap: AirParameters) -> pd.DataFrame:
    """Per candidate (full quantity), t/yr: primary PM2.5 (PM cut x the PM2.5 share of its source type), SO2, NOx.
    A candidate that cuts any of them must have its source type in air_sources.csv (nothing is guessed)."""
    keys = source_keys(c)
    acts = (c[["pm_t", "so2_t", "nox_t"]].abs() > 0).any(axis=1)
    unknown = sorted(set(keys[acts]) - set(ap.sources.index))
    if unknown:
        raise ModelSetupError(f"air_sources.csv: no release class for source type(s) {', '.join(unknown)} whose "
                              "projects cut PM, SO2 or NOx; add a row (sector, release_class, pm25_share_of_pm)")
    share = keys.map(ap.sources["pm25_share_of_pm"]).fillna(0.0)  # only candidates that cut nothing lack a row
    return pd.DataFrame({"pm25": c["pm_t"] * share, "so2": c["so2_t"], "nox": c["nox_t"]}, index=c.index)


def exposure_matrix(c: pd.DataFrame, ap: AirParameters) -> np.ndarray:
    """Candidates x cities (in ``ap.cities`` order): the fall of each city's population-weighted annual PM2.5,
    μg/m³, when the candidate is in place at its full quantity (negative where it adds emissions)."""
    cuts = precursor_cuts_t(c, ap)
    keys = source_keys(c)
    klass = keys.map(ap.sources["release_class"]).fillna("ground").to_numpy()
    codes = list(ap.cities.index)
    pos = c["city_code"].astype(str).map({k: i for i, k in enumerate(codes)})
    if pos.isna().any():
        bad = sorted(set(c.loc[pos.isna(), "city_code"].astype(str)))
        raise ModelSetupError(f"candidates in cities without air data: {', '.join(bad)} (air_cities.csv)")
    pos = pos.to_numpy(dtype=int)
    pop = ap.cities["population"].to_numpy(dtype=float)
    rest = pop.sum() - pop  # the other cities' population, per source city
    br = ap.breathing_rate_m3_per_yr
    out = np.zeros((len(c), len(codes)))
    rows = np.arange(len(c))
    klass = pd.Series(klass)
    for p in PRECURSORS:
        par = ap.intake.xs(p, level="precursor")  # release class -> intake fraction and shares
        intake_g = cuts[p].to_numpy(dtype=float) * G_PER_T * klass.map(par["intake_fraction"]).to_numpy()
        own = intake_g * klass.map(par["own_city_share"]).to_numpy()
        spread = intake_g * klass.map(par["shanxi_share"]).to_numpy()
        # the other cities: the same ΔC everywhere (the intake spread in proportion to population)
        elsewhere = concentration_change_ugm3(spread, rest[pos], br)
        out += elsewhere[:, None]
        out[rows, pos] += concentration_change_ugm3(own, pop[pos], br) - elsewhere
    return out


def exposure_columns(ap: AirParameters) -> list[str]:
    """The candidates' columns that hold :func:`exposure_matrix` (one per city, in ``ap.cities`` order)."""
    return [f"pm25_fall_{code}_ugm3" for code in ap.cities.index]


def candidate_exposure(c: pd.DataFrame, ap: AirParameters) -> np.ndarray:
    """:func:`exposure_matrix` of candidates ``c``: the columns build_candidates stored (computed once per set of
    candidates, which the model's PM2.5 rows and the results then read), or computed for a frame without them."""
    cols = exposure_columns(ap)
    return c[cols].to_numpy(dtype=float) if all(k in c for k in cols) else exposure_matrix(c, ap)


def avoided_deaths_per_candidate(exposure: np.ndarray, ap: AirParameters) -> np.ndarray:
    """Deaths a year each candidate avoids at full quantity, linearised at the 2020 concentrations."""
    return exposure @ ap.deaths_per_ugm3.to_numpy(dtype=float)


# --------------------------------------------------------------------------- what a portfolio does to the air
def city_table(ap: AirParameters, c: pd.DataFrame, in_place: np.ndarray, levels: dict[str, float] | None = None
               ) -> pd.DataFrame:
    """Per city, and the province (the mean of its cities, as the plan's indicator 设区市PM2.5 is): the 2020 PM2.5,
    the fall the portfolio's projects give (``in_place``: each candidate's share in place in the end year), the
    modelled PM2.5, the target where one is set (``levels``: the scenario's, by region code, else air_cities.csv),
    and the deaths a year avoided (the exact GEMM difference)."""
    official = ap.official
    drop = np.asarray(in_place, dtype=float) @ candidate_exposure(c, ap)
    t = ap.cities[["name_zh", "population", "pm25_2020_ugm3", "baseline_deaths_per_yr"]].copy()
    t["pm25_drop_ugm3"] = drop
    t["avoided_deaths_per_yr"] = avoided_deaths(ap.gemm, t["baseline_deaths_per_yr"], t["pm25_2020_ugm3"], drop)
    province = [k for k in official.index if k not in t.index]
    rows = []
    for code in province:  # the province: its official 2020 figure less the mean fall of its cities
        mean_drop = float(t["pm25_drop_ugm3"].mean())
        rows.append({"name_zh": official.at[code, "name_zh"], "population": t["population"].sum(),
                     "pm25_2020_ugm3": official.at[code, "pm25_2020_ugm3"], "baseline_deaths_per_yr": t["baseline_deaths_per_yr"].sum(), "pm25_drop_ugm3": mean_drop,
                     "avoided_deaths_per_yr": t["avoided_deaths_per_yr"].sum()})
    if rows:
        t = pd.concat([t, pd.DataFrame(rows, index=province)])
    t["pm25_modelled_ugm3"] = t["pm25_2020_ugm3"] - t["pm25_drop_ugm3"]
    t["target_ugm3"] = official["target_2025_ugm3"].reindex(t.index)
    for code, level in (levels or {}).items():
        t.loc[code, "target_ugm3"] = level
    t["meets_target"] = (t["pm25_modelled_ugm3"] <= t["target_ugm3"] + 1e-9).where(t["target_ugm3"].notna())
    t["level"] = np.where(t.index.isin(province), "province", "city")
    t = t.rename_axis("region_code").reset_index()
    return t[["region_code", "level", "name_zh", "population", "pm25_2020_ugm3", "pm25_drop_ugm3",
              "pm25_modelled_ugm3", "target_ugm3", "meets_target", "avoided_deaths_per_yr"]]


def county_health_table(cities: pd.DataFrame, counties: pd.DataFrame) -> pd.DataFrame:
    """Deaths a year avoided by county of residence: its city's (the city's PM2.5 falls alike everywhere in it, a
    screening estimate has no finer grid), in the share of the city's population living there. A county without
    a population in regions.csv gets none (empty, not 0: the map hatches it); the others keep their true share.
    ``cities``: :func:`city_table`; ``counties``: regions.csv county rows."""
    per_city = cities[cities["level"] == "city"].set_index("region_code")
    k = counties[["region_code", "name_zh", "city_code", "population_2020"]].copy()
    city_pop = k["city_code"].map(per_city["population"])
    k["pm25_drop_ugm3"] = k["city_code"].map(per_city["pm25_drop_ugm3"])
    k["avoided_deaths_per_yr"] = k["city_code"].map(per_city["avoided_deaths_per_yr"]) * k["population_2020"] / city_pop
    k["city"] = k["city_code"].map(per_city["name_zh"])
    return k.rename(columns={"name_zh": "county", "population_2020": "population"})[
        ["region_code", "county", "city_code", "city", "population", "pm25_drop_ugm3", "avoided_deaths_per_yr"]]
