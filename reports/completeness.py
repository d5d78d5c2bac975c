"""Completeness as a finding: every row and column the detected template defines is expected.

A key with no number and no printed non-numeric cell becomes a "missing" cell state pointing at the
lines where its table was searched, and the report gets one finding listing the rows not found (and
the rows found but not readable). Pure functions: no storage, no I/O.
"""

from __future__ import annotations

from collections.abc import Iterable

from reports.catalogue import catalogue, definition
from reports.model import CellState, Finding
from reports.text import Line

# keys a template defines that are not table cells (prose statements, sums we derive)
_NOT_TABLE = {"apply.processing_fee", "litigation.total"}
# section prefix of the catalogue → the region name the table parsers record
_REGION = {"二": "active", "三": "apply", "四": "review", "统": "table"}
_OTHER_SINGLE = "apply.result.other."
_OTHER_SUBROWS = ("overdue_correction", "unpaid_fee", "other.")


def expected_keys(template: str) -> list[str]:
    """Table keys of a template, in catalogue order (2008 = the 统计表; narrative expects nothing)."""
    if template not in ("2008", "2019", "2021"):
        return []
    keys = []
    for d in catalogue():
        if template in d.templates and d.key not in _NOT_TABLE and d.section[:1] in _REGION:
            keys.append(d.key)
    return list(dict.fromkeys(keys))


def _is_other_sub(key: str) -> bool:
    return key.startswith(_OTHER_SINGLE) and key[len(_OTHER_SINGLE) :].startswith(_OTHER_SUBROWS)


def _other_single(key: str) -> bool:
    return key.startswith(_OTHER_SINGLE) and not _is_other_sub(key)


def _drop_other_alternative(keys: list[str], have: set[str], template: str) -> list[str]:
    """（六）其他处理 is one row (2019, some 2021 reports) or three sub-rows (2021): expect one form."""
    subs = any(_is_other_sub(k) for k in have)
    single = any(_other_single(k) for k in have)
    if subs or (template == "2021" and not single):
        return [k for k in keys if not _other_single(k)]
    return [k for k in keys if not _is_other_sub(k)]


def missing_cells(
    template: str,
    have: Iterable[str],
    spans: dict[str, tuple[Line, Line]],
    whole: tuple[Line, Line] | None,
) -> list[CellState]:
    """A "missing" state for every expected key the report neither printed as a number nor as a mark.

    `have` holds keys with a value or another cell state; `spans` the lines each table was read from
    (region names active/apply/review/table); `whole` the document's first and last line, used when a
    table was not found at all."""
    got = set(have)
    keys = _drop_other_alternative(expected_keys(template), got, template)
    out = []
    for key in keys:
        if key in got:
            continue
        d = definition(key, template)
        region = _REGION.get(d.section[:1], "") if d else ""
        span = spans.get(region) or whole
        if span is None:
            out.append(CellState(key, "missing"))
            continue
        first, last = span
        out.append(CellState(key, "missing", "", first.no, first.raw, last.no))
    return out


def _row_of(key: str, template: str) -> str:
    d = definition(key, template)
    if d is None:
        return key
    label = d.row_label.split("/")[-1] if d.row_label else d.name_zh
    return f"{d.section.split(' ')[-1]}·{label}" if d.section.startswith("二") else label


def _rows(cells: list[CellState], template: str) -> list[str]:
    return list(dict.fromkeys(_row_of(c.key, template) for c in cells))


def completeness_finding(cells: list[CellState], template: str) -> Finding | None:
    """One finding naming the rows not found and the rows not readable; None when all were read."""
    missing = [c for c in cells if c.state == "missing"]
    unreadable = [c for c in cells if c.state == "unreadable"]
    if not missing and not unreadable:
        return None
    parts = []
    if missing:
        rows = _rows(missing, template)
        where = ""
        if missing[0].line_no:
            lines = sorted({(c.line_no, c.end_line) for c in missing})
            where = "（查找范围：" + "、".join(f"第{a}–{b}行" for a, b in lines[:3]) + "）"
        parts.append(
            f"表中未找到 {len(rows)} 行：{'、'.join(rows[:12])}{' 等' if len(rows) > 12 else ''}{where}"
        )
    if unreadable:
        rows = _rows(unreadable, template)
        lines = sorted({c.line_no for c in unreadable})
        at = "、".join(f"第{n}行" for n in lines[:6])
        parts.append(f"有 {len(rows)} 行印出但读不出各栏数字：{'、'.join(rows[:12])}（{at}）")
    return Finding(
        rule="completeness",
        message="；".join(parts),
        values={},
        line_no=(missing or unreadable)[0].line_no or None,
    )
