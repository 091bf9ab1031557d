"""Region lookup: codes, Chinese names (with or without 省/市/县/区) and pinyin all name the same region."""

from __future__ import annotations

import pandas as pd

from .errors import did_you_mean
from .inputs import Dataset


def _keys(code: str, name_zh: str, pinyin: str) -> set[str]:
    keys = {code, name_zh, pinyin.lower(), pinyin.lower().replace(" ", "")}
    for suffix in ("省", "市", "县", "区"):
        if name_zh.endswith(suffix) and len(name_zh) > 2:
            keys.add(name_zh.removesuffix(suffix))
    return keys


def region_index(ds: Dataset) -> dict[str, list[str]]:
    """Every accepted spelling -> region codes (a short name such as 城区 may name several)."""
    out: dict[str, list[str]] = {}
    for r in ds.regions.itertuples(index=False):
        for k in _keys(r.region_code, r.name_zh, r.name_pinyin):
            out.setdefault(k, []).append(r.region_code)
    return out


def resolve_region(ds: Dataset, text: str | int, levels: tuple[str, ...] = ("province", "city", "county")) -> str:
    """Region code for ``text``; ValueError says why (unknown, ambiguous) and what was probably meant."""
    key = str(text).strip()
    idx = region_index(ds)
    codes = [c for c in idx.get(key, idx.get(key.lower(), [])) if ds.regions.loc[c, "level"] in levels]
    if len(codes) == 1:
        return codes[0]
    if len(codes) > 1:
        names = ", ".join(f"{c} ({ds.regions.loc[ds.regions.loc[c, 'city_code'], 'name_zh']})" for c in codes)
        raise ValueError(f"region '{text}' is ambiguous: {names}; use the 6-digit code")
    raise ValueError(f"unknown region '{text}'{suggest_region(key, idx)}; use a code (e.g. 141000), a Chinese name (临汾) "
                     f"or pinyin (Linfen); `ersim list regions` shows them all")


def _cjk(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def suggest_region(key: str, idx: dict[str, list[str]]) -> str:
    """' (did you mean ...?)' for a region name typed wrong. Chinese names are short, so one wrong character of
    two is already half the name: by characters they match at a ratio of 0.5 (临份 -> 临汾, 太园 -> 太原); a
    homophone typed with the wrong character (the usual input-method slip) matches by its pinyin (临份 = linfen)."""
    if not _cjk(key):
        return did_you_mean(key.lower(), idx)
    from pypinyin import lazy_pinyin  # a runtime dependency: only an unknown Chinese name needs it

    names = [k for k in idx if _cjk(k)]
    spelled = "".join(lazy_pinyin(key)).lower()
    codes = idx.get(spelled, [])
    if codes:  # the same sound first: 临份 reads linfen, 临汾's pinyin (临猗 shares only a character)
        zh = sorted({k for k in names if set(idx[k]) & set(codes)}, key=len)
        return f" (did you mean '{zh[0] if zh else spelled}'? it reads {spelled})"
    return did_you_mean(key, names, cutoff=0.5) or did_you_mean(spelled, [k for k in idx if not _cjk(k)])


def members(ds: Dataset, region_code: str) -> pd.Index:
    """County codes inside a region (the county itself, a city's counties, or all counties)."""
    level = ds.regions.loc[region_code, "level"]
    counties = ds.counties
    if level == "province":
        return counties.index
    if level == "city":
        return counties.index[counties["city_code"] == region_code]
    return pd.Index([region_code])
