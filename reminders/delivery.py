"""Exactly-once delivery bookkeeping: one Delivery row per (chat, kind, period) under a unique constraint.

Life of a row:  plan (insert if missing) → claim (pending → claimed, by one owner) → send → mark sent
                                                                                       ↘ release (retry later)
                                                                                       ↘ mark failed / skipped
- plan: INSERT … ON CONFLICT DO NOTHING, so running a plan twice (two instances, a restart, a catch-up run)
  never creates a second row, hence never a second message.
- claim: one UPDATE … WHERE id IN (SELECT … WHERE sent_at IS NULL AND (claimed_at IS NULL OR claimed_at <
  stale) LIMIT n [FOR UPDATE SKIP LOCKED on PostgreSQL]) RETURNING …. On PostgreSQL concurrent claimers skip
  each other's locked rows and re-check the condition on the newest row version; on SQLite the statement is
  atomic (one writer at a time). Either way a row is claimed by exactly one owner.
- mark sent: UPDATE … SET sent_at WHERE id=… AND sent_at IS NULL, committed right after Telegram answers.

The window (the trade-off). Between Telegram accepting a message and our commit of sent_at there is a gap
of a few milliseconds that no database can close: the Bot API has no idempotency key and no way to ask
"did my message arrive?". A process killed inside that gap leaves a row that is claimed but not marked —
"in doubt". We keep claims small (at most the sender's concurrency, a handful of rows), so at most that many
rows can ever be in doubt, and `recover()` decides what to do with them when a new leader takes over:
  - IN_DOUBT_RESEND (default, at-least-once): resend. A message is never lost; a kill landing exactly in the
    gap can give that one chat a second copy.
  - IN_DOUBT_SKIP (at-most-once): mark them skipped. Never a duplicate; a kill in the gap loses those messages.
Rows that were claimed but whose send was answered with an error (429, network failure before the answer)
are not in doubt: the sender releases them explicitly, or the recovery resends them — and they were not
delivered, so the resend is the only copy. Reminders prefer a rare duplicate to a missed deadline, hence
the default.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, insert, or_, select, update
from sqlalchemy.engine import Engine

from storage.models import Delivery, utcnow

T = Delivery.__table__
IN_DOUBT_RESEND = "resend"
IN_DOUBT_SKIP = "skip"
DEFAULT_STALE = timedelta(minutes=10)


@dataclass(frozen=True)
class Planned:
    chat_id: int
    kind: str
    period: str
    text: str


@dataclass(frozen=True)
class Claimed:
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


def plan(engine: Engine, items: Iterable[Planned], *, now: datetime | None = None, chunk: int = 500) -> int:
    """Insert the rows that do not exist yet; returns how many were new."""
    now = now or utcnow()
    rows = [{"chat_id": p.chat_id, "kind": p.kind, "period": p.period, "text": p.text[:20000],
             "created_at": now, "status": "pending", "attempts": 0, "error": ""} for p in items]
    stmt = _insert(engine)
    inserted = 0
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        with engine.begin() as conn:
            if stmt is not None:  # RETURNING lists only the rows really inserted (rowcount is unreliable)
                inserted += len(conn.execute(stmt.returning(T.c.id), part).all())
            else:  # generic fallback: check then insert (the unique constraint still guards us)
                from sqlalchemy.exc import IntegrityError

                for row in part:
                    try:
                        with conn.begin_nested():
                            conn.execute(insert(T), row)
                        inserted += 1
                    except IntegrityError:
                        pass
    return inserted


def claim(engine: Engine, owner: str, limit: int = 8, *, now: datetime | None = None,
          stale_after: timedelta = DEFAULT_STALE, kinds: Iterable[str] | None = None) -> list[Claimed]:
    """Atomically take up to `limit` unsent rows for `owner` (see module docstring)."""
    now = now or utcnow()
    stale = now - stale_after
    cond = and_(T.c.sent_at.is_(None), T.c.status.in_(("pending", "claimed")),
                or_(T.c.claimed_at.is_(None), T.c.claimed_at < stale))
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


def claim_one(engine: Engine, delivery_id: int, owner: str, *, now: datetime | None = None,
              stale_after: timedelta = DEFAULT_STALE) -> bool:
    """Claim one known row (UPDATE … WHERE id=… AND sent_at IS NULL AND claim free or stale)."""
    now = now or utcnow()
    stmt = (update(T).where(T.c.id == delivery_id, T.c.sent_at.is_(None), T.c.status.in_(("pending", "claimed")),
                            or_(T.c.claimed_at.is_(None), T.c.claimed_at < now - stale_after))
            .values(claimed_at=now, claimed_by=owner, status="claimed", attempts=T.c.attempts + 1))
    with engine.begin() as conn:
        return (conn.execute(stmt).rowcount or 0) == 1


def mark_sent(engine: Engine, delivery_id: int, message_id: int | None = None, *,
              now: datetime | None = None) -> bool:
    """Record a successful send; False means the row was already marked (a duplicate send happened)."""
    stmt = (update(T).where(T.c.id == delivery_id, T.c.sent_at.is_(None))
            .values(sent_at=now or utcnow(), status="sent", message_id=message_id))  # keeps e.g. "in doubt"
    with engine.begin() as conn:
        return (conn.execute(stmt).rowcount or 0) == 1


def release(engine: Engine, delivery_id: int, owner: str, error: str = "") -> bool:
    """Give a claimed row back (e.g. after RetryAfter or when stopping) so it is sent later."""
    stmt = (update(T).where(T.c.id == delivery_id, T.c.claimed_by == owner, T.c.sent_at.is_(None))
            .values(status="pending", claimed_at=None, claimed_by=None, error=error[:500]))
    with engine.begin() as conn:
        return (conn.execute(stmt).rowcount or 0) == 1


def mark_failed(engine: Engine, delivery_id: int, error: str, status: str = "failed") -> None:
    """Final: not sent (blocked chat, permanent error, retries exhausted). status failed|skipped."""
    stmt = (update(T).where(T.c.id == delivery_id, T.c.sent_at.is_(None))
            .values(status=status, error=error[:500]))
    with engine.begin() as conn:
        conn.execute(stmt)


def recover(engine: Engine, owner: str, policy: str = IN_DOUBT_RESEND) -> list[int]:
    """Rows claimed by other (dead) owners and never marked: resend or skip them (see docstring).

    Call only while holding leadership, so the previous owner is known to be gone.
    """
    cond = and_(T.c.sent_at.is_(None), T.c.status == "claimed",
                or_(T.c.claimed_by.is_(None), T.c.claimed_by != owner))
    with engine.begin() as conn:
        ids = [r[0] for r in conn.execute(select(T.c.id).where(cond).order_by(T.c.id))]
        if ids:
            if policy == IN_DOUBT_SKIP:
                values = {"status": "skipped", "error": "in doubt after a crash (at-most-once policy)"}
            else:
                values = {"status": "pending", "claimed_at": None, "claimed_by": None,
                          "error": "in doubt after a crash; resent (at-least-once policy)"}
            conn.execute(update(T).where(T.c.id.in_(ids)).where(cond).values(**values))
    return ids


def pending_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(T).where(
            T.c.sent_at.is_(None), T.c.status.in_(("pending", "claimed")))).scalar() or 0)


def status_counts(engine: Engine, kind: str | None = None, period: str | None = None) -> dict[str, int]:
    stmt = select(T.c.status, func.count()).group_by(T.c.status)
    if kind is not None:
        stmt = stmt.where(T.c.kind == kind)
    if period is not None:
        stmt = stmt.where(T.c.period == period)
    with engine.connect() as conn:
        return {s: int(n) for s, n in conn.execute(stmt)}


def existing_keys(engine: Engine, kind: str, period: str) -> set[int]:
    """Chats that already have a row for (kind, period) — planning skips rendering their text."""
    with engine.connect() as conn:
        return {r[0] for r in conn.execute(select(T.c.chat_id).where(T.c.kind == kind, T.c.period == period))}
