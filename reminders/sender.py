"""Broadcast claimed Delivery rows within Telegram's flood limits.

Limits (Telegram's published ones, configurable): at most 30 messages a second overall, 20 a minute per
group or channel, 1 a second per chat. The limiter hands out send slots, evenly spaced overall, and counts
each send from its start to Telegram's answer, so no one-second window of Telegram's clock can see more
than 30 whatever the latency or a stalled event loop does (FloodLimiter, _Window); bursts never trip 429.

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
import bisect
import dataclasses
import logging
import math
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from reminders import delivery
from reminders.delivery import Claimed
from reminders.delivery_policy import IN_DOUBT, classify

log = logging.getLogger(__name__)
EPS = 1e-9  # seconds: float noise when a fake clock adds a sleep to now
SendFn = Callable[[Claimed], Awaitable[int | None]]


@dataclass(frozen=True)
class Limits:
    overall_per_second: float = 30.0
    per_chat_seconds: float = 1.0
    group_per_minute: int = 20
    jitter_margin: float = 0.01  # seconds added to each window (float rounding, clock rate differences)


class _Window:
    """At most `cap` sends inside any `seconds` — counted on the sending side so the receiver's count holds.

    A send holds one of `cap` permits from its start until `seconds` after its END (the answer back). The
    receiver stamps a message somewhere between our start and our end, so for any cap + 1 sends, the one
    started last began at least `seconds` after an earlier one ended: their receive stamps are at least
    `seconds` apart, whatever the network, the event loop or the receiver's own stalls did in between.
    A send with no known end (plain ``acquire``) ends when it starts."""

    __slots__ = ("cap", "seconds", "in_flight", "released")

    def __init__(self, cap: int, seconds: float) -> None:
        self.cap = max(1, cap)
        self.seconds = seconds
        self.in_flight = 0
        self.released: deque[float] = deque()  # when finished sends give their permit back, ascending

    def ready(self, now: float) -> float:
        """The earliest time a new send may start: `now`, a time to sleep until, or inf (wait for an end)."""
        while self.released and self.released[0] <= now + EPS:
            self.released.popleft()
        if self.in_flight + len(self.released) < self.cap:
            return now
        return self.released[0] if self.released else math.inf

    def start(self) -> None:
        self.in_flight += 1

    def finish(self, end: float) -> None:
        self.in_flight -= 1
        until = end + self.seconds
        if self.released and until < self.released[-1]:
            bisect.insort(self.released, until)
        else:
            self.released.append(until)

    def idle(self, now: float) -> bool:
        return self.in_flight == 0 and (not self.released or self.released[-1] <= now)


class FloodLimiter:
    """Paces sends so that no window of the receiver's (Telegram's) clock sees more than the limits.

    ``async with limiter.slot(chat_id):`` wraps one request: it waits for a slot, and the slot's permits are
    held until the request has been answered (see _Window for why that makes the guarantee independent of
    latency and stalls). Limits, each a _Window over [start, end + window]:
      - overall: int(rate) sends per 1 + jitter_margin seconds, and starts evenly spaced
        (1 + jitter_margin) / rate apart so a broadcast is a steady stream, never a burst;
      - per chat: 1 send per per_chat_seconds (+ margin);
      - per group (negative chat id): group_per_minute sends per 60 s (+ margin).
    Throughput is rate / (1 + margin + latency) — about 29/s at 10 ms per request. One gate hands out
    slots one at a time; a chat or group that is not ready waits outside the gate (no head-of-line blocking).
    A RetryAfter pauses everybody (`pause`)."""

    def __init__(self, limits: Limits = Limits(), clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.limits = limits
        self.clock = clock
        self.sleep = sleep
        margin = max(0.0, limits.jitter_margin)
        self.spacing = (1.0 + margin) / limits.overall_per_second
        self._gate = asyncio.Lock()
        self._last_start = -math.inf
        self._overall = _Window(int(limits.overall_per_second), 1.0 + margin)
        self._chats: dict[int, _Window] = {}
        self._groups: dict[int, _Window] = {}
        self._ended: asyncio.Event | None = None  # set when a send ends (waiters on an all-in-flight window)
        self.paused_until = 0.0

    def pause(self, seconds: float) -> None:
        """RetryAfter: nobody sends before now + seconds."""
        self.paused_until = max(self.paused_until, self.clock() + max(0.0, seconds))

    # ------------------------------------------------------------------ the windows of one chat
    def _windows(self, chat_id: int) -> list[_Window]:
        out = []
        if self.limits.per_chat_seconds > 0:
            w = self._chats.get(chat_id)
            if w is None:
                w = self._chats[chat_id] = _Window(1, self.limits.per_chat_seconds + self.limits.jitter_margin)
            out.append(w)
        if chat_id < 0 and self.limits.group_per_minute > 0:
            w = self._groups.get(chat_id)
            if w is None:
                w = self._groups[chat_id] = _Window(self.limits.group_per_minute, 60.0 + self.limits.jitter_margin)
            out.append(w)
        return out

    def _chat_ready(self, chat_id: int, now: float) -> float:
        return max([self.paused_until, *(w.ready(now) for w in self._windows(chat_id))])

    def _overall_ready(self, now: float) -> float:
        return max(self._last_start + self.spacing, self._overall.ready(now))

    async def _wait(self, until: float, now: float) -> None:
        if until == math.inf:  # every permit is held by a send in flight: wait for one to end
            if self._ended is None:
                self._ended = asyncio.Event()
            await self._ended.wait()
        else:
            await self.sleep(until - now)

    # ------------------------------------------------------------------ slots
    async def _start(self, chat_id: int) -> list[_Window]:
        while True:
            now = self.clock()
            ready = self._chat_ready(chat_id, now)
            if ready > now + EPS:
                await self._wait(ready, now)
                continue
            async with self._gate:
                now = self.clock()
                if self._chat_ready(chat_id, now) > now + EPS:
                    continue
                t = self._overall_ready(now)
                if t > now + EPS:
                    await self._wait(t, now)
                    now = self.clock()
                    if self._chat_ready(chat_id, now) > now + EPS or self._overall_ready(now) > now + EPS:
                        continue
                # a wake-up a little late (sleep overshoot) keeps the planned cadence; a very late one
                # (stalled loop) restarts it from now — never a catch-up burst
                self._last_start = t if t <= now < t + self.spacing else now
                windows = [self._overall, *self._windows(chat_id)]
                for w in windows:
                    w.start()
                return windows

    def _finish(self, windows: list[_Window]) -> None:
        end = self.clock()
        for w in windows:
            w.finish(end)
        if self._ended is not None:
            self._ended.set()
            self._ended = None
        if len(self._chats) > 50_000:  # forget chats whose window has long passed
            self._chats = {k: w for k, w in self._chats.items() if not w.idle(end)}

    @asynccontextmanager
    async def slot(self, chat_id: int) -> AsyncIterator[None]:
        """Wait for a slot to send to `chat_id`; hold it until the block (the request) is over."""
        windows = await self._start(chat_id)
        try:
            yield
        finally:
            self._finish(windows)

    async def acquire(self, chat_id: int) -> None:
        """A slot for a send that takes no time (start = end); use `slot` when the request's end is known."""
        self._finish(await self._start(chat_id))


@dataclass
class BroadcastStats:
    sent: int = 0
    failed: int = 0
    blocked: int = 0
    retry_after: int = 0
    retries: int = 0
    in_doubt: int = 0  # Telegram may have taken the message (read timeout): not resent, marked skipped
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
                 heartbeat: float = 5.0, prepare: Callable[[Claimed], str | None] | None = None) -> None:
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
        self.prepare = prepare  # the text for the day of sending (None: skip the row); default: as planned
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
        if self.prepare is not None:
            text = await asyncio.to_thread(self.prepare, row)
            if text is None:
                await asyncio.to_thread(delivery.mark_failed, self.engine, row.id,
                                        "nothing to send on the day of sending", "skipped")
                return
            row = dataclasses.replace(row, text=text)
        attempt = 0
        pauses = 0
        while True:
            error: TelegramError | OSError | None = None
            handed_back = False
            # the slot is held until Telegram has answered: the flood limits count from that answer
            async with self.limiter.slot(row.chat_id):
                if time.monotonic() - self._confirmed > 2 * self.heartbeat:  # we were asleep (paused, stalled)
                    await self._confirm()
                if self._lost:  # another instance may own this row now: do not send, give it back
                    handed_back = True
                else:
                    try:
                        message_id = await self.send(row)
                    except (TelegramError, OSError) as err:
                        error = err
            if handed_back:
                await asyncio.to_thread(delivery.release, self.engine, row.id, self.owner, "leadership lost")
                return
            if error is None:
                ok = await asyncio.to_thread(delivery.mark_sent, self.engine, row.id, message_id)
                if ok:
                    self.stats.sent += 1
                else:
                    self.stats.already_sent += 1
                    log.error("delivery %s was already marked sent: duplicate message to chat %s", row.id,
                              row.chat_id)
                return
            if isinstance(error, RetryAfter):
                seconds = _retry_seconds(error)
                self.stats.retry_after += 1
                pauses += 1
                log.warning("RetryAfter %ss while sending delivery %s", seconds, row.id)
                self.limiter.pause(float(seconds))
                if pauses > 20:
                    await self._fail(row, f"RetryAfter repeated {pauses} times")
                    return
                continue
            if isinstance(error, Forbidden):
                self.stats.blocked += 1
                await self._fail(row, f"Forbidden: {error.message}", blocked=True)
                return
            if isinstance(error, ChatMigrated):
                await self._fail(row, f"chat migrated to {error.new_chat_id}")
                return
            if isinstance(error, BadRequest):
                await self._fail(row, f"BadRequest: {error.message}")
                return
            if classify(error) == IN_DOUBT:  # the request reached Telegram: resending could duplicate it
                await self._in_doubt(row, error)
                return
            attempt += 1  # not taken (connect errors, 5xx): retry with backoff
            if attempt >= self.max_attempts:
                await self._fail(row, f"{type(error).__name__}: {error} (after {attempt} attempts)")
                return
            self.stats.retries += 1
            delay = min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
            log.info("send of delivery %s failed (%s); retry %s in %.1fs", row.id, error, attempt, delay)
            await self.sleep(delay)

    async def _in_doubt(self, row: Claimed, error: BaseException) -> None:
        self.stats.in_doubt += 1
        log.warning("delivery %s to chat %s in doubt, not resent: %s", row.id, row.chat_id, error)
        await asyncio.to_thread(delivery.mark_failed, self.engine, row.id,
                                f"in doubt: {type(error).__name__}: {error}; not resent (may have been delivered)",
                                "skipped")

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


def _caption(text: str, limit: int = 1024) -> str:
    """`text` cut at a line end to fit a caption (whole lines, so no HTML tag is cut in two)."""
    if len(text) <= limit:
        return text
    return text[: text.rfind("\n", 0, limit - 2)] + "\n…"


def telegram_sender(bot, render_photo: Callable[[Claimed], bytes | None] | None = None,
                    render_document: Callable[[Claimed], tuple[bytes, str] | None] | None = None) -> SendFn:
    """A SendFn over a python-telegram-bot Bot: HTML text; a photo with caption when `render_photo` gives one;
    a document (XLSX) with the text as its caption when `render_document` gives one — one message either way,
    so a row is still sent exactly once.

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
        if render_document is not None:
            doc = await asyncio.to_thread(render_document, row)
            if doc is not None:
                msg = await bot.send_document(row.chat_id, document=doc[0], filename=doc[1],
                                              caption=_caption(row.text), parse_mode=ParseMode.HTML)
                return msg.message_id
        if render_photo is not None:
            photo = await asyncio.to_thread(render_photo, row)
            if photo is not None and len(row.text) <= 1024:
                msg = await bot.send_photo(row.chat_id, photo=photo, caption=row.text, parse_mode=ParseMode.HTML)
                return msg.message_id
        msg = await bot.send_message(row.chat_id, row.text, parse_mode=ParseMode.HTML,
                                     disable_web_page_preview=True)
        return msg.message_id

    return send
