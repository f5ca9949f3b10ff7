"""Subset the Simplified Chinese faces of Noto Sans CJK to the ranges the kiosk shows."""
import os
import sys

from fontTools import subset
from fontTools.ttLib import TTCollection, TTFont

RANGES = [
    (0x20, 0x7E), (0xA0, 0x17F), (0x2000, 0x206F), (0x2100, 0x214F), (0x2190, 0x21FF),
    (0x2460, 0x24FF), (0x25A0, 0x25FF), (0x2600, 0x26FF), (0x3000, 0x303F), (0x3100, 0x312F),
    (0x3200, 0x32FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xFF00, 0xFFEF),
]
SC_INDEX = 2  # the SC face inside the NotoSansCJK collections



def fix_cmap(font):
    """Give the font a format 12 cmap for everything, and keep format 4 for the small Latin part only.

    A format 4 subtable is limited to 64 KB; with some 28,000 subset CJK characters fontTools writes one that
    overflows, which skrifa (Slint) tolerates but ttf-parser (the receipt renderer's ab_glyph) and others read as
    missing or wrong glyphs. Format 12 has no such limit.
    """
    from fontTools.ttLib.tables._c_m_a_p import CmapSubtable  # noqa: F401

    mapping = font.getBestCmap()
    tables = []
    for platform, encoding, fmt, keep in ((0, 4, 12, None), (3, 1, 4, 0x3000), (3, 10, 12, None)):
        table = CmapSubtable.newSubtable(fmt)
        table.platformID, table.platEncID, table.language = platform, encoding, 0
        table.cmap = {cp: g for cp, g in mapping.items() if keep is None or cp < keep}
        tables.append(table)
    font["cmap"].tables = tables


if __name__ == "__main__" and sys.argv[1:2] == ["--fix-cmap"]:
    for path in sys.argv[2:]:
        font = TTFont(path)
        fix_cmap(font)
        font.save(path)
    sys.exit(0)

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
    fix_cmap(font)
    font.save(f"NotoSansSC-{weight}.otf")
