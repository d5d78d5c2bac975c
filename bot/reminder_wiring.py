"""Reminder wiring: the broadcast Bot, the runner and its daily jobs (the commands are handlers.reminders).

Why in bot/: this is start-up wiring (settings, a second Bot object, the job queue); handlers/ only
handles Telegram updates and may not import bot.jobs.
"""

from __future__ import annotations

import logging
from datetime import datetime, time

from telegram import Bot
from telegram.ext import Application
from telegram.request import HTTPXRequest

from bot.jobs import ReminderRunner, schedule
from reminders.calendar import TZ
from reminders.sender import telegram_sender
from service.digest import digest_document, render_summary_photo

log = logging.getLogger(__name__)


def wire_reminders(application: Application, settings) -> None:
    """Runner and scheduled jobs (called by bot.app.build_application after the handlers)."""
    config = settings.reminder  # read once with the other settings (REMINDER_*)
    svc = application.bot_data["service"]
    engine = svc.engine
    if config.today:
        clock = config.clock()
    else:
        def clock() -> datetime:
            """Real time; a date injected into the BotService (tests, demos) is that day at the run time."""
            now = datetime.now(TZ)
            day = svc.today()
            if day == now.date():
                return now
            return datetime.combine(day, time.fromisoformat(config.run_time), TZ)

    # a separate Bot without AIORateLimiter for broadcasts (see reminders.sender.telegram_sender)
    broadcast_bot = Bot(settings.telegram_bot_token, base_url=settings.telegram_base_url,
                        base_file_url=settings.telegram_base_file_url,
                        request=HTTPXRequest(connection_pool_size=config.concurrency + 2, pool_timeout=30))
    send = telegram_sender(broadcast_bot, render_photo=lambda row: render_summary_photo(engine, row.kind, row.period),
                           render_document=lambda row: digest_document(engine, row.chat_id, row.kind, row.period))
    runner = ReminderRunner(engine, send, config, clock=clock)
    application.bot_data["reminders"] = runner
    if not config.enabled:
        log.info("reminders disabled (REMINDER_ENABLED=false): commands only, no scheduled runs")
        return
    schedule(application, runner, config)
    previous = application.post_shutdown

    async def post_shutdown(app: Application) -> None:
        await runner.stop()
        try:
            await broadcast_bot.shutdown()
        except Exception:  # noqa: BLE001 - best effort
            log.debug("broadcast bot shutdown failed", exc_info=True)
        if previous is not None:
            await previous(app)

    application.post_shutdown = post_shutdown
