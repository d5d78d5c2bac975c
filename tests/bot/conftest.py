"""Fixtures for the bot tests: the Bot API stand-in and a runner for the real Application."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import date

import pytest

from bot.app import build_application, start, stop
from bot.settings import Settings
from tests.botapi import BotApiStandin

TOKEN = "123456:TEST-TOKEN"
ADMIN = 900
USER = 501


@pytest.fixture
def api():
    with BotApiStandin() as server:
        yield server


def bot_settings(api: BotApiStandin, **extra) -> Settings:
    values = dict(telegram_bot_token=TOKEN, telegram_base_url=api.base_url,
                  telegram_base_file_url=api.base_file_url, admin_ids=str(ADMIN), polling_timeout=1,
                  callback_secret="test-secret")
    values.update(extra)
    return Settings(_env_file=None, **values)


async def run_bot(api: BotApiStandin, engine, scenario: Callable[[object], Awaitable[None]], answerer=None,
                  today: date = date(2021, 1, 31), build: dict | None = None, **settings_extra) -> None:
    """Build the real Application against the stand-in, poll, run `scenario(app)`, stop cleanly.

    Awaited by the test itself, so the Application lives in the test's own event loop (pytest-asyncio).
    `build`: extra keyword arguments for build_application (e.g. read_timeout)."""
    app = build_application(bot_settings(api, **settings_extra), answerer, engine=engine, today=lambda: today,
                            **(build or {}))
    await start(app, timeout=1)
    try:
        await asyncio.wait_for(scenario(app), timeout=60)
    finally:
        await stop(app)
