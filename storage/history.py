"""The same body's other years, read at ingest for the cross-year and magnitude checks (issue 13).

The checks themselves are pure (reports.checks_history); this module only supplies the figures.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from reports.checks_history import check_history
from reports.model import Finding
from storage.models import IndicatorValue, Report

VALUE, REPORT = IndicatorValue.__table__, Report.__table__
_MONEY_UNITS = ("元", "万元", "亿元")


def _keys_of_interest(values: dict[str, tuple[float, str]]) -> list[str]:
    keys = {k for k, (_v, unit) in values.items() if unit in _MONEY_UNITS}
    for k in values:
        if k.startswith("apply.carried_in."):
            keys.add("apply.carried_out." + k.split(".", 2)[2])
        if k.startswith("apply.carried_out."):
            keys.add("apply.carried_in." + k.split(".", 2)[2])
    return sorted(keys)


def other_years(
    conn: Connection, agency_id: int, year: int, keys: list[str]
) -> dict[int, dict[str, tuple[float, str]]]:
    """{year: {key: (value, unit)}} of this body's other stored reports, only for `keys`."""
    if not keys:
        return {}
    stmt = (
        select(REPORT.c.year, VALUE.c.indicator, VALUE.c.value, VALUE.c.unit)
        .join(VALUE, VALUE.c.report_id == REPORT.c.id)
        .where(REPORT.c.agency_id == agency_id, REPORT.c.year != year, VALUE.c.indicator.in_(keys))
    )
    out: dict[int, dict[str, tuple[float, str]]] = {}
    for y, key, value, unit in conn.execute(stmt):
        if value is not None:
            out.setdefault(int(y), {})[key] = (float(value), unit or "")
    return out


def history_findings(conn: Connection, agency_id: int, year: int, parsed: Any) -> list[Finding]:
    """Cross-year, magnitude and negative-count findings of a report about to be stored."""
    values = {v.key: (float(v.value), v.unit or "") for v in parsed.values if v.value is not None}
    others = other_years(conn, agency_id, year, _keys_of_interest(values))
    return check_history(year, values, others)
