"""Delivery policy for every Bot API call the bot makes (except getUpdates): retry only when Telegram
certainly did not take the request; never resend when it may have.

Why: a lost answer is bad, a duplicated answer is worse (users see the same reply twice and cannot tell
which one belongs to which question). So each failure is sorted by what it proves:

* **Not taken → retry with backoff, a bounded number of times.** 429 Too Many Requests: waited out
  (``retry_after``) and retried by python-telegram-bot's AIORateLimiter, ``max_retries`` times; other
  error statuses from Telegram such as 500/502 (Telegram answered, so it did not deliver),
  connection refused / connect timeout / no free connection in the pool (nothing was sent), and a write
  that failed (the request never reached Telegram complete).
* **In doubt → do not resend.** A read timeout or a connection dropped after the request was written:
  Telegram may well have delivered the message. The call fails with :class:`DeliveryInDoubt` (a
  ``TimedOut``) carrying an error id that is also in the warning log line; the error handler logs it and
  sends no apology (that would be a second message in a chat that may already have the answer).
* **Refused → no retry.** 400/403/404/409 and the like: resending cannot help.

Calls without a visible effect (``get*``, ``sendChatAction``, ``setMyCommands``, webhook set-up) are
retried in doubt too: doing them twice is harmless.

The read timeout (``READ_TIMEOUT``) is generous so that "in doubt" stays rare: Telegram answers within a
second normally, and a slow answer that arrives in time is a clean success.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from telegram.error import RetryAfter, TelegramError
from telegram.ext import AIORateLimiter

from reminders.delivery_policy import (  # noqa: F401 - re-exported: the policy lives below handlers
    IDEMPOTENT,
    IN_DOUBT,
    NOT_TAKEN,
    REFUSED,
    DeliveryInDoubt,
    classify,
)

log = logging.getLogger(__name__)

READ_TIMEOUT = 15.0  # seconds to wait for Telegram's answer before the call is "in doubt"
CONNECT_TIMEOUT = 5.0
WRITE_TIMEOUT = 10.0
SEND_RETRIES = 4  # extra attempts after a not-taken failure other than 429 (those: RATE_LIMIT_RETRIES)
RATE_LIMIT_RETRIES = 5  # AIORateLimiter max_retries: attempts after a 429, each after its retry_after
BACKOFF = 0.5  # first retry delay in seconds, doubling per attempt
BACKOFF_MAX = 8.0


def backoff(attempt: int) -> float:
    """Seconds before retry number `attempt + 1`: 0.5, 1, 2, 4 … capped at BACKOFF_MAX."""
    return min(BACKOFF * 2**attempt, BACKOFF_MAX)


class RetryingRateLimiter(AIORateLimiter):
    """AIORateLimiter (flood limits, 429 retries) plus the delivery policy above.

    Also a bot-wide pause after a 429: AIORateLimiter closes a gate while the throttled request waits,
    but any other request that finishes meanwhile reopens it, so the rest of the bot keeps sending into
    Telegram's flood wait and collects more 429s. Here nobody sends before the retry_after has passed.
    """

    def __init__(self, *args: Any, send_retries: int = SEND_RETRIES,
                 sleep: Callable[[float], Coroutine[Any, Any, None]] = asyncio.sleep,
                 on_event: Callable[[str], None] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.send_retries = send_retries
        self._sleep = sleep
        self.on_event = on_event  # counters: "retried", "in_doubt", "gave_up"
        self._paused_until = 0.0  # event-loop time before which no request is sent (after a 429)

    def _count(self, name: str) -> None:
        if self.on_event is not None:
            self.on_event(name)

    async def _run_request(self, chat, group, allow_paid_broadcast, callback, args, kwargs):  # noqa: ANN001
        """One attempt (PTB's per-attempt hook, called by AIORateLimiter.process_request)."""
        loop = asyncio.get_running_loop()
        while (wait := self._paused_until - loop.time()) > 0:
            await asyncio.sleep(wait)
        try:
            return await super()._run_request(chat, group, allow_paid_broadcast, callback, args, kwargs)
        except RetryAfter as err:
            wait = err._retry_after.total_seconds()  # noqa: SLF001 - the public property warns (PTB 22.2+)
            self._paused_until = max(self._paused_until, loop.time() + wait)
            raise

    async def process_request(self, callback, args, kwargs, endpoint, data, rate_limit_args):  # noqa: ANN001
        attempt = 0
        while True:
            try:
                return await super().process_request(callback, args, kwargs, endpoint, data, rate_limit_args)
            except TelegramError as err:
                kind = classify(err)
                if kind == IN_DOUBT and (endpoint.startswith("get") or endpoint in IDEMPOTENT):
                    kind = NOT_TAKEN  # harmless to repeat
                chat_id = data.get("chat_id")
                if kind == IN_DOUBT:
                    error_id = secrets.token_hex(4)
                    log.warning("%s to chat %s in doubt, not resent (error id %s): %s", endpoint, chat_id,
                                error_id, err, extra={"error_id": error_id, "endpoint": endpoint})
                    self._count("in_doubt")
                    raise DeliveryInDoubt(endpoint, error_id, err) from err
                if kind == NOT_TAKEN and attempt < self.send_retries and not isinstance(err, RetryAfter):
                    # (429s were already retried max_retries times by AIORateLimiter, each after retry_after)
                    delay = backoff(attempt)
                    attempt += 1
                    log.warning("%s to chat %s not taken (%s); retry %d/%d in %.1f s", endpoint, chat_id,
                                err, attempt, self.send_retries, delay)
                    self._count("retried")
                    await self._sleep(delay)
                    continue
                if kind == NOT_TAKEN:
                    self._count("gave_up")
                raise
