"""reports.pdf_text: pdfplumber's page reading redone over plain chars must give exactly pdfplumber's
results, and the reader must really take the fast path.

Each piece is held against its pdfplumber original on the same pdfium pages (real PDFs and hand-drawn
ones with merged cells, gaps, diagonal lines and curves); the whole page read (_fast_page_lines) against
pdfplumber's (_plumber_page_lines) on the real PDFs and a family of generated ones: the three templates
in the three PDF table styles, blank cells, merged labels, tables over page breaks, layout noise. Each
case calls both readers directly, so an exception cannot hide behind the pdfminer fallback.
"""

from __future__ import annotations

import io
import random
from collections import Counter

import pytest

from reports import pdf_text, readers
from reports.pdfium_pages import open_pages
from tests.conftest import SHARED, require_shared
from tests.reports.test_pdf_tables import FONT, _canvas


def _real() -> list[bytes]:
    require_shared()
    files = sorted((SHARED / "pdf").glob("*.pdf"))
    assert files
    return [f.read_bytes() for f in files]


def _drawn() -> bytes:
    """Two pages of everything the table finder meets: a grid with a cell merged across and one merged
    down, a framed paragraph, lines that snap (1 pt apart) and join (2 pt gap), a diagonal line, a
    curve, a polyline, text in a gap of a ragged grid, fake-bold (twice printed) text."""
    buf, c = _canvas()
    c.setFont(FONT, 10)
    c.rect(60, 740, 200, 20)
    c.rect(260, 740, 160, 20)
    c.drawString(63, 746, "项目")
    c.drawString(263, 746, "申请人情况")
    c.rect(60, 700, 100, 40)
    c.drawString(63, 726, "（三）不予公开")
    for k, (leaf, a, b) in enumerate([("1.属于国家秘密", "1", "2"), ("2.其他", "", "4")]):
        y = 720 - 20 * k
        for x, w, t in ((160, 100, leaf), (260, 80, a), (340, 80, b)):
            c.rect(x, y, w, 20)
            if t:
                c.drawString(x + 3, y + 6, t)
    c.rect(50, 600, 400, 60)
    c.drawString(60, 640, "本报告电子版可在门户网站查阅。")
    c.drawString(60.3, 640.2, "本报告")  # fake bold
    c.line(60, 560, 300, 560)
    c.line(60, 561, 300, 561)  # snaps onto the one above
    c.line(302, 560, 400, 560)  # joins it
    c.line(60, 540, 60, 580)
    c.line(200, 540, 200.5, 580)  # nearly vertical
    c.line(400, 540, 400, 580)
    c.line(60, 540, 400, 540)
    c.line(60, 500, 200, 450)  # diagonal
    c.drawString(70, 550, "左\t12")
    c.drawString(210, 550, "右 3.5")
    p = c.beginPath()
    p.moveTo(60, 400)
    p.curveTo(100, 440, 200, 440, 240, 400)
    p.lineTo(240, 360)
    p.lineTo(60, 360)
    c.drawPath(p)
    c.showPage()
    c.setFont(FONT, 10)
    for r, row in enumerate([["项目", "件数", "金额"], ["行政许可", "3", "1.5"], ["合计", "", ""]]):
        xs = [60, 210, 290, 370] if r < 2 else [60, 210]
        for i in range(len(xs) - 1):
            c.rect(xs[i], 740 - 20 * r, xs[i + 1] - xs[i], 20)
        for i, t in enumerate(row[: len(xs) - 1]):
            c.drawString(xs[i] + 3, 746 - 20 * r, t)
    c.drawString(230, 706, "注：金额单位为万元")
    c.showPage()
    c.save()
    return buf.getvalue()


def _generated() -> list[tuple[str, bytes]]:
    """Three templates × three table styles, with blank cells and noise (the 2008 table and 2019 table
    三 run over a page break), and as the bench makes them (plan_corpus, default noise)."""
    from tools.generator import NOISE_KINDS, generate_agencies, generate_report, plan_corpus, to_pdf

    agencies = generate_agencies(6, seed=41)
    noises = [k for k in NOISE_KINDS if k not in ("tabs", "pipes", "spaces", "blank")]
    out = []
    for n, (template, year) in enumerate((("2008", 2016), ("2019", 2020), ("2021", 2023))):
        for style in ("text", "grid", "positions"):
            noise = frozenset({("tabs", "pipes")[n % 2], "blank", noises[(3 * n + len(style)) % len(noises)]})
            rep = generate_report(n + 5, template, agencies[n], year, noise=noise)
            out.append((f"{template}-{style}-blank", to_pdf(rep.text, tables=style)))
    for k, (agency, year, template, seed) in enumerate(plan_corpus(3, seed=5)):
        for style in ("text", "grid", "positions"):
            rep = generate_report(seed, template, agency, year)
            out.append((f"{template}-{style}-{k}", to_pdf(rep.text, tables=style)))
    return out


GENERATED = _generated()


def _pages(data: bytes, every: bool = True) -> list:
    with open_pages(data) as pages:
        assert pages is not None, "pdfium must stand in for this PDF"
        assert not every or None not in pages, "pdfium must stand in for every page of this PDF"
        return pages


def _both(data: bytes) -> tuple[str, str]:
    """(fast, pdfplumber) text of the same pdfium pages, no fallback either way."""
    return readers._pages_text(_pages(data), readers._fast_page_lines), readers._pages_text(_pages(data))


def _mixed(data: bytes, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    """(reader, today's reader): pdfium pages where it stands in, pdfminer's for the others, all read by
    reports.pdf_text; today's reading of the whole document is not used (it raises here)."""
    today = readers._read_pdf_pdfminer(data)

    def no_fallback(_data: bytes) -> str:
        raise AssertionError("fell back to today's reader")

    monkeypatch.setattr(readers, "_read_pdf_pdfminer", no_fallback)
    fast = readers._read_pdf(data)
    monkeypatch.undo()
    return fast, today


# ---------------------------------------------------------------------------------------- whole pages


def test_real_pdfs_read_exactly_as_pdfplumber_reads_them():
    for data in _real():
        fast, slow = _both(data)
        assert fast == slow
        assert fast == readers._read_pdf_pdfminer(data)  # and as today's reader (pdfminer objects)


def test_drawn_pdf_reads_exactly_as_pdfplumber_reads_it():
    fast, slow = _both(_drawn())
    assert fast == slow
    assert "项目\t申请人情况" in fast.split("\n")  # the merged cells really were read as a table


@pytest.mark.parametrize("name,data", GENERATED, ids=lambda v: v if isinstance(v, str) else "")
def test_generated_pdfs_read_exactly_as_today(name, data, monkeypatch):
    fast, today = _mixed(data, monkeypatch)
    assert fast == today, name


def test_generated_pdfs_mostly_take_the_pdfium_path():
    """Else the family above would prove little: pdfium must read most pages, ruled tables among them."""
    read = skipped = ruled = 0
    for name, data in GENERATED:
        with open_pages(data) as pages:
            for page in pages or []:
                if page is None:
                    skipped += 1
                    continue
                read += 1
                ruled += "grid" in name and bool(pdf_text.find_tables(page.objects))
    assert read > skipped and ruled >= 3, (read, skipped, ruled)


def test_pages_pdfium_cannot_stand_in_for_are_read_by_pdfminer(monkeypatch):
    """pdfium's text page drops a text object whose glyphs have no ink box, such as a space shown on its
    own (reportlab writes one wherever a line switches between subsets of an embedded font), which pdfminer
    reads as a char (and, on a machine without a CJK font, a lone CJK glyph of a font not embedded): those
    pages (only) are read with pdfminer, the others with pdfium, same text."""
    from tools.generator import generate_report, plan_corpus, to_pdf

    def mixed(data: bytes) -> bool:
        with open_pages(data) as pages:
            return pages is not None and None in pages
    made = (
        to_pdf(generate_report(seed, template, agency, year).text, tables, font="embedded")
        for agency, year, template, seed in plan_corpus(6, seed=5)
        for tables in ("text", "grid", "positions")
    )
    data = next((d for d in made if mixed(d)), None)
    assert data is not None, "no generated PDF mixes both kinds of page"
    fast, today = _mixed(data, monkeypatch)
    assert fast == today


def test_the_fast_path_is_taken_for_real_pdfs(monkeypatch):
    texts = [readers._read_pdf(d) for d in _real()]

    def no_fallback(_data: bytes) -> str:
        raise AssertionError("fell back to pdfminer")

    monkeypatch.setattr(readers, "_read_pdf_pdfminer", no_fallback)
    assert [readers._read_pdf(d) for d in _real()] == texts


def test_a_failing_fast_path_falls_back_to_pdfminer(monkeypatch):
    data = _drawn()
    want = readers._read_pdf_pdfminer(data)

    def broken(page, carry):  # noqa: ANN001, ANN202
        raise RuntimeError("bug")

    monkeypatch.setattr(readers, "_fast_page_lines", broken)
    assert readers._read_pdf(data) == want


def test_rotated_pages_go_the_pdfminer_way():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setPageRotation(90)
    c.setFont(FONT, 12)
    c.drawString(60, 700, "政府信息公开工作年度报告")
    c.showPage()
    c.save()
    with open_pages(buf.getvalue()) as pages:
        assert pages is None
    assert "年度报告" in readers.read_document(buf.getvalue(), "r.pdf")


# ---------------------------------------------------------------------------------------- pieces


def _all_pages() -> list:
    return [p for data in [*_real(), _drawn()] for p in _pages(data)]


def test_cluster_is_pdfplumbers_cluster_objects():
    from pdfplumber.utils.clustering import cluster_objects

    rnd = random.Random(3)
    for _ in range(300):
        xs = [{"v": round(rnd.uniform(0, 30), rnd.choice((0, 1, 3)))} for _ in range(rnd.randrange(1, 25))]
        tol = rnd.choice((1, 3))
        for keep in (False, True):
            want = cluster_objects(xs, lambda o: o["v"], tol, preserve_order=keep)
            assert pdf_text.cluster(xs, [o["v"] for o in xs], tol, keep_order=keep) == want


def test_dedupe_lines_and_text_are_pdfplumbers():
    from pdfplumber.utils import extract_text

    rnd = random.Random(5)
    for page in _all_pages():
        assert [id(c) for c in pdf_text.dedupe(page.chars)] == [id(c) for c in page.dedupe_chars().chars]
        assert pdf_text.text_lines(page.chars) == page.extract_text_lines(return_chars=True)
        for _ in range(20):
            some = rnd.sample(page.chars, min(len(page.chars), rnd.randrange(1, 40)))
            assert pdf_text.extract_text(some) == extract_text(some)


def test_dedupe_is_pdfplumbers_on_crowded_glyphs():
    """Glyphs piled on each other: exact and near (within 1 pt) repeats, tops chained over more than
    1 pt, two fonts and sizes sharing a text, repeats at one x0 on other lines; with few texts and a
    coarse grid many groups drop glyphs, with a fine one few or none."""
    from pdfplumber.utils.text import dedupe_chars

    rnd = random.Random(11)
    for case in range(400):
        grid = rnd.choice((0.25, 0.5, 1.0, 3.0))
        chars = []
        for _ in range(rnd.randrange(0, 60)):
            top = rnd.randrange(0, 12) * grid + rnd.choice((0, 0, 0.3, 0.9, 1.0, 1.1))
            chars.append(
                {
                    "upright": True,
                    "text": rnd.choice("一二三" if case % 2 else "一二三四五六七八九十年度"),
                    "fontname": rnd.choice(("F1", "F1", "F2")),
                    "size": rnd.choice((10.5, 10.5, 9.0)),
                    "doctop": top,
                    "x0": rnd.randrange(0, 12) * grid + rnd.choice((0, 0, 0.5, 1.0, 1.5)),
                }
            )
        assert [id(c) for c in pdf_text.dedupe(chars)] == [id(c) for c in dedupe_chars(chars)]


def test_edges_cells_and_tables_are_pdfplumbers():
    from pdfplumber.table import TableFinder

    def key(e: dict | list) -> tuple:
        if isinstance(e, dict):
            return (e["orientation"], e["x0"], e["top"], e["x1"], e["bottom"], e["width"], e["height"])
        return tuple(e)

    for page in _all_pages():
        finder = TableFinder(page)
        assert Counter(map(key, pdf_text.edges(page.objects))) == Counter(map(key, finder.edges))
        assert pdf_text.cells(pdf_text.intersections(pdf_text.edges(page.objects))) == finder.cells
        mine, theirs = pdf_text.find_tables(page.objects), page.find_tables()
        assert [t.cells for t in mine] == [t.cells for t in theirs]
        grids = [pdf_text.Grid(t.cells) for t in mine]
        _, held = pdf_text.assign(grids, page.chars)
        assert [g.extract(t, h) for g, t, h in zip(grids, mine, held, strict=True)] == [
            t.extract() for t in theirs
        ]


def test_vertical_fonts_are_looked_for_only_where_a_name_ends_in_v():
    from reports.pdfium_pages import Unsupported, _vertical_fonts

    assert _vertical_fonts(b"%PDF-1.4 no such name here") == {}  # pdfminer, not asked, would fail
    for named in (b"/Encoding /UniGB-UCS2-V >>", b"/Encoding /UniGB#2DUCS2#2DV\n", b"1 0 obj /ObjStm"):
        with pytest.raises(Unsupported):  # asked: pdfminer cannot read the page tree of this
            _vertical_fonts(b"%PDF-1.4 " + named)
    assert _vertical_fonts(_real()[1]) != {}  # a real PDF with a vertical font still has it found
