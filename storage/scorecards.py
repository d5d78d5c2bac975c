"""Every query of the audit: scorecards, prose fingerprints, and the facts a scorecard is computed from.

Plain dataclasses and bytes out; the audit package stays free of SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from reports.exact import Number
from storage.models import Agency, DigestOption, IndicatorValue, ProseFingerprint, Report, Scorecard, utcnow
from storage.queries import BodyReport, FindingRow, findings_for, value_map


@dataclass(slots=True)
class ReportRow(BodyReport):
    """A stored report with its body: what the audit needs besides the text."""

    template: str
    file_name: str
    ingested_at: datetime
    values: dict[str, Number]  # exact (int/Decimal)
    findings: list[FindingRow]


@dataclass(slots=True)
class CardRow:
    report_id: int
    agency_id: int
    agency: str
    year: int
    score: float
    grade: str
    published_on: date | None
    days_late: int | None
    card: dict[str, Any]
    region_path: str = ""
    region: str = ""

    @property
    def name(self) -> str:  # reminders.registry.matches reads .name, .region_path, .region
        return self.agency


def report_row(session: Session, report_id: int) -> ReportRow | None:
    row = session.execute(
        select(Report, Agency).join(Agency, Agency.id == Report.agency_id).where(Report.id == report_id)
    ).first()
    if row is None:
        return None
    r, a = row
    return ReportRow(r.id, a.id, a.name, a.kind, a.region_path, r.year, r.template, r.file_name, r.ingested_at,
                     value_map(session, r.id), findings_for(session, r.id))


def save(session: Session, report_id: int, fields: dict[str, Any], card: dict[str, Any],
         fingerprint: tuple[int, int, bytes] | None, *, now: datetime | None = None) -> None:
    """Replace the report's scorecard (and fingerprint: agency id, year, bytes) in the caller's transaction."""
    session.execute(delete(Scorecard).where(Scorecard.report_id == report_id))
    session.add(Scorecard(report_id=report_id, card=card, computed_at=now or utcnow(), **fields))
    if fingerprint is not None:
        session.execute(delete(ProseFingerprint).where(ProseFingerprint.report_id == report_id))
        agency_id, year, data = fingerprint
        session.add(ProseFingerprint(report_id=report_id, agency_id=agency_id, year=year, data=data))


def fingerprints_of_year(session: Session, year: int) -> list[tuple[int, int, str, bytes]]:
    """(report id, agency id, agency name, fingerprint bytes) of every report of `year`."""
    stmt = (select(ProseFingerprint.report_id, ProseFingerprint.agency_id, Agency.name, ProseFingerprint.data)
            .join(Agency, Agency.id == ProseFingerprint.agency_id).where(ProseFingerprint.year == year)
            .order_by(ProseFingerprint.report_id))
    return [(r, a, n, bytes(d)) for r, a, n, d in session.execute(stmt)]


def previous_fingerprint(session: Session, agency_id: int, year: int) -> tuple[int, bytes] | None:
    """(year, bytes) of the body's latest report before `year` that has a fingerprint."""
    row = session.execute(
        select(ProseFingerprint.year, ProseFingerprint.data)
        .where(ProseFingerprint.agency_id == agency_id, ProseFingerprint.year < year)
        .order_by(ProseFingerprint.year.desc()).limit(1)
    ).first()
    return (row[0], bytes(row[1])) if row else None


def _card_row(s: Scorecard, a: Agency, year: int) -> CardRow:
    return CardRow(s.report_id, a.id, a.name, year, s.score, s.grade, s.published_on, s.days_late, dict(s.card),
                   a.region_path, a.region)


def cards_of_year(session: Session, year: int, agency_ids: list[int] | None = None) -> dict[int, CardRow]:
    """Agency id → the scorecard of its `year` report (only reports that have one)."""
    stmt = (select(Scorecard, Agency).join(Report, Report.id == Scorecard.report_id)
            .join(Agency, Agency.id == Report.agency_id).where(Report.year == year))
    if agency_ids is not None:
        stmt = stmt.where(Report.agency_id.in_(agency_ids))
    return {a.id: _card_row(s, a, year) for s, a in session.execute(stmt)}


def history_values(session: Session, agency_id: int, keys: list[str]) -> dict[int, dict[str, Number]]:
    """year → {key: value} of one body's stored reports (every year), for the audit's history check."""
    stmt = (select(Report.year, IndicatorValue.indicator, IndicatorValue.value_text)
            .join(IndicatorValue, IndicatorValue.report_id == Report.id)
            .where(Report.agency_id == agency_id, IndicatorValue.indicator.in_(keys)))
    out: dict[int, dict[str, Number]] = {}
    for year, key, value in session.execute(stmt):
        out.setdefault(year, {})[key] = value
    return out


def filed_ids(session: Session, year: int) -> set[int]:
    """Agency ids with a stored `year` report, scored or not (the starter dataset's have no card)."""
    return set(session.execute(select(Report.agency_id).where(Report.year == year)).scalars())


def cards_since(session: Session, since: datetime, until: datetime) -> list[CardRow]:
    """Scorecards computed in [since, until) (the daily digest's "published since yesterday"), worst first."""
    stmt = (select(Scorecard, Agency, Report.year)
            .join(Report, Report.id == Scorecard.report_id).join(Agency, Agency.id == Report.agency_id)
            .where(Scorecard.computed_at >= since, Scorecard.computed_at < until)
            .order_by(Scorecard.score, Agency.name))
    return [_card_row(s, a, year) for s, a, year in session.execute(stmt)]


def grade_counts(session: Session, year: int) -> dict[str, int]:
    """Grade → number of the year's scorecards (the yearly summary's table)."""
    stmt = (select(Scorecard.grade, func.count()).join(Report, Report.id == Scorecard.report_id)
            .where(Report.year == year).group_by(Scorecard.grade))
    return {g: int(n) for g, n in session.execute(stmt)}


def on_time_share(session: Session, year: int) -> float | None:
    """Share of the year's scorecards with a known date that were on time (days_late ≤ 0)."""
    stmt = (select(Scorecard.days_late).join(Report, Report.id == Scorecard.report_id)
            .where(Report.year == year, Scorecard.days_late.is_not(None)))
    late = [d for (d,) in session.execute(stmt)]
    return round(sum(d <= 0 for d in late) / len(late), 3) if late else None


def set_digest_xlsx(session: Session, chat_id: int, on: bool) -> None:
    row = session.get(DigestOption, chat_id)
    if row is None:
        session.add(DigestOption(chat_id=chat_id, xlsx=on, updated_at=utcnow()))
    else:
        row.xlsx, row.updated_at = on, utcnow()


def wants_xlsx(session: Session, chat_id: int) -> bool:
    row = session.get(DigestOption, chat_id)
    return bool(row and row.xlsx)


def reports_without_card(session: Session, year: int | None = None) -> list[int]:
    """Report ids with no scorecard yet (stored before the audit existed)."""
    stmt = select(Report.id).outerjoin(Scorecard, Scorecard.report_id == Report.id).where(
        Scorecard.report_id.is_(None))
    if year is not None:
        stmt = stmt.where(Report.year == year)
    return list(session.execute(stmt.order_by(Report.id)).scalars())


def card_of_report(session: Session, report_id: int) -> dict[str, Any] | None:
    row = session.get(Scorecard, report_id)
    return dict(row.card) if row is not None else None


def year_cards(engine: Engine, year: int) -> list[CardRow]:
    """Every scorecard of `year` (the yearly summary's grade table)."""
    with Session(engine) as session:
        return list(cards_of_year(session, year).values())
