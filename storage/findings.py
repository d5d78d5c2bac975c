"""A report's findings as one record: arithmetic, completeness, cross-year, magnitude, and its gaps.

Read side of `disclosure-bot findings` and `export --json --findings`; composed from storage.queries
and storage.cells (no SQL of its own).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Engine
from sqlmodel import Session

from storage.cells import report_cells
from storage.queries import FindingRow, ReportInfo, findings_for, get_agency, list_agencies, reports


@dataclass(slots=True)
class ReportFindings:
    report: ReportInfo
    findings: list[FindingRow] = field(default_factory=list)
    gaps: dict[str, int] = field(
        default_factory=dict
    )  # cell state → count (blank, mark, unreadable, missing)

    def to_json(self) -> dict[str, Any]:
        r = self.report
        return {
            "type": "findings",
            "agency": r.agency,
            "year": r.year,
            "template": r.template,
            "report": r.file_name,
            "findings": [
                {
                    "kind": kind_of(f.rule),
                    "rule": f.rule,
                    "message": f.message,
                    "indicators": f.indicators,
                    "expected": f.expected,
                    "actual": f.actual,
                    "line": f.line_no,
                }
                for f in self.findings
            ],
            "cells": self.gaps,
        }


_KINDS = (
    ("completeness", "completeness"),
    ("cross_year.", "cross_year"),
    ("magnitude.", "magnitude"),
    ("negative.", "negative"),
    ("prose_vs_table", "prose_vs_table"),
)


def kind_of(rule: str) -> str:
    """completeness | cross_year | magnitude | negative | prose_vs_table | identity (勾稽关系)."""
    return next((kind for prefix, kind in _KINDS if rule.startswith(prefix)), "identity")


def _agency_ids(session: Session, agency: str | None) -> list[int] | None:
    """None = every body; an exact name or alias, else every body whose name contains the text."""
    if not agency:
        return None
    exact = get_agency(session, agency)
    if exact is not None:
        return [exact.id]
    return [a.id for a in list_agencies(session, with_years=False) if agency in a.name]


def report_findings(
    engine: Engine, agency: str | None = None, year: int | None = None
) -> list[ReportFindings]:
    """Findings of the matching reports (ordered by body and year); empty when nothing matches."""
    with Session(engine) as session:
        ids = _agency_ids(session, agency)
        if ids == []:
            return []
        found = reports(session, ids, [year] if year is not None else None)
        by_report: dict[int, list[FindingRow]] = {}
        for f in findings_for(session, [r.id for r in found]):
            by_report.setdefault(f.report_id, []).append(f)
    out = []
    for r in found:
        gaps = Counter(c.state for c in report_cells(engine, r.id))
        out.append(ReportFindings(r, by_report.get(r.id, []), dict(gaps)))
    return out
