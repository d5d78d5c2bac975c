"""Look-ups behind /agencies, /report, /stats and the /help examples, for every front end.

The SQL lives in storage.queries (the one read module); this module adds what a front end shows on top,
e.g. example questions that are known to work on this store.
"""

from __future__ import annotations

from sqlalchemy.engine import Engine

from storage.queries import AgencyListing as AgencyInfo
from storage.queries import ReportCard, example_rows, report_card
from storage.queries import agency_listing as list_agencies
from storage.queries import find_agency_listing as find_agencies
from storage.queries import store_overview as store_stats

__all__ = ["AgencyInfo", "ReportCard", "example_questions", "find_agencies", "list_agencies", "report_card",
           "store_stats"]


def example_questions(engine: Engine, limit: int = 4) -> list[str]:
    """Questions that work on this store: the newest reports' agencies with a value they really have."""
    rows = example_rows(engine)
    out: list[str] = []
    seen: set[str] = set()
    for name, year in rows:
        if name in seen:
            continue
        seen.add(name)
        out.append(f"{name} {year} 依申请数")
        if len(out) >= limit - 2:
            break
    if out:
        first_name, first_year = rows[0]
        out.append(f"{first_year}年依申请数排名")
        out.append(f"{first_name} 依申请数 趋势")
    return out[:limit]
