"""Every stored number as flat rows: `disclosure-bot export --json` (one JSON object per line) and --csv.

Only cells that exist are exported: a blank cell was never stored, so it never appears (never as 0).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any, TextIO

from sqlalchemy import select
from sqlalchemy.engine import Engine

from reports import exact
from reports.exact import Number
from storage.models import Agency, IndicatorValue, Report

FIELDS = ("agency", "year", "template", "indicator", "value", "unit", "report", "line")


def _num(value: Number) -> Number:
    """The stored exact number (int, or Decimal of the printed digits; see write_json_lines)."""
    return exact.to_exact(value)


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """A text cell a spreadsheet would run as a formula ("=HYPERLINK(…)", "@SUM(…)") gets a leading "'".

    Agency names (from a registry CSV) and file names (from uploads) are free text; a CSV opened in a
    spreadsheet must show them, not evaluate them. Numbers pass unchanged.
    """
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def export_rows(engine: Engine, *, batch: int = 5000) -> Iterator[dict[str, Any]]:
    """{agency, year, template, indicator, value, unit, report, line} ordered by agency, year, indicator.

    Code-point order on every backend: PostgreSQL's locale collation would sort Chinese names differently
    from SQLite, and exports must be comparable across stores.
    """
    pg = engine.dialect.name == "postgresql"
    stmt = (
        select(
            Agency.name,
            Report.year,
            Report.template,
            IndicatorValue.indicator,
            IndicatorValue.value_text,
            IndicatorValue.unit,
            Report.file_name,
            IndicatorValue.line_no,
            IndicatorValue.origin,
        )
        .join(Report, Report.agency_id == Agency.id)
        .join(IndicatorValue, IndicatorValue.report_id == Report.id)
        .order_by(
            Agency.name.collate("C") if pg else Agency.name,
            Report.year,
            IndicatorValue.indicator.collate("C") if pg else IndicatorValue.indicator,
        )
    )
    with engine.connect() as conn:
        result = conn.execution_options(yield_per=batch).execute(stmt)
        for name, year, template, indicator, value, unit, file_name, line_no, origin in result:
            yield {
                "agency": name,
                "year": year,
                "template": template,
                "indicator": indicator,
                "value": _num(value),
                "unit": unit,
                "report": file_name,
                "line": line_no,
                "origin": origin,
            }


def write_json_lines(engine: Engine, out: TextIO) -> int:
    """One compact JSON object per line (UTF-8, Chinese kept readable); returns the row count.

    "value" is a JSON number with exactly the printed digits: an int as an int (any size), a decimal as
    its digits (3.30, never 1e+30, never quoted); read it with json.loads(line, parse_float=Decimal)."""
    n = 0
    for row in export_rows(engine):
        out.write(exact.dumps(row, ensure_ascii=False) + "\n")
        n += 1
    return n


def write_findings_json(engine: Engine, out: TextIO) -> int:
    """`export --json --findings`: one {"type": "findings", agency, year, …, findings, cells} line per report;
    expected/actual are exact JSON numbers (exact.dumps), as "value" in `write_json_lines`."""
    from storage.findings import report_findings

    n = 0
    for item in report_findings(engine):
        out.write(exact.dumps(item.to_json(), ensure_ascii=False) + "\n")
        n += 1
    return n


def write_csv(engine: Engine, out: TextIO) -> int:
    """The same rows as CSV with a header line (text cells that look like formulas are neutralised)."""
    writer = csv.DictWriter(out, fieldnames=[*FIELDS, "origin"], lineterminator="\n")
    writer.writeheader()
    n = 0
    for row in export_rows(engine):
        writer.writerow({k: csv_safe(v) for k, v in row.items()})
        n += 1
    return n


def export_json_text(engine: Engine) -> str:
    """All rows as JSON-lines text (tests, small stores)."""
    buf = io.StringIO()
    write_json_lines(engine, buf)
    return buf.getvalue()
