"""One report in, one ParsedReport out: read → who/when → template → tables + prose → merge → checks.

Table values win over prose; a prose figure that disagrees with the table is kept out of the values
and recorded as a "prose_vs_table" finding. Derived values (2019/2021 litigation.total) are computed
from table cells and marked origin "derived". Nothing is ever stored from here: a report that yields
no values at all raises ReportError("no_values") so the caller can reject it whole.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from reports import exact
from reports.catalogue import definition, unit_of
from reports.checks_2008 import check_2008
from reports.checks_modern import check_modern
from reports.completeness import completeness_finding, missing_cells
from reports.detect import detect_template
from reports.identity import identify
from reports.model import CellState, Finding, ParsedReport, ParsedValue, ReportError
from reports.prose import parse_prose_ex
from reports.readers import read_document
from reports.table2008 import parse_2008_table_ex
from reports.tables_modern import parse_modern_tables_ex
from reports.text import Line, to_lines
from reports.units import apply_printed_units

# (derived key, part keys) for the 2019/2021 formats
DERIVED_MODERN: list[tuple[str, tuple[str, ...]]] = [
    ("litigation.total", ("litigation.direct.total", "litigation.after_review.total")),
]
# a 2008 table must carry at least this many rows before it overrides a "narrative" detection
MIN_TABLE_ROWS_FOR_OVERRIDE = 5


# --------------------------------------------------------------------------------------------------
# Pipeline
# --------------------------------------------------------------------------------------------------


def _name(key: str, template: str) -> str:
    d = definition(key, template if template != "narrative" else "2008")
    return d.name_zh if d else key


def _fmt(v: exact.Number) -> str:
    return exact.text(v)


class _Tables:
    """Non-numeric cells and searched spans the table parsers report (filled by _table_values)."""

    def __init__(self) -> None:
        self.cells: list[CellState] = []
        self.spans: dict[str, tuple[Line, Line]] = {}
        self.cumulative = False
        self.provincial_rows = False


def _table_values(
    lines: list[Line], template: str, warnings: list[str], seen: _Tables | None = None
) -> tuple[str, list[ParsedValue], bool]:
    """(template, table values, whether a core table was expected/started)."""
    seen = seen if seen is not None else _Tables()
    if template in ("2019", "2021"):
        tables = parse_modern_tables_ex(lines, template)
        vals = tables.values
        seen.cells, seen.spans = tables.cells, tables.spans
        keys = {v.key for v in vals}
        if vals and not any(k.startswith("apply.") for k in keys):
            warnings.append("未读到表三（收到和处理政府信息公开申请情况）的数值")
        if vals and not any(k.startswith(("review.", "litigation.")) for k in keys):
            warnings.append("未读到表四（行政复议、行政诉讼情况）的数值，表格可能不完整")
        return template, vals, True
    res = parse_2008_table_ex(lines)
    by_no = {ln.no: ln for ln in lines}
    if res.start_line in by_no:
        seen.spans = {"table": (by_no[res.start_line], by_no.get(res.end_line or 0, lines[-1]))}
    seen.cells = res.cells
    seen.cumulative = res.cumulative
    seen.provincial_rows = any(
        "2008p" in (definition(v.key).templates if definition(v.key) else ()) for v in res.values
    )
    if template == "2008":
        warnings.extend(res.warnings)
        return template, res.values, res.started
    # narrative by detection: a real 统计表 found anyway is not ignored, but the switch is reported
    if len(res.values) >= MIN_TABLE_ROWS_FOR_OVERRIDE:
        warnings.append("模板识别为文字报告，但文中有《政府信息公开情况统计表》，按 2008–2018 统计表读取")
        warnings.extend(res.warnings)
        return "2008", res.values, True
    return template, [], False


def _derive(values: dict[str, ParsedValue], template: str) -> list[ParsedValue]:
    out = []
    if template not in ("2019", "2021"):
        return out
    for key, parts in DERIVED_MODERN:
        if key in values or any(p not in values for p in parts):
            continue
        total = exact.total(values[p].value for p in parts)
        src = values[parts[0]]
        out.append(
            ParsedValue(
                key=key,
                value=total,
                unit=unit_of(key, template) or unit_of(key),
                line_no=src.line_no,
                line_text=src.line_text,
                origin="derived",
                section=src.section,
                row_label=" + ".join(parts),
                column_label="总计",
            )
        )
    return out


def _merge(
    table: list[ParsedValue], prose: list[ParsedValue], template: str
) -> tuple[list[ParsedValue], list[Finding]]:
    by_key: dict[str, ParsedValue] = {}
    for v in table:
        by_key.setdefault(v.key, v)
    for v in _derive(by_key, template):
        by_key[v.key] = v
    findings: list[Finding] = []
    for p in prose:
        t = by_key.get(p.key)
        if t is None:
            by_key[p.key] = p
            continue
        if t.value != p.value:  # exact; 3.0 in prose equals 3 in the table
            where = "表格" if t.origin == "table" else "表格推算"
            findings.append(
                Finding(
                    rule="prose_vs_table",
                    message=(
                        f"{_name(p.key, template)}：正文（第{p.line_no}行）写 {_fmt(p.value)}，"
                        f"{where}（第{t.line_no}行）为 {_fmt(t.value)}；以表格为准"
                    ),
                    values={p.key: t.value},
                    expected=t.value,
                    actual=p.value,
                    line_no=p.line_no,
                )
            )
    return list(by_key.values()), findings


def _checks(values: list[ParsedValue], template: str) -> list[Finding]:
    vmap = {v.key: v.value for v in values}
    line_of = {v.key: v.line_no for v in values}
    if template in ("2019", "2021"):
        return check_modern(vmap, template, line_of)
    found = check_2008(vmap)
    for f in found:
        if f.line_no is None:
            # point at the total the identity is about (the first key involved)
            first = next(iter(f.values), None)
            f.line_no = line_of.get(first) if first else None
    return found


def parse_text(text: str, file_name: str = "", file_hash: str = "") -> ParsedReport:
    """Parse decoded report text; raises ReportError (codes from identify, or "empty"/"no_values")."""
    lines = to_lines(text)
    if not any(ln.text for ln in lines):
        raise ReportError("文件里没有文字内容", "empty")
    identity = identify(lines, file_name)
    template = detect_template(lines, identity.year)
    warnings: list[str] = []
    seen = _Tables()
    template, table, expected_table = _table_values(lines, template, warnings, seen)
    table = apply_printed_units(lines, table, template)
    if expected_table and not table:
        raise ReportError("找到了统计表格但读不出任何数值（表格可能被截断或格式无法识别）", "no_values")
    prose, conflicts = parse_prose_ex(lines, template, identity.year)
    for vals in conflicts:
        nums = "、".join(f"{_fmt(v.value)}（第{v.line_no}行）" for v in vals)
        warnings.append(f"正文对“{_name(vals[0].key, template)}”给出了不同的数字：{nums}，未采用")
    values, findings = _merge(table, prose, template)
    if not values:
        raise ReportError("没有从报告中读出任何统计数值", "no_values")
    findings.extend(_checks(values, template))
    variant = _variant(template, identity.year, seen)
    if variant:
        warnings.append(
            "统计表为地方自定表式（2008–2013 年或省级表，含历年累计列或非全国统一的行），按本年数读取；"
            "不按全国统一统计表核对缺行"
        )
    cells = _cell_states(lines, "" if variant else template, values, seen)
    done = completeness_finding(cells, template)
    if done is not None:
        findings.append(done)
    values.sort(key=lambda v: (v.line_no, v.origin != "table"))
    return ParsedReport(
        identity=identity,
        template=template,  # type: ignore[arg-type]
        values=values,
        findings=findings,
        file_name=file_name,
        file_hash=file_hash,
        warnings=warnings,
        cells=cells,
        variant=variant,
    )


def _variant(template: str, year: int, seen: _Tables) -> str:
    """ "provincial" for a 统计表 that is not the national 2014 one: before 2014, a 历年累计 column, or
    rows only provincial tables print. Its rows are then not held against the national layout."""
    if template != "2008":
        return ""
    return "provincial" if year <= 2013 or seen.cumulative or seen.provincial_rows else ""


def _cell_states(
    lines: list[Line], template: str, values: list[ParsedValue], seen: _Tables
) -> list[CellState]:
    """Printed non-numeric cells the values do not cover, plus a "missing" state per expected key not found."""
    have = {v.key for v in values}
    cells = [c for c in seen.cells if c.key not in have]
    printed = [ln for ln in lines if ln.text]
    whole = (printed[0], printed[-1]) if printed else None
    cells += missing_cells(template, have | {c.key for c in cells}, seen.spans, whole)
    return cells


def parse_bytes(data: bytes, file_name: str) -> ParsedReport:
    """Decode any supported file (TXT/MD/HTML/DOCX/PDF) and parse it; the hash is of the raw bytes."""
    text = read_document(data, file_name)
    return parse_text(text, file_name=file_name, file_hash=hashlib.sha256(data).hexdigest())


def parse_path(path: str | Path) -> ParsedReport:
    p = Path(path)
    return parse_bytes(p.read_bytes(), p.name)
