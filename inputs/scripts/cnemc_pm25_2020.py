"""2020 annual mean PM2.5 of Shanxi's cities from the national monitoring network's real-time hourly city data.

    .venv/bin/python inputs/scripts/cnemc_pm25_2020.py DIR

DIR holds the daily files china_cities_20200101.csv ... china_cities_20201231.csv (columns date, hour, type, then
one column per city; CNEMC's real-time publishing platform as archived by 王晓磊 at quotsoft.net/air). The copy
used for inputs/air_cities.csv is in github.com/vertexi/Map at commit 1451048ff014d62a5f8ebaa9f2ed8125cbaa4223
(data_process/air_data/城市_20200101-20201231/; the repository states no licence; the data are CNEMC's public
real-time releases). Not run by `make inputs`: it needs that download.

Method (HJ 663-2013): type PM2.5 (the hourly city mean); a day is hours 01-24, the hour being the end of its
averaging hour (hour 0 of date D+1 closes day D); a day counts with at least 20 hourly values; the annual figure is
the mean of the valid days' means. These are real-time, unaudited values: the same method gives 大同 30.8
(official 31), 朔州 37.4 (37), 临汾 51.7 (52.0, 003:L150) and 阳泉 45.8 (49, 001:L175).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pandas as pd

CITIES = ["太原", "大同", "阳泉", "长治", "晋城", "朔州", "晋中", "运城", "忻州", "临汾", "吕梁"]


def hourly(folder: Path) -> pd.DataFrame:
    """Hourly PM2.5 of the cities, indexed by the end of each averaging hour."""
    frames = []
    for f in sorted(folder.glob("china_cities_2020*.csv")):
        df = pd.read_csv(f, encoding="utf-8")
        df = df[df["type"] == "PM2.5"].reindex(columns=["date", "hour", *CITIES])  # column order varies by file
        frames.append(df)
    h = pd.concat(frames, ignore_index=True).drop_duplicates(["date", "hour"])
    when = pd.to_datetime(h["date"].astype(str), format="%Y%m%d") + pd.to_timedelta(h["hour"], unit="h")
    return h[CITIES].astype(float).set_index(when)


def annual_means(h: pd.DataFrame) -> pd.DataFrame:
    """Per city: valid days (>= 20 hours) in 2020 and the mean of their daily means (μg/m³)."""
    day = (h.index - pd.Timedelta(hours=1)).normalize()  # hours 01-24 make a day
    out = {}
    for city in CITIES:
        g = h[city].groupby(day).agg(["count", "mean"])
        g = g[(g.index >= "2020-01-01") & (g.index <= "2020-12-31") & (g["count"] >= 20)]
        out[city] = {"valid_days": len(g), "pm25_2020_ugm3": round(float(g["mean"].mean()), 1)}
    return pd.DataFrame(out).T


if __name__ == "__main__":
    print(annual_means(hourly(Path(sys.argv[1]))).to_string())
