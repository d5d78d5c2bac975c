"""Word features a DOCX reader meets around the numbers (for tests): tracked changes (a deleted wrong
number next to the inserted right one), content controls around numbers and around cell paragraphs,
and the whole report inside a one-cell frame table. Each takes DOCX bytes and returns DOCX bytes."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator

from lxml import etree

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def _rewrite(data: bytes, change: Callable[[etree._Element], None]) -> bytes:
    """The same DOCX with word/document.xml changed in place by `change`."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            body = src.read(item.filename)
            if item.filename == "word/document.xml":
                root = etree.fromstring(body)
                change(root)
                body = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
            dst.writestr(item, body)
    return out.getvalue()


def _number_runs(root: etree._Element) -> Iterator[etree._Element]:
    for tc in root.iter(q("tc")):
        for run in tc.iter(q("r")):
            t = run.find(q("t"))
            if t is not None and t.text and re.fullmatch(r"[+\-]?\d+(\.\d+)?", t.text):
                yield run


def _wrap(parent: etree._Element, child: etree._Element, tag: str, inner: str | None = None) -> None:
    """Put `child` inside a new `tag` element (and its `inner` element) at the same place."""
    at = parent.index(child)
    outer = etree.Element(q(tag))
    holder = etree.SubElement(outer, q(inner)) if inner else outer
    parent.remove(child)
    holder.append(child)
    parent.insert(at, outer)


def tracked(data: bytes) -> bytes:
    """Every other number in a cell is a tracked insertion, after a deleted wrong number (999)."""

    def change(root: etree._Element) -> None:
        for i, run in enumerate(list(_number_runs(root))):
            if i % 2:
                continue
            par = run.getparent()
            _wrap(par, run, "ins")
            par.find(q("ins")).set(q("author"), "x")
            deleted = etree.Element(q("del"))
            etree.SubElement(etree.SubElement(deleted, q("r")), q("delText")).text = "999"
            par.insert(par.index(run.getparent()), deleted)

    return _rewrite(data, change)


def controls(data: bytes) -> bytes:
    """Numbers inside inline content controls; some cell paragraphs inside block content controls."""

    def change(root: etree._Element) -> None:
        for i, run in enumerate(list(_number_runs(root))):
            par = run.getparent()
            if i % 3 == 0 and par.tag == q("p") and par.getparent().tag == q("tc"):
                _wrap(par.getparent(), par, "sdt", "sdtContent")
            elif i % 3 == 1:
                _wrap(par, run, "sdt", "sdtContent")

    return _rewrite(data, change)


def framed(data: bytes) -> bytes:
    """The whole body inside a one-cell layout table (the statistics tables nested in it)."""

    def change(root: etree._Element) -> None:
        body = root.find(q("body"))
        kids = [k for k in body if k.tag != q("sectPr")]
        table = etree.Element(q("tbl"))
        cell = etree.SubElement(etree.SubElement(table, q("tr")), q("tc"))
        for k in kids:
            body.remove(k)
            cell.append(k)
        etree.SubElement(cell, q("p"))
        body.insert(0, table)

    return _rewrite(data, change)


WORD_FEATURES: dict[str, Callable[[bytes], bytes]] = {
    "plain": lambda data: data,
    "tracked": tracked,
    "controls": controls,
    "framed": framed,
}
