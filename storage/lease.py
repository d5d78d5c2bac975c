"""A leader lease in the app_meta table: one process at a time runs the reminder broadcast.

The row reads "<expiry UTC>|<owner>|<host>|<pid>|<process start>". Besides lapsing at its expiry, a lease
dies with its holder, so a restarted bot resumes in seconds instead of waiting out its dead predecessor:
- PostgreSQL: the holder keeps a session advisory lock (keyed on its owner name) on a dedicated connection
  for its whole life; the server drops it when the process dies, and a lease whose lock is gone is free.
- SQLite (one host): a lease whose holder process is gone on this host (pid absent, or reused by a process
  that started at another time) is free.
"""

from __future__ import annotations

import hashlib
import os
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text, update
from sqlalchemy.engine import Connection, Engine

from storage.models import AppMeta

LEASE_KEY = "reminders.leader"
_T = AppMeta.__table__


def process_start(pid: int) -> str:
    """The process's start time in clock ticks since boot ("" when unknown, "gone" when no such process)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as fh:
            return fh.read().rsplit(")", 1)[1].split()[19]
    except FileNotFoundError:
        return "gone" if os.path.isdir("/proc") else _probe(pid)
    except (OSError, IndexError):
        return _probe(pid)


def _probe(pid: int) -> str:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return "gone"
    except OSError:
        pass  # exists, not ours
    return ""


def lock_key(owner: str) -> int:
    """A stable non-negative 31-bit advisory-lock key for an owner name."""
    return int.from_bytes(hashlib.sha256(owner.encode()).digest()[:4], "big") & 0x7FFFFFFF


class Lease:
    """Leader lease in AppMeta; `clock` returns aware UTC datetimes (injectable)."""

    def __init__(self, engine: Engine, owner: str, ttl: float, clock: Callable[[], datetime] | None = None,
                 key: str = LEASE_KEY) -> None:
        self.engine = engine
        self.owner = owner
        self.ttl = timedelta(seconds=ttl)
        self.clock = clock or (lambda: datetime.now(UTC))
        self.key = key
        self.host = socket.gethostname().replace("|", "-")
        self.pid = os.getpid()
        self._life: Connection | None = None  # PostgreSQL: holds our liveness advisory lock
        self._mutex = threading.Lock()

    @staticmethod
    def _stamp(moment: datetime) -> str:
        return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")  # fixed width: sorts as text

    def _pg(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    def _ours(self):
        return _T.c.value.like(f"%|{self.owner}|%")

    def _keep_alive_lock(self) -> bool:
        """PostgreSQL: hold our advisory lock on a dedicated connection (taken once, checked each renewal)."""
        with self._mutex:
            try:
                if self._life is None:
                    self._life = self.engine.connect()
                    # never wait: a session still holding our name's lock (an older instance of ours that
                    # is alive) means we are not the leader now; try again at the next renewal
                    got = self._life.execute(
                        text("SELECT pg_try_advisory_lock(:k)"), {"k": lock_key(self.owner)}
                    ).scalar()
                    self._life.commit()
                    if not got:
                        self._drop_life()
                        return False
                else:
                    self._life.execute(text("SELECT 1")).all()
                    self._life.commit()
                return True
            except Exception:  # noqa: BLE001 - connection lost: so is our lock (and leadership)
                self._drop_life()
                return False

    def _drop_life(self) -> None:
        """Close the lock's connection for good: invalidated, not returned to the pool, where a session
        lock would outlive us on an idle connection (and block the next instance of this owner)."""
        if self._life is not None:
            try:
                self._life.invalidate()
                self._life.close()
            except Exception:  # noqa: BLE001 - already broken
                pass
            self._life = None

    def _holder_alive(self, conn: Connection, value: str) -> bool:
        """Whether the process named in a lease row is still running (True when we cannot tell)."""
        parts = value.split("|")
        if len(parts) < 5:
            return True  # an old-format row: only its expiry frees it
        owner, host, pid, start = parts[1], parts[2], parts[3], parts[4]
        if self._pg():
            return conn.execute(text(
                "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1"
                " AND classid = 0 AND objid::text = :k"
                " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"),
                {"k": str(lock_key(owner))}).first() is not None
        if host != self.host or not pid.isdigit():
            return True
        now_start = process_start(int(pid))
        return not (now_start == "gone" or (start and now_start and now_start != start))

    def try_acquire(self) -> bool:
        """Take the lease if free, expired or its holder is dead; renew it if ours. True when we hold it."""
        if self._pg() and not self._keep_alive_lock():
            return False
        now = self.clock()
        value = f"{self._stamp(now + self.ttl)}|{self.owner}|{self.host}|{self.pid}|{process_start(self.pid)}"
        if self._take(now, value):
            return True
        if self._pg():  # not the leader: hold no liveness lock (it would say a non-holder is alive)
            with self._mutex:
                self._drop_life()
        return False

    def _take(self, now: datetime, value: str) -> bool:
        with self.engine.begin() as conn:
            if conn.execute(update(_T).where(_T.c.key == self.key).where(
                    (_T.c.value < self._stamp(now)) | self._ours()).values(value=value)).rowcount:
                return True
            row = conn.execute(_T.select().where(_T.c.key == self.key)).first()
            if row is not None:
                if self._holder_alive(conn, row.value):
                    return False
                return bool(conn.execute(update(_T).where(_T.c.key == self.key, _T.c.value == row.value)
                                         .values(value=value)).rowcount)
        try:
            with self.engine.begin() as conn:
                conn.execute(insert(_T).values(key=self.key, value=value))
            return True
        except Exception:  # noqa: BLE001 - the row exists and is someone else's (IntegrityError)
            return False

    def release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(update(_T).where(_T.c.key == self.key, self._ours()).values(value=""))
        with self._mutex:
            self._drop_life()

    def holder(self) -> str | None:
        """The live holder's owner name, or None when the lease is free."""
        with self.engine.connect() as conn:
            row = conn.execute(_T.select().where(_T.c.key == self.key)).first()
            if row is None or not row.value or row.value < self._stamp(self.clock()):
                return None
            if not self._holder_alive(conn, row.value):
                return None
        return row.value.split("|")[1]
