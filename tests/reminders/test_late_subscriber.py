"""A chat that subscribes after the day's run gets that day's reminder on the next standby tick — the
same as a restart's catch-up would give it, so behaviour does not depend on whether the bot restarts."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from bot.jobs import ReminderRunner
from reminders.calendar import TZ
from reminders.config import ReminderConfig
from reminders.subscriptions import subscribe
from tests.reminders.conftest import Recorder, add_agencies, fast_limiter

pytestmark = pytest.mark.pg
DAY = date(2021, 1, 15)


def _runner(engine, rec: Recorder) -> ReminderRunner:
    rec.today = DAY
    return ReminderRunner(engine, rec, ReminderConfig(_env_file=None, lease_seconds=3600),
                          clock=lambda: datetime.combine(DAY, time(15), TZ), limiter=fast_limiter())


def _periods(rec: Recorder, chat: int) -> list[str]:
    return sorted(r.period for _d, r in rec.for_chat(chat))


async def _days_run(engine) -> tuple[Recorder, ReminderRunner]:
    """Chat 1 subscribed; the day's run has happened."""
    add_agencies(engine)
    subscribe(engine, 1, "private", "all")
    rec = Recorder()
    runner = _runner(engine, rec)
    await runner.run_cycle("all", reason="daily")
    return rec, runner


@pytest.mark.asyncio
async def test_late_subscriber_gets_todays_reminder_without_a_restart(engine):
    rec, runner = await _days_run(engine)
    early = _periods(rec, 1)
    assert early  # the day's run happened
    assert await runner.tick(wait=True) is None  # nothing changed: the tick does nothing

    subscribe(engine, 2, "private", "all")  # after the day's run
    await runner.tick(wait=True)
    assert _periods(rec, 2) == early  # the same reminder the early subscriber got, once

    restarted = Recorder()
    await runner.stop()
    await _runner(engine, restarted).run_cycle("all", reason="startup catch-up")
    assert restarted.sent == []  # a restart adds nothing: both paths give the same result


@pytest.mark.asyncio
async def test_restart_path_gives_the_late_subscriber_the_same(engine):
    rec, runner = await _days_run(engine)
    subscribe(engine, 2, "private", "all")
    await runner.stop()
    again = Recorder()
    await _runner(engine, again).run_cycle("all", reason="startup catch-up")
    assert _periods(again, 2) == _periods(rec, 1)
