"""The same body's other years, read at ingest for the cross-year and magnitude checks (issue 13).

The checks themselves are pure (reports.checks_history); this module only supplies the figures.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Connection

from reports import exact
from reports.checks_history import check_history, magnitude
from reports.exact import Number
from reports.model import Finding
from storage.models import IndicatorValue, Report, ReportFinding

VALUE, REPORT, FINDING = IndicatorValue.__table__, Report.__table__, ReportFinding.__table__
_MONEY_UNITS = ("元", "万元", "亿元")


def _exact_text(v: Any) -> str | None:
    return None if v is None else exact.text(exact.to_exact(v))


def finding_row(report_id: int, f: Any) -> dict[str, Any]:
    """One report_finding row of a parsed (or cross-year) finding, JSON-ready for report_version too.

    Exact numbers go in as their digits: `values` (JSON: ints stay JSON integers, Decimals their digits as
    strings) and `expected_text`/`actual_text`; `expected`/`actual` are the float copies (0011)."""
    values = {k: None if x is None else exact.json_safe(exact.to_exact(x)) for k, x in (f.values or {}).items()}
    return {
        "report_id": report_id,
        "rule": (f.rule or "")[:120],
        "message": (f.message or "")[:1000],
        "indicators": list(values),
        "values": values,
        "expected": None if f.expected is None else exact.order_key(exact.to_exact(f.expected)),
        "actual": None if f.actual is None else exact.order_key(exact.to_exact(f.actual)),
        "expected_text": _exact_text(f.expected),
        "actual_text": _exact_text(f.actual),
        "line_no": f.line_no,
    }


def _keys_of_interest(values: dict[str, tuple[Number, str]]) -> list[str]:
    keys = {k for k, (_v, unit) in values.items() if unit in _MONEY_UNITS}
    for k in values:
        if k.startswith("apply.carried_in."):
            keys.add("apply.carried_out." + k.split(".", 2)[2])
        if k.startswith("apply.carried_out."):
            keys.add("apply.carried_in." + k.split(".", 2)[2])
    return sorted(keys)


def other_years(
    conn: Connection, agency_id: int, year: int, keys: list[str]
) -> tuple[dict[int, dict[str, tuple[Number, str]]], dict[int, int]]:
    """({year: {key: (value, unit)}}, {year: report id}) of this body's other stored reports, for `keys`."""
    if not keys:
        return {}, {}
    stmt = (
        select(REPORT.c.year, REPORT.c.id, VALUE.c.indicator, VALUE.c.value_text, VALUE.c.unit)
        .join(VALUE, VALUE.c.report_id == REPORT.c.id)
        .where(REPORT.c.agency_id == agency_id, REPORT.c.year != year, VALUE.c.indicator.in_(keys))
    )
    out: dict[int, dict[str, tuple[Number, str]]] = {}
    ids: dict[int, int] = {}
    for y, rid, key, value, unit in conn.execute(stmt):
        if value is not None:
            out.setdefault(int(y), {})[key] = (value, unit or "")  # exact (ExactNumber column)
            ids[int(y)] = int(rid)
    return out, ids


def history_findings(conn: Connection, agency_id: int, year: int, parsed: Any) -> list[Finding]:
    """Cross-year, magnitude and negative-count findings of a report about to be stored.

    A money figure of an already stored year that is now ≥10⁴× this report's gets its own finding on
    that year's report (files arrive in any order; the outlier is flagged wherever it is)."""
    values = {v.key: (exact.to_exact(v.value), v.unit or "") for v in parsed.values if v.value is not None}
    others, ids = other_years(conn, agency_id, year, _keys_of_interest(values))
    for y, vals in others.items():
        rest = {oy: ov for oy, ov in others.items() if oy != y} | {year: values}
        money = {k: v for k, v in vals.items() if v[1] in _MONEY_UNITS}
        _add_missing(conn, ids[y], magnitude(y, money, rest))
    return check_history(year, values, others)


def _add_missing(conn: Connection, report_id: int, findings: list[Finding]) -> None:
    """Store findings on another report unless it already carries a finding with the same rule."""
    if not findings:
        return
    have = set(conn.execute(select(FINDING.c.rule).where(FINDING.c.report_id == report_id)).scalars())
    rows = [finding_row(report_id, f) for f in findings if f.rule not in have]
    if rows:
        conn.execute(insert(FINDING), rows)
