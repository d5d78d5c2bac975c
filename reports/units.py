"""The money unit a report prints for a table figure: in the cell, the row label, or a unit line/note.

Why: a figure stored in the wrong unit is a silent wrong number 10,000 times off (73,802,895.90 元
stored as 万元). The table parsers already take the unit a column header prints; this pass looks at
what they do not read: the cell itself ("7,380.29万元", "109,392,300元"), the row's own label
("政府集中采购（元）"), and a unit line or note printed next to the table ("单位：元", "注：金额单位为元").
The unit is only ever taken as printed; no figure is converted here.
"""

from __future__ import annotations

import re

from reports.catalogue import unit_of
from reports.model import ParsedValue
from reports.text import Line, nfkc, parse_number

MONEY_UNITS = ("亿元", "万元", "元")
NEAR_LINES = 3  # lines above and below a figure searched for a unit line or note
_UNIT = r"(?P<u>亿元|万元|元)"
_IN_CELL = re.compile(r"(?P<n>[+\-]?\d[\d,]*(?:\.\d+)?)\s*" + _UNIT)
_IN_LABEL = re.compile(r"[(（]\s*(?:单位\s*[:：]\s*)?" + _UNIT + r"\s*[)）]")
# a line that only declares a unit ("单位：元", "（金额单位：万元）") or a note about the table's unit
_UNIT_LINE = re.compile(r"^[(（]?\s*(?:金额)?单位\s*[:：]\s*" + _UNIT + r"\s*[)）]?$")
_NOTE = re.compile(r"^(?:注|备注|说明)\s*[:：]")
_NOTE_UNIT = re.compile(r"单位(?:为|是|[:：])\s*" + _UNIT + r"(?![/每])")


def _cell_unit(v: ParsedValue) -> str:
    """The unit printed right after this figure's number on its own line (exactly one reading)."""
    found = {
        m.group("u") for m in _IN_CELL.finditer(nfkc(v.line_text)) if parse_number(m.group("n")) == v.value
    }
    return found.pop() if len(found) == 1 else ""


def _label_unit(v: ParsedValue) -> str:
    """"政府集中采购（元）": the unit in the row's printed label (the text before its first number)."""
    label = re.split(r"\d", nfkc(v.line_text), maxsplit=1)[0]
    found = {m.group("u") for m in _IN_LABEL.finditer(label)}
    return found.pop() if len(found) == 1 else ""


def _near_unit(v: ParsedValue, by_no: dict[int, Line]) -> str:
    """A unit line or note within NEAR_LINES of the figure (one unit only; two different → none)."""
    found: set[str] = set()
    for no in range(v.line_no - NEAR_LINES, v.line_no + NEAR_LINES + 1):
        ln = by_no.get(no)
        if ln is None or no == v.line_no:
            continue
        text = re.sub(r"\s+", "", ln.text)
        m = _UNIT_LINE.match(text)
        if m:
            found.add(m.group("u"))
        elif _NOTE.match(text):
            found.update(n.group("u") for n in _NOTE_UNIT.finditer(text))
    return found.pop() if len(found) == 1 else ""


def apply_printed_units(lines: list[Line], values: list[ParsedValue], template: str) -> list[ParsedValue]:
    """Set each table money figure's unit to the one printed with it; cell > label > header > note.

    A header's unit is already set by the table parser (the unit differs from the catalogue's default);
    a unit line or note is taken only where nothing closer printed one."""
    by_no = {ln.no: ln for ln in lines}
    fam = "2008" if template == "narrative" else template
    for v in values:
        if v.unit not in MONEY_UNITS or v.origin != "table":
            continue
        unit = _cell_unit(v) or _label_unit(v)
        if not unit and v.unit == (unit_of(v.key, fam) or unit_of(v.key)):
            unit = _near_unit(v, by_no)
        if unit:
            v.unit = unit
    return values

