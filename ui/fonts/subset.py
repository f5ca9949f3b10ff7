"""Subset the Simplified Chinese faces of Noto Sans CJK to the ranges the kiosk shows."""
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection

RANGES = [
    (0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
    (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0x3100, 0x312F),
    (0x3200, 0x32FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF),
]
SC_INDEX = 2  # the SC face inside the NotoSansCJK collections

src = sys.argv[1]
codepoints = [cp for lo, hi in RANGES for cp in range(lo, hi + 1)]
for weight in ("Regular", "Bold"):
    font = TTCollection(os.path.join(src, f"NotoSansCJK-{weight}.ttc")).fonts[SC_INDEX]
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.hinting = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=codepoints)
    subsetter.subset(font)
    font.save(f"NotoSansSC-{weight}.otf")
