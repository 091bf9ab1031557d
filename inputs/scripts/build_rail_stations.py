"""Build inputs/research/rail/: road haul from each GEM coal mine to the nearest railway station (OpenStreetMap).

Rerun:  python inputs/scripts/build_rail_stations.py                 (from the committed stations.csv)
        python inputs/scripts/build_rail_stations.py --source ZIP     (re-cut stations.csv from the source zip)
        (standard library + numpy + pandas; reads inputs/counties.geojson and
        inputs/research/gem/coal_mines_operating.csv)

Groundwork only: the model does NOT read these tables.

Source: OpenStreetMap railway stations of China as cut by OpenQGIS/OMap-GeoDB, file
oData-railway-station/Railway-station_oData.zip (added in commit 62b777dbb2b0e98c5f896e95576b4d7a647fc837,
unchanged at 29eeb63f0c0216899de431156a5493eef0b27eae); a point shapefile (WGS 84) with two attributes,
`name` and `station` (train / subway / tram / tram_stop / monorail). Its README: "created from OpenStreetMap
data and ... licensed under the Open Database 1.0 License". Attribution: (c) OpenStreetMap contributors.
To get the zip:
    git --git-dir=/work/.mirror/OpenQGIS+OMap-GeoDB/repo show \\
        62b777dbb2b0e98c5f896e95576b4d7a647fc837:oData-railway-station/Railway-station_oData.zip > /tmp/st.zip

What it writes (UTF-8):
- stations.csv: the `station=train` points in Shanxi or within BUFFER_KM of it (distance to the nearest
  county polygon of counties.geojson), columns name,lat,lon,kind,source. This is the kept copy of the source
  rows: without --source the script reads it back instead of the zip. `name` is empty where the source has none
  (about 75 % of the kept points, 89 % of those inside Shanxi).
- mine_rail_access.csv: for every mine of coal_mines_operating.csv, the nearest kept station by great-circle
  distance (haversine, mean Earth radius 6371.0088 km) and road_haul_km = straight_km x DETOUR_FACTOR.

DETOUR_FACTOR = 1.3 (road circuity): road-network distance over straight-line distance is commonly put at
1.2-1.4 (e.g. Ballou, Rahardja & Sakai 2002, Transportation Research Part A 36(9) 843-848, country circuity
factors); the Swiss Mobility and Transport Microcensus 2015 gives median car detour factors of 1.32-1.43 across
distance bands from 0.5 km to over 100 km (antonindanalet/detourfactor @412046914094d54e74820e837f3d9c05c61819bf,
mtmc2015/data/results/detour_factor_median.csv). 1.3 is the low end for hilly Shanxi; see the README for the
limits (passenger vs freight stations, private sidings and loading points missing).
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import struct
import zipfile
from pathlib import Path

import numpy as np
import pandas as pd

INPUTS = Path(__file__).resolve().parents[1]
OUT_DIR = INPUTS / "research" / "rail"
MINES_CSV = INPUTS / "research" / "gem" / "coal_mines_operating.csv"
COUNTIES = INPUTS / "counties.geojson"

SOURCE_REPO = "OpenQGIS/OMap-GeoDB"
SOURCE_COMMIT = "62b777dbb2b0e98c5f896e95576b4d7a647fc837"
SOURCE_PATH = "oData-railway-station/Railway-station_oData.zip"
SOURCE_SHA256 = "fad5a7f25a56cf29d6a4454ea557e7e9a98ce3463a0ec330f601e6c850f83df5"
SRC_STATIONS = (f"OpenStreetMap contributors via {SOURCE_REPO}@{SOURCE_COMMIT[:7]} {SOURCE_PATH} "
                "(station=train points), ODbL 1.0")

BUFFER_KM = 50.0
DETOUR_FACTOR = 1.3
EARTH_R_KM = 6371.0088
KIND = "osm railway=station (station=train)"


# --------------------------------------------------------------------------------------------- source

def read_shapefile_zip(data: bytes) -> pd.DataFrame:
    """Points and attributes of the single point shapefile in the OMap-GeoDB zip (pure struct parsing)."""
    z = zipfile.ZipFile(io.BytesIO(data))
    stem = next(n[:-4] for n in z.namelist() if n.lower().endswith(".shp"))
    shp, dbf = z.read(stem + ".shp"), z.read(stem + ".dbf")
    encoding = z.read(stem + ".cpg").decode("ascii").strip() if stem + ".cpg" in z.namelist() else "utf-8"
    if struct.unpack("<i", shp[32:36])[0] != 1:
        raise ValueError("expected a Point shapefile")
    xs, ys, off = [], [], 100
    while off < len(shp):
        _, content_words = struct.unpack(">ii", shp[off:off + 8])
        shape_type = struct.unpack("<i", shp[off + 8:off + 12])[0]
        if shape_type == 1:
            x, y = struct.unpack("<2d", shp[off + 12:off + 28])
        else:  # null shape
            x = y = float("nan")
        xs.append(x)
        ys.append(y)
        off += 8 + 2 * content_words
    n = struct.unpack("<I", dbf[4:8])[0]
    header_len, rec_len = struct.unpack("<HH", dbf[8:12])
    fields, pos = [], 1  # byte 0 of a record is the deletion flag
    for i in range(32, header_len - 1, 32):
        name = dbf[i:i + 11].split(b"\0")[0].decode("ascii")
        length = dbf[i + 16]
        fields.append((name, pos, length))
        pos += length
    cols: dict[str, list] = {name: [] for name, _, _ in fields}
    deleted = []
    for r in range(n):
        rec = dbf[header_len + r * rec_len: header_len + (r + 1) * rec_len]
        deleted.append(rec[:1] == b"*")
        for name, p, length in fields:
            cols[name].append(rec[p:p + length].decode(encoding).strip())
    if n != len(xs):
        raise ValueError(f"{n} dbf records but {len(xs)} shapes")
    df = pd.DataFrame(cols)
    df["lon"], df["lat"] = xs, ys
    return df[~np.array(deleted)].reset_index(drop=True)


# --------------------------------------------------------------------------------------------- geometry

def shanxi_rings(path: Path = COUNTIES) -> list[np.ndarray]:
    """Every ring (lon, lat arrays) of every county polygon."""
    rings = []
    for f in json.loads(path.read_text(encoding="utf-8"))["features"]:
        g = f["geometry"]
        polys = g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]
        for poly in polys:
            for ring in poly:
                rings.append(np.asarray(ring, dtype=float)[:, :2])
    return rings


def inside_any(lon: np.ndarray, lat: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Even-odd point-in-polygon per county (holes handled by the parity within each county's rings)."""
    crossings = np.zeros(len(lon), dtype=int)
    for ring in rings:
        x1, y1 = ring[:-1, 0], ring[:-1, 1]
        x2, y2 = ring[1:, 0], ring[1:, 1]
        straddle = (y1[None, :] > lat[:, None]) != (y2[None, :] > lat[:, None])
        with np.errstate(divide="ignore", invalid="ignore"):
            xcross = x1[None, :] + (lat[:, None] - y1[None, :]) * (x2 - x1)[None, :] / (y2 - y1)[None, :]
        crossings += (straddle & (lon[:, None] < xcross)).sum(axis=1)
    # Counties do not overlap, so the total parity over all rings is the parity of the one county (if any)
    # that holds the point: an odd total means inside Shanxi.
    return crossings % 2 == 1


def dist_to_rings_km(lon: np.ndarray, lat: np.ndarray, rings: list[np.ndarray]) -> np.ndarray:
    """Distance (km) from each point to the nearest ring segment, in a local equirectangular projection."""
    lat0 = np.radians(37.5)
    kx, ky = EARTH_R_KM * np.pi / 180 * np.cos(lat0), EARTH_R_KM * np.pi / 180
    px, py = lon * kx, lat * ky
    segs = np.concatenate([np.hstack([r[:-1], r[1:]]) for r in rings])
    ax, ay, bx, by = segs[:, 0] * kx, segs[:, 1] * ky, segs[:, 2] * kx, segs[:, 3] * ky
    dx, dy = bx - ax, by - ay
    len2 = np.where(dx * dx + dy * dy > 0, dx * dx + dy * dy, 1.0)
    best = np.full(len(px), np.inf)
    for s in range(0, len(px), 256):
        qx, qy = px[s:s + 256, None], py[s:s + 256, None]
        t = np.clip(((qx - ax) * dx + (qy - ay) * dy) / len2, 0.0, 1.0)
        d = np.hypot(qx - (ax + t * dx), qy - (ay + t * dy))
        best[s:s + 256] = d.min(axis=1)
    return best


def haversine_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Great-circle distance matrix (km) between points 1 (rows) and points 2 (columns)."""
    la1, lo1 = np.radians(np.asarray(lat1))[:, None], np.radians(np.asarray(lon1))[:, None]
    la2, lo2 = np.radians(np.asarray(lat2))[None, :], np.radians(np.asarray(lon2))[None, :]
    h = np.sin((la2 - la1) / 2) ** 2 + np.cos(la1) * np.cos(la2) * np.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_R_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))


# --------------------------------------------------------------------------------------------- build

def stations_from_source(data: bytes, counties: Path = COUNTIES, buffer_km: float = BUFFER_KM) -> pd.DataFrame:
    """The station=train points in Shanxi or within buffer_km of it, as stations.csv rows."""
    digest = hashlib.sha256(data).hexdigest()
    if digest != SOURCE_SHA256:
        print(f"warning: source sha256 {digest} differs from the recorded {SOURCE_SHA256}")
    raw = read_shapefile_zip(data)
    pts = raw[(raw["station"] == "train") & raw["lon"].notna()].reset_index(drop=True)
    rings = shanxi_rings(counties)
    allpts = np.vstack(rings)
    pad = buffer_km / 80.0 + 0.1  # degrees: generous box, then the exact test below
    box = (pts["lon"].between(allpts[:, 0].min() - pad, allpts[:, 0].max() + pad)
           & pts["lat"].between(allpts[:, 1].min() - pad, allpts[:, 1].max() + pad))
    pts = pts[box].reset_index(drop=True)
    lon, lat = pts["lon"].to_numpy(), pts["lat"].to_numpy()
    near = inside_any(lon, lat, rings) | (dist_to_rings_km(lon, lat, rings) <= buffer_km)
    out = pd.DataFrame({
        "name": pts["name"],
        "lat": pts["lat"].round(6),
        "lon": pts["lon"].round(6),
        "kind": KIND,
        "source": SRC_STATIONS,
    })[near]
    return out.sort_values(["lat", "lon", "name"], kind="mergesort").reset_index(drop=True)


def mine_access(stations: pd.DataFrame, mines: pd.DataFrame, detour: float = DETOUR_FACTOR) -> pd.DataFrame:
    """Nearest station (great circle) for every mine and the road-haul estimate."""
    d = haversine_km(mines["latitude"], mines["longitude"], stations["lat"], stations["lon"])
    j = d.argmin(axis=1)
    straight = d[np.arange(len(mines)), j]
    st = stations.iloc[j].reset_index(drop=True)
    names = st["name"].fillna("").astype(str)
    return pd.DataFrame({
        "gem_mine_id": mines["gem_mine_id"].to_numpy(),
        "nearest_station": names.where(names != "", "(unnamed)").to_numpy(),
        "station_lat": st["lat"].to_numpy(),
        "station_lon": st["lon"].to_numpy(),
        "straight_km": np.round(straight, 2),
        "road_haul_km": np.round(straight * detour, 2),
        "source": (f"{SRC_STATIONS}; road_haul_km = great-circle km x {detour} detour factor; "
                   "mines: Global Energy Monitor GCMT 2024, CC BY 4.0"),
    })


def read_stations_csv(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"name": str}, keep_default_na=False)


def to_csv_text(df: pd.DataFrame) -> str:
    return df.to_csv(index=False, lineterminator="\n")


def summary(access: pd.DataFrame) -> dict[str, float]:
    r = access["road_haul_km"]
    return {
        "mines": len(access),
        "median_road_haul_km": round(float(r.median()), 2),
        "p90_road_haul_km": round(float(r.quantile(0.9)), 2),
        "max_road_haul_km": round(float(r.max()), 2),
        "mines_road_haul_le_5km": int((r <= 5).sum()),
        "mines_straight_le_5km": int((access["straight_km"] <= 5).sum()),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source", type=Path, default=None,
                    help=f"{SOURCE_PATH} from {SOURCE_REPO}; without it, read the committed stations.csv")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--mines", type=Path, default=MINES_CSV)
    ap.add_argument("--detour", type=float, default=DETOUR_FACTOR)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    st_path = args.out / "stations.csv"
    if args.source is not None:
        stations = stations_from_source(args.source.read_bytes())
        st_path.write_text(to_csv_text(stations), encoding="utf-8")
        print(f"stations.csv: {len(stations)} stations ({(stations['name'] != '').sum()} named)")
    elif not st_path.exists():
        st_path = OUT_DIR / "stations.csv"  # the committed cut, when --out is another folder
        if not st_path.exists():
            ap.error(f"{st_path} does not exist: give --source (the OMap-GeoDB zip) to cut it")
    stations = read_stations_csv(st_path)
    mines = pd.read_csv(args.mines, dtype={"gem_mine_id": str})
    access = mine_access(stations, mines, args.detour)
    (args.out / "mine_rail_access.csv").write_text(to_csv_text(access), encoding="utf-8")
    print(f"mine_rail_access.csv: {summary(access)}")


if __name__ == "__main__":
    main()
