"""Bytes → plain text for every input format a report arrives in (TXT/MD, HTML, DOCX, PDF).

Why one module: every parser downstream works on numbered text lines, so tables from HTML/DOCX/PDF are
flattened the same way (one line per row, cells joined by a tab, blank cells kept as empty strings)
and every bad input is refused here, before any parsing, with a `ReportError` whose `code` tells the
caller what went wrong and whose message a user can read (Chinese first, English in brackets).

Codes: empty, too_large, binary, encoding, not_zip, zip_bomb, no_text, unsupported, corrupt, encrypted.
"""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Iterable
from operator import itemgetter
from pathlib import PurePath
from types import SimpleNamespace

from reports import limits
from reports.model import ReportError
from reports.text import is_page_footer

MAX_BYTES = 50 * 1024 * 1024  # refuse bigger inputs before touching them
MAX_UNZIPPED = 200 * 1024 * 1024  # total uncompressed size allowed inside a DOCX
MAX_RATIO = 100  # compression ratio that marks a member as a bomb …
RATIO_MIN_SIZE = 10 * 1024 * 1024  # … when it also unpacks to at least this much

TEXT_SUFFIXES = frozenset({".txt", ".text", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm", ".xhtml", ".shtml"})
DOCX_SUFFIXES = frozenset({".docx"})
PDF_SUFFIXES = frozenset({".pdf"})
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | DOCX_SUFFIXES | PDF_SUFFIXES

_HTML_SNIFF = re.compile(rb"<\s*(?:!doctype\s+html|html|head|body|table|meta|p|div)\b", re.I)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_CJK = re.compile(r"[\u4e00-\u9fff]")
_REPORTISH = re.compile(r"(?:19|20)\d{2}\s*年.*(?:年度报告|年报)")
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_SPACES = re.compile(r"[ \t\r\n\f\v\u3000\xa0]+")


def _err(zh: str, en: str, code: str) -> ReportError:
    return ReportError(f"{zh} ({en})", code)


# --------------------------------------------------------------------------------------------- dispatch


def read_document(data: bytes, file_name: str) -> str:
    """Decode one uploaded file to text lines joined by "\\n"; raise ReportError for anything unusable."""
    if not data:
        raise _err("文件为空", "empty file", "empty")
    if len(data) > MAX_BYTES:
        mib = len(data) / 1024 / 1024
        raise _err(
            f"文件过大（{mib:.1f} MB，上限 {MAX_BYTES // 1024 // 1024} MB）",
            "file too large",
            "too_large",
        )
    kind = _kind(data, file_name)
    limits.check(data, kind)  # decompressed sizes and line counts, before any reader starts
    if kind == "pdf":
        text = _read_pdf(data)
    elif kind == "docx":
        text = _read_docx(data)
    elif kind == "html":
        text = _read_html(data)
    else:
        text = _inline_tables(_normalise_newlines(decode_text(data)))
    if not text.strip():
        raise _err("文件中没有文字内容", "no text in file", "empty")
    return text


def _kind(data: bytes, file_name: str) -> str:
    """Pick a reader from the suffix, but trust the bytes when they clearly say otherwise."""
    suffix = PurePath(file_name or "").suffix.lower()
    head = data[:1024]
    is_pdf = b"%PDF-" in head
    is_zip = data[:4] == b"PK\x03\x04"
    if suffix in PDF_SUFFIXES:
        if not is_pdf:
            raise _err("不是有效的 PDF 文件", "not a valid PDF", "corrupt")
        return "pdf"
    if suffix in DOCX_SUFFIXES:
        return "docx"  # zip checks happen in _read_docx so a fake .docx gets "not_zip"
    if suffix == ".doc":
        if is_zip:
            return "docx"
        raise _err(
            "不支持旧版 Word（.doc）文件，请另存为 .docx 或 PDF", "legacy .doc not supported", "unsupported"
        )
    if is_pdf:
        return "pdf"
    if is_zip:  # a DOCX renamed or saved without its suffix
        return "docx"
    if suffix in HTML_SUFFIXES:
        return "html"
    if suffix in TEXT_SUFFIXES:
        # A saved web page renamed to .txt is still a web page.
        return "html" if _looks_html(data) else "text"
    if _looks_html(data):
        return "html"
    raise _err(
        f"不支持的文件类型（{suffix or '无扩展名'}），请发送 TXT、MD、HTML、DOCX 或 PDF",
        "unsupported file type",
        "unsupported",
    )


def _looks_html(data: bytes) -> bool:
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n")
    if not head.startswith(b"<"):
        return False
    return bool(_HTML_SNIFF.search(head))


def _normalise_newlines(text: str) -> str:
    # Form feeds separate pages in pdftotext output; they are line breaks for us.
    return text.replace("\r\n", "\n").replace("\r", "\n").replace("\f", "\n").lstrip("\ufeff")


# --------------------------------------------------------------------------------------------- text


def _is_good_char(ch: str) -> bool:
    """Characters a Chinese government report plausibly contains (mojibake and garbage fail)."""
    o = ord(ch)
    if o < 0x80:
        return ch.isprintable() or ch in "\t\n\r\f"
    if 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF:
        return True
    return (
        0x3000 <= o <= 0x303F  # CJK punctuation
        or 0xFF00 <= o <= 0xFFEF  # full-width forms
        or 0x2000 <= o <= 0x27BF  # general punctuation, letterlike, numbers, arrows, maths, shapes
        or 0x2E80 <= o <= 0x2FDF  # radicals
        or 0x3200 <= o <= 0x33FF  # enclosed CJK, units
        or 0xFE30 <= o <= 0xFE4F  # vertical / compatibility forms
        or 0x0391 <= o <= 0x03C9  # Greek (α, β, Ω in GB2312)
        or 0x0410 <= o <= 0x044F  # Cyrillic (in GB2312)
        or ch in "\xa0·×÷°±§¨©®µ¶é\ufeff"
    )


_BAD_CHAR = re.compile(
    "[^\\s\x20-\x7e\u4e00-\u9fff\u3400-\u4dbf\u3000-\u303f\uff00-\uffef\u2000-\u27bf\u2e80-\u2fdf"
    "\u3200-\u33ff\ufe30-\ufe4f\u0391-\u03c9\u0410-\u044f\xa0·×÷°±§¨©®µ¶é\ufeff]"
)  # the complement of _is_good_char, as one regex: a per-character loop cost ~8 ms on a long report
_SPACE = re.compile(r"\s")


def _junk_ratio(text: str) -> float:
    sample = text[:200_000]
    visible = len(sample) - len(_SPACE.findall(sample))
    if visible <= 0:
        return 0.0
    return len(_BAD_CHAR.findall(sample)) / visible


def _rare_cjk_ratio(text: str) -> float:
    """Share of non-ASCII characters outside GB2312: random bytes decoded as GB18030 are mostly rare."""
    sample = [c for c in text[:200_000] if ord(c) >= 0x80]
    if not sample:
        return 0.0
    rare = 0
    for c in sample:
        try:
            c.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare / len(sample)


def _control_ratio(data: bytes) -> float:
    sample = data[:65536]
    ctrl = sum(1 for b in sample if b < 0x20 and b not in (0x09, 0x0A, 0x0D, 0x0C, 0x1B) or b == 0x7F)
    return ctrl / len(sample)


def _utf16_guess(data: bytes) -> str | None:
    """UTF-16 without a BOM, either byte order, however little ASCII the text holds (issue 15.11).

    Counting NUL bytes only works for ASCII-heavy text; a Chinese report has few. So both byte orders
    are decoded and the one that reads as text wins: no junk characters, fewest characters outside
    GB2312 (the wrong order turns common characters into rare ones)."""
    if len(data) < 4 or len(data) % 2:
        return None
    best: tuple[float, str] | None = None
    for enc in ("utf-16-le", "utf-16-be"):
        try:
            text = data.decode(enc)
        except UnicodeDecodeError:
            continue
        if "\x00" in text or _junk_ratio(text) >= 0.02:
            continue
        score = _rare_cjk_ratio(text[:20_000])
        if best is None or score < best[0]:
            best = (score, text)
    return None if best is None or best[0] > 0.3 else best[1]


def decode_text(data: bytes) -> str:
    """Decode TXT/MD bytes: BOMs, strict UTF-8, then GB18030 (covers GBK/GB2312), then charset-normalizer."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return _checked(data[3:].decode("utf-8"))
        except UnicodeDecodeError as e:
            raise _err("文件声明为 UTF-8 但内容无法解码", "invalid UTF-8 after BOM", "encoding") from e
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return _checked(data.decode("utf-16"))
        except UnicodeDecodeError as e:
            raise _err("UTF-16 文件无法解码", "invalid UTF-16", "encoding") from e
    if b"\x00" in data[:65536]:
        text = _utf16_guess(data)
        if text is not None:
            return text
        raise _err("文件是二进制数据，不是文本", "binary data, not text", "binary")
    if _control_ratio(data) > 0.02:
        raise _err("文件是二进制数据，不是文本", "binary data, not text", "binary")
    try:
        utf8: str | None = data.decode("utf-8")
    except UnicodeDecodeError as e:
        utf8 = _nearly_utf8(data, e)
    gb = _gb18030(data)
    if utf8 is not None:
        # Short GBK text can be valid UTF-8 by accident ("息" = CF A2 = "Ϣ"): junk as UTF-8 but clean
        # as GBK means GBK; junk either way is garbled.
        if _junk_ratio(utf8) > 0.05 and gb is not None:
            return gb
        return _checked(utf8)
    if gb is not None:
        return gb
    text = _normalizer_guess(data)
    if text is not None:
        return text
    raise _err(
        "无法识别文件编码（请使用 UTF-8 或 GBK 保存）",
        "unrecognised text encoding; save as UTF-8 or GBK",
        "encoding",
    )


def _gb18030(data: bytes) -> str | None:
    """GB18030 (covers GBK/GB2312) when it decodes to plausible Chinese text, else None."""
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    return text if _rare_cjk_ratio(text) < 0.1 and _junk_ratio(text) < 0.02 else None


def _nearly_utf8(data: bytes, first: UnicodeDecodeError) -> str | None:
    """UTF-8 cut off mid-character at the end, or with a few stray bytes: keep it (digits are ASCII and
    cannot be damaged by a broken multi-byte sequence); anything more broken is another encoding."""
    if first.start >= len(data) - 3 and first.reason == "unexpected end of data":
        try:
            return data[: first.start].decode("utf-8")
        except UnicodeDecodeError:
            return None
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    if bad <= 8 and bad <= len(text) / 1000:
        return text
    return None


def _checked(text: str) -> str:
    """Valid UTF-8 can still be mojibake (UTF-8 of Latin-1 of GBK …): refuse text that is mostly junk."""
    if _junk_ratio(text) > 0.05:
        raise _err(
            "文件内容是乱码（编码不正确），请用 UTF-8 或 GBK 重新保存",
            "garbled text: wrong encoding",
            "encoding",
        )
    return text


def _normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - dependency is declared
        return None
    best = from_bytes(data[:1_000_000]).best()
    if best is None:
        return None
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    if _junk_ratio(text) > 0.02 or not _CJK.search(text):
        return None
    return text


# --------------------------------------------------------------------------------------------- html

_INLINE_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)


def _inline_tables(text: str) -> str:
    """Markdown/text converted from a web page may embed raw <table> markup: flatten just those parts."""
    if "<table" not in text.lower():
        return text
    return _INLINE_TABLE.sub(lambda m: _read_html(m.group(0).encode("utf-8")), text)


_BLOCK_TAGS = frozenset(
    "p div h1 h2 h3 h4 h5 h6 li ul ol section article header footer blockquote pre title dt dd dl "
    "address center form fieldset figure figcaption caption main nav aside hr".split()
)
_DROP_TAGS = frozenset({"script", "style", "noscript", "template", "head", "iframe", "object", "svg"})


def join_fragments(parts: Iterable[str]) -> str:
    """Join pieces of one cell: no space between two CJK characters, one space otherwise."""
    out = ""
    for part in parts:
        part = _SPACES.sub(" ", part).strip()
        if not part:
            continue
        if out and not (_is_cjkish(out[-1]) and _is_cjkish(part[0])):
            out += " "
        out += part
    return out


_CJK_GAP = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef])\s+(?=[\u3000-\u9fff\uff00-\uffef])")


def _tighten(text: str) -> str:
    """Whitespace inside one cell piece: none between CJK characters (HTML source wrapped mid-label)."""
    return _CJK_GAP.sub("", _SPACES.sub(" ", text))


def _is_cjkish(ch: str) -> bool:
    o = ord(ch)
    return 0x3000 <= o <= 0x9FFF or 0xFF00 <= o <= 0xFFEF or 0x2018 <= o <= 0x201F  # “” ‘’ in Chinese text


def _html_text(data: bytes) -> str:
    m = _META_CHARSET.search(data[:4096])
    if m:
        enc = m.group(1).decode("ascii", "replace").lower()
        if enc in {"gb2312", "gbk", "gb_2312-80"}:
            enc = "gb18030"
        try:
            return data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            pass
    return decode_text(data)


def _is_layout_table(table, rows: list) -> bool:  # noqa: ANN001 - bs4 Tag
    """A table that holds other tables (or long runs of paragraphs) in its cells lays out a page: the
    article sits inside it, so flattening its rows would glue the report's text and tables into one line."""
    for tr in rows:
        for cell in tr.find_all(["td", "th"], recursive=False):
            if cell.find("table") is not None:
                return True
            if len(cell.find_all(["p", "div", "h1", "h2", "h3"])) >= 8:
                return True
    return False


def _read_html(data: bytes) -> str:
    from bs4 import BeautifulSoup, NavigableString, Tag
    from bs4.element import Comment, Declaration, Doctype, ProcessingInstruction

    soup = BeautifulSoup(_html_text(data), "lxml")
    lines: list[str] = []
    buf: list[str] = []

    def flush() -> None:
        if buf:
            line = _SPACES.sub(" ", "".join(buf)).strip()
            if line:
                lines.append(line)
            buf.clear()

    def cell_text(cell: Tag) -> str:
        # Inline elements split text anywhere (Word: <span>2</span><span>0</span> is 20), so text nodes
        # are concatenated as printed; only block elements (<p>, <br>, <div>) inside a cell separate pieces.
        pieces: list[str] = [""]
        for s in cell.descendants:
            if isinstance(s, Tag):
                if s.name == "br" or s.name in _BLOCK_TAGS:
                    pieces.append("")
                continue
            if isinstance(s, NavigableString) and not isinstance(
                s, Comment | Declaration | Doctype | ProcessingInstruction
            ):
                if any(p.name in _DROP_TAGS for p in s.parents if isinstance(p, Tag)):
                    continue
                pieces[-1] += str(s)
        return join_fragments(_tighten(p) for p in pieces).replace("\t", " ")

    def rows_of(table: Tag) -> list[Tag]:
        found: list[Tag] = []
        for child in table.children:
            if not isinstance(child, Tag):
                continue
            if child.name == "tr":
                found.append(child)
            elif child.name in {"thead", "tbody", "tfoot"}:
                found.extend(c for c in child.children if isinstance(c, Tag) and c.name == "tr")
        return found

    def walk(node: Tag) -> None:
        for child in node.children:
            if isinstance(child, Comment | Declaration | Doctype | ProcessingInstruction):
                continue
            if isinstance(child, NavigableString):
                buf.append(str(child))
                continue
            if not isinstance(child, Tag):
                continue
            name = child.name
            if name in _DROP_TAGS:
                continue
            if name == "br":
                flush()
            elif name == "table" and _is_layout_table(child, rows_of(child)):
                # a page template's layout grid around the article: its cells are page regions, not data
                for tr in rows_of(child):
                    for cell in (c for c in tr.children if isinstance(c, Tag) and c.name in {"td", "th"}):
                        flush()
                        walk(cell)
                        flush()
            elif name == "table":
                flush()
                for tr in rows_of(child):
                    cells = [
                        cell_text(c) for c in tr.children if isinstance(c, Tag) and c.name in {"td", "th"}
                    ]
                    if any(cells):
                        lines.append("\t".join(cells))
                caption = child.find("caption", recursive=False)
                if caption is not None and not rows_of(child):
                    lines.append(cell_text(caption))
            elif name in _BLOCK_TAGS or name == "tr":
                flush()
                walk(child)
                flush()
            else:
                walk(child)

    walk(soup)
    flush()
    # The page <title> often carries the report title when the body's heading is an image or missing.
    page_title = soup.title.get_text(" ", strip=True) if soup.title else ""
    if page_title and _REPORTISH.search(page_title) and page_title not in lines[:3]:
        lines.insert(0, _SPACES.sub(" ", page_title))
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------- docx


def check_zip(data: bytes) -> zipfile.ZipFile:
    """Open a DOCX container safely: refuse non-zips and zip bombs before anything decompresses."""
    if data.startswith(_OLE_MAGIC):
        raise _err(
            "这是旧版 Word（.doc）或加密文档，不是 DOCX；请另存为 .docx 或 PDF",
            "legacy .doc or encrypted document, not a DOCX zip",
            "not_zip",
        )
    if not data.startswith(b"PK") or not zipfile.is_zipfile(io.BytesIO(data)):
        raise _err("这不是有效的 DOCX 文件（不是 zip 压缩包）", "not a DOCX: not a zip archive", "not_zip")
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise _err("DOCX 文件已损坏", "damaged DOCX zip", "not_zip") from e
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(1, info.compress_size)
        if total > MAX_UNZIPPED or (info.file_size >= RATIO_MIN_SIZE and ratio > MAX_RATIO):
            raise _err("DOCX 解压后体积异常（疑似压缩炸弹），已拒绝", "suspected zip bomb", "zip_bomb")
    if "word/document.xml" not in zf.namelist():
        raise _err("压缩包里没有 Word 文档内容，不是 DOCX", "zip without word/document.xml", "unsupported")
    return zf


def _read_docx(data: bytes) -> str:
    zf = check_zip(data)
    zf.close()
    from docx import Document

    try:
        doc = Document(io.BytesIO(data))
    except Exception as e:  # python-docx raises many kinds (KeyError, XMLSyntaxError, PackageNotFoundError)
        raise _err(
            "DOCX 文件无法打开（可能已损坏）", f"cannot open DOCX: {type(e).__name__}", "corrupt"
        ) from e
    lines: list[str] = []
    _docx_blocks(doc.element.body, lines)
    text = "\n".join(lines)
    if not text.strip():
        raise _err("DOCX 文件中没有文字", "DOCX contains no text", "no_text")
    return text


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_MC = "{http://schemas.openxmlformats.org/markup-compatibility/2006}"
# elements that only wrap content (content controls, custom XML, tracked insertions/moves, smart tags)
_DOCX_WRAPPERS = frozenset(f"{_W}{t}" for t in ("sdt", "sdtContent", "customXml", "ins", "moveTo", "smartTag"))
# never text of the document as it reads now: deleted/moved-away text, text boxes (out of scope), the
# fallback copy of alternate content, field codes
_DOCX_SKIP = frozenset(
    [*(f"{_W}{t}" for t in ("del", "moveFrom", "txbxContent", "instrText", "delText", "sdtPr", "rPr", "pPr"))]
    + [f"{_MC}Fallback"]
)


def _docx_children(el, tag: str) -> list:  # noqa: ANN001 - lxml element
    """Children with `tag`, looking through wrappers (a row or cell inside a content control)."""
    out = []
    for child in el:
        if child.tag == tag:
            out.append(child)
        elif child.tag in _DOCX_WRAPPERS:
            out.extend(_docx_children(child, tag))
    return out


def _docx_para_text(p) -> str:  # noqa: ANN001 - lxml w:p
    """A paragraph's text as it reads: runs inside hyperlinks, content controls and tracked insertions
    count; deleted text, field codes and text boxes do not (python-docx reads only direct runs)."""
    parts: list[str] = []

    def visit(el) -> None:  # noqa: ANN001
        for child in el:
            tag = child.tag
            if not isinstance(tag, str) or tag in _DOCX_SKIP:
                continue
            if tag == f"{_W}t":
                parts.append(child.text or "")
            elif tag == f"{_W}tab":
                parts.append(" ")
            elif tag in (f"{_W}br", f"{_W}cr"):
                parts.append("\n")
            elif tag == f"{_W}noBreakHyphen":
                parts.append("-")
            else:
                visit(child)

    visit(p)
    return "".join(parts)


def _docx_blocks(parent, lines: list[str]) -> None:  # noqa: ANN001 - lxml element
    """Body (or cell) children in document order: paragraphs, tables, and what wraps them."""
    for el in parent:
        if el.tag == f"{_W}p":
            for piece in _docx_para_text(el).replace("\r", "\n").split("\n"):
                lines.append(piece.replace("\t", " ").strip())
        elif el.tag == f"{_W}tbl":
            _docx_table(el, lines)
        elif el.tag in _DOCX_WRAPPERS:
            _docx_blocks(el, lines)


def _docx_cell_text(tc) -> str:  # noqa: ANN001 - lxml w:tc
    parts: list[str] = []
    for el in _docx_children(tc, f"{_W}p") + _docx_children(tc, f"{_W}tbl"):
        if el.tag == f"{_W}p":
            parts.extend(_docx_para_text(el).split("\n"))  # a line break in a cell is a wrap
        else:  # a small table nested in a cell: flattened into the cell
            for tr in _docx_children(el, f"{_W}tr"):
                parts.extend(_docx_cell_text(c) for c in _docx_children(tr, f"{_W}tc"))
    return join_fragments(parts).replace("\t", " ")


def _docx_table(tbl, lines: list[str]) -> None:  # noqa: ANN001 - lxml w:tbl
    """One line per row, cells joined by tabs. A one-cell layout table holding the report (a frame
    around the text) is read as body content, its nested tables as tables."""
    rows = _docx_children(tbl, f"{_W}tr")
    for tr in rows:
        cells = _docx_children(tr, f"{_W}tc")
        filled = [tc for tc in cells if _docx_children(tc, f"{_W}tbl")]
        if len(cells) == 1 and filled:
            _docx_blocks(cells[0], lines)
            continue
        before = tr.find(f"{_W}trPr/{_W}gridBefore")
        out = [""] * int(before.get(f"{_W}val", "0")) if before is not None else []
        for tc in cells:
            merge = tc.find(f"{_W}tcPr/{_W}vMerge")
            if merge is not None and merge.get(f"{_W}val", "continue") == "continue":
                out.append("")  # vertically merged: the text belongs to the row above
            else:
                out.append(_docx_cell_text(tc))
        if any(out):
            lines.append("\t".join(out))


# --------------------------------------------------------------------------------------------- pdf


def _read_pdf(data: bytes) -> str:
    """Pages come from pdfium where it can stand in for pdfminer (same objects), else from pdfminer; all
    are read by reports.pdf_text (pdfplumber's reading, redone: same text, about 5x faster in all). A
    document that fails that way, or reads without text, goes today's way, which words the errors."""
    from reports.pdfium_pages import open_pages

    with open_pages(data) as pages:
        try:
            text = _read_pdf_mixed(data, pages)
        except Exception:  # noqa: BLE001 - pdfminer reads it again and reports what is wrong
            text = ""
    if len(re.sub(r"\s", "", text)) >= 5:
        return text
    return _read_pdf_pdfminer(data)


def _read_pdf_mixed(data: bytes, pages: list | None) -> str:
    """The text of pdfium pages, with pdfminer's page where `pages` holds None (or for every page when
    `pages` is None). Every page is read by reports.pdf_text, which assumes upright text: a pdfminer
    page with any other is read by pdfplumber itself."""
    fast = {id(p) for p in pages or [] if p is not None}

    def page_lines(page, carry: list[list[float]]) -> list[str]:  # noqa: ANN001
        if id(page) in fast or all(c["upright"] for c in page.chars):
            return _fast_page_lines(page, carry)
        return _plumber_page_lines(page, carry)

    if pages is not None and len(fast) == len(pages):
        return _pages_text(pages, page_lines)
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        theirs = pdf.pages
        if pages is None:
            return _pages_text(theirs, page_lines)
        return _pages_text([p if p is not None else theirs[i] for i, p in enumerate(pages)], page_lines)


def _read_pdf_pdfminer(data: bytes) -> str:
    import pdfplumber

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as e:  # pdfminer raises PDFSyntaxError, PSEOF, PDFPasswordIncorrect …
        if "password" in type(e).__name__.lower() or "encrypt" in str(e).lower():
            raise _err("PDF 已加密，无法读取", "encrypted PDF", "encrypted") from e
        raise _err("PDF 文件已损坏，无法读取", f"damaged PDF: {type(e).__name__}", "corrupt") from e
    try:
        with pdf:
            text = _pages_text(pdf.pages)
    except ReportError:
        raise
    except Exception as e:
        if "password" in type(e).__name__.lower():
            raise _err("PDF 已加密，无法读取", "encrypted PDF", "encrypted") from e
        raise _err("PDF 文件已损坏，无法读取", f"damaged PDF: {type(e).__name__}", "corrupt") from e
    if len(re.sub(r"\s", "", text)) < 5:
        raise _err(
            "PDF 没有文字层（可能是扫描件），请提供可复制文字的 PDF 或文本",
            "PDF has no text layer (scanned?)",
            "no_text",
        )
    return text


def _pages_text(pages: Iterable, page_lines: Callable | None = None) -> str:
    """The text of all pages; the columns of an unruled table carry over from one page to the next.
    `page_lines`: how a page is read (default pdfplumber's own machinery; _fast_page_lines on pdfium)."""
    out: list[str] = []
    carry: list[list[float]] = []  # columns of an unruled table that may go on on the next page
    for page in pages:
        try:
            # Fake-bold titles print every glyph twice at the same spot ("政政府府"): dedupe first.
            lines = (page_lines or _plumber_page_lines)(page, carry)
        except Exception as e:  # a broken page should not hide the others
            raise _err("PDF 页面无法解析", f"damaged PDF page: {type(e).__name__}", "corrupt") from e
        out.extend(_drop_page_furniture(lines))
        page.flush_cache()
    return "\n".join(out)


def _plumber_page_lines(page, carry: list[list[float]]) -> list[str]:  # noqa: ANN001 - pdfplumber Page
    return _pdf_page_lines(_dedupe_chars(page), carry)


def _fast_page_lines(page, carry: list[list[float]]) -> list[str]:  # noqa: ANN001 - pdfplumber Page
    """_plumber_page_lines with reports.pdf_text standing in for pdfplumber's dedupe, table finder, line
    grouping and Table.extract (same text, a fraction of the time). Chars must be upright (pdfium path)."""
    from reports import pdf_text

    chars = pdf_text.dedupe(page.chars)
    tables = [t for t in pdf_text.find_tables(page.objects) if _is_data_table(t)]
    grids = [pdf_text.Grid(t.cells) for t in tables]
    free, held = pdf_text.assign(grids, chars)
    items: list[tuple[float, int, str]] = [
        (top, 0, text)
        for top, text in _positional_rows(pdf_text.text_lines(free), carry, pdf_text.extract_text)
    ]
    for t, g, cells_chars in zip(tables, grids, held, strict=True):
        items.extend(
            (top, 1, "\t".join(cells)) for top, cells in _pdf_table_rows(t, g.extract(t, cells_chars))
        )
    items.sort(key=lambda it: (it[0], it[1]))
    return [text for _, _, text in items]


def _dedupe_chars(page):  # noqa: ANN001, ANN202 - pdfplumber Page in, FilteredPage out
    """pdfplumber's Page.dedupe_chars (same chars kept, same order) without its quadratic last step,
    which finds each kept char's position with list.index (a third of the reading time on a real PDF)."""
    from operator import itemgetter

    from pdfplumber.page import FilteredPage
    from pdfplumber.utils.clustering import cluster_objects

    chars = page.chars
    key, pos_key = itemgetter("upright", "text", "fontname", "size"), itemgetter("doctop", "x0")
    kept: list[dict] = []
    for _, group in itertools.groupby(sorted(chars, key=key), key=key):
        group = list(group)
        if len(group) == 1:  # most glyphs: nothing to cluster
            kept.append(group[0])
            continue
        for row in cluster_objects(group, itemgetter("doctop"), 1):
            kept.extend(min(col, key=pos_key) for col in cluster_objects(row, itemgetter("x0"), 1))
    first: dict[int, int] = {}
    for i, c in enumerate(chars):
        first.setdefault(id(c), i)
    out = FilteredPage(page, lambda _: True)
    out._objects = dict(page.objects)
    out._objects["char"] = sorted(kept, key=lambda c: first[id(c)])
    return out


def _pdf_page_lines(page, carry: list[list[float]]) -> list[str]:  # noqa: ANN001 - pdfplumber Page
    """The page's text lines top to bottom. Table rows come out one per line, cells joined by a tab and
    blank cells kept as "" (as HTML/DOCX tables do), so a blank cell cannot shift a number into its
    neighbour's column as it does in plain text extraction: ruled tables from their grid, unruled ones
    from the x positions of their cells (_positional_rows)."""
    tables = [t for t in page.find_tables() if _is_data_table(t)]

    def inside(x: float, y: float, box: tuple[float, float, float, float]) -> bool:
        return box[0] <= x < box[2] and box[1] <= y < box[3]

    def outside(obj: dict) -> bool:
        """Not read by a table: text in a gap of a ragged grid stays text."""
        if obj.get("object_type") != "char":
            return True
        x, y = (obj["x0"] + obj["x1"]) / 2, (obj["top"] + obj["bottom"]) / 2
        return not any(inside(x, y, t.bbox) and any(inside(x, y, c) for c in t.cells) for t in tables)

    text_page = page.filter(outside) if tables else page
    items: list[tuple[float, int, str]] = [
        (top, 0, text)
        for top, text in _positional_rows(text_page.extract_text_lines(return_chars=True), carry)
    ]
    for t in tables:
        _narrow_table_chars(t, page.chars)
        items.extend((top, 1, "\t".join(cells)) for top, cells in _pdf_table_rows(t))
    items.sort(key=lambda it: (it[0], it[1]))
    return [text for _, _, text in items]


# --------------------------------------------------------------------------------------------- pdf, unruled

_CELL_GAP = (
    1.0  # an empty stretch at least this many characters wide (no glyph, not even a space) ends a cell
)
_NUMERIC = re.compile(r"[+\-－＋]?[0-9０-９][0-9０-９.．,，]*%?")


def _segments(line: dict, extract_text: Callable[[list[dict]], str]) -> list[tuple[float, float, str]]:
    """(x0, x1, text) of the runs of one text line that are separated by wide empty gaps."""

    runs: list[list[dict]] = []
    prev: dict | None = None  # runs[-1][-1]
    for ch in sorted(line.get("chars", []), key=itemgetter("x0")):
        if prev is not None:
            gap = ch["x0"] - prev["x1"]
            # gap < _CELL_GAP * max(size, previous size, 1.0), the common case (glyphs that touch) first
            if gap < _CELL_GAP or gap < _CELL_GAP * max(ch.get("size", 0), prev.get("size", 0)):
                runs[-1].append(ch)
                prev = ch
                continue
        runs.append([ch])
        prev = ch
    if len(runs) == 1:  # most lines: the line's own text (no second text extraction)
        text = line["text"].strip()
        return [(runs[0][0]["x0"], max(c["x1"] for c in runs[0]), text)] if text else []
    out = []
    for run in runs:
        text = extract_text(run).strip()
        if text:
            out.append((run[0]["x0"], max(c["x1"] for c in run), text))
    return out


def _positional_rows(
    lines: list[dict], carry: list[list[float]], extract_text: Callable[[list[dict]], str] | None = None
) -> list[tuple[float, str]]:
    """(top, text) per line; runs of lines that are table rows without rules become tab-joined cells.

    A table here: three or more rows split into two or more runs by wide gaps, with figures in some,
    plus lines of one run that start where a cell of those lines starts (a wrapped label, a row whose
    figures are all blank). Lines closer together than the table's row pitch are one row (a cell
    wrapped over several lines). Anything else (prose, a table printed with single spaces) keeps
    pdfplumber's line text. `carry` holds the columns of the page's last such table when this returns,
    and on entry those of the previous page's, for a table that goes on at the top of this page without
    its header (a column blank in every row there is still a column)."""
    if extract_text is None:
        from pdfplumber.utils import extract_text
    segs = [_segments(ln, extract_text) for ln in lines]
    out: list[tuple[float, str]] = []
    prev_cols, prev_end = list(carry), -1  # the last table's columns and its last line (-1: page before)
    i, n = 0, len(lines)
    while i < n:
        if len(segs[i]) < 2:
            out.append((lines[i]["top"], lines[i]["text"]))
            i += 1
            continue
        starts = [x0 for x0, _, _ in segs[i]]
        last, j = i, i
        while j + 1 < n and segs[j + 1]:
            nxt = segs[j + 1]
            if len(nxt) < 2 and not any(abs(nxt[0][0] - x) <= 2 for x in starts):
                break
            j += 1
            if len(nxt) >= 2:
                last = j
                starts.extend(x0 for x0, _, _ in nxt)
        last = j if j > last and _continues(lines, i, last, j) else last
        # The same table goes on after a page break or a heading printed down the side (三、/本/年/度 …):
        # only page numbers and scraps of one to three characters lie between.
        known = prev_cols if _only_scraps(lines[prev_end + 1 : i]) else []
        found = _table_rows_by_position(lines[i : last + 1], segs[i : last + 1], known)
        if found is None:
            out.extend((ln["top"], ln["text"]) for ln in lines[i : last + 1])
            if all(is_page_footer(ln["text"]) for ln in lines[j + 1 :]):
                # header rows at the foot of a page: the table's rows follow on the next page
                prev_cols, prev_end = _union([(a, b) for s in segs[i : j + 1] for a, b, _ in s], []), j
                out.extend((ln["top"], ln["text"]) for ln in lines[last + 1 : j + 1])
                last = j
        else:
            out.extend(found[0])
            prev_cols, prev_end = found[1], last
        i = last + 1
    tail = lines[prev_end + 1 :] if prev_cols else []
    carry[:] = prev_cols if _only_scraps(tail) else []  # goes on next page (maybe after a side heading)?
    return out


def _only_scraps(lines: list[dict]) -> bool:
    """Do only page numbers and scraps of one to three characters (a heading printed down the side:
    三、/本/年/度 …) lie in `lines`? Then a table part after them goes on with the columns before them."""
    return all(is_page_footer(ln["text"]) or len(ln["text"].strip()) <= 3 for ln in lines)


def _union(spans: list[tuple[float, float]], into: list[list[float]]) -> list[list[float]]:
    """Merge x extents that overlap (or nearly touch) into columns, appended to `into`."""
    for x0, x1 in sorted(spans):
        if into and x0 <= into[-1][1] + 1:
            into[-1][1] = max(into[-1][1], x1)
        else:
            into.append([x0, x1])
    return into


def _continues(lines: list[dict], first: int, last: int, j: int) -> bool:
    """Are lines last+1..j, after the last line with several cells, the rest of that line's row? Yes
    when they follow at the table's in-cell leading, closer than its rows are to each other."""
    inner = [lines[k]["top"] - lines[k - 1]["top"] for k in range(first + 1, last + 1)]
    after = [lines[k]["top"] - lines[k - 1]["top"] for k in range(last + 1, j + 1)]
    if not after:
        return False
    height = lines[last]["bottom"] - lines[last]["top"]
    if not inner:  # a one-line table part (a row alone at the foot of a page): the in-cell leading
        return max(after) <= 1.45 * height
    small = min(inner)
    if max(inner) > 1.4 * small:  # rows of one line and of several: the in-cell leading is the smaller
        return max(after) <= 1.15 * small
    # rows of one line each so far (the part begins after a heading down the side): the lines after the
    # last row follow at the in-cell leading, well inside the row pitch, or they are rows of their own
    return max(after) <= 1.45 * height and max(after) <= 0.75 * small


def _table_rows_by_position(
    lines: list[dict], segs: list[list[tuple[float, float, str]]], known: list[list[float]]
) -> tuple[list[tuple[float, str]], list[list[float]]] | None:
    """([(top, tab-joined cells)], columns) of one unruled table, or None when its runs do not form
    columns. `known`: columns of the same table on the page before, kept where nothing here overlaps."""
    tops = [ln["top"] for ln in lines]
    pitches = [b - a for a, b in zip(tops, tops[1:], strict=False)]
    small = min(pitches, default=0.0)
    two_pitches = bool(pitches) and max(pitches) > 1.4 * small
    groups: list[list[int]] = []  # line indexes of each row
    for k in range(len(lines)):
        if groups and two_pitches and pitches[k - 1] <= 1.15 * small:
            groups[-1].append(k)
        else:
            groups.append([k])
    numeric = [
        any(_NUMERIC.fullmatch(t) for k in g for _, _, t in segs[k]) and sum(len(segs[k]) for k in g) >= 2
        for g in groups
    ]
    if sum(any(len(segs[k]) >= 2 for k in g) for g in groups) < (1 if known else 3) or not any(numeric):
        return None

    def spans(want: bool) -> list[tuple[float, float]]:
        return [
            (a, b)
            for g, num in zip(groups, numeric, strict=True)
            if num == want
            for k in g
            for a, b, _ in segs[k]
        ]

    cols = _union(spans(True), [])
    for more in (spans(False), [(a, b) for a, b in known]):  # header cells, then the page before
        cols = sorted(
            cols + _union([(a, b) for a, b in more if not any(a <= c1 and b >= c0 for c0, c1 in cols)], [])
        )
    if len(cols) < 2:
        return None
    starts = [c0 for c0, _ in cols]
    rows: list[tuple[float, str]] = []
    for g, num in zip(groups, numeric, strict=True):
        parts: list[list[str]] = [[] for _ in cols]
        for k in g:
            used: set[int] = set()
            for x0, _, text in segs[k]:
                c = max(0, sum(1 for c0 in starts if c0 <= x0 + 1) - 1)
                if c in used and num:
                    return None  # two figures side by side in one column: the columns do not line up
                used.add(c)
                parts[c].append(text)
        rows.append((tops[g[0]], "\t".join(join_fragments(p).replace("\t", " ") for p in parts)))
    return rows, cols


def _narrow_table_chars(table, chars: list[dict]) -> None:  # noqa: ANN001 - pdfplumber Table
    """Let Table.extract look only at the chars within the table's box: it tests every char of the page
    against every row (a fifth of the reading time). Rows lie inside the box, so the text is the same."""
    x0, top, x1, bottom = table.bbox
    inside = [
        c
        for c in chars
        if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom
    ]
    table.page = SimpleNamespace(chars=inside)


def _is_data_table(table) -> bool:  # noqa: ANN001 - pdfplumber Table
    """A ruled grid with at least two columns; a single box (a framed paragraph, a page border) is text."""
    return any(sum(c is not None for c in row.cells) >= 2 for row in table.rows)


def _pdf_table_rows(table, texts: list | None = None) -> Iterable[tuple[float, list[str]]]:  # noqa: ANN001
    """(top, cells) per row with text (`texts`: the table's extracted cells, else Table.extract()). A
    grid position no cell starts at is either inside a cell merged across columns (left out, as a DOCX/HTML colspan gives one cell) or under a cell merged down from
    the rows above ("", as the DOCX reader gives a vertically merged cell)."""
    starts = sorted({c[0] for c in table.cells})  # the grid's column positions, as Table.rows uses them
    for row, row_texts in zip(table.rows, table.extract() if texts is None else texts, strict=True):
        cells: list[str] = []
        for x, bbox, text in zip(starts, row.cells, row_texts, strict=True):
            if bbox is None:
                if any(c is not None and c[0] < x < c[2] for c in row.cells):
                    continue  # merged across columns
                cells.append("")
            else:
                cells.append(join_fragments((text or "").split("\n")).replace("\t", " "))
        if any(cells):
            yield row.bbox[1], cells


def _drop_page_furniture(lines: list[str]) -> list[str]:
    """Remove page numbers ("- 3 -", "第3页", "3/9") printed in the first or last lines of a page."""
    # Trailing tabs are blank cells at the end of a table row: keep them (HTML/DOCX rows keep them too).
    lines = [unicodedata.normalize("NFC", ln).rstrip(" \r\n\f\v\u3000\xa0") for ln in lines]
    n = len(lines)
    edge = {i for i in range(min(3, n))} | {i for i in range(max(0, n - 3), n)}
    return [ln for i, ln in enumerate(lines) if not (i in edge and is_page_footer(ln))]
