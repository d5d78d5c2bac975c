"""Review fixes: webhook secret derived from the token, look-alike button labels, Bot API timeouts."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest

from bot.app import build_application, run_webhook
from bot.settings import Settings
from query.types import Answer
from tests.bot.conftest import USER, bot_settings
from tests.bot.test_handlers_unit import ScriptedAnswerer, row
from tests.bot.test_webhook_and_units import free_port

TELEGRAM_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def test_derived_webhook_secret_fits_telegram_and_depends_on_the_token():
    a = Settings(_env_file=None, telegram_bot_token="123:aaa").effective_webhook_secret()
    b = Settings(_env_file=None, telegram_bot_token="123:bbb").effective_webhook_secret()
    assert TELEGRAM_SECRET_TOKEN.fullmatch(a) and TELEGRAM_SECRET_TOKEN.fullmatch(b)
    assert a != b and "aaa" not in a
    assert a == Settings(_env_file=None, telegram_bot_token="123:aaa").effective_webhook_secret()  # stable
    configured = Settings(_env_file=None, telegram_bot_token="123:aaa", webhook_secret="mine_1-x")
    assert configured.effective_webhook_secret() == "mine_1-x"


@pytest.mark.parametrize("bad", ["has space", "semi;colon", "ü", "x" * 257])
def test_a_webhook_secret_telegram_would_refuse_stops_start_up(bad):
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(_env_file=None, webhook_secret=bad)


def test_webhook_mode_without_a_configured_secret_serves_telegram_with_the_derived_one(api, engine):
    """The derived secret is registered with setWebhook, and Telegram's calls carrying it are served."""
    port = free_port()
    settings = bot_settings(api, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_secret="",
                            port=port, webhook_listen="127.0.0.1")
    answerer = ScriptedAnswerer({"q": Answer(status="ok", text="x", question="q", answers=[row(1)])})

    async def main() -> None:
        app = build_application(settings, answerer, engine=engine, today=lambda: date(2021, 1, 31))
        stop_event = asyncio.Event()
        task = asyncio.create_task(run_webhook(app, settings, stop_event))
        try:
            await api.await_until(lambda: api.webhook.get("url") == settings.webhook_url, 20)
            assert api.webhook["secret_token"] == settings.effective_webhook_secret()
            api.push_message(USER, "q")  # the stand-in POSTs it with the registered secret
            await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, timeout=20)
        finally:
            stop_event.set()
            await asyncio.wait_for(task, 20)

    asyncio.run(main())
