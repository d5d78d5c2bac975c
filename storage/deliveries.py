"""Every SQL statement on the Delivery table (the exactly-once bookkeeping of reminders.delivery).

Why here: issue 12 keeps all SQL in storage/; reminders.delivery keeps the life-cycle rules and the
in-doubt policy, this module only runs the statements (see reminders.delivery for the reasoning behind
ON CONFLICT DO NOTHING, the claim CTE and the window that no database can close).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from storage.models import Delivery

T = Delivery.__table__
OPEN_STATUSES = ("pending", "claimed")


@dataclass(frozen=True)
class Claimed:
    """A Delivery row taken by one owner, ready to send."""

    id: int
    chat_id: int
    kind: str
    period: str
    text: str
    attempts: int


def _is_pg(engine: Engine) -> bool:
    return engine.dialect.name == "postgresql"


def _insert(engine: Engine):
    if _is_pg(engine):
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert(T).on_conflict_do_nothing(index_elements=["chat_id", "kind", "period"])
    if engine.dialect.name == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert(T).on_conflict_do_nothing(index_elements=["chat_id", "kind", "period"])
    return None


def insert_missing(engine: Engine, rows: list[dict[str, Any]], chunk: int = 500) -> int:
    """Insert the rows whose (chat, kind, period) does not exist yet; returns how many were new."""
    stmt = _insert(engine)
    inserted = 0
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        with engine.begin() as conn:
            if stmt is not None:  # RETURNING lists only the rows really inserted (rowcount is unreliable)
                inserted += len(conn.execute(stmt.returning(T.c.id), part).all())
            else:  # generic fallback: check then insert (the unique constraint still guards us)
                for row in part:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(T), row)
                        inserted += 1
                    except IntegrityError:
                        pass
    return inserted


def _claimable(stale: datetime):
    return and_(T.c.sent_at.is_(None), T.c.status.in_(OPEN_STATUSES),
                or_(T.c.claimed_at.is_(None), T.c.claimed_at < stale))


def claim(engine: Engine, owner: str, limit: int, now: datetime, stale_after: timedelta,
          kinds: Iterable[str] | None = None) -> list[Claimed]:
    """Atomically take up to `limit` unsent rows for `owner` (one UPDATE … RETURNING)."""
    cond = _claimable(now - stale_after)
    if kinds is not None:
        cond = and_(cond, T.c.kind.in_(list(kinds)))
    inner = select(T.c.id).where(cond).order_by(T.c.id).limit(limit)
    if _is_pg(engine):
        # A CTE, not "WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP LOCKED)": PostgreSQL may re-run such a
        # subquery while re-checking rows and then update more than n rows (seen here: 3 for LIMIT 2).
        picked = inner.with_for_update(skip_locked=True).cte("picked").prefix_with("MATERIALIZED")
        ids = select(picked.c.id).scalar_subquery()
    else:
        ids = inner.scalar_subquery()
    stmt = (update(T).where(T.c.id.in_(ids)).where(cond)
            .values(claimed_at=now, claimed_by=owner, status="claimed", attempts=T.c.attempts + 1)
            .returning(T.c.id, T.c.chat_id, T.c.kind, T.c.period, T.c.text, T.c.attempts))
    with engine.begin() as conn:
        rows = conn.execute(stmt).all()
    return sorted((Claimed(*r) for r in rows), key=lambda c: c.id)


def claim_one(engine: Engine, delivery_id: int, owner: str, now: datetime, stale_after: timedelta) -> bool:
    """Claim one known row when it is unsent and its claim is free or stale."""
    stmt = (update(T).where(T.c.id == delivery_id, _claimable(now - stale_after))
            .values(claimed_at=now, claimed_by=owner, status="claimed", attempts=T.c.attempts + 1))
    with engine.begin() as conn:
        return (conn.execute(stmt).rowcount or 0) == 1


def mark_sent(engine: Engine, delivery_id: int, message_id: int | None, now: datetime) -> bool:
    """Set sent_at once; False when the row was already marked."""
    stmt = (update(T).where(T.c.id == delivery_id, T.c.sent_at.is_(None))
            .values(sent_at=now, status="sent", message_id=message_id))  # keeps e.g. "in doubt" in error
    with engine.begin() as conn:
        return (conn.execute(stmt).rowcount or 0) == 1


def release(engine: Engine, delivery_id: int, owner: str, error: str) -> bool:
    """Give an owner's unsent claimed row back to pending."""
    stmt = (update(T).where(T.c.id == delivery_id, T.c.claimed_by == owner, T.c.sent_at.is_(None))
            .values(status="pending", claimed_at=None, claimed_by=None, error=error))
    with engine.begin() as conn:
        return (conn.execute(stmt).rowcount or 0) == 1


def mark_final(engine: Engine, delivery_id: int, status: str, error: str) -> None:
    """Close an unsent row with a final status (failed|skipped)."""
    stmt = update(T).where(T.c.id == delivery_id, T.c.sent_at.is_(None)).values(status=status, error=error)
    with engine.begin() as conn:
        conn.execute(stmt)


def reset_foreign_claims(engine: Engine, owner: str, values: dict[str, Any]) -> list[int]:
    """Rows claimed by any other owner and never marked: apply `values` to them in one transaction."""
    cond = and_(T.c.sent_at.is_(None), T.c.status == "claimed",
                or_(T.c.claimed_by.is_(None), T.c.claimed_by != owner))
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(select(T.c.id).where(cond).order_by(T.c.id))]
        if ids:
            conn.execute(update(T).where(T.c.id.in_(ids)).where(cond).values(**values))
    return ids


def pending_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(T).where(
            T.c.sent_at.is_(None), T.c.status.in_(OPEN_STATUSES))).scalar() or 0)


def status_counts(engine: Engine, kind: str | None = None, period: str | None = None) -> dict[str, int]:
    stmt = select(T.c.status, func.count()).group_by(T.c.status)
    if kind is not None:
        stmt = stmt.where(T.c.kind == kind)
    if period is not None:
        stmt = stmt.where(T.c.period == period)
    with engine.connect() as conn:
        return {s: int(n) for s, n in conn.execute(stmt)}


def existing_keys(engine: Engine, kind: str, period: str) -> set[int]:
    """Chats that already have a row for (kind, period)."""
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(T.c.chat_id).where(T.c.kind == kind, T.c.period == period))}
