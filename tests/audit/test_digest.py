"""The season's daily audit digest through the real Application and the stand-in: a channel subscribed to a
region gets one digest a day, exactly once across restarts, with the XLSX attached when it asked."""

from __future__ import annotations

import html
import io
from datetime import UTC, date, datetime, time

import pytest
from openpyxl import load_workbook

from bot.app import build_application, start, stop
from reminders import delivery
from reminders.calendar import TZ
from reminders.subscriptions import subscribe
from service import audit as svc
from service.digest import KIND, digest_text, in_season, plan_daily_digest, set_xlsx
from service.ingest import ingest_bytes
from tests.bot.conftest import bot_settings
from tests.botapi import BotApiStandin
from tests.reminders.conftest import add_agencies
from tools.generator import generate_report

pytestmark = pytest.mark.pg
CHANNEL = -1001234
GROUP = -100777
DEPT = "银川市西夏区城市管理局"


def _store_report(engine, day: date) -> None:
    """DEPT's 2020 report, signed late (15 March for a 31 January deadline), scored on `day`."""
    text = generate_report(1, "2019", DEPT, 2020, noise=frozenset()).text.rstrip() + "\n\n2021年3月15日\n"
    r = ingest_bytes(engine, text.encode(), "dept_2020.txt")
    svc.score_and_store(engine, r.report_id, text, now=datetime.combine(day, time(15), TZ).astimezone(UTC))


async def _run_day(engine, monkeypatch, day: date) -> BotApiStandin:
    """Start the bot on `day` (it plans and sends on start-up), wait for that run, stop: a restart each call."""
    monkeypatch.setenv("REMINDER_TODAY", day.isoformat())
    monkeypatch.setenv("REMINDER_STARTUP_DELAY", "0.1")
    monkeypatch.setenv("REMINDER_TICK_SECONDS", "0.3")
    monkeypatch.setenv("REMINDER_LEASE_SECONDS", "1")
    with BotApiStandin() as api:
        app = build_application(bot_settings(api), engine=engine, today=lambda: day)
        await start(app, timeout=1)
        try:
            runner = app.bot_data["reminders"]
            # the catch-up, or (when a previous instance's lease is still running out) a standby tick
            await api.await_until(lambda: any("audit_daily" in h for h in runner.history), 30)
        finally:
            await stop(app)
    return api


@pytest.mark.asyncio
async def test_one_digest_a_day_across_restarts_with_xlsx_on_request(engine, monkeypatch):
    add_agencies(engine)
    subscribe(engine, CHANNEL, "channel", "region", "银川市")
    subscribe(engine, GROUP, "supergroup", "region", "西夏区")
    set_xlsx(engine, CHANNEL, True)
    _store_report(engine, date(2021, 3, 19))

    day1 = await _run_day(engine, monkeypatch, date(2021, 3, 20))
    docs = [c for c in day1.messages(CHANNEL) if c.method == "sendDocument"]
    assert len(docs) == 1
    caption = html.unescape(docs[0].params.get("caption", ""))
    assert "年报体检日报" in caption and DEPT in caption and "已逾期未公布" in caption
    group = [c for c in day1.messages(GROUP) if "年报体检日报" in html.unescape(c.text or "")]
    assert len(group) == 1 and not [c for c in day1.messages(GROUP) if c.method == "sendDocument"]

    again = await _run_day(engine, monkeypatch, date(2021, 3, 20))  # restarted the same day
    assert [c for c in again.messages(CHANNEL) if c.method == "sendDocument"] == []
    assert not [c for c in again.messages(GROUP) if "年报体检日报" in html.unescape(c.text or "")]

    day2 = await _run_day(engine, monkeypatch, date(2021, 3, 21))  # nothing new, bodies still overdue
    assert len([c for c in day2.messages(CHANNEL) if c.method == "sendDocument"]) == 1
    assert delivery.existing_keys(engine, KIND, "2021-03-20") == {CHANNEL, GROUP}
    # 西夏区 on day 2: nothing scored, its government not due before 31 March: no digest at all
    assert delivery.existing_keys(engine, KIND, "2021-03-21") == {CHANNEL}


def test_digest_text_and_workbook(engine):
    add_agencies(engine)
    subscribe(engine, CHANNEL, "channel", "region", "银川市")
    _store_report(engine, date(2021, 3, 19))
    text = html.unescape(digest_text(engine, date(2021, 3, 20), [("region", "银川市")]))
    assert f"{DEPT} 2020" in text and "逾期" in text
    assert digest_text(engine, date(2021, 3, 20), [("region", "石嘴山市")]) is None  # nothing there, none due
    assert not in_season(date(2021, 6, 1)) and plan_daily_digest(engine, date(2021, 6, 1)) == 0
    assert plan_daily_digest(engine, date(2021, 3, 20)) == 1 and plan_daily_digest(engine, date(2021, 3, 20)) == 0
    set_xlsx(engine, CHANNEL, True)
    from service.digest import digest_document

    data, name = digest_document(engine, CHANNEL, KIND, "2021-03-20")
    wb = load_workbook(io.BytesIO(data))
    assert name.endswith(".xlsx") and wb["汇总"].max_row == 4  # the three 银川市 bodies


def test_yearly_summary_has_grades_and_on_time_share_against_last_year(engine):
    from reminders.digest import audit_lines

    ids = add_agencies(engine)
    for year, signed in ((2019, "2020年1月10日"), (2020, "2021年3月15日")):
        text = generate_report(year, "2019", DEPT, year, noise=frozenset()).text.rstrip() + f"\n\n{signed}\n"
        r = ingest_bytes(engine, text.encode(), f"dept_{year}.txt")
        svc.score_and_store(engine, r.report_id, text)
    assert ids[DEPT]
    lines = html.unescape("\n".join(audit_lines(engine, 2020, [("region", "西夏区")])))
    assert "年报体检等级" in lines and "按时公布 0%（上年 100%）" in lines
    assert audit_lines(engine, 2020, [("region", "石嘴山市")]) == []
