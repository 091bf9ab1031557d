#!/usr/bin/env python3
"""Build inputs/regions.csv: Shanxi province, its 11 cities and 117 county-level units.

Rerun (build-only dependency pypinyin, kept out of the project's runtime venv):

    python3.11 -m venv /tmp/bvenv && /tmp/bvenv/bin/pip install 'pypinyin>=0.50,<1'
    /tmp/bvenv/bin/python inputs/scripts/build_regions.py            # writes inputs/regions.csv
    /tmp/bvenv/bin/python inputs/scripts/build_regions.py --vendor M # re-extract the vendored code list
                                                                     # from a bare git mirror M of
                                                                     # modood/Administrative-divisions-of-China

Output is deterministic (same input -> byte-identical CSV). Only the standard library and pypinyin are used.

Sources and rules (every number's rule is also written into that row's `source` cell)
------------------------------------------------------------------------------------
Codes / names  GitHub modood/Administrative-divisions-of-China, commit
               57a0aa9cef47169a2eb74cf057b0245052a34e8c (2024-11-28; data cut-off 2022-10-31 per commit dc3a1d7),
               files dist/provinces.csv, dist/cities.csv, dist/areas.csv (licence WTFPL). The Shanxi rows are
               vendored in data/shanxi_areas.csv (column source_file says which file each row came from).
               The four functional zones (codes ending 71: 140171, 140271, 140671, 140971) are dropped;
               117 counties in 11 cities are asserted.
Pinyin         pypinyin (Style.NORMAL, v_to_u=True), then PINYIN_FIXES below (polyphone errors checked by hand).
               Convention: the administrative suffix 市/区/县 is dropped when the remaining name has >= 2
               characters (太原市 Taiyuan, 小店区 Xiaodian); one-character names keep it (盂县 Yuxian,
               城区 Chengqu). Note 平鲁区 and 平陆县 both give "Pinglu"; the code disambiguates.
Terrain        estimate from shanxi-statistics.md §7 "[estimate] Basin (plain) county lists" (not a DEM). See
               PLAIN_COUNTIES and PART_DECISIONS.
Population     7th census (2020-11-01): province and city values from 山西省第七次全国人口普查公报 第一号/第二号
               (shanxi-statistics.md §4). County populations were not found -> blank.
GDP 2020       province: China Statistical Yearbook 2021, table 3-9. Cities: CITY_GDP below (9 found in public
               copies of city communiqués / press; 大同 and 吕梁 not found -> residual rule). Counties: estimate
               split of the city figure (COUNTY_GDP_WEIGHTS).
GDP growth     5.0 %/yr for every row: estimate (see GROWTH_NOTE).
Rural coal hh  counties only: estimate per city (CITY_RURAL_SHARE, REMAINING_SHARE), split to counties by
               HH_WEIGHTS. City and provincial totals are printed when the script runs.
"""
from __future__ import annotations

import argparse
import csv
import io
import subprocess
import sys
from collections import OrderedDict
from pathlib import Path

HERE = Path(__file__).resolve().parent
VENDORED = HERE / "data" / "shanxi_areas.csv"
OUT = HERE.parent / "regions.csv"

COMMIT = "57a0aa9cef47169a2eb74cf057b0245052a34e8c"
CODES_SRC = ("codes: modood/Administrative-divisions-of-China dist/areas.csv @57a0aa9 "
             "(2024-11-28, data cut-off 2022-10-31)")

COLUMNS = ["region_code", "level", "name_zh", "name_pinyin", "parent_code", "city_code", "terrain",
           "gdp_2020_cny", "gdp_growth_pct_per_yr", "population_2020", "rural_coal_households_2020", "source"]

FUNCTIONAL_ZONES = {"140171", "140271", "140671", "140971"}

# --------------------------------------------------------------------------------------------- pinyin
# Hand fixes after checking every name printed by pypinyin 0.55 (polyphones / place-name readings).
# Names checked and already right: 朔州 shuozhou, 隰县 xixian, 盂县 yuxian, 乡宁 xiangning, 长子 zhangzi
# (Zhǎngzǐ is correct for the county), 大宁 daning, 柳林 liulin, 静乐 jingle, 岢岚 kelan, 临猗 linyi,
# 阳曲 yangqu, 曲沃 quwo, 垣曲 yuanqu, 上党 shangdang, 屯留 tunliu, 永济 yongji.
PINYIN_FIXES = {
    "长治市": "Changzhi",   # pypinyin: zhangzhi
    "洪洞县": "Hongtong",   # pypinyin: hongdong (place-name reading is Hóngtóng)
    "尧都区": "Yaodu",      # pypinyin: yaodou
    "万柏林区": "Wanbailin",  # pypinyin: wanbolin (柏 read bǎi here)
    "繁峙县": "Fanshi",     # pypinyin: fanzhi (峙 read shì in 繁峙)
    "吕梁市": "Lüliang",    # pypinyin gives lvliang; written with ü
}


def to_pinyin(name_zh: str, level: str) -> str:
    if name_zh in PINYIN_FIXES:
        return PINYIN_FIXES[name_zh]
    from pypinyin import Style, lazy_pinyin  # build-only dependency
    base = name_zh
    if level == "province" and base.endswith("省"):
        base = base[:-1]
    elif base[-1] in "市区县" and len(base) >= 3:
        base = base[:-1]
    s = "".join(lazy_pinyin(base, style=Style.NORMAL, v_to_u=True))
    return s[:1].upper() + s[1:]


# ----------------------------------------------------------------------------------------- terrain
# shanxi-statistics.md §7 basin lists. "(part)" counties are plain only if the county seat lies in the
# named basin; the decision for each "(part)" county is recorded here (my reading of seat locations).
PLAIN_COUNTIES = {
    # 大同盆地
    "140213", "140214", "140215", "140221", "140681", "140622", "140621", "140602",
    # 忻定盆地
    "140902", "140921", "140981", "140923",
    # 太原盆地
    "140105", "140106", "140107", "140108", "140109", "140110", "140121",
    "140702", "140703", "140727", "140728", "140781", "141121", "141122", "141182", "141181",
    # 临汾盆地
    "141002", "141024", "141023", "141021", "141081",
    # 运城盆地
    "140802", "140821", "140822", "140823", "140824", "140825", "140828", "140881", "140882",
    # 长治盆地
    "140403", "140404", "140405", "140406", "140428",
    # 晋城盆地
    "140502",
}
PART_DECISIONS = {  # code: (plain?, reason)
    "140212": (False, "新荣区 seat on the upland north of the 大同 basin floor"),
    "140222": (True, "天镇县 seat in the 南洋河 valley, eastern arm of the 大同 basin"),
    "140225": (True, "浑源县 seat on the southern edge of the 大同 basin (浑河 valley)"),
    "140223": (False, "广灵县 seat in the separate 壶流河 basin, not the 大同 basin"),
    "140924": (True, "繁峙县 seat on the 滹沱河 valley floor, upper 忻定 basin"),
    "140922": (False, "五台县 seat 台城 in hills east of the 忻定 basin"),
    "140122": (True, "阳曲县 seat 黄寨 at the northern tip of the 太原 basin"),
    "141082": (True, "霍州市 seat at the northern end of the 临汾 basin"),
    "141022": (True, "翼城县 seat in the 浍河 valley, eastern arm of the 临汾 basin (003:L434 Fen-corridor list)"),
    "140826": (True, "绛县 seat in the upper 涑水河 valley, eastern end of the 运城 basin"),
    "140830": (False, "芮城县 seat on the Yellow River terrace south of 中条山, outside the 运城 basin"),
    "140423": (True, "襄垣县 seat on the 浊漳河 valley floor, northern 上党 basin"),
    "140427": (True, "壶关县 seat on the eastern edge of the 上党 basin"),
    "140525": (True, "泽州县 seat 南村 in the 晋城 basin"),
    "140581": (True, "高平市 seat in the 丹河 valley, 晋城-高平 basin"),
}
TERRAIN_SRC = "terrain: estimate: basin membership by county seat (shanxi-statistics.md §7), not a DEM"

# ------------------------------------------------------------------------------------- population
PROVINCE_POP = 34_915_616
POP_SRC_PROV = ("population: 山西省第七次全国人口普查公报(第一号), 2021-05-26 "
                "(shanxi.gov.cn/zfxxgk/zfxxgkzl/fdzdgknr/tjxx/pcsj/202105/t20210526_6626911.shtml)")
POP_SRC_CITY = ("population: 山西省第七次全国人口普查公报(第二号), 山西省统计局 2021-05-26 "
                "(copy seen: cctv.casa/news/6771.html)")
CITY_POP = {
    "140100": 5_304_061, "140200": 3_105_591, "140300": 1_318_505, "140400": 3_180_884,
    "140500": 2_194_545, "140600": 1_593_444, "140700": 3_379_498, "140800": 4_774_508,
    "140900": 2_689_668, "141000": 3_976_481, "141100": 3_398_431,
}

# -------------------------------------------------------------------------------------------- GDP
YI = 1e8  # 亿元 -> CNY
PROVINCE_GDP_YI = 17651.93
GDP_SRC_PROV = ("gdp: China Statistical Yearbook 2021, table 3-9 (stats.gov.cn/sj/ndsj/2021/html/C03-09.xls), "
                "17651.93 亿元")
# 2020 city GDP, 亿元, current prices, with the public copy actually seen (search tool, stored pages).
# Most are third-party copies of the city communiqué / press release: confidence medium or lower.
CITY_GDP = {
    "140100": (4153.25, "thewallstreetmoneymachine.com/shuju/202108/969919.html (industry report citing "
                        "城市统计公报: 2020年太原市实现地区生产总值4153.25亿元)"),
    "140300": (742.2, "9aivip.com/item/阳泉市 (encyclopedia copy: 2020年阳泉市实现地区生产总值742.2亿元, 增长3.6%)"),
    "140400": (1711.6, "jiankang.xkyn.com/baike-rcgcdehdbfgtfbgebd.htm (encyclopedia copy: 2020年长治市完成"
                       "地区生产总值1711.6亿元, 同比增长5.1%)"),
    "140500": (1425.7, "晋城市2020年国民经济和社会发展统计公报, 晋城市统计局 2021-03-25 (copy seen: "
                       "m.xiaomonv0755.com/tjgb/04sx/36560.html)"),
    "140600": (1100.5, "山西经济日报 2021-02-07, 朔州市统计局 figures (epaper.sxrb.com/shtml/sxjjrb/20210207/"
                       "595763.shtml)"),
    "140700": (1468.8, "oweidata.com/projectDetail/city/140700/city_gpd/gpd_tow (2020年晋中市实现地区生产总值"
                       "1468.8亿元)"),
    "140800": (1643.6, "sxyuc.c.onlymr.cn/wenhua/index (2020年运城市实现地区生产总值1643.6亿元, 同比增长5.2%)"),
    "140900": (1061.1, "忻州市政府新闻发布会 2026-01-28 via 163.com/dy/article/KKELIN0A05566S53.html "
                       "(地区生产总值从2020年的1061.1亿元...)"),
    "141000": (1505.2, "oweidata.com/projectDetail/city/141000/city_gpd/gpd_tow (2020年临汾市GDP完成1505.2)"),
}
# Not found: 大同 and 吕梁. They take the residual (province minus the 9 sourced cities), split in
# proportion to their sourced 2019 GDP. Sourced cities are not rescaled.
GDP_2019_UNSOURCED = {
    "140200": (1318.8, "大同 2019 1318.8亿元 (techan188.net/shanxitechan/146661.html, encyclopedia copy)"),
    "141100": (1512.0, "吕梁 2019 1512亿元 (163.com/dy/article/FCIQ1M9M0545B8XC.html)"),
}
# County split of city GDP (estimate): weight = type weight x terrain factor, normalised within the city.
COUNTY_GDP_WEIGHTS = {"urban_district": 2.0, "former_county_district": 1.2, "county_city": 1.5, "county": 1.0}
GDP_PLAIN_FACTOR = 1.25
# Districts created from counties / county-level cities since 2016 (still largely rural):
FORMER_COUNTY_DISTRICTS = {
    "140215": "云州区 (ex-大同县, 2018)", "140404": "上党区 (ex-长治县, 2018)", "140405": "屯留区 (ex-屯留县, 2018)",
    "140406": "潞城区 (ex-潞城市, 2018)", "140703": "太谷区 (ex-太谷县, 2019)",
}

GROWTH_PCT = 5.0
GROWTH_NOTE = ("growth: estimate: 5.0 %/yr real, round central value of the unverified 2021-2023 Shanxi growth "
               "(≈+9 %, +4-5 %, +5 %; shanxi-statistics.md §3, low confidence)")

# ---------------------------------------------------------------------- rural households on bulk coal
HH_SIZE = 2.52  # census average family-household size (shanxi-statistics.md §4)
# Only family households (家庭户) heat a home: family-household population 32,138,952 of 34,915,616 residents
# (census 第一号, shanxi-statistics.md §4), applied uniformly to every city. Province: 12,746,142 family households.
FAMILY_POP_SHARE = 32_138_952 / 34_915_616
PROV_RURAL_SHARE = 0.375  # census-time rural share estimate (shanxi-statistics.md §4: 36.58 % end-2021 + ~1 pt)
# City rural shares: estimate (my recollection of 2020 city urbanisation, NOT verified; 大同's 2022 communiqué
# gives 73.7 % urban, consistent). Rescaled below so the population-weighted mean equals PROV_RURAL_SHARE.
CITY_RURAL_SHARE_RAW = {
    "140100": 0.11, "140200": 0.28, "140300": 0.295, "140400": 0.45, "140500": 0.372, "140600": 0.404,
    "140700": 0.417, "140800": 0.501, "140900": 0.466, "141000": 0.461, "141100": 0.477,
}
# Share of rural households still on bulk coal at end-2020.
REMAINING_SHARE = {
    "140300": (0.0, "Yangquan all converted, city and rural 清煤 (001:L78)"),
    "140600": (0.40, "Shuozhou rural clean-heating coverage 60 % (002:L95)"),
    "140200": (0.40, "Datong flagged lagging with Shuozhou/Xinzhou (000:L302); Shuozhou's 40 % (002:L95) used"),
    "140900": (0.40, "Xinzhou flagged lagging with Datong/Shuozhou (000:L302); Shuozhou's 40 % (002:L95) used"),
}
OTHER_REMAINING = 0.30
OTHER_REMAINING_NOTE = ("non-lagging city: 30 % remaining, below the lagging cities' 40 % (000:L302, 002:L95); "
                        "5 M+ converted in the 13th FYP (000:L101) and 993,100 more in 2021 (shanxi-statistics.md "
                        "§4) leave a pool mainly in mountain areas (000:L302 plain areas first)")
LINFEN_ABS = 700_000  # 约70万户 rural households not yet converted (003:L99)
# City and county counts a public source gives (issue 22; research/households_2020.csv and .md, a helper's search):
# 大同's own 2021-23 plan still had 252,156 households to convert after 2020 (central estimate 230,000, range
# 170,000-290,000); 太原's six districts have been a no-coal zone since 2017 and its rural coverage passed 85 %, the
# rest (36,000) in its 三县一市 (清徐, 阳曲, 娄烦, 古交).
HH_RESEARCH = Path(__file__).resolve().parents[1] / "research" / "households_2020.csv"
CITY_HH_FROM_RESEARCH = ("140100", "140200")
COUNTY_HH_FROM_RESEARCH = ("140121", "140122", "140123", "140181", "140105", "140106", "140107", "140108", "140109",
                           "140110")


def households_research() -> dict[str, tuple[int, str]]:
    """region_code -> (households on bulk coal at end-2020, source) for the rows this build takes from
    research/households_2020.csv."""
    import csv
    with HH_RESEARCH.open(encoding="utf-8", newline="") as f:
        rows = {r["region_code"]: r for r in csv.DictReader(f)}
    return {code: (int(rows[code]["bulk_coal_households_2020"]),
                   f"research/households_2020.csv: {rows[code]['bulk_coal_households_2020']} "
                   f"(range {rows[code]['low']}-{rows[code]['high']}): {rows[code]['source']}")
            for code in CITY_HH_FROM_RESEARCH + COUNTY_HH_FROM_RESEARCH}
# County split within a city: weight = census population x type weight x terrain factor (urban districts hold few
# rural households; plain areas were converted first, 000:L302).
HH_WEIGHTS = {"urban_district": 0.2, "former_county_district": 1.0, "county_city": 1.0, "county": 1.0}
HH_MOUNTAIN_FACTOR = 1.5
# 7th-census county populations (vendored from public copies of the city bulletins, one URL per row; 107 of 117
# counties; the rest get an equal share of their city's remainder, derived)
COUNTY_POP_FILE = Path(__file__).parent / "data" / "county_population_2020.csv"


def county_populations() -> dict[tuple[str, str], tuple[int | None, str]]:
    """(city name, county name) -> (census population or None, source)."""
    out = {}
    with COUNTY_POP_FILE.open(encoding="utf-8", newline="") as f:
        for r in csv.DictReader(f):
            pop = int(r["population_2020"]) if r["population_2020"].strip() else None
            out[(r["city_name_zh"], r["county_name_zh"])] = (pop, r["source_url"])
    return out


# ------------------------------------------------------------------------------------------ helpers
def read_vendored() -> list[dict]:
    with VENDORED.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def vendor_from_mirror(mirror: str) -> None:
    def show(path: str) -> list[dict]:
        txt = subprocess.run(["git", "-C", mirror, "show", f"{COMMIT}:{path}"], check=True,
                             capture_output=True, text=True, encoding="utf-8").stdout
        return list(csv.DictReader(io.StringIO(txt)))

    rows = []
    for r in show("dist/provinces.csv"):
        if r["code"] == "14":
            rows.append({"source_file": "dist/provinces.csv", "code": r["code"], "name": r["name"],
                         "cityCode": "", "provinceCode": ""})
    for r in show("dist/cities.csv"):
        if r["provinceCode"] == "14":
            rows.append({"source_file": "dist/cities.csv", "code": r["code"], "name": r["name"],
                         "cityCode": "", "provinceCode": r["provinceCode"]})
    for r in show("dist/areas.csv"):
        if r["provinceCode"] == "14":
            rows.append({"source_file": "dist/areas.csv", **r})
    VENDORED.parent.mkdir(parents=True, exist_ok=True)
    with VENDORED.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=["source_file", "code", "name", "cityCode", "provinceCode"],
                           lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"vendored {len(rows)} rows from {mirror} @ {COMMIT} -> {VENDORED}")


def county_type(code: str, name: str) -> str:
    if code in FORMER_COUNTY_DISTRICTS:
        return "former_county_district"
    if name.endswith("区"):
        return "urban_district"
    if name.endswith("市"):
        return "county_city"
    return "county"


def largest_remainder(total: int, weights: list[float]) -> list[int]:
    """Integer split of `total` proportional to `weights` that sums exactly to `total`."""
    s = sum(weights)
    if total == 0 or s == 0:
        return [0] * len(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (-(raw[i] - out[i]), i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


# -------------------------------------------------------------------------------------------- build
def build() -> list[dict]:
    src = read_vendored()
    prov = [r for r in src if r["source_file"] == "dist/provinces.csv"]
    cities = [r for r in src if r["source_file"] == "dist/cities.csv"]
    areas = [r for r in src if r["source_file"] == "dist/areas.csv"]
    assert len(prov) == 1 and prov[0]["name"] == "山西省", prov
    assert len(cities) == 11, len(cities)
    assert len(areas) == 121, len(areas)
    dropped = sorted(r["code"] for r in areas if r["code"] in FUNCTIONAL_ZONES)
    assert dropped == sorted(FUNCTIONAL_ZONES), dropped
    counties = [r for r in areas if r["code"] not in FUNCTIONAL_ZONES]
    assert len(counties) == 117, len(counties)
    city_codes = [c["code"] + "00" for c in cities]
    city_zh = {c["code"] + "00": c["name"] for c in cities}
    county_pop = county_populations()
    by_city: "OrderedDict[str, list[dict]]" = OrderedDict((cc, []) for cc in city_codes)
    for r in counties:
        by_city[r["cityCode"] + "00"].append(r)
    assert all(by_city.values()) and len(by_city) == 11
    expected_counts = {"140100": 10, "140200": 10, "140300": 5, "140400": 12, "140500": 6, "140600": 6,
                       "140700": 11, "140800": 13, "140900": 14, "141000": 17, "141100": 13}
    assert {k: len(v) for k, v in by_city.items()} == expected_counts
    assert set(PART_DECISIONS).isdisjoint(PLAIN_COUNTIES)
    county_codes = {r["code"] for r in counties}
    assert PLAIN_COUNTIES <= county_codes and set(PART_DECISIONS) <= county_codes
    assert set(FORMER_COUNTY_DISTRICTS) <= county_codes

    def terrain(code: str) -> str:
        if code in PLAIN_COUNTIES:
            return "plain"
        if code in PART_DECISIONS:
            return "plain" if PART_DECISIONS[code][0] else "mountain"
        return "mountain"

    assert all(terrain(r["code"]) == "mountain" for r in by_city["140300"])  # Yangquan: all mountain

    # ---- city GDP (亿元)
    sourced_sum = sum(v for v, _ in CITY_GDP.values())
    residual = PROVINCE_GDP_YI - sourced_sum
    w19 = sum(v for v, _ in GDP_2019_UNSOURCED.values())
    city_gdp_yi: dict[str, float] = {c: v for c, (v, _) in CITY_GDP.items()}
    city_gdp_src: dict[str, str] = {c: f"gdp: {s}" for c, (_, s) in CITY_GDP.items()}
    for c, (v19, s19) in GDP_2019_UNSOURCED.items():
        city_gdp_yi[c] = residual * v19 / w19
        city_gdp_src[c] = (f"gdp: estimate: 2020 figure not found; residual {residual:.2f} 亿元 = province "
                           f"{PROVINCE_GDP_YI} minus the 9 sourced cities ({sourced_sum:.2f}), split between 大同 "
                           f"and 吕梁 by 2019 GDP ({s19}); the 9 sourced cities are not rescaled")
    assert set(city_gdp_yi) == set(city_codes)
    assert abs(sum(city_gdp_yi.values()) - PROVINCE_GDP_YI) < 1e-6
    # integer yuan; the last unsourced city absorbs the rounding so the 11 cities sum exactly to the province
    prov_cny = int(round(PROVINCE_GDP_YI * YI))
    city_gdp_cny = {c: int(round(v * YI)) for c, v in city_gdp_yi.items()}
    last = list(GDP_2019_UNSOURCED)[-1]
    city_gdp_cny[last] += prov_cny - sum(city_gdp_cny.values())
    assert sum(city_gdp_cny.values()) == prov_cny

    # ---- rural share rescale
    wmean = sum(CITY_POP[c] * CITY_RURAL_SHARE_RAW[c] for c in city_codes) / PROVINCE_POP
    k = PROV_RURAL_SHARE / wmean
    rural_share = {c: CITY_RURAL_SHARE_RAW[c] * k for c in city_codes}
    assert sum(CITY_POP.values()) == PROVINCE_POP

    rows: list[dict] = []
    p = prov[0]
    rows.append({
        "region_code": "140000", "level": "province", "name_zh": p["name"], "name_pinyin": "Shanxi",
        "parent_code": "", "city_code": "", "terrain": "",
        "gdp_2020_cny": str(prov_cny), "gdp_growth_pct_per_yr": f"{GROWTH_PCT}",
        "population_2020": str(PROVINCE_POP), "rural_coal_households_2020": "",
        "source": "; ".join([CODES_SRC.replace("areas.csv", "provinces.csv"), POP_SRC_PROV, GDP_SRC_PROV,
                             GROWTH_NOTE]),
    })

    print(f"{'city':<8}{'GDP 亿元':>10}{'pop':>11}{'rural sh':>9}{'rural hh':>10}{'remain':>8}{'coal hh':>10}")
    prov_hh = 0
    for c in cities:
        cc = c["code"] + "00"
        members = by_city[cc]
        # -- rural coal households, city total
        rural_hh = CITY_POP[cc] * FAMILY_POP_SHARE * rural_share[cc] / HH_SIZE
        base_rule = (f"rural family households = census pop {CITY_POP[cc]:,} x family-household share "
                     f"{FAMILY_POP_SHARE:.4f} x rural share {rural_share[cc]:.3f} (estimate: unverified city "
                     f"urbanisation rescaled to provincial {PROV_RURAL_SHARE}) / {HH_SIZE} persons per household "
                     f"≈ {rural_hh:,.0f}")
        researched = households_research()
        if cc in researched:
            city_hh, rem_rule = researched[cc]
            share = city_hh / rural_hh
        elif cc == "141000":
            city_hh = LINFEN_ABS
            rem_rule = (f"city total 700,000 = 约70万户 rural households not converted (003:L99), kept as stated "
                        f"although it is {LINFEN_ABS / rural_hh:.0%} of the {rural_hh:,.0f} census-based rural family "
                        f"households (programme counts probably use registered rural households)")
            share = LINFEN_ABS / rural_hh
        else:
            share, why = REMAINING_SHARE.get(cc, (OTHER_REMAINING, OTHER_REMAINING_NOTE))
            city_hh = int(round(rural_hh * share))
            rem_rule = f"{base_rule}; x {share:.2f} remaining: {why} -> city total {city_hh:,}"
        prov_hh += city_hh
        print(f"{c['name']:<6}{city_gdp_yi[cc]:>10.2f}{CITY_POP[cc]:>11,}{rural_share[cc]:>9.3f}"
              f"{rural_hh:>10,.0f}{share:>8.2f}{city_hh:>10,}")

        rows.append({
            "region_code": cc, "level": "city", "name_zh": c["name"],
            "name_pinyin": to_pinyin(c["name"], "city"), "parent_code": "140000", "city_code": cc,
            "terrain": "", "gdp_2020_cny": str(city_gdp_cny[cc]),
            "gdp_growth_pct_per_yr": f"{GROWTH_PCT}", "population_2020": str(CITY_POP[cc]),
            "rural_coal_households_2020": "",
            "source": "; ".join([CODES_SRC.replace("areas.csv", "cities.csv"), POP_SRC_CITY, city_gdp_src[cc],
                                 GROWTH_NOTE]),
        })

        # -- county splits
        types = [county_type(r["code"], r["name"]) for r in members]
        terr = [terrain(r["code"]) for r in members]
        gw = [COUNTY_GDP_WEIGHTS[t] * (GDP_PLAIN_FACTOR if te == "plain" else 1.0) for t, te in zip(types, terr)]
        gdp_cny_total = city_gdp_cny[cc]
        gdp_split = largest_remainder(gdp_cny_total, gw)
        pops = [county_pop.get((city_zh[cc], r["name"]), (None, "not found")) for r in members]
        known = sum(p for p, _ in pops if p is not None)
        missing = [i for i, (p, _) in enumerate(pops) if p is None]
        fill = (CITY_POP[cc] - known) / len(missing) if missing else 0.0  # derived: the city's remainder, shared
        pop_used = [p if p is not None else fill for p, _ in pops]
        hw = [pu * HH_WEIGHTS[t] * (HH_MOUNTAIN_FACTOR if te == "mountain" else 1.0)
              for pu, t, te in zip(pop_used, types, terr)]
        hh_split = largest_remainder(city_hh, hw)
        if any(r["code"] in researched for r in members):  # the counties a source sizes (太原): as researched
            hh_split = [researched[r["code"]][0] for r in members]
            assert sum(hh_split) == city_hh, (cc, sum(hh_split), city_hh)
        sg, sh = sum(gw), sum(hw)
        for r, t, te, g, h, wg, wh, (pop, pop_src), pu in zip(members, types, terr, gdp_split, hh_split, gw, hw, pops,
                                                                pop_used):
            code = r["code"]
            terrain_src = TERRAIN_SRC
            if code in PART_DECISIONS:
                terrain_src += f" ('part' county: {PART_DECISIONS[code][1]})"
            fcd = f" ({FORMER_COUNTY_DISTRICTS[code]})" if code in FORMER_COUNTY_DISTRICTS else ""
            gf = f"plain x{GDP_PLAIN_FACTOR:g}" if te == "plain" else "mountain x1"
            hf = f"mountain x{HH_MOUNTAIN_FACTOR:g}" if te == "mountain" else "plain x1"
            gdp_src = (f"gdp: estimate: city GDP split by weight {wg:g}/{sg:g} (type {t}{fcd} "
                       f"{COUNTY_GDP_WEIGHTS[t]:g}, {gf}; weights: urban district 2, post-2016 ex-county "
                       f"district 1.2, county-level city 1.5, county 1; plain x{GDP_PLAIN_FACTOR:g})")
            hh_src = (f"rural_coal_households: estimate: city total {city_hh:,} split by census population x type "
                      f"weight x terrain (this county {pu:,.0f} x {HH_WEIGHTS[t]:g} x "
                      f"{HH_MOUNTAIN_FACTOR if te == 'mountain' else 1:g}; urban districts 0.2, others 1; mountain "
                      f"x{HH_MOUNTAIN_FACTOR:g} as plain areas were converted first, 000:L302); city total: estimate: "
                      f"{rem_rule}")
            pop_note = (f"population: 7th census {pop:,} ({pop_src})" if pop is not None else
                        f"population: not found (blank); {pu:,.0f} used to split households = derived: city census "
                        f"total less its counties found, shared equally among the {len(missing)} not found")
            if cc == "141000":
                hh_src += f"; {base_rule}"
            if code in researched:
                hh_src = f"rural_coal_households: {researched[code][1]}"
            rows.append({
                "region_code": code, "level": "county", "name_zh": r["name"],
                "name_pinyin": to_pinyin(r["name"], "county"), "parent_code": cc, "city_code": cc,
                "terrain": te, "gdp_2020_cny": str(g), "gdp_growth_pct_per_yr": f"{GROWTH_PCT}",
                "population_2020": "" if pop is None else str(pop), "rural_coal_households_2020": str(h),
                "source": "; ".join([CODES_SRC, terrain_src, pop_note, gdp_src, GROWTH_NOTE, hh_src]),
            })
    print(f"{'province':<8}{PROVINCE_GDP_YI:>10.2f}{PROVINCE_POP:>11,}{'':>9}{'':>10}{'':>8}{prov_hh:>10,}")
    assert len(rows) == 129
    return rows


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vendor", metavar="MIRROR", help="re-extract data/shanxi_areas.csv from a bare git mirror")
    ap.add_argument("--out", default=str(OUT))
    a = ap.parse_args()
    if a.vendor:
        vendor_from_mirror(a.vendor)
    rows = build()
    # sanity checks on the output
    codes = [r["region_code"] for r in rows]
    assert len(set(codes)) == 129
    counties = [r for r in rows if r["level"] == "county"]
    for cc in {r["city_code"] for r in counties}:
        city = next(r for r in rows if r["region_code"] == cc)
        assert sum(int(r["gdp_2020_cny"]) for r in counties if r["city_code"] == cc) == int(city["gdp_2020_cny"])
    out = Path(a.out)
    with out.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    print(f"wrote {len(rows)} rows -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
