"""Reads behind reminders.registry: who is expected to report and who has filed.

Why here: issue 12 keeps every SQL query in storage/; the CSV rules and the due-date logic stay in
reminders.registry and call these with a session they own (one transaction for an import).
"""

from __future__ import annotations

from sqlmodel import Session, select

from storage.models import Agency, AgencyAlias, Report


def agencies_by_name(session: Session) -> dict[str, Agency]:
    """Every Agency row keyed by its name (the registry import matches on names)."""
    return {a.name: a for a in session.exec(select(Agency)).all()}


def alias_names(session: Session, agency_id: int | None) -> set[str]:
    """The aliases one agency already has."""
    return set(session.exec(select(AgencyAlias.alias).where(AgencyAlias.agency_id == agency_id)).all())


def agencies_sorted(session: Session) -> list[Agency]:
    """Every Agency row sorted by name."""
    return list(session.exec(select(Agency).order_by(Agency.name)).all())


def filed_agency_ids(session: Session, report_year: int) -> set[int]:
    """Agencies with a Report row for `report_year`."""
    return set(session.exec(select(Report.agency_id).where(Report.year == report_year)).all())
