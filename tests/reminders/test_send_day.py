"""A reminder is worded for the day it is SENT: one planned on its due day but resumed the next day must
not say "今天截止" (nor list bodies that have filed meanwhile)."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from sqlmodel import Session, select

from bot.jobs import ReminderRunner
from reminders import delivery
from reminders.calendar import TZ
from reminders.config import ReminderConfig
from reminders.subscriptions import subscribe
from storage.models import Delivery
from tests.reminders.conftest import Recorder, add_agencies, fast_limiter, file_report

pytestmark = pytest.mark.pg
DUE = date(2021, 1, 31)  # the January group's due day: planned texts say 今天截止


async def _planned_then_sent_on(engine, send_day: date, before_send=None) -> tuple[list[str], Recorder]:
    clock = [datetime.combine(DUE, time(9), TZ)]
    rec = Recorder()
    runner = ReminderRunner(engine, rec, ReminderConfig(_env_file=None, lease_seconds=3600),
                            clock=lambda: clock[0], limiter=fast_limiter())
    runner.plan("reminders")  # planned on the due day; the bot dies before sending
    with Session(engine) as session:
        planned = [d.text for d in session.exec(select(Delivery).where(Delivery.period.like("2020/jan/%")))]
    if before_send:
        before_send()
    clock[0] = datetime.combine(send_day, time(9, 30), TZ)
    rec.today = send_day
    await runner.broadcast()
    return planned, rec


@pytest.mark.asyncio
async def test_resumed_next_day_is_reworded_for_that_day(engine):
    add_agencies(engine)
    subscribe(engine, 7, "private", "all")
    planned, rec = await _planned_then_sent_on(engine, date(2021, 2, 1))
    assert planned and all("今天截止" in t for t in planned)
    jan = [r.text for _d, r in rec.sent if r.period.startswith("2020/jan/")]
    assert jan and all("今天截止" not in t and "已逾期 1 天" in t and "2021-02-01" in t for t in jan)


@pytest.mark.asyncio
async def test_same_day_send_keeps_the_planned_words(engine):
    add_agencies(engine)
    subscribe(engine, 7, "private", "all")
    planned, rec = await _planned_then_sent_on(engine, DUE)
    assert sorted(r.text for _d, r in rec.sent if r.period.startswith("2020/jan/")) == sorted(planned)


@pytest.mark.asyncio
async def test_nothing_left_on_the_send_day_is_skipped_not_sent(engine):
    ids = add_agencies(engine)
    subscribe(engine, 7, "private", "agency", "银川市兴庆区胜利街街道办事处")

    def file_it():
        file_report(engine, ids["银川市兴庆区胜利街街道办事处"], 2020, on=date(2021, 2, 1))

    planned, rec = await _planned_then_sent_on(engine, date(2021, 2, 1), before_send=file_it)
    assert planned
    assert not [r for _d, r in rec.sent if r.period.startswith("2020/jan/")]
    assert delivery.pending_count(engine) == 0
