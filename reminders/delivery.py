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

from sqlalchemy.engine import Engine

from storage import deliveries as store
from storage.deliveries import Claimed, existing_keys, pending_count, status_counts
from storage.models import utcnow

__all__ = ["IN_DOUBT_RESEND", "IN_DOUBT_SKIP", "DEFAULT_STALE", "Planned", "Claimed", "plan", "claim", "claim_one",
           "mark_sent", "release", "mark_failed", "recover", "pending_count", "status_counts", "existing_keys"]

IN_DOUBT_RESEND = "resend"
IN_DOUBT_SKIP = "skip"
DEFAULT_STALE = timedelta(minutes=10)


@dataclass(frozen=True)
class Planned:
    chat_id: int
    kind: str
    period: str
    text: str


def plan(engine: Engine, items: Iterable[Planned], *, now: datetime | None = None, chunk: int = 500) -> int:
    """Insert the rows that do not exist yet; returns how many were new."""
    now = now or utcnow()
    rows = [{"chat_id": p.chat_id, "kind": p.kind, "period": p.period, "text": p.text[:20000],
             "created_at": now, "status": "pending", "attempts": 0, "error": ""} for p in items]
    return store.insert_missing(engine, rows, chunk)


def claim(engine: Engine, owner: str, limit: int = 8, *, now: datetime | None = None,
          stale_after: timedelta = DEFAULT_STALE, kinds: Iterable[str] | None = None) -> list[Claimed]:
    """Atomically take up to `limit` unsent rows for `owner` (see module docstring)."""
    return store.claim(engine, owner, limit, now or utcnow(), stale_after, kinds)


def claim_one(engine: Engine, delivery_id: int, owner: str, *, now: datetime | None = None,
              stale_after: timedelta = DEFAULT_STALE) -> bool:
    """Claim one known row (UPDATE … WHERE id=… AND sent_at IS NULL AND claim free or stale)."""
    return store.claim_one(engine, delivery_id, owner, now or utcnow(), stale_after)


def mark_sent(engine: Engine, delivery_id: int, message_id: int | None = None, *,
              now: datetime | None = None) -> bool:
    """Record a successful send; False means the row was already marked (a duplicate send happened)."""
    return store.mark_sent(engine, delivery_id, message_id, now or utcnow())


def release(engine: Engine, delivery_id: int, owner: str, error: str = "") -> bool:
    """Give a claimed row back (e.g. after RetryAfter or when stopping) so it is sent later."""
    return store.release(engine, delivery_id, owner, error[:500])


def mark_failed(engine: Engine, delivery_id: int, error: str, status: str = "failed") -> None:
    """Final: not sent (blocked chat, permanent error, retries exhausted). status failed|skipped."""
    store.mark_final(engine, delivery_id, status, error[:500])


def recover(engine: Engine, owner: str, policy: str = IN_DOUBT_RESEND) -> list[int]:
    """Rows claimed by other (dead) owners and never marked: resend or skip them (see docstring).

    Call only while holding leadership, so the previous owner is known to be gone.
    """
    if policy == IN_DOUBT_SKIP:
        values = {"status": "skipped", "error": "in doubt after a crash (at-most-once policy)"}
    else:
        values = {"status": "pending", "claimed_at": None, "claimed_by": None,
                  "error": "in doubt after a crash; resent (at-least-once policy)"}
    return store.reset_foreign_claims(engine, owner, values)
