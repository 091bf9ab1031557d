#!/usr/bin/env python3
"""Build inputs/enterprises.csv and inputs/projects.csv for ersim (Shanxi, base year 2020).

Rerun
-----
    python3 inputs/scripts/build_enterprises.py          # from the repo root; numpy + stdlib only
    python3 inputs/scripts/build_enterprises.py --check  # also assert the calibration targets

The output is deterministic: all randomness comes from numpy.random.default_rng(SEED)
with SEED = 20201231, drawn in a fixed order. Enterprise ids (E0001...) and project ids
(P001...) are stable as long as the tables below are not reordered. Columns follow
inputs/README.md exactly. Seed references "001:L757" = /work/shared/seeds/001_*.txt line 757.

What is SOURCED (seed plans, checked line by line against the raw seed text)
---------------------------------------------------------------------------
* Named enterprises and every stated figure of their projects (capex 亿元 x 1e8, start/finish,
  the NOx cut of 940 t/yr for 阳泉冀东水泥 denitration 001:L757, 141807 households of the
  clean-heating subsidy 001:L793, heating areas 1800万/900余万 m2 of the DH rows 001:L768/L773,
  the 8万 t/yr of 天隆 001:L784, 30万 t/yr of 西小坪 001:L792, 3万 t/yr of 王垆 001:L803,
  the 47520万 m3/yr kiln gas of 西小坪福跃 001:L795).
* Calibration targets (see "Calibration" below): 000:L693, 000:L101, 002:L93, 002:L95,
  002:L816, 002:L817, 002:L820, 001:L80, 001:L300, 000:L304.
* County codes: GitHub modood/Administrative-divisions-of-China dist/areas.csv, commit 57a0aa9
  (2024-11-28); 117 county units (140171, 140271, 140671, 140971 dropped). Development zones are
  mapped to their host county: 阳泉经济技术开发区 and 阳泉高新区 -> 郊区 140311 (dist/streets.csv
  lists street unit 140311400 "开发区" under 郊区).
* Real plants from Global Energy Monitor's trackers (CC BY 4.0; research/gem/, built by build_gem.py, read through
  gem_plants.py): the 23 steel plants operating in 2020, the 189 coal units of the 2020 fleet (one row each; a
  plant's freight and siding on its first unit) and the 615 coal mines opened by 2020, at their own positions and in
  the county polygon they fall in. Seed plants the trackers list keep their seed name and id and take the
  tracker's facts (GEM_POWER_MATCH, GEM_MINE_MATCH). The GPPD plants used before are only reconciled
  (reconcile_power -> research/gem/power_reconciliation.csv).
* A few web facts outside the seeds, cited in the row's source: 永鑫 siding (sxrb 2024-07-03, via
  parameters.md §3), 洪洞恒富 siding opened 2020-01-16 (lfxww.com/hongtong/2626010.html),
  谭坪煤矿 8 Mt/yr started 2022 (dajao.cn/news-67.html), 太原煤气化临汾新能源 in 浮山, 3 Mt/yr coke,
  16 km siding, not built in 2020 (juzini.cn/xinwen_mhg_xx.asp?id=202013).

What is ESTIMATED (marked "estimate:" in the row's source)
----------------------------------------------------------
* Capacities of named plants the seeds do not size (the power plants GPPD lacks: 西上庄 E0024, 神头二电
  E0030; mines, cement lines except 冀东 which is back-calculated from the stated NOx cut, most refractories).
  E.g. 冀东: 940 t NOx cut at 300 -> 50 mg/m3 and 2300 Nm3/t clinker => 940e3 / 0.575 kg/t = 1.635 Mt clinker/yr.
* The county of 山西晋玉煤焦化 (seed gives only "Yangquan", 001:L330) and of 谭坪煤矿 (not given).
* Every emission factor not in parameters.md, every material intensity (t bulk freight per t
  output), operating hours and utilisation (table EF below; each entry carries its reasoning).
* City shares of steel, coal-mine, power and captive-power capacity (§1 of shanxi-statistics.md
  gives only the host cities; the split is my estimate and is printed by this script). Public power by city
  (CITY_POWER_MW) is at least the real plants in each city; its derivation is written above the table.
* Of the real power plants: 4300 full-load hours (captive 5500), the process (CFB for gangue/waste-coal plants by
  name, pulverised coal otherwise), ULE done for the 3 GPPD captive units (000:L310, 000:L101).

What is a REMAINDER (plant_identity=remainder, named "<city>市 <what>（未列明企业）", never a real company)
------------------------------------------------------------------------------------------------------
The capacity no public list names: the seed scopes and statistics (31 coking plants / 44.28 Mt, 44 clinker plants
/ 158,000 t/d, 300 boilers, ...) less the named plants, split over host cities by drawing typical plants (rng seed
SEED, as before) and merging them per city and process (merge_into_remainders): ``blocks`` = the number of typical
plants, the unit a measure is taken in. The siding status and rail share of the tracker plants are drawn too (not
known for any plant) and say so in `source`.

Emissions
---------
Baseline 2020 t/yr = output x factor(sector/process, ule_status) (kg per unit -> t). "partial" =
mean of the pre-ULE and ULE factors. vocs_t = VOC generation x (1 - voc_treatment_eff).
Plant emissions only: truck/rail emissions of bulk freight are NOT in nox_t..co2_t (the freight
module derives them from bulk_freight_kt_per_yr x (1 - rail_share) x road_haul_km).

Calibration targets and result (as produced by this script; rerun prints the full tables)
-----------------------------------------------------------------------------------------
* coking: 31 enterprises (2 named + 29 synthetic), capacity sum = 44,280,000 t/yr (000:L693) -- exact.
  (Shanxi's total coke output is ~1e8 t/yr [estimate, shanxi-statistics.md §1]; the dataset
  covers only the seed's ULE scope of 31 plants.)
* cement: 44 clinker enterprises (3 named + 41 synthetic), capacity sum = 158,000 t/day (000:L693) -- exact.
* power (public coal, 63,250 MW) + captive power = 68,700 MW thermal (shanxi-statistics.md §1:
  66.2 % of 10,380万kW) -- exact; every coal-fired `power` row ule_status=done (000:L101); every city's public
  power at least its GPPD plants.
* Shuozhou: 10 power enterprises summing to 9,250 MW (= 1512.6 - 587.6 万kW, 002:L93/L95): 8 GPPD plants (incl.
  神头一电厂) + 神头二电厂 + 1 synthetic row of 1,560 MW;
  5 cement/chemical plants flagged for non-power ULE (002:L816); exactly 14 VOC enterprises with
  voc_treatment_eff = 0.30 (002:L817); exactly 12 coal mines in 朔城区/平鲁区 without siding (002:L820).
* Yangquan: 4 cement plants (冀东, 亚美, 南娄 + 1 synthetic, 001:L300); no coal boiler (001:L80).
* steel: integrated sites (`sinter+pellet+bf+converter`) in 太原, 长治, 运城, 临汾, 吕梁, 晋中 with
  crude-steel output = 66,000,000 t/yr exactly (estimate, shanxi-statistics.md §1), plus stand-alone
  pellet plants.
* coal mines: 310 mines (305 >= 0.9 Mt/yr) producing 819 Mt = 77 % of the 10.63亿t output (§1) are
  modelled; the rest (small mines, belt-fed mine-mouth supply) is not. 76 % of modelled mine output
  already leaves by rail (estimate; Shuozhou rule >= 80 %, 002:L322), leaving 193 Mt/yr on the road.
* coal boilers < 35 t/h: 300, in 大同/朔州/忻州 mostly (000:L304), none in 阳泉 (001:L80).

Result of this seed (t/yr; freight Mt/yr; "road" = freight x (1 - rail_share)):

    sector            n    NOx t    SO2 t     PM t  VOCs t  CO2 Mt  freight  road
    boiler          300    1,938    2,326      388       0     1.4      0.9   0.9
    captive_power    24    5,148    3,766    1,030       0    26.6     14.8   9.5
    cement           44   28,678    9,707   10,455       0    38.3     75.7  40.8
    chemical         47    3,420    4,104    1,095   7,301    20.5     34.2  29.4
    coal_mine       310        0        0   16,381       0     9.8    819.1 175.2
    coating          40        0        0        0   2,302     0.0      0.0   0.0
    coking           31   18,821    7,734   16,669  46,320    14.0     83.9  32.3
    kiln             84    8,596    6,805    3,518     153     4.8     16.1  16.0
    logistics        14        0        0    1,563       0     0.1     53.0  22.3
    other_industry    9    1,879    2,592    1,258      68     4.5     12.7   4.9
    other_voc        34        0        0        0   1,356     0.0      0.0   0.0
    power            65   44,790   31,353    8,958       0   230.7    135.7  55.8
    steel            30   66,934   40,422   55,561   3,300   122.6    249.6  84.5
    TOTAL          1032  180,205  108,809  116,876  60,801   473.5   1495.6 471.5

Outputs: crude steel 66.0 Mt, pellets 8.8 Mt, coke 35.0 Mt (capacity 44.28 Mt), clinker 44.5 Mt,
public thermal power 271 TWh (63,250 MW), captive 30 TWh (5,450 MW). Sanity check against the
provincial key-project targets (000:L193-195): bringing every steel/coking/cement plant to ULE cuts
NOx 71,301 t (target 80,100), SO2 34,075 t (target 78,000 -- needs boilers, kilns, residential coal),
PM 63,037 t; raising every VOC emitter to 80 % cuts VOCs 35,786 t (target 34,000).

Named enterprises included (synthetic=false)
--------------------------------------------
Yangquan 表13-1 (001:L750-807): 阳泉冀东水泥, 山西太钢鑫磊资源 (rows 5 and 22: one enterprise, two
project rows with identical text and different capex -- possible duplicate, both kept), 汇通恒源北昇,
上白泉, 盂县兴通煤炭加工, 平定县鑫升碳素, 丰泽恒业, 丰泽永进, 华博新材料, 鑫盛瓷业, 平定县青山石厂,
金豫龙陶粒砂, 天隆净水材料, 山西正兴有色, 瑞益鑫, 山西盂县西小坪耐火, 山西亚美建筑工程材料, 西小坪福跃,
华阳新能煤层气发电 (神堂嘴), 东梁庄, 圣火炉料, 王垆, 山西南娄集团水泥, 西上庄低热值煤发电 (row 11,
plant name from 001:L498), 西上庄煤矿 (row 9). Yangquan 表13-2: 华阳集团新材料 (001:L840).
Yangquan 表13-3: 山西中科泓源环保科技 (001:L856, solid-waste brick base, under construction in 2020).
Yangquan text: 山西晋玉煤焦化 (001:L330).
Shuozhou 表11-1: 神头一电厂 (#29, 002:L807; GPPD places it in 平鲁区), 神头二电厂 (#30, 002:L808), 平鲁区 #31 (002:L811):
易顺煤业, 后安煤矿, 国强煤业, 芦家窑煤矿, 大恒煤业, 森泰煤业, 下梨园煤业, 中煤能源化工厂.
Linfen 专栏2 (003:L310, L316): 国电霍州发电厂, 兆光发电厂, 侯马发电厂, 谭坪煤矿, 古县新能源循环经济产业园,
安泽县永鑫, 山煤国际蒲县, 太原煤气化临汾新能源, 洪洞恒富煤焦集运站; 专栏1 (003:L246): 侯马北铜铜业.
Seed quirk fixed: 孟县 = 盂县 (source says "(table prints 孟县 = 盂县)").

Names excluded (not enterprises here) and why
---------------------------------------------
* 阳泉市生态环境局 (001:L754 monitoring; L807 printed as 建设主体 of 南娄 -- the plant is kept, the
  bureau is not), 阳泉市能源局 (001:L793 subsidy): government bodies. The monitoring row 001:L754
  (8.798亿) is not a reduction measure and is not in projects.csv.
* 平鲁区污水处理厂 (002:L811), 阳泉昇阳水质净化/污水净化 (001:L815, L833), 临汾润宇水务 (003:L366),
  天瑞玉龙污水处理 (002:L790): WWTPs (wastewater.csv).
* "井工矿" (002:L811): a generic word ("underground mine"), not a name.
* Wind/PV/storage/gas-storage projects (003:L244: 汾西风电, 恒华, 景能和丰, 吉县昇景, 华润浮山, 霍州国盛,
  乡宁光储氢, 永和LNG; 001:L246 三峡新能源): no combustion emissions, no bulk freight.
* 三水能源 (003:L246): sector not stated; 霍州市静脉产业园, 临汾25万吨蓄电池循环利用基地 (003:L246):
  waste facilities, no company named / no emission basis.
* Body-text names outside the project tables (001:L224 东坪煤业/新景矿/上社煤业, 001:L228 金隅通达/
  华岭耐火, 001:L252 hydrogen firms, 002:L248 power projects, 002:L516 朔城区焦化厂 (closed site)): not in
  project tables; their roles are covered by synthetic plants. (002:L99 大唐神头 is now a real row, from GPPD.)

Project catalogue ids (measure_id) are left blank: measures.csv is written by another author.
"""
from __future__ import annotations

import argparse
import csv
import json
import math
import sys
from collections import defaultdict
from pathlib import Path

import numpy as np

import gem_plants as gem
from gem_plants import GEM_LICENCE

SEED = 20201231
HERE = Path(__file__).resolve().parent
OUT = HERE.parent  # inputs/

# --------------------------------------------------------------------------------------------
# Counties: modood/Administrative-divisions-of-China dist/areas.csv @57a0aa9 (2024-11-28)
# --------------------------------------------------------------------------------------------
CODES_SRC = "codes: modood/Administrative-divisions-of-China dist/areas.csv (2024-11-28)"
_COUNTY_TXT = """
140100 太原 140105:小店区 140106:迎泽区 140107:杏花岭区 140108:尖草坪区 140109:万柏林区 140110:晋源区 140121:清徐县 140122:阳曲县 140123:娄烦县 140181:古交市
140200 大同 140212:新荣区 140213:平城区 140214:云冈区 140215:云州区 140221:阳高县 140222:天镇县 140223:广灵县 140224:灵丘县 140225:浑源县 140226:左云县
140300 阳泉 140302:城区 140303:矿区 140311:郊区 140321:平定县 140322:盂县
140400 长治 140403:潞州区 140404:上党区 140405:屯留区 140406:潞城区 140423:襄垣县 140425:平顺县 140426:黎城县 140427:壶关县 140428:长子县 140429:武乡县 140430:沁县 140431:沁源县
140500 晋城 140502:城区 140521:沁水县 140522:阳城县 140524:陵川县 140525:泽州县 140581:高平市
140600 朔州 140602:朔城区 140603:平鲁区 140621:山阴县 140622:应县 140623:右玉县 140681:怀仁市
140700 晋中 140702:榆次区 140703:太谷区 140721:榆社县 140722:左权县 140723:和顺县 140724:昔阳县 140725:寿阳县 140727:祁县 140728:平遥县 140729:灵石县 140781:介休市
140800 运城 140802:盐湖区 140821:临猗县 140822:万荣县 140823:闻喜县 140824:稷山县 140825:新绛县 140826:绛县 140827:垣曲县 140828:夏县 140829:平陆县 140830:芮城县 140881:永济市 140882:河津市
140900 忻州 140902:忻府区 140921:定襄县 140922:五台县 140923:代县 140924:繁峙县 140925:宁武县 140926:静乐县 140927:神池县 140928:五寨县 140929:岢岚县 140930:河曲县 140931:保德县 140932:偏关县 140981:原平市
141000 临汾 141002:尧都区 141021:曲沃县 141022:翼城县 141023:襄汾县 141024:洪洞县 141025:古县 141026:安泽县 141027:浮山县 141028:吉县 141029:乡宁县 141030:大宁县 141031:隰县 141032:永和县 141033:蒲县 141034:汾西县 141081:侯马市 141082:霍州市
141100 吕梁 141102:离石区 141121:文水县 141122:交城县 141123:兴县 141124:临县 141125:柳林县 141126:石楼县 141127:岚县 141128:方山县 141129:中阳县 141130:交口县 141181:孝义市 141182:汾阳市
"""
CITY_NAME: dict[str, str] = {}
COUNTY_NAME: dict[str, str] = {}
CITY_COUNTIES: dict[str, list[str]] = {}
for _line in _COUNTY_TXT.strip().splitlines():
    _p = _line.split()
    CITY_NAME[_p[0]] = _p[1]
    CITY_COUNTIES[_p[0]] = []
    for _c in _p[2:]:
        _code, _nm = _c.split(":")
        COUNTY_NAME[_code] = _nm
        CITY_COUNTIES[_p[0]].append(_code)
assert len(COUNTY_NAME) == 117, len(COUNTY_NAME)
CITY_BY_NAME = {v: k for k, v in CITY_NAME.items()}
CITY_PINYIN = {"太原": "Taiyuan", "大同": "Datong", "阳泉": "Yangquan", "长治": "Changzhi", "晋城": "Jincheng",
               "朔州": "Shuozhou", "晋中": "Jinzhong", "运城": "Yuncheng", "忻州": "Xinzhou", "临汾": "Linfen",
               "吕梁": "Lvliang"}


def county(city: str, name: str) -> str:
    """County code from city name + county name (exact match)."""
    cc = CITY_BY_NAME[city]
    for code in CITY_COUNTIES[cc]:
        if COUNTY_NAME[code] == name:
            return code
    raise KeyError(f"{city} {name}")


def city_of(county_code: str) -> str:
    return county_code[:4] + "00"


# --------------------------------------------------------------------------------------------
# Emission-factor / material-intensity table ("EF table" cited in every row's source)
# Units: nox/so2/pm in kg per output unit, (pre-ULE, ULE);  voc_gen kg per output unit before
# treatment;  co2 t per output unit;  freight t bulk (in + out) per output unit.
# --------------------------------------------------------------------------------------------
EF: dict[str, dict] = {
    "cement_clinker": dict(
        unit="t_clinker", nox=(0.69, 0.115), so2=(0.23, 0.08), pm=(0.25, 0.06), voc_gen=0.0,
        co2=0.86, freight=1.7,
        src="NOx: parameters.md (0.69 -> 0.115 kg/t, 300/50 mg/m3 x 2300 Nm3/t); estimate: SO2 100 -> 35 "
            "mg/m3 x 2300 Nm3/t; PM stack 20 -> 10 mg/m3 plus fugitive 0.2 -> 0.04 kg/t; CO2 0.52 process + "
            "0.34 fuel t/t clinker; freight coal 0.15 + additives 0.3 + cement/clinker out 1.25 t/t"),
    "coking_wet": dict(
        unit="t_coke", nox=(0.60, 0.225), so2=(0.25, 0.075), pm=(0.60, 0.12), voc_gen=2.5,
        co2=0.40, freight=2.4,
        src="NOx: parameters.md (0.60 -> 0.225 kg/t, 400/150 mg/m3 x 1500 Nm3/t); estimate: SO2 stack 100 -> "
            "30 mg/m3 x 1500 Nm3/t plus charging/pushing; PM incl. wet-quench and pushing fugitives; VOC "
            "generation 2.5 kg/t coke before treatment (no sourced factor; coking is Shanxi's largest "
            "industrial VOC source, parameters.md §4); CO2 from COG under-firing 0.40 t/t; freight coal 1.33 + "
            "coke 1.0 + by-products 0.07 t/t"),
    "coking_dry": dict(
        unit="t_coke", nox=(0.60, 0.225), so2=(0.25, 0.075), pm=(0.40, 0.10), voc_gen=2.5,
        co2=0.40, freight=2.4,
        src="as coking_wet; estimate: dry quenching removes ~0.2 kg/t of quench-tower PM"),
    "steel_integrated": dict(
        unit="t_crude_steel", nox=(1.10, 0.44), so2=(0.65, 0.255), pm=(1.00, 0.19), pm_fugitive=(0.60, 0.11),
        voc_gen=0.05, co2=1.85, freight=3.5,
        src="sinter NOx 0.51 -> 0.15 kg/t sinter (parameters.md) x 1.25 t sinter/t steel + pellet 0.35 t/t x "
            "0.6 -> 0.15 + other stacks 0.25 -> 0.20; estimate: SO2 sinter 120 -> 35 mg/m3 x 3000 Nm3/t; PM "
            "sinter 50 -> 10 mg/m3 plus fugitive; resulting cuts -60/-61/-81 % match MIIT's -59/-61/-81 % "
            "(parameters.md §1); CO2 1.85 t/t BF-BOF; freight ore/pellet 1.6 + coal/coke 0.5 + flux 0.2 + "
            "scrap 0.15 + products 1.0 t/t (estimate); pm_fugitive: estimate: of the PM, 0.60 -> 0.11 kg/t is "
            "fugitive (stockyards, charging, tapping, roads), the rest from stacks (sinter 50 -> 10 mg/m3 x 3000 "
            "Nm3/t x 1.25 t/t = 0.19 -> 0.04, other stacks 0.21 -> 0.04); a plant whose organised (stack) "
            "emissions reached ULE but not its fugitive ones ('organised') emits NOx and SO2 at ULE and PM 0.08 + "
            "0.60 = 0.68 kg/t"),
    "steel_eaf": dict(
        unit="t_crude_steel", nox=(0.20, 0.12), so2=(0.06, 0.03), pm=(0.35, 0.06), pm_fugitive=(0.20, 0.03),
        voc_gen=0.02, co2=0.20, freight=2.1,
        src="estimate: scrap EAF, no sinter or blast furnace: NOx 0.20 -> 0.12 and SO2 0.06 -> 0.03 kg/t (furnace "
            "off-gas and ladle heating), PM 0.35 -> 0.06 kg/t (primary + secondary fume capture; 0.20 -> 0.03 "
            "fugitive); CO2 0.20 t/t direct (electrodes, charge carbon, gas), electricity not counted at the plant; "
            "freight scrap 1.1 + products 1.0 t/t"),
    "ironmaking": dict(
        unit="t_pig_iron", nox=(1.10, 0.44), so2=(0.65, 0.255), pm=(1.00, 0.19), pm_fugitive=(0.60, 0.11),
        voc_gen=0.05, co2=1.75, freight=3.0,
        src="estimate: a sinter + blast-furnace works without steelmaking: the integrated factors per t of pig iron "
            "(sinter and BF dominate NOx, SO2 and PM; 0.9 t hot metal per t BOF steel), CO2 1.75 t/t hot metal; "
            "freight ore/pellet 1.6 + coal/coke 0.5 + flux 0.2 + iron out 0.7 t/t"),
    "pellet": dict(
        unit="t_pellet", nox=(0.625, 0.125), so2=(0.50, 0.0875), pm=(0.30, 0.05), voc_gen=0.0,
        co2=0.06, freight=2.1,
        src="estimate: 2500 Nm3/t pellet x NOx 250 -> 50, SO2 200 -> 35 mg/m3 (ULE limits parameters.md); PM "
            "incl. fugitive; CO2 0.06 t/t; freight concentrate 1.05 + binder 0.02 + pellets 1.0 t/t"),
    "power_coal": dict(
        unit="MWh", nox=(0.165, 0.165), so2=(0.1155, 0.1155), pm=(0.033, 0.033), voc_gen=0.0,
        co2=0.85, freight=0.5,
        src="ULE limits 10/35/50 mg/m3 (parameters.md; all Shanxi coal power ULE, 000:L101) x estimate 3300 "
            "Nm3/MWh; CO2 estimate 0.85 t/MWh (~310 gce/kWh incl. CFB low-calorific units); freight coal "
            "0.42 + ash/gypsum 0.08 t/MWh"),
    "captive_coal": dict(
        unit="MWh", nox=(0.33, 0.165), so2=(0.33, 0.1155), pm=(0.066, 0.033), voc_gen=0.0,
        co2=0.90, freight=0.5,
        src="estimate: pre-ULE 100/100/20 mg/m3 (NOx/SO2/PM) -> ULE 50/35/10 x 3300 Nm3/MWh; CO2 0.90 t/MWh "
            "(smaller, less efficient units); freight as power_coal"),
    "power_cbm": dict(
        unit="MWh", nox=(1.2, 0.3), so2=(0.0, 0.0), pm=(0.01, 0.01), voc_gen=0.0, co2=0.53, freight=0.0,
        src="estimate: lean-burn CBM gas engines ~1.2 g NOx/kWh, SCR (75 %) -> 0.3; CO2 3.6 MJ/kWh / 0.38 x "
            "56.1 g/MJ = 0.53 t/MWh; pipeline gas, no bulk freight"),
    "boiler_coal": dict(
        unit="t_steam", nox=(0.45, 0.45), so2=(0.54, 0.54), pm=(0.09, 0.09), voc_gen=0.0, co2=0.33,
        freight=0.2,
        src="estimate: 0.18 t raw coal per t steam (2.8 GJ/t steam / (20.9 GJ/t x 0.75)); per t coal NOx 2.5, "
            "SO2 3.0 (1 % S Shanxi coal, basic FGD), PM 0.5 kg, CO2 1.83 t (parameters.md raw coal); freight "
            "coal + slag 0.2 t/t steam; no ULE path (the measure is elimination, 000:L304)"),
    "kiln_refractory": dict(
        unit="t_product", nox=(1.20, 0.40), so2=(0.80, 0.20), pm=(0.42, 0.09), voc_gen=0.0, co2=0.35,
        freight=2.0,
        src="estimate: 4000 Nm3/t product x pre 300/200/30 mg/m3 (NOx/SO2/PM, key-region kiln limits of "
            "环大气〔2019〕56号) -> 100/50/10 (郊区 deep-treatment limits 001:L763) plus fugitive PM 0.3 -> 0.05; "
            "CO2 0.35 t/t fuel; freight raw materials 1.0 + products 1.0 t/t"),
    "kiln_ceramics": dict(
        unit="t_product", nox=(1.80, 0.60), so2=(1.20, 0.30), pm=(0.48, 0.11), voc_gen=0.0, co2=0.30,
        freight=2.0,
        src="estimate: 6000 Nm3/t x 300/200/30 -> 100/50/10 mg/m3 plus fugitive PM; CO2 0.30 t/t; freight 2.0"),
    "kiln_lime": dict(
        unit="t_product", nox=(0.90, 0.30), so2=(0.60, 0.15), pm=(0.59, 0.08), voc_gen=0.0, co2=1.10,
        freight=2.0,
        src="estimate: 3000 Nm3/t x 300/200/30 -> 100/50/10 mg/m3 plus fugitive PM 0.5 -> 0.05; CO2 0.785 "
            "process + ~0.3 fuel t/t; freight limestone 1.8 + fuel 0.15 (+ product partly on site) ~2.0 t/t"),
    "kiln_ceramsite": dict(
        unit="t_product", nox=(1.20, 0.40), so2=(0.80, 0.20), pm=(0.52, 0.09), voc_gen=0.0, co2=0.30,
        freight=2.0,
        src="estimate: rotary kiln 4000 Nm3/t x 300/200/30 -> 100/50/10 mg/m3 plus fugitive; CO2 0.30; freight 2.0"),
    "kiln_carbon": dict(
        unit="t_product", nox=(1.50, 0.50), so2=(2.50, 0.40), pm=(0.45, 0.10), voc_gen=0.6, co2=0.45,
        freight=2.2,
        src="estimate: calciner 5000 Nm3/t x NOx 300 -> 100 mg/m3; SO2 2.5 -> 0.4 kg/t (petroleum-coke sulphur); "
            "pitch VOCs 0.6 kg/t before treatment; CO2 0.45; freight coke + pitch + products 2.2 t/t"),
    "kiln_generic": dict(
        unit="t_product", nox=(1.20, 0.40), so2=(0.80, 0.20), pm=(0.45, 0.09), voc_gen=0.0, co2=0.50,
        freight=2.0,
        src="estimate: kiln of unstated product treated like a refractory/rotary kiln (4000 Nm3/t, "
            "300/200/30 -> 100/50/10 mg/m3); CO2 0.50; freight 2.0"),
    "kiln_brick": dict(
        unit="t_product", nox=(0.90, 0.30), so2=(1.00, 0.18), pm=(0.36, 0.06), voc_gen=0.0, co2=0.12,
        freight=1.6,
        src="estimate: 3000 Nm3/t x 300/~330/30 -> 100/60/10 mg/m3 (sulphur-rich gangue/shale); CO2 0.12; freight 1.6"),
    "chemical": dict(
        unit="t_product", nox=(0.25, 0.10), so2=(0.30, 0.09), pm=(0.08, 0.02), voc_gen=1.0, co2=1.5,
        freight=2.5,
        src="estimate: coal-chemical / fine-chemical plant, process heaters and boilers NOx 0.25, SO2 0.30, PM "
            "0.08 kg/t product pre-ULE (ULE per 002:L816 10/35/50 cuts ~60-70 %); VOC generation 1.0 kg/t "
            "product (no sourced value, parameters.md §4 gap); CO2 1.5 t/t; freight coal feed 2.0 + products 0.5"),
    "coating": dict(
        unit="t_coating_used", nox=(0.0, 0.0), so2=(0.0, 0.0), pm=(0.0, 0.0), voc_gen=500.0, co2=0.0,
        freight=0.0,
        src="estimate: solvent-borne coatings ~50 % VOC by mass -> 500 kg VOC generated per t coating used; "
            "combustion negligible; no bulk freight"),
    "printing": dict(
        unit="t_ink_solvent_used", nox=(0.0, 0.0), so2=(0.0, 0.0), pm=(0.0, 0.0), voc_gen=600.0, co2=0.0,
        freight=0.0,
        src="estimate: inks + cleaning solvents ~60 % VOC by mass; no bulk freight"),
    "fuel_storage": dict(
        unit="t_fuel_throughput", nox=(0.0, 0.0), so2=(0.0, 0.0), pm=(0.0, 0.0), voc_gen=0.4, co2=0.0,
        freight=0.0,
        src="estimate: tank breathing/loading losses 0.4 kg VOC per t petrol/diesel throughput before vapour "
            "recovery; fuel moves by tanker (not counted as bulk freight)"),
    "coal_mine": dict(
        unit="t_coal", nox=(0.0, 0.0), so2=(0.0, 0.0), pm=(0.02, 0.02), voc_gen=0.0, co2=0.012,
        freight=1.0,
        src="estimate: fugitive PM from storage/loading 0.02 kg/t (enclosed sheds); CO2 from mine electricity "
            "and fuel 0.012 t/t (methane excluded); freight = coal shipped 1.0 t/t"),
    "coal_washing": dict(
        unit="t_coal_handled", nox=(0.0, 0.0), so2=(0.0, 0.0), pm=(0.03, 0.03), voc_gen=0.0, co2=0.003,
        freight=1.9,
        src="estimate: raw coal in 1.0 + clean coal/middlings out 0.9 t/t; fugitive PM 0.03 kg/t"),
    "terminal": dict(
        unit="t_freight_handled", nox=(0.0, 0.0), so2=(0.0, 0.0), pm=(0.03, 0.03), voc_gen=0.0, co2=0.002,
        freight=1.0,
        src="estimate: coal/coke collection station or logistics park; freight = throughput; fugitive PM 0.03 kg/t"),
    "alumina": dict(
        unit="t_product", nox=(0.50, 0.20), so2=(0.80, 0.15), pm=(0.30, 0.06), voc_gen=0.0, co2=1.0,
        freight=3.0,
        src="estimate: calciner + coal-fired steam; bauxite 2.4 + coal/lime + product ~3.0 t/t"),
    "ferroalloy": dict(
        unit="t_product", nox=(0.40, 0.15), so2=(0.60, 0.15), pm=(1.00, 0.15), voc_gen=0.0, co2=2.5,
        freight=4.0,
        src="estimate: submerged-arc furnaces (pellet/sinter sections follow steel ULE, 003:L262); ore + reductant "
            "+ product ~4.0 t/t"),
    "foundry": dict(
        unit="t_product", nox=(0.20, 0.08), so2=(0.30, 0.08), pm=(0.80, 0.12), voc_gen=0.3, co2=0.6,
        freight=1.5,
        src="estimate: cupola -> electric furnace path (001:L314); PM dominated; VOC from sand binders 0.3 kg/t"),
    "copper": dict(
        unit="t_product", nox=(0.50, 0.20), so2=(3.00, 0.80), pm=(0.50, 0.10), voc_gen=0.0, co2=1.5,
        freight=5.0,
        src="estimate: flash/bath smelter with acid plant, tail-gas SO2 3.0 -> 0.8 kg/t copper; concentrate 3.5 + "
            "acid/slag out ~5 t/t"),
    "nonferrous": dict(
        unit="t_product", nox=(0.40, 0.15), so2=(1.00, 0.25), pm=(0.50, 0.10), voc_gen=0.0, co2=1.0,
        freight=3.0,
        src="estimate: generic non-ferrous smelting/processing (product not stated)"),
}


def ef_pick(pair, status, fugitive=None):
    """The factor for a plant's 2020 ULE state. 'organised' (steel: stacks at ULE, fugitive sources not yet):
    the ULE factor plus what the fugitive sources still emitted above their ULE level (PM only: ``fugitive``
    is the (pre, ULE) fugitive part of the PM factor; NOx and SO2 come from stacks)."""
    pre, ule = pair
    if status == "done":
        return ule
    if status == "organised":
        return ule + (fugitive[0] - fugitive[1] if fugitive else 0.0)
    if status == "partial":
        return 0.5 * (pre + ule)
    return pre  # none / blank


def mixed_ef(shares: dict[str, float], key: str) -> str:
    """Register (once) the output-weighted mix of EF entries ``shares`` (same unit) as EF[key]; return key.
    A plant with two routes (TISCO: blast furnaces and EAFs) is one row with the mixed factors."""
    if key not in EF:
        parts = [(EF[k], w) for k, w in shares.items()]
        assert abs(sum(w for _, w in parts) - 1) < 1e-9 and len({e["unit"] for e, _ in parts}) == 1
        mix = {"unit": parts[0][0]["unit"]}
        for f in ("nox", "so2", "pm", "pm_fugitive"):
            mix[f] = tuple(sum(e[f][i] * w for e, w in parts) for i in (0, 1))
        for f in ("voc_gen", "co2", "freight"):
            mix[f] = sum(e[f] * w for e, w in parts)
        mix["src"] = "mix " + " + ".join(f"{w:.2f} x '{k}'" for k, w in shares.items())
        EF[key] = mix
    return key


# --------------------------------------------------------------------------------------------
# Output tables
# --------------------------------------------------------------------------------------------
ENT_COLUMNS = [
    "enterprise_id", "name_zh", "name_en", "sector", "process", "county_code", "capacity", "capacity_unit",
    "output", "output_unit", "nox_t", "so2_t", "pm_t", "vocs_t", "co2_t", "ule_status", "voc_treatment_eff",
    "boiler_t_per_h", "bulk_freight_kt_per_yr", "rail_share", "has_siding", "road_haul_km", "latitude", "longitude",
    "coord_source", "plant_identity", "tracker_id", "blocks", "source",
]
PROJ_COLUMNS = [
    "project_id", "name_zh", "enterprise_id", "region_code", "family", "measure_id", "capex_cny", "nox_cut_t",
    "so2_cut_t", "pm_cut_t", "vocs_cut_t", "households", "capacity_m3_per_day", "start", "finish", "source",
]

ENTS: list[dict] = []
KEY2ID: dict[str, str] = {}


def add_ent(*, name_zh, name_en, sector, process, county_code, capacity, capacity_unit, output, ef,
            ule_status="", voc_eff=None, boiler=None, rail_share=0.0, has_siding=False, road_haul_km=None,
            synthetic, source, key=None, freight_kt=None, latitude=None, longitude=None, coord_source=None,
            siding_drawn=False, identity=None, tracker_id="", blocks=1):
    """One enterprise row. latitude/longitude/coord_source: the plant's own position (GPPD); left None, main()
    puts the plant at its county's centroid. siding_drawn: has_siding/rail_share of a real plant were drawn (not
    known), so calibrate_sidings() may change them as it does for synthetic rows."""
    assert county_code in COUNTY_NAME, county_code
    e = EF[ef]
    assert ule_status != "organised" or "pm_fugitive" in e, ef
    nox = output * ef_pick(e["nox"], ule_status) / 1000.0
    so2 = output * ef_pick(e["so2"], ule_status) / 1000.0
    pm = output * ef_pick(e["pm"], ule_status, e.get("pm_fugitive")) / 1000.0
    vgen = output * e["voc_gen"] / 1000.0
    vocs = vgen * (1.0 - voc_eff) if voc_eff is not None else vgen
    co2 = output * e["co2"]
    if freight_kt is None:
        freight_kt = output * e["freight"] / 1000.0
    eid = f"E{len(ENTS) + 1:04d}"
    row = dict(
        enterprise_id=eid, name_zh=name_zh, name_en=name_en, sector=sector, process=process,
        county_code=county_code, capacity=capacity, capacity_unit=capacity_unit, output=output,
        output_unit=e["unit"], nox_t=nox, so2_t=so2, pm_t=pm, vocs_t=vocs, co2_t=co2, ule_status=ule_status,
        voc_treatment_eff=voc_eff, boiler_t_per_h=boiler, bulk_freight_kt_per_yr=freight_kt,
        rail_share=rail_share if freight_kt > 0 else None, has_siding=has_siding,
        road_haul_km=road_haul_km if freight_kt > 0 else None, latitude=latitude, longitude=longitude,
        coord_source=coord_source, synthetic=synthetic,
        plant_identity=identity or ("synthetic" if synthetic else "named"), tracker_id=tracker_id, blocks=blocks,
        source=f"{source}; factors: EF table '{ef}' in inputs/scripts/build_enterprises.py",
        siding_drawn=siding_drawn,
    )
    ENTS.append(row)
    if key:
        KEY2ID[key] = eid
    return row


# --------------------------------------------------------------------------------------------
# The GPPD v1.3.0 coal plants (WRI et al., CC BY 4.0) curated in scripts/data/shanxi_coal_plants.csv were the real
# power rows until the Global Coal Plant Tracker's units replaced them (issue 22); reconcile_power() matches them
# to the tracker's plants and writes research/gem/power_reconciliation.csv.
# --------------------------------------------------------------------------------------------
GPPD_CSV = HERE / "data" / "shanxi_coal_plants.csv"


def gppd_plants() -> list[dict]:
    with GPPD_CSV.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def reconcile_power(path: Path) -> list[dict]:
    """Match each curated GPPD plant to the tracker plant nearest to it (within 5 km) and write the table: which
    GPPD plant is which tracker plant, how their MW differ and why (GPPD's snapshot is 2018-21 and per plant; the
    tracker's 2020 fleet is per unit)."""
    plants: dict[str, dict] = {}
    for u in gem.coal_units():
        p_ = plants.setdefault(u["gem_location_id"], dict(zh=u["plant_name_zh"], en=u["plant_name_en"], mw=0.0,
                                                        lat=float(u["latitude"]), lon=float(u["longitude"]), n=0))
        p_["mw"] += u["mw"]
        p_["n"] += 1

    def km(a_lat, a_lon, b_lat, b_lon):
        x = math.radians(b_lon - a_lon) * math.cos(math.radians((a_lat + b_lat) / 2))
        return 6371.0 * math.hypot(x, math.radians(b_lat - a_lat))

    rows, used = [], set()
    for g in gppd_plants():
        lat, lon = float(g["latitude"]), float(g["longitude"])
        loc, best = min(((k, km(lat, lon, v["lat"], v["lon"])) for k, v in plants.items()), key=lambda t: t[1])
        hit = best <= 5.0
        mw = float(g["capacity_mw"])
        if hit:
            used.add(loc)
            t = plants[loc]
            why = ("same plant, same MW" if abs(t["mw"] - mw) < 1 else
                   f"same plant; the tracker's 2020 units sum to {t['mw']:,.0f} MW against GPPD's {mw:,.0f} MW "
                   "(GPPD's snapshot: units retired, added or rated differently)")
        else:
            why = (f"no tracker plant within 5 km (nearest {best:.1f} km): GPPD's position or plant is doubtful "
                   f"({g['confidence']} confidence: {g['decision_note'][:160]})")
        rows.append(dict(gppd_plant_key=g["plant_key"], gppd_ids=g["gppd_ids"], gppd_name_en=g["name_en"], gppd_mw=mw,
                         gppd_county=g["county_name_zh"], gem_location_id=loc if hit else "",
                         gem_plant_name_zh=plants[loc]["zh"] if hit else "", gem_mw_2020=plants[loc]["mw"] if hit else "",
                         gem_units=plants[loc]["n"] if hit else "", distance_km=round(best, 2),
                         enterprise_id_before=g["matches_enterprise_id"], note=why))
    for loc, t in plants.items():
        if loc not in used:
            rows.append(dict(gppd_plant_key="", gppd_ids="", gppd_name_en="", gppd_mw="", gppd_county="",
                             gem_location_id=loc, gem_plant_name_zh=t["zh"], gem_mw_2020=t["mw"], gem_units=t["n"],
                             distance_km="", enterprise_id_before="",
                             note="in the tracker's 2020 fleet, not among GPPD's kept plants (GPPD missed it, or its "
                                  "GPPD row is more than 5 km away)"))
    cols = list(rows[0])
    with path.open("w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=cols, lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return rows


# --------------------------------------------------------------------------------------------
# 1. Named enterprises (hand-curated; every figure with its seed line)
# --------------------------------------------------------------------------------------------
YQ_ZONE = "经济技术开发区 -> 郊区 140311 (host county; modood streets.csv 140311400 开发区)"
YU = "(table prints 孟县 = 盂县)"

# fields: key, name_zh, name_en, sector, process, county, capacity, capacity_unit, output, ef, ule, voc_eff,
#         rail_share, has_siding, road_km, source
NAMED = [
    # ---------------- Yangquan 表13-1 (001:L750-807) ----------------
    ("jidong", "阳泉冀东水泥有限责任公司", "Yangquan Jidong Cement", "cement", "clinker", "140311",
     5000, "t_per_day", 1_635_000, "cement_clinker", "none", None, 0.0, False, 30,
     "001:L755-757 (郊区); estimate: output = 940 t NOx cut (001:L757) / ((300-50) mg/m3 x 2300 Nm3/t) = 1.635 "
     "Mt clinker/yr; capacity assumed one 5000 t/d line; ule_status none (NOx project 2021-03->2022-03; the "
     "0.26亿 done in 13th FYP was dust only, 001:L755); siding: estimate none, 30 km road to rail"),
    ("xinlei", "山西太钢鑫磊资源有限公司", "Shanxi TISCO Xinlei Resources", "kiln",
     "rotary_kiln (product not stated; treated as lime)", "140322",
     400_000, "t_per_yr", 360_000, "kiln_lime", "partial", None, 0.0, False, 35,
     f"001:L758, L762 and 001:L786, L790 (two identical project rows 5 and 22 -- possible duplicate) {YU}; "
     "estimate: 2 rotary kilns x ~600 t/d x 330 d = 0.4 Mt/yr, 90 % load; partial: 0.23亿 spent in 13th FYP (001:L758)"),
    ("huitong", "阳泉市汇通恒源耐火材料有限公司北昇分公司", "Yangquan Huitong Hengyuan Refractory (Beisheng branch)",
     "kiln", "refractory", "140311", 60_000, "t_per_yr", 50_000, "kiln_refractory", "partial", None, 0.0, False, 25,
     "001:L763 (郊区); estimate: capacity 60 kt/yr (typical Yangquan refractory), output 50 kt; partial: 0.2亿 done in 13th FYP"),
    ("shangbaiquan", "阳泉市上白泉耐火材料有限公司", "Yangquan Shangbaiquan Refractory", "kiln", "refractory",
     "140311", 80_000, "t_per_yr", 68_000, "kiln_refractory", "partial", None, 0.0, False, 25,
     "001:L764 (郊区; 110 m and 150 m tunnel kilns + 1 rotary kiln); estimate: 80 kt/yr for 3 kilns; partial: 0.375亿 done"),
    ("xingtong", "盂县兴通煤炭加工有限公司", "Yuxian Xingtong Coal Processing", "logistics", "coal_washing_storage",
     "140322", 1_200_000, "t_per_yr", 1_000_000, "coal_washing", "", None, 0.0, False, 40,
     f"001:L765 {YU} (15000 m2 coal shed); estimate: throughput 1.0 Mt/yr (15000 m2 shed ~0.15 Mt stock turned ~7x)"),
    ("xinsheng", "平定县鑫升碳素股份有限公司", "Pingding Xinsheng Carbon", "kiln", "carbon", "140321",
     60_000, "t_per_yr", 50_000, "kiln_carbon", "none", 0.4, 0.0, False, 30,
     "001:L774 (平定县; calciner, thermal-oil furnace, pitch melting, kneading, forming); estimate: 60 kt/yr; "
     "pitch-fume VOC treatment 0.4 (estimate)"),
    ("fengze_hy", "阳泉市丰泽恒业耐火材料有限公司", "Yangquan Fengze Hengye Refractory", "kiln", "refractory",
     "140311", 50_000, "t_per_yr", 42_000, "kiln_refractory", "none", None, 0.0, False, 25,
     f"001:L775 ({YQ_ZONE}); estimate: 50 kt/yr"),
    ("fengze_yj", "阳泉市丰泽永进耐火材料有限公司", "Yangquan Fengze Yongjin Refractory", "kiln", "refractory",
     "140311", 40_000, "t_per_yr", 34_000, "kiln_refractory", "none", None, 0.0, False, 25,
     "001:L776 (郊区; gas tunnel kiln); estimate: 40 kt/yr"),
    ("huabo", "阳泉华博新材料有限公司", "Yangquan Huabo New Materials", "kiln", "kiln (product not stated)",
     "140311", 60_000, "t_per_yr", 50_000, "kiln_generic", "none", None, 0.0, False, 25,
     "001:L777 (郊区; limestone-gypsum FGD + SNCR + WESP); estimate: 60 kt/yr"),
    ("xinsheng_cer", "阳泉市鑫盛瓷业有限公司", "Yangquan Xinsheng Ceramics", "kiln", "ceramics", "140311",
     30_000, "t_per_yr", 25_000, "kiln_ceramics", "none", None, 0.0, False, 25,
     "001:L781 (郊区; roller kiln); estimate: 30 kt/yr"),
    ("qingshan", "平定县青山石厂", "Pingding Qingshan Lime Works", "kiln", "lime", "140321",
     100_000, "t_per_yr", 85_000, "kiln_lime", "none", None, 0.0, False, 30,
     "001:L782 (平定县; 2 lime shaft kilns); estimate: 2 x 150 t/d x 330 d = 0.1 Mt/yr"),
    ("jinyulong", "阳泉市金豫龙陶粒砂有限公司", "Yangquan Jinyulong Ceramsite Proppant", "kiln", "ceramsite",
     "140321", 100_000, "t_per_yr", 80_000, "kiln_ceramsite", "none", None, 0.0, False, 30,
     "001:L783 (平定县; rotary kiln); estimate: 100 kt/yr"),
    ("tianlong", "阳泉天隆净水材料有限公司", "Yangquan Tianlong Water-Treatment Materials", "kiln",
     "water_treatment_material (KSV rotary kiln)", "140311", 80_000, "t_per_yr", 60_000, "kiln_generic", "none",
     None, 0.0, False, 25,
     "001:L784 (郊区; row printed as 25; KSV 4-stage preheater rotary kiln, 年产能约8万吨 stated); estimate: 75 % load "
     "in 2020 (the project text may describe a rebuilt line)"),
    ("zhengxing", "山西正兴有色金属有限公司", "Shanxi Zhengxing Non-ferrous Metals", "other_industry",
     "non_ferrous (product not stated)", "140321", 50_000, "t_per_yr", 40_000, "nonferrous", "none", None,
     0.0, False, 30, "001:L785 (平定县; 4 closed raw-material stores 7288 m2); estimate: 50 kt/yr"),
    ("ruiyixin", "阳泉市瑞益鑫耐火材料厂", "Yangquan Ruiyixin Refractory", "kiln", "refractory", "140311",
     30_000, "t_per_yr", 25_000, "kiln_refractory", "none", None, 0.0, False, 25,
     "001:L791 (郊区); estimate: 30 kt/yr"),
    ("xixiaoping", "山西盂县西小坪耐火材料有限公司", "Shanxi Yuxian Xixiaoping Refractory", "kiln", "refractory",
     "140322", 300_000, "t_per_yr", 255_000, "kiln_refractory", "none", None, 0.0, False, 35,
     f"001:L792 {YU} (年产30万吨硅砖、高铝砖 stated; 13 tunnel kilns in 9 workshops); estimate: 85 % load"),
    ("yamei", "山西亚美建筑工程材料有限责任公司", "Shanxi Yamei Construction Materials (cement)", "cement", "clinker",
     "140311", 2500, "t_per_day", 725_000, "cement_clinker", "none", None, 0.0, False, 25,
     f"001:L794 ({YQ_ZONE}; cement rotary kiln, low-NOx + SCR ULE project); estimate: one 2500 t/d line x 290 d"),
    ("fuyue", "山西西小坪福跃耐火材料有限公司", "Shanxi Xixiaoping Fuyue Refractory", "kiln", "refractory",
     "140322", 140_000, "t_per_yr", 118_800, "kiln_refractory", "none", None, 0.0, False, 35,
     f"001:L795 {YU}; estimate: output = 47520万 m3/yr kiln flue gas (stated) / 4000 Nm3/t = 118.8 kt/yr"),
    ("shentangzui", "山西华阳集团新能股份有限公司煤层气发电分公司（神堂嘴煤层气发电站）",
     # gas-fired (coal-bed methane), so not in the coal `power` sector that 000:L101 says is all at ULE
     "Huayang New Energy CBM Power (Shentangzui station)", "other_industry", "cbm_gas_engine", "140311",
     30, "MW", 180_000, "power_cbm", "none", None, None, False, None,
     "001:L796, L800 (郊区; waste-heat boilers 1x9.4 + 1x6.8 t/h get SCR 2021-10->2022-03); estimate: ~30 MW of "
     "gas engines feeding 16 t/h of waste-heat steam, 6000 h/yr; coal-mine methane fuel, not coal power"),
    ("dongliangzhuang", "阳泉市东梁庄耐火材料厂", "Yangquan Dongliangzhuang Refractory", "kiln", "refractory",
     "140311", 30_000, "t_per_yr", 25_000, "kiln_refractory", "none", None, 0.0, False, 25,
     "001:L801 (郊区; gas tunnel kiln); estimate: 30 kt/yr"),
    ("shenghuo", "阳泉市圣火炉料有限公司", "Yangquan Shenghuo Furnace Charge", "kiln", "refractory (furnace charge)",
     "140311", 40_000, "t_per_yr", 34_000, "kiln_refractory", "none", None, 0.0, False, 25,
     "001:L802 (郊区; 2 tunnel kilns); estimate: 40 kt/yr"),
    ("wanglu", "阳泉市王垆耐火材料有限公司", "Yangquan Wanglu Refractory", "kiln", "refractory", "140311",
     30_000, "t_per_yr", 25_500, "kiln_refractory", "none", None, 0.0, False, 25,
     f"001:L803 ({YQ_ZONE}; 年产3万吨 stated); estimate: 85 % load"),
    ("nanlou", "山西南娄集团水泥有限公司", "Shanxi Nanlou Group Cement", "cement", "clinker", "140322",
     4500, "t_per_day", 1_305_000, "cement_clinker", "none", None, 0.0, False, 35,
     f"001:L807 {YU} (建设主体 printed as 阳泉市生态环境局; low-NOx + SCR); estimate: 4500 t/d line (parameters.md "
     "cement capex note) x 290 d"),
    ("xishangzhuang_pp", "华阳建投阳泉热电西上庄电厂（西上庄低热值煤发电项目）", "Huayang Jiantou Yangquan Xishangzhuang low-calorific coal power",
     "power", "coal_cfb_low_calorific", "140311", 700, "MW", 700 * 4300, "power_coal", "done", None, 0.6, True, 20,
     "001:L768, L772 (西上庄低热值煤发电项目 CHP, 郊区); plant name 001:L498; estimate: 2 x 350 MW CFB, 4300 h; "
     "ULE done (001:L80); siding/belt share 0.6 estimate; no GPPD v1.3.0 row (none of the Yangquan coal rows is "
     "西上庄, scripts/data/shanxi_coal_plants.README.md); the Global Coal Plant Tracker lists it (GEM_POWER_MATCH)"),
    ("xishangzhuang_mine", "西上庄煤矿", "Xishangzhuang coal mine", "coal_mine", "underground", "140311",
     3_000_000, "t_per_yr", 2_700_000, "coal_mine", "", None, 0.7, True, 25,
     "001:L766 (西上庄煤矿瓦斯利用工程, 郊区); estimate: 3.0 Mt/yr, 90 % load; rail share 0.7 (Yangquan rail freight "
     "3115.7万t in 13th FYP, 001:L78)"),
    ("zkhy", "山西中科泓源环保科技有限公司（阳泉市郊区资源循环利用研发示范基地）", "Shanxi Zhongke Hongyuan (solid-waste brick base)",
     "kiln", "brick (red mud / gangue)", "140311", 3_500_000, "t_per_yr", 0, "kiln_brick", "", None, 0.0, False, 25,
     "001:L856 (表13-3; 年处理赤泥200万吨、煤矸石150万吨 stated = capacity; built 2020-05->2021-12, so 2020 output 0)"),
    # ---------------- Yangquan 表13-2 and text ----------------
    ("huayang_nm", "华阳集团新材料（矿区）", "Huayang Group New Materials", "chemical", "new_materials (product not stated)",
     "140303", 200_000, "t_per_yr", 160_000, "chemical", "none", 0.5, 0.0, False, 30,
     "001:L840 (表13-2 row 17, ZLD wastewater upgrade, 矿区); estimate: 200 kt/yr, VOC treatment 0.5 (Yangquan target >0.8, 001:L330)"),
    ("jinyu", "山西晋玉煤焦化", "Shanxi Jinyu Coal Coking", "coking", "wet_quench", "140321",
     900_000, "t_per_yr", 780_000, "coking_wet", "none", 0.4, 0.0, False, 30,
     "001:L330 (key VOC target, Yangquan); estimate: county not stated -- placed in 平定县; 0.9 Mt/yr capacity; "
     "VOC treatment 0.4"),
    # ---------------- Shuozhou 表11-1 (002:L772-825) ----------------
    # the power plants take their first unit's capacity, county and position from the tracker (GEM_POWER_MATCH)
    ("shentou1", "朔州神头一电厂", "Shentou No.1 power plant", "power", "coal_pc", None,
     None, "MW", None, "power_coal", "done", None, 0.9, True, 20,
     "002:L807 (表11-1 #29; the seed's project row names 朔城区, the old 神头 site); one of Shuozhou's 10 ULE thermal "
     "enterprises (002:L95); the earlier estimate was 2,000 MW in 朔城区"),
    ("shentou2", "国家能源集团山西神头第二发电厂", "Shentou No.2 power plant", "power", "coal_pc", "140602",
     1000, "MW", 1000 * 4300, "power_coal", "done", None, 0.9, True, 20,
     "002:L808 (表11-1 #30, 朔城区; full name 002:L99); the Global Coal Plant Tracker's 神华国能神头第二发电厂 (2 x 500 "
     "MW; GPPD v1.3.0 had no row for it: its 'Datang Shentou' is 山西大唐国际神头发电有限责任公司, a separate company "
     "in 002:L99-101)"),
    ("yishun", "易顺煤业", "Yishun coal mine", "coal_mine", "underground", "140603", 1_200_000, "t_per_yr",
     1_080_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (表11-1 #31, 平鲁区); estimate: 1.2 Mt/yr; assumed one of the 12 平鲁/朔城 mines without siding (002:L820)"),
    ("houan", "后安煤矿", "Houan coal mine", "coal_mine", "underground", "140603", 1_500_000, "t_per_yr",
     1_350_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (平鲁区); estimate: 1.5 Mt/yr; assumed one of the 12 mines without siding (002:L820)"),
    ("guoqiang", "国强煤业", "Guoqiang coal mine", "coal_mine", "underground", "140603", 900_000, "t_per_yr",
     810_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (平鲁区); estimate: 0.9 Mt/yr (post-2009 consolidation minimum); assumed among the 12 (002:L820)"),
    ("lujiayao", "芦家窑煤矿", "Lujiayao coal mine", "coal_mine", "underground", "140603", 1_200_000, "t_per_yr",
     1_080_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (平鲁区); estimate: 1.2 Mt/yr; assumed among the 12 (002:L820)"),
    ("daheng", "大恒煤业", "Daheng coal mine", "coal_mine", "underground", "140603", 900_000, "t_per_yr",
     810_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (平鲁区); estimate: 0.9 Mt/yr; assumed among the 12 (002:L820)"),
    ("sentai", "森泰煤业", "Sentai coal mine", "coal_mine", "underground", "140603", 900_000, "t_per_yr",
     810_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (平鲁区); estimate: 0.9 Mt/yr; assumed among the 12 (002:L820)"),
    ("xialiyuan", "下梨园煤业", "Xialiyuan coal mine", "coal_mine", "underground", "140603", 900_000, "t_per_yr",
     810_000, "coal_mine", "", None, 0.0, False, 45,
     "002:L811 (平鲁区); estimate: 0.9 Mt/yr; assumed among the 12 (002:L820)"),
    ("zhongmei_chem", "中煤能源化工厂（平鲁区）", "China Coal Energy chemical plant (Pinglu)", "chemical", "coal_chemical",
     "140603", 600_000, "t_per_yr", 500_000, "chemical", "none", 0.30, 0.8, True, 30,
     "002:L811 (平鲁区, production-wastewater outfall); estimate: 0.6 Mt/yr products; counted as one of the 14 "
     "Shuozhou VOC enterprises at 30 % efficiency (002:L817); siding shared with 中煤平朔 (estimate)"),
    # ---------------- Linfen 专栏 (003) ----------------
    ("huozhou_pp", "国电霍州发电厂", "Guodian Huozhou power plant", "power", "coal_pc", None,
     None, "MW", None, "power_coal", "done", None, 0.7, True, 20,
     "003:L310 (专栏2 waste heat to 霍州/洪洞/尧都/襄汾); the earlier estimate was 2 x 300 MW"),
    ("zhaoguang_pp", "兆光发电厂", "Zhaoguang power plant", "power", "coal_pc", None,
     None, "MW", None, "power_coal", "done", None, 0.7, True, 20,
     "003:L310 (专栏2); the earlier estimate was 1,200 MW in 霍州市 (shares the 霍州 waste-heat scheme), GPPD confirms "
     "the county"),
    ("houma_pp", "侯马发电厂", "Houma power plant", "power", "coal_pc", None,
     None, "MW", None, "power_coal", "done", None, 0.5, True, 25,
     "003:L310 (专栏2, waste heat to 曲沃县); the earlier estimate was 2 x 300 MW"),
    ("tanping", "谭坪煤矿（霍州煤电）", "Tanping coal mine (Huozhou Coal Electricity)", "coal_mine", "underground",
     "141082", 8_000_000, "t_per_yr", 0, "coal_mine", "", None, 0.0, False, 40,
     "003:L316 (专栏2 siding ①); 8 Mt/yr, construction started 2022 (dajao.cn/news-67.html) so 2020 output 0; "
     "estimate: county not stated -- placed at 霍州市 (seat of 霍州煤电), verify"),
    ("guxian_park", "古县新能源循环经济产业园", "Guxian new-energy circular-economy park", "logistics",
     "industrial_park_terminal", "141025", 4_000_000, "t_per_yr", 3_000_000, "terminal", "", None, 0.0, False, 35,
     "003:L316 (专栏2 siding ②, 古县); estimate: 3.0 Mt/yr bulk coal/coke by road in 2020"),
    ("yongxin", "安泽县永鑫（山西永鑫能源集团）铁路专用线托运方", "Anze Yongxin (Shanxi Yongxin Energy) shipper",
     "logistics", "coal_coke_terminal", "141026", 10_000_000, "t_per_yr", 5_000_000, "terminal", "", None, 0.0,
     False, 28,
     "003:L316 (专栏2 siding ③); siding 10 Mt/yr, 27.7 km, 23亿 yuan, opened 2024-06-28 (parameters.md §3, sxrb "
     "2024-07-03); estimate: 2020 road throughput 5 Mt (half the siding capacity); road haul = siding length 27.7 km"),
    ("shanmei_puxian", "山煤国际蒲县矿区（中南铁路专用线托运方）", "Shanxi Coal International Puxian mines",
     "coal_mine", "underground (aggregate)", "141033", 3_000_000, "t_per_yr", 2_700_000, "coal_mine", "", None,
     0.0, False, 50, "003:L316 (专栏2 siding ④, 蒲县); estimate: 3.0 Mt/yr aggregate of the group's 蒲县 mines"),
    ("taimei_lf", "太原煤气化临汾新能源", "Taiyuan Coal Gasification Linfen New Energy (coking)", "coking", "dry_quench",
     "141027", 3_000_000, "t_per_yr", 0, "coking_dry", "done", 0.9, 0.0, False, 20,
     "003:L316 (专栏2 siding ⑤); county 浮山县, 3 Mt/yr coke + 16 km siding, not yet built in 2020 "
     "(juzini.cn/xinwen_mhg_xx.asp?id=202013); 2020 output 0; road_haul_km 20 (floor of the 20-150 km range; siding 16 km); estimate: new build designed to ULE (done) and "
     "counted in the 31 / 44.28 Mt coking scope (000:L693)"),
    ("hengfu", "洪洞恒富煤焦集运站", "Hongtong Hengfu coal-coke collection station", "logistics", "coal_coke_terminal",
     "141024", 5_000_000, "t_per_yr", 3_000_000, "terminal", "", None, 0.8, True, 30,
     "003:L316 (专栏2 siding ⑥: siding + coal-reserve container platform); siding opened 2020-01-16 "
     "(lfxww.com/hongtong/2626010.html); estimate: 3 Mt/yr, rail share 0.8"),
    ("beitong", "北方铜业股份有限公司侯马北铜铜业有限公司", "Houma Beitong Copper", "other_industry", "copper_smelting",
     "141081", 100_000, "t_per_yr", 90_000, "copper", "partial", None, 0.5, True, 20,
     "003:L246 (专栏1 energy-saving / recovery retrofit, 侯马); estimate: 100 kt/yr copper, 90 % load"),
]


# Seed-named plants that Global Energy Monitor lists: NAMED key -> GEM plant location id (coal power) or mine id.
# They keep their seed name and enterprise id and take the tracker's capacity, county and position. A power plant's
# NAMED row is its first unit; its other units follow in build_power under the same name.
GEM_POWER_MATCH = {
    "shentou1": "L100000101519",  # 国家电投神头第一发电厂, 平鲁区, 2 x 660 MW (the seed row names 朔城区, the old site)
    "shentou2": "L100000104988",  # 神华国能神头第二发电厂, 朔城区, 2 x 500 MW
    "huozhou_pp": "L100000101485",  # 国电华北电力霍州发电厂, 霍州市, 2 x 600 MW
    "zhaoguang_pp": "L100000101515",  # 山西国际能源兆光发电厂, 霍州市, 4 units, 1,800 MW
    "houma_pp": "L100000101455",  # 山西侯马发电厂, 侯马市, 2 x 300 MW
}
GEM_MINE_MATCH = {  # the seven 平鲁区 mines of 002:L811 and 山煤国际's 蒲县 mine on the 中南 siding (003:L316 ④)
    "yishun": "M2269", "houan": "M1132", "guoqiang": "M1925", "lujiayao": "M2042", "daheng": "M1111",
    "sentai": "M2105", "xialiyuan": "M2203", "shanmei_puxian": "M3138",
}
SHANMEI_NOTE = ("the seed names 山煤国际 (Shanxi Coal Import and Export Group)'s 蒲县 mines as the shipper; GEM lists two "
                "of that group's mines in 蒲县, Baozigou (豹子沟, 1.5 Mt/yr, this row) and Wanjiazhuang (万家庄, 1.2 Mt/yr, "
                "its own row)")
POWER_HOURS = 4300  # estimate: 2020 full-load hours of a public coal unit
CAPTIVE_HOURS = 5500  # estimate: captive units run with their steel works or smelter
#: estimate: Shanxi's 2020 raw-coal output, 10.63亿t (shanxi-statistics.md §1, above-scale mines), is 1.004 x the
#: 1,058.8 Mt/yr of capacity GEM lists as opened by 2020: the mines ran at about their rated capacity (Chinese mines
#: may produce up to their approved capacity, and GEM misses some small ones), so output = capacity
MINE_UTILISATION = 1.0


SEED_PLANT_NAME: dict[str, tuple[str, str]] = {}  # NAMED key -> the seed plant's names, for its other units


def gem_position(lat, lon, what="GEM") -> dict:
    return dict(latitude=round(float(lat), 5), longitude=round(float(lon), 5), coord_source=f"{what} ({GEM_LICENCE})")


def unit_rows_by_plant() -> dict[str, list[dict]]:
    plants: dict[str, list[dict]] = {}
    for u in gem.coal_units():
        plants.setdefault(u["gem_location_id"], []).append(u)
    return plants


def unit_src(u) -> str:
    return (f"{gem.GEM_LICENCE}: Global Coal Plant Tracker July 2024 unit {u['gem_unit_id']} ({u['plant_name_en']} "
            f"{u['unit_name']}), {u['mw']:,.0f} MW, {u['combustion_technology']}, coal {u['coal_type']}, started "
            f"{u['start_year']}" + (f", retired {u['retired_year']}" if u["retired_year"] else "")
            + f"; county {u['county_name_zh']} {u['county_code']} by {u['county_by']}; owner {u['owner']}")


def mine_src(m) -> str:
    return (f"{gem.GEM_LICENCE}: Global Coal Mine Tracker 2024 mine {m['gem_mine_id']} '{m['name_en']}' "
            f"({m['mine_type']}, {m['coal_type']}), capacity opened by 2020 {m['capacity_2020_t'] / 1e6:g} Mt/yr, "
            f"opened {m['opening_year'] or 'year not given'}; owner {m['owner']}; county {m['county_name_zh']} "
            f"{m['county_code']} by {m['county_by']}; estimate: output = capacity (MINE_UTILISATION)")


def build_named():
    units = unit_rows_by_plant()
    mines = {m["gem_mine_id"]: m for m in gem.coal_mines()}
    for (key, nm, en, sector, process, cty, cap, cap_u, out, ef, ule, veff, rail, siding, road, src) in NAMED:
        extra = {}
        if key in GEM_POWER_MATCH:  # the plant's first unit; the others follow in build_power
            u = units[GEM_POWER_MATCH[key]][0]
            SEED_PLANT_NAME[key] = (nm, f"{en} (GEM: {u['plant_name_en']})")
            cap, cty, out = u["mw"], u["county_code"], u["mw"] * POWER_HOURS
            nm, en = f"{nm} {gem.unit_label(u['unit_name'])}", f"{SEED_PLANT_NAME[key][1]} {u['unit_name']}"
            src = f"{src}; capacity, county and position: {unit_src(u)}; estimate: {POWER_HOURS} h"
            extra = dict(tracker_id=u["gem_unit_id"], **gem_position(u["latitude"], u["longitude"]))
        elif key in GEM_MINE_MATCH:
            m = mines[GEM_MINE_MATCH[key]]
            cap, cty = m["capacity_2020_t"], m["county_code"]
            out = cap * MINE_UTILISATION
            if key == "shanmei_puxian":
                nm, en, process = "山煤国际蒲县豹子沟煤业（中南铁路专用线托运方）", "Shanxi Coal International Puxian Baozigou coal mine", "underground"
                src = f"{src}; {SHANMEI_NOTE}"
            src = f"{src}; capacity, county and position: {mine_src(m)}"
            extra = dict(tracker_id=m["gem_mine_id"], **gem_position(m["latitude"], m["longitude"]))
        add_ent(key=key, name_zh=nm, name_en=en, sector=sector, process=process, county_code=cty,
                capacity=cap, capacity_unit=cap_u, output=out, ef=ef, ule_status=ule, voc_eff=veff,
                rail_share=rail if rail is not None else 0.0, has_siding=siding, road_haul_km=road,
                synthetic=False, source=src, **extra)


# --------------------------------------------------------------------------------------------
# 2. Synthetic plants
# --------------------------------------------------------------------------------------------
SYN_NAME = {
    "steel": "钢铁联合企业", "pellet": "球团厂", "coking": "焦化厂", "cement": "水泥熟料厂", "power": "燃煤电厂",
    "captive_power": "自备电厂", "kiln": "工业炉窑企业", "chemical": "化工企业", "coating": "涂装企业",
    "other_voc": "涉VOCs企业", "coal_mine": "煤矿", "logistics": "煤焦集运站", "boiler": "燃煤锅炉",
    "other_industry": "工业企业",
}
SYN_EN = {
    "steel": "integrated steel site", "pellet": "pellet plant", "coking": "coking plant", "cement": "cement clinker plant",
    "power": "coal power plant", "captive_power": "captive power unit", "kiln": "industrial kiln",
    "chemical": "chemical plant", "coating": "coating shop", "other_voc": "VOC emitter", "coal_mine": "coal mine",
    "logistics": "coal/coke collection station", "boiler": "coal boiler <35 t/h", "other_industry": "industrial plant",
}
_counter: dict[str, int] = defaultdict(int)


def syn_name(kind):
    _counter[kind] += 1
    i = _counter[kind]
    return f"合成{SYN_NAME[kind]}-{i:03d}（synthetic）", f"Synthetic {SYN_EN[kind]} {i:03d}"


def split_total(rng, total, n, step, lo, sigma=0.5):
    """n positive values, multiples of `step`, >= lo, summing exactly to total."""
    w = rng.lognormal(0.0, sigma, n)
    raw = total * w / w.sum()
    vals = np.maximum(lo, np.round(raw / step) * step)
    resid = total - vals.sum()
    order = np.argsort(-vals)
    k = 0
    while abs(resid) >= step / 2:
        j = order[k % n]
        d = step if resid > 0 else -step
        if vals[j] + d >= lo:
            vals[j] += d
            resid -= d
        k += 1
    vals[order[0]] += resid  # sub-step remainder (0 for integer steps)
    assert abs(vals.sum() - total) < 1e-6
    return [float(v) for v in vals]


def road_km(rng):
    return int(np.clip(round(rng.lognormal(math.log(45), 0.5)), 20, 150))


def siding_for(rng, freight_kt):
    """2020 siding status and rail share from freight volume (estimate; rules 002:L322, 003:L272)."""
    if freight_kt >= 5000:
        p = 0.85
    elif freight_kt >= 1500:
        p = 0.55
    elif freight_kt >= 500:
        p = 0.2
    else:
        p = 0.03
    has = bool(rng.random() < p)
    share = round(float(rng.uniform(0.55, 0.98)), 2) if has else 0.0
    return has, share


def pick_county(rng, city, pool=None):
    pool = pool or CITY_COUNTIES[CITY_BY_NAME[city]]
    return pool[int(rng.integers(len(pool)))]


def cc(city, names):
    return [county(city, n) for n in names]


SYN_SRC = f"draws: build_enterprises.py rng seed {SEED}"


#: estimate: Shanxi's 2020 crude-steel output, ≈6,600万t (shanxi-statistics.md §1: 6,500-6,800万t from 6,212万t in
#: Jan-Nov 2021; the 2020 yearbook figure is not found). Spread over the tracker's operating steel capacity it sets
#: the utilisation of every plant (STEEL_UTILISATION, printed by the build).
CRUDE_STEEL_2020_T = 66.0e6
#: hot metal per t of converter steel (estimate: 0.85-0.95 in Chinese BOF practice); a plant with both routes
#: makes min(1, iron / (0.9 x steel)) of its steel in converters, the rest in EAFs
HOT_METAL_PER_T_BOF = 0.9
STEEL_PROCESS = "sinter+pellet+bf+converter"
#: estimate: a typical stand-alone pellet line (1.2-2.4 Mt/yr shaft furnaces and grate-kilns), the block a pellet
#: remainder is retrofitted in
PELLET_LINE_T = 2.0e6
#: estimate: the 2020 ULE state of a steel plant without a plant-specific record (research/steel_ule_2020.csv)
STEEL_ULE_DEFAULT = ("organised", "estimate: Shanxi's steel plants were to bring organised (stack) emissions to the ULE "
                     "limits by the end of 2020 (provincial campaign, issue 22); 22 steel complexes completed ULE in 2021 "
                     "(Shanxi Dept. of Ecology and Environment via China Daily 2022-01-11, shanxi-statistics.md §1), read "
                     "as the fugitive and clean-transport stages; no plant-specific record found")


def steel_ule_state(p, found) -> tuple[str, str]:
    """The plant's 2020 ULE state and its source: the research table's where it has the plant, else the stated
    estimate. 'done' needs the fugitive stage done too; organised done alone is 'organised'."""
    r = found.get(p["gem_plant_id"])
    if not r:
        return STEEL_ULE_DEFAULT
    org, fug = r["organised_ule_2020"], r["fugitive_transport_ule_2020"]
    state = "done" if (org == "done" and fug == "done") else "organised" if org == "done" else \
        "partial" if "partial" in (org, fug) else "none"
    return state, f"ULE 2020: organised {org}, fugitive/transport {fug} ({r['evidence']}; {r['source']})"


def build_steel(rng):
    """Every steel plant of the Global Steel Plant Tracker's 2020 fleet in Shanxi (23 operating; the mothballed
    文水海威 is left out: no 2020 output), then the stand-alone pellet plants no public list gives, as remainders."""
    plants = gem.steel_plants()
    found = gem.steel_ule_2020()
    operating = [p for p in plants if p["status_2020"] == "operating"]
    util = CRUDE_STEEL_2020_T / sum(p["steel_t"] for p in operating)
    global STEEL_UTILISATION
    STEEL_UTILISATION = util
    for p in operating:
        if p["steel_t"] > 0:
            bof = min(1.0, p["iron_t"] / (HOT_METAL_PER_T_BOF * p["steel_t"])) if p["route"] == "both" else 1.0
            ef = "steel_integrated" if bof >= 1 else mixed_ef({"steel_integrated": bof, "steel_eaf": 1 - bof},
                                                               f"steel_mix_{p['gem_plant_id']}")
            cap, unit_note, process = p["steel_t"], f"crude steel capacity {p['steel_t'] / 1e6:g} Mt/yr", STEEL_PROCESS
            route = f"route {p['route']} ({p['equipment']})" + (
                f"; {bof:.0%} of the steel from converters = iron {p['iron_t'] / 1e6:g} Mt / ({HOT_METAL_PER_T_BOF} x "
                f"steel), the rest EAF" if bof < 1 else "")
        else:  # 华强: blast furnace only
            ef, cap, process = "ironmaking", p["iron_t"], "sinter+bf"
            unit_note, route = f"iron capacity {p['iron_t'] / 1e6:g} Mt/yr, no steelmaking", f"route {p['route']}"
        out = round(cap * util / 1000) * 1000
        ule, ule_src = steel_ule_state(p, found)
        fr = out * EF[ef]["freight"] / 1000
        has, share = siding_for(rng, fr)
        check = (f"GSPT 2024: {p['gspt2024_status'] or 'not found'}"
                 + (f", live steel capacity {float(p['gspt2024_steel_capacity_live_t_per_yr']) / 1e6:g} Mt/yr"
                    if p["gspt2024_steel_capacity_live_t_per_yr"] else "")
                 + (f"; GIST units started by 2020: BF {p['gist_bf_units_start_le_2020'] or 0}, BOF "
                    f"{p['gist_bof_units_start_le_2020'] or 0}, EAF {p['gist_eaf_units_start_le_2020'] or 0}"
                    if p["gist_plant_id"] else ""))
        add_ent(name_zh=p["name_zh"], name_en=p["name_en"], sector="steel", process=process,
                county_code=p["county_code"], capacity=cap, capacity_unit="t_per_yr", output=out, ef=ef,
                ule_status=ule, rail_share=share, has_siding=has, road_haul_km=road_km(rng), synthetic=False,
                tracker_id=p["gem_plant_id"], siding_drawn=True,
                source=f"{p['source']}: plant {p['gem_plant_id']} ({p['url']}), {unit_note}, {route}; owner "
                       f"{p['owner']}; county {p['county_name_zh']} {p['county_code']} by {p['county_by']}; {check}; "
                       f"estimate: output = capacity x {util:.3f} (≈6,600万t crude steel 2020, shanxi-statistics.md §1, "
                       f"over the tracker's operating capacity); {ule_src}; has_siding, rail_share and road_haul_km: "
                       "estimate: drawn at random by freight volume (not known for this plant)",
                **gem_position(p["latitude"], p["longitude"], "GEM Global Steel Plant Tracker"))
    # Stand-alone pellet plants (in the ULE scope, 003:L262): no public list, so one remainder row per host city.
    for city, pool, cap in [("吕梁", ["孝义市"], 4.4e6), ("临汾", ["襄汾县"], 3.2e6), ("运城", ["闻喜县"], 2.0e6),
                            ("晋中", ["介休市"], 1.2e6)]:
        out = round(cap * 0.8 / 10_000) * 10_000
        fr = out * EF["pellet"]["freight"] / 1000
        add_ent(name_zh=f"{city}市 独立球团其余产能（未列明企业）", name_en=f"{CITY_PINYIN[city]} stand-alone pellet capacity "
                "(plants not listed)", sector="steel", process="pellet", county_code=county(city, pool[0]),
                capacity=cap, capacity_unit="t_per_yr", output=out, ef="pellet", ule_status="none", rail_share=0.0,
                has_siding=False, road_haul_km=45, synthetic=False, identity="remainder",
                blocks=max(1, round(cap / PELLET_LINE_T)),
                source=f"estimate: stand-alone pellet capacity in {city} (003:L262 names stand-alone pellet plants in the "
                       "steel ULE scope; no public list of them found); the total 10.8 Mt/yr keeps the 10.8 Mt/yr the "
                       "earlier per-plant draws held, split over the pellet host cities; placed in the county "
                       f"with the city's steel; 80 % load; no siding, 45 km road haul (estimate)")


def build_coking(rng):
    named_cap = sum(e["capacity"] for e in ENTS if e["sector"] == "coking")
    n_named = sum(1 for e in ENTS if e["sector"] == "coking")
    plan = [  # city, n, county pool (coal-coking counties 000:L376, shanxi-statistics.md §1)
        ("吕梁", 9, ["孝义市", "交城县", "汾阳市", "文水县", "中阳县", "柳林县", "离石区"]),
        ("临汾", 6, ["洪洞县", "襄汾县", "霍州市", "古县", "安泽县", "侯马市", "乡宁县"]),
        ("长治", 5, ["潞城区", "襄垣县", "屯留区", "黎城县", "沁源县", "潞州区", "沁县"]),
        ("晋中", 5, ["介休市", "灵石县", "平遥县", "寿阳县"]),
        ("运城", 2, ["河津市"]),
        ("太原", 2, ["清徐县", "古交市"]),
    ]
    n_syn = sum(p[1] for p in plan)
    assert n_syn + n_named == 31
    caps = split_total(rng, 44_280_000 - named_cap, n_syn, 10_000, 600_000, sigma=0.45)
    i = 0
    for city, n, pool in plan:
        for _ in range(n):
            cap = caps[i]
            i += 1
            dry = rng.random() < 0.4
            ule = "partial" if rng.random() < 0.3 else "none"
            out = round(cap * rng.uniform(0.75, 0.95) / 1000) * 1000
            ef = "coking_dry" if dry else "coking_wet"
            fr = out * EF[ef]["freight"] / 1000
            has, share = siding_for(rng, fr)
            nm, en = syn_name("coking")
            add_ent(name_zh=nm, name_en=en, sector="coking", process="dry_quench" if dry else "wet_quench",
                    county_code=pick_county(rng, city, cc(city, pool)), capacity=cap, capacity_unit="t_per_yr",
                    output=out, ef=ef, ule_status=ule, voc_eff=round(float(rng.uniform(0.3, 0.6)), 2),
                    rail_share=share, has_siding=has, road_haul_km=road_km(rng), synthetic=True,
                    source=f"{SYN_SRC}; calibrated so the 31 coking plants sum to 4428万t/yr (000:L693); counties "
                           "000:L376, shanxi-statistics.md §1")


def build_cement(rng):
    named = [e for e in ENTS if e["sector"] == "cement"]
    # Yangquan 4th ULE cement plant (001:L300 says 4 incl. 冀东; 3 are named)
    yq_cap = 2000.0
    # Shuozhou: 3 cement plants among the 5 non-power ULE plants (002:L816)
    plan = [("太原", 4), ("大同", 4), ("长治", 5), ("晋城", 4), ("晋中", 5), ("运城", 5), ("忻州", 4), ("临汾", 3),
            ("吕梁", 3), ("朔州", 3)]
    n_syn = sum(p[1] for p in plan)
    assert len(named) + 1 + n_syn == 44
    caps = split_total(rng, 158_000 - sum(e["capacity"] for e in named) - yq_cap, n_syn, 100, 1000, sigma=0.4)
    days = lambda: int(rng.integers(260, 301))  # winter staggered shutdown (错峰生产), estimate
    out = yq_cap * days()
    fr = out * EF["cement_clinker"]["freight"] / 1000
    nm, en = syn_name("cement")
    add_ent(key="yq_cement4", name_zh=nm, name_en=en, sector="cement", process="clinker", county_code="140321",
            capacity=yq_cap, capacity_unit="t_per_day", output=out, ef="cement_clinker", ule_status="none",
            rail_share=0.0, has_siding=False, road_haul_km=30, synthetic=True,
            source=f"{SYN_SRC}; 4th Yangquan cement plant of 001:L300 (unnamed in the seed); 2000 t/d estimate")
    i = 0
    for city, n in plan:
        for j in range(n):
            cap = caps[i]
            i += 1
            out = cap * days()
            fr = out * EF["cement_clinker"]["freight"] / 1000
            has, share = siding_for(rng, fr)
            nm, en = syn_name("cement")
            extra = ""
            key = None
            if city == "朔州":
                extra = "; one of the 5 Shuozhou cement/chemical non-power ULE plants (002:L816)"
                key = f"sz_ule_cement_{j}"
            add_ent(key=key, name_zh=nm, name_en=en, sector="cement", process="clinker",
                    county_code=pick_county(rng, city), capacity=cap, capacity_unit="t_per_day", output=out,
                    ef="cement_clinker", ule_status="none" if (city == "朔州" or rng.random() >= 0.25) else "partial",
                    rail_share=share, has_siding=has, road_haul_km=road_km(rng), synthetic=True,
                    source=f"{SYN_SRC}; calibrated so the 44 clinker plants sum to 15.8万t/d (000:L693){extra}")


CAPTIVE_COAL_MW = 5_450  # estimate (kept from the dataset before issue 22): captive coal units, all sizes
# Captive coal capacity no public list gives, per host city (estimate: aluminium, coking and chemical host cities;
# the 5,450 MW less the tracker's 11 captive units, split in the proportions the earlier captive rows had).
CAPTIVE_REMAINDER_SHARE = {"吕梁": 5, "运城": 2, "晋中": 3, "朔州": 2, "忻州": 2, "长治": 2, "临汾": 2, "晋城": 1, "大同": 1}
#: estimate: a typical captive unit, the block a retrofit of the remainder is taken in
CAPTIVE_BLOCK_MW = 50


def build_power(rng):
    """Coal power: every unit of the Global Coal Plant Tracker's 2020 fleet in Shanxi (the seed-named plants'
    first units are already in ENTS from build_named), public and captive; then the captive capacity the tracker
    does not list, as one remainder per host city. rng is the power stream (SEED + 2); it draws each plant's
    siding status and road haul (not known for any plant)."""
    matched = {loc: key for key, loc in GEM_POWER_MATCH.items()}
    drawn = ("has_siding, rail_share and road_haul_km: estimate: drawn at random by the plant's freight volume (power stream "
             f"{SEED + 2}), not known for this plant")
    for loc, units in unit_rows_by_plant().items():
        plant_mw = sum(u["mw"] for u in units)
        captive = units[0]["is_captive"]
        hours = CAPTIVE_HOURS if captive else POWER_HOURS
        ef = "captive_coal" if captive else "power_coal"
        fr = plant_mw * hours * EF[ef]["freight"] / 1000
        has, share = siding_for(rng, fr)
        if has:
            share = round(float(rng.uniform(0.6, 1.0)), 2)
        road = road_km(rng)
        # A plant ships its coal and ash as one: its first unit's row carries the plant's whole freight and siding
        # (one siding to build, counted once by the siding rule), the other units none.
        freight_note = (f"; bulk freight: the plant's {fr:,.0f} kt/yr ({plant_mw:,.0f} MW) sits on its first unit's "
                        "row, the other units carry none")
        if loc in matched:  # unit 1 is the seed-named row (its seed siding stands for the plant); the others take its name
            base_zh, base_en = SEED_PLANT_NAME[matched[loc]]
            first = ENTS[int(KEY2ID[matched[loc]][1:]) - 1]
            first["bulk_freight_kt_per_yr"] = fr
            first["source"] += freight_note
            units = units[1:]
            carry = False
        else:
            base_zh = units[0]["plant_name_zh"] or f"{units[0]['county_name_zh']}燃煤电厂"
            base_en = units[0]["plant_name_en"]
            carry = True
        for u in units:
            low_cal = u["coal_type"] == "waste coal"
            process = "coal_captive" if captive else ("coal_cfb_low_calorific" if low_cal else "coal_pc")
            ule = ("done", "ULE done (000:L101: every coal unit at ULE)") if not captive else (
                "done", "estimate: ULE done (000:L310 keeps captive units at ULE; a unit of this size is taken to have "
                "been retrofitted by 2020 like the public units)")
            src = (f"{unit_src(u)}; {ule[1]}; estimate: {hours} h; process: "
                   f"{'CFB (estimate: waste coal is burnt in CFB boilers)' if low_cal and not captive else process}; "
                   f"{drawn}")
            if u["city_code"] == "140600":
                src += "; Shuozhou's thermal power: 10 enterprises, 9,250 MW in 002:L93, L95"
            add_ent(name_zh=f"{base_zh} {gem.unit_label(u['unit_name'])}", name_en=f"{base_en} {u['unit_name']}",
                    sector="captive_power" if captive else "power", process=process, county_code=u["county_code"],
                    capacity=u["mw"], capacity_unit="MW", output=u["mw"] * hours, ef=ef, ule_status=ule[0],
                    rail_share=share if carry else 0.0, has_siding=has and carry, road_haul_km=road,
                    synthetic=False, siding_drawn=carry, freight_kt=fr if carry else 0.0,
                    tracker_id=u["gem_unit_id"], source=src + freight_note, **gem_position(u["latitude"], u["longitude"]))
            carry = False
    listed = sum(u["mw"] for u in gem.coal_units() if u["is_captive"])
    rest = CAPTIVE_COAL_MW - listed
    weights = sum(CAPTIVE_REMAINDER_SHARE.values())
    shares = list(CAPTIVE_REMAINDER_SHARE.items())
    for i, (city, w) in enumerate(shares):  # multiples of 5 MW; the last city takes what rounding leaves
        mw = round(rest * w / weights / 5) * 5 if i < len(shares) - 1 else rest - sum(
            round(rest * w_ / weights / 5) * 5 for _, w_ in shares[:-1])
        out = mw * CAPTIVE_HOURS
        seat = CITY_COUNTIES[CITY_BY_NAME[city]][0]
        add_ent(name_zh=f"{city}市 自备燃煤机组其余容量（未列明企业）", name_en=f"{CITY_PINYIN[city]} captive coal units "
                "(plants not listed)", sector="captive_power", process="coal_captive", county_code=seat,
                capacity=float(mw), capacity_unit="MW", output=out, ef="captive_coal", ule_status="partial",
                rail_share=0.0, has_siding=False, road_haul_km=45, synthetic=False, identity="remainder",
                blocks=max(1, round(mw / CAPTIVE_BLOCK_MW)),
                source=f"estimate: captive coal capacity {CAPTIVE_COAL_MW:,} MW (kept from the dataset before issue 22) less "
                       f"the tracker's {listed:,.0f} MW of captive units = {rest:,.0f} MW, split over host cities "
                       f"{w}/{weights}; units under ~100 MW that the tracker does not list (aluminium, coking, "
                       f"chemicals); half of them at ULE (partial); {CAPTIVE_HOURS} h; placed at the city's first "
                       f"district; taken in blocks of {CAPTIVE_BLOCK_MW} MW; no siding, 45 km road haul (estimate)")


#: Shuozhou: 12 mines in 朔城区/平鲁区 had no siding in 2020 (002:L820); the 7 seed-named 平鲁 mines (002:L811) are
#: taken to be among them, the other 5 are the smallest of the two districts' other mines (estimate)
SZ_NO_SIDING = 12


def build_mines(rng):
    """Every coal mine of the Global Coal Mine Tracker with capacity opened by 2020 (the seed-named ones are
    already in ENTS from build_named), output = capacity (MINE_UTILISATION). No public list gives a mine's siding:
    it is drawn by size (estimate), except in Shuozhou, whose rule (002:L820) fixes which 12 lack one. The road
    haul is the distance to the nearest railway station where research/rail has it, else drawn."""
    taken = set(GEM_MINE_MATCH.values())
    access = gem.mine_rail_access()
    mines = [m for m in gem.coal_mines() if m["gem_mine_id"] not in taken]
    named_sz = sum(1 for k in GEM_MINE_MATCH if k != "shanmei_puxian")
    sz_pool = sorted((m for m in mines if m["county_code"] in ("140602", "140603")),
                     key=lambda m: (m["capacity_2020_t"], m["gem_mine_id"]))
    sz_without = {m["gem_mine_id"] for m in sz_pool[:SZ_NO_SIDING - named_sz]}
    for m in mines:
        cap = m["capacity_2020_t"]
        s_mt = cap / 1e6
        if m["city_code"] == "140600":
            has = m["gem_mine_id"] not in sz_without
            siding_src = ("one of the 12 朔城/平鲁 mines without siding (002:L820; estimate: the smallest)" if not has
                          else "Shuozhou: only the 12 mines of 002:L820 lack a siding")
        else:
            p = 0.97 if s_mt >= 5 else 0.85 if s_mt >= 2.4 else 0.6 if s_mt >= 1.2 else 0.35
            has = bool(rng.random() < p)
            siding_src = f"has_siding: estimate: drawn at random, p = {p} for its size (not known for this mine)"
        share = round(float(rng.uniform(0.75, 1.0)), 2) if has else 0.0
        a = access.get(m["gem_mine_id"])
        if a:
            road = max(1, round(float(a["road_haul_km"])))
            road_src = (f"road_haul_km: {a['straight_km']} km in a straight line to the nearest railway station "
                        f"({a['nearest_station']}, research/rail) x 1.3; stations © {a['source'].split('; ')[0]}")
        else:
            road = road_km(rng)
            road_src = "road_haul_km: estimate: drawn at random (no station list)"
        name_zh = f"{m['county_name_zh']}煤矿（GEM: {m['name_en']}）"
        add_ent(name_zh=name_zh, name_en=m["name_en"], sector="coal_mine",
                process="open_pit" if m["mine_type"] == "surface" else "underground", county_code=m["county_code"],
                capacity=cap, capacity_unit="t_per_yr", output=cap * MINE_UTILISATION, ef="coal_mine",
                rail_share=share, has_siding=has, road_haul_km=road, synthetic=False, siding_drawn=m["city_code"] != "140600",
                tracker_id=m["gem_mine_id"], source=f"{mine_src(m)}; {siding_src}; {road_src}",
                **gem_position(m["latitude"], m["longitude"], "GEM Global Coal Mine Tracker"))


def build_kilns(rng):
    plan = {  # city: list of processes (estimate; ceramics in 怀仁 金沙滩 002:L789, refractories in 阳泉 001:L228)
        "阳泉": ["refractory", "refractory", "refractory", "refractory", "ceramsite", "lime"],
        "大同": ["lime", "lime", "brick", "brick", "ceramics", "refractory"],
        "朔州": ["ceramics", "ceramics", "ceramics", "ceramics", "lime", "lime", "brick", "brick"],
        "忻州": ["lime", "brick", "brick", "ceramics", "refractory"],
        "太原": ["lime", "refractory", "carbon", "brick", "ceramics"],
        "长治": ["lime", "lime", "refractory", "brick", "carbon", "ceramics"],
        "晋城": ["lime", "refractory", "ceramics", "brick", "brick", "carbon"],
        "晋中": ["lime", "lime", "refractory", "brick", "ceramics", "carbon"],
        "运城": ["lime", "ceramics", "brick", "brick", "carbon", "refractory"],
        "临汾": ["lime", "lime", "refractory", "brick", "ceramics", "carbon"],
        "吕梁": ["refractory", "refractory", "lime", "lime", "brick", "carbon"],
    }
    size = {"refractory": (30e3, 150e3), "ceramics": (30e3, 200e3), "lime": (50e3, 300e3), "brick": (50e3, 200e3),
            "carbon": (30e3, 150e3), "ceramsite": (50e3, 150e3)}
    for city, procs in plan.items():
        pool = cc("朔州", ["怀仁市"]) if city == "朔州" else None
        for proc in procs:
            lo, hi = size[proc]
            cap = round(rng.uniform(lo, hi) / 1000) * 1000
            out = round(cap * rng.uniform(0.7, 0.9) / 100) * 100
            ef = f"kiln_{proc}"
            fr = out * EF[ef]["freight"] / 1000
            has, share = siding_for(rng, fr)
            veff = round(float(rng.uniform(0.3, 0.6)), 2) if proc == "carbon" else None
            nm, en = syn_name("kiln")
            cty = pick_county(rng, city, pool if (pool and proc == "ceramics") else None)
            add_ent(name_zh=nm, name_en=en, sector="kiln", process=proc, county_code=cty, capacity=cap,
                    capacity_unit="t_per_yr", output=out, ef=ef, ule_status="partial" if rng.random() < 0.3 else "none",
                    voc_eff=veff, rail_share=share, has_siding=has, road_haul_km=road_km(rng), synthetic=True,
                    source=f"{SYN_SRC}; industrial kilns to deep treatment (000:L310, 000:L693, 003:L264)")


def build_other_industry(rng):
    plan = [("吕梁", "alumina", ["孝义市", "交口县", "兴县"]), ("吕梁", "alumina", ["孝义市", "交口县", "兴县"]),
            ("忻州", "alumina", ["原平市"]), ("朔州", "ferroalloy", ["朔城区", "山阴县"]),
            ("晋城", "foundry", ["高平市", "泽州县"]), ("太原", "foundry", ["清徐县", "小店区"])]
    size = {"alumina": (0.8e6, 2.0e6), "ferroalloy": (0.1e6, 0.3e6), "foundry": (0.1e6, 0.4e6)}
    for city, proc, pool in plan:
        lo, hi = size[proc]
        cap = round(rng.uniform(lo, hi) / 10_000) * 10_000
        out = round(cap * rng.uniform(0.75, 0.9) / 1000) * 1000
        fr = out * EF[proc]["freight"] / 1000
        has, share = siding_for(rng, fr)
        nm, en = syn_name("other_industry")
        add_ent(name_zh=nm, name_en=en, sector="other_industry", process=proc,
                county_code=pick_county(rng, city, cc(city, pool)), capacity=cap, capacity_unit="t_per_yr",
                output=out, ef=proc, ule_status="partial" if rng.random() < 0.3 else "none",
                voc_eff=0.3 if proc == "foundry" else None, rail_share=share, has_siding=has,
                road_haul_km=road_km(rng), synthetic=True,
                source=f"{SYN_SRC}; other industrial kilns/furnaces (000:L310; 003:L262)")


def build_voc(rng):
    # Shuozhou: 14 VOC enterprises at 30 % (002:L817) = 中煤能源化工厂 (named) + 13 synthetic;
    # 2 of the synthetic chemical plants are the chemical part of the 5 non-power ULE plants (002:L816).
    sz = [("chemical", True), ("chemical", True), ("chemical", False), ("chemical", False)] + \
         [("coating", False)] * 4 + [("printing", False)] * 3 + [("fuel_storage", False)] * 2
    assert len(sz) + 1 == 14
    other = {  # city: (chemical, coating, other_voc)
        "太原": (6, 8, 6), "大同": (3, 3, 3), "阳泉": (2, 2, 1), "长治": (6, 4, 3), "晋城": (5, 3, 2),
        "晋中": (4, 4, 3), "运城": (4, 5, 4), "忻州": (2, 2, 2), "临汾": (4, 3, 3), "吕梁": (5, 2, 2),
    }
    jobs = [("朔州", k, ule) for k, ule in sz]
    for city, (a, b, c) in other.items():
        jobs += [(city, "chemical", False)] * a + [(city, "coating", False)] * b
        jobs += [(city, "printing" if rng.random() < 0.5 else "fuel_storage", False) for _ in range(c)]
    n_ule = 0
    for city, kind, ule_flag in jobs:
        eff = 0.30 if city == "朔州" else round(float(rng.uniform(0.3, 0.7)), 2)
        if kind == "chemical":
            cap = round(rng.uniform(60e3, 600e3) / 1000) * 1000
            out = round(cap * rng.uniform(0.7, 0.9) / 100) * 100
            sector, ef, unit = "chemical", "chemical", "t_per_yr"
        elif kind == "coating":
            out = round(float(rng.uniform(40, 400)))
            cap = round(out / 0.8)
            sector, ef, unit = "coating", "coating", "t_per_yr"
        elif kind == "printing":
            out = round(float(rng.uniform(20, 200)))
            cap = round(out / 0.8)
            sector, ef, unit = "other_voc", "printing", "t_per_yr"
        else:
            out = round(float(rng.uniform(50e3, 300e3)) / 1000) * 1000
            cap = round(out / 0.8 / 1000) * 1000
            sector, ef, unit = "other_voc", "fuel_storage", "t_per_yr"
        fr = out * EF[ef]["freight"] / 1000
        has, share = siding_for(rng, fr) if fr > 0 else (False, 0.0)
        nm, en = syn_name(sector)
        src = f"{SYN_SRC}; VOC emitter, current treatment efficiency 0.3-0.7 (000:L312; 003:L266)"
        key = None
        if city == "朔州":
            src += "; one of Shuozhou's 14 VOC enterprises at 30 % (002:L817)"
        if ule_flag:
            src += "; one of the 5 Shuozhou cement/chemical non-power ULE plants (002:L816)"
            key = f"sz_ule_chem_{n_ule}"
            n_ule += 1
        if city == "朔州":
            key = key or f"sz_voc_{_counter[sector] + 1}_{kind}"
        add_ent(key=key, name_zh=nm, name_en=en, sector=sector, process=kind if kind != "chemical" else "chemical",
                county_code=pick_county(rng, city), capacity=cap, capacity_unit=unit, output=out, ef=ef,
                ule_status="none" if sector == "chemical" else "", voc_eff=eff, rail_share=share, has_siding=has,
                road_haul_km=road_km(rng), synthetic=True, source=src)


def build_logistics(rng):
    plan = [("吕梁", ["柳林县", "离石区", "临县", "中阳县"]), ("吕梁", ["孝义市", "汾阳市"]), ("吕梁", ["兴县", "岚县"]),
            ("临汾", ["乡宁县", "蒲县"]), ("临汾", ["霍州市", "汾西县"]), ("长治", ["襄垣县", "沁源县"]),
            ("长治", ["屯留区", "长子县"]), ("晋中", ["灵石县", "介休市"]), ("忻州", ["宁武县", "河曲县"]),
            ("大同", ["左云县", "云冈区"])]
    for city, pool in plan:
        out = round(float(rng.uniform(1.0e6, 6.0e6)) / 10_000) * 10_000
        cap = round(out / 0.7 / 10_000) * 10_000
        fr = out * EF["terminal"]["freight"] / 1000
        has = bool(rng.random() < 0.3)
        share = round(float(rng.uniform(0.6, 0.95)), 2) if has else 0.0
        nm, en = syn_name("logistics")
        add_ent(name_zh=nm, name_en=en, sector="logistics", process="coal_coke_terminal",
                county_code=pick_county(rng, city, cc(city, pool)), capacity=cap, capacity_unit="t_per_yr",
                output=out, ef="terminal", rail_share=share, has_siding=has, road_haul_km=road_km(rng),
                synthetic=True,
                source=f"{SYN_SRC}; coal/coke collection station, candidate for the 31 siding projects (000:L693)")


def build_boilers(rng):
    plan = {"大同": 95, "朔州": 75, "忻州": 70, "太原": 8, "长治": 12, "晋城": 8, "晋中": 10, "运城": 6,
            "临汾": 8, "吕梁": 8}  # none in 阳泉 (001:L80)
    assert sum(plan.values()) == 300
    sizes = np.array([1, 2, 4, 6, 10, 15, 20, 25])
    p = np.array([0.10, 0.20, 0.22, 0.16, 0.16, 0.07, 0.06, 0.03])
    for city, n in plan.items():
        for _ in range(n):
            tph = int(rng.choice(sizes, p=p))
            hours = int(rng.integers(2400, 3600))  # heating season + some process steam (estimate)
            out = round(tph * hours * rng.uniform(0.6, 0.8))
            nm, en = syn_name("boiler")
            add_ent(name_zh=nm, name_en=en, sector="boiler", process="coal_boiler_lt35", county_code=pick_county(rng, city),
                    capacity=tph, capacity_unit="t_steam_per_h", output=out, ef="boiler_coal", ule_status="none",
                    boiler=tph, rail_share=0.0, has_siding=False, road_haul_km=int(rng.integers(20, 61)),
                    synthetic=True,
                    source=f"{SYN_SRC}; coal boilers <35 t/h concentrated in 大同/朔州/忻州 (000:L304), none in 阳泉 "
                           f"(001:L80); {hours} h/yr")


# --------------------------------------------------------------------------------------------
# 3. Projects (seed-stated figures only; capex = 亿元 x 1e8)
# --------------------------------------------------------------------------------------------
def yi(x):
    return round(x * 1e8)


# key (enterprise), name_zh, region, family, capex_yi, nox_cut, households, start, finish, source
PROJECTS = [
    # Yangquan 表13-1 (001:L750-807); row 1 (monitoring, 8.798亿, 001:L754) excluded: not a reduction measure
    ("jidong", "环保提档升级改造项目（阳泉冀东水泥；堆料棚抑尘、爆破抑尘、配料站收尘）", "140311", "ule", 0.806, None, None,
     "2020-01", "2021-05", "001:L755 (row 2; PM/fugitive only; 0.26亿 done in 13th FYP)"),
    ("jidong", "阳泉冀东水泥有限责任公司厂区环保提升改造项目", "140311", "ule", 16.83718, None, None, "2021-03", "2023-03",
     "001:L756 (row 3; fugitive PM <0.5 mg/m3; PM only)"),
    ("jidong", "阳泉冀东水泥有限责任公司脱硝改造项目", "140311", "ule", 6.14, 940, None, "2021-03", "2022-03",
     "001:L757 (row 4; NOx <50 mg/m3, NOx -940 t/yr stated)"),
    ("xinlei", "山西太钢鑫磊资源有限公司窑尾除尘超低排放改造项目（行5）", "140322", "ule", 1.47563, None, None, "2020-07",
     "2021-08", f"001:L758, L762 (row 5; PM only; 0.23亿 done in 13th FYP) {YU}; same text as row 22 -- possible duplicate"),
    ("huitong", "环保治理技术改造项目（汇通恒源北昇）", "140311", "ule", 1.06, None, None, "2020-06", "2021-09",
     "001:L763 (row 6; SNCR + dual-alkali FGD + ESP to 10/50/100 mg/m3; 0.2亿 done)"),
    ("shangbaiquan", "环保深化治理改造工程（上白泉）", "140311", "ule", 1.44, None, None, "2019-09", "2021-05",
     "001:L764 (row 7; 10/50/100 mg/m3; 0.375亿 done)"),
    ("xingtong", "新建洗储煤棚二期建设项目（盂县兴通）", "140322", "ule", 2.4, None, None, "2020-09", "2021-02",
     f"001:L765 (row 8; 15000 m2 coal shed; fugitive PM only) {YU}"),
    ("xishangzhuang_mine", "西上庄煤矿瓦斯利用工程", "140311", "efficiency", 2.45, None, None, "", "",
     "001:L766 (row 9; coal-mine methane use, 30-50万 m3/day; no dates)"),
    (None, "低浓度瓦斯提纯项目", "140300", "efficiency", 0.8, None, None, "", "",
     "001:L767 (row 10; low-concentration CMM purification 30-50万 m3/day; location blank in seed)"),
    ("xishangzhuang_pp", "西上庄低热值煤发电项目热电联产集中供热工程项目（供热面积1800万m2）", "140311", "heating", 8.02, None,
     None, "", "", "001:L768, L772 (row 11; 16 heat stations, 23.35 km network, heating area 1800万 m2)"),
    (None, "阳泉市东部(高新区义白路以东)集中供热管网工程（供热面积900余万m2）", "140311", "heating", 5.16, None, None, "", "",
     "001:L773 (row 12; 38.5 km, 80 stations, heating area 900余万 m2); 高新区 -> 郊区 140311 (host county)"),
    ("xinsheng", "脱硫除尘及脱硝环保技术改造项目（鑫升碳素）", "140321", "ule", 0.99346, None, None, "2019-12", "2021-10",
     "001:L774 (row 13)"),
    ("fengze_hy", "阳泉市丰泽恒业耐火材料有限公司环境污染治理工程项目", "140311", "ule", 1.04, None, None, "2020-03", "2021-10",
     f"001:L775 (row 14; 5/20/100 mg/m3); {YQ_ZONE}"),
    ("fengze_yj", "阳泉市丰泽永进耐火材料有限公司关于环保深化治理改造项目", "140311", "ule", 0.73246, None, None, "2020-06",
     "2021-07", "001:L776 (row 15; 10/50/100 mg/m3)"),
    ("huabo", "阳泉华博新材料有限公司技改项目", "140311", "ule", 0.855, None, None, "2020-05", "2021-07",
     "001:L777 (row 16; 10/50/100 mg/m3)"),
    ("xinsheng_cer", "阳泉市鑫盛瓷业有限公司环保全面深化治理改造项目", "140311", "ule", 0.39, None, None, "2020-03", "2021-09",
     "001:L781 (row 17; 10/50/100 mg/m3)"),
    ("qingshan", "环保深度治理提标升级改造项目（平定县青山石厂）", "140321", "ule", 0.975, None, None, "2019-10", "2021-10",
     "001:L782 (row 18; fugitive PM <1 mg/m3 + FGD)"),
    ("jinyulong", "回转窑脱硫脱硝除尘项目（金豫龙陶粒砂）", "140321", "ule", 1.2669, None, None, "2020-03", "2021-10",
     "001:L783 (row 19; 10/50/100 mg/m3)"),
    ("tianlong", "阳泉天隆净水材料有限公司环保深化治理改造项目", "140311", "ule", 0.61048, None, None, "2021-03", "2021-09",
     "001:L784 (row printed as 25; there is no row 20; low-NOx burner + SCR + high-temperature baghouse)"),
    ("zhengxing", "原料库全封闭项目（山西正兴有色）", "140321", "ule", 1.01418, None, None, "2020-06", "2021-10",
     "001:L785 (row 21; 4 closed stores 7288 m2; fugitive PM only)"),
    ("xinlei", "窑尾除尘超低排放改造项目（山西太钢鑫磊，行22）", "140322", "ule", 0.95563, None, None, "2020-07", "2021-08",
     f"001:L786, L790 (row 22; identical text to row 5 with a different capex -- possible duplicate) {YU}"),
    ("ruiyixin", "阳泉市瑞益鑫耐火材料厂环保治理技术改造项目", "140311", "ule", 0.36, None, None, "2021-07", "2022-02",
     "001:L791 (row 23; PM 10 mg/m3; fugitive/PM only)"),
    ("xixiaoping", "山西盂县西小坪耐火材料有限公司环保设施提标升级改造项目", "140322", "ule", 3.791, None, None, "2021-10",
     "2022-10", f"001:L792 (row 24; DeNOx on 13 tunnel kilns) {YU}"),
    (None, "清洁取暖运行补贴（煤改气、煤改电）", "140300", "heating", 37.3761388, None, 141807, "2022-11", "2023-03",
     "001:L793 (row 25; 141807 households/yr; lead 阳泉市能源局; implied 26,357 yuan/household is not a unit cost)"),
    ("yamei", "山西亚美建筑工程材料有限责任公司环境保护超低排放技术改造项目", "140311", "ule", 9.98111, None, None, "2021-09",
     "2022-06", f"001:L794 (row 26; low-NOx burner + low-NOx calciner + SCR; 20990 m2 stores); {YQ_ZONE}"),
    ("fuyue", "山西西小坪福跃耐火材料有限公司环保提标改造项目", "140322", "ule", 2.395, None, None, "2020-01", "2021-12",
     f"001:L795 (row 27; 5 tunnel kilns 47520万 m3/yr) {YU}"),
    ("shentangzui", "神堂嘴煤层气发电站烟气脱硝项目", "140311", "ule", 0.834769, None, None, "2021-10", "2022-03",
     "001:L796, L800 (row 28; 2 SCR on 9.4 + 6.8 t/h waste-heat boilers; 10/50/100 mg/m3)"),
    ("dongliangzhuang", "环保深化治理改造工程（东梁庄耐火）", "140311", "ule", 0.3406, None, None, "2020-11", "2021-11",
     "001:L801 (row 29; 10/50/100 mg/m3)"),
    ("shenghuo", "阳泉市圣火炉料有限公司环保深度治理项目", "140311", "ule", 0.45, None, None, "2019-12", "2021-09",
     "001:L802 (row 30; 10/50/100 mg/m3)"),
    ("wanglu", "年产3万吨耐火材料技改及环保设施提标升级项目（王垆）", "140311", "ule", 0.754, None, None, "2020-06", "2021-06",
     f"001:L803 (row 31; 5/20/100 mg/m3); {YQ_ZONE}"),
    ("nanlou", "山西南娄集团水泥有限公司大气污染超低排放深度治理改造项目", "140322", "ule", 2.7542, None, None, "2021-07",
     "2022-09", f"001:L807 (row 32; low-NOx + SCR; 建设主体 printed as 阳泉市生态环境局) {YU}"),
    ("yq_cement4", "阳泉市第4家水泥企业超低排放改造（seed 未列名）", "140321", "ule", None, None, None, "", "",
     "001:L300 (4 cement plants incl. 冀东 to do ULE; the 4th is not named -- a remainder row)"),
    ("jinyu", "山西晋玉煤焦化VOCs治理（效率>80%）", "140321", "voc", None, None, None, "", "",
     "001:L330 (key VOC target; all VOC enterprises >80 %)"),
    # Yangquan 表13-2 (industrial)
    ("huayang_nm", "华阳集团新材料污水处理零排放系统升级改造项目", "140303", "wastewater", 0.64, None, None, "", "",
     "001:L840 (表13-2 row 17; ZLD upgrade)"),
    # Shuozhou 表11-1 (002; no capex or dates stated)
    ("shentou1", "朔州市朔城区神头一电厂管网接入市污水处理厂维修改造工程", "140602", "wastewater", None, None, None, "", "",
     "002:L807 (#29; new sewer 7852 m)"),
    ("shentou2", "朔州市朔城区神头二电厂水源置换工程（年使用中水1000万方）", "140602", "wastewater", None, None, None, "", "",
     "002:L808 (#30; 6891 m pipe; 1000万 m3/yr reclaimed water)"),
    (None, "朔州市平鲁区入河排污口整治（易顺、后安、国强、芦家窑、大恒、中煤能源化工厂、森泰、下梨园等）", "140603",
     "wastewater", None, None, None, "", "", "002:L811 (#31; 10 outfalls)"),
    ("@sz_ule", "朔州市非电超低排放改造工程（{n}）", "", "ule", None, None, None, "", "",
     "002:L816 (#36; 5 cement/chemical plants to 10/35/50 mg/m3; one seed project split per plant)"),
    ("@sz_voc", "朔州市VOCs综合治理工程（{n}）", "", "voc", None, None, None, "", "",
     "002:L817 (#37; 14 enterprises, efficiency 30 % -> 80 %; one seed project split per plant)"),
    (None, "朔州市重点行业无组织排放治理工程（79家）", "140600", "ule", None, None, None, "", "",
     "002:L818 (#38; 79 enterprises enclose stockyards/coal sheds; fugitive PM only)"),
    (None, "朔州市燃煤清洁化替代工程（集中供热改造、换热站、生物质锅炉）", "140600", "heating", None, None, None, "", "",
     "002:L819 (#39)"),
    ("@sz_rail", "货物运输\u201c公转铁\u201d提升工程（{n}）", "", "rail", None, None, None, "", "",
     "002:L820 (#40; 12 coal mines in 朔城区/平鲁区 get sidings; one seed project split per mine)"),
    # Linfen 专栏 (003; no capex or dates stated)
    ("huozhou_pp", "工业余热供热工程：国电霍州发电厂余热输送至霍州、洪洞、尧都区、襄汾县", "141082", "heating", None, None,
     None, "", "", "003:L310"),
    ("zhaoguang_pp", "工业余热供热工程：兆光发电厂余热输送至霍州、洪洞、尧都区、襄汾县", "141082", "heating", None, None,
     None, "", "", "003:L310"),
    ("houma_pp", "工业余热供热工程：侯马发电厂余热输送至曲沃县", "141081", "heating", None, None, None, "", "", "003:L310"),
    (None, "工业余热供热工程：洪洞县、曲沃县、浮山县、古县、安泽县新建工业园区余热供热", "141000", "heating", None, None, None,
     "", "", "003:L310"),
    ("tanping", "谭坪煤矿运煤铁路专用线", "141082", "rail", None, None, None, "", "", "003:L316 (①)"),
    ("guxian_park", "古县新能源循环经济产业园铁路专用线", "141025", "rail", None, None, None, "", "", "003:L316 (②)"),
    ("yongxin", "安泽县永鑫铁路专用线（27.7 km, 1000万t/yr）", "141026", "rail", 23.0, None, None, "2018-08", "2024-06",
     "003:L316 (③); capex, length, capacity and dates from sxrb 2024-07-03 (parameters.md §3), not from the seed"),
    ("shanmei_puxian", "中南铁路山煤国际蒲县专用线", "141033", "rail", None, None, None, "", "", "003:L316 (④)"),
    ("taimei_lf", "太原煤气化临汾新能源铁路专用线", "141027", "rail", None, None, None, "", "",
     "003:L316 (⑤); 浮山县, 16 km (juzini.cn, not the seed)"),
    ("hengfu", "洪洞恒富煤焦集运站铁路专用线及煤炭储备集装箱站台项目", "141024", "rail", None, None, None, "", "",
     "003:L316 (⑥)"),
    ("beitong", "北方铜业股份有限公司侯马北铜铜业有限公司节能技术改造（综合回收）项目", "141081", "efficiency", None, None,
     None, "", "", "003:L246 (专栏1)"),
    # Province 表2 programmes (000:L693)
    (None, "全省31家焦化企业超低排放改造（焦化产能4428万吨）", "140000", "ule", None, None, None, "", "",
     "000:L693 (programme; plant-level rows are the 31 coking enterprises)"),
    (None, "全省44家水泥熟料生产企业超低排放改造（熟料产能15.8万吨/日）", "140000", "ule", None, None, None, "", "",
     "000:L693 (programme; plant-level rows are the 44 cement enterprises)"),
    (None, "31个铁路专用线建设项目（煤矿、物流园、货运站、煤电储运）", "140000", "rail", None, None, None, "", "",
     "000:L693 (programme)"),
]


# Catalogue measure (inputs/measures.csv) that each stated plant project instantiates, by project name.
# Linked only where the seed text makes the technology clear; the model then uses the stated investment
# (and the stated NOx cut for 冀东) instead of the catalogue's unit cost for that plant and measure.
PROJECT_MEASURE = {
    # 001:L757 PYROCLON calciner + SNCR to NOx <50 mg/m3, the cement ULE limit: the plant's way to meet the ULE rule
    # (cement_ule; stated capex and NOx cut, the package's SO2 and PM removal from the catalogue: estimate)
    "阳泉冀东水泥有限责任公司脱硝改造项目": "cement_ule",
    "山西亚美建筑工程材料有限责任公司环境保护超低排放技术改造项目": "cement_ule",  # 001:L794 low-NOx + SCR + bags
    "山西南娄集团水泥有限公司大气污染超低排放深度治理改造项目": "cement_ule",  # 001:L807 low-NOx + SCR + bags
    "环保治理技术改造项目（汇通恒源北昇）": "kiln_deep",  # 001:L763 SNCR + FGD + ESP
    "环保深化治理改造工程（上白泉）": "kiln_deep",  # 001:L764
    "脱硫除尘及脱硝环保技术改造项目（鑫升碳素）": "kiln_deep",  # 001:L774
    "阳泉市丰泽恒业耐火材料有限公司环境污染治理工程项目": "kiln_deep",  # 001:L775
    "阳泉市丰泽永进耐火材料有限公司关于环保深化治理改造项目": "kiln_deep",  # 001:L776
    "阳泉华博新材料有限公司技改项目": "kiln_deep",  # 001:L777
    "阳泉市鑫盛瓷业有限公司环保全面深化治理改造项目": "kiln_deep",  # 001:L781
    "环保深度治理提标升级改造项目（平定县青山石厂）": "kiln_deep",  # 001:L782
    "回转窑脱硫脱硝除尘项目（金豫龙陶粒砂）": "kiln_deep",  # 001:L783
    "阳泉天隆净水材料有限公司环保深化治理改造项目": "kiln_deep",  # 001:L784
    "山西盂县西小坪耐火材料有限公司环保设施提标升级改造项目": "kiln_deep",  # 001:L792
    "山西西小坪福跃耐火材料有限公司环保提标改造项目": "kiln_deep",  # 001:L795
    "环保深化治理改造工程（东梁庄耐火）": "kiln_deep",  # 001:L801
    "阳泉市圣火炉料有限公司环保深度治理项目": "kiln_deep",  # 001:L802
    "年产3万吨耐火材料技改及环保设施提标升级项目（王垆）": "kiln_deep",  # 001:L803
}


def build_projects():
    rows = []

    def add(eid, name, region, family, capex, nox, hh, start, finish, src):
        rows.append(dict(project_id=f"P{len(rows) + 1:03d}", name_zh=name, enterprise_id=eid or "", region_code=region,
                         family=family, measure_id=PROJECT_MEASURE.get(name, ""), capex_cny=capex, nox_cut_t=nox, so2_cut_t=None, pm_cut_t=None,
                         vocs_cut_t=None, households=hh, capacity_m3_per_day=None, start=start, finish=finish,
                         source=src))

    by_id = {e["enterprise_id"]: e for e in ENTS}
    for key, name, region, family, capex, nox, hh, start, finish, src in PROJECTS:
        capex_cny = yi(capex) if capex is not None else None
        if key and key.startswith("@"):
            if key == "@sz_ule":  # the 5 plants, now 2 remainder rows (3 cement, 2 chemical blocks)
                ids = sorted({KEY2ID[k] for k in KEY2ID if k.startswith("sz_ule_")})
                assert sum(by_id[i]["blocks"] for i in ids) == 5, ids
            elif key == "@sz_voc":  # the 14 enterprises: named rows and remainder blocks
                ids = [e["enterprise_id"] for e in ENTS if city_of(e["county_code"]) == "140600"
                       and e["voc_treatment_eff"] is not None]
                assert sum(by_id[i]["blocks"] for i in ids) == 14
            else:
                ids = [e["enterprise_id"] for e in ENTS if e["sector"] == "coal_mine"
                       and e["county_code"] in ("140602", "140603") and not e["has_siding"]]
                assert len(ids) == 12
            for eid in ids:
                e = by_id[eid]
                add(eid, name.format(n=e["name_zh"]), e["county_code"], family, None, None, None, "", "", src)
        else:
            eid = KEY2ID[key] if key else ""
            add(eid, name, region, family, capex_cny, nox, hh, start, finish, src)
    return rows


# --------------------------------------------------------------------------------------------
# Output, summaries, checks
# --------------------------------------------------------------------------------------------
def fmt(v, col):
    if v is None or v == "":
        return ""
    if isinstance(v, (bool, np.bool_)):
        return "true" if v else "false"
    if isinstance(v, (int, np.integer)):
        return str(int(v))
    if isinstance(v, float):
        if col in ("nox_t", "so2_t", "pm_t", "vocs_t", "co2_t", "bulk_freight_kt_per_yr"):
            return f"{v:.3f}".rstrip("0").rstrip(".") if v != 0 else "0"
        if col in ("rail_share", "voc_treatment_eff"):
            return f"{v:.2f}"
        if float(v).is_integer():
            return str(int(v))
        return f"{v:.4f}".rstrip("0").rstrip(".")
    return str(v)


def county_centroids() -> dict[str, tuple[float, float]]:
    """(latitude, longitude) of each county polygon's area centroid in inputs/counties.geojson (shoelace formula
    on the largest ring of each polygon, weighted by area; WGS84 degrees, good enough for a map point)."""
    data = json.loads((Path(__file__).resolve().parents[1] / "counties.geojson").read_text(encoding="utf-8"))
    out = {}
    for f in data["features"]:
        geom = f["geometry"]
        polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
        a_sum = cx = cy = 0.0
        for poly in polys:
            ring = poly[0]
            a = x = y = 0.0
            for (x0, y0), (x1, y1) in zip(ring, ring[1:] + ring[:1]):
                cross = x0 * y1 - x1 * y0
                a += cross
                x += (x0 + x1) * cross
                y += (y0 + y1) * cross
            if a:
                a_sum += a / 2
                cx += x / 6
                cy += y / 6
        out[f["properties"]["region_code"]] = (cy / a_sum, cx / a_sum)
    return out


def write_csv(path, cols, rows):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            w.writerow([fmt(r.get(c), c) for c in cols])


def summarise():
    def table(keyf, title):
        agg = defaultdict(lambda: defaultdict(float))
        for e in ENTS:
            k = keyf(e)
            a = agg[k]
            a["n"] += 1
            for c in ("output", "nox_t", "so2_t", "pm_t", "vocs_t", "co2_t", "bulk_freight_kt_per_yr"):
                a[c] += e[c] or 0.0
            a["road_kt"] += (e["bulk_freight_kt_per_yr"] or 0) * (1 - (e["rail_share"] or 0))
        print(f"\n== {title} ==")
        hdr = f"{'':16s}{'n':>5s}{'NOx t':>11s}{'SO2 t':>11s}{'PM t':>10s}{'VOCs t':>10s}{'CO2 Mt':>9s}{'freight Mt':>11s}{'road Mt':>9s}"
        print(hdr)
        tot = defaultdict(float)
        for k in sorted(agg):
            a = agg[k]
            for c in a:
                tot[c] += a[c]
            print(f"{k:16s}{int(a['n']):5d}{a['nox_t']:11,.0f}{a['so2_t']:11,.0f}{a['pm_t']:10,.0f}{a['vocs_t']:10,.0f}"
                  f"{a['co2_t'] / 1e6:9.1f}{a['bulk_freight_kt_per_yr'] / 1e3:11.1f}{a['road_kt'] / 1e3:9.1f}")
        print(f"{'TOTAL':16s}{int(tot['n']):5d}{tot['nox_t']:11,.0f}{tot['so2_t']:11,.0f}{tot['pm_t']:10,.0f}"
              f"{tot['vocs_t']:10,.0f}{tot['co2_t'] / 1e6:9.1f}{tot['bulk_freight_kt_per_yr'] / 1e3:11.1f}"
              f"{tot['road_kt'] / 1e3:9.1f}")

    table(lambda e: e["sector"], "by sector")
    table(lambda e: CITY_NAME[city_of(e["county_code"])] + " " + city_of(e["county_code"]), "by city")

    # key capacities per city (units differ by sector, so one column per sector)
    print("\n== key capacity / output by city ==")
    print(f"{'':16s}{'steel out Mt':>13s}{'coke cap Mt':>12s}{'clinker t/d':>12s}{'power MW':>10s}{'captive MW':>11s}"
          f"{'coal out Mt':>12s}{'boilers':>8s}{'kilns':>6s}{'VOC firms':>10s}")
    kc = defaultdict(lambda: defaultdict(float))
    for e in ENTS:
        k = CITY_NAME[city_of(e["county_code"])] + " " + city_of(e["county_code"])
        s_ = e["sector"]
        if s_ == "steel" and e["process"] != "pellet":
            kc[k]["steel"] += e["output"] / 1e6
        elif s_ == "coking":
            kc[k]["coke"] += e["capacity"] / 1e6
        elif s_ == "cement":
            kc[k]["clinker"] += e["capacity"]
        elif s_ in ("power", "captive_power"):
            kc[k][s_] += e["capacity"]
        elif s_ == "coal_mine":
            kc[k]["coal"] += e["output"] / 1e6
        elif s_ == "boiler":
            kc[k]["boiler"] += 1
        elif s_ == "kiln":
            kc[k]["kiln"] += 1
        if e["voc_treatment_eff"] is not None and s_ in ("chemical", "coating", "other_voc"):
            kc[k]["voc"] += 1
    for k in sorted(kc):
        a = kc[k]
        print(f"{k:16s}{a['steel']:13.1f}{a['coke']:12.2f}{a['clinker']:12,.0f}{a['power']:10,.0f}{a['captive_power']:11,.0f}"
              f"{a['coal']:12.1f}{int(a['boiler']):8d}{int(a['kiln']):6d}{int(a['voc']):10d}")

    # capacity / output per sector
    print("\n== capacity and output by sector (and process unit) ==")
    cap = defaultdict(lambda: [0, 0.0, 0.0])
    for e in ENTS:
        k = (e["sector"], e["capacity_unit"], e["output_unit"])
        cap[k][0] += 1
        cap[k][1] += e["capacity"]
        cap[k][2] += e["output"]
    for (s, cu, ou), (n, c, o) in sorted(cap.items()):
        print(f"{s:15s} n={n:4d}  capacity={c:>16,.0f} {cu:14s} output={o:>16,.0f} {ou}")

    # calibration
    coking = [e for e in ENTS if e["sector"] == "coking"]
    cement = [e for e in ENTS if e["sector"] == "cement"]
    power = [e for e in ENTS if e["sector"] == "power"]
    captive = [e for e in ENTS if e["sector"] == "captive_power"]
    steel = [e for e in ENTS if e["sector"] == "steel" and e["process"] != "pellet"]
    mines = [e for e in ENTS if e["sector"] == "coal_mine"]
    sz = lambda e: city_of(e["county_code"]) == "140600"
    units = gem.coal_units()
    steel_plants = [e for e in ENTS if e["sector"] == "steel" and e["plant_identity"] == "named"]
    checks = {
        "coking enterprises (named + remainder blocks) == 31": sum(e["blocks"] for e in coking) == 31,
        "coking capacity == 44,280,000 t/yr": sum(e["capacity"] for e in coking) == 44_280_000,
        "cement enterprises (named + remainder blocks) == 44": sum(e["blocks"] for e in cement) == 44,
        "cement capacity == 158,000 t/day": sum(e["capacity"] for e in cement) == 158_000,
        "every GEM 2020 coal unit is a row (189)": len(units) == 189 and sorted(
            e["tracker_id"] for e in power + captive if e["tracker_id"]) == sorted(u["gem_unit_id"] for u in units),
        "captive coal == 5,450 MW": abs(sum(e["capacity"] for e in captive) - CAPTIVE_COAL_MW) < 1e-6,
        "coal power all ULE done": all(e["ule_status"] == "done" for e in power),
        "23 operating GEM steel plants, crude steel == 66 Mt (±0.1 %)": len(steel_plants) == 23 and abs(
            sum(e["output"] for e in steel if e["output_unit"] == "t_crude_steel") / CRUDE_STEEL_2020_T - 1) < 1e-3,
        "晋城 has its steel (福盛, 泽州县)": any(e["county_code"] == "140525" for e in steel_plants),
        "太钢 in 尖草坪区": any(e["county_code"] == "140108" and "太钢" in e["name_zh"] for e in steel_plants),
        "Shuozhou VOC enterprises at 0.30 == 14": sum(e["blocks"] for e in ENTS if sz(e) and e["voc_treatment_eff"] == 0.30) == 14,
        "Shuozhou VOC emitters == 14": sum(e["blocks"] for e in ENTS if sz(e) and e["voc_treatment_eff"] is not None) == 14,
        "Shuozhou 朔城/平鲁 mines without siding == 12": sum(1 for e in mines if e["county_code"] in ("140602", "140603")
                                                       and not e["has_siding"]) == 12,
        "Shuozhou non-power ULE flagged == 5": sum(1 for k in KEY2ID if k.startswith("sz_ule_")) == 5,
        "Yangquan cement (named + blocks) == 4": sum(e["blocks"] for e in cement if city_of(e["county_code"]) == "140300") == 4,
        "no synthetic row": not any(e["plant_identity"] == "synthetic" for e in ENTS),
        "no boiler in Yangquan": not any(e["sector"] == "boiler" and city_of(e["county_code"]) == "140300" for e in ENTS),
        "road_haul_km within 1..150": all(e["road_haul_km"] is None or 1 <= e["road_haul_km"] <= 150 for e in ENTS),
    }
    print(f"\n== steel: utilisation {STEEL_UTILISATION:.3f} of the tracker's operating capacity ==")
    print("\n== coal power by city, MW (public / captive; named rows from the tracker, remainders) ==")
    for code in sorted(CITY_NAME):
        pub = [e for e in power if city_of(e["county_code"]) == code]
        cap_ = [e for e in captive if city_of(e["county_code"]) == code]
        print(f"{CITY_NAME[code]:4s}{code:>8s}{sum(e['capacity'] for e in pub):8,.0f} MW {len(pub):3d} units"
              f"{sum(e['capacity'] for e in cap_):8,.0f} MW captive {len(cap_):3d} rows")
    print(f"  Shuozhou public coal: {sum(e['capacity'] for e in power if sz(e)):,.0f} MW in "
          f"{len({e['name_zh'].rsplit(' ', 1)[0] for e in power if sz(e)})} plants "
          "(seed: 10 enterprises, 9,250 MW, 002:L93, L95)")

    print("\n== calibration checks ==")
    for k, ok in checks.items():
        print(f"  [{'ok' if ok else 'FAIL'}] {k}")
    mo = sum(e["output"] for e in mines)
    rail = sum(e["output"] * (e["rail_share"] or 0) for e in mines)
    print(f"  coal mines: {len(mines)} rows, output {mo / 1e6:,.0f} Mt = {mo / 10.63e8:.0%} of 10.63亿t; "
          f"rail share of modelled mine output {rail / mo:.0%}; "
          f">=0.9 Mt/yr: {sum(1 for e in mines if e['capacity'] >= 0.9e6)}/{len(mines)}")
    for cname, code in (("Shuozhou", "140600"), ("Linfen", "141000")):
        big = [e for e in ENTS if city_of(e["county_code"]) == code and (e["bulk_freight_kt_per_yr"] or 0) >= 1500]
        print(f"  {cname}: {len(big)} shippers >= 1.5 Mt/yr, {sum(1 for e in big if not e['has_siding'])} without siding "
              "in 2020 (rule 002:L322 / 003:L272 -- the gap the rail measure closes)")
    print(f"  cement clinker output {sum(e['output'] for e in cement) / 1e6:.1f} Mt; coke output "
          f"{sum(e['output'] for e in coking) / 1e6:.1f} Mt; power output "
          f"{sum(e['output'] for e in power) / 1e6:.1f} TWh; captive {sum(e['output'] for e in captive) / 1e6:.1f} TWh")

    # ULE potential (steel, coking, cement to 'done') + VOC potential (all VOC emitters to 0.80)
    pot = defaultdict(float)
    for e in ENTS:
        if e["sector"] in ("steel", "coking", "cement") and e["ule_status"] != "done":
            efd = EF[e["source"].split("EF table '")[1].split("'")[0]]
            for p in ("nox", "so2", "pm"):
                pot[p] += e["output"] * (ef_pick(efd[p], e["ule_status"]) - efd[p][1]) / 1000
        eff = e["voc_treatment_eff"]
        if eff is not None and eff < 0.8:
            pot["vocs"] += e["vocs_t"] * (1 - 0.2 / (1 - eff))
    print("\n== reduction potential: every steel/coking/cement plant to ULE; every VOC emitter to 80 % ==")
    print(f"  NOx {pot['nox']:,.0f} t (target 80,100)  SO2 {pot['so2']:,.0f} t (target 78,000)  "
          f"PM {pot['pm']:,.0f} t  VOCs {pot['vocs']:,.0f} t (target 34,000)   [000:L193-195]")
    return all(checks.values())


# --------------------------------------------------------------------------------------------
# 3. Remainders: where no public list names the plants, the capacity per city and process, never invented firms
# --------------------------------------------------------------------------------------------
REMAINDER_NAME = {
    "coking": ("焦化其余产能", "coking capacity"), "cement": ("水泥熟料其余产能", "cement clinker capacity"),
    "kiln": ("工业炉窑其余产能", "industrial kiln capacity"), "chemical": ("化工其余产能", "chemical plants"),
    "coating": ("工业涂装其余企业", "coating shops"), "other_voc": ("涉VOCs其余企业", "VOC emitters"),
    "logistics": ("煤焦集运站其余吞吐量", "coal/coke terminal throughput"),
    "boiler": ("35蒸吨以下燃煤锅炉", "coal boilers < 35 t/h"), "other_industry": ("工业炉窑其余产能", "industrial plants"),
}
PROCESS_ZH = {"refractory": "耐火材料", "ceramics": "陶瓷", "lime": "石灰", "brick": "砖瓦", "carbon": "炭素",
              "ceramsite": "陶粒", "alumina": "氧化铝", "ferroalloy": "铁合金", "foundry": "铸造", "printing": "包装印刷",
              "fuel_storage": "油品储运", "coating": "", "chemical": "", "clinker": "", "wet_quench": "（湿法熄焦）",
              "dry_quench": "（干法熄焦）", "coal_boiler_lt35": "", "coal_coke_terminal": ""}


def merge_into_remainders() -> None:
    """Replace the per-plant draws of the sectors no public list covers by one remainder row per city and process
    (the seed's Shuozhou groups, and there each VOC treatment level, stay apart): capacity, output, emissions and
    freight are the sums of the draws, the ULE state the one most of the capacity had, the county the one holding
    most of it, a siding if any part had one (the rail share is the freight-weighted mean), and ``blocks`` the
    number of draws, so a measure is taken in blocks of a typical plant of the city. Ids are renumbered; KEY2ID
    follows."""
    groups: dict[tuple, list[dict]] = {}
    order: list[dict | tuple] = []
    for e in ENTS:
        if e["plant_identity"] != "synthetic":
            order.append(e)
            continue
        key_of = next((k for k, v in KEY2ID.items() if v == e["enterprise_id"]), "")
        sz_group = next((g for g in ("sz_ule_cement", "sz_ule_chem", "sz_voc", "yq_cement4") if key_of.startswith(g)), "")
        key = (e["sector"], e["process"], city_of(e["county_code"]), None, e["voc_treatment_eff"]
               if city_of(e["county_code"]) == "140600" else None, sz_group, e["capacity_unit"])
        if key not in groups:
            groups[key] = []
            order.append(key)
        groups[key].append(e)
    old_ids = {}
    merged: list[dict] = []
    for item in order:
        if isinstance(item, dict):
            merged.append(item)
            continue
        parts = groups[item]
        sector, process, city_code, ule, _, sz_group, _ = item
        first = dict(parts[0])
        for c in ("capacity", "output", "nox_t", "so2_t", "pm_t", "vocs_t", "co2_t", "bulk_freight_kt_per_yr"):
            first[c] = sum(p_[c] or 0.0 for p_ in parts)
        fr = first["bulk_freight_kt_per_yr"]
        if fr:
            first["rail_share"] = round(sum(p_["bulk_freight_kt_per_yr"] * (p_["rail_share"] or 0) for p_ in parts) / fr, 2)
            first["road_haul_km"] = round(sum(p_["bulk_freight_kt_per_yr"] * (p_["road_haul_km"] or 0) for p_ in parts) / fr)
            first["has_siding"] = any(p_["has_siding"] for p_ in parts)  # part of it already ships by rail
        effs = [p_["voc_treatment_eff"] for p_ in parts if p_["voc_treatment_eff"] is not None]
        if effs:  # the treatment of the whole: raw VOCs weighted
            raw = [(p_["vocs_t"] / (1 - p_["voc_treatment_eff"]), p_["voc_treatment_eff"]) for p_ in parts]
            tot = sum(r for r, _ in raw)
            first["voc_treatment_eff"] = round(sum(r * f for r, f in raw) / tot, 2) if tot else round(sum(effs) / len(effs), 2)
        if first["boiler_t_per_h"] is not None:
            first["boiler_t_per_h"] = round(first["capacity"] / len(parts), 1)
        by_state = defaultdict(float)
        for p_ in parts:
            by_state[p_["ule_status"]] += p_["capacity"]
        first["ule_status"] = max(sorted(by_state), key=lambda k: by_state[k])  # emissions are the exact sums
        by_county = defaultdict(float)
        for p_ in parts:
            by_county[p_["county_code"]] += p_["capacity"]
        first["county_code"] = max(sorted(by_county), key=lambda c: by_county[c])
        city = CITY_NAME[city_code]
        zh, en = REMAINDER_NAME[sector]
        proc_zh = PROCESS_ZH.get(process, "")
        if sector in ("kiln", "other_industry", "other_voc"):
            zh = f"{proc_zh}{zh}" if proc_zh and not proc_zh.startswith("（") else zh
        elif proc_zh.startswith("（"):
            zh = f"{zh}{proc_zh}"
        flag = {"sz_ule_cement": "（非电超低排放 002:L816）", "sz_ule_chem": "（非电超低排放 002:L816）",
                "yq_cement4": "（第4家 001:L300）"}.get(sz_group, "")
        if sz_group.startswith("sz_voc"):
            flag = "（VOCs 30% 002:L817）"
        first["name_zh"] = f"{city}市 {zh}（未列明企业）{flag}"
        first["name_en"] = (f"{CITY_PINYIN[city]} {en} ({process.replace('_', ' ')}; plants not listed)")
        n = len(parts)
        counties = ", ".join(f"{COUNTY_NAME[c]} {by_county[c] / first['capacity']:.0%}" for c in sorted(
            by_county, key=lambda c: -by_county[c]))
        stat = parts[0]["source"].split("; ", 1)[1].split("; factors:")[0] if "; " in parts[0]["source"] else ""
        ef_key = parts[0]["source"].split("EF table '")[1].split("'")[0]
        first["source"] = (f"remainder: {city} {en} beyond the named plants, {n} typical plant(s) of the earlier "
                           f"draws (build_enterprises.py seed {SEED}) merged; capacity per city: {stat}; the plants "
                           f"are not named in any public list found; counties of the draws: {counties} (placed in "
                           f"the first); taken in {n} equal block(s); factors: EF table "
                           f"'{ef_key}' in "
                           "inputs/scripts/build_enterprises.py")
        first["plant_identity"], first["synthetic"], first["blocks"] = "remainder", False, n
        first["siding_drawn"] = True
        first["latitude"] = first["longitude"] = first["coord_source"] = None
        for p_ in parts:
            old_ids[p_["enterprise_id"]] = first
        merged.append(first)
    row_of = {e["enterprise_id"]: e for e in ENTS} | old_ids
    ENTS[:] = merged
    for i, e in enumerate(ENTS):
        e["enterprise_id"] = f"E{i + 1:04d}"
    for k, v in list(KEY2ID.items()):
        KEY2ID[k] = row_of[v]["enterprise_id"]


SIDING_GAP_TARGET = 31  # 000:L693: 31 siding projects (铁路专用线建设项目) in the 14th FYP


def calibrate_sidings(rng):
    """Leave exactly 31 big shippers (>= 1.5 Mt/yr bulk freight, 002:L322, 003:L272) without a siding in 2020.

    estimate: we read the provincial plan's 31 siding projects (000:L693) as the number of large shippers
    that still lacked a siding in 2020. Shippers whose siding projects the seeds name keep theirs missing
    (Shuozhou's 12 mines in 朔城区/平鲁区, 002:L820; Linfen 专栏2, 003:L316); among the other synthetic ones
    and the GPPD power plants (whose siding status was drawn, siding_drawn), randomly chosen plants are given an
    existing siding (rail share U(0.55, 0.98)) until 31 remain.
    A separate random stream is used so the rest of the synthetic data does not change.
    """
    big = [e for e in ENTS if (e["bulk_freight_kt_per_yr"] or 0) >= 1500 and not e["has_siding"]]
    protected = [e for e in big if not (e["synthetic"] or e["siding_drawn"]) or (
        e["sector"] == "coal_mine" and e["county_code"] in ("140602", "140603"))]
    free = [e for e in big if e not in protected]
    n_flip = max(0, len(big) - SIDING_GAP_TARGET)
    for i in sorted(rng.choice(len(free), size=min(n_flip, len(free)), replace=False)):
        e = free[int(i)]
        e["has_siding"] = True
        e["rail_share"] = round(float(rng.uniform(0.55, 0.98)), 2)
        e["source"] += "; siding calibrated so 31 big shippers lack one in 2020 (000:L693, calibrate_sidings)"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="exit 1 if a calibration check fails")
    ap.add_argument("--out", default=str(OUT), help="output directory (default: inputs/)")
    args = ap.parse_args(argv)
    ENTS.clear()
    KEY2ID.clear()
    _counter.clear()
    rng = np.random.default_rng(SEED)
    build_named()
    build_steel(rng)
    build_coking(rng)
    build_cement(rng)
    build_power(np.random.default_rng(SEED + 2))  # own stream
    build_mines(rng)
    build_kilns(rng)
    build_other_industry(rng)
    build_voc(rng)
    build_logistics(rng)
    build_boilers(rng)
    merge_into_remainders()
    calibrate_sidings(np.random.default_rng(SEED + 1))
    centroids = county_centroids()
    for e in ENTS:  # region codes are strings of 6 digits; round outputs
        assert len(e["county_code"]) == 6
        if e["latitude"] is None:  # no plant list with a position (GPPD gives the coal power plants'): its centroid
            e["latitude"], e["longitude"] = (round(v, 4) for v in centroids[e["county_code"]])
            e["coord_source"] = "county centroid (counties.geojson); not the plant's own position"
    projects = build_projects()
    out = Path(args.out)
    (out / "research" / "gem").mkdir(parents=True, exist_ok=True)
    rec = reconcile_power(out / "research" / "gem" / "power_reconciliation.csv")
    print(f"power_reconciliation.csv: {sum(1 for r in rec if r['gppd_plant_key'] and r['gem_location_id'])} GPPD plants "
          f"matched, {sum(1 for r in rec if r['gppd_plant_key'] and not r['gem_location_id'])} not, "
          f"{sum(1 for r in rec if not r['gppd_plant_key'])} tracker plants GPPD lacked")
    write_csv(out / "enterprises.csv", ENT_COLUMNS, ENTS)
    write_csv(out / "projects.csv", PROJ_COLUMNS, projects)
    print(f"wrote {out / 'enterprises.csv'} ({len(ENTS)} rows) and {out / 'projects.csv'} ({len(projects)} rows)")
    ok = summarise()
    if args.check and not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
