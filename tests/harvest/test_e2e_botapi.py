"""End to end through the Bot API stand-in: a report appears on the test site on 20 January → the next
harvest stores it → one 已发布 message reaches each subscriber of its region, reminders for that body
stop; a body still missing on 1 February gets its overdue notice."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from telegram import Bot

from bot.jobs import ReminderRunner
from harvest.fetch import FetchPolicy
from reminders.calendar import TZ
from reminders.config import ReminderConfig
from reminders.sender import telegram_sender
from service.harvest import harvest, read_sites
from tests.botapi import BotApiStandin
from tests.harvest.conftest import BODY, HEXI, LAGGARD
from tests.reminders.conftest import fast_limiter

FAST = FetchPolicy(per_host_interval=0.02, backoff=0.01)


@pytest.mark.asyncio
async def test_published_then_overdue_through_the_standin(engine, hexi_registry, sites, sites_csv, tmp_path):
    raw = tmp_path / "raw"
    await harvest(engine, read_sites(sites_csv), raw, policy=FAST, today=date(2026, 1, 10))
    clock = [datetime.combine(date(2026, 1, 20), time(9), TZ)]
    with BotApiStandin() as api:
        bot = Bot("123:TEST", base_url=api.base_url, base_file_url=api.base_file_url)
        runner = ReminderRunner(
            engine, telegram_sender(bot), ReminderConfig(_env_file=None, lease_seconds=3600),
            clock=lambda: clock[0], limiter=fast_limiter(),
        )
        try:
            sites.publish_late(2025)  # 20 January: the report appears on the site
            await harvest(engine, read_sites(sites_csv), raw, policy=FAST, today=date(2026, 1, 20))
            await runner.broadcast()
            published = [c for c in api.messages() if "年报已发布" in c.text]
            assert [c.chat_id for c in published] == [HEXI]  # one message, only to its region
            assert published[0].text.startswith(f"{BODY} 2025 年报已发布（按时）")
            assert "http://127.0.0.1:" in published[0].text

            await harvest(engine, read_sites(sites_csv), raw, policy=FAST, today=date(2026, 1, 21))
            await runner.broadcast()
            assert len([c for c in api.messages() if "年报已发布" in c.text]) == 1  # still ONE

            clock[0] = datetime.combine(date(2026, 2, 1), time(9), TZ)
            mark = api.mark()
            await runner.run_cycle("all", reason="test")
            to_hexi = [c.text for c in api.since(mark) if c.chat_id == HEXI and c.ok]
            assert any(LAGGARD in t for t in to_hexi)  # overdue notice for the body still missing
            assert not any(BODY in t and "年报已发布" not in t for t in to_hexi)  # filed: no reminder
        finally:
            await runner.stop()
            await bot.shutdown()
