"""The bot process for crash tests and the broadcast bench: the real Application against a stand-in.

    STANDIN_URL=http://127.0.0.1:PORT DATABASE_URL=... REMINDER_TODAY=2021-01-15 \
        python -m tests.reminders.crash_child

Runs build_application (polling, JobQueue, reminder jobs) until SIGTERM/SIGINT — or SIGKILL, which is the
point. Prints "ready <pid>" once started. BOT_RATE sets the Application's overall flood limit
(AIORateLimiter); the reminder sender's own limits come from REMINDER_* variables.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from datetime import date

from bot.app import build_application, start, stop
from bot.settings import Settings
from query.types import Answer
from storage.db import create_all, get_engine

TOKEN = "123456:CRASH-TEST"


class NoAnswers:
    def ask(self, question, *, today=None, chat_key=None, context=None):
        return Answer(status="not_found", text="（测试）", question=question)


async def main() -> None:
    base = os.environ["STANDIN_URL"].rstrip("/")
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN, telegram_base_url=f"{base}/bot",
                        telegram_base_file_url=f"{base}/file/bot", polling_timeout=1,
                        rate_overall_per_second=float(os.environ.get("BOT_RATE", "30")),
                        database_url=os.environ["DATABASE_URL"])
    engine = get_engine(settings.database_url)
    create_all(engine)
    today = date.fromisoformat(os.environ["REMINDER_TODAY"])
    app = build_application(settings, NoAnswers(), engine=engine, today=lambda: today)
    done = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, done.set)
    await start(app, timeout=1)
    print(f"ready {os.getpid()}", flush=True)
    await done.wait()
    await stop(app)


if __name__ == "__main__":
    # A program of its own (started by tests/reminders/test_crash.py and the broadcast bench, then killed),
    # not a test: no pytest-asyncio loop exists in this process, so it starts its own
    # (allowed by name in tests/test_test_style.py, in this __main__ block only).
    asyncio.run(main())
    sys.exit(0)
