"""Fair update processing for Telegram: every command, button tap, inline query and message passes the
per-user token bucket and lane of service.fairness before any handler runs.

Why an update processor (not a handler): a refused update never reaches the handlers, and a flooder's
admitted updates wait in their own lane instead of filling the shared concurrency slots that other
users' answers need.

Why also a getUpdates request that screens (long polling): python-telegram-bot turns every fetched
update into objects before any processor sees it, and that parse was most of what a flood cost (about
0.7 ms an update, a callback tap carries the whole message it was on). `ScreeningRequest` asks the
bucket on the raw JSON and leaves a refused update out of the answer, so it is never parsed nor
scheduled; only the last update of an answer is kept (bare: its update_id alone), because the next
getUpdates' offset is taken from it, so nothing is fetched twice. Webhook updates are not screened:
the processor asks the bucket for them itself.
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
from telegram.request import HTTPXRequest

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


def raw_sender_key(raw: dict[str, Any]) -> int | None:
    """`sender_key` read from an update's JSON: the user ("from", or "user"), else the chat."""
    for name, body in raw.items():
        if name == "update_id" or not isinstance(body, dict):
            continue
        for field in ("from", "user", "chat"):
            who = body.get(field)
            if isinstance(who, dict) and isinstance(who.get("id"), int):
                return who["id"]
        return None
    return None


class UpdateScreen:
    """The bucket asked at fetch time; remembers each screened update's verdict for the processor."""

    def __init__(self, bucket: TokenBucket, counters: dict[str, int] | None = None) -> None:
        self.bucket = bucket
        self.verdicts: dict[int, Verdict] = {}
        self.counters: dict[str, int] = counters if counters is not None else defaultdict(int)

    def screen(self, raw: dict[str, Any]) -> dict[str, Any]:
        """The update as it goes on: whole when admitted or warned, its bare update_id when dropped."""
        update_id = raw.get("update_id")
        key = raw_sender_key(raw)
        if key is None or not isinstance(update_id, int):
            return raw
        verdict = self.bucket.admit(key)
        self.verdicts[update_id] = verdict
        if verdict is Verdict.DROP:
            self.counters["flood.unparsed"] += 1
            return {"update_id": update_id}
        return raw

    def screen_batch(self, updates: list[Any]) -> list[Any]:
        """A getUpdates answer screened: a dropped update is left out altogether (counted here), but for
        the last one, whose update_id moves the next getUpdates' offset on; that one goes on bare."""
        out = []
        for i, raw in enumerate(updates):
            item = self.screen(raw) if isinstance(raw, dict) else raw
            if item is not raw and i < len(updates) - 1:
                self.verdicts.pop(item["update_id"], None)
                self.counters["flood.drop"] += 1
                continue
            out.append(item)
        return out

    def verdict(self, update: object) -> Verdict | None:
        """The verdict given at fetch time (taken: asked once), None for an update not screened."""
        update_id = getattr(update, "update_id", None)
        return self.verdicts.pop(update_id, None) if isinstance(update_id, int) else None


class ScreeningRequest(HTTPXRequest):
    """The getUpdates request: refused updates leave it unparsed (see the module docstring)."""

    def __init__(self, screen: UpdateScreen, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.screen = screen

    def parse_json_payload(self, payload: bytes) -> dict[str, Any]:
        data = super().parse_json_payload(payload)
        result = data.get("result") if data.get("ok") else None
        if isinstance(result, list):
            data["result"] = self.screen.screen_batch(result)
        return data


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

    def __init__(self, max_concurrent_updates: int, bucket: TokenBucket, lanes: Lanes | None = None,
                 screen: UpdateScreen | None = None) -> None:
        super().__init__(max_concurrent_updates)
        self.bucket = bucket
        self.lanes = lanes or Lanes()
        self.screen = screen or UpdateScreen(bucket)
        self.counters: dict[str, int] = defaultdict(int)

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        verdict = self.screen.verdict(update)
        key = sender_key(update)
        if verdict is None:
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
        if key is None:  # screened as someone's, parsed as nobody's: nothing to queue it behind
            await coroutine
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
