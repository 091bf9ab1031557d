"""Seeded generator of synthetic datasets of any size with the schema of inputs/ (every row marked synthetic).

    .venv/bin/python benchmarks/make_dataset.py --counties 3000 --enterprises 30000 --out /tmp/national

Plants are resampled from the default Shanxi dataset (sector mix, sizes, emission factors and freight
as there) and placed in random synthetic counties; counties get rural bulk-coal households and wastewater
candidates resampled the same way. Measures, prices and baselines are copied (the baselines scaled by size).
Codes: province 140000, cities 14CC00, counties 14CCNN (99 cities x 99 counties at most). Nothing here is
real data: it exists to measure how ersim scales.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "inputs"
SRC = "synthetic: benchmarks/make_dataset.py seed {seed}, resampled from the default Shanxi dataset"


def make(counties: int, enterprises: int, out: Path, seed: int = 7) -> Path:
    if counties > 99 * 99:
        raise SystemExit("at most 9801 counties (99 cities x 99 counties per code block)")
    rng = np.random.default_rng(seed)
    src = SRC.format(seed=seed)
    read = lambda name: pd.read_csv(DEFAULT / f"{name}.csv", dtype=str, keep_default_na=False)  # noqa: E731
    out.mkdir(parents=True, exist_ok=True)

    # regions: ~counties/10 cities, counties spread evenly
    n_cities = max(1, int(np.ceil(counties / 10)))
    if n_cities > 99:
        n_cities = int(np.ceil(counties / 99))
    regions = read("regions")
    shanxi_counties = regions[regions["level"] == "county"]
    prov = regions[regions["level"] == "province"].iloc[0].copy()
    rows = []
    scale = counties / len(shanxi_counties)
    prov["gdp_2020_cny"] = str(float(prov["gdp_2020_cny"]) * scale)
    prov["population_2020"] = str(float(prov["population_2020"]) * scale)
    prov["source"] = src
    rows.append(prov)
    city_codes = [f"14{c:02d}00" for c in range(1, n_cities + 1)]
    for c in city_codes:
        rows.append(pd.Series({"region_code": c, "level": "city", "name_zh": f"合成市{c[2:4]}",
                               "name_pinyin": f"Hecheng City {c[2:4]}", "parent_code": "140000", "city_code": c,
                               "terrain": "", "gdp_2020_cny": "", "gdp_growth_pct_per_yr": "5.0",
                               "population_2020": "", "rural_coal_households_2020": "", "source": src}))
    county_codes = []
    samples = shanxi_counties.sample(counties, replace=True, random_state=seed)
    for k, (_, s) in enumerate(samples.iterrows()):
        city = city_codes[k % n_cities]
        code = f"{city[:4]}{k // n_cities + 1:02d}"
        county_codes.append(code)
        rows.append(pd.Series({"region_code": code, "level": "county", "name_zh": f"合成县{code}",
                               "name_pinyin": f"Hecheng {code}", "parent_code": city, "city_code": city,
                               "terrain": s["terrain"], "gdp_2020_cny": s["gdp_2020_cny"],
                               "gdp_growth_pct_per_yr": "5.0", "population_2020": "",
                               "rural_coal_households_2020": s["rural_coal_households_2020"], "source": src}))
    pd.DataFrame(rows).to_csv(out / "regions.csv", index=False)

    # enterprises: resample plants, new ids and counties
    ent = read("enterprises").sample(enterprises, replace=True, random_state=seed + 1).reset_index(drop=True)
    ent["enterprise_id"] = [f"X{i:06d}" for i in range(len(ent))]
    ent["name_zh"] = [f"合成{s}-{i:06d}（synthetic）" for i, s in zip(range(len(ent)), ent["sector"])]
    ent["name_en"] = ""
    ent["county_code"] = rng.choice(county_codes, size=len(ent))
    ent["tracker_id"] = ""  # identity and blocks stay as resampled: the rows are stand-ins for benchmarking only
    ent["source"] = src
    ent.to_csv(out / "enterprises.csv", index=False)

    # wastewater: resample candidates per county
    ww = read("wastewater")
    per_county = max(1, int(round(len(ww) / len(shanxi_counties))))
    ww = ww.sample(per_county * counties, replace=True, random_state=seed + 2).reset_index(drop=True)
    ww["candidate_id"] = [f"WX{i:06d}" for i in range(len(ww))]
    ww["county_code"] = np.repeat(county_codes, per_county)[: len(ww)]
    ww["name_zh"] = [f"合成污水{i:06d}（synthetic）" for i in range(len(ww))]
    ww["capex_cny"] = ""
    ww["programme"] = "true"
    ww["source"] = src
    ww.to_csv(out / "wastewater.csv", index=False)

    read("projects").iloc[:0].to_csv(out / "projects.csv", index=False)
    for name in ("measures", "prices"):
        shutil.copy(DEFAULT / f"{name}.csv", out / f"{name}.csv")
    b = read("baselines")
    b["value"] = [str(float(v) * scale) for v in b["value"]]
    b["source"] = src
    b.to_csv(out / "baselines.csv", index=False)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--counties", type=int, default=3000)
    ap.add_argument("--enterprises", type=int, default=30000)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, required=True)
    a = ap.parse_args()
    print(f"wrote {make(a.counties, a.enterprises, a.out, a.seed)}")


if __name__ == "__main__":
    main()
