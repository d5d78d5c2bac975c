"""Read helpers over the store for the answer engine, reminders and the CLI.

Plain dataclasses out, so callers never hold ORM objects beyond their session. Queries are bulk (one
round trip per call, `IN` lists) because the answer engine loads caches and must stay fast at 3,000
agencies × 10 years.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlmodel import Session as SQLSession
from sqlmodel import select as sqlmodel_select

from reports.exact import Number, to_exact
from storage.models import (
    Agency,
    AgencyAlias,
    Conversation,
    IndicatorValue,
    IngestEvent,
    Report,
    ReportFinding,
    utcnow,
)


@dataclass(slots=True)
class BodyReport:
    """One stored report and the body it is of: what the harvest's 已发布 notices and the audit share."""

    report_id: int
    agency_id: int
    agency: str
    kind: str
    region_path: str
    year: int


@dataclass(slots=True)
class AgencyInfo:
    id: int
    name: str
    kind: str
    region_path: str
    region: str
    first_year: int | None
    source: str
    aliases: list[str] = field(default_factory=list)
    years: list[int] = field(default_factory=list)

    @property
    def region_parts(self) -> list[str]:
        return [p for p in self.region_path.split("/") if p]


@dataclass(slots=True)
class ValueRow:
    """One stored number joined with its report and agency: everything an answer needs to cite it."""

    agency_id: int
    agency: str
    year: int
    indicator: str
    value: Number  # exact: int, or Decimal of the printed digits
    unit: str
    line_no: int
    line_text: str
    origin: str
    section: str
    row_label: str
    column_label: str
    report_id: int
    report_title: str
    template: str
    file_name: str


@dataclass(slots=True)
class FindingRow:
    report_id: int
    rule: str
    message: str
    indicators: list[str]
    values: dict[str, Any]
    expected: Number | None  # exact (expected_text; 0011)
    actual: Number | None
    line_no: int | None


@dataclass(slots=True)
class ReportInfo:
    id: int
    agency_id: int
    agency: str
    year: int
    template: str
    title: str
    file_name: str
    file_hash: str
    ingested_at: Any
    replaced_count: int
    warnings: list[str]


def list_agencies(session: Session, *, with_years: bool = True) -> list[AgencyInfo]:
    """Every agency with its aliases (and the years it has reports for), ordered by name."""
    agencies = {
        a.id: AgencyInfo(a.id, a.name, a.kind, a.region_path, a.region, a.first_year, a.source)
        for a in session.execute(select(Agency).order_by(Agency.name)).scalars()
    }
    for agency_id, alias in session.execute(
        select(AgencyAlias.agency_id, AgencyAlias.alias).order_by(AgencyAlias.id)
    ):
        if agency_id in agencies:
            agencies[agency_id].aliases.append(alias)
    if with_years:
        for agency_id, year in session.execute(select(Report.agency_id, Report.year).order_by(Report.year)):
            if agency_id in agencies:
                agencies[agency_id].years.append(year)
    return list(agencies.values())


def get_agency(session: Session, name: str) -> AgencyInfo | None:
    """An agency by exact official name or alias."""
    row = session.execute(select(Agency).where(Agency.name == name)).scalar_one_or_none()
    if row is None:
        agency_id = session.execute(
            select(AgencyAlias.agency_id).where(AgencyAlias.alias == name).limit(1)
        ).scalar()
        if agency_id is None:
            return None
        row = session.get(Agency, agency_id)
        if row is None:
            return None
    info = AgencyInfo(row.id, row.name, row.kind, row.region_path, row.region, row.first_year, row.source)
    info.aliases = list(
        session.execute(select(AgencyAlias.alias).where(AgencyAlias.agency_id == row.id)).scalars()
    )
    info.years = years_for(session, row.id)
    return info


def agencies_in_region(session: Session, region: str) -> list[AgencyInfo]:
    """Agencies whose region path contains `region` as a whole component (银川市 → its districts' bodies too)."""
    return [a for a in list_agencies(session) if region in a.region_parts or a.region == region]


def years_for(session: Session, agency_id: int) -> list[int]:
    """Years with a stored report for this agency, ascending."""
    return list(
        session.execute(
            select(Report.year).where(Report.agency_id == agency_id).order_by(Report.year)
        ).scalars()
    )


def years_by_agency(session: Session, agency_ids: Iterable[int] | None = None) -> dict[int, list[int]]:
    stmt = select(Report.agency_id, Report.year).order_by(Report.year)
    ids = list(agency_ids) if agency_ids is not None else None
    if ids is not None:
        stmt = stmt.where(Report.agency_id.in_(ids))
    out: dict[int, list[int]] = defaultdict(list)
    for agency_id, year in session.execute(stmt):
        out[agency_id].append(year)
    return dict(out)


def latest_year(session: Session, agency_id: int | None = None) -> int | None:
    """The newest report year for one agency (or in the whole store)."""
    stmt = select(func.max(Report.year))
    if agency_id is not None:
        stmt = stmt.where(Report.agency_id == agency_id)
    return session.execute(stmt).scalar()


def all_years(session: Session) -> list[int]:
    return list(session.execute(select(Report.year).distinct().order_by(Report.year)).scalars())


def report_for(session: Session, agency_id: int, year: int) -> ReportInfo | None:
    row = session.execute(
        select(Report, Agency.name)
        .join(Agency, Agency.id == Report.agency_id)
        .where(Report.agency_id == agency_id, Report.year == year)
    ).first()
    return _report_info(*row) if row else None


def reports(
    session: Session, agency_ids: Iterable[int] | None = None, years: Iterable[int] | None = None
) -> list[ReportInfo]:
    stmt = (
        select(Report, Agency.name)
        .join(Agency, Agency.id == Report.agency_id)
        .order_by(Agency.name, Report.year)
    )
    if agency_ids is not None:
        stmt = stmt.where(Report.agency_id.in_(list(agency_ids)))
    if years is not None:
        stmt = stmt.where(Report.year.in_(list(years)))
    return [_report_info(r, name) for r, name in session.execute(stmt)]


def _report_info(r: Report, agency_name: str) -> ReportInfo:
    return ReportInfo(
        r.id,
        r.agency_id,
        agency_name,
        r.year,
        r.template,
        r.title,
        r.file_name,
        r.file_hash,
        r.ingested_at,
        r.replaced_count,
        list(r.warnings or []),
    )


_VALUE_COLUMNS = (
    Agency.id,
    Agency.name,
    Report.year,
    IndicatorValue.indicator,
    IndicatorValue.value_text,  # exact (int/Decimal)
    IndicatorValue.unit,
    IndicatorValue.line_no,
    IndicatorValue.line_text,
    IndicatorValue.origin,
    IndicatorValue.section,
    IndicatorValue.row_label,
    IndicatorValue.column_label,
    Report.id,
    Report.title,
    Report.template,
    Report.file_name,
)


def values_for(
    session: Session,
    agency_ids: Iterable[int] | None = None,
    years: Iterable[int] | None = None,
    indicators: Sequence[str] | None = None,
) -> list[ValueRow]:
    """Stored values filtered by agencies, years and indicator keys (None = no filter), with provenance.

    Ordered by agency name, year, indicator. A blank cell was never stored, so it is simply missing here.
    """
    stmt = (
        select(*_VALUE_COLUMNS)
        .join(Report, Report.id == IndicatorValue.report_id)
        .join(Agency, Agency.id == Report.agency_id)
        .order_by(Agency.name, Report.year, IndicatorValue.indicator)
    )
    if agency_ids is not None:
        stmt = stmt.where(Report.agency_id.in_(list(agency_ids)))
    if years is not None:
        stmt = stmt.where(Report.year.in_(list(years)))
    if indicators is not None:
        stmt = stmt.where(IndicatorValue.indicator.in_(list(indicators)))
    return [ValueRow(*row) for row in session.execute(stmt)]


def value_map(session: Session, report_id: int) -> dict[str, Number]:
    """indicator → value for one report (the checks and derived indicators need all of them)."""
    return dict(
        session.execute(
            select(IndicatorValue.indicator, IndicatorValue.value_text).where(
                IndicatorValue.report_id == report_id
            )
        ).all()
    )


def _exact_or_float(text: Number | None, copy: float | None) -> Number | None:
    """The exact column; a row written without it (a bulk load that only fills the float copy) gets the
    float's shortest form, as migration 0011 backfilled old rows."""
    if text is not None:
        return text
    return None if copy is None else to_exact(copy)


def findings_for(session: Session, report_id: int | Iterable[int]) -> list[FindingRow]:
    """Arithmetic findings of one report (or several), in stored order."""
    ids = [report_id] if isinstance(report_id, int) else list(report_id)
    stmt = select(ReportFinding).where(ReportFinding.report_id.in_(ids)).order_by(ReportFinding.id)
    return [
        FindingRow(
            f.report_id,
            f.rule,
            f.message,
            list(f.indicators or []),
            dict(f.values or {}),
            _exact_or_float(f.expected_text, f.expected),
            _exact_or_float(f.actual_text, f.actual),
            f.line_no,
        )
        for f in session.execute(stmt).scalars()
    ]


def findings_touching(session: Session, report_id: int, indicator: str) -> list[FindingRow]:
    """Findings of a report that involve this indicator (shown next to the number)."""
    return [f for f in findings_for(session, report_id) if indicator in f.indicators or indicator in f.values]


def indicator_keys(session: Session) -> list[str]:
    """Indicator keys present in the store."""
    return list(
        session.execute(
            select(IndicatorValue.indicator).distinct().order_by(IndicatorValue.indicator)
        ).scalars()
    )


def store_stats(session: Session) -> dict[str, int]:
    """Counts for /stats and the CLI."""

    def count(model) -> int:
        return int(session.execute(select(func.count()).select_from(model)).scalar() or 0)

    return {
        "agencies": count(Agency),
        "reports": count(Report),
        "values": count(IndicatorValue),
        "findings": count(ReportFinding),
        "events": count(IngestEvent),
    }


def recent_events(session: Session, limit: int = 20) -> list[IngestEvent]:
    return list(session.execute(select(IngestEvent).order_by(IngestEvent.id.desc()).limit(limit)).scalars())


# --- front ends: look-ups behind /agencies, /report, /stats and the /help examples -------------------
# (moved here from handlers/lookups.py; engine-level helpers, each opens and closes its own session)

CARD_KEYS = ("apply.received.total", "apply.received.online", "active.by_website", "review.total",
             "litigation.total", "apply.carried_over")


@dataclass
class AgencyListing:
    id: int
    name: str
    region_path: str
    years: list[int]


@dataclass
class ReportCard:
    agency: str
    year: int
    template: str
    title: str
    file_name: str
    value_count: int
    figures: list[tuple[str, Number, str, int, str]]  # key, value, unit, line_no, line_text
    findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    other_years: list[int] = field(default_factory=list)


def agency_listing(engine: Engine, region: str = "", limit: int = 300) -> list[AgencyListing]:
    region = region.strip()
    with SQLSession(engine, expire_on_commit=False) as s:
        stmt = sqlmodel_select(Agency).order_by(Agency.region_path, Agency.name)
        if region:
            like = f"%{region}%"
            stmt = stmt.where((Agency.region_path.like(like)) | (Agency.name.like(like)))  # type: ignore[attr-defined]
        agencies = list(s.exec(stmt.limit(limit)))
        years: dict[int, list[int]] = {}
        ids = [a.id for a in agencies]
        if ids:
            for agency_id, year in s.exec(sqlmodel_select(Report.agency_id, Report.year).where(Report.agency_id.in_(ids))):  # type: ignore[attr-defined]
                years.setdefault(agency_id, []).append(year)
        return [AgencyListing(a.id, a.name, a.region_path, sorted(years.get(a.id, []))) for a in agencies]  # type: ignore[arg-type]


def find_agency_listing(engine: Engine, name: str, limit: int = 8) -> list[AgencyListing]:
    """Exact name or alias first; otherwise every agency whose name contains `name`."""
    name = name.strip()
    if not name:
        return []
    with SQLSession(engine, expire_on_commit=False) as s:
        exact = s.exec(sqlmodel_select(Agency).where(Agency.name == name)).first()
        if exact is None:
            alias = s.exec(sqlmodel_select(AgencyAlias).where(AgencyAlias.alias == name)).first()
            exact = s.get(Agency, alias.agency_id) if alias else None
        if exact is not None:
            found = [exact]
        else:
            found = list(s.exec(sqlmodel_select(Agency).where(Agency.name.like(f"%{name}%")).order_by(Agency.name).limit(limit)))  # type: ignore[attr-defined]
        out = []
        for a in found:
            yrs = sorted(s.exec(sqlmodel_select(Report.year).where(Report.agency_id == a.id)))
            out.append(AgencyListing(a.id, a.name, a.region_path, list(yrs)))  # type: ignore[arg-type]
        return out


def report_card(engine: Engine, agency_id: int, year: int) -> ReportCard | None:
    with SQLSession(engine, expire_on_commit=False) as s:
        agency = s.get(Agency, agency_id)
        if agency is None:
            return None
        rep = s.exec(sqlmodel_select(Report).where(Report.agency_id == agency_id, Report.year == year)).first()
        other = sorted(s.exec(sqlmodel_select(Report.year).where(Report.agency_id == agency_id)))
        if rep is None:
            return ReportCard(agency.name, year, "", "", "", 0, [], other_years=list(other))
        values = list(s.exec(sqlmodel_select(IndicatorValue).where(IndicatorValue.report_id == rep.id)))
        by_key = {v.indicator: v for v in values}
        figures = [(k, by_key[k].value_text, by_key[k].unit, by_key[k].line_no, by_key[k].line_text)
                   for k in CARD_KEYS if k in by_key]
        findings = [f.message for f in s.exec(sqlmodel_select(ReportFinding).where(ReportFinding.report_id == rep.id))]
        return ReportCard(agency.name, year, rep.template, rep.title, rep.file_name, len(values), figures,
                          findings, list(rep.warnings or []), list(other))


def store_overview(engine: Engine) -> dict[str, int]:
    with SQLSession(engine, expire_on_commit=False) as s:
        def count(model) -> int:
            return int(s.exec(sqlmodel_select(func.count()).select_from(model)).one())

        week_ago = utcnow() - timedelta(days=7)
        recent = s.exec(sqlmodel_select(IngestEvent.outcome, func.count()).where(IngestEvent.at >= week_ago)
                        .group_by(IngestEvent.outcome)).all()
        stats = {
            "agencies": count(Agency), "reports": count(Report), "values": count(IndicatorValue),
            "findings": count(ReportFinding), "conversations": count(Conversation),
        }
        for outcome, n in recent:
            stats[f"ingest_7d.{outcome}"] = int(n)
        return stats


def example_rows(engine: Engine, indicator: str = "apply.received.total", limit: int = 20) -> list[tuple[str, int]]:
    """(agency, year) of the newest reports that hold `indicator`, newest first."""
    with SQLSession(engine) as s:
        rows = s.exec(
            sqlmodel_select(Agency.name, Report.year)
            .join(Report, Report.agency_id == Agency.id)
            .join(IndicatorValue, IndicatorValue.report_id == Report.id)
            .where(IndicatorValue.indicator == indicator)
            .order_by(Report.year.desc(), Agency.name)  # type: ignore[attr-defined]
            .limit(limit)
        ).all()
    return [(name, int(year)) for name, year in rows]


def region_paths(engine: Engine) -> list[str]:
    """Every agency's region path ("宁夏/银川市/西夏区"; "" when unknown), one per agency."""
    with SQLSession(engine) as s:
        return [p or "" for p in s.exec(sqlmodel_select(Agency.region_path)).all()]


def finding_count(engine: Engine, report_id: int) -> int:
    """How many consistency findings one stored report has (the admin upload reply)."""
    with SQLSession(engine) as s:
        return int(s.exec(sqlmodel_select(func.count()).select_from(ReportFinding)
                          .where(ReportFinding.report_id == report_id)).one())


def store_is_empty(engine: Engine) -> bool:
    """True when the store holds no report (a missing schema counts as empty)."""
    from sqlalchemy import inspect

    if not inspect(engine).has_table(Report.__tablename__):
        return True
    with SQLSession(engine) as s:
        return (s.exec(sqlmodel_select(func.count()).select_from(Report)).one() or 0) == 0


# --- answer engine reads (query/): kept in storage/reads_engine.py, read through this module ---
from storage.reads_engine import (  # noqa: E402, F401 - the engine reads through this module
    catalogue,
    has_generation_table,
    has_store_tables,
    report_contents,
    report_headers,
    store_generation,
    store_signature,
    year_blank,
    year_missing,
    year_numbers,
    year_ranked,
)

