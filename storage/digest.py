"""The reads of the weekly digest and yearly summary (reminders.digest): reports of a week or a year with
their bodies, values and finding messages, in one round trip per table."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from reports.exact import Number
from storage.models import Agency, IndicatorValue, Report, ReportFinding


@dataclass
class ReportFacts:
    report_id: int
    agency: Agency
    year: int
    template: str
    ingested_at: datetime
    values: dict[str, Number]
    findings: list[str]


def _facts(session: Session, reports: list[Report]) -> list[ReportFacts]:
    if not reports:
        return []
    ids = [r.id for r in reports]
    agencies = {a.id: a for a in session.exec(select(Agency).where(Agency.id.in_({r.agency_id for r in reports}))).all()}
    values: dict[int, dict[str, Number]] = defaultdict(dict)
    for v in session.exec(select(IndicatorValue).where(IndicatorValue.report_id.in_(ids))).all():
        values[v.report_id][v.indicator] = v.value_text  # exact (int/Decimal)
    findings: dict[int, list[str]] = defaultdict(list)
    for f in session.exec(select(ReportFinding).where(ReportFinding.report_id.in_(ids)).order_by(ReportFinding.id)).all():
        findings[f.report_id].append(f.message)
    return [ReportFacts(r.id, agencies[r.agency_id], r.year, r.template, r.ingested_at, values[r.id], findings[r.id])
            for r in reports if r.agency_id in agencies]


def ingested_between(engine: Engine, start: datetime, end: datetime) -> list[ReportFacts]:
    """Reports ingested in [start, end), in ingest order."""
    with Session(engine) as session:
        reports = list(session.exec(select(Report).where(Report.ingested_at >= start, Report.ingested_at < end)
                                    .order_by(Report.ingested_at, Report.id)).all())
        return _facts(session, reports)


def of_year(engine: Engine, year: int) -> list[ReportFacts]:
    with Session(engine) as session:
        reports = list(session.exec(select(Report).where(Report.year == year).order_by(Report.id)).all())
        return _facts(session, reports)
