"""PDF pages read by pdfium and handed to pdfplumber as the objects pdfminer would have produced.

Why: pdfminer parses every content stream in Python (about 1 s for a real report, 99% of the reading
time). pdfium, in C, gives the same glyph boxes and ruling lines in a few milliseconds; pdfplumber's
table finder, de-duplication and line grouping then run unchanged on them, so the text (and the
figures parsed from it) stay the same. Pages pdfium cannot describe the way pdfminer does (rotated
pages, a MediaBox not at the origin, rotated or mirrored glyphs) make `open_pages` return None, and the
caller keeps the pdfminer path for that document.
"""

from __future__ import annotations

import ctypes
import functools
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager
from types import SimpleNamespace

Matrix = tuple[float, float, float, float, float, float]
Point = tuple[float, float]


# a PDF name ending in "-V" (also written with the #2D escape), as a vertical CMap's name does
_V_NAME = re.compile(rb"(?:-|#2[dD])V(?=[\s/<>\[\]()%{}])")


class Unsupported(Exception):
    """The document needs pdfminer's reading (see the module docstring)."""


@contextmanager
def open_pages(data: bytes) -> Iterator[list | None]:
    """pdfplumber Pages with their objects filled from pdfium (None for a page pdfium cannot stand in
    for: the caller reads that one with pdfminer), or None when it can stand in for no page."""
    import pypdfium2 as pdfium

    try:
        doc = pdfium.PdfDocument(data)
    except Exception:  # damaged or encrypted: the pdfminer path gives the user-facing error
        yield None
        return
    try:
        try:
            pages = _pages(doc, _vertical_fonts(data))
        except Unsupported:
            pages = None
        yield pages if pages and any(p is not None for p in pages) else None
    finally:
        doc.close()


def _pages(doc, vertical: dict[str, bool]) -> list:  # noqa: ANN001 - pypdfium2 PdfDocument
    out: list = []
    doctop = 0.0
    for index in range(len(doc)):
        page = doc[index]
        try:
            x0, y0, x1, y1 = page.get_mediabox()
            try:
                out.append(_page(page, index, doctop, vertical))
            except Unsupported:
                out.append(None)
        finally:
            page.close()
        doctop += y1 - y0
    return out


def _page(page, index: int, doctop: float, vertical: dict[str, bool]):  # noqa: ANN001, ANN202
    """One pdfplumber Page (its objects from pdfium) for a pypdfium2 page, or Unsupported."""
    from pdfplumber.page import Page

    x0, y0, x1, y1 = page.get_mediabox()
    if page.get_rotation() % 360 or x0 or y0:
        raise Unsupported("rotated page or MediaBox off the origin")
    height = y1 - y0
    plumber = Page(None, SimpleNamespace(attrs={"MediaBox": [x0, y0, x1, y1]}), index + 1, doctop)
    textpage = page.get_textpage()
    drawn: set[int | None] = set()
    try:
        chars = _chars(textpage.raw, height, index + 1, doctop, drawn, vertical)
        objects: dict[str, list[dict]] = {"char": chars}
        for kind, obj in _paths(page.raw, height, index + 1, doctop, drawn):
            objects.setdefault(kind, []).append(obj)
    finally:
        textpage.close()
    plumber._objects = objects
    return plumber


def _chars(  # noqa: PLR0913
    raw,  # noqa: ANN001
    height: float,
    page_number: int,
    doctop: float,
    drawn: set,
    vertical: dict[str, bool],
) -> list[dict]:
    """One pdfplumber char per glyph drawn (pdfium's generated spaces and line breaks, which have no
    text object, left out). `drawn` receives the text objects the chars come from. Glyphs of a vertical
    font get pdfminer's box for the default vertical metrics (`vertical`: font name → metrics are the
    default); pdfium's own box for them is another, so any other wide glyph box is Unsupported. The
    unicode of all glyphs comes in one call; each other pdfium call per glyph costs about 1.5 µs, so only
    the glyph's object and box are asked per glyph, the rest once per text object."""
    import pypdfium2.raw as r

    box = r.FS_RECTF()
    box_ref = ctypes.byref(box)
    loose_box = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p)(
        ctypes.cast(r.FPDFText_GetLooseCharBox, ctypes.c_void_p).value
    )
    text_object, font_of = _address_fn(r.FPDFText_GetTextObject, 2), _address_fn(r.FPDFTextObj_GetFont, 1)
    raw_address = ctypes.cast(raw, ctypes.c_void_p).value
    count = r.FPDFText_CountChars(raw)
    text = _page_text(raw, count)
    fonts: dict[int | None, str] = {}
    # pdfium gives every glyph of one text object that object's matrix, font size and font (its
    # CharInfo holds the object's text matrix, position included): asked once per object, not per glyph
    objects: dict[int, tuple] = {}
    chars = []
    for i in range(count):
        obj = text_object(raw_address, i)
        if not obj or not loose_box(raw_address, i, box_ref):
            continue
        same = objects.get(obj)
        if same is None:
            same = objects[obj] = _object_of(raw, i, font_of(obj), fonts, vertical)
            drawn.add(obj)
        m, font_size, name, size, is_vertical = same
        x0, x1, cy0 = box.left, box.right, box.bottom
        cy1 = cy0 + size
        if is_vertical and _is_vertical(box, font_size, m[0]):
            if not vertical[name]:
                raise Unsupported("vertical font with its own metrics (W2/DW2)")
            full, size = m[3] * font_size, m[0] * font_size  # pdfminer: DW2 [880 -1000], no W2
            x0, x1 = m[4] - 0.5 * size, m[4] + 0.5 * size
            cy1 = m[5] + 0.12 * full
            cy0 = cy1 - full
        elif x1 - x0 > 1.5 * size or box.top - cy0 > 3 * size:
            raise Unsupported("glyph box unlike pdfminer's")
        top = height - cy1
        chars.append(
            {
                "matrix": m,
                "fontname": name,
                "upright": True,
                "x0": x0,
                "y0": cy0,
                "x1": x1,
                "y1": cy1,
                "width": x1 - x0,
                "height": cy1 - cy0,
                "size": size,
                "mcid": None,
                "tag": None,
                "object_type": "char",
                "page_number": page_number,
                "text": text[i] if text is not None else chr(r.FPDFText_GetUnicode(raw, i)),
                "top": top,
                "bottom": height - cy0,
                "doctop": doctop + top,
            }
        )
    return chars


def _object_of(raw, i: int, font: int, fonts: dict, vertical: dict[str, bool]) -> tuple:  # noqa: ANN001
    """(matrix, font size, font name, char size, font may be vertical) of glyph `i`'s text object (its
    font: `font`); Unsupported for a rotated or mirrored one."""
    import pypdfium2.raw as r

    mat = r.FS_MATRIX()
    r.FPDFText_GetMatrix(raw, i, mat)
    m = (mat.a, mat.b, mat.c, mat.d, mat.e, mat.f)
    if m[1] or m[2] or m[0] <= 0 or m[3] <= 0:
        raise Unsupported("rotated or mirrored glyph")
    font_size = r.FPDFText_GetFontSize(raw, i)
    if font not in fonts:
        fonts[font] = _font_name(raw, i)
    name = fonts[font]
    return m, font_size, name, m[3] * font_size, name in vertical


def _page_text(raw, count: int) -> str | None:  # noqa: ANN001
    """The unicode of every glyph in one call, or None when pdfium's page text does not line up one
    code point per glyph (then each glyph is asked for its own)."""
    import pypdfium2.raw as r

    buf = ctypes.create_string_buffer(2 * (count + 1))
    r.FPDFText_GetText(raw, 0, count, ctypes.cast(buf, ctypes.POINTER(ctypes.c_ushort)))
    text = buf.raw[: 2 * count].decode("utf-16-le", "surrogatepass")
    return text if len(text) == count else None


def _is_vertical(box, font_size: float, scale: float) -> bool:  # noqa: ANN001 - FS_RECTF
    """Is this glyph, of a font name also used with a "-V" CMap, written top to bottom? pdfium gives a
    vertical glyph a box one unscaled font size wide; where the text is not scaled that cannot be told
    from a full-width horizontal glyph: Unsupported."""
    if abs(scale - 1) < 0.01:
        raise Unsupported("vertical font drawn at scale 1")
    return abs((box.right - box.left) - font_size) < 0.01


def _vertical_fonts(data: bytes) -> dict[str, bool]:
    """Fonts written top to bottom (a "-V" CMap) by name → their metrics are the default ones. Read with
    pdfminer from the page resources only (no content stream), a few milliseconds; skipped when no
    name in the file ends in -V and no object hides in a compressed object stream."""
    if b"/ObjStm" not in data and not _V_NAME.search(data):
        return {}
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1
    from pdfminer.psparser import PSLiteral

    def name(v: object) -> str:
        v = resolve1(v)
        return v.name if isinstance(v, PSLiteral) else str(v or "")

    try:
        pages = list(PDFPage.create_pages(PDFDocument(PDFParser(io.BytesIO(data)))))
    except Exception as e:  # noqa: BLE001 - pdfminer words the error on the pdfminer path
        raise Unsupported("pdfminer cannot read the page tree") from e
    out: dict[str, bool] = {}
    for page in pages:
        for font in (resolve1((resolve1(page.resources) or {}).get("Font")) or {}).values():
            font = resolve1(font)
            enc = resolve1(font.get("Encoding"))
            if not (name(enc) if not isinstance(enc, dict) else name(enc.get("CMapName"))).endswith("-V"):
                continue
            desc = resolve1((resolve1(font.get("DescendantFonts")) or [{}])[0]) or {}
            dw2 = [float(resolve1(v)) for v in resolve1(desc.get("DW2", [880, -1000]))]
            out[name(font.get("BaseFont"))] = "W2" not in desc and dw2 == [880.0, -1000.0]
    return out


def _address_fn(fn, nargs: int):  # noqa: ANN001, ANN202
    """The pdfium function `fn` returning its handle as an int address (a dict key without ctypes.cast)
    and taking its first argument as any pointer."""
    args = [ctypes.c_void_p] + [ctypes.c_int] * (nargs - 1)
    return ctypes.CFUNCTYPE(ctypes.c_void_p, *args)(ctypes.cast(fn, ctypes.c_void_p).value)


def _font_name(raw, i: int) -> str:  # noqa: ANN001
    import pypdfium2.raw as r

    n = r.FPDFText_GetFontInfo(raw, i, None, 0, None)
    buf = ctypes.create_string_buffer(n)
    r.FPDFText_GetFontInfo(raw, i, buf, n, None)
    return buf.value.decode("utf-8", "replace")


def _paths(
    page_raw, height: float, page_number: int, doctop: float, drawn: set
) -> Iterator[tuple[str, dict]]:  # noqa: ANN001
    """(kind, object) of every painted path, forms included, classified as pdfminer does. A text
    object pdfium's text page left out is Unsupported: pdfium drops every text object without width,
    an empty string shown (a blank table cell: no char) as well as a glyph of no advance (a char for
    pdfminer), and nothing in its API tells the two apart."""
    import pypdfium2.raw as r

    page_object, form_object = _address_fn(r.FPDFPage_GetObject, 2), _address_fn(r.FPDFFormObj_GetObject, 2)
    fn = _path_fns()
    kind_of = fn.kind
    m = r.FS_MATRIX()
    m_ref = ctypes.byref(m)

    def walk(objects: list[int], outer: Matrix) -> Iterator[tuple[str, dict]]:
        for address in objects:
            kind = kind_of(address)
            if kind == r.FPDF_PAGEOBJ_TEXT and address not in drawn:
                raise Unsupported("text object missing from pdfium's text page")
            if kind not in (r.FPDF_PAGEOBJ_PATH, r.FPDF_PAGEOBJ_FORM):
                continue
            fn.matrix(address, m_ref)
            ctm = _concat((m.a, m.b, m.c, m.d, m.e, m.f), outer)
            if kind == r.FPDF_PAGEOBJ_FORM:
                yield from walk([form_object(address, k) for k in range(fn.form_count(address))], ctm)
                continue
            for shape, pts in _subpaths(address, ctm, fn):
                found = _classify(shape, pts)
                if found:
                    yield found[0], _pdf_object(found[0], found[1], height, page_number, doctop)

    top_level = [page_object(page_raw, i) for i in range(r.FPDFPage_CountObjects(page_raw))]
    yield from walk(top_level, (1.0, 0.0, 0.0, 1.0, 0.0, 0.0))


def _concat(m: Matrix, outer: Matrix) -> Matrix:
    a, b, c, d, e, f = m
    A, B, C, D, E, F = outer
    return (a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D, e * A + f * C + E, e * B + f * D + F)


def _subpaths(obj: int, ctm: Matrix, fn: SimpleNamespace) -> Iterator[tuple[str, list[Point]]]:
    """pdfminer's operator string ("mlllh") and the points of each subpath, in page space (`fn`:
    _path_fns)."""
    import pypdfium2.raw as r

    a, b, c, d, e, f = ctm
    x, y = ctypes.c_float(), ctypes.c_float()
    x_ref, y_ref = ctypes.byref(x), ctypes.byref(y)
    moveto, lineto, bezierto = r.FPDF_SEGMENT_MOVETO, r.FPDF_SEGMENT_LINETO, r.FPDF_SEGMENT_BEZIERTO
    shape, pts = "", []
    for k in range(fn.count_segments(obj)):
        seg = fn.segment(obj, k)
        kind = fn.segment_type(seg)
        fn.point(seg, x_ref, y_ref)
        pt = (a * x.value + c * y.value + e, b * x.value + d * y.value + f)
        if kind == moveto:
            if shape:
                yield shape, pts
            shape, pts = "m", [pt]
        elif kind == lineto:
            shape, pts = shape + "l", [*pts, pt]
        elif kind == bezierto:  # three segments per curve; pdfminer keeps the end point
            shape, pts = shape + "b", [*pts, pt]
        else:
            raise Unsupported("unknown path segment")
        if fn.close(seg) and shape:
            shape, pts = shape + "h", [*pts, pts[0]]
    if shape:
        yield shape, pts


@functools.cache
def _path_fns() -> SimpleNamespace:
    """pdfium's page-object and path functions typed on plain addresses: a call through pypdfium2's
    own prototypes converts each handle argument (about half the cost of walking a ruled table)."""
    import pypdfium2.raw as r

    def typed(f, restype, *args):  # noqa: ANN001, ANN202
        return ctypes.CFUNCTYPE(restype, *args)(ctypes.cast(f, ctypes.c_void_p).value)

    vp, i = ctypes.c_void_p, ctypes.c_int
    return SimpleNamespace(
        kind=typed(r.FPDFPageObj_GetType, i, vp),
        matrix=typed(r.FPDFPageObj_GetMatrix, i, vp, vp),
        form_count=typed(r.FPDFFormObj_CountObjects, i, vp),
        count_segments=typed(r.FPDFPath_CountSegments, i, vp),
        segment=typed(r.FPDFPath_GetPathSegment, vp, vp, i),
        segment_type=typed(r.FPDFPathSegment_GetType, i, vp),
        point=typed(r.FPDFPathSegment_GetPoint, i, vp, vp, vp),
        close=typed(r.FPDFPathSegment_GetClose, i, vp),
    )


def _classify(shape: str, pts: list[Point]) -> tuple[str, list[Point]] | None:
    """line / rect / curve as pdfminer's paint_path decides, from pdfium's segments."""
    if not shape.startswith("m"):
        return None
    # a Bézier is three pdfium segments ("bbb"), one "c" in pdfminer that keeps only its end point
    if "b" in shape:
        keep = [i for i, op in enumerate(shape) if op != "b" or (shape[: i + 1].count("b") % 3 == 0)]
        shape = "".join("c" if shape[i] == "b" else shape[i] for i in keep)
        pts = [pts[i] for i in keep]
    if len(shape) > 3 and shape[-2:] == "lh" and pts[-2] == pts[0]:
        shape, pts = shape[:-2] + "h", pts[:-2] + pts[-1:]
    if shape in ("ml", "mlh"):
        return "line", pts[:2]
    if shape in ("mlllh", "mllll"):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3), _ = pts
        square = (x0 == x1 and y1 == y2 and x2 == x3 and y3 == y0) or (
            y0 == y1 and x1 == x2 and y2 == y3 and x3 == x0
        )
        if pts[0] == pts[4] and square:
            return "rect", pts
    return "curve", pts


def _pdf_object(kind: str, pts: list[Point], height: float, page_number: int, doctop: float) -> dict:
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)
    top = height - y1
    obj = {
        "x0": x0,
        "y0": y0,
        "x1": x1,
        "y1": y1,
        "width": x1 - x0,
        "height": y1 - y0,
        "object_type": kind,
        "page_number": page_number,
        "top": top,
        "bottom": height - y0,
        "doctop": doctop + top,
        "pts": [(x, height - y) for x, y in pts],
    }
    return obj
