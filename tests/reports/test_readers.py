"""reports.readers: every input format decodes to the same text lines; every bad input gets its own code.

Fixtures are built in code (GBK bytes, HTML, python-docx, reportlab PDFs, zips) so each test states
exactly what went in and what must come out.
"""

from __future__ import annotations

import io
import itertools
import random
import zipfile

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from reports import readers
from reports.model import ReportError
from reports.readers import MAX_BYTES, SUPPORTED_SUFFIXES, read_document
from tests.conftest import require_shared

TEXT = (
    "银川市西夏区审批服务管理局 2020 年政府信息公开工作年度报告\n"
    "一、总体情况\n"
    "（一）予以公开\t12\t0\t\t3\n"
    "（二）部分公开（区分处理的，只计这一情形，不计其他情形）\t－2\t+117\t96171.6"
)


def _code(data: bytes, name: str) -> str:
    with pytest.raises(ReportError) as exc:
        read_document(data, name)
    assert exc.value.reason  # a message a user can read
    return exc.value.code


# ----------------------------------------------------------------------------------------- text


@pytest.mark.parametrize("encoding", ["utf-8", "gbk", "gb18030", "utf-8-sig", "utf-16"])
def test_text_encodings_round_trip(encoding):
    assert read_document(TEXT.encode(encoding), "report.txt") == TEXT


def test_gb18030_four_byte_characters():
    text = "某某街道办事处 2021 年报告：䶮、𠀀（扩展区汉字）" + "政府信息公开" * 20
    assert read_document(text.encode("gb18030"), "a.md") == text


def test_utf16_without_bom_is_not_called_binary():
    assert read_document(TEXT.encode("utf-16-le"), "a.txt") == TEXT


def test_crlf_and_bom_normalised():
    data = b"\xef\xbb\xbf" + "第一行\r\n第二行\r第三行".encode()
    assert read_document(data, "a.txt") == "第一行\n第二行\n第三行"


def test_markdown_kept_verbatim_for_the_line_cleaner():
    md = "# **银川市兴庆区 2018 年政府信息公开工作年度报告**\n见 <http://www.xqq.gov.cn>"
    assert read_document(md.encode(), "r.md") == md


ALPHABET = list("政府信息公开工作年度报告申请数量予以部分不处理总计一二三四五六七八九十（）、，。：\t 0123456789")
alphabet = st.sampled_from(ALPHABET)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text(alphabet, min_size=1, max_size=40), min_size=1, max_size=8),
    st.sampled_from(["utf-8", "gbk"]),
)
# short GBK texts that are also valid UTF-8 of non-Chinese letters (息 = CF A2 = "Ϣ"): were rejected
@example(["息"], "gbk")
@example(["一"], "gbk")
@example(["十\t"], "gbk")
def test_property_any_report_text_round_trips(lines, encoding):
    text = "\n".join(lines)
    if not text.strip():
        return
    assert read_document(text.encode(encoding), "p.txt") == text


def test_every_one_and_two_character_text_round_trips():
    """Exhaustive where the property test only samples: the short texts are where GBK bytes can also be valid
    UTF-8 (息 = CF A2 = "Ϣ"), and Hypothesis drew them only now and then (the flaky round trip of issue 12).
    About 5,700 reads, under a second."""
    bad = []
    for text in map("".join, itertools.chain(itertools.product(ALPHABET, repeat=1),
                                             itertools.product(ALPHABET, repeat=2))):
        if not text.strip():
            continue
        for encoding in ("gbk", "utf-8"):
            try:
                got = read_document(text.encode(encoding), "p.txt")
            except ReportError as err:
                got = f"refused: {err}"
            if got != text:
                bad.append((text, encoding, got))
    assert bad == []


# ----------------------------------------------------------------------------------------- html

HTML = """<!DOCTYPE html><html><head><meta charset="gbk"><title>站点标题_不要</title>
<style>td {color: red}</style><script>var x = "银川市 2099 年";</script></head>
<body><h1>银川市西夏区审批服务管理局<br>2020 年政府信息公开工作年度报告</h1>
<p>一、总体情况</p><div>正文 <b>加粗</b> 文字</div>
<table border="1">
 <thead><tr><th rowspan="2">项目</th><th colspan="2">申请人情况</th></tr></thead>
 <tbody>
 <tr><td>一、本年新收政府信息<br>公开申请数量</td><td>5</td><td></td></tr>
 <tr><td>（一）予以公开</td><td>0</td><td>0</td></tr>
 <tr><td></td><td></td><td></td></tr>
 </tbody>
</table>
<p>结尾段落</p></body></html>"""


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_html_tables_one_line_per_row(encoding):
    data = HTML.replace('charset="gbk"', f'charset="{encoding}"').encode(encoding)
    text = read_document(data, "page.html")
    lines = text.split("\n")
    assert lines == [
        "银川市西夏区审批服务管理局",
        "2020 年政府信息公开工作年度报告",
        "一、总体情况",
        "正文 加粗 文字",
        "项目\t申请人情况",  # colspan: one cell per <th>
        "一、本年新收政府信息公开申请数量\t5\t",  # <br> inside a cell joins CJK without a space
        "（一）予以公开\t0\t0",
        "结尾段落",
    ]
    assert "2099" not in text and "站点标题" not in text and "color" not in text


def test_html_article_inside_a_layout_table_keeps_its_lines_and_tables():
    """Site templates put the whole article in one cell of a page grid; flattening that grid's rows glued
    the report's paragraphs and its data tables into one line (nothing of 二 or 四 was read)."""
    inner = "<table><tr><td>行政许可</td><td><span>1</span><span>2</span></td></tr></table>"
    html = (
        "<html><body><table><tr><td>首页 | 年度报告</td></tr></table>"
        f"<table><tr><td><p>一、总体情况</p><p>正文</p>{inner}<p>五、存在的主要问题</p></td>"
        "<td>侧栏</td></tr></table></body></html>"
    )
    lines = read_document(html.encode("utf-8"), "page.html").split("\n")
    assert lines == ["首页 | 年度报告", "一、总体情况", "正文", "行政许可\t12", "五、存在的主要问题", "侧栏"]


def test_html_without_charset_in_gbk_is_detected():
    html = (
        "<html><body><p>淮安市人民政府</p><table><tr><td>行政许可</td><td>7</td></tr></table></body></html>"
    )
    text = read_document(html.encode("gbk"), "page.htm")
    assert text.split("\n") == ["淮安市人民政府", "行政许可\t7"]


def test_html_saved_as_txt_is_sniffed():
    html = "<html><body><table><tr><td>规章</td><td>1</td></tr></table></body></html>"
    assert read_document(html.encode(), "page.txt") == "规章\t1"


# ----------------------------------------------------------------------------------------- docx


def _docx() -> bytes:
    from docx import Document

    doc = Document()
    doc.add_paragraph("淮安市人民政府")
    doc.add_paragraph("2024 年政府信息公开工作年度报告")
    table = doc.add_table(rows=3, cols=4)
    head = table.cell(0, 1).merge(table.cell(0, 2))  # horizontally merged header
    head.text = "申请人情况"
    table.cell(0, 0).text = "项目"
    table.cell(0, 3).text = "总计"
    table.cell(1, 0).text = "一、本年新收政府信息公开申请数量"
    table.cell(1, 1).text = "0"
    table.cell(1, 2).text = "0"  # equal neighbours are NOT merged cells and must stay
    table.cell(1, 3).text = "0"
    label = table.cell(2, 0)
    label.text = "（一）予以"
    label.add_paragraph("公开")
    table.cell(2, 1).text = "3"
    table.cell(2, 3).text = "3"
    doc.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    t2 = doc.add_table(rows=2, cols=2)
    tall = t2.cell(0, 0).merge(t2.cell(1, 0))  # vertically merged
    tall.text = "行政复议"
    t2.cell(0, 1).text = "结果维持"
    t2.cell(1, 1).text = "10"
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def test_docx_paragraphs_and_tables_in_document_order():
    text = read_document(_docx(), "r.docx")
    assert text.split("\n") == [
        "淮安市人民政府",
        "2024 年政府信息公开工作年度报告",
        "项目\t申请人情况\t总计",
        "一、本年新收政府信息公开申请数量\t0\t0\t0",
        "（一）予以公开\t3\t\t3",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议\t结果维持",
        "\t10",
    ]


def test_docx_sniffed_without_suffix():
    assert read_document(_docx(), "upload").startswith("淮安市人民政府\n")


# ----------------------------------------------------------------------------------------- pdf


def _pdf(pages: list[list[str]], footer: str | None = "- {n} -") -> bytes:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    for n, lines in enumerate(pages, start=1):
        c.setFont("STSong-Light", 11)
        y = 780
        for line in lines:
            c.drawString(60, y, line)
            y -= 20
        if footer:
            c.drawString(280, 40, footer.format(n=n))
        c.showPage()
    c.save()
    return buf.getvalue()


def test_pdf_text_layer_with_footers_removed():
    pages = [
        ["淮安市洪泽区人民政府", "2023 年政府信息公开工作年度报告", "3"],
        ["一、本年新收政府信息公开申请数量 21 0 0 0 0 0 21", "（一）予以公开 3 0 0 0 0 0 3"],
        ["结果维持 结果纠正", "10 1 0 0 0"],
    ]
    text = read_document(_pdf(pages), "r.pdf")
    lines = text.split("\n")
    assert lines == [ln for page in pages for ln in page]  # "- 1 -" … "- 3 -" gone, a lone "3" kept
    assert "- 3 -" not in text


def test_pdf_chinese_page_footer_removed():
    text = read_document(_pdf([["第一页正文内容"], ["第二页正文内容"]], footer="第{n}页"), "r.pdf")
    assert text.split("\n") == ["第一页正文内容", "第二页正文内容"]


def test_pdf_without_text_layer():
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.rect(100, 100, 300, 400, fill=1)  # a "scan": shapes only
    c.showPage()
    c.save()
    assert _code(buf.getvalue(), "scan.pdf") == "no_text"


def test_pdf_sniffed_by_magic_under_another_name():
    assert read_document(_pdf([["规章 1 0 3"]]), "download.bin") == "规章 1 0 3"


def test_damaged_pdf():
    assert _code(b"%PDF-1.4\n1 0 obj garbage", "r.pdf") == "corrupt"
    assert _code("政府信息公开".encode(), "r.pdf") == "corrupt"


# ----------------------------------------------------------------------------------------- bad input


def test_empty_file():
    assert _code(b"", "a.txt") == "empty"
    assert _code(b"  \n\t\n", "a.txt") == "empty"


def test_too_large_refused_before_parsing(monkeypatch):
    def boom(*_a, **_k):  # pragma: no cover - must not run
        raise AssertionError("parsed a file that is too large")

    monkeypatch.setattr(readers, "decode_text", boom)
    monkeypatch.setattr(readers, "_read_pdf", boom)
    data = b"a" * (60 * 1024 * 1024)
    assert len(data) > MAX_BYTES
    assert _code(data, "big.txt") == "too_large"
    assert _code(data, "big.pdf") == "too_large"


def test_binary_junk():
    junk = random.Random(7).randbytes(20_000)
    assert _code(junk, "junk.txt") == "binary"
    assert _code(b"\x00\x01\x02" * 1000, "junk.md") == "binary"


def test_high_byte_junk_is_an_encoding_error():
    r = random.Random(3)
    junk = bytes(r.randrange(0x80, 0x100) for _ in range(8000))
    assert _code(junk, "junk.txt") == "encoding"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8").decode("latin-1").encode("utf-8"),  # double-encoded mojibake
        ("政府信息公開工作年度報告です" * 20).encode("shift_jis"),
        ("café résumé naïve " * 40).encode("latin-1"),
    ],
)
def test_wrong_encoding(data):
    assert _code(data, "a.txt") == "encoding"


def test_docx_that_is_not_a_zip():
    assert _code(TEXT.encode(), "report.docx") == "not_zip"
    assert _code(b"PK\x03\x04 truncated", "report.docx") == "not_zip"


def test_zip_without_word_document():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    assert _code(buf.getvalue(), "report.docx") == "unsupported"


def test_zip_bomb_high_ratio_member():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("word/document.xml", b"0" * (24 * 1024 * 1024))  # ~24 KB compressed, ratio ~1000
    data = buf.getvalue()
    assert len(data) < 100_000
    assert _code(data, "bomb.docx") == "zip_bomb"


def test_zip_bomb_total_size(monkeypatch):
    monkeypatch.setattr(readers, "MAX_UNZIPPED", 256 * 1024)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for i in range(5):
            zf.writestr(f"word/media/{i}.bin", b"1" * (100 * 1024))
        zf.writestr("word/document.xml", "<w:document/>")
    assert _code(buf.getvalue(), "bomb.docx") == "zip_bomb"


def test_unsupported_suffix():
    assert _code(TEXT.encode(), "report.xls") == "unsupported"
    assert _code(b"\xd0\xcf\x11\xe0" + b"\x00" * 100, "report.doc") == "unsupported"
    assert ".docx" in SUPPORTED_SUFFIXES and ".pdf" in SUPPORTED_SUFFIXES


# ----------------------------------------------------------------------------------------- shared


def test_shared_reports_read_as_utf8_and_as_gbk():
    folder = require_shared()
    for path in sorted(folder.glob("*.txt")):
        raw = path.read_bytes()
        text = read_document(raw, path.name)
        assert text == raw.decode("utf-8").replace("\r\n", "\n").lstrip("\ufeff"), path.name
        assert read_document(text.encode("gb18030"), path.name) == text, path.name


def test_html_page_title_kept_when_it_names_the_report():
    html = (
        "<html><head><title>银川市金凤区人民政府2020年政府信息公开工作年度报告_金凤区</title></head>"
        "<body><p>首页 &gt; 年报</p><p>一、总体情况</p></body></html>"
    )
    assert read_document(html.encode(), "p.html").split("\n") == [
        "银川市金凤区人民政府2020年政府信息公开工作年度报告_金凤区",
        "首页 > 年报",
        "一、总体情况",
    ]


def test_legacy_word_named_docx():
    assert _code(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "report.docx") == "not_zip"


def test_markdown_with_embedded_html_table():
    md = "# 标题\n正文一行\n<table><tr><td>规章</td><td>1</td><td></td></tr>\n<tr><td>行政许可</td><td>7</td><td>2</td></tr></table>\n结尾"
    assert read_document(md.encode(), "r.md").split("\n") == [
        "# 标题",
        "正文一行",
        "规章\t1\t",
        "行政许可\t7\t2",
        "结尾",
    ]


def test_utf8_cut_off_mid_character_is_still_utf8():
    data = TEXT.encode("utf-8") + "报".encode()[:2]
    assert read_document(data, "a.txt") == TEXT


def test_utf8_with_one_stray_byte_is_not_misread_as_gbk():
    body = TEXT * 40
    data = body[:300].encode() + b"\xff" + body[300:].encode()  # a stray byte between characters
    text = read_document(data, "a.txt")
    assert text.replace("\ufffd", "") == body


def test_pdf_fake_bold_duplicate_glyphs_read_once():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf)
    c.setFont("STSong-Light", 14)
    for dx in (0, 0.3):  # the title printed twice, offset a fraction of a point
        c.drawString(60 + dx, 780, "淮安市人民政府")
    c.setFont("STSong-Light", 11)
    c.drawString(60, 750, "行政许可 7")
    c.showPage()
    c.save()
    assert read_document(buf.getvalue(), "bold.pdf").split("\n") == ["淮安市人民政府", "行政许可 7"]
