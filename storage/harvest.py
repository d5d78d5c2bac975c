"""The harvester's frontier, fetch log and run lease (every SQL statement of the harvest area).

Why in the store: a crawl of thousands of government sites must survive kill -9 (the frontier is
the state; a re-run continues with the pending rows and refetches nothing done), and several workers
on PostgreSQL share it by claiming rows with FOR UPDATE SKIP LOCKED.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import and_, insert, or_, select, update
from sqlalchemy.engine import Engine

from storage.models import HarvestLease, HarvestUrl
from storage.queries import BodyReport

URL = HarvestUrl.__table__
LEASE = HarvestLease.__table__
DONE_STATES = ("done", "failed", "disallowed", "unsupported", "gone")


@dataclass(slots=True)
class NewUrl:
    """A link to put on the frontier (ignored if the URL is already there)."""

    url: str
    host: str
    kind: str = "page"  # seed|list|page|file
    site: str = ""
    region: str = ""
    depth: int = 0
    parent_url: str = ""
    link_text: str = ""
    published_on: date | None = None


def _now() -> datetime:
    return datetime.now(UTC)


def add_urls(engine: Engine, urls: Iterable[NewUrl]) -> int:
    """Insert the URLs not yet known; returns how many were new (the same report posted twice is one)."""
    rows = {u.url: u for u in urls if u.url and len(u.url) <= 1000}
    if not rows:
        return 0
    with engine.begin() as conn:
        known = set(conn.execute(select(URL.c.url).where(URL.c.url.in_(list(rows)))).scalars())
        fresh = [
            {
                "url": u.url, "host": u.host[:200], "site": u.site[:200], "region": u.region[:100],
                "kind": u.kind, "depth": u.depth, "parent_url": u.parent_url[:1000],
                "link_text": u.link_text[:300], "state": "pending", "attempts": 0, "etag": "",
                "last_modified": "", "content_type": "", "content_hash": "", "size": 0, "headers": {},
                "title": "", "error": "", "published_on": u.published_on,
            }
            for url, u in rows.items()
            if url not in known
        ]
        if fresh:
            conn.execute(insert(URL), fresh)
    return len(fresh)


FAILED_TRIES = 8  # fetches of a failing URL (5xx, timeouts, unread reports) before the runs give it up


def requeue_for_recheck(engine: Engine, kinds: tuple[str, ...] = ("seed", "list")) -> int:
    """A new daily run: list pages go back to pending (fetched with If-None-Match/If-Modified-Since),
    and so do URLs that failed (a site down yesterday, a report whose parser died), a few times over."""
    with engine.begin() as conn:
        res = conn.execute(
            update(URL)
            .where(or_(and_(URL.c.kind.in_(kinds), URL.c.state == "done"),
                       and_(URL.c.state == "failed", URL.c.attempts < FAILED_TRIES)))
            .values(state="pending")
        )
    return res.rowcount or 0


def _claimable(worker: str, now: datetime):
    # pending, a lapsed claim, or this worker's own claim from before a crash (kill -9, restart)
    return or_(
        URL.c.state == "pending",
        and_(URL.c.state == "claimed", or_(URL.c.claimed_until < now, URL.c.claimed_by == worker)),
    )


def claim(engine: Engine, worker: str, limit: int = 20, ttl: float = 300.0) -> list[Any]:
    """Claim up to `limit` pending rows (or rows whose claim lapsed: a killed worker's) for `worker`.

    PostgreSQL: FOR UPDATE SKIP LOCKED, so workers never wait on each other. Everywhere: the UPDATE
    re-checks that the row is still claimable and only the rows stamped with this claim are returned,
    so two workers never hold one row. Rows are written back one by one (`finish`), so a crash loses
    at most the rows in hand.
    """
    for _attempt in range(5):  # another worker took every row we saw: look again (rows may remain)
        rows, seen = _claim_once(engine, worker, limit, ttl)
        if rows or not seen:
            return rows
    return []


def _claim_once(engine: Engine, worker: str, limit: int, ttl: float) -> tuple[list[Any], bool]:
    now = _now()
    until = now + timedelta(seconds=ttl)
    with engine.begin() as conn:
        q = select(URL.c.id).where(_claimable(worker, now)).order_by(URL.c.depth, URL.c.id).limit(limit)
        if conn.dialect.name == "postgresql":
            q = q.with_for_update(skip_locked=True)
        ids = list(conn.execute(q).scalars())
        if not ids:
            return [], False
        conn.execute(
            update(URL)
            .where(URL.c.id.in_(ids), _claimable(worker, now))
            .values(state="claimed", claimed_by=worker[:100], claimed_until=until)
        )
        mine = select(URL).where(URL.c.id.in_(ids), URL.c.claimed_by == worker[:100], URL.c.claimed_until == until)
        return list(conn.execute(mine.order_by(URL.c.depth, URL.c.id))), True


def finish(engine: Engine, url_id: int, state: str, **fields: Any) -> None:
    """Record the outcome of one fetch (state done|failed|disallowed|unsupported|gone|pending)."""
    values = {"state": state, "claimed_by": None, "claimed_until": None, **fields}
    if "error" in values:
        values["error"] = str(values["error"])[:500]
    with engine.begin() as conn:
        conn.execute(update(URL).where(URL.c.id == url_id).values(**values))


def validators(engine: Engine, url: str) -> tuple[str, str, str]:
    """(etag, last_modified, content_hash) of the last fetch of `url`, for a conditional GET."""
    with engine.connect() as conn:
        row = conn.execute(
            select(URL.c.etag, URL.c.last_modified, URL.c.content_hash).where(URL.c.url == url)
        ).first()
    return (row.etag, row.last_modified, row.content_hash) if row else ("", "", "")


def rows(engine: Engine, *, state: str | None = None, kind: str | None = None) -> list[Any]:
    """Frontier rows (for reports and tests), oldest first."""
    q = select(URL).order_by(URL.c.id)
    if state:
        q = q.where(URL.c.state == state)
    if kind:
        q = q.where(URL.c.kind == kind)
    with engine.connect() as conn:
        return list(conn.execute(q))


def pending_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return len(list(conn.execute(select(URL.c.id).where(URL.c.state.in_(("pending", "claimed"))))))


def acquire_lease(engine: Engine, name: str, holder: str, seconds: float) -> bool:
    """Take the named lease if free or lapsed (one harvest run at a time across processes)."""
    now = _now()
    until = now + timedelta(seconds=seconds)
    with engine.begin() as conn:
        q = select(LEASE).where(LEASE.c.name == name)
        if conn.dialect.name == "postgresql":
            q = q.with_for_update()
        row = conn.execute(q).first()
        if row is None:
            conn.execute(insert(LEASE).values(name=name, holder=holder, expires_at=until))
            return True
        expires = row.expires_at if row.expires_at.tzinfo else row.expires_at.replace(tzinfo=UTC)
        if row.holder != holder and expires > now:
            return False
        conn.execute(update(LEASE).where(LEASE.c.name == name).values(holder=holder, expires_at=until))
        return True


def release_lease(engine: Engine, name: str, holder: str) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(LEASE)
            .where(LEASE.c.name == name, LEASE.c.holder == holder)
            .values(expires_at=datetime(1970, 1, 1, tzinfo=UTC))
        )


@dataclass(slots=True)
class PublishedFacts(BodyReport):
    """What a 已发布 notice needs about one stored report."""

    url: str
    published_on: date | None


def published_facts(engine: Engine, report_ids: list[int]) -> list[PublishedFacts]:
    from storage.models import Agency, Report

    rep, ag = Report.__table__, Agency.__table__
    if not report_ids:
        return []
    q = (
        select(rep.c.id, ag.c.id, ag.c.name, ag.c.kind, ag.c.region_path, rep.c.year, rep.c.source_url,
               rep.c.published_on)
        .join(ag, ag.c.id == rep.c.agency_id)
        .where(rep.c.id.in_(report_ids))
        .order_by(rep.c.id)
    )
    with engine.connect() as conn:
        return [PublishedFacts(*row) for row in conn.execute(q)]


@dataclass(slots=True)
class RegistryBody:
    """A body of the agency table as `harvest --region` needs it (reminders.registry.matches reads these
    fields: name, region_path, region)."""

    name: str
    kind: str
    region_path: str
    region: str
    site_url: str


def registry_bodies(engine: Engine) -> list[RegistryBody]:
    """Every body with its site URL ('' when the registry gave none), by name."""
    from storage.models import Agency

    ag = Agency.__table__
    q = select(ag.c.name, ag.c.kind, ag.c.region_path, ag.c.region, ag.c.site_url).order_by(ag.c.name)
    with engine.connect() as conn:
        return [RegistryBody(*row) for row in conn.execute(q)]
