"""PDF tables: blank cells survive the PDF reader, so every figure lands in its own column.

Plain text extraction drops a blank cell and the figures after it slide one column to the left. The
reader rebuilds rows from ruled grids (pdfplumber find_tables) and, without rules, from the x positions
of the cells, and prints them as HTML/DOCX rows are printed: cells joined by a tab, blank cells kept.
Hand-drawn PDFs pin the row format; generated reports (tools.generator, to_pdf(tables="grid" /
"positions")) are parsed back to exactly the values that made them, blanks absent.
"""

from __future__ import annotations

import io

import pytest

from reports.readers import read_document
from tests.reports.compare import value_problems
from tools.generator import (
    NOISE_KINDS,
    GenAgency,
    generate_agencies,
    generate_report,
    to_docx,
    to_pdf,
)

FONT = "STSong-Light"
YEAR = {"2008": 2016, "2019": 2020, "2021": 2023}
BIG = GenAgency("临江市人民政府", "people_gov", ("青川省", "临江市"))


def _canvas():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    buf = io.BytesIO()
    return buf, canvas.Canvas(buf)


def _grid(c, x0: float, top: float, widths: list[float], rows: list[list[str]], h: float = 20) -> None:
    """A fully ruled table, one text per cell ('' = blank), rows of height h from `top` down."""
    xs = [x0]
    for w in widths:
        xs.append(xs[-1] + w)
    c.setFont(FONT, 10)
    for r, cells in enumerate(rows):
        y = top - r * h
        for i, text in enumerate(cells):
            c.rect(xs[i], y - h, widths[i], h)
            if text:
                c.drawString(xs[i] + 3, y - 14, text)


def _table_lines(text: str) -> list[str]:
    return [ln for ln in text.split("\n") if "\t" in ln]


# ------------------------------------------------------------------------------ hand-drawn row format


def test_ruled_table_keeps_blank_cells_and_reading_order():
    buf, c = _canvas()
    c.setFont(FONT, 11)
    c.drawString(60, 780, "二、主动公开政府信息情况")
    _grid(
        c,
        60,
        760,
        [160, 90, 90, 90],
        [
            ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
            ["行政许可", "", "5", "7"],
            ["行政处罚", "3", "", ""],
        ],
    )
    c.setFont(FONT, 11)
    c.drawString(60, 660, "三、收到和处理政府信息公开申请情况")
    c.showPage()
    c.save()
    lines = read_document(buf.getvalue(), "t.pdf").split("\n")
    assert lines == [
        "二、主动公开政府信息情况",
        "信息内容\t上一年项目数量\t本年增/减\t处理决定数量",
        "行政许可\t\t5\t7",
        "行政处罚\t3\t\t",  # trailing blank cells are kept too
        "三、收到和处理政府信息公开申请情况",
    ]


def test_merged_cells_count_once_across_and_blank_below():
    """A cell merged over two columns is one cell (as a DOCX/HTML colspan); the rows under a cell
    merged down get "" in its column (as the DOCX reader gives a vertically merged cell)."""
    buf, c = _canvas()
    c.setFont(FONT, 10)
    # header: "申请人情况" spans the two figure columns
    c.rect(60, 740, 200, 20)
    c.rect(260, 740, 160, 20)
    c.drawString(63, 746, "项目")
    c.drawString(263, 746, "申请人情况")
    # "（三）不予公开" spans two rows
    c.rect(60, 700, 100, 40)
    c.drawString(63, 726, "（三）不予公开")
    for k, (leaf, a, b) in enumerate([("1.属于国家秘密", "1", "2"), ("2.其他", "", "4")]):
        y = 720 - 20 * k
        c.rect(160, y, 100, 20)
        c.rect(260, y, 80, 20)
        c.rect(340, y, 80, 20)
        c.drawString(163, y + 6, leaf)
        if a:
            c.drawString(263, y + 6, a)
        c.drawString(343, y + 6, b)
    c.showPage()
    c.save()
    assert _table_lines(read_document(buf.getvalue(), "m.pdf")) == [
        "项目\t申请人情况",
        "（三）不予公开\t1.属于国家秘密\t1\t2",
        "\t2.其他\t\t4",
    ]


def test_a_framed_paragraph_is_text_not_a_table():
    buf, c = _canvas()
    c.setFont(FONT, 11)
    c.rect(50, 700, 400, 60)
    c.drawString(60, 740, "本报告电子版可在门户网站查阅。")
    c.drawString(60, 720, "如有疑问请联系办公室。")
    c.showPage()
    c.save()
    assert read_document(buf.getvalue(), "f.pdf").split("\n") == [
        "本报告电子版可在门户网站查阅。",
        "如有疑问请联系办公室。",
    ]


def test_text_in_a_gap_of_a_ragged_grid_is_kept():
    """Only characters inside a cell are read by the table; text in a gap of the grid stays a line."""
    buf, c = _canvas()
    _grid(c, 60, 760, [150, 80, 80], [["项目", "件数", "金额"], ["行政许可", "3", "1.5"]])
    _grid(c, 60, 720, [150], [["合计"]])
    c.setFont(FONT, 10)
    c.drawString(230, 706, "注：金额单位为万元")
    c.showPage()
    c.save()
    lines = read_document(buf.getvalue(), "r.pdf").split("\n")
    assert lines[:2] == ["项目\t件数\t金额", "行政许可\t3\t1.5"]
    assert any("注：金额单位为万元" in ln for ln in lines[2:]), lines


def test_unruled_columns_from_positions():
    """No rules: cells at fixed x positions; a blank cell leaves a gap that is still its column."""
    buf, c = _canvas()
    c.setFont(FONT, 9)
    xs = [60, 260, 330, 400]
    rows = [
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "3", "", "12"],
        ["行政规范性文件", "", "1", "40"],
        ["其他文件", "2", "0", ""],
    ]
    for r, cells in enumerate(rows):
        for x, text in zip(xs, cells, strict=True):
            if text:
                c.drawString(x, 760 - 24 * r, text)
    c.drawString(60, 640, "本年度无其他需要报告的事项。")
    c.showPage()
    c.save()
    lines = read_document(buf.getvalue(), "p.pdf").split("\n")
    assert lines == [
        "信息内容\t本年制发件数\t本年废止件数\t现行有效件数",
        "规章\t3\t\t12",
        "行政规范性文件\t\t1\t40",
        "其他文件\t2\t0\t",
        "本年度无其他需要报告的事项。",
    ]


def test_single_spaced_rows_stay_plain_text():
    """A table printed as text with single spaces has no column positions: pdfplumber's line stands."""
    text = read_document(to_pdf("标题\n\n行政许可 1 2 3\n行政处罚 4 5 6\n行政强制 7 8 9\n"), "s.pdf")
    assert text.split("\n")[1:] == ["行政许可 1 2 3", "行政处罚 4 5 6", "行政强制 7 8 9"]


# ------------------------------------------------------------------------------ generated reports


def _problems(rep, parsed) -> list[str]:
    out = [f"template {parsed.template}"] if parsed.template != rep.template else []
    return out + value_problems(rep.values, parsed, limit=6)


def _blank_report(seed: int, template: str, agency: GenAgency, extra: frozenset[str] = frozenset()):
    """A report with blank cells (tab or pipe cells, so the text says which cell is blank)."""
    sep = "tabs" if seed % 2 else "pipes"
    rep = generate_report(seed, template, agency, YEAR[template], noise=frozenset({sep, "blank"}) | extra)
    full = generate_report(seed, template, agency, YEAR[template], noise=frozenset({sep}) | extra)
    blanks = set(full.values) - set(rep.values)
    assert blanks, "the report must have blank cells"  # else the test proves nothing
    return rep, blanks


@pytest.mark.parametrize("style", ["grid", "positions"])
@pytest.mark.parametrize("template", ["2008", "2019", "2021"])
def test_blank_cells_parse_back_exactly(style, template):
    """Every figure lands in its own indicator and every blank stays absent (never 0, never shifted)."""
    from reports.parse import parse_bytes

    agencies = generate_agencies(4, seed=50)
    for seed in range(4):
        extra = frozenset({"fullwidth", "footer"} if seed % 2 else {"repeated_header", "label_variants"})
        rep, blanks = _blank_report(seed, template, agencies[seed], extra)
        parsed = parse_bytes(to_pdf(rep.text, tables=style), f"r{seed}.pdf")
        assert not _problems(rep, parsed), (style, template, seed, _problems(rep, parsed))
        got = {v.key for v in parsed.values}
        assert not blanks & got, f"blank cells read as figures: {sorted(blanks & got)}"


@pytest.mark.parametrize("template", ["2019", "2021"])
def test_plain_text_extraction_would_lose_those_figures(template):
    """The same PDFs through pdfplumber's plain text: rows with a blank cell are dropped (not guessed),
    so figures go missing; this is what the table reader fixes."""
    import pdfplumber

    from reports.parse import parse_text

    lost = 0
    for seed in range(4):
        rep, _ = _blank_report(seed, template, BIG)
        with pdfplumber.open(io.BytesIO(to_pdf(rep.text, tables="grid"))) as pdf:
            plain = "\n".join(p.extract_text() or "" for p in pdf.pages)
        got = {v.key for v in parse_text(plain, file_name="r.pdf").values}
        lost += len(set(rep.values) - got)
    assert lost > 0


def test_grid_pdf_reads_like_the_docx_of_the_same_report():
    """Ruled tables come out in the same row format as Word tables: same rows, same cells (the PDF pads
    every row of a table to its widest row, which only adds trailing blank cells)."""
    rep, _ = _blank_report(1, "2019", BIG)
    pdf_rows = _table_lines(read_document(to_pdf(rep.text, tables="grid"), "r.pdf"))
    docx_rows = _table_lines(read_document(to_docx(rep.text, merge=True), "r.docx"))
    assert [r.rstrip("\t") for r in pdf_rows] == [r.rstrip("\t") for r in docx_rows]


# ------------------------------------------------------------------------------ page breaks


def _pages_with_rows(data: bytes) -> list[int]:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        return [p.page_number for p in pdf.pages if any(len(t.rows) > 1 for t in p.find_tables())]


@pytest.mark.parametrize("style", ["grid", "positions"])
def test_table_over_a_page_break_2008(style):
    """The 统计表 (67 rows) always runs over a page break; blanks on either page stay blanks."""
    from reports.parse import parse_bytes

    rep, blanks = _blank_report(3, "2008", BIG)
    data = to_pdf(rep.text, tables=style)
    if style == "grid":
        assert len(_pages_with_rows(data)) >= 2, "the grid must span pages for this test"
    parsed = parse_bytes(data, "t.pdf")
    assert not _problems(rep, parsed)
    assert not blanks & {v.key for v in parsed.values}


def test_table_over_a_page_break_keeps_merged_label_and_blank_columns():
    """2019 table 三 split over pages: the group label merged down over the break, org columns blank in
    every row of the continuation; every figure still in its column."""
    from reports.parse import parse_bytes

    rep, blanks = _blank_report(5, "2019", BIG)
    for style in ("grid", "positions"):
        data = to_pdf(rep.text, tables=style)
        text = read_document(data, "t.pdf")
        first = text.index("一、本年新收")
        last = text.index("四、结转下年度")
        assert text.count("\n", first, last) > 10
        parsed = parse_bytes(data, f"t_{style}.pdf")
        assert not _problems(rep, parsed), (style, _problems(rep, parsed))
    assert len(_pages_with_rows(to_pdf(rep.text, tables="grid"))) >= 2


def test_every_noise_kind_with_blank_cells_in_a_grid_pdf():
    """Blank cells together with each layout noise kind, through a ruled PDF."""
    from reports.parse import parse_bytes

    failures = []
    for n, kind in enumerate(k for k in NOISE_KINDS if k not in ("tabs", "pipes", "spaces", "blank")):
        template = ("2019", "2021")[n % 2]
        rep, _ = _blank_report(n, template, BIG, frozenset({kind}))
        problems = _problems(rep, parse_bytes(to_pdf(rep.text, tables="grid"), "n.pdf"))
        if problems:
            failures.append((kind, template, problems))
    assert not failures, failures
