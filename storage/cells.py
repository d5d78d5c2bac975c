"""Non-numeric cells of a report (blank, printed mark, unreadable row, missing row): write and read.

The parser says per cell why there is no number; answers read it back here so that only a blank
printed cell is ever called "空白" (issue 13). Every SQL on the cell_state table lives in this module.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection, Engine

from storage.models import CellStateRow

CELL = CellStateRow.__table__


@dataclass(frozen=True, slots=True)
class CellRec:
    """What the store knows about a cell with no number."""

    indicator: str
    state: str  # blank|mark|unreadable|missing
    mark: str
    line_no: int
    end_line: int
    line_text: str


def cell_rows(report_id: int, parsed: Any) -> list[dict[str, Any]]:
    """Rows for cell_state from a ParsedReport's `cells` (first state of a key wins; valued keys skipped)."""
    valued = {v.key for v in parsed.values if v.value is not None}
    rows: dict[str, dict[str, Any]] = {}
    for c in getattr(parsed, "cells", None) or []:
        if c.key in valued or c.key in rows:
            continue
        rows[c.key] = {
            "report_id": report_id,
            "indicator": c.key[:120],
            "state": c.state[:12],
            "mark": (c.mark or "")[:20],
            "line_no": int(c.line_no or 0),
            "end_line": int(c.end_line or 0),
            "line_text": (c.line_text or "")[:2000],
        }
    return list(rows.values())


def replace_cells(conn: Connection, report_id: int, parsed: Any) -> int:
    """Swap a report's cell states for the parser's current ones (same transaction as its values)."""
    conn.execute(delete(CELL).where(CELL.c.report_id == report_id))
    rows = cell_rows(report_id, parsed)
    if rows:
        conn.execute(insert(CELL), rows)
    return len(rows)


def cell_states(bind: Engine | Connection, report_id: int, keys: Iterable[str]) -> dict[str, CellRec]:
    """The stored states of these keys in one report (keys with a number or never parsed are absent)."""
    wanted = list(dict.fromkeys(keys))
    if not wanted:
        return {}
    stmt = select(CELL).where(CELL.c.report_id == report_id, CELL.c.indicator.in_(wanted))
    return {r.indicator: r for r in _read(bind, stmt)}


def report_cells(bind: Engine | Connection, report_id: int) -> list[CellRec]:
    """All non-numeric cells of one report, in key order (for `findings` and export)."""
    return _read(bind, select(CELL).where(CELL.c.report_id == report_id).order_by(CELL.c.indicator))


def _read(bind: Engine | Connection, stmt: Any) -> list[CellRec]:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            rows = conn.execute(stmt).all()
    else:
        rows = bind.execute(stmt).all()
    return [CellRec(r.indicator, r.state, r.mark, r.line_no, r.end_line, r.line_text) for r in rows]
