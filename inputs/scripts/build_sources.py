#!/usr/bin/env python3
"""Build inputs/sources.csv: 2020 emission sources outside the plant list, per county or per city.

Rerun:  python inputs/scripts/build_sources.py     (standard library; reads inputs/regions.csv, enterprises.csv, and
        the factors of build_measures.py and build_wastewater.py, so that a source's emission and the programmes
        and plants that cut it use the same numbers)

* household_coal_heating, per county: the rural households still on bulk coal (regions.csv) x the stove's
  emission (build_measures.py: 3.4 t coal a year, Shanxi rural household survey; PM 10.0, SO2 15.3, NOx 1.6 kg/t
  derived from its totals; VOCs 3 kg/t estimate; CO2 1.83 t/t).
* the on-road fleet (build_measures.FLEET: 764.72万 civil vehicles by class and emission standard; the heavy
  trucks at 国III and below are the 76,500 Shanxi planned to scrap) and off-road machinery, per city.
* coke made outside the listed plants, per city.
* water (urban sewage treated and untreated, rural sewage, livestock, industrial wastewater) and VOC area sources
  (petrol stations, architectural coatings, catering), per city.

Rows per city sit in the city's first district (build_wastewater.first_district); each row's ``source`` says how
it was derived. inputs/README.md has the table of groups and inputs/research/ the notes behind the figures.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # the sibling scripts, also when imported

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
import build_measures as bm  # noqa: E402 - a sibling script, importable as a module (make inputs runs them here)

COLUMNS = ["source_id", "category", "detail", "county_code", "activity", "activity_unit", "nox_t", "so2_t", "pm_t",
           "vocs_t", "cod_t", "nh3n_t", "co2_t", "split_by_proxy", "source"]
# Coke: estimate: Shanxi's output was about 9,800万 t in 2022 (中国环境报 via 中国经济网, 2023-06-27) and is taken
# for 2020 (the 2020 figure was not found); the listed plants (enterprises.csv) make 34.98 Mt of it
COKE_OUTPUT_T = 98e6
COKE_VOCS_KG_PER_T = 3.065  # S: uncontrolled coke plant VOC factor, 3.065 g/kg coke (PKU study, research note)


def counties() -> list[dict]:
    with (INPUTS / "regions.csv").open(encoding="utf-8", newline="") as f:
        return [r for r in csv.DictReader(f) if r["level"] == "county"]


def fmt(x: float) -> str:
    return f"{x:.6g}"


def build() -> list[dict]:
    rows = counties()
    out = []
    stove = {p: bm.HH_COAL_T * ef / 1000 for p, ef in bm.HH_EF_KG_PER_T.items()}
    stove_co2 = bm.HH_COAL_T * bm.COAL_T_CO2_PER_T
    for r in rows:
        hh = float(r["rural_coal_households_2020"] or 0)
        if hh <= 0:
            continue
        out.append(dict(
            source_id=f"HH-{r['region_code']}", category="household_coal_heating", detail="", county_code=r["region_code"],
            activity=fmt(hh), activity_unit="household", **{f"{p}_t": fmt(hh * v) for p, v in stove.items()},
            cod_t="0", nh3n_t="0", co2_t=fmt(hh * stove_co2), split_by_proxy="false",
            source=(f"households: regions.csv rural_coal_households_2020 (estimate, see its source); per household: "
                    f"{bm.HH_SRC}")))
    return out


def coke_rows() -> list[dict]:
    """Coke made outside the listed plants: output = Shanxi's estimate less the listed plants', per city by the
    listed plants' capacity share (estimate), at the measured (CEMS) factors of independent coke plants for NOx and
    SO2, the listed 'partial' plants' PM and CO2, and the PKU factor for VOCs."""
    with (INPUTS / "enterprises.csv").open(encoding="utf-8", newline="") as f:
        coke = [r for r in csv.DictReader(f) if r["sector"] == "coking"]
    listed = sum(float(r["output"]) for r in coke)
    partial = [r for r in coke if r["ule_status"] == "partial"]
    out_p = sum(float(r["output"]) for r in partial)
    ef = {p: sum(float(r[f"{p}_t"]) for r in partial) / out_p for p in ("pm", "co2")}
    ef.update(bm.COKE_CEMS_KG_PER_T)  # t/t = kg/t / 1000 below
    ef["nox"], ef["so2"] = ef["nox"] / 1000, ef["so2"] / 1000
    rest = COKE_OUTPUT_T - listed
    cap: dict[str, float] = {}
    seat: dict[str, str] = {}
    for r in coke:  # the city's share, placed in its largest listed coking county (estimate)
        cc = r["county_code"][:4] + "00"
        cap[cc] = cap.get(cc, 0.0) + float(r["capacity"])
        if float(r["capacity"]) > cap.get(("seat", cc), 0.0):
            cap[("seat", cc)] = float(r["capacity"])
            seat[cc] = r["county_code"]
    total = sum(v for k, v in cap.items() if isinstance(k, str))
    rows = []
    for cc in sorted(k for k in cap if isinstance(k, str)):
        t = rest * cap[cc] / total
        rows.append(dict(
            source_id=f"COKE-{cc}", category="coke_unlisted", detail="", county_code=seat[cc], activity=fmt(t),
            activity_unit="t_coke_per_yr", nox_t=fmt(t * ef["nox"]), so2_t=fmt(t * ef["so2"]), pm_t=fmt(t * ef["pm"]),
            vocs_t=fmt(t * COKE_VOCS_KG_PER_T / 1000), cod_t="0", nh3n_t="0", co2_t=fmt(t * ef["co2"]),
            split_by_proxy="true",
            source=(f"estimate: coke outside the listed plants = estimate 98 Mt (2022 output about 9,800万t, 中国环境报 "
                    f"via 中国经济网 2023-06-27; 2020 not found) less the listed {listed / 1e6:.2f} Mt, split by the "
                    f"listed plants' capacity per city ({cap[cc] / 1e6:.2f} of {total / 1e6:.2f} Mt), placed in the "
                    f"city's largest listed coking county; NOx {ef['nox'] * 1000:.3f}, SO2 {ef['so2'] * 1000:.3f} kg/t "
                    f"(D: independent coke plants' CEMS totals 2018, Chen et al. 2023, Atmosphere 14:348, / China's "
                    f"438.2 Mt coke, recalled); PM {ef['pm'] * 1000:.3f} kg/t and CO2 {ef['co2']:.2f} t/t of the "
                    f"listed 'partial' plants (estimate); VOCs 3.065 kg/t (S: uncontrolled coke plant, PKU study)")))
    return rows


# ---------------------------------------------------------------------------------------------- water
# Water sources are per city (no county urban population, livestock or industrial discharge is public), placed in
# the city's first district like the upgrade candidates of build_wastewater.py; treatment candidates of the city
# draw on them (model/candidates.py WATER_POOLS).
import build_wastewater as bw  # noqa: E402

# D: national 二污普 (2017) domestic COD 983.44万t = agriculture+domestic 2050.57 (read, envirunion.com) less
# agriculture 1067.1 (= livestock 1000.5 / 93.76 %, both read); urban and rural "基本持平" (same source), so
# urban 491.7万t / 81,347万 urban residents (NBS 2017) = 6.04 kg per urban resident a year
URBAN_COD_KG_PER_PERSON_YR = 6.04
URBAN_SRC = ("urban residents = census x 0.625 (estimate, as build_wastewater.py); COD 6.04 kg per urban resident a "
             "year (D: national 二污普 2017 domestic COD 983.44万t, half urban, / 81,347万 urban residents); treated "
             "= the existing-plant upgrade candidates' capacity (450万 m3/d by population, estimate) x load 0.8 at "
             "Grade 1A 50/5 mg/L (GB 18918-2002); untreated = the rest of the COD at the urban influent 250/25 mg/L "
             "(build_wastewater.py)")
RURAL_UNTREATED = 1 - 0.118  # 000:L190: rural sewage treatment 11.8 % in 2020
RURAL_SRC = ("rural residents = census x 0.375 (estimate; the census gives 13,084,122 for the province) x 88.2 % "
             "not yet served (000:L190: 11.8 % treated) x 0.06 m3/person/day (estimate, build_wastewater.py) at "
             "COD 300, NH3-N 40 mg/L (estimate inside the rural guide's 250-400 and 40-60, 农村生活污水处理技术指南 "
             "via chinajnhb.com)")
# Livestock (estimate, research note water.md): pig-equivalents by GB 18596-2001 (1 cattle = 5 pigs, 3 sheep = 1,
# 30 poultry = 1): year-end 2020 pigs 560万 (Shanxi statistics bureau via China Daily 2021-01-27) + mid-2016 cattle
# 107.1万, sheep 916.4万, poultry 8,875.3万 (NBS Shanxi survey team via jbzyw.com; 2020 not found)
PIG_EQ = 5_600_000 + 1_071_000 * 5 + 9_164_000 / 3 + 88_753_000 / 30
LIVESTOCK_COD_GEN_KG = 759_700e3 / 15_675_000  # D: Li et al. 2019 Shanxi 2016 generation 75.97万t / 1567.5万 pig-eq
MANURE_UTILISATION_2020 = 0.75  # estimate: the national 2020 target (畜禽粪污资源化利用行动方案); Shanxi's not found
LIVESTOCK_NH3N_PER_COD = 11.09 / 1000.5  # recalled, unverified: national 二污普 livestock NH3-N / COD
LIVESTOCK_SRC = (f"animals: {PIG_EQ / 1e4:,.1f}万 pig-equivalents (GB 18596: pigs 560万 year-end 2020, China Daily "
                 "2021-01-27; cattle x5, sheep /3, poultry /30 at mid-2016 stocks, NBS Shanxi survey team; 2020 not "
                 "found) split by rural residents (estimate: no city herd found); COD generated 48.5 kg per pig-eq a "
                 "year (D: Li et al. 2019, 农业资源与环境学报 36(4): Shanxi 2016 75.97万t / 1567.5万 pig-eq) x (1 - "
                 "0.75 manure used, estimate: national 2020 target, Shanxi's rate not found); NH3-N = COD x 11.09/1000.5 "
                 "(recalled, unverified: national 二污普 livestock NH3-N / COD)")
# Industry: estimate: Shanxi industrial COD 13.77万t and NH3-N 1.19万t in 2010 (China Statistical Yearbook 2011,
# table 12-19) scaled by the national fall 2010 -> 2017 (COD 434.77 -> 90.96万t, NH3-N 27.28 -> 4.45 recalled)
INDUSTRY_COD_T = 137_700 * 90.96 / 434.77
INDUSTRY_NH3N_T = 11_900 * 4.45 / 27.28
INDUSTRY_SECTORS = {"steel", "coking", "chemical", "coating", "other_voc", "other_industry", "kiln", "cement"}
INDUSTRY_SRC = ("estimate: Shanxi industrial COD 13.77万t, NH3-N 1.19万t in 2010 (China Statistical Yearbook 2011 "
                "table 12-19) x the national fall 2010-2017 (COD 434.77 -> 90.96万t, 二污普; NH3-N 27.28 -> 4.45, "
                "recalled) = 2.88万t COD, 0.19万t NH3-N; split by the city's industrial plants in enterprises.csv "
                "(estimate); flow at the park candidates' influent COD 400 mg/L (estimate, build_wastewater.py)")


def water_rows() -> list[dict]:
    """Urban sewage (treated, untreated), rural sewage, livestock and industrial wastewater, one row each per city."""
    cities, counties = bw.read_regions()
    with (INPUTS / "enterprises.csv").open(encoding="utf-8", newline="") as f:
        plants = [r for r in csv.DictReader(f) if r["sector"] in INDUSTRY_SECTORS]
    pop_total = sum(p for _, p in cities.values())
    n_plants = {c: sum(1 for r in plants if r["county_code"][:4] + "00" == c) for c in cities}
    rural_total = sum(p * bw.RURAL_SHARE for _, p in cities.values())
    cin, _, nin, _ = bw.CONC["urban"]
    up_cod, _, up_nh3n, _ = bw.CONC["upgrade"]
    rcod, _, rnh3n, _ = bw.CONC["rural"]
    icod, _, inh3n, _ = bw.CONC["park"]
    rows = []

    def add(sid, cat, detail, county, activity, unit, cod, nh3n, split_by_proxy, src):
        rows.append(dict(source_id=sid, category=cat, detail=detail, county_code=county, activity=fmt(activity),
                         activity_unit=unit, nox_t="0", so2_t="0", pm_t="0", vocs_t="0", cod_t=fmt(cod),
                         nh3n_t=fmt(nh3n), co2_t="0", split_by_proxy=split_by_proxy, source=src))

    for city, (name, pop) in sorted(cities.items()):
        seat = bw.first_district(sorted(counties[city]))[0]
        # urban sewage: what the plants treat (their Grade 1A effluent) and what no plant treats yet
        treated = bw.EXISTING_CAPACITY_M3D * pop / pop_total * 0.8
        cod_urban = pop * (1 - bw.RURAL_SHARE) * URBAN_COD_KG_PER_PERSON_YR / 1000
        cod_treated = treated * 365 * up_cod / 1e6
        untreated = max(cod_urban - cod_treated, 0.0) * 1e6 / (365 * cin)
        add(f"SWT-{city}", "sewage_urban", "treated", seat, treated, "m3_per_day", cod_treated,
            treated * 365 * up_nh3n / 1e6, "false", f"{name}: {URBAN_SRC}")
        add(f"SWU-{city}", "sewage_urban", "untreated", seat, untreated, "m3_per_day", untreated * 365 * cin / 1e6,
            untreated * 365 * nin / 1e6, "false", f"{name}: {URBAN_SRC}")
        rural_flow = pop * bw.RURAL_SHARE * RURAL_UNTREATED * bw.RURAL_M3_PER_PERSON_DAY
        add(f"SWR-{city}", "sewage_rural", "", seat, rural_flow, "m3_per_day", rural_flow * 365 * rcod / 1e6,
            rural_flow * 365 * rnh3n / 1e6, "false", f"{name}: {RURAL_SRC}")
        animals = PIG_EQ * pop * bw.RURAL_SHARE / rural_total
        cod_lv = animals * LIVESTOCK_COD_GEN_KG * (1 - MANURE_UTILISATION_2020) / 1000
        add(f"LV-{city}", "livestock", "", seat, animals, "pig_equivalent", cod_lv, cod_lv * LIVESTOCK_NH3N_PER_COD,
            "true", f"estimate: {name} share of Shanxi's herd; {LIVESTOCK_SRC}")
        share = n_plants[city] / sum(n_plants.values())
        cod_ind = INDUSTRY_COD_T * share
        add(f"IWW-{city}", "wastewater_industrial", "", seat, cod_ind * 1e6 / (365 * icod), "m3_per_day", cod_ind,
            INDUSTRY_NH3N_T * share, "true",
            f"estimate: {name} {n_plants[city]} of {sum(n_plants.values())} industrial plants; {INDUSTRY_SRC}")
    return rows


# ---------------------------------------------------------------------------------------------- VOCs, area sources
# Per city by census population (no city figure found); each row's source gives the national figure it scales.
SHANXI_POP_SHARE = 34_915_616 / 1_411_778_724  # 7th census: Shanxi / China (2.47 %)
VOC_AREA = {  # category: (activity per resident, activity unit, VOCs kg per activity unit, source)
    "petrol_station": (107_600 / 1_411_778_724, "station", 246e6 / 107_600,
                       "stations: China 107,600 (2022 Blue Book via induqin.com) x Shanxi's population share; VOCs "
                       "246 kt in 2020 from China's stations (Wang Y.J. et al. 2023, 环境科学研究, AP-42 method) per "
                       "station (D: 2.29 t a station a year, controlled as in 2020)"),
    "solvent_architectural": (0.25, "kg_vocs", 1.0,
                              "architectural coatings: China 34.8万t VOCs in 2016 / 1,390 M residents = 0.25 kg per "
                              "resident (Gao M.P. et al. 2019, 环境科学 40(3)) x census population"),
    "catering": (34e6 / 1_390_000_000, "kg_vocs", 1.0,
                 "catering: China 34 kt VOCs in 2017 (Jin W. et al. 2021, Sci. Total Environ. 142184, a survey "
                 "that covered Linfen) / 1,390 M residents x census population; all cooking gives 561 kt (Li Z. et "
                 "al. 2023, ESSD 15:5017): this row is the low end"),
}


def voc_area_rows() -> list[dict]:
    cities, counties = bw.read_regions()
    rows = []
    for city, (name, pop) in sorted(cities.items()):
        seat = bw.first_district(sorted(counties[city]))[0]
        for cat, (per_person, unit, kg_per_unit, src) in VOC_AREA.items():
            activity = pop * per_person
            rows.append(dict(source_id=f"{cat.split('_')[0].upper()[:4]}-{city}", category=cat, detail="",
                             county_code=seat, activity=fmt(activity), activity_unit=unit, nox_t="0", so2_t="0",
                             pm_t="0", vocs_t=fmt(activity * kg_per_unit / 1000), cod_t="0", nh3n_t="0", co2_t="0",
                             split_by_proxy="false", source=f"{name} ({pop:,.0f} residents, 7th census): {src}"))
    return rows


# ---------------------------------------------------------------------------------------------- vehicles, machinery
def vehicle_rows() -> list[dict]:
    """The on-road fleet per city, class and emission standard (build_measures.FLEET, VEHICLE_EF_G_PER_KM)."""
    cities, counties = bw.read_regions()
    pop_total = sum(p for _, p in cities.values())
    co2_per_l = {"diesel": bm.DIESEL_T_CO2_PER_L, "gasoline": bm.GASOLINE_T_CO2_PER_L}
    rows = []
    for city, (name, pop) in sorted(cities.items()):
        seat = bw.first_district(sorted(counties[city]))[0]
        for cls, (stock, km, l_100km, fuel, mix) in bm.FLEET.items():
            for std, share in mix.items():
                n = stock * share * pop / pop_total
                ef = bm.VEHICLE_EF_G_PER_KM[cls][std]
                label = f"{std} and below" if std == next(iter(mix)) else std  # standards run oldest first
                rows.append(dict(
                    source_id=f"V-{cls}-{std.replace('国', 'G')}-{city}", category=cls, detail=std, county_code=seat, activity=fmt(n),
                    activity_unit="vehicle", **{f"{p}_t": fmt(n * km * ef[p] / 1e6) for p in ("nox", "pm", "vocs")},
                    so2_t="0", cod_t="0", nh3n_t="0", co2_t=fmt(n * km * l_100km / 100 * co2_per_l[fuel]),
                    split_by_proxy="false",
                    source=(f"{name}: {bm.FLEET_SRC}; {cls} {label}: {stock:,.0f} in Shanxi x {share:.3f}, "
                            f"{km:,.0f} km/yr, {l_100km:g} L {fuel}/100 km (estimates); g/km NOx {ef['nox']}, PM2.5 "
                            f"{ef['pm']}, HC {ef['vocs']} ({bm.VEIN_SRC if std != '国VI' else '国VI: see build_measures.py'})")))
    return rows


# Off-road diesel, t a year. Agriculture and construction: CEADs 2019 Shanxi inventory, diesel CO2 in agriculture
# 1.23 Mt and construction 1.51 Mt (Open-Earth-Foundation/OpenClimate@822037b7, harmonize/data/raw/CEADS_china_provinces/
# Emission_Inventories_for_30_Provinces_2019.xlsx, sheet Shanxi2019) / 3.143 t CO2 per t diesel (D: CEADs factors)
DIESEL_T_CO2_PER_T = 3.143
OFFROAD = {  # (category, detail): (t diesel a year, g NOx per kg diesel, how split to cities, source)
    ("offroad_machinery", "agriculture"): (1.23e6 / DIESEL_T_CO2_PER_T, 51.0, "rural",
                                           "agricultural machinery: diesel = CEADs 2019 Shanxi agriculture diesel CO2 "
                                           "1.23 Mt / 3.143 t/t; NOx 51 g/kg diesel (S: Anhui farm machinery 2013, Ai "
                                           "et al. 2021, Atmosphere 12:440); split by rural residents (estimate)"),
    ("offroad_machinery", "construction"): (1.51e6 / DIESEL_T_CO2_PER_T, 45.0, "population",
                                            "construction machinery: diesel = CEADs 2019 Shanxi construction diesel CO2 "
                                            "1.51 Mt / 3.143 t/t; NOx 45 g/kg (estimate: between heavy trucks' 40-47 "
                                            "g/kg, plume chasing, and farm machinery's 51); split by population "
                                            "(estimate)"),
    ("mine_haul_truck", ""): (225_000.0, 45.0, "mines",
                              "open-pit haul trucks and mine machinery: 225 kt diesel (estimate: ~150 Mt of open-pit "
                              "coal x 1.5 kg diesel per t, no Shanxi figure found); NOx 45 g/kg (estimate, as "
                              "construction); split by coal-mine capacity in enterprises.csv (estimate)"),
}
# PM and VOCs in proportion to NOx as in China's non-road inventory 2020: PM 23.7, HC 42.5, NOx 478.2万t (S: MEE
# 中国移动源环境管理年报 2021, press text)
OFFROAD_PM_PER_NOX, OFFROAD_VOC_PER_NOX = 23.7 / 478.2, 42.5 / 478.2


def offroad_rows() -> list[dict]:
    cities, counties = bw.read_regions()
    with (INPUTS / "enterprises.csv").open(encoding="utf-8", newline="") as f:
        mines = [r for r in csv.DictReader(f) if r["sector"] == "coal_mine"]
    weights = {
        "population": {c: p for c, (_, p) in cities.items()},
        "rural": {c: p * bw.RURAL_SHARE for c, (_, p) in cities.items()},
        "mines": {c: sum(float(r["capacity"]) for r in mines if r["county_code"][:4] + "00" == c) for c in cities},
    }
    rows = []
    for city, (name, _pop) in sorted(cities.items()):
        seat = bw.first_district(sorted(counties[city]))[0]
        for (cat, detail), (diesel_t, g_nox, key, src) in OFFROAD.items():
            w = weights[key]
            t = diesel_t * w[city] / sum(w.values())
            if t <= 0:
                continue
            nox = t * g_nox / 1000
            rows.append(dict(
                source_id=f"{'OR' if cat == 'offroad_machinery' else 'MT'}-{detail[:4] or 'mine'}-{city}",
                category=cat, detail=detail, county_code=seat, activity=fmt(t), activity_unit="t_diesel_per_yr",
                nox_t=fmt(nox), so2_t="0", pm_t=fmt(nox * OFFROAD_PM_PER_NOX), vocs_t=fmt(nox * OFFROAD_VOC_PER_NOX),
                cod_t="0", nh3n_t="0", co2_t=fmt(t * DIESEL_T_CO2_PER_T), split_by_proxy="false",
                source=(f"{name}: {src}; PM and VOCs in China's non-road NOx ratio (PM 23.7, HC 42.5 per 478.2, MEE "
                        "mobile-source report 2021); CO2 3.143 t/t diesel")))
    return rows


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=INPUTS, help="output directory (default: inputs/)")
    out = ap.parse_args(argv).out
    rows = build() + vehicle_rows() + offroad_rows() + coke_rows() + water_rows() + voc_area_rows()
    with (out / "sources.csv").open("w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    totals: dict[str, dict[str, float]] = {}
    for r in rows:
        t = totals.setdefault(r["category"], {p: 0.0 for p in ("nox_t", "so2_t", "pm_t", "vocs_t", "cod_t", "nh3n_t",
                                                               "co2_t")})
        for p in t:
            t[p] += float(r[p])
    for cat, t in totals.items():
        print(cat, {k: round(v) for k, v in t.items()})
    print(f"wrote {len(rows)} sources to {out / 'sources.csv'}")


if __name__ == "__main__":
    main()
