"""Read-only store look-ups behind /agencies, /report, /stats and the /help examples.

Plain SQLModel selects on the shared tables; the answer engine is for questions, these are listings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlmodel import select

from storage.db import session_scope
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

CARD_KEYS = ("apply.received.total", "apply.received.online", "active.by_website", "review.total",
             "litigation.total", "apply.carried_over")


@dataclass
class AgencyInfo:
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
    figures: list[tuple[str, float, str, int, str]]  # key, value, unit, line_no, line_text
    findings: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    other_years: list[int] = field(default_factory=list)


def list_agencies(engine: Engine, region: str = "", limit: int = 300) -> list[AgencyInfo]:
    region = region.strip()
    with session_scope(engine) as s:
        stmt = select(Agency).order_by(Agency.region_path, Agency.name)
        if region:
            like = f"%{region}%"
            stmt = stmt.where((Agency.region_path.like(like)) | (Agency.name.like(like)))  # type: ignore[attr-defined]
        agencies = list(s.exec(stmt.limit(limit)))
        years: dict[int, list[int]] = {}
        ids = [a.id for a in agencies]
        if ids:
            for agency_id, year in s.exec(select(Report.agency_id, Report.year).where(Report.agency_id.in_(ids))):  # type: ignore[attr-defined]
                years.setdefault(agency_id, []).append(year)
        return [AgencyInfo(a.id, a.name, a.region_path, sorted(years.get(a.id, []))) for a in agencies]  # type: ignore[arg-type]


def find_agencies(engine: Engine, name: str, limit: int = 8) -> list[AgencyInfo]:
    """Exact name or alias first; otherwise every agency whose name contains `name`."""
    name = name.strip()
    if not name:
        return []
    with session_scope(engine) as s:
        exact = s.exec(select(Agency).where(Agency.name == name)).first()
        if exact is None:
            alias = s.exec(select(AgencyAlias).where(AgencyAlias.alias == name)).first()
            exact = s.get(Agency, alias.agency_id) if alias else None
        if exact is not None:
            found = [exact]
        else:
            found = list(s.exec(select(Agency).where(Agency.name.like(f"%{name}%")).order_by(Agency.name).limit(limit)))  # type: ignore[attr-defined]
        out = []
        for a in found:
            yrs = sorted(s.exec(select(Report.year).where(Report.agency_id == a.id)))
            out.append(AgencyInfo(a.id, a.name, a.region_path, list(yrs)))  # type: ignore[arg-type]
        return out


def report_card(engine: Engine, agency_id: int, year: int) -> ReportCard | None:
    with session_scope(engine) as s:
        agency = s.get(Agency, agency_id)
        if agency is None:
            return None
        rep = s.exec(select(Report).where(Report.agency_id == agency_id, Report.year == year)).first()
        other = sorted(s.exec(select(Report.year).where(Report.agency_id == agency_id)))
        if rep is None:
            return ReportCard(agency.name, year, "", "", "", 0, [], other_years=list(other))
        values = list(s.exec(select(IndicatorValue).where(IndicatorValue.report_id == rep.id)))
        by_key = {v.indicator: v for v in values}
        figures = [(k, by_key[k].value, by_key[k].unit, by_key[k].line_no, by_key[k].line_text)
                   for k in CARD_KEYS if k in by_key]
        findings = [f.message for f in s.exec(select(ReportFinding).where(ReportFinding.report_id == rep.id))]
        return ReportCard(agency.name, year, rep.template, rep.title, rep.file_name, len(values), figures,
                          findings, list(rep.warnings or []), list(other))


def store_stats(engine: Engine) -> dict[str, int]:
    with session_scope(engine) as s:
        def count(model) -> int:
            return int(s.exec(select(func.count()).select_from(model)).one())

        week_ago = utcnow() - timedelta(days=7)
        recent = s.exec(select(IngestEvent.outcome, func.count()).where(IngestEvent.at >= week_ago)
                        .group_by(IngestEvent.outcome)).all()
        stats = {
            "agencies": count(Agency), "reports": count(Report), "values": count(IndicatorValue),
            "findings": count(ReportFinding), "conversations": count(Conversation),
        }
        for outcome, n in recent:
            stats[f"ingest_7d.{outcome}"] = int(n)
        return stats


def example_questions(engine: Engine, limit: int = 4) -> list[str]:
    """Questions that work on this store: the newest reports' agencies with a value they really have."""
    with session_scope(engine) as s:
        rows = s.exec(
            select(Agency.name, Report.year, IndicatorValue.indicator)
            .join(Report, Report.agency_id == Agency.id)
            .join(IndicatorValue, IndicatorValue.report_id == Report.id)
            .where(IndicatorValue.indicator == "apply.received.total")
            .order_by(Report.year.desc(), Agency.name)  # type: ignore[attr-defined]
            .limit(20)
        ).all()
    out: list[str] = []
    seen: set[str] = set()
    for name, year, _key in rows:
        if name in seen:
            continue
        seen.add(name)
        out.append(f"{name} {year} 依申请数")
        if len(out) >= limit - 2:
            break
    if out:
        first_name, first_year = rows[0][0], rows[0][1]
        out.append(f"{first_year}年依申请数排名")
        out.append(f"{first_name} 依申请数 趋势")
    return out[:limit]
