"""A time-limited lease in the app_meta table: one process at a time runs the reminder broadcast.

Moved here from bot/jobs.py (SQL lives in storage/); the runner in bot.jobs takes and renews it.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, update
from sqlalchemy.engine import Engine

from storage.models import AppMeta

LEASE_KEY = "reminders.leader"


class Lease:
    """Leader lease in AppMeta; `clock` returns aware UTC datetimes (injectable)."""

    def __init__(self, engine: Engine, owner: str, ttl: float, clock: Callable[[], datetime] | None = None,
                 key: str = LEASE_KEY) -> None:
        self.engine = engine
        self.owner = owner
        self.ttl = timedelta(seconds=ttl)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.key = key

    @staticmethod
    def _stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # fixed width: sorts as text

    def try_acquire(self) -> bool:
        """Take the lease if free/expired, renew it if ours; True when we hold it afterwards."""
        now = self.clock()
        value = f"{self._stamp(now + self.ttl)}|{self.owner}"
        t = AppMeta.__table__
        with self.engine.begin() as conn:
            changed = conn.execute(update(t).where(t.c.key == self.key).where(
                (t.c.value < self._stamp(now)) | (t.c.value.like(f"%|{self.owner}"))).values(value=value)).rowcount
            if changed:
                return True
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(t).values(key=self.key, value=value))
            return True
        except Exception:  # noqa: BLE001 - the row exists and is someone else's (IntegrityError)
            return False

    def release(self) -> None:
        t = AppMeta.__table__
        with self.engine.begin() as conn:
            conn.execute(update(t).where(t.c.key == self.key, t.c.value.like(f"%|{self.owner}")).values(value=""))

    def holder(self) -> str | None:
        with self.engine.connect() as conn:
            row = conn.execute(AppMeta.__table__.select().where(AppMeta.__table__.c.key == self.key)).first()
        if row is None or not row.value or row.value < self._stamp(self.clock()):
            return None
        return row.value.split("|", 1)[1]
