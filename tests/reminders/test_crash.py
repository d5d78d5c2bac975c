"""Crash tests: SIGKILL the bot process in the middle of a 2,000-subscriber broadcast, start it again, and
count what the Bot API stand-in (a separate process with a state file) really delivered: every subscriber
exactly one message. On SQLite and, with TEST_DATABASE_URL, on PostgreSQL — there also with two bot
instances, killing the leader so that the other one takes over.

Where the kill lands: we make Telegram answer one sendMessage with 429 (retry after 30 s) once the broadcast
is well under way, wait until the bot has backed off (no request in flight — a RetryAfter pauses every
sender), and SIGKILL it there. That is a real mid-broadcast kill with rows claimed but unsent, and it keeps
the kill out of the few milliseconds between Telegram's answer and our commit, where no bot can know
whether the message went out (see reminders.delivery: that window is bounded and documented, not closed).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import insert

from reminders import delivery
from storage.models import Subscription
from tests.botapi.standin import StandinClient
from tests.reminders.conftest import add_agencies
from tests.waiting import wait_until

pytestmark = [pytest.mark.pg, pytest.mark.slow]
ROOT = Path(__file__).resolve().parents[2]
N = 2000


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def start_standin(tmp_path: Path) -> tuple[subprocess.Popen, str, Path]:
    state = tmp_path / "delivered.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "tests.botapi.standin", "--port", "0", "--state-file", str(state)],
                            cwd=ROOT, stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.startswith("standin listening on "), line
    return proc, line.split()[-1], state


def start_bot(url: str, db_url: str, **env: str) -> subprocess.Popen:
    full = {**os.environ, "STANDIN_URL": url, "DATABASE_URL": db_url, "REMINDER_TODAY": "2021-01-15",
            "REMINDER_STARTUP_DELAY": "0.3", "REMINDER_TICK_SECONDS": "0.5", "REMINDER_LEASE_SECONDS": "3",
            "REMINDER_RATE_OVERALL": "400", "REMINDER_CONCURRENCY": "8", "BOT_RATE": "1000", **env}
    log = open(os.environ.get("CRASH_LOG", os.devnull), "a")  # noqa: SIM115 - lives as long as the child
    proc = subprocess.Popen([sys.executable, "-m", "tests.reminders.crash_child"], cwd=ROOT, env=full,
                            stdout=subprocess.PIPE, stderr=log, text=True)
    line = proc.stdout.readline()
    assert line.startswith("ready"), f"bot did not start: {line!r}"
    return proc


def delivered(state: Path) -> list[dict]:
    if not state.exists():
        return []
    data = state.read_bytes()
    data = data[: data.rfind(b"\n") + 1]  # the stand-in may be half-way through a line
    return [json.loads(x) for x in data.decode("utf-8").splitlines() if x.strip()]


def populate(engine, n: int = N) -> list[int]:
    add_agencies(engine)
    chats = list(range(10_001, 10_001 + n))
    with engine.begin() as conn:
        conn.execute(insert(Subscription.__table__), [
            {"chat_id": c, "chat_type": "private", "scope": "all", "target": "", "digests": False, "active": True}
            for c in chats])
    return chats


def kill_during_backoff(client: StandinClient, state: Path, victim: subprocess.Popen, after: int, engine) -> int:
    """Once `after` messages are out, answer the next sendMessage with 429 and SIGKILL the bot while it waits."""
    wait_until(lambda: len(delivered(state)) >= after, 60, f"{after} deliveries")
    client.inject(status=429, method="sendMessage", count=1, retry_after=30)
    wait_until(lambda: any(c["status"] == 429 for c in client.sent()), 30, "the 429")
    # requests already in flight finish and are recorded; everyone else waits for the retry
    wait_until(lambda: delivery.status_counts(engine).get("sent", 0) >= len(delivered(state)), 30,
               "in-flight sends to be recorded")
    os.kill(victim.pid, signal.SIGKILL)
    victim.wait(10)
    return len(delivered(state))


def all_recorded(engine, n: int) -> None:
    """Wait until all n rows are marked sent: the terminal state (no claim left, nothing in flight)."""
    wait_until(lambda: delivery.status_counts(engine).get("sent", 0) >= n and delivery.pending_count(engine) == 0,
               30, "every delivery to be recorded")


def finish(procs: list[subprocess.Popen]) -> None:
    for p in procs:
        if p.poll() is None:
            p.send_signal(signal.SIGTERM)
    for p in procs:
        try:
            p.wait(15)
        except subprocess.TimeoutExpired:
            p.kill()


def assert_exactly_once(state: Path, chats: list[int], engine) -> None:
    counts = Counter(int(x["chat_id"]) for x in delivered(state))
    missing = [c for c in chats if counts[c] == 0]
    dupes = {c: n for c, n in counts.items() if n > 1}
    assert not missing, f"{len(missing)} subscribers got nothing, e.g. {missing[:5]}"
    if dupes:
        from sqlmodel import Session, select

        from storage.models import Delivery

        with Session(engine) as session:
            rows = session.exec(select(Delivery).where(Delivery.chat_id.in_(list(dupes)[:10]))).all()
        detail = [(r.chat_id, r.status, r.attempts, r.claimed_by, r.error) for r in rows]
        raise AssertionError(f"{len(dupes)} duplicates: {detail}")
    assert set(counts) == set(chats)
    assert delivery.status_counts(engine) == {"sent": len(chats)}


def test_sigkill_mid_broadcast_then_restart(engine, tmp_path):
    chats = populate(engine)
    standin, url, state = start_standin(tmp_path)
    client = StandinClient(url)
    procs = []
    try:
        bot = start_bot(url, _url(engine))
        procs.append(bot)
        at_kill = kill_during_backoff(client, state, bot, after=N // 4, engine=engine)
        assert N // 4 <= at_kill < N  # really mid-broadcast
        assert len(delivered(state)) == at_kill  # the dead process (reaped, nothing in flight) sent nothing more
        client.clear_faults()
        procs.append(start_bot(url, _url(engine)))
        wait_until(lambda: len(delivered(state)) >= N, 90, "all deliveries after restart")
        all_recorded(engine, N)  # every row marked sent: no send is in flight, ticks have nothing left
    finally:
        finish(procs)
        standin.send_signal(signal.SIGTERM)
        standin.wait(10)
    assert_exactly_once(state, chats, engine)


def test_two_instances_leader_killed_other_takes_over(engine, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("two bot instances share one PostgreSQL (SQLite is one bot per file)")
    from storage.lease import Lease

    chats = populate(engine)
    standin, url, state = start_standin(tmp_path)
    client = StandinClient(url)
    procs = []
    try:
        procs = [start_bot(url, _url(engine)), start_bot(url, _url(engine))]
        wait_until(lambda: len(delivered(state)) >= 200, 60, "the broadcast to start")
        holder = Lease(engine, "observer", 3).holder()
        assert holder is not None
        leader_pid = int(holder.split("-")[-2])
        leader = next(p for p in procs if p.pid == leader_pid)
        at_kill = kill_during_backoff(client, state, leader, after=N // 3, engine=engine)
        assert at_kill < N
        client.clear_faults()
        wait_until(lambda: len(delivered(state)) >= N, 90, "the other instance to finish")
        all_recorded(engine, N)
    finally:
        finish(procs)
        standin.send_signal(signal.SIGTERM)
        standin.wait(10)
    assert_exactly_once(state, chats, engine)


@pytest.mark.parametrize("policy", ["resend", "skip"])
def test_kill_at_a_random_moment_stays_within_the_documented_bound(engine, tmp_path, policy):
    """SIGKILL with no regard for what the bot is doing. The only rows that can go wrong are the "in doubt"
    ones (claimed by the dead process, never marked) — at most REMINDER_CONCURRENCY of them. With the
    resend policy nobody is missed and any duplicate is one of them; with skip nobody gets two messages
    and anyone missed is one of them."""
    import random

    from sqlmodel import Session, select

    from storage.models import Delivery

    chats = populate(engine, 1000)
    standin, url, state = start_standin(tmp_path)
    procs = []
    try:
        bot = start_bot(url, _url(engine), REMINDER_IN_DOUBT=policy)
        procs.append(bot)
        wait_until(lambda: len(delivered(state)) >= 300, 60, "300 deliveries")
        at = random.randint(300, 700)  # a random moment, measured in progress rather than sleep
        wait_until(lambda: len(delivered(state)) >= at, 60, f"{at} deliveries")
        os.kill(bot.pid, signal.SIGKILL)
        bot.wait(10)
        procs.append(start_bot(url, _url(engine), REMINDER_IN_DOUBT=policy))
        wait_until(lambda: delivery.pending_count(engine) == 0 and delivery.status_counts(engine).get("sent", 0)
                   + delivery.status_counts(engine).get("skipped", 0) == len(chats), 90, "the resumed broadcast")
    finally:
        finish(procs)
        standin.send_signal(signal.SIGTERM)
        standin.wait(10)
    counts = Counter(int(x["chat_id"]) for x in delivered(state))
    with Session(engine) as session:
        in_doubt = {r.chat_id for r in session.exec(select(Delivery).where(Delivery.error.like("in doubt%"))).all()}
    assert len(in_doubt) <= 8
    dupes = {c for c in chats if counts[c] > 1}
    missed = {c for c in chats if counts[c] == 0}
    assert all(counts[c] <= 2 for c in chats)
    if policy == "resend":
        assert not missed and dupes <= in_doubt
    else:
        assert not dupes and missed <= in_doubt
