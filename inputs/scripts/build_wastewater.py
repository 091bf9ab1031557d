"""Build inputs/wastewater.csv: candidate wastewater-treatment capacity per county.

Rerun:  python inputs/scripts/build_wastewater.py      (standard library only; reads inputs/regions.csv)

What is in it
1. Plants the seeds name, with their stated capacity and investment (programme=false):
   Yangquan 表13-2 (001:L815-L830) and Shuozhou 表11-1 (002:L775-L799). Linfen names its plants
   (003:L344, L366; parks 003:L342) without capacities: those capacities are `estimate:`.
2. The rest of the provincial 14th-FYP programme (000:L698): +66万 m3/d urban (towns included) and
   +17.45万 m3/d industrial-park capacity. What the named plants do not cover is spread (programme=true):
   - urban: to cities by 2020 census population share, then within a city half to its districts (区)
     and half to its counties and county-level cities, equally within each half;
   - park: to the cities with no named park plant, by population share, one candidate in the city's
     first district.
3. Upgrades of existing plants from Grade 1A (COD 50, NH3-N 5 mg/L) to surface Class IV (30, 1.5):
   existing capacity 450万 m3/d (estimate: shanxi-statistics.md §6, 400-500万), by city population share,
   one candidate per city in its first district.
4. Rural sewage, one candidate per county-level unit: the rural-sewage treatment rate is to rise from 11.8 %
   to 25 % (000:L190); the candidate allows up to 20 % more of the rural population to be served at
   0.06 m3/person/day (estimate: rural water use 60-80 L/d, 80 % returns as sewage). Rural population =
   city census population x 37.5 % (estimate, shanxi-statistics.md §4), split with districts at half weight.

Concentrations (mg/L; all `estimate:` unless a seed is cited): urban influent COD 250, NH3-N 25 (dilute
Chinese sewage, IWA 2020 qualitative); new urban effluent to surface Class V, COD 40, NH3-N 2 (Shanxi
practice, 001:L821, 002:L460); park influent COD 400, NH3-N 30, effluent Grade 1A 50/5; rural influent
COD 300, NH3-N 40, effluent 60/8 (first grade of the rural discharge standard, not verified). Load 0.8.
"""

from __future__ import annotations

import csv
from pathlib import Path

INPUTS = Path(__file__).resolve().parents[1]

URBAN_PROGRAMME_M3D = 660_000  # 000:L698
PARK_PROGRAMME_M3D = 174_500  # 000:L698 (约17.45万吨/日)
EXISTING_CAPACITY_M3D = 4_500_000  # estimate, shanxi-statistics.md §6
RURAL_SHARE = 0.375  # estimate, shanxi-statistics.md §4
RURAL_EXTRA_COVERAGE = 0.20  # 11.8 % -> 25 % (000:L190) plus headroom
RURAL_M3_PER_PERSON_DAY = 0.06  # estimate

CONC = {  # kind/action -> (influent COD, effluent COD, influent NH3-N, effluent NH3-N)
    "urban": (250, 40, 25, 2),
    "town": (250, 40, 25, 2),
    "park": (400, 50, 30, 5),
    "upgrade": (50, 30, 5, 1.5),
    "rural": (300, 60, 40, 8),
}
CONC_SRC = {
    "urban": "conc estimate: influent COD 250 NH3-N 25, effluent surface Class V 40/2 (001:L821, 002:L460)",
    "town": "conc estimate: influent COD 250 NH3-N 25, effluent surface Class V 40/2 (001:L821)",
    "park": "conc estimate: influent COD 400 NH3-N 30, effluent Grade 1A 50/5",
    "upgrade": "conc: Grade 1A 50/5 (GB 18918-2002) to surface Class IV 30/1.5 (GB 3838-2002)",
    "rural": "conc estimate: influent COD 300 NH3-N 40, effluent 60/8",
}

CONC_NETWORK_SRC = ("conc: influent as urban sewage, COD 250 NH3-N 25 (estimate); effluent of the existing plants, "
                    "Grade 1A 50/5 (GB 18918-2002)")

# (name, county_code, kind, action, capacity m3/d, capex CNY or None, source)
NAMED = [
    ("阳泉昇阳水质净化有限公司（阳泉市污水处理二厂）二期", "140321", "urban", "new", 120_000, 5.6567e8,
     "001:L815 (row shifted one column right in the table: read as finish 2025, 5.6567 亿元); 石门口乡 is a "
     "township of 平定县 (county listing, not in the seeds)"),
    ("盂县污水处理厂二期扩建及提标改造", "140322", "urban", "expansion", 25_000, 0.44e8,
     "001:L821 (table prints 盂县 in the name; phase II +2.5万 m3/d, total 4.0万, phase I 1.5万 upgraded to Class V "
     "within the same 0.44 亿元)"),
    ("郊区河底镇污水处理设施", "140311", "town", "new", 500, 0.0539e8, "001:L822"),
    ("盂县西烟镇生活污水处理站（一期）", "140322", "town", "new", 400, 0.152866e8, "001:L830 (incl. 13.5 km network)"),
    ("平定县经济技术开发区龙川工业园区污水处理厂", "140321", "park", "new", 22_500, 0.9e8,
     "001:L819 (capacity not stated: estimate 0.9 亿元 / 4000 CNY per m3/d park unit cost = 22500 m3/d)"),
    ("山阴县第二污水处理厂", "140621", "urban", "new", 20_000, None, "002:L775"),
    ("怀仁市污水处理厂扩建", "140681", "urban", "expansion", 50_000, None,
     "002:L776 (stated 30000-50000 t/d: the upper end is the candidate's maximum)"),
    ("应县经济开发区污水处理厂", "140622", "park", "new", 25_000, None, "002:L777"),
    ("山阴县经济技术开发区东区污水处理厂", "140621", "park", "new", 40_000, None, "002:L788"),
    ("怀仁市金沙滩陶瓷园工业园区污水处理厂", "140681", "park", "new", 5_000, None, "002:L789"),
    ("怀仁市天瑞玉龙污水处理有限公司（医药园区）扩建", "140681", "park", "expansion", 5_000, None, "002:L790"),
    ("朔州经济开发区神电固废综合利用园区污水处理厂（一期）", "140602", "park", "new", 5_000, None,
     "002:L798 (朔州经济开发区 hosted by 朔城区)"),
    ("朔州经济开发区新兴产业园区污水处理厂", "140602", "park", "new", 10_000, None,
     "002:L799 (朔州经济开发区 hosted by 朔城区)"),
    ("临汾市第五污水处理厂", "141002", "urban", "new", 50_000, None,
     "003:L344, L366 (capacity not stated: estimate 50000 m3/d, a medium plant for the 尧都 urban area)"),
    ("临汾润宇水务有限公司扩建", "141002", "urban", "expansion", 50_000, None,
     "003:L344, L366 (capacity not stated: estimate 50000 m3/d)"),
    ("霍州市第二污水处理厂", "141082", "urban", "new", 20_000, None,
     "003:L344, L366 (capacity not stated: estimate 20000 m3/d, county-level city)"),
    ("乡宁县第二污水处理厂", "141029", "urban", "new", 10_000, None,
     "003:L344, L366 (capacity not stated: estimate 10000 m3/d, county seat)"),
    ("吉县第二污水处理厂", "141028", "urban", "new", 10_000, None,
     "003:L344, L366 (capacity not stated: estimate 10000 m3/d, county seat)"),
    ("尧都高新技术产业开发区集中污水处理厂", "141002", "park", "new", 5_000, None,
     "003:L342 (capacity not stated: estimate 5000 m3/d)"),
    ("霍州经济技术开发区集中污水处理厂", "141082", "park", "new", 5_000, None,
     "003:L342 (capacity not stated: estimate 5000 m3/d)"),
    ("洪洞经济技术开发区集中污水处理厂", "141024", "park", "new", 5_000, None,
     "003:L342 (capacity not stated: estimate 5000 m3/d)"),
    ("襄汾经济技术开发区集中污水处理厂", "141023", "park", "new", 5_000, None,
     "003:L342 (capacity not stated: estimate 5000 m3/d)"),
    ("安泽经济技术开发区集中污水处理厂", "141026", "park", "new", 5_000, None,
     "003:L342 (capacity not stated: estimate 5000 m3/d)"),
]

COLUMNS = ["candidate_id", "name_zh", "county_code", "kind", "action", "capacity_m3_per_day",
           "influent_cod_mg_l", "effluent_cod_mg_l", "influent_nh3n_mg_l", "effluent_nh3n_mg_l", "load_factor",
           "capex_cny", "programme", "source"]


def read_regions() -> tuple[dict, dict]:
    """Return {city_code: (name, population)} and {city_code: [(county_code, name), ...]}."""
    cities, counties = {}, {}
    with open(INPUTS / "regions.csv", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            if r["level"] == "city":
                cities[r["region_code"]] = (r["name_zh"], float(r["population_2020"]))
            elif r["level"] == "county":
                counties.setdefault(r["city_code"], []).append((r["region_code"], r["name_zh"]))
    return cities, counties


def is_district(name: str) -> bool:
    return name.endswith("区")


def first_district(members: list[tuple[str, str]]) -> tuple[str, str]:
    """(code, name) of the county-level unit a city's programme rows are placed in: its first district (区), else
    its first unit (``members`` sorted by code)."""
    return ([m for m in members if is_district(m[1])] or members)[0]


def make_row(cid, name, county, kind, action, cap, capex, programme, src) -> dict:
    conc_kind = "upgrade" if action == "upgrade" else kind
    cin, cout, nin, nout = CONC[conc_kind]
    return dict(candidate_id=cid, name_zh=name, county_code=county, kind=kind, action=action,
                capacity_m3_per_day=int(round(cap)), influent_cod_mg_l=cin, effluent_cod_mg_l=cout,
                influent_nh3n_mg_l=nin, effluent_nh3n_mg_l=nout, load_factor=0.8,
                capex_cny="" if capex is None else int(round(capex)), programme=str(programme).lower(),
                source=f"{src}; {CONC_SRC[conc_kind]}; load 0.8 (estimate)")


def main(argv: list[str] | None = None) -> None:
    import argparse

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=INPUTS, help="output directory (default: inputs/)")
    out = ap.parse_args(argv).out
    cities, counties = read_regions()
    pop_total = sum(p for _, p in cities.values())
    rows = [make_row(f"WW{i:03d}", n, c, k, a, cap, capex, False, src)
            for i, (n, c, k, a, cap, capex, src) in enumerate(NAMED, start=1)]

    named_urban = sum(cap for _, _, k, _, cap, _, _ in NAMED if k in ("urban", "town"))
    named_park = sum(cap for _, _, k, _, cap, _, _ in NAMED if k == "park")
    urban_left = URBAN_PROGRAMME_M3D - named_urban
    park_left = PARK_PROGRAMME_M3D - named_park
    assert urban_left > 0 and park_left > 0, (urban_left, park_left)
    park_cities = {c[:4] + "00" for _, c, k, *_ in NAMED if k == "park"}

    n = len(rows)
    for city, (city_name, pop) in sorted(cities.items()):
        members = sorted(counties[city])
        districts = [m for m in members if is_district(m[1])]
        others = [m for m in members if not is_district(m[1])]
        main_district = first_district(members)
        city_urban = urban_left * pop / pop_total
        for group in (districts, others):
            share = 0.5 if districts and others else 1.0
            for code, name in group:
                n += 1
                rows.append(make_row(
                    f"WW{n:03d}", f"{name}城镇污水处理能力扩建（规划能力，未列明项目）", code, "urban", "expansion",
                    city_urban * share / len(group), None, True,
                    f"estimate: remainder of +66万 m3/d urban programme (000:L698) after named plants "
                    f"({URBAN_PROGRAMME_M3D}-{named_urban}={urban_left}), {city_name} population share "
                    f"{pop / pop_total:.4f} (7th census), half to districts / half to counties, equal within"))
        if city not in park_cities:
            park_pop = sum(p for c, (_, p) in cities.items() if c not in park_cities)
            n += 1
            rows.append(make_row(
                f"WW{n:03d}", f"{city_name}工业园区污水处理厂（规划能力，未列明项目）", main_district[0], "park", "new",
                park_left * pop / park_pop, None, True,
                f"estimate: remainder of +17.45万 m3/d park programme (000:L698) after named plants "
                f"({PARK_PROGRAMME_M3D}-{named_park}={park_left}) by population share among cities without a "
                f"named park plant; placed in {main_district[1]}"))
        n += 1
        network = make_row(
            f"WW{n:03d}", f"{city_name}污水管网建设与雨污分流（规划能力，未列明项目）", main_district[0], "urban", "network",
            EXISTING_CAPACITY_M3D * pop / pop_total * (1 - 0.8), None, True,
            f"estimate: sewage collected into the spare 20 % of {city_name}'s existing plants (450万 m3/d x "
            f"population share {pop / pop_total:.4f}, load 0.8, estimates; 000:L362)")
        network.update(effluent_cod_mg_l=50, effluent_nh3n_mg_l=5, load_factor=1.0,
                       source=network["source"].replace(CONC_SRC["urban"], CONC_NETWORK_SRC)
                       .replace("load 0.8 (estimate)", "load 1: the capacity is the flow collected"))
        rows.append(network)
        n += 1
        rows.append(make_row(
            f"WW{n:03d}", f"{city_name}城镇污水处理厂提标改造（规划能力，未列明项目）", main_district[0], "urban", "upgrade",
            EXISTING_CAPACITY_M3D * pop / pop_total, None, True,
            f"estimate: existing capacity 450万 m3/d (estimate, shanxi-statistics.md §6) x {city_name} population "
            f"share; placed in {main_district[1]}"))
        rural_pop = pop * RURAL_SHARE
        weights = {code: (0.5 if is_district(name) else 1.0) for code, name in members}
        wsum = sum(weights.values())
        for code, name in members:
            n += 1
            rows.append(make_row(
                f"WW{n:03d}", f"{name}农村生活污水治理（规划能力，未列明项目）", code, "rural", "new",
                rural_pop * weights[code] / wsum * RURAL_EXTRA_COVERAGE * RURAL_M3_PER_PERSON_DAY, None, True,
                f"estimate: {city_name} rural population {rural_pop:.0f} (census x 0.375, estimate) split with "
                f"districts at half weight x 20 % more coverage (000:L190: 11.8->25 %) x 0.06 m3/person/d "
                f"(estimate)"))

    with open(out / "wastewater.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    by_kind: dict[str, float] = {}
    for r in rows:
        key = f"{r['kind']}/{r['action']}"
        by_kind[key] = by_kind.get(key, 0) + r["capacity_m3_per_day"]
    print(f"wrote {len(rows)} candidates; capacity m3/d by kind/action: {by_kind}")


if __name__ == "__main__":
    main()
