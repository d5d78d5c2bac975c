"""Fair update processing for Telegram: every command, button tap, inline query and message passes the
per-user token bucket and lane of service.fairness before any handler runs.

Why an update processor (not a handler): a refused update never reaches the handlers, so a flood costs
one dictionary lookup per update, and a flooder's admitted updates wait in their own lane instead of
filling the shared concurrency slots that other users' answers need.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import BaseUpdateProcessor

from service.fairness import Lanes, TokenBucket, Verdict

log = logging.getLogger(__name__)
SLOW_DOWN = "太快了，请稍等"


def sender_key(update: object) -> int | None:
    """Whose update this is: the user, else the chat (channel posts); None for updates of nobody."""
    if not isinstance(update, Update):
        return None
    if update.effective_user is not None:
        return update.effective_user.id
    if update.effective_chat is not None:
        return update.effective_chat.id
    return None


async def tell_slow_down(update: Update) -> None:
    """The one polite reply per window, in the form the update allows."""
    try:
        if update.callback_query is not None:
            await update.callback_query.answer(SLOW_DOWN)
        elif update.inline_query is not None:
            await update.inline_query.answer([], cache_time=5, is_personal=True)
        elif update.effective_message is not None and update.effective_chat is not None \
                and update.effective_chat.type == "private":
            await update.effective_message.reply_text(SLOW_DOWN)
    except TelegramError as err:  # the warning is a courtesy; losing it loses nothing
        log.info("slow-down reply failed: %s", err)


class FairUpdateProcessor(BaseUpdateProcessor):
    """Token bucket + per-user lane in front of PTB's concurrent processing (see module docstring)."""

    def __init__(self, max_concurrent_updates: int, bucket: TokenBucket, lanes: Lanes | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.bucket = bucket
        self.lanes = lanes or Lanes()
        self.counters: dict[str, int] = defaultdict(int)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        key = sender_key(update)
        if key is None:
            await coroutine
            return
        verdict = self.bucket.admit(key)
        if verdict is not Verdict.ADMIT:
            _discard(coroutine)
            self.counters[f"flood.{verdict.value}"] += 1
            if verdict is Verdict.WARN:
                await tell_slow_down(update)  # type: ignore[arg-type]
            return
        async with self.lanes.enter(key) as admitted:
            if not admitted:
                _discard(coroutine)
                self.counters["flood.queue_full"] += 1
                return
            await coroutine

    async def initialize(self) -> None:
        """Nothing to allocate."""

    async def shutdown(self) -> None:
        """Nothing to free."""


def _discard(coroutine: Awaitable[Any]) -> None:
    """Close an update's processing coroutine that will never run (no "never awaited" warning)."""
    if asyncio.iscoroutine(coroutine):
        coroutine.close()
