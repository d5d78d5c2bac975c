"""Broadcast claimed Delivery rows within Telegram's flood limits.

Limits (Telegram's published ones, configurable): at most 30 messages a second overall, 20 a minute per
group or channel, 1 a second per chat. The limiter hands out send slots: evenly spaced overall (a little
wider than 1/30 s, for network jitter), at least 1 s apart per chat, and no more than 20 per sliding minute
per group, so bursts never trip 429.

Errors:
- RetryAfter: every worker pauses for the time Telegram gave (it is a bot-wide signal), then the same row
  is sent again; it is not counted as a failed attempt.
- Forbidden (blocked, kicked, deactivated): the chat is unsubscribed, ChatState records why, the row is
  marked failed. Permanent BadRequests (chat not found, …) are recorded the same way without unsubscribing.
- Anything else (network errors, 5xx): retried with exponential backoff, then recorded as failed.

At most `concurrency` rows are claimed and unfinished at any time, which bounds what a crash can leave
"in doubt" (see reminders.delivery).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from reminders import delivery
from reminders.delivery import Claimed

log = logging.getLogger(__name__)
SendFn = Callable[[Claimed], Awaitable[int | None]]


@dataclass(frozen=True)
class Limits:
    overall_per_second: float = 30.0
    per_chat_seconds: float = 1.0
    group_per_minute: int = 20
    jitter_margin: float = 0.05  # seconds: the one-second window is checked over 1.05 s (network jitter)


class FloodLimiter:
    """Paces sends. One gate hands out slots one at a time, measured from the previous REAL start, so a busy
    event loop can delay sends but never bunch them; a chat or group that is not ready yet waits outside
    the gate (no head-of-line blocking). Overall spacing is (1 + jitter_margin) / rate and a guard keeps at
    most int(rate) starts in any (1 + jitter_margin) seconds, so network jitter of up to that margin cannot
    push Telegram's count over the limit."""

    def __init__(self, limits: Limits = Limits(), clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        self._gate = asyncio.Lock()
        self._last_start = float("-inf")
        self._next_chat: dict[int, float] = {}
        self._group: dict[int, deque[float]] = defaultdict(deque)
        self._starts: deque[float] = deque()
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """RetryAfter: nobody sends before now + seconds."""
        self.paused_until = max(self.paused_until, self.clock() + max(0.0, seconds))

    def _chat_ready(self, chat_id: int, now: float) -> float:
        t = max(self._next_chat.get(chat_id, 0.0), self.paused_until)
        if chat_id < 0 and self.limits.group_per_minute > 0:
            window = self._group[chat_id]
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= self.limits.group_per_minute:
                t = max(t, window[0] + 60.0)
        return t

    def _overall_ready(self, now: float) -> float:
        window = 1.0 + self.limits.jitter_margin
        cap = max(1, int(self.limits.overall_per_second))
        while self._starts and self._starts[0] <= now - window:
            self._starts.popleft()
        t = self._last_start + window / self.limits.overall_per_second
        if len(self._starts) >= cap:
            t = max(t, self._starts[0] + window)
        return t

    async def acquire(self, chat_id: int) -> None:
        while True:
            now = self.clock()
            ready = self._chat_ready(chat_id, now)
            if ready > now:
                await self.sleep(ready - now)
                continue
            async with self._gate:
                now = self.clock()
                if self._chat_ready(chat_id, now) > now:
                    continue
                t = self._overall_ready(now)
                if t > now:
                    await self.sleep(t - now)
                    now = self.clock()
                    if self._chat_ready(chat_id, now) > now or self._overall_ready(now) > now + 1e-9:
                        continue
                spacing = (1.0 + self.limits.jitter_margin) / self.limits.overall_per_second
                # a wake-up a little late (sleep overshoot) keeps the planned cadence; a very late one
                # (stalled loop) restarts it from now — never a catch-up burst
                self._last_start = t if t <= now < t + spacing else now
                self._starts.append(now)
                self._next_chat[chat_id] = now + self.limits.per_chat_seconds
                if chat_id < 0 and self.limits.group_per_minute > 0:
                    self._group[chat_id].append(now)
                if len(self._next_chat) > 50_000:  # forget chats whose spacing has long passed
                    self._next_chat = {k: v for k, v in self._next_chat.items() if v > now}
                return


@dataclass
class BroadcastStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retry_after: int = 0
    retries: int = 0
    already_sent: int = 0  # mark_sent found the row marked: a duplicate send happened (should stay 0)
    errors: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "errors"} | {"errors": self.errors[:20]}


class Broadcaster:
    """Claims and sends pending Delivery rows until none are left (or `keep_going()` says stop)."""

    def __init__(self, engine: Engine, send: SendFn, owner: str, *, limiter: FloodLimiter | None = None,
                 concurrency: int = 8, max_attempts: int = 5, backoff: float = 1.0, max_backoff: float = 60.0,
                 on_blocked: Callable[[int, str], None] | None = None,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep, kinds: list[str] | None = None,
                 heartbeat: float = 5.0) -> None:
        self.engine = engine
        self.send = send
        self.owner = owner
        self.limiter = limiter or FloodLimiter()
        self.concurrency = max(1, concurrency)
        self.max_attempts = max(1, max_attempts)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.on_blocked = on_blocked
        self.sleep = sleep
        self.kinds = kinds
        self.heartbeat = heartbeat
        self.stats = BroadcastStats()
        self._lost = False  # leadership lost: hand claimed rows back instead of sending them
        self._keep_going: Callable[[], Awaitable[bool]] | None = None
        self._confirmed = time.monotonic()  # last time leadership was confirmed

    async def _beat(self, keep_going: Callable[[], Awaitable[bool]]) -> None:
        """Renew leadership while sends wait (a long RetryAfter must not let the lease lapse); on loss, stop."""
        while not self._lost:
            await asyncio.sleep(self.heartbeat)
            await self._confirm()

    async def _confirm(self) -> bool:
        if self._keep_going is None or self._lost:
            return not self._lost
        try:
            ok = await self._keep_going()
        except Exception:  # noqa: BLE001 - cannot confirm leadership: behave as if lost
            log.exception("leadership check failed")
            ok = False
        if ok:
            self._confirmed = time.monotonic()
        else:
            log.warning("leadership lost during a broadcast; claimed rows are handed back")
            self._lost = True
        return ok

    async def run(self, keep_going: Callable[[], Awaitable[bool]] | None = None) -> BroadcastStats:
        running: set[asyncio.Task] = set()
        self._keep_going = keep_going
        beat = asyncio.create_task(self._beat(keep_going)) if keep_going is not None else None
        try:
            while True:
                free = self.concurrency - len(running)
                if free <= 0:
                    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    running = {t for t in running if not t.done()}
                    continue
                if time.monotonic() - self._confirmed > self.heartbeat:
                    await self._confirm()
                if self._lost:
                    log.info("broadcast stops: leadership lost or stop requested")
                    break
                rows = await asyncio.to_thread(delivery.claim, self.engine, self.owner, free, kinds=self.kinds)
                if not rows:
                    if not running:
                        break
                    await asyncio.wait(running, return_when=asyncio.FIRST_COMPLETED)
                    running = {t for t in running if not t.done()}
                    continue
                for row in rows:
                    running.add(asyncio.create_task(self._deliver(row), name=f"deliver-{row.id}"))
            if running:
                await asyncio.gather(*running)
        except asyncio.CancelledError:
            for task in running:
                task.cancel()
            raise
        finally:
            if beat is not None:
                beat.cancel()
        return self.stats

    async def _deliver(self, row: Claimed) -> None:
        """Never raises: an unexpected error (say the store went away) leaves the row claimed — in doubt if
        the message went out — for delivery.recover() or the stale-claim rule, and is logged."""
        try:
            await self._deliver_once(row)
        except asyncio.CancelledError:
            raise
        except Exception as err:  # noqa: BLE001 - one bad row must not stop the broadcast
            log.exception("delivery %s to chat %s: unexpected error", row.id, row.chat_id)
            if len(self.stats.errors) < 100:
                self.stats.errors.append(f"{row.chat_id}: unexpected {type(err).__name__}: {err}")

    async def _deliver_once(self, row: Claimed) -> None:
        attempt = 0
        pauses = 0
        while True:
            await self.limiter.acquire(row.chat_id)
            if time.monotonic() - self._confirmed > 2 * self.heartbeat:  # we were asleep (paused, stalled)
                await self._confirm()
            if self._lost:  # another instance may own this row now: do not send, give it back
                await asyncio.to_thread(delivery.release, self.engine, row.id, self.owner, "leadership lost")
                return
            try:
                message_id = await self.send(row)
            except RetryAfter as err:
                seconds = _retry_seconds(err)
                self.stats.retry_after += 1
                pauses += 1
                log.warning("RetryAfter %ss while sending delivery %s", seconds, row.id)
                self.limiter.pause(float(seconds))
                if pauses > 20:
                    await self._fail(row, f"RetryAfter repeated {pauses} times")
                    return
                continue
            except Forbidden as err:
                self.stats.blocked += 1
                await self._fail(row, f"Forbidden: {err.message}", blocked=True)
                return
            except ChatMigrated as err:
                await self._fail(row, f"chat migrated to {err.new_chat_id}")
                return
            except BadRequest as err:
                await self._fail(row, f"BadRequest: {err.message}")
                return
            except (TelegramError, OSError) as err:
                attempt += 1
                if attempt >= self.max_attempts:
                    await self._fail(row, f"{type(err).__name__}: {err} (after {attempt} attempts)")
                    return
                self.stats.retries += 1
                delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
                log.info("send of delivery %s failed (%s); retry %s in %.1fs", row.id, err, attempt, delay)
                await self.sleep(delay)
                continue
            ok = await asyncio.to_thread(delivery.mark_sent, self.engine, row.id, message_id)
            if ok:
                self.stats.sent += 1
            else:
                self.stats.already_sent += 1
                log.error("delivery %s was already marked sent: duplicate message to chat %s", row.id, row.chat_id)
            return

    async def _fail(self, row: Claimed, error: str, blocked: bool = False) -> None:
        self.stats.failed += 1
        if len(self.stats.errors) < 100:
            self.stats.errors.append(f"{row.chat_id}: {error}")
        log.warning("delivery %s to chat %s failed: %s", row.id, row.chat_id, error)
        await asyncio.to_thread(delivery.mark_failed, self.engine, row.id, error)
        if blocked:
            from reminders.subscriptions import mark_blocked

            await asyncio.to_thread(mark_blocked, self.engine, row.chat_id, error)
            if self.on_blocked is not None:
                self.on_blocked(row.chat_id, error)
        else:
            from reminders.subscriptions import record_error

            await asyncio.to_thread(record_error, self.engine, row.chat_id, error)


def _retry_seconds(err: RetryAfter) -> float:
    """The wait Telegram asked for (PTB keeps it as a timedelta in `_retry_after`; the public attribute warns)."""
    value = getattr(err, "_retry_after", None)
    if value is None:
        value = err.retry_after
    return value.total_seconds() if hasattr(value, "total_seconds") else float(value)


def telegram_sender(bot, render_photo: Callable[[Claimed], bytes | None] | None = None) -> SendFn:
    """A SendFn over a python-telegram-bot Bot: HTML text; a photo with caption when `render_photo` gives one.

    Use a Bot WITHOUT PTB's AIORateLimiter: that limiter retries RetryAfter itself, and any other request
    finishing meanwhile reopens its gate, so the other workers keep sending during the pause Telegram asked
    for. Here the FloodLimiter is the broadcast's only flood control and sees every RetryAfter.
    """
    from telegram.constants import ParseMode

    ready = asyncio.Event()
    starting = asyncio.Lock()

    async def send(row: Claimed) -> int | None:
        if not ready.is_set():
            async with starting:
                await bot.initialize()  # idempotent; getMe once
                ready.set()
        if render_photo is not None:
            photo = await asyncio.to_thread(render_photo, row)
            if photo is not None and len(row.text) <= 1024:
                msg = await bot.send_photo(row.chat_id, photo=photo, caption=row.text, parse_mode=ParseMode.HTML)
                return msg.message_id
        msg = await bot.send_message(row.chat_id, row.text, parse_mode=ParseMode.HTML,
                                     disable_web_page_preview=True)
        return msg.message_id

    return send
