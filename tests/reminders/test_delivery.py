"""Exactly-once bookkeeping (SQLite and PostgreSQL), concurrent claimers, the sender's error handling and
flood limits (checked with a fake clock), and leader election."""

from __future__ import annotations

import asyncio
import os
import threading
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import Session, select
from telegram import Bot

from reminders import delivery
from reminders.delivery import Planned
from reminders.sender import Broadcaster, FloodLimiter, Limits, telegram_sender
from reminders.subscriptions import list_subscriptions, subscribe
from storage.lease import Lease
from storage.models import ChatState, Delivery
from tests.botapi import BotApiStandin
from tests.reminders.conftest import fast_limiter

pytestmark = pytest.mark.pg
TOKEN = "123456:TEST-TOKEN"


def _plan(engine, chats, kind="reminder", period="2020/jan/2021-01-15"):
    return delivery.plan(engine, [Planned(c, kind, period, f"提醒 {c}") for c in chats])


def test_plan_is_insert_if_missing(engine):
    assert _plan(engine, range(1, 51)) == 50
    assert _plan(engine, range(1, 61)) == 10  # only the new chats
    assert _plan(engine, range(1, 61), kind="overdue") == 60  # another kind is another row
    with Session(engine) as s:
        assert len(s.exec(select(Delivery)).all()) == 120


def test_claim_mark_and_recover(engine):
    _plan(engine, [1, 2, 3])
    a = delivery.claim(engine, "A", 2)
    assert [c.chat_id for c in a] == [1, 2]
    b = delivery.claim(engine, "B", 5)
    assert [c.chat_id for c in b] == [3]
    assert delivery.claim(engine, "C", 5) == []
    assert delivery.mark_sent(engine, a[0].id, 11)
    assert not delivery.mark_sent(engine, a[0].id, 12)  # second mark = would-be duplicate, refused
    # a stale claim can be taken over only after `stale_after`
    later = datetime.now(UTC) + timedelta(minutes=11)
    assert [c.chat_id for c in delivery.claim(engine, "C", 5, now=later)] == [2, 3]
    # recovery by a new leader: rows claimed by others and not marked are in doubt
    assert sorted(delivery.recover(engine, "D")) == [a[1].id, b[0].id]
    assert delivery.status_counts(engine) == {"sent": 1, "pending": 2}
    again = delivery.claim(engine, "D", 5)
    assert delivery.recover(engine, "E", policy=delivery.IN_DOUBT_SKIP) == [c.id for c in again]
    assert delivery.status_counts(engine) == {"sent": 1, "skipped": 2}
    assert delivery.claim(engine, "F", 5) == []


def test_claim_one_refuses_sent_and_fresh_claims(engine):
    _plan(engine, [1])
    row = delivery.claim(engine, "A", 1)[0]
    assert not delivery.claim_one(engine, row.id, "B")
    assert delivery.release(engine, row.id, "A", "RetryAfter")
    assert delivery.claim_one(engine, row.id, "B")
    delivery.mark_sent(engine, row.id, 5)
    assert not delivery.claim_one(engine, row.id, "C", now=datetime.now(UTC) + timedelta(days=1))


def test_concurrent_claimers_never_share_a_row(engine):
    """Eight threads claim in small batches until nothing is left: every row claimed exactly once.
    On PostgreSQL this exercises FOR UPDATE SKIP LOCKED; on SQLite the single-statement UPDATE."""
    _plan(engine, range(1, 301))
    got: dict[str, list[int]] = {}
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def worker(name: str) -> None:
        mine = got.setdefault(name, [])
        try:
            start.wait()
            while True:
                rows = delivery.claim(engine, name, 3)
                if not rows:
                    return
                for r in rows:
                    mine.append(r.id)
                    assert delivery.mark_sent(engine, r.id, r.id)
        except BaseException as err:  # noqa: BLE001 - reported below
            errors.append(err)

    threads = [threading.Thread(target=worker, args=(f"w{i}",)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    all_ids = [i for ids in got.values() for i in ids]
    assert len(all_ids) == 300 and len(set(all_ids)) == 300
    assert delivery.status_counts(engine) == {"sent": 300}
    if engine.dialect.name == "postgresql":
        assert sum(1 for ids in got.values() if ids) > 1  # really concurrent


@pytest.mark.asyncio
async def test_two_broadcasters_send_each_row_once(engine):
    """Two Broadcasters (two 'instances') drain the same rows concurrently: each chat gets one message."""
    _plan(engine, range(1, 201))
    sent: list[int] = []

    async def send(row):
        await asyncio.sleep(0)  # a send yields, so the two broadcasters interleave (not a wait)
        sent.append(row.chat_id)
        return row.id

    a = Broadcaster(engine, send, "A", limiter=fast_limiter(), concurrency=4)
    b = Broadcaster(engine, send, "B", limiter=fast_limiter(), concurrency=4)
    sa, sb = await asyncio.gather(a.run(), b.run())
    assert Counter(sent) == Counter(range(1, 201))
    assert sa.sent + sb.sent == 200 and sa.already_sent == sb.already_sent == 0


# ----------------------------------------------------------------- sender against the stand-in
async def _broadcast(api: BotApiStandin, engine, **kw):
    async with Bot(TOKEN, base_url=api.base_url) as bot:
        b = Broadcaster(engine, telegram_sender(bot), "T", limiter=fast_limiter(), backoff=0.01, **kw)
        return await b.run()


@pytest.mark.asyncio
async def test_retry_after_forbidden_and_errors(engine):
    for chat in (1, 2, 3, 4):
        subscribe(engine, chat, "private", "all")
    _plan(engine, [1, 2, 3, 4])
    with BotApiStandin() as api:
        api.inject(429, method="sendMessage", chat_id=1, retry_after=1)
        api.block_chat(2)
        api.inject(500, method="sendMessage", chat_id=3, count=2)  # recovers on the third try
        api.inject(500, method="sendMessage", chat_id=4, count=10)  # never recovers
        stats = await _broadcast(api, engine, max_attempts=3)
        ok = Counter(c.chat_id for c in api.messages())
        calls = Counter(c.chat_id for c in api.calls("sendMessage"))
        retry = [c for c in api.calls("sendMessage", chat_id=1)]
    assert ok == Counter({1: 1, 3: 1})
    assert calls[1] == 2 and calls[3] == 3 and calls[4] == 3
    assert retry[1].at - retry[0].at >= 1.0  # waited the time Telegram gave
    assert stats.sent == 2 and stats.blocked == 1 and stats.failed == 2 and stats.retry_after == 1
    counts = delivery.status_counts(engine)
    assert counts == {"sent": 2, "failed": 2}
    assert list_subscriptions(engine, 2) == []  # blocked → unsubscribed
    assert list_subscriptions(engine, 4) != []  # other errors only recorded
    with Session(engine) as s:
        blocked = s.get(ChatState, 2)
        assert blocked is not None and blocked.blocked_at is not None and "blocked" in blocked.last_error
        assert "500" in s.get(ChatState, 4).last_error or "Internal" in s.get(ChatState, 4).last_error
        failed = s.exec(select(Delivery).where(Delivery.chat_id == 4)).one()
        assert failed.status == "failed" and "after 3 attempts" in failed.error


# ----------------------------------------------------------------- flood limits with a fake clock
class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)  # the fake clock jumped; just yield to the loop


async def _slots(chats: list[int], limits: Limits) -> list[tuple[float, int]]:
    ft = FakeTime()
    lim = FloodLimiter(limits, clock=ft.clock, sleep=ft.sleep)
    out = []

    for chat in chats:
        await lim.acquire(chat)
        out.append((ft.now, chat))
    return out


@pytest.mark.asyncio
async def test_flood_limits_overall_per_chat_and_group():
    chats = list(range(1, 301)) + [7] * 5 + [-100] * 45
    slots = await _slots(chats, Limits(30, 1.0, 20))
    times = [t for t, _c in slots]
    for i in range(len(times) - 30):  # any 31 consecutive sends span at least one second
        assert times[i + 30] - times[i] >= 1.0 - 1e-9
    seven = [t for t, c in slots if c == 7]
    assert all(b - a >= 1.0 - 1e-9 for a, b in zip(seven, seven[1:], strict=False))
    group = [t for t, c in slots if c == -100]
    for i in range(len(group) - 20):  # 21 sends to a group never within one minute
        assert group[i + 20] - group[i] >= 60.0 - 1e-9
    # and the limiter does not dawdle: 300 distinct chats take about 10.5 s (30/s with a 5% jitter margin)
    assert times[299] - times[0] <= 300 * 1.05 / 30 + 1e-6


@pytest.mark.asyncio
async def test_retry_after_pauses_everyone():
    ft = FakeTime()
    lim = FloodLimiter(Limits(30, 1.0, 20), clock=ft.clock, sleep=ft.sleep)
    await lim.acquire(1)
    lim.pause(5)
    await lim.acquire(2)
    assert ft.now >= 5.0


# ----------------------------------------------------------------- leader lease
def test_lease_one_holder_until_expiry(engine):
    now = [datetime(2021, 1, 15, 1, 0, tzinfo=UTC)]
    a = Lease(engine, "A", 30, clock=lambda: now[0])
    b = Lease(engine, "B", 30, clock=lambda: now[0])
    assert a.try_acquire()
    assert not b.try_acquire()
    assert a.try_acquire()  # renew
    assert b.holder() == "A"
    now[0] += timedelta(seconds=31)
    assert b.try_acquire() and not a.try_acquire()
    b.release()
    assert a.try_acquire()


def _race(engine, names: list[str]) -> tuple[list[Lease], list[Lease]]:
    """Every name tries the lease at once, each in its own thread: (winners, every contender). The
    contenders are returned to be kept alive: a collected Lease's lock connection dies, and its lease too."""
    wins: list[Lease] = []
    leases: list[Lease] = []
    barrier = threading.Barrier(len(names))

    def contender(name: str) -> None:
        barrier.wait()
        lease = Lease(engine, name, 60)
        leases.append(lease)
        if lease.try_acquire():
            wins.append(lease)

    threads = [threading.Thread(target=contender, args=(name,)) for name in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    return wins, leases


def test_lease_race_has_one_winner(engine):
    if os.environ.get("TEST_DATABASE_URL") is None and engine.dialect.name != "sqlite":
        pytest.skip("needs a database")
    wins, _alive = _race(engine, [f"L{i}" for i in range(6)])
    assert len(wins) == 1


def test_lease_races_in_a_row_each_have_one_winner(engine):
    """The losers of one race leave nothing behind (on PostgreSQL: no session lock on an idle pooled
    connection) that blocks the same names in the next race, as a restarted bot's instance would be."""
    from sqlalchemy import delete

    from storage.lease import LEASE_KEY
    from storage.models import AppMeta

    for round_ in range(4):
        wins, _alive = _race(engine, [f"R{i}" for i in range(4)])
        assert len(wins) == 1, (round_, [w.owner for w in wins])
        wins[0].release()
        with engine.begin() as conn:
            conn.execute(delete(AppMeta.__table__).where(AppMeta.__table__.c.key == LEASE_KEY))


@pytest.mark.asyncio
async def test_lost_leadership_hands_rows_back_unsent(engine):
    """When the lease cannot be renewed (another instance took over during a long pause), claimed rows are
    released instead of sent, so the new leader sends them and nobody gets two."""
    _plan(engine, range(1, 41))
    sent: list[int] = []
    leader = {"ok": True}

    async def send(row):
        sent.append(row.chat_id)
        if len(sent) == 10:
            leader["ok"] = False  # from now on the lease belongs to someone else
        await asyncio.sleep(0.01)  # the time a send takes (sets the pace, waits for nothing)
        return row.id

    async def keep_going():
        return leader["ok"]

    b = Broadcaster(engine, send, "OLD", limiter=fast_limiter(), concurrency=4, heartbeat=0.001)
    stats = await b.run(keep_going)
    assert 10 <= stats.sent < 40
    left = delivery.claim(engine, "NEW", 100)
    assert {c.chat_id for c in left}.isdisjoint(sent)
    assert len(left) + stats.sent == 40
