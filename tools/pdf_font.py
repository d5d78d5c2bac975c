"""A TrueType font built on the fly for generated PDFs that embed their font, as Word and WPS do.

Why: the machine has no CJK font file to embed, and a PDF whose CJK font is not embedded reads
differently (pdfium, without a system CJK font, gives single-glyph text objects no width and leaves them
out of its text page, so those pages go to pdfminer). Real reports are mostly written by Word/WPS with
embedded font subsets; this font lets the generator write such PDFs. Every glyph is a box: CJK,
full-width forms and CJK punctuation one em wide, everything else half an em, the space empty.
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

FULL_WIDTH = (
    (0x2E80, 0x2FDF),
    (0x3000, 0x303F),
    (0x3100, 0x31BF),
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0xFE30, 0xFE4F),
    (0xFF01, 0xFF60),
    (0xFFE0, 0xFFE6),
)
HALF_WIDTH = (
    (0x21, 0x7E),
    (0xA0, 0x24F),
    (0x2000, 0x206F),
    (0x2100, 0x21FF),
    (0x2460, 0x24FF),
    (0x2500, 0x25FF),
)
EM = 1000


def _box(width: int):  # noqa: ANN202 - a fontTools glyph
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    pen = TTGlyphPen(None)
    inset = width // 10
    pen.moveTo((inset, -120))
    pen.lineTo((inset, 760))
    pen.lineTo((width - inset, 760))
    pen.lineTo((width - inset, -120))
    pen.closePath()
    return pen.glyph()


@functools.cache
def font_file() -> Path:
    """The path of the font (built once per process into a temporary directory)."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen

    cmap = {0x20: "space", 0x3000: "ideographic_space"}
    for ranges, glyph in ((FULL_WIDTH, "full"), (HALF_WIDTH, "half")):
        for lo, hi in ranges:
            cmap.update({cp: glyph for cp in range(lo, hi + 1) if cp not in cmap})
    order = [".notdef", "space", "ideographic_space", "half", "full"]
    fb = FontBuilder(EM, isTTF=True)
    fb.setupGlyphOrder(order)
    fb.setupCharacterMap(cmap)
    empty = TTGlyphPen(None).glyph()
    fb.setupGlyf(
        {
            ".notdef": _box(EM // 2),
            "space": empty,
            "ideographic_space": empty,
            "half": _box(EM // 2),
            "full": _box(EM),
        }
    )
    widths = {".notdef": EM // 2, "space": EM // 4, "ideographic_space": EM, "half": EM // 2, "full": EM}
    fb.setupHorizontalMetrics({g: (w, 0) for g, w in widths.items()})
    fb.setupHorizontalHeader(ascent=880, descent=-120)
    fb.setupNameTable({"familyName": "DisclosureBox", "styleName": "Regular"})
    fb.setupOS2(sTypoAscender=880, sTypoDescender=-120, usWinAscent=880, usWinDescent=120)
    fb.setupPost()
    path = Path(tempfile.mkdtemp(prefix="disclosure-font-")) / "DisclosureBox.ttf"
    fb.save(str(path))
    return path
