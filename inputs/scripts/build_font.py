"""Build model/outputs/fonts/NotoSansSC-ersim.otf: a subset of Noto Sans CJK SC Regular for Chinese labels in plots.

Rerun:  apt-get download fonts-noto-cjk && dpkg-deb -x fonts-noto-cjk_*.deb /tmp/noto
        .venv/bin/python inputs/scripts/build_font.py /tmp/noto/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc

Source: Debian bookworm package fonts-noto-cjk 1:20220127+repack1-1 (Noto Sans CJK, SIL Open Font License 1.1;
the licence text is copied next to the font). Subset: ASCII and Latin-1, general punctuation and symbols, CJK
punctuation and full-width forms, the 3,755 level-1 hanzi of GB 2312 (the common characters), and every
character that appears in inputs/*.csv and scenarios/*.yaml, so every region, enterprise and measure name renders.
Uses fontTools (a matplotlib dependency).
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTCollection

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "model" / "outputs" / "fonts" / "NotoSansSC-ersim.otf"


def gb2312_level1() -> str:
    chars = []
    for hi in range(0xB0, 0xD8):
        for lo in range(0xA1, 0xFF):
            try:
                chars.append(bytes([hi, lo]).decode("gb2312"))
            except UnicodeDecodeError:
                pass
    return "".join(chars)


def data_chars() -> str:
    text = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "inputs").glob("*.csv"))
    text += "".join(p.read_text(encoding="utf-8") for p in (ROOT / "scenarios").glob("*.yaml"))
    return "".join(sorted({c for c in text if ord(c) > 0x2000}))


def main(ttc_path: str) -> None:
    collection = TTCollection(ttc_path)
    font = next(f for f in collection.fonts if "CJK SC" in f["name"].getDebugName(1))
    unicodes = set(range(0x20, 0x17F)) | set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) \
        | set(range(0x2200, 0x2300)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) \
        | {ord(c) for c in gb2312_level1() + data_chars()}
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    sub = subset.Subsetter(options)
    sub.populate(unicodes=unicodes)
    sub.subset(font)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    font.save(OUT)
    print(f"wrote {OUT} ({OUT.stat().st_size / 1e6:.2f} MB, {len(unicodes)} code points requested)")


if __name__ == "__main__":
    main(sys.argv[1])
