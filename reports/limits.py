"""Size limits checked before a reader decompresses or splits anything (issue 15.5).

Why: a 31 KB PDF whose stream inflates to 200 MB, a 14 MB DOCX holding 198 MB of XML and a text of a
million lines each took minutes and gigabytes. A real annual report is a few thousand lines; its PDF
streams inflate to a few MB, its document.xml to a few MB. So: the inflated size of a PDF's Flate
streams is counted (inflating in chunks, output discarded, stopping at the limit), DOCX parts are
measured from the zip directory and re-checked while reading, and text is limited in lines. Anything
over a limit is refused as `too_big` with the figure, before the real reader starts.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib

from reports.model import ReportError

MAX_PDF_INFLATED = 64 * 1024 * 1024  # all Flate streams of one PDF together
MAX_DOCX_PART = 32 * 1024 * 1024  # one XML part (word/document.xml …), uncompressed
MAX_DOCX_TOTAL = 96 * 1024 * 1024  # the XML parts together
MAX_LINES = 200_000  # lines of a text or HTML file
_CHUNK = 1 << 20
_STREAM = re.compile(rb"stream\r?\n")


def _too_big(zh: str, en: str) -> ReportError:
    return ReportError(f"{zh} ({en})", "too_big")


def check_pdf(data: bytes, limit: int = MAX_PDF_INFLATED) -> None:
    """Inflate every zlib stream in the file without keeping the output; refuse past `limit` bytes."""
    total = 0
    for match in _STREAM.finditer(data):
        start = match.end()
        if data[start : start + 1] not in (b"x", b"X", b"h", b"H"):  # not a zlib header: not Flate
            continue
        end = data.find(b"endstream", start)
        raw = data[start : end if end >= 0 else len(data)]
        inflater = zlib.decompressobj()
        pending = raw
        try:
            while pending:
                out = inflater.decompress(pending, _CHUNK)
                total += len(out)
                if total > limit:
                    raise _too_big(
                        f"PDF 解压后超过 {limit // 1048576} MB（疑似压缩炸弹），已拒绝",
                        "PDF streams inflate past the limit",
                    )
                pending = inflater.unconsumed_tail
                if not out and not pending:
                    break
        except zlib.error:
            continue  # not really Flate, or damaged: the PDF reader decides


def check_docx(data: bytes, part_limit: int = MAX_DOCX_PART, total_limit: int = MAX_DOCX_TOTAL) -> None:
    """Refuse a DOCX whose XML parts are too large, as declared and as actually inflated."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return  # not a zip: the DOCX reader says so in its own words
    total = 0
    with zf:
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                size = _inflated_size(zf, info, min(part_limit, total_limit - total))
                if size is None:
                    return  # damaged: the DOCX reader says so
                if size > part_limit or total + size > total_limit:
                    raise _too_big(
                        f"DOCX 内容解压后过大（{info.filename} 超过 {part_limit // 1048576} MB），已拒绝",
                        "DOCX part too large",
                    )
                total += size


def _inflated_size(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> int | None:
    """Bytes that really come out of one member (the declared size may lie), stopping past `limit`."""
    size = 0
    try:
        with zf.open(info) as member:
            while chunk := member.read(_CHUNK):
                size += len(chunk)
                if size > limit:
                    break
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, zlib.error):
        return None
    return size


def check_lines(data: bytes, limit: int = MAX_LINES) -> None:
    lines = data.count(b"\n")  # UTF-16 line ends hold a 0x0A byte too
    if lines > limit:
        raise _too_big(f"文本超过 {limit} 行（{lines} 行），不像年度报告，已拒绝", "too many lines")


def check(data: bytes, kind: str) -> None:
    """The guard for one reader kind (pdf|docx|html|text); raises ReportError("too_big")."""
    if kind == "pdf":
        check_pdf(data)
    elif kind == "docx":
        check_docx(data)
    else:
        check_lines(data)
