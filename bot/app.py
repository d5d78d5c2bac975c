"""Application wiring: build_application(settings) and run(settings) in polling or webhook mode.

Polling: Application.run_polling (PTB handles SIGINT/SIGTERM; on stop the updates already fetched are
processed before shutdown). Webhook: handlers.webhook serves the update path and GET /healthz; on a
signal the server stops accepting, then the Application drains its queue and shuts down.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import Callable
from datetime import date
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from telegram import BotCommand, Update
from telegram.error import TelegramError
from telegram.ext import Application, Defaults

from bot.jobs_harvest import schedule_harvest
from bot.reminder_wiring import wire_reminders
from bot.settings import Settings
from handlers import delivery
from handlers import reminders as reminder_handlers
from handlers.commands import COMMANDS
from handlers.fairness import FairUpdateProcessor, ScreeningRequest, UpdateScreen
from handlers.setup import register_handlers
from service.answers import BotService
from service.fairness import Lanes, TokenBucket

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")


def menu_commands(application: Application) -> list[BotCommand]:
    extra = application.bot_data.get("extra_commands") or []
    base = [c for c in COMMANDS if c[0] not in {"ingest", "stats"}]
    admin = [c for c in COMMANDS if c[0] in {"ingest", "stats"}]
    seen: set[str] = set()
    out = []
    for name, desc in [*base, *extra, *admin]:
        if name not in seen:
            seen.add(name)
            out.append(BotCommand(name, desc[:256]))
    return out


async def post_init(application: Application) -> None:
    """Warm the answer caches in the background (the first question must not pay for them) and register
    the Chinese command menu; a failure here is logged, not fatal."""
    service = application.bot_data.get("service")
    if service is not None:
        application.bot_data["warm_task"] = asyncio.get_running_loop().create_task(service.warm())
    try:
        await application.bot.set_my_commands(menu_commands(application))
    except TelegramError as err:
        log.warning("setMyCommands failed: %s", err)


def build_application(settings: Settings, answerer=None, *, engine: Engine | None = None,
                      today: Callable[[], date] | None = None,
                      read_timeout: float | None = None) -> Application:
    """The fully wired Application (not started). `answerer` defaults to query.engine.Answerer(engine).

    Every Bot API call but getUpdates goes through handlers.delivery.RetryingRateLimiter: flood limits,
    retries when Telegram certainly did not take a request, no resend when it may have (`read_timeout`
    is when a sent request becomes "in doubt"; default TELEGRAM_READ_TIMEOUT, connecting TELEGRAM_CONNECT_TIMEOUT).
    """
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set (use `disclosure-bot chat` for a terminal without Telegram)")
    from storage.db import get_engine

    engine = engine or get_engine(settings.database_url)
    if answerer is None:
        from query.engine import Answerer
        from service.deadlines import ANSWERERS

        answerer = Answerer(engine, answerers=ANSWERERS)
    limiter = delivery.RetryingRateLimiter(overall_max_rate=settings.rate_overall_per_second,
                                           group_max_rate=settings.rate_group_per_minute,
                                           max_retries=delivery.RATE_LIMIT_RETRIES)
    processor = screen = None
    if settings.fair_updates:
        bucket = TokenBucket(settings.updates_burst, settings.updates_per_second)
        screen = UpdateScreen(bucket)
        processor = FairUpdateProcessor(settings.concurrent_updates, bucket, Lanes(settings.update_queue_depth),
                                        screen)
    builder = (
        Application.builder()
        .token(settings.telegram_bot_token)
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_base_file_url)
        .defaults(Defaults(tzinfo=TZ))
        .rate_limiter(limiter)
        .connection_pool_size(16)
        .pool_timeout(10)
        .connect_timeout(settings.telegram_connect_timeout)
        .write_timeout(delivery.WRITE_TIMEOUT)
        .read_timeout(settings.telegram_read_timeout if read_timeout is None else read_timeout)
        .concurrent_updates(processor or settings.concurrent_updates)
        .post_init(post_init)
    )
    if screen is not None:  # refused updates are never parsed (handlers.fairness.ScreeningRequest)
        builder = builder.get_updates_request(ScreeningRequest(screen, connection_pool_size=2,
                                                               read_timeout=settings.polling_timeout + 10))
    else:
        builder = builder.get_updates_connection_pool_size(2).get_updates_read_timeout(settings.polling_timeout + 10)
    application = builder.build()
    service = BotService(settings, engine, answerer, today=today)

    def count_send_event(name: str) -> None:
        service.counters[f"send.{name}"] += 1

    limiter.on_event = count_send_event
    if processor is not None:
        processor.counters = processor.screen.counters = service.counters  # flood.* counts show in /stats
    application.bot_data["service"] = service
    application.bot_data["settings"] = settings
    register_handlers(application)
    application.bot_data["extra_commands"] = list(reminder_handlers.COMMANDS)
    reminder_handlers.register(application)
    wire_reminders(application, settings)
    schedule_harvest(application, service.engine, settings.harvest, today=service.today)
    return application


async def start(application: Application, *, polling: bool = True, timeout: int = 30) -> None:
    """initialize + post_init + start (+ polling); what run_polling does, usable inside an event loop."""
    await application.initialize()
    if application.post_init is not None:
        await application.post_init(application)
    await application.start()
    if polling and application.updater is not None:
        await application.updater.start_polling(timeout=timeout, poll_interval=0.0,
                                                allowed_updates=Update.ALL_TYPES)


async def stop(application: Application) -> None:
    """Stop fetching, process what was fetched, shut down."""
    if application.updater is not None and application.updater.running:
        await application.updater.stop()
    if application.running:
        await application.stop()
    await application.shutdown()


def _prepare_store(settings: Settings) -> Engine:
    from storage.db import get_engine
    from storage.migrate import ensure_schema

    engine = get_engine(settings.database_url)
    ensure_schema(engine)
    return engine


def _setup_logging(settings: Settings) -> None:
    from bot.logs import setup_logging

    setup_logging(settings.log_level, settings=settings)


def run(settings: Settings | None = None) -> None:
    """Run until SIGINT/SIGTERM: webhook mode when WEBHOOK_URL is set, else long polling."""
    settings = settings or Settings()
    _setup_logging(settings)
    engine = _prepare_store(settings)
    application = build_application(settings, engine=engine)
    if settings.webhook_mode:
        asyncio.run(run_webhook(application, settings))
    else:
        log.info("starting long polling against %s", urlsplit(settings.telegram_base_url).netloc)
        application.run_polling(allowed_updates=Update.ALL_TYPES, timeout=settings.polling_timeout,
                                poll_interval=0.0)


def _register_log_secret(secret: str) -> None:
    """A derived secret is in no environment variable: tell the log redaction about it explicitly."""
    from bot.logs import add_secret

    add_secret(secret)


async def run_webhook(application: Application, settings: Settings, stop_event: asyncio.Event | None = None) -> None:
    """Serve the webhook + /healthz until `stop_event` (or SIGINT/SIGTERM) — then drain and shut down."""
    from handlers.webhook import make_server

    stop_event = stop_event or asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        try:
            loop.add_signal_handler(sig, stop_event.set)
        except (NotImplementedError, RuntimeError):  # not the main thread (tests)
            pass
    path = urlsplit(settings.webhook_url).path or "/telegram"
    secret = settings.effective_webhook_secret()  # derived from the token when WEBHOOK_SECRET is empty
    _register_log_secret(secret)
    await start(application, polling=False)
    server = make_server(application, path, secret)
    server.listen(settings.port, address=settings.webhook_listen)
    log.info("webhook listening on %s:%s%s (+ /healthz)", settings.webhook_listen, settings.port, path)
    try:
        await application.bot.set_webhook(settings.webhook_url, secret_token=secret,
                                          allowed_updates=Update.ALL_TYPES)
        await stop_event.wait()
    finally:
        server.stop()
        await server.close_all_connections()
        await stop(application)
