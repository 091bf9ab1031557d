"""Build inputs/measures.csv and inputs/prices.csv: the catalogue of control options and energy prices.

Rerun:  python inputs/scripts/build_measures.py      (standard library only)

Every number is either
  S  sourced: a seed line (``000:L693``) or a publication, as collected in ../shared/docs/parameters.md (PM §n);
  D  derived: arithmetic on sourced numbers, written out below;
  E  ``estimate:`` an engineering estimate with its reasoning (no source was found).
The ``source`` column of each row names the factors it used, so a reader can audit any figure.

Conventions (see inputs/README.md):
  * Enterprise measures act on a plant's baseline: ``<pollutant>_removal`` is the fraction of that plant's
    2020 emission removed (negative = increase). The quantity of a capacity-scaled measure is the plant's
    capacity in the plant's own ``capacity_unit``; ``unit`` names it and the loader checks the two agree.
  * VOC treatment tiers state ``vocs_efficiency_after`` (overall capture x destruction); the removal at a
    plant with current efficiency e0 is (e1 - e0) / (1 - e0), computed by the model. Their quantity is the
    plant's raw (untreated) VOC generation in t/yr.
  * Household, freight and wastewater measures state absolute yearly effects per unit (``*_t_per_unit``).
    Wastewater effects come from each candidate's influent and effluent concentrations (inputs/wastewater.csv).
  * Running cost per unit and year = fixed O&M + var O&M x output + energy use x price(carrier)
    - coal saved x price(coal_raw). Prices are in prices.csv so a scenario can change them.
"""

from __future__ import annotations

import csv
from pathlib import Path

OUT_DIR = Path(__file__).resolve().parents[1]

# ---------------------------------------------------------------- factors (one place, with their sources)
GRID_T_CO2_PER_KWH = 0.7222e-3  # S: Shanxi provincial grid average 2021, 0.7222 t/MWh (MEE & NBS announcement of
#                                   2024-04-12; data-sources.md §9); the national 0.5703 understated Shanxi's coal grid
GAS_T_CO2_PER_M3 = 2.16e-3  # D: IPCC 56.1 t/TJ x 38.93 MJ/m3 x 0.99 (PM §2)
COAL_T_CO2_PER_T = 1.83  # D: 87.3 t CO2/TJ x 20.908 GJ/t (PM §2)
COAL_GJ_PER_T = 20.908  # S: China OM-doc fuel table (PM §2)
GAS_GJ_PER_M3 = 0.03893  # S: NCV 38.93 MJ/m3 (PM §2)

# Rural household bulk-coal stove (per household and heating season).
HH_COAL_T = 3.4  # S: Shanxi rural household survey, 3.4 t/a per household (4.4 t in the cold north), 2014-15 season
#                (《山西省农村地区燃煤采暖情况入户调查及排污量估算》, 环境科学研究; research note 2026-12)
# derived from the same survey's provincial totals (12.978 Mt coal; PM 13.0, SO2 19.9, NOx 2.1 万t): PM 10.0,
# SO2 15.3, NOx 1.6 kg/t; VOCs 3 kg/t estimate (no household-coal VOC factor found; PM §2)
HH_EF_KG_PER_T = {"nox": 1.6, "so2": 15.3, "pm": 10.0, "vocs": 3.0}
HH_USEFUL_GJ = HH_COAL_T * 20.9 * 0.40  # D/E: 3.4 t x 20.9 GJ/t x 40 % stove efficiency = 28.4 GJ (PM §2)
# every clean option delivers the same useful heat (the gas boiler at 90 %; PM §2's field 1000 m3 included comfort)
HH_GAS_M3 = HH_USEFUL_GJ / (0.9 * 0.03893)  # D: 28.4 GJ / (0.9 x 38.93 MJ/m3) = 811 m3
HH_ASHP_KWH = HH_USEFUL_GJ / 2.5 / 0.0036  # D/E: 28.4 GJ / seasonal COP 2.5 = 3,159 kWh (PM §2)
HH_DIRECT_ELEC_KWH = HH_USEFUL_GJ / 0.95 / 0.0036  # D: 28.4 GJ at 95 % heater efficiency = 8,310 kWh
HH_DH_GJ = HH_USEFUL_GJ / 0.9  # E: 10 % network loss on the useful heat delivered
DH_T_CO2_PER_GJ = 0.05  # E: heat mostly from CHP and industrial waste heat (003:L310, 001:L768); 0.05 t/GJ
#                         assumes ~half of it is otherwise-wasted heat; coal-boiler heat would be ~0.11 t/GJ.
GAS_HH_NOX_KG = 1.0  # E: wall-hung condensing boiler ~1 kg NOx per 1000 m3 gas; SO2, PM, VOCs negligible
BRIQUETTE_EF_KG_PER_T = {"nox": 0.42, "so2": 1.50}  # S: honeycomb briquette (Liang 2017, PM §2)
BRIQUETTE_PM_VOC_CUT = 0.6  # E: clean briquettes in improved stoves cut PM and VOCs by ~60 % (PM §2 notes
#                             the cleanest stove type emits 65 % of the mean; briquettes do better)
BRIQUETTE_T = HH_COAL_T * 0.9  # E: same heat with ~10 % better stove efficiency: 3.4 t x 0.9 = 3.06 t

# On-road vehicles (per vehicle and year; shared with build_sources.py, which builds the fleet from them).
VEIN_SRC = ("MEP 2014 道路机动车大气污染物排放清单编制技术指南（试行） base factors (30 km/h, no speed, sulphur or "
            "temperature correction), as stored in the R package vein (ibarraespinosa/vein@efae859, R/sysdata.rda "
            "ef_china; fork of atmoschem/vein, MIT); VOCs = HC")
VEHICLE_EF_G_PER_KM = {  # class -> standard -> pollutant, g/km (国VI: see CHINA_VI below)
    "truck_heavy_diesel": {"国III": {"nox": 7.934, "pm": 0.243, "vocs": 0.255},  # 国II: PM 0.502, HC 0.52
                           "国IV": {"nox": 5.554, "pm": 0.138, "vocs": 0.129},
                           "国V": {"nox": 4.721, "pm": 0.027, "vocs": 0.129}},
    "truck_medium_diesel": {"国III": {"nox": 6.221, "pm": 0.171, "vocs": 0.203},
                            "国IV": {"nox": 4.354, "pm": 0.099, "vocs": 0.103},
                            "国V": {"nox": 3.701, "pm": 0.020, "vocs": 0.103}},
    "truck_light_diesel": {"国II": {"nox": 5.578, "pm": 0.261, "vocs": 1.305},
                           "国III": {"nox": 3.765, "pm": 0.130, "vocs": 0.368},
                           "国IV": {"nox": 2.636, "pm": 0.058, "vocs": 0.186},
                           "国V": {"nox": 2.240, "pm": 0.012, "vocs": 0.186}},
    "truck_light_gasoline": {"国III": {"nox": 0.534, "pm": 0.011, "vocs": 0.610},
                             "国IV": {"nox": 0.229, "pm": 0.006, "vocs": 0.169},
                             "国V": {"nox": 0.172, "pm": 0.006, "vocs": 0.169}},
    "bus_diesel": {"国III": {"nox": 9.892, "pm": 0.395, "vocs": 0.283},  # large bus / coach
                   "国IV": {"nox": 9.892, "pm": 0.252, "vocs": 0.107},
                   "国V": {"nox": 8.640, "pm": 0.126, "vocs": 0.054}},
    "bus_medium_diesel": {"国III": {"nox": 3.347, "pm": 0.148, "vocs": 0.364},
                          "国IV": {"nox": 2.678, "pm": 0.106, "vocs": 0.364},
                          "国V": {"nox": 2.276, "pm": 0.053, "vocs": 0.364}},
    "car_gasoline": {"国II": {"nox": 0.127, "pm": 0.011, "vocs": 0.164},  # 小型客车
                     "国III": {"nox": 0.052, "pm": 0.007, "vocs": 0.094},
                     "国IV": {"nox": 0.036, "pm": 0.003, "vocs": 0.062},
                     "国V": {"nox": 0.027, "pm": 0.003, "vocs": 0.091}},
}
# 国VI is not in the 2014 guideline: heavy trucks at the real-world 1.42 g NOx/km (S: on-board data, Wang J. et
# al. 2022, Sci. Total Environ. 157209); other classes at half their 国V NOx (estimate); PM and VOCs as 国V (estimate)
CHINA_VI_HEAVY_NOX = 1.42
for _cls, _stds in VEHICLE_EF_G_PER_KM.items():
    _v = _stds["国V"]
    _stds["国VI"] = {"nox": CHINA_VI_HEAVY_NOX if _cls == "truck_heavy_diesel" else _v["nox"] / 2,
                     "pm": _v["pm"], "vocs": _v["vocs"]}
TRUCK_EF_G_PER_KM = VEHICLE_EF_G_PER_KM["truck_heavy_diesel"]
TRUCK_KM_PER_YR = 60_000.0  # E: operating (营运) coal and coke trucks; no Shanxi or guideline figure found (40-100k)
TRUCK_DIESEL_L_PER_100KM = 36.0  # D/E: mean of 44 L/100 km loaded (ICCT) and 28 empty (E), parameters.md
DIESEL_T_CO2_PER_L = 0.00266  # D: parameters.md
GASOLINE_T_CO2_PER_L = 0.00230  # D: 0.74 kg/L x 43.07 GJ/t x 18.9 tC/TJ x 44/12 x 0.98 (CEADs factors)
DIESEL_L_PER_T = 1190.0  # D: density 0.84 kg/L
BEV_TRUCK_KWH_PER_KM = 1.5  # E: battery-electric heavy truck ~150 kWh/100 km (no source found)
# The fleet (estimate): Shanxi had 764.72万 civil vehicles at end-2020 (S: NBS provincial series, copied in
# ahia11/SHU-CES---ttc-platform@0a314557 public/data/merged_provincial_data.json; the 31 provinces sum to the
# national 27,340.92万); no split by class or standard was found, so the split is an estimate (research note
# vehicles.md: coal-freight tilt, national standard mix); heavy trucks at 国III and below are the 76,500 Shanxi
# planned to scrap (Xinhua 2020-12-28). class -> (vehicles, km a year, L fuel per 100 km, fuel, {standard: share})
CIVIL_VEHICLES_2020 = 7_647_200
FLEET = {
    "truck_heavy_diesel": (300_000, TRUCK_KM_PER_YR, TRUCK_DIESEL_L_PER_100KM, "diesel",
                           {"国III": 76_500 / 300_000, "国IV": 0.25, "国V": 0.40, "国VI": 1 - 76_500 / 300_000 - 0.65}),
    "truck_medium_diesel": (40_000, 35_000.0, 20.0, "diesel", {"国III": 0.35, "国IV": 0.25, "国V": 0.35, "国VI": 0.05}),
    "truck_light_diesel": (360_000, 30_000.0, 10.0, "diesel",
                           {"国II": 0.05, "国III": 0.25, "国IV": 0.30, "国V": 0.35, "国VI": 0.05}),
    "truck_light_gasoline": (240_000, 25_000.0, 10.0, "gasoline", {"国III": 0.15, "国IV": 0.35, "国V": 0.35, "国VI": 0.15}),
    "bus_diesel": (15_000, 50_000.0, 30.0, "diesel", {"国III": 0.15, "国IV": 0.25, "国V": 0.50, "国VI": 0.10}),
    "bus_medium_diesel": (20_000, 40_000.0, 20.0, "diesel", {"国III": 0.20, "国IV": 0.30, "国V": 0.45, "国VI": 0.05}),
}
FLEET["car_gasoline"] = (CIVIL_VEHICLES_2020 - sum(v[0] for v in FLEET.values()), 12_000.0, 7.0, "gasoline",
                         {"国II": 0.02, "国III": 0.10, "国IV": 0.35, "国V": 0.38, "国VI": 0.15})
FLEET_SRC = ("fleet: Shanxi 764.72万 civil vehicles end-2020 (NBS provincial series via ahia11/SHU-CES---ttc-platform"
             "@0a314557); class split, standards, km a year and fuel use are estimates (no Shanxi breakdown found; "
             "research note vehicles.md); heavy trucks at 国III and below = the 76,500 to scrap by 2021-09 (Xinhua "
             "2020-12-28); cars = the rest of the civil vehicles; split to cities by census population (estimate)")

# Road-to-rail (per 1000 t moved one km by rail instead of by truck). The trucks are those of the vehicle
# inventory (sources.csv): 国III heavy diesel trucks at the guideline's g/km, 30 t loaded out and empty back.
TRUCK_PAYLOAD_T = 30.0  # E/D: parameters.md (30 t payload)
TRUCK_NOX_G_TKM = TRUCK_EF_G_PER_KM["国III"]["nox"] * 2 / TRUCK_PAYLOAD_T  # D: 7.934 g/km x 2 / 30 t = 0.529
RAIL_NOX_G_TKM = 0.05  # E (PM recommended §3)
TRUCK_CO2_G_TKM, RAIL_CO2_G_TKM = 64.0, 8.0  # D/E (PM recommended §3)
TRUCK_PM_G_TKM = TRUCK_EF_G_PER_KM["国III"]["pm"] * 2 / TRUCK_PAYLOAD_T  # D: 0.502 g/km x 2 / 30 t = 0.033
SIDING_CNY_PER_KM = 0.85e8  # D: 永鑫 0.83 and 吕临 0.89 x1e8 CNY/km (PM §3)
SIDING_KM = 20.0  # E: Shanxi examples 17.4 and 27.7 km (PM §3)

# Wastewater.
LOAD_FACTOR = 0.8  # E (PM recommended §5)
DAYS = 365.0

CRF_NOTE = "capex is annualised by the scenario's discount rate over lifetime_yr"


def hh_coal_effect(pollutant: str) -> float:
    """Yearly emission of one household's bulk-coal stove, t."""
    return HH_COAL_T * HH_EF_KG_PER_T[pollutant] / 1000.0


HH_SRC = ("hh stove: 3.4 t coal/yr (S: Shanxi rural household survey 2014-15, 环境科学研究), EF NOx 1.6 SO2 15.3 PM "
          "10.0 kg/t (derived: the survey's provincial totals / its 12.978 Mt coal), VOCs 3 kg/t (estimate, PM §2); "
          "CO2 1.83 t/t coal (D)")


def household_rows() -> list[dict]:
    coal_co2 = HH_COAL_T * COAL_T_CO2_PER_T
    base = {p: hh_coal_effect(p) for p in HH_EF_KG_PER_T}
    rows = []

    def row(mid, zh, en, terrain, max_plain, max_mountain, carrier, use, effects, capex, fom, life, src):
        rows.append(dict(
            measure_id=mid, name_zh=zh, name_en=en, family="heating", applies_to="household", sector="",
            terrain=terrain, exclusive_group="heating_household", unit="household",
            max_share_plain=max_plain, max_share_mountain=max_mountain,
            energy_carrier=carrier, energy_use_per_unit_yr=use, coal_saved_t_per_unit_yr=HH_COAL_T,
            **{f"{p}_t_per_unit": round(v, 6) for p, v in effects.items()},
            capex_cny_per_unit=capex, fixed_om_cny_per_unit_yr=fom, lifetime_yr=life, source=src,
        ))

    gas_co2 = HH_GAS_M3 * GAS_T_CO2_PER_M3
    row("heat_gas", "煤改气（壁挂炉）", "coal to gas (wall-hung boiler)", "any", 1.0, 0.3, "natural_gas", HH_GAS_M3,
        dict(nox=base["nox"] - GAS_HH_NOX_KG / 1000 * HH_GAS_M3 / 1000, so2=base["so2"], pm=base["pm"],
             vocs=base["vocs"], co2=coal_co2 - gas_co2),
        12000, 200, 15,
        f"{HH_SRC}; gas 811 m3/hh (derived: the stove's 28.4 GJ useful heat at 90 %; PM §2 field range 600-1200) x 2.16 kg CO2/m3 (D); "
        "capex 12000 CNY/hh (estimate: boiler + village pipe share, PM §2 'no source'; Tsinghua 四一 target 10000); "
        "O&M 200 CNY/yr (estimate: boiler service); max share mountain 0.3 (estimate: gas grid rarely reaches "
        "mountain villages, 000:L302 clean-coal fallback)")
    row("heat_pump", "煤改电（空气源热泵）", "coal to air-source heat pump", "any", 1.0, 1.0, "electricity",
        HH_ASHP_KWH, dict(**base, co2=coal_co2 - HH_ASHP_KWH * GRID_T_CO2_PER_KWH),
        25000, 300, 15,
        f"{HH_SRC}; 3159 kWh/hh (D/E: 28.4 GJ / COP 2.5) x Shanxi grid 0.7222 kg CO2/kWh (S, MEE & NBS 2021); capex 25000 CNY/hh "
        "(S/E: Tianjin max 29000, Beijing subsidy 24000, PM §2); O&M 300 CNY/yr (estimate); grid-side pollutants "
        "not counted locally (coal power is at ULE, 000:L101)")
    row("heat_electric", "煤改电（直热/蓄热电暖器）", "coal to direct electric heaters", "any", 1.0, 1.0,
        "electricity", round(HH_DIRECT_ELEC_KWH, 1),
        dict(**base, co2=coal_co2 - HH_DIRECT_ELEC_KWH * GRID_T_CO2_PER_KWH),
        10000, 100, 12,
        f"{HH_SRC}; 8310 kWh/hh (D: 28.4 GJ at 95 %) x 0.7222 kg CO2/kWh; capex 10000 CNY/hh (estimate, PM §2 "
        "'no source'); O&M 100 CNY/yr (estimate)")
    row("heat_district", "集中供热（余热/热电联产）入户", "connect to district heating", "any", 0.3, 0.05,
        "district_heat", round(HH_DH_GJ, 2), dict(**base, co2=coal_co2 - HH_DH_GJ * DH_T_CO2_PER_GJ),
        15000, 150, 25,
        f"{HH_SRC}; 31.6 GJ/hh delivered (28.4 GJ + 10 % loss, estimate) x 0.05 t CO2/GJ (estimate: CHP and waste "
        "heat, 003:L310, 001:L768); capex 15000 CNY/hh (estimate, PM §2 'no source'); max share 0.3 plain / 0.05 "
        "mountain of a county's coal households (estimate: only villages near a network)")
    bq_co2 = coal_co2 - BRIQUETTE_T * COAL_T_CO2_PER_T
    row("heat_clean_coal", "洁净煤+节能炉具（山区保底）", "clean briquettes + improved stove (mountain fallback)",
        "mountain", 0.0, 1.0, "coal_briquette", BRIQUETTE_T,
        dict(nox=base["nox"] - BRIQUETTE_T * BRIQUETTE_EF_KG_PER_T["nox"] / 1000,
             so2=base["so2"] - BRIQUETTE_T * BRIQUETTE_EF_KG_PER_T["so2"] / 1000,
             pm=base["pm"] * BRIQUETTE_PM_VOC_CUT, vocs=base["vocs"] * BRIQUETTE_PM_VOC_CUT, co2=bq_co2),
        3000, 0, 8,
        f"{HH_SRC}; mountain counties only (000:L302 洁净煤保底); 3.06 t briquettes (estimate: 10 % better stove); "
        "briquette NOx 0.42 SO2 1.50 kg/t (S, Liang 2017); PM/VOCs -60 % (estimate); capex 3000 CNY/hh stove "
        "(estimate, PM §2 'no source')")
    for r in rows:
        r["cod_t_per_unit"] = r["nh3n_t_per_unit"] = 0.0
    return rows


def enterprise_rows() -> list[dict]:
    """Measures that act on one plant, as fractions of its baseline emissions."""
    rows: list[dict] = []

    def row(mid, zh, en, family, sector, group, unit, removal, capex, fom=0.0, vom=0.0, life=15,
            ule=False, voc_after="", src="", process="", for_ule=""):
        rows.append(dict(
            measure_id=mid, name_zh=zh, name_en=en, family=family, applies_to="enterprise", sector=sector,
            process=process, for_ule_status=for_ule,
            terrain="any", exclusive_group=group, unit=unit, ule_compliant=str(ule).lower(),
            **{f"{p}_removal": removal.get(p, 0.0) for p in ("nox", "so2", "pm", "vocs", "co2")},
            vocs_efficiency_after=voc_after, capex_cny_per_unit=capex, fixed_om_cny_per_unit_yr=fom,
            var_om_cny_per_t_output=vom, lifetime_yr=life, source=src))

    # Steel (integrated sites; capacity = crude steel t/yr).
    # The 2020 ULE state of a plant (enterprises.csv ule_status) decides what is left to do: the whole package
    # where nothing was done, the rest of it where a retrofit was under way ('partial'), the fugitive and
    # clean-transport stages where the stacks already met the limits ('organised').
    integrated = "sinter+pellet+bf+converter|sinter+bf"  # a sinter strand and blast furnace: not the pellet plants
    row("steel_ule", "钢铁全流程超低排放改造（有组织+无组织+清洁运输）", "steel whole-process ULE package", "ule",
        "steel", "steel_ule", "t_per_yr", dict(nox=0.59, so2=0.61, pm=0.81), 450, 0, 100, 15, True,
        process=integrated, for_ule="none",
        src="removal NOx 59 SO2 61 PM 81 % (S: MIIT/MPI estimate with the 2019 MEE steel ULE opinion, PM §1); "
            "capex 450 CNY per t/yr crude steel (S: CISA 2023); O&M 100 CNY/t steel (D: environmental running "
            "cost ~180 CNY/t at advanced plants against an industry average of ~80, Li Xinchuang (MPI) 2017 via "
            "92xxmh.com: the increment of going to ULE; CISA 2023's 200 counts all of it, the 2021 aggregate 47)")
    row("steel_ule_rest", "钢铁超低排放改造（完成剩余工程）", "steel ULE: finishing a retrofit under way", "ule",
        "steel", "steel_ule", "t_per_yr", dict(nox=0.429, so2=0.436, pm=0.681), 225, 0, 100, 15, True,
        process=integrated, for_ule="partial",
        src="for plants whose 2020 retrofit was under way (ule_status partial, emitting the mean of the pre-ULE and "
            "ULE factors): removal to the ULE factors of EF 'steel_integrated' in build_enterprises.py = NOx "
            "(0.77-0.44)/0.77, SO2 (0.4525-0.255)/0.4525, PM (0.595-0.19)/0.595; capex half the CISA 450 CNY per "
            "t/yr (estimate: half the work left); O&M the whole 100 CNY/t once at ULE (as steel_ule)")
    row("steel_ule_fugitive", "钢铁超低排放改造（无组织+清洁运输）", "steel ULE: fugitive and clean-transport stages",
        "ule", "steel", "steel_ule", "t_per_yr", dict(pm=0.721), 158, 0, 35, 15, True,
        process=integrated, for_ule="organised",
        src="for plants whose stacks met the ULE limits by 2020 but not their fugitive sources (ule_status "
            "organised): PM (0.68-0.19)/0.68 = 0.721 (EF 'steel_integrated' pm_fugitive, build_enterprises.py); "
            "capex 158 and O&M 35 CNY per t = 35 % of the CISA 450 and of the 100 of steel_ule (estimate: "
            "enclosed stockyards, dust capture at charging and tapping, road cleaning and clean transport, about a "
            "third of a whole-process ULE budget; no breakdown found); the clean-transport cut of truck emissions is "
            "the freight module's, not counted here")
    row("steel_sinter_scr", "烧结机头烟气脱硝（SCR）", "sinter-strand SCR denitration only", "ule", "steel",
        "steel_ule", "t_per_yr", dict(nox=0.385), 60, 0, 12, 15, False,
        process=integrated, for_ule="none",  # a sinter strand exists at integrated sites only
        src="sinter ~55 % of site NOx (estimate) x 69.9 % cut at ULE (S: Liu 2022) = 0.385; capex 60 CNY per "
            "t/yr steel and O&M 12 CNY/t (estimate: the denitration share of the CISA package, ~13 %/6 %)")
    row("steel_eaf", "长流程部分产能置换为电炉短流程（废钢）", "part of the blast-furnace route replaced by scrap EAF",
        "structural", "steel", "steel_eaf", "t_per_yr",
        dict(nox=round(EAF_SHARE * 0.8, 4), so2=round(EAF_SHARE * 0.8, 4), pm=round(EAF_SHARE * 0.7, 4),
             co2=round(EAF_SHARE * 0.75, 4)),
        EAF_SHARE * 2000, 0, EAF_SHARE * 208, 25, False, process="sinter+pellet+bf+converter",
        src="000:L228-232, 003:L194 capacity replacement (电炉短流程); 15 % of the site's BF-BOF output moved to "
            "scrap EAF (national goal >= 15 % EAF by 2025, GEM via spglobal.com; China's ~260 Mt scrap in 2020, "
            "MPI, bounds it to ~10 Mt in Shanxi); EAF CO2 ~25 % of BF-BOF (WRI ~20 %, worldsteel via GEM ~30 %) = "
            "CO2 -11 % of the site; NOx and SO2 -80 %, PM -70 % of the moved share (estimate: no sinter, coke oven "
            "or blast furnace); capex 2,000 CNY per t/yr of EAF (estimate, no source found) x 0.15; running cost "
            "+208 CNY per t moved (EAF 3,330 CNY/t, 208 above BF-BOF, Mysteel 2024 via vedantbhoomi.com) x 0.15")
    row("pellet_ule", "独立球团超低排放改造", "stand-alone pellet plant ULE", "ule", "steel", "pellet_ule",
        "t_per_yr", dict(nox=0.60, so2=0.50, pm=0.70), 40, 0, 8, 15, True, process="pellet",
        src="pellet roasting to 10/35/50 mg/m3 (S: 2019 MEE opinion); removals from assumed 150/80/40 mg/m3 "
            "before (estimate); capex 40 CNY per t/yr, O&M 8 CNY/t (estimate: SCR+FGD on one roasting line)")
    # Coking (capacity = coke t/yr).
    row("coking_ule", "焦化超低排放改造（脱硫脱硝+无组织+清洁运输）", "coking ULE package", "ule", "coking",
        "coking_ule", "t_per_yr", dict(nox=0.625, so2=0.6, pm=0.6, vocs=0.2), 150, 0, 30, 15, True,
        src="NOx 400->150 mg/m3 = 0.625 (PM recommended §1, D/E); SO2 0.6, PM 0.6 (estimate: stack to 30/10 "
            "mg/m3 plus fugitive enclosure); VOCs 0.2 (estimate: sealed coke-oven doors, LDAR); capex 150 CNY per "
            "t/yr coke, O&M 30 CNY/t (estimate, PM §1 low confidence)")
    row("coking_denox", "焦炉烟气脱硝（仅SCR）", "coke-oven SCR denitration only", "ule", "coking", "coking_ule",
        "t_per_yr", dict(nox=0.625), 60, 0, 10, 15, False,
        src="NOx 0.625 as the package (PM §1, D/E); capex 60 CNY per t/yr, O&M 10 CNY/t (estimate: the SCR "
            "share of the package)")
    row("coking_cdq", "干熄焦改造", "coke dry quenching (CDQ)", "ule", "coking", "coking_cdq", "t_per_yr",
        dict(pm=0.25, co2=0.15), 120, 0, 0, 20, False, process="wet_quench",  # plants with CDQ need none
        src="Linfen requires dry quenching (003:L262); PM 0.25 of site (estimate: wet quenching plumes are a "
            "large PM source); CO2 0.15 of site (estimate: recovers ~0.5 t steam per t coke, ~40 kgce/t); capex "
            "120 CNY per t/yr (estimate); O&M 0: steam sales offset running cost (estimate)")
    row("coking_voc", "化产区VOCs治理（密闭+LDAR+尾气回收）", "coke by-product plant VOC control", "voc", "coking",
        "coking_voc", "t_per_yr", dict(vocs=0.5), 20, 0, 3, 10, False,
        src="coking is Shanxi's largest industrial VOC source (Guo et al., PM §4); removal 0.5 (estimate: tank "
            "vapour recovery and LDAR); capex 20 CNY per t/yr, O&M 3 CNY/t (estimate)")
    # Cement (capacity = clinker t/day; SNCR vs SCR vs SNCR+SCR are exclusive at one kiln).
    days = 310  # E: kiln operating days a year (common Chinese design basis)
    row("cement_sncr", "水泥窑SNCR提效（低氮燃烧+分级燃烧）", "cement kiln SNCR upgrade", "ule", "cement",
        "cement_denox", "t_per_day", dict(nox=0.6), 40 * days, 0, 10, 15, False,
        src="NOx 300->120 mg/m3 (estimate; SNCR 60-70 %, smei88, PM §1); capex 40 CNY per t/yr clinker = "
            "12400 CNY per t/day at 310 d (estimate); O&M 10 CNY/t clinker (S: China Cement Association adviser, "
            "SNCR at NSR 1.0-1.25, bjelf.com aid=7039; was 4)")
    row("cement_scr", "水泥窑SCR脱硝", "cement kiln SCR denitration", "ule", "cement", "cement_denox", "t_per_day",
        dict(nox=0.833), 150 * days, 0, 12, 15, False,
        src="NOx 300->50 mg/m3 = 0.833 (PM recommended §1); capex 150 CNY per t/yr clinker (estimate: the "
            "denitration share of 南娄 2.7542e8 CNY, 001:L807) x 310 d; O&M 12 CNY/t (estimate: above SNCR's 10 "
            "CNY/t, bjelf.com, for catalyst replacement)")
    row("cement_ule", "水泥全流程超低排放（SNCR+SCR+脱硫+除尘+无组织）", "cement full ULE (SNCR+SCR, FGD, dust)",
        "ule", "cement", "cement_denox", "t_per_day", dict(nox=0.85, so2=0.5, pm=0.7), 200 * days, 0, 20, 15, True,
        src="to 10/35/50 mg/m3 (002:L816, PM §1); NOx 0.85, SO2 0.5, PM 0.7 (estimate from 300/70/30 mg/m3 "
            "before); capex 200 CNY per t/yr clinker x 310 d = 62000 CNY per t/day (PM recommended §1: 南娄 "
            "2.7542e8 CNY on a ~4500 t/d line, 001:L807); O&M 20 CNY/t (D/E: SNCR 10 CNY/t, bjelf.com, + SCR "
            "catalyst 5 + desulfurisation and dust 5, estimates; PM gave 4-12 for denitration alone)")
    # Other industrial kilns (refractory, ceramics, lime...; capacity = product t/yr).
    row("kiln_deep", "工业窑炉深度治理（脱硫+SNCR+除尘+封闭）", "industrial kiln deep treatment", "ule", "kiln",
        "kiln_ule", "t_per_yr", dict(nox=0.6, so2=0.8, pm=0.8), 1000, 0, 30, 15, True,
        src="to 10/50/100 mg/m3 (001:L763 etc.); removals estimate; capex 1000 CNY per t/yr (D: Yangquan "
            "projects 西小坪 3.791e8/30万t = 1264, 王垆 0.754e8/3万t = 2513, 001:L792, L803; low end taken "
            "because those include enclosures); O&M 30 CNY/t (estimate)")
    # Captive coal power (capacity MW).
    row("captive_ule", "自备燃煤机组超低排放改造", "captive coal unit ULE", "ule", "captive_power", "captive_ule",
        "MW", dict(nox=0.5, so2=0.6, pm=0.7), 150000, 8000, 0, 15, True,
        src="to 10/35/50 mg/m3 (2015 national plan, PM §1) from ~100/90/30 (estimate); capex 150 CNY/kW "
            "(estimate: public-utility ULE retrofits 100-200 CNY/kW); fixed O&M 8 CNY/kW/yr (estimate)")
    # Coal-power energy saving (三改联动, 004:L25).
    row("power_energy_saving", "煤电节能降碳改造（三改联动）", "coal-power energy-saving retrofit", "efficiency",
        "power|captive_power", "power_saving", "MW", dict(nox=0.03, so2=0.03, pm=0.03, co2=0.03),
        100000, 0, 0, 20, False,
        src="004:L25 三改联动; -3 % coal per kWh (estimate: ~10 gce/kWh of ~310); capex 100 CNY/kW (estimate); "
            "saves 58 t raw coal per MW-yr at 4500 h (D: 4500 h x 310 gce/kWh x 3 % / 0.714 tce/t)")
    # coal no longer bought at the power-plant price (not the delivered residential one)
    rows[-1].update(saved_carrier="coal_power", saved_per_unit_yr=58.0)
    # New wind and solar displacing a share of a coal plant's generation (000:L242, 004:L25-27); per MW of coal
    # capacity at 4,300 h a year. RE: IRENA 2021 global weighted installed cost wind 1,325 and PV 857 USD/kW (S:
    # IRENA, Renewable Power Generation Costs in 2021) at 6.45 CNY/USD, blended 60/40 as Shanxi's 2020 wind/solar
    # capacity (19.7/13.1 GW, data-sources.md §9) = 7,339 CNY/kW; 1,800 full-load hours (estimate: Shanxi wind
    # ~2,100, solar ~1,400); O&M 2 % of capex a year (estimate); coal saved 310 gce/kWh / 0.714 tce/t raw.
    re_cny_per_kw = (0.6 * 1325 + 0.4 * 857) * 6.45
    for share, tag in ((0.10, "10"), (0.20, "20")):
        mwh = 4300 * share
        re_kw = mwh / 1800 * 1000
        capex = re_kw * re_cny_per_kw
        row(f"power_re_{tag}", f"新能源替代煤电发电量{tag}%（风电+光伏）", f"wind and solar replacing {tag} % of a coal "
            "plant's generation", "renewables", "power", "re_displace", "MW",
            dict(nox=share, so2=share, pm=share, co2=share), round(capex), round(0.02 * capex), 0, 25, False,
            src=(f"000:L242, 004:L25-27 new energy; {mwh:.0f} MWh per MW of coal a year ({tag} % of 4,300 h) from "
                 f"{re_kw:.0f} kW of wind and solar at 1,800 h (estimate); capex {re_cny_per_kw:,.0f} CNY/kW (S: IRENA "
                 "2021 global weighted wind 1,325 and PV 857 USD/kW, 60/40 as Shanxi's 2020 capacity, 6.45 CNY/USD); "
                 "O&M 2 %/yr (estimate); the coal plant's emissions fall in proportion; coal saved at the power-plant "
                 "price"))
        rows[-1].update(saved_carrier="coal_power", saved_per_unit_yr=round(mwh * 0.310 / 0.714, 3))
    # Coal boilers < 35 t/h (000:L304), capacity t steam/h.
    boiler_src = ("000:L304 zero <35 t/h coal boilers; 1 t/h ~ 6750 GJ/yr steam (estimate: 2.7 GJ/t x 2500 h); "
                  "coal saved 461 t (D: 6750 / (0.7 x 20.9)); ")
    row("boiler_to_gas", "燃煤锅炉淘汰-改燃气", "coal boiler replaced by gas boiler", "boiler", "boiler",
        "boiler_replace", "t_steam_per_h", dict(nox=0.5, so2=0.98, pm=0.95, co2=0.5), 100000, 5000, 0, 20, False,
        src=boiler_src + "gas 192700 m3 (D: 6750 / (0.9 x 38.93 MJ)); CO2 0.5 (D: 416 vs 844 t); NOx 0.5 (low-NOx "
            "gas, estimate); capex 100000 CNY per t/h (estimate: gas boiler + connection)")
    rows[-1].update(energy_carrier="natural_gas", energy_use_per_unit_yr=192700, coal_saved_t_per_unit_yr=461)
    row("boiler_to_electric", "燃煤锅炉淘汰-改电锅炉", "coal boiler replaced by electric boiler", "boiler",
        "boiler", "boiler_replace", "t_steam_per_h",
        dict(nox=1.0, so2=1.0, pm=1.0, co2=round(1 - 1973.7 * GRID_T_CO2_PER_KWH * 1000 / 844, 4)), 60000, 3000, 0,
        20, False,
        src=boiler_src + "1.97 GWh (D: 6750 GJ / 0.95 / 3.6); CO2 +69 % (D: 1425 t at Shanxi's 0.7222 vs 844 t coal); "
            "capex 60000 CNY per t/h (estimate)")
    rows[-1].update(energy_carrier="electricity", energy_use_per_unit_yr=1973700, coal_saved_t_per_unit_yr=461)
    # VOC treatment tiers at chemical / coating / other VOC emitters; quantity = raw VOC generation t/yr.
    voc_src = ("RTO 10000 m3/h ~ 30 t/yr raw VOCs (D: 500 mg/m3 x 6000 h); overall efficiency = capture x "
               "destruction; ")
    row("voc_ac", "活性炭吸附（一次性）", "activated-carbon adsorption (disposable)", "voc",
        "chemical|coating|other_voc", "voc_treatment", "t_raw_vocs_per_yr", {}, 15000, 8000, 0, 10, False, 0.5,
        voc_src + "0.5 = 0.6 x 0.85 capture (estimate, PM §4: disposable beds lose capacity); capex 15000 CNY per "
        "t/yr raw (estimate); O&M 8000 CNY per t/yr (estimate: carbon replacement and hazardous-waste disposal)")
    row("voc_adsorb_regen", "吸附浓缩+催化燃烧（RCO）", "adsorption-concentration + RCO", "voc",
        "chemical|coating|other_voc", "voc_treatment", "t_raw_vocs_per_yr", {}, 50000, 12000, 0, 10, False, 0.82,
        voc_src + "0.82 = 0.9 (S: Xu 2020) x 0.91 capture (estimate); meets the 80 % floor (001:L330); capex "
        "1.3 x RTO per t (S: RCO +20-40 %, PM §4) on concentrated flow (estimate 50000); O&M 12000 (estimate)")
    row("voc_rto", "蓄热式焚烧（RTO）", "regenerative thermal oxidiser (RTO)", "voc",
        "chemical|coating|other_voc", "voc_treatment", "t_raw_vocs_per_yr", {}, 75000, 27000, 0, 10, False, 0.92,
        voc_src + "0.92 = 0.97 destruction (S: PM §4) x 0.95 capture (estimate); capex 2.25e6 CNY / 30 t = 75000 "
        "(D); O&M 0.8e6 / 30 t = 27000 CNY per t/yr (D, PM recommended §4)")
    for r in rows:
        r.setdefault("energy_carrier", "")
        r.setdefault("energy_use_per_unit_yr", 0.0)
        r.setdefault("coal_saved_t_per_unit_yr", 0.0)
    return rows


def freight_rows() -> list[dict]:
    tkm_to_t = 1e-6 * 1e3  # g per t-km -> t per (kt x km)
    common = dict(family="rail", applies_to="freight", sector="", terrain="any", energy_carrier="",
                  energy_use_per_unit_yr=0.0, coal_saved_t_per_unit_yr=0.0, cod_t_per_unit=0.0,
                  nh3n_t_per_unit=0.0, so2_t_per_unit=0.0, vocs_t_per_unit=0.0)
    return [
        dict(common, measure_id="rail_siding", name_zh="铁路专用线建设", name_en="rail siding to a shipper",
             exclusive_group="rail_siding", unit="siding", nox_t_per_unit=0.0, pm_t_per_unit=0.0,
             co2_t_per_unit=0.0, capex_cny_per_unit=SIDING_CNY_PER_KM * SIDING_KM,
             fixed_om_cny_per_unit_yr=0.02 * SIDING_CNY_PER_KM * SIDING_KM, lifetime_yr=30,
             siding_capacity_kt_per_yr=10000,
             source="0.85e8 CNY/km (D: 永鑫 0.83, 吕临 0.89, PM §3) x 20 km (estimate, PM §3) = 1.7e9 CNY; capacity "
                    "10 Mt/yr (S: 永鑫, PM §3); O&M 2 % of capex a year (estimate); 000:L693 plans 31 sidings"),
        dict(common, measure_id="rail_shift", name_zh="大宗货物公转铁（运量转移）",
             name_en="bulk tonnage shifted from road to rail", exclusive_group="", unit="kt_km",
             nox_t_per_unit=round((TRUCK_NOX_G_TKM - RAIL_NOX_G_TKM) * tkm_to_t, 9),
             pm_t_per_unit=round(TRUCK_PM_G_TKM * tkm_to_t, 9),
             co2_t_per_unit=round((TRUCK_CO2_G_TKM - RAIL_CO2_G_TKM) * tkm_to_t, 6),
             capex_cny_per_unit=0.0, fixed_om_cny_per_unit_yr=50.0, lifetime_yr=30,
             source="per 1000 t moved 1 km: truck 0.529 g NOx/t-km (D: the vehicle inventory's 国III heavy truck, "
                    "7.934 g/km, MEP 2014 guideline via atmoschem/vein@052c0afb, 30 t out, empty back) vs rail 0.05; "
                    "PM 0.033 g/t-km (D: 0.502 g/km likewise); 64 vs 8 g CO2/t-km (D/E, PM recommended §3); cost 0.05 CNY/t-km = 50 CNY per kt-km (estimate: short-haul "
                    "rail plus transloading dearer than trucking, 001:L256 asks for a short-haul rail price scheme)"),
    ]


# Coke outside the plant list: stack NOx and SO2 of China's independent coke plants, 2018, from CEMS (Chen et al.
# 2023, Atmosphere 14:348: NOx 117.71 Gg, SO2 63.84 Gg) / China's coke output 2018, 438.2 Mt (NBS; recalled, not
# verified here); ULE factors (kg/t coke) as coking_ule applied to the uncontrolled factors (estimate)
COKE_CEMS_KG_PER_T = {"nox": 117.71e6 / 438.2e6, "so2": 63.84e6 / 438.2e6}
COKE_ULE_KG_PER_T = {"nox": 0.225, "so2": 0.10, "pm": 0.22}
EAF_SHARE = 0.15  # share of an integrated site's output moved to scrap EAF (national 2025 goal, GEM)
LIVESTOCK_CUT = round((0.90 - 0.75) / (1 - 0.75), 4)  # manure used 75 % -> 90 % at the farms reached


def _to_china_vi(standard: str) -> dict[str, float]:
    """Removal of NOx, PM and VOCs when a heavy truck of ``standard`` is replaced by a 国VI one."""
    old, new = TRUCK_EF_G_PER_KM[standard], TRUCK_EF_G_PER_KM["国VI"]
    return {f"{p}_removal": round(1 - new[p] / old[p], 4) for p in ("nox", "pm", "vocs")}


def source_rows() -> list[dict]:
    """Programmes at emission sources outside the plant list (sources.csv): trucks, coke, farms, industrial water."""
    common = dict(applies_to="source", terrain="any", ule_compliant="false", unit="vehicle")
    bus_kwh, bus_l = 50_000 * 1.2, 50_000 * 0.30
    co2_bus = 1 - bus_kwh * GRID_T_CO2_PER_KWH / (bus_l * DIESEL_T_CO2_PER_L)
    car_kwh, car_l = 12_000 * 0.15, 12_000 * 0.07
    co2_car = 1 - car_kwh * GRID_T_CO2_PER_KWH / (car_l * GASOLINE_T_CO2_PER_L)
    mine_kwh = 4_050 / 1_400 * DIESEL_L_PER_T  # kWh per t of diesel no longer burnt
    co2_mine = 1 - mine_kwh * GRID_T_CO2_PER_KWH / (DIESEL_L_PER_T * DIESEL_T_CO2_PER_L)
    diesel_l = TRUCK_KM_PER_YR * TRUCK_DIESEL_L_PER_100KM / 100
    bev_kwh = TRUCK_KM_PER_YR * BEV_TRUCK_KWH_PER_KM
    co2_bev = 1 - bev_kwh * GRID_T_CO2_PER_KWH / (diesel_l * DIESEL_T_CO2_PER_L)
    def electric(**kw) -> dict:
        """A battery-electric vehicle or machine replacing a fuelled one: no local NOx, PM or VOCs, grid power
        bought instead of fuel (``saved_carrier``), no extra fixed O&M (estimate)."""
        return dict(common, family="vehicle", process="", nox_removal=1.0, pm_removal=1.0, vocs_removal=1.0,
                    so2_removal=0.0, energy_carrier="electricity", fixed_om_cny_per_unit_yr=0, **kw)

    # the two coke programmes share their pool and, for the new ovens, the ULE package's NOx, SO2 and VOC removal
    coke = dict(common, sector="coke_unlisted", process="", exclusive_group="coke_rest", unit="t_coke_per_yr")
    coke_ule = dict(nox_removal=round(1 - COKE_ULE_KG_PER_T["nox"] / COKE_CEMS_KG_PER_T["nox"], 4),
                    so2_removal=round(1 - COKE_ULE_KG_PER_T["so2"] / COKE_CEMS_KG_PER_T["so2"], 4), vocs_removal=0.6)
    rows = [
        dict(common, measure_id="truck_scrap_g3", name_zh="国三及以下柴油货车提前淘汰（更新为国六）",
             name_en="early scrapping of China III diesel trucks, replaced by China VI", family="vehicle",
             sector="truck_heavy_diesel", process="国III", exclusive_group="truck_fleet",
             **_to_china_vi("国III"), so2_removal=0.0, co2_removal=0.0, max_share=1.0,
             capex_cny_per_unit=80000, fixed_om_cny_per_unit_yr=2000, lifetime_yr=8,
             source=("000:L254 eliminate 国三-and-below operating diesel trucks; 76,500 planned by 2021-09 (Xinhua "
                     "2020-12-28, cs.com.cn); to 国VI: NOx 7.934 -> 1.42 g/km (guideline; on-board 国VI data, Wang "
                     "2022), PM 0.243 -> 0.027 and HC 0.255 -> 0.129 (国V factors for 国VI, estimate; " + VEIN_SRC +
                     "); capex 80,000 CNY per truck (estimate: forgone remaining value of an old truck and the "
                     "earlier purchase of a new one; subsidies are transfers: Shanghai paid 3,000-116,000 by tonnage, "
                     "autonews.com 2020); O&M 2,000 CNY/yr (estimate: urea for SCR)")),
        dict(common, measure_id="truck_scrap_g4", name_zh="国四柴油货车提前淘汰（更新为国六）",
             name_en="early scrapping of China IV diesel trucks, replaced by China VI", family="vehicle",
             sector="truck_heavy_diesel", process="国IV", exclusive_group="truck_fleet",
             **_to_china_vi("国IV"), so2_removal=0.0, co2_removal=0.0, max_share=1.0,
             capex_cny_per_unit=120000, fixed_om_cny_per_unit_yr=2000, lifetime_yr=8,
             source=("004:L29 eliminate 国四-and-below diesel trucks; NOx 5.554 -> 1.42 g/km, PM 0.138 -> 0.027, HC "
                     "0.129 -> 0.129 (" + VEIN_SRC + "; 国VI as truck_scrap_g3); capex 120,000 CNY per truck "
                     "(estimate: a younger truck's higher remaining value; the 2024 national scheme pays up to "
                     "140,000, caixinglobal.com 2024-08-03); O&M 2,000 CNY/yr (estimate: urea)")),
        electric(measure_id="truck_bev_heavy", name_zh="新能源重型货车替代（纯电动）",
                 name_en="battery-electric heavy truck replacing a diesel one",
                 sector="truck_heavy_diesel", exclusive_group="truck_fleet", co2_removal=round(co2_bev, 4),
                 max_share=0.5, energy_use_per_unit_yr=bev_kwh, saved_carrier="diesel", saved_per_unit_yr=diesel_l,
                 capex_cny_per_unit=600000, lifetime_yr=8,
                 source=("000:L254-256, 004:L29 (45 % new-energy share of new vehicles by 2027); local NOx, PM and VOCs "
                         f"removed; CO2: diesel {diesel_l:,.0f} L x 2.66 kg/L against {bev_kwh:,.0f} kWh (1.5 kWh/km, "
                         "estimate) x Shanxi grid 0.7222 kg/kWh; capex 600,000 CNY per truck (S: above 600,000 in 2023, "
                         "under 400,000 in 2024, chinatruck.net); max share 0.5 (estimate: range and charging limit "
                         "use in long-haul coal freight)")),
        electric(measure_id="bus_bev", name_zh="公交客车新能源替代（纯电动）",
                 name_en="battery-electric buses replacing diesel ones",
                 sector="bus_diesel|bus_medium_diesel", exclusive_group="bus_fleet", co2_removal=round(co2_bus, 4),
                 max_share=0.95, energy_use_per_unit_yr=bus_kwh, saved_carrier="diesel", saved_per_unit_yr=bus_l,
                 capex_cny_per_unit=1_200_000, lifetime_yr=8,
                 source=("000:L256 more new-energy city buses, 003:L274 >= 80 % of new buses; Shanxi reached 14,551 "
                         "new-energy buses, 95.65 %, by end-2023 (China Daily Shanxi 2024-05-29) = max share 0.95; "
                         f"{bus_kwh:,.0f} kWh (1.2 kWh/km, estimate) for {bus_l:,.0f} L diesel (30 L/100 km, estimate) "
                         "over 50,000 km; capex 1,200,000 CNY a bus (estimate: 12 m electric bus 1.0-2.0 M before "
                         "subsidy, recalled, not verified; the bus is replaced early, so the whole price)")),
        electric(measure_id="car_nev", name_zh="小型客车新能源替代（纯电动）",
                 name_en="battery-electric cars replacing petrol ones",
                 sector="car_gasoline", exclusive_group="car_fleet", co2_removal=round(co2_car, 4),
                 max_share=0.10, energy_use_per_unit_yr=car_kwh, saved_carrier="gasoline", saved_per_unit_yr=car_l,
                 capex_cny_per_unit=60_000, lifetime_yr=10,
                 source=("004:L29 45 % new-energy share of new vehicles by 2027; max share 0.10 of the stock by 2025 "
                         "(estimate: ~8 % of the stock renewed a year, the new-energy share rising towards 45 %); "
                         f"{car_kwh:,.0f} kWh (15 kWh/100 km, estimate) for {car_l:,.0f} L petrol (7 L/100 km, estimate) "
                         "over 12,000 km; capex 60,000 CNY (estimate: price premium of a battery-electric car with a "
                         "home charger, 2020-21)")),
        dict(common, measure_id="offroad_stage4", name_zh="非道路移动机械国四替代（老旧工程、农业机械淘汰）",
             name_en="old non-road machinery replaced by China IV machines", family="vehicle",
             sector="offroad_machinery", process="", exclusive_group="offroad", unit="t_diesel_per_yr",
             nox_removal=0.6, pm_removal=0.9, vocs_removal=0.5, so2_removal=0.0, co2_removal=0.0, max_share=0.5,
             capex_cny_per_unit=8000, fixed_om_cny_per_unit_yr=0, lifetime_yr=10,
             source=("000:L254 non-road stage IV, 000:L322 old machinery out, 003:L276-278; NOx -60 %, PM -90 % "
                     "(DPF), VOCs -50 % against today's stage II/III fleet (estimate; field factors run 24-225 % "
                     "above the limits, NDMM review); capex 8,000 CNY per t of diesel a year (estimate: a 150 kW "
                     "excavator burning ~25 t a year, 200,000 CNY of forgone value and earlier purchase); at most "
                     "half the machines (estimate)")),
        electric(measure_id="mine_truck_electric", name_zh="矿用卡车电动化", name_en="battery-electric mine haul trucks",
                 sector="mine_haul_truck", exclusive_group="mine_trucks", unit="t_diesel_per_yr",
                 co2_removal=round(co2_mine, 4), max_share=0.5, energy_use_per_unit_yr=mine_kwh,
                 saved_carrier="diesel", saved_per_unit_yr=DIESEL_L_PER_T, capex_cny_per_unit=10_000, lifetime_yr=10,
                 source=("000:L322, 003:L276-278 new-energy machinery; a 100 t truck uses 3,800-4,300 kWh a day "
                         f"instead of 1,200-1,600 L diesel (im-mining.com 2022) = {mine_kwh:,.0f} kWh per t diesel; capex "
                         "10,000 CNY per t of diesel a year (estimate: ~3.5 M CNY more than a diesel truck burning ~350 t a "
                         "year; no price found); at most half the fleet (estimate: charging, grades)")),
        dict(coke, measure_id="coke_ule_rest", name_zh="其余焦化产能超低排放改造（含化产VOCs治理）",
             name_en="ULE and by-product VOC control at coke capacity outside the plant list", family="ule",
             **coke_ule, pm_removal=0.28, co2_removal=0.0,
             max_share=1.0, capex_cny_per_unit=170, fixed_om_cny_per_unit_yr=33, lifetime_yr=15,
             source=("000:L310 coking ULE; from the measured stack factors of independent coke plants (NOx "
                     f"{COKE_CEMS_KG_PER_T['nox']:.3f}, SO2 {COKE_CEMS_KG_PER_T['so2']:.3f} kg/t: CEMS 2018, see "
                     "COKE_CEMS_KG_PER_T) and the listed 'partial' plants' PM 0.31 kg/t to ULE (NOx 0.225, SO2 0.10, PM "
                     "0.22: coking_ule's removal on the uncontrolled factors); VOCs: coking_ule 20 % compounded with "
                     "by-product control 50 % = 60 %; capex 150 + 20 CNY per t/yr and O&M 30 + 3 CNY/t as coking_ule "
                     "+ coking_voc (estimates)")),
        dict(coke, measure_id="coke_replace_43m", name_zh="4.3米焦炉淘汰、产能置换为大型超低排放焦炉（含干熄焦）",
             name_en="4.3 m coke ovens closed and replaced by large ULE ovens with dry quenching", family="structural",
             **coke_ule, pm_removal=0.5, co2_removal=0.15,
             max_share=0.62, capex_cny_per_unit=1500, fixed_om_cny_per_unit_yr=0, lifetime_yr=25,
             source=("上大压小/产能置换 (000:L228-232, 003:L194); Shanxi's 4.3 m ovens were 62 % of coke capacity "
                     "before the closures (146 firms, 9000万+ t; 16 % by end-2022; all shut in 2023: 中国环境报 via "
                     "中国经济网 2023-06-27) = max share 0.62; new ovens at ULE factors as coke_ule_rest, PM -50 % "
                     "and CO2 -15 % with dry quenching (estimates, as coking_cdq); capex 1,500 CNY per t/yr of new "
                     "capacity (estimate: large top-charged ovens with CDQ, 1,200-2,000); O&M as today's ovens")),
        dict(common, measure_id="livestock_manure", name_zh="畜禽粪污资源化利用（规模养殖场粪污处理设施配套）",
             name_en="livestock manure utilisation (treatment and land application at farms)", family="farming",
             sector="livestock", process="", exclusive_group="livestock", unit="pig_equivalent",
             cod_removal=LIVESTOCK_CUT, nh3n_removal=LIVESTOCK_CUT, max_share=1.0,
             capex_cny_per_unit=135, fixed_om_cny_per_unit_yr=10, lifetime_yr=15,
             source=("000:L468 manure utilisation >= 80 %; farms reached go from 75 % (estimate, the national 2020 "
                     "target; Shanxi's rate not found) to 90 % used (whole-county projects' target, NDRC/MOA via "
                     "ieyebook.com.cn) = (0.90-0.75)/(1-0.75) = 60 % of the COD and NH3-N they discharge; capex 135 "
                     "CNY per pig-equivalent (estimate: central subsidy 3,000万 per county of <50万 pig-eq = 60 CNY "
                     "(simfy.cn, 2019 scheme) x 2.2 total/central as the Zengdu project, 6,658万 for 3,000万 "
                     "central); O&M 10 CNY per pig-eq a year (estimate)")),
        dict(common, measure_id="industrial_reuse", name_zh="工业废水深度处理回用（减少外排）",
             name_en="industrial wastewater reuse (less discharged)", family="wastewater",
             sector="wastewater_industrial", process="", exclusive_group="industrial_water", unit="m3_per_day",
             cod_removal=1.0, nh3n_removal=1.0, max_share=0.5,
             capex_cny_per_unit=4000, fixed_om_cny_per_unit_yr=round(10 * 365, 2), lifetime_yr=15,
             source=("000:L366 industrial wastewater (coking included); a m3 reused is a m3 not discharged: all its "
                     "COD and NH3-N; at most half the flow (estimate: salts and cooling-water balance); capex 4,000 "
                     "CNY per m3/d (estimate, as the park plants: Jinzhong WWTP + reuse 2.69亿 for 10万 m3/d = 2,700 "
                     "plus pre-treatment); O&M 10 CNY/m3 (estimate: between park treatment 1.5 and coking "
                     "zero-discharge 25-30, vendor page gdgqhb.com)")),
        dict(common, measure_id="petrol_vapour_recovery", name_zh="加油站油气回收治理提升（三次回收+在线监控）",
             name_en="petrol-station vapour recovery upgrade (tank vents, online monitoring)", family="voc",
             sector="petrol_station", process="", exclusive_group="petrol_station", unit="station",
             vocs_removal=round((246 - 54.4) / 246, 4), max_share=1.0,
             capex_cny_per_unit=150_000, fixed_om_cny_per_unit_yr=5_000, lifetime_yr=10,
             source=("000:L320 petrol-station vapour recovery; from China's 246 kt in 2020 (as controlled then) to "
                     "< 54.4 kt with >= 90 % recovery (Wang Y.J. et al. 2023, 环境科学研究, both read) = -78 %; "
                     "capex 150,000 CNY a station (estimate: online monitoring and stage II refurbishment; Shanghai "
                     "subsidised 3,500 CNY a nozzle and 30,000 a station for stage III, gas.in-en.com); O&M 5,000 "
                     "CNY/yr (estimate); the petrol recovered is not credited")),
        dict(common, measure_id="low_voc_coatings", name_zh="低VOCs含量涂料源头替代（建筑涂料水性化）",
             name_en="low-VOC (waterborne) architectural coatings", family="voc",
             sector="solvent_architectural", process="", exclusive_group="coatings", unit="kg_vocs",
             vocs_removal=0.58, max_share=1.0, capex_cny_per_unit=0, fixed_om_cny_per_unit_yr=10.0, lifetime_yr=5,
             source=("000:L312 low-VOC substitution; VOC factor 0.40-0.51 kg/kg solvent-borne against 0.14-0.24 "
                     "waterborne (Xia S. et al. 2023, Atmosphere 14:662) = (0.455-0.19)/0.455 = -58 %; cost 10 CNY a "
                     "year per kg of VOCs emitted today (estimate: the waterborne price premium; no source found; "
                     "17,200 CNY per t avoided, above end-of-pipe running costs of > 8,000 CNY/t, 环境科学 41(2))")),
    ]
    return rows


def wastewater_rows() -> list[dict]:
    common = dict(family="wastewater", applies_to="wastewater", terrain="any", energy_carrier="",
                  energy_use_per_unit_yr=0.0, coal_saved_t_per_unit_yr=0.0, unit="m3_per_day",
                  exclusive_group="")
    treated = DAYS * LOAD_FACTOR  # m3 treated per year per m3/d of capacity

    def row(mid, zh, en, kind, action, capex, om_per_m3, life, src):
        return dict(common, measure_id=mid, name_zh=zh, name_en=en, sector=kind, process=action,
                    capex_cny_per_unit=capex,
                    fixed_om_cny_per_unit_yr=round(om_per_m3 * treated, 2), lifetime_yr=life,
                    source=src + f"; O&M {om_per_m3} CNY/m3 x 365 d x load 0.8 (estimate, PM recommended §5); "
                                 "COD and NH3-N removed come from the candidate's influent/effluent (wastewater.csv)")

    return [
        row("ww_urban_new", "新建城镇污水处理厂", "new urban WWTP", "urban", "new", 3000, 1.0, 30,
            "capex 3000 CNY per m3/d (D: Yangquan 1760-4714, 001:L815, L821; PM recommended §5)"),
        row("ww_urban_expansion", "城镇污水处理厂扩建", "urban WWTP expansion", "urban", "expansion", 1760, 1.0, 30,
            "capex 1760 CNY per m3/d (D: 盂县 phase II 0.44e8 CNY / 2.5e4 m3/d, 001:L821)"),
        row("ww_urban_upgrade", "污水处理厂提标改造（一级A→地表IV类）", "WWTP upgrade 1A to surface Class IV", "urban", "upgrade",
            473, 0.155, 20,
            "capex 473 CNY per m3/d (D: midpoint of +323..623 for a one-grade tightening, 环境科学学报 2011, PM §5); "
            "O&M midpoint 0.11-0.20 CNY/m3 (S, same)"),
        row("ww_park_new", "工业园区污水处理厂", "industrial-park WWTP", "park", "", 4000, 1.5, 30,
            "capex 4000 CNY per m3/d (estimate: industrial influent needs pre-treatment; above the urban 3000)"),
        row("ww_town_new", "建制镇污水处理站", "small-town sewage plant", "town", "", 10000, 1.2, 20,
            "capex 10000 CNY per m3/d incl. network (D: 河底镇 0.0539e8/500 = 10780, 001:L822)"),
        dict(row("ww_urban_network", "污水管网建设与雨污分流改造（收集至现有污水厂）",
                 "sewer network and separation (sewage collected to existing plants)", "urban", "network", 5000,
                 1.0, 40,
                 "000:L362 sewer separation, 14th-FYP sewage plan: +2,500 km of sewers, city collection rate >= 70 % "
                 "(re360.cn/69056.html); capex 5,000 CNY per m3/d collected (estimate: ~1.5 M CNY per km of sewer, "
                 "recalled, x 2,500 km / the ~0.73 M m3/d no plant treats, sources.csv); treated in the existing "
                 "plants' spare capacity"),
             fixed_om_cny_per_unit_yr=round(1.0 * DAYS, 2),
             source="000:L362 sewer separation, 14th-FYP sewage plan: +2,500 km of sewers, city collection rate "
                    ">= 70 % (re360.cn/69056.html); capex 5,000 CNY per m3/d collected (estimate: ~1.5 M CNY per km "
                    "of sewer, recalled, not verified, x 2,500 km / the ~0.73 M m3/d no plant treats, sources.csv); "
                    "O&M 1.0 CNY per m3 collected, treated in the existing plants' spare capacity (estimate, as "
                    "ww_urban_new) x 365 d (the candidate's capacity is the flow collected, load 1)"),
        row("ww_rural", "农村生活污水治理（分散式）", "rural sewage treatment (decentralised)", "rural", "", 15000, 1.0, 20,
            "capex 15000 CNY per m3/d (estimate: between 河底镇 10780 and 西烟镇 38200 incl. 13.5 km pipe, 001:L822, "
            "L830; household wetlands and septic tanks are cheaper, 001:L857)"),
    ]


COLUMNS = [
    "measure_id", "name_zh", "name_en", "family", "applies_to", "sector", "process", "for_ule_status", "terrain",
    "exclusive_group", "unit",
    "ule_compliant", "nox_removal", "so2_removal", "pm_removal", "vocs_removal", "co2_removal",
    "cod_removal", "nh3n_removal", "max_share", "vocs_efficiency_after", "nox_t_per_unit", "so2_t_per_unit", "pm_t_per_unit", "vocs_t_per_unit",
    "co2_t_per_unit", "cod_t_per_unit", "nh3n_t_per_unit", "max_share_plain", "max_share_mountain",
    "siding_capacity_kt_per_yr", "energy_carrier", "energy_use_per_unit_yr", "coal_saved_t_per_unit_yr",
    "saved_carrier", "saved_per_unit_yr", "capex_cny_per_unit", "fixed_om_cny_per_unit_yr", "var_om_cny_per_t_output", "lifetime_yr", "source",
]

PRICES = [
    dict(carrier="natural_gas", unit="m3", price_cny_per_unit=3.0,
         source="estimate: non-subsidised residential pipeline gas in Shanxi, 2.5-3.0 CNY/m3 (no tariff table found)"),
    dict(carrier="electricity", unit="kWh", price_cny_per_unit=0.5,
         source="estimate: rural residential tariff ~0.48 CNY/kWh before heating-season valley discounts (not verified)"),
    dict(carrier="coal_raw", unit="t", price_cny_per_unit=800.0,
         source="estimate: delivered bulk residential coal 2020, 700-900 CNY/t (not verified)"),
    dict(carrier="coal_briquette", unit="t", price_cny_per_unit=1100.0,
         source="estimate: clean briquettes ~1.4x raw coal (Liu & Mauzerall 2020 give clean coal ~2x total household "
                "cost, PM §2)"),
    dict(carrier="coal_power", unit="t", price_cny_per_unit=600.0,
         source="estimate: raw thermal coal delivered to Shanxi power plants 2020-21, 500-700 CNY/t (pithead prices "
                "rose sharply in 2021; no price table found); the residential coal_raw price does not apply"),
    dict(carrier="diesel", unit="L", price_cny_per_unit=6.5,
         source="estimate: retail diesel in Shanxi 2020-21, 6-7 CNY/L (no price table found)"),
    dict(carrier="gasoline", unit="L", price_cny_per_unit=7.0,
         source="estimate: retail 92# petrol in Shanxi 2020-21, 6.5-7.5 CNY/L (no price table found)"),
    dict(carrier="district_heat", unit="GJ", price_cny_per_unit=40.0,
         source="estimate: Shanxi residential heat tariffs are set per m2 (~5 CNY/m2/month); 40 CNY/GJ equivalent"),
]


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=OUT_DIR, help="output directory (default: inputs/)")
    out = ap.parse_args(argv).out
    rows = enterprise_rows() + household_rows() + freight_rows() + wastewater_rows() + source_rows()
    for r in rows:
        for c in COLUMNS:
            r.setdefault(c, "")
        unknown = set(r) - set(COLUMNS)
        assert not unknown, (r["measure_id"], unknown)
    with open(out / "measures.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    with open(out / "prices.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(PRICES[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(PRICES)
    print(f"wrote {len(rows)} measures and {len(PRICES)} prices to {out}")


if __name__ == "__main__":
    main()
