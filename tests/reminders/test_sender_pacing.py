"""The broadcast's flood limiter, on a simulated clock: Telegram must never see more than 30 messages in ANY
one-second window, per chat 1 a second and per group 20 a minute, while the broadcast still runs ≥ 27/s.

What Telegram stamps is unknown to us: a message is stamped somewhere between our send's start and its
answer. So each send is an interval [start, end], and the check is the worst case over every way of
stamping: the most intervals that one half-open window [w, w + 1) can touch (`worst_window`). The runs use
a virtual-time event loop (tests/virtual_time.py: time jumps to the next timer; no real sleeping), random
latencies, stalls longer than a second, a RetryAfter in the middle and several concurrent senders.
"""

from __future__ import annotations

import asyncio
import bisect
import random
from collections import defaultdict
from collections.abc import Callable

import pytest
from telegram.error import RetryAfter

from reminders import delivery
from reminders.delivery import Claimed, Planned
from reminders.sender import Broadcaster, FloodLimiter, Limits
from tests.virtual_time import VirtualLoop

# every async test here runs on the virtual-time loop (tests/reminders/conftest.py picks it for this marker)
pytestmark = pytest.mark.virtual_time

RETRY_AT = 700  # the send that Telegram answers with 429
RETRY_SECONDS = 3.0


# ----------------------------------------------------------------- the worst case over Telegram's stamps
def worst_window(intervals: list[tuple[float, float]], width: float = 1.0) -> int:
    """Most sends that Telegram could count in one window [w, w + width), each stamped anywhere in its
    [start, end]. The best w is some interval's end (slide w right until the first counted end), and the
    intervals touching [end_j, end_j + width) are those starting before end_j + width minus those ending
    before end_j (which all start before it)."""
    starts = sorted(s for s, _e in intervals)
    ends = sorted(e for _s, e in intervals)
    return max(
        (bisect.bisect_left(starts, e + width) - bisect.bisect_left(ends, e) for e in ends), default=0
    )


def test_worst_window_counts_what_a_receiver_could_see():
    # three instant sends 0.5 s apart fit one window; a fourth 1 s after the first does not
    assert worst_window([(0, 0), (0.5, 0.5), (0.99, 0.99), (1.0, 1.0)]) == 3
    # a slow send [0, 2] can be stamped beside any of the others
    assert worst_window([(0, 2), (1.5, 1.5), (2.4, 2.4), (3.1, 3.1)]) == 3
    assert worst_window([(0, 0.2), (1.1, 1.1)]) == 2  # stamped at 0.2 and 1.1
    assert worst_window([(0, 0.05), (1.1, 1.1)]) == 1
    assert worst_window([(0, 0.05), (1.1, 1.1)], width=1.2) == 2


# ----------------------------------------------------------------- simulated senders on the limiter alone
class Telegram:
    """Records each request's [start, end]; one request (RETRY_AT) is answered 429 retry_after=3 s."""

    def __init__(self, loop: VirtualLoop, latency: Callable[[random.Random], float], seed: int) -> None:
        self.loop = loop
        self.latency = latency
        self.rng = random.Random(seed)
        self.requests: list[tuple[float, float, int]] = []  # (start, end, chat)
        self.retry_answered_at: float | None = None

    async def send(self, chat: int) -> None:
        start = self.loop.time()
        await asyncio.sleep(self.latency(self.rng))  # network latency, virtual seconds
        end = self.loop.time()
        self.requests.append((start, end, chat))
        if len(self.requests) == RETRY_AT:
            self.retry_answered_at = end
            raise RetryAfter(int(RETRY_SECONDS))


def quick_network(rng: random.Random) -> float:
    return rng.uniform(0.002, 0.015)


def stalling_network(rng: random.Random) -> float:
    """Mostly quick, sometimes a stall (GC, a busy loop, a slow Telegram) of up to two seconds."""
    r = rng.random()
    if r < 0.03:
        return rng.uniform(0.3, 2.0)
    if r < 0.2:
        return rng.uniform(0.05, 0.2)
    return rng.uniform(0.002, 0.015)


def chats_for(n: int, seed: int, repeats: bool = True) -> list[int]:
    """Distinct chats, 1% of them groups (negative ids), like a broadcast; with `repeats`, one in ten sends
    goes to one of two private chats or three groups instead, so the per-chat and per-group limits bind."""
    rng = random.Random(seed)
    chats = [-(10**12 + i) if i % 100 == 0 else i for i in range(1, n + 1)]
    if repeats:
        for i in rng.sample(range(n), n // 10):
            chats[i] = rng.choice([-1001, -1002, -1003, 7, 8])
    return chats


def virtual_loop() -> VirtualLoop:
    """The running loop, checked to be the virtual one (so the figures below are virtual seconds)."""
    loop = asyncio.get_running_loop()
    assert isinstance(loop, VirtualLoop), "this test must run on the virtual-time loop"
    return loop


async def simulate(concurrency: int, latency, n: int = 2000, seed: int = 1, repeats: bool = True
                   ) -> tuple[Telegram, FloodLimiter]:
    loop = virtual_loop()
    limiter = FloodLimiter(Limits(30, 1.0, 20), clock=loop.time)
    telegram = Telegram(loop, latency, seed)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for chat in chats_for(n, seed, repeats):
        queue.put_nowait(chat)

    async def worker() -> None:
        while not queue.empty():
            chat = queue.get_nowait()
            while True:
                try:
                    async with limiter.slot(chat):
                        await telegram.send(chat)
                except RetryAfter:
                    limiter.pause(RETRY_SECONDS)
                    continue
                break

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return telegram, limiter


def check_limits(requests: list[tuple[float, float, int]]) -> None:
    assert worst_window([(s, e) for s, e, _c in requests]) <= 30
    by_chat: dict[int, list[tuple[float, float]]] = defaultdict(list)
    for s, e, c in requests:
        by_chat[c].append((s, e))
    for chat, spans in by_chat.items():
        assert worst_window(spans) <= 1, f"chat {chat}: two messages within a second"
        if chat < 0:
            assert worst_window(spans, width=60.0) <= 20, f"group {chat}: more than 20 a minute"


@pytest.mark.asyncio
@pytest.mark.parametrize("concurrency", [1, 8, 32])
async def test_quick_network_never_over_30_in_any_second_and_at_least_27_per_second(concurrency):
    telegram, _limiter = await simulate(concurrency, quick_network, repeats=False)
    reqs = telegram.requests
    assert len(reqs) == 2000 + 1  # every chat once, the 429'd request once more
    check_limits(reqs)
    # nobody starts a request while Telegram's RetryAfter is running (it is a bot-wide pause)
    assert telegram.retry_answered_at is not None
    paused = [s for s, _e, _c in reqs if telegram.retry_answered_at < s < telegram.retry_answered_at + RETRY_SECONDS]
    assert paused == []
    # and the pace is kept: ≥ 27 messages a second, not counting the pause Telegram asked for
    starts = sorted(s for s, _e, _c in reqs)
    busy = starts[-1] - starts[0] - RETRY_SECONDS
    assert (len(starts) - 1) / busy >= 27.0


@pytest.mark.asyncio
@pytest.mark.parametrize("concurrency", [4, 8, 64])
async def test_stalls_longer_than_a_second_cannot_bunch_messages_at_telegram(concurrency):
    """A start-only limiter fails here: sends that started a second apart can arrive together."""
    telegram, _limiter = await simulate(concurrency, stalling_network, seed=concurrency)
    assert len(telegram.requests) == 2001
    check_limits(telegram.requests)


@pytest.mark.asyncio
async def test_all_permits_in_flight_wait_for_an_answer_not_for_a_timer():
    """With 31 senders and 30 permits, all held by slow requests, the 31st starts only after an answer."""
    loop = virtual_loop()
    limiter = FloodLimiter(Limits(30, 0, 0, jitter_margin=0.0), clock=loop.time)
    starts: list[float] = []

    async def one(chat: int) -> None:
        async with limiter.slot(chat):
            starts.append(loop.time())
            await asyncio.sleep(5.0)  # a slow request (virtual seconds): sets the pace, synchronises nothing

    await asyncio.gather(*(one(c) for c in range(1, 32)))
    assert starts[29] - starts[0] < 1.0  # the first 30 are spaced 1/30 s apart
    assert starts[30] - starts[0] >= 5.0 + 1.0  # the 31st: one answer (after 5 s) + the one-second window


# ----------------------------------------------------------------- the real Broadcaster, REMINDER_CONCURRENCY=8
@pytest.mark.asyncio
@pytest.mark.pg
async def test_broadcaster_holds_the_slot_until_telegram_answers(engine, monkeypatch):
    """2,000 Delivery rows through Broadcaster at concurrency 8 with a 429 in the middle: every chat gets
    exactly one message, and the worst window Telegram could count stays at 30."""
    n = 2000
    chats = chats_for(n, seed=3)
    delivery.plan(engine, [Planned(c, "reminder", f"p{i}", f"text {i}") for i, c in enumerate(chats)])

    async def inline(fn, /, *args, **kwargs):  # the store runs inline: virtual time has no threads
        return fn(*args, **kwargs)

    monkeypatch.setattr(asyncio, "to_thread", inline)

    loop = virtual_loop()
    telegram = Telegram(loop, stalling_network, seed=5)

    async def send(row: Claimed) -> int:
        await telegram.send(row.chat_id)
        return len(telegram.requests)

    limiter = FloodLimiter(Limits(30, 1.0, 20), clock=loop.time)
    stats = await Broadcaster(engine, send, "pacing", limiter=limiter, concurrency=8).run()
    assert stats.sent == n and stats.retry_after == 1 and stats.failed == 0 and stats.already_sent == 0
    assert len(telegram.requests) == n + 1
    check_limits(telegram.requests)


@pytest.mark.asyncio
async def test_plain_acquire_counts_a_send_as_instant():
    """`acquire` (no known end) keeps the old contract: any 31 consecutive starts span ≥ 1 s."""
    loop = virtual_loop()
    limiter = FloodLimiter(Limits(30, 1.0, 20), clock=loop.time)
    times = []
    for chat in range(1, 101):
        await limiter.acquire(chat)
        times.append(loop.time())
    assert all(times[i + 30] - times[i] >= 1.0 for i in range(len(times) - 30))
    assert times[-1] - times[0] <= 100 * (1 + Limits().jitter_margin) / 30 + 1e-6
