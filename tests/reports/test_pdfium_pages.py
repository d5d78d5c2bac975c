"""reports.pdfium_pages: pdfium stands in for pdfminer on real report PDFs and gives the same text.

The fast path must be taken for the real PDFs (else it is no speed-up), must give exactly the text of the
pdfminer path for real and generated PDFs of every table style, and the parsed values must be the
shared gold values for the real PDFs.
"""

from __future__ import annotations

import io
import json

import pytest

from reports import exact, readers
from reports.model import ReportError
from reports.pdfium_pages import Unsupported, _classify, _is_vertical, open_pages
from tests.conftest import SHARED, SHARED_GOLD, require_shared

SHARED_PDF = SHARED / "pdf"


def _pdf_gold() -> list[dict]:
    path = SHARED_GOLD / "pdf.json"
    return json.loads(path.read_text(encoding="utf-8"))["reports"] if path.is_file() else []


PDF_GOLD = _pdf_gold()


def _real_pdfs() -> list:
    require_shared()
    files = sorted(SHARED_PDF.glob("*.pdf"))
    assert files, f"no PDFs in {SHARED_PDF}"
    return files


def test_pdfium_stands_in_for_every_real_pdf():
    for path in _real_pdfs():
        with open_pages(path.read_bytes()) as pages:
            assert pages is not None, f"{path.name}: fell back to pdfminer"
            assert all(p.chars for p in pages)


def test_real_pdfs_read_the_same_both_ways():
    for path in _real_pdfs():
        data = path.read_bytes()
        assert readers._read_pdf(data) == readers._read_pdf_pdfminer(data), path.name


@pytest.mark.parametrize("font", ["cid", "embedded"])
@pytest.mark.parametrize("tables", ["text", "grid", "positions"])
def test_generated_pdfs_read_the_same_both_ways(tables, font):
    from tools.generator import generate_report, plan_corpus, to_pdf

    for agency, year, template, seed in plan_corpus(3, seed=5):
        data = to_pdf(generate_report(seed, template, agency, year).text, tables, font=font)
        assert readers._read_pdf(data) == readers._read_pdf_pdfminer(data)


@pytest.mark.slow
def test_sixty_generated_pdfs_read_the_same_both_ways():
    """Sixty generated reports (templates and years mixed, each table style in each font), read by the
    reader and by the pdfminer reader: the same text, so no speed-up of the pdfium path changed it."""
    from tools.generator import PDF_FONTS, PDF_TABLES, generate_report, plan_corpus, to_pdf

    for k, (agency, year, template, seed) in enumerate(plan_corpus(60, seed=5)):
        tables = PDF_TABLES[k % len(PDF_TABLES)]
        font = PDF_FONTS[(k // len(PDF_TABLES)) % len(PDF_FONTS)]
        data = to_pdf(generate_report(seed, template, agency, year).text, tables, font=font)
        assert readers._read_pdf(data) == readers._read_pdf_pdfminer(data), (k, tables, font)


def _drawn(lines: list[tuple[str, str]]) -> bytes:
    """A one-page PDF of (font, text) lines, top to bottom, each drawn as its own text object."""
    from reportlab.pdfgen import canvas

    from tools.generator import _register_pdf_font

    buf = io.BytesIO()
    c = canvas.Canvas(buf, invariant=1)
    y = 800.0
    for font, text in lines:
        c.setFont(_register_pdf_font(font), 10)
        c.drawString(50, y, text)
        y -= 20
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_left_out_glyph_sends_the_page_to_pdfminer():
    """A single CJK glyph of a font not embedded, on a machine without a CJK font of its own: pdfium gives
    it no width and leaves it out of its text page (pdfminer reads it), so that page goes to pdfminer. With
    a CJK font installed (the image installs fonts-noto-cjk) pdfium sees the glyph and keeps the page."""
    data = _drawn([("cid", "条"), ("cid", ""), ("cid", "依申请公开 12")])
    with open_pages(data) as pages:
        fell_back = pages is None or pages[0] is None
    assert readers._read_pdf(data) == readers._read_pdf_pdfminer(data)
    assert "条" in readers._read_pdf(data)
    if not fell_back:  # a machine with a CJK font lets pdfium see the glyph itself
        assert "条" in "".join(ch["text"] for ch in pages[0].chars)


def test_dedupe_keeps_what_pdfplumber_keeps():
    import pdfplumber

    path = _real_pdfs()[0]
    with pdfplumber.open(io.BytesIO(path.read_bytes())) as pdf:
        for page in pdf.pages[:2]:
            assert readers._dedupe_chars(page).chars == page.dedupe_chars().chars


@pytest.mark.parametrize("gold", PDF_GOLD, ids=[g["file"] for g in PDF_GOLD])
def test_real_pdf_parses_to_the_gold_values(gold):
    require_shared()
    from reports.parse import parse_path

    parsed = parse_path(SHARED_PDF / gold["file"])
    assert (parsed.identity.agency, parsed.identity.year, parsed.template) == (
        gold["agency"],
        gold["year"],
        gold["template"],
    )
    got = parsed.value_map()
    wrong = {
        k: (v, got.get(k))
        for k, v in gold["values"].items()
        if v is not None and got.get(k) != exact.to_exact(v)  # exact: gold 3.0 equals 3
    }
    assert wrong == {}
    assert [k for k, v in gold["values"].items() if v is None and k in got] == []


def test_damaged_and_textless_pdfs_keep_their_errors():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(50, 50, 100, 100)  # a page with a drawing and no text: as a scan is
    c.showPage()
    c.save()
    for data, code in ((b"%PDF-1.4\n garbage", "corrupt"), (buf.getvalue(), "no_text")):
        with pytest.raises(ReportError) as err:
            readers.read_document(data, "x.pdf")
        assert err.value.code == code


# --- path classification, as pdfminer's paint_path decides --------------------------------------------


def test_a_re_rectangle_from_pdfium_is_a_rect():
    # pdfium turns "x y w h re" into move + four line-tos, the last closing back to the start
    pts = [(0, 0), (10, 0), (10, 5), (0, 5), (0, 0), (0, 0)]
    assert _classify("mllllh", pts) == ("rect", [(0, 0), (10, 0), (10, 5), (0, 5), (0, 0)])


def test_lines_and_curves():
    assert _classify("ml", [(0, 0), (10, 0)]) == ("line", [(0, 0), (10, 0)])
    kind, pts = _classify("mbbb", [(0, 0), (1, 1), (2, 1), (3, 0)])
    assert (kind, pts) == ("curve", [(0, 0), (3, 0)])  # a Bézier keeps only its end point
    assert _classify("mllll", [(0, 0), (10, 1), (10, 5), (0, 5), (0, 0)])[0] == "curve"  # not square
    assert _classify("l", [(0, 0)]) is None


def test_vertical_glyphs_told_by_pdfium_box_and_scale():
    from types import SimpleNamespace

    box = SimpleNamespace(left=85.6, right=284.6)  # pdfium: one unscaled font size (199) wide
    assert _is_vertical(box, 199.0, 0.05)
    assert not _is_vertical(SimpleNamespace(left=85.6, right=95.55), 199.0, 0.05)
    with pytest.raises(Unsupported):
        _is_vertical(box, 199.0, 1.0)  # unscaled text: a full-width horizontal glyph looks the same
