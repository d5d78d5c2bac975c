"""Faults on the Telegram side: a throttled, failing, slow or unreachable Bot API loses no answer that
Telegram certainly did not take, and never sends one twice.

The real Application (RetryingRateLimiter over AIORateLimiter, HTTPXRequest) talks HTTP to the stand-in,
which answers 429/500, answers late, resets the connection, or (behind a TCP proxy) is unreachable.
Policy under test (handlers/delivery.py): retry when not taken, never resend when in doubt.
"""

from __future__ import annotations

import asyncio
import html
import threading

import httpx
import pytest
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut

from handlers.delivery import IN_DOUBT, NOT_TAKEN, REFUSED, DeliveryInDoubt, RetryingRateLimiter, classify
from query.engine import Answerer
from service.ingest import ingest_paths
from tests.bot.conftest import USER, run_bot
from tests.conftest import require_shared
from tests.pgproxy import TcpProxy
from tests.waiting import until

pytestmark = pytest.mark.pg

XIXIA = "银川市西夏区审批服务管理局"
XINGQING_Q = "兴庆区 2018 行政复议数量"


@pytest.fixture
def store(engine):
    ingest_paths(engine, [require_shared()], progress=False)
    return engine


def _answers(api, chat_id: int) -> list:
    return [c for c in api.calls("sendMessage", chat_id=chat_id, ok=True) if XIXIA in html.unescape(c.text or "")]


def _attempts(api, chat_id: int) -> list:
    """Every sendMessage the stand-in saw for the 西夏区 question, failed ones included."""
    return [c for c in api.calls("sendMessage", chat_id=chat_id) if c.ok is False or XIXIA in html.unescape(c.text)]


def _counters(app) -> dict:
    return app.bot_data["service"].counters


async def _barrier(api, chat_id: int) -> None:
    """Ask a second question in the same chat and wait for its answer: the chat lock means the first
    question's handling (including any resend) is over by then."""
    mark = api.mark()
    api.push_message(chat_id, XINGQING_Q)
    await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == chat_id and c.ok
                        and "兴庆区" in html.unescape(c.text), timeout=15, since=mark)


# ------------------------------------------------------------------ classification (unit)
def _chained(err: Exception, cause: BaseException | None) -> Exception:
    err.__cause__ = cause
    return err


@pytest.mark.parametrize(
    ("err", "kind"),
    [
        (RetryAfter(3), NOT_TAKEN),
        (NetworkError("Internal Server Error"), NOT_TAKEN),  # a 5xx status: Telegram answered
        (_chained(NetworkError("httpx.ConnectError: refused"), httpx.ConnectError("refused")), NOT_TAKEN),
        (_chained(TimedOut(), httpx.ConnectTimeout("slow connect")), NOT_TAKEN),
        (_chained(TimedOut("Pool timeout"), httpx.PoolTimeout("pool")), NOT_TAKEN),
        (_chained(TimedOut(), httpx.ReadTimeout("no answer")), IN_DOUBT),
        (_chained(NetworkError("httpx.RemoteProtocolError"), httpx.RemoteProtocolError("disconnected")), IN_DOUBT),
        (_chained(NetworkError("httpx.ReadError"), httpx.ReadError("reset")), IN_DOUBT),
        (BadRequest("chat not found"), REFUSED),
        (Forbidden("bot was blocked by the user"), REFUSED),
    ],
)
def test_failures_are_sorted_by_what_they_prove(err, kind):
    assert classify(err) == kind


# ------------------------------------------------------------------ statuses
@pytest.mark.asyncio
async def test_429_retry_after_delivers_once(api, store):
    async def scenario(app):
        api.inject(status=429, method="sendMessage", count=1, retry_after=1)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: len(_answers(api, USER)) >= 1, 15)
        await _barrier(api, USER)

    await run_bot(api, store, scenario, Answerer(store))
    assert len(_answers(api, USER)) == 1
    assert len(api.calls("sendMessage", chat_id=USER, ok=False)) == 1


@pytest.mark.asyncio
@pytest.mark.parametrize("status", [500, 502])
async def test_a_5xx_is_retried_and_the_answer_delivered_once(api, store, status):
    seen: dict = {}

    async def scenario(app):
        api.inject(status=status, method="sendMessage", count=1)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: len(_answers(api, USER)) >= 1, 15)
        await _barrier(api, USER)
        api.push_message(USER + 1, "西夏区 2020 依申请数")  # later answers are unaffected
        await api.await_until(lambda: len(_answers(api, USER + 1)) >= 1, 15)
        seen.update(_counters(app))

    await run_bot(api, store, scenario, Answerer(store))
    assert [c.status for c in _attempts(api, USER)] == [status, 200]
    assert len(_answers(api, USER)) == 1
    assert len(_answers(api, USER + 1)) == 1
    assert seen.get("send.retried") == 1
    assert not seen.get("errors")


@pytest.mark.asyncio
async def test_a_burst_of_429s_across_many_chats_answers_every_chat_once(api, store):
    chats = [USER + 100 + i for i in range(12)]

    async def scenario(app):
        api.inject(status=429, method="sendMessage", count=len(chats) * 2, retry_after=1)
        for chat in chats:
            api.push_message(chat, "西夏区 2020 依申请数")
        await api.await_until(lambda: all(_answers(api, c) for c in chats), 40)
        for chat in chats:
            await _barrier(api, chat)

    await run_bot(api, store, scenario, Answerer(store))
    assert len(api.calls("sendMessage", ok=False)) == len(chats) * 2  # the burst really happened
    assert {c: len(_answers(api, c)) for c in chats} == {c: 1 for c in chats}


# ------------------------------------------------------------------ slow answers and lost answers
@pytest.mark.asyncio
async def test_slow_but_within_the_read_timeout_delivers_once(api, store):
    seen: dict = {}

    async def scenario(app):
        api.slow(1.5, method="sendMessage", chat_id=USER)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: len(_answers(api, USER)) >= 1, 15)
        await _barrier(api, USER)
        seen.update(_counters(app))

    await run_bot(api, store, scenario, Answerer(store), build={"read_timeout": 4.0})
    assert len(_attempts(api, USER)) == 1
    assert not seen.get("send.in_doubt") and not seen.get("send.retried")


@pytest.mark.asyncio
async def test_slow_beyond_the_read_timeout_is_not_resent(api, store):
    """Telegram (the stand-in) delivers after the bot stopped waiting: in doubt, so no resend, no apology."""
    seen: dict = {}

    async def scenario(app):
        api.slow(3.0, method="sendMessage", chat_id=USER)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: _counters(app).get("delivery_in_doubt", 0) >= 1, 15)
        await api.await_until(lambda: len(_answers(api, USER)) >= 1, 15)  # the late delivery
        await _barrier(api, USER)
        seen.update(_counters(app))

    await run_bot(api, store, scenario, Answerer(store), build={"read_timeout": 1.0})
    assert len(_attempts(api, USER)) == 1
    assert seen.get("send.in_doubt") == 1 and not seen.get("send.retried")
    assert not [c for c in api.calls("sendMessage", chat_id=USER) if "出错" in c.text]


@pytest.mark.asyncio
@pytest.mark.parametrize("deliver", [True, False], ids=["delivered", "lost"])
async def test_a_connection_reset_after_the_request_is_not_resent(api, store, deliver):
    """The request was written, the connection died before the answer: in doubt either way. When the
    stand-in had delivered, the user has exactly one answer; when it had not, the answer is lost (the
    price of never sending twice) — and the bot says nothing more about it."""
    seen: dict = {}

    async def scenario(app):
        api.drop(method="sendMessage", chat_id=USER, deliver=deliver)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: _counters(app).get("delivery_in_doubt", 0) >= 1, 15)
        await _barrier(api, USER)
        seen.update(_counters(app))

    await run_bot(api, store, scenario, Answerer(store))
    attempts = _attempts(api, USER)
    assert len(attempts) == 1
    assert attempts[0].ok is deliver
    assert seen.get("send.in_doubt") == 1 and not seen.get("send.retried")


# ------------------------------------------------------------------ unreachable
class _HeldAnswerer:
    """The real Answerer, but the first ask waits until the test lets it go (to cut the network while
    the bot is between reading a question and sending the answer)."""

    def __init__(self, inner: Answerer) -> None:
        self.inner = inner
        self.entered = threading.Event()
        self.release = threading.Event()

    def ask(self, *args, **kwargs):
        self.entered.set()
        self.release.wait(10)
        return self.inner.ask(*args, **kwargs)

    def __getattr__(self, name: str):
        return getattr(self.inner, name)


@pytest.mark.asyncio
async def test_bot_api_unreachable_for_a_while_then_the_answer_is_delivered_once(api, store):
    """Connections refused (nothing sent) are retried with backoff until the Bot API is back."""
    proxy = TcpProxy(api.port).start()
    answerer = _HeldAnswerer(Answerer(store))
    seen: dict = {}

    async def scenario(app):
        api.push_message(USER, "西夏区 2020 依申请数")
        await asyncio.to_thread(answerer.entered.wait, 10)
        proxy.refuse()  # open connections reset, new ones refused
        answerer.release.set()
        await api.await_until(lambda: _counters(app).get("send.retried", 0) >= 2, 15)  # refused twice
        proxy.accept()
        await api.await_until(lambda: len(_answers(api, USER)) >= 1, 20)
        await _barrier(api, USER)
        seen.update(_counters(app))

    try:
        await run_bot(api, store, scenario, answerer,
                      telegram_base_url=f"http://127.0.0.1:{proxy.port}/bot",
                      telegram_base_file_url=f"http://127.0.0.1:{proxy.port}/file/bot")
    finally:
        proxy.stop()
    assert len(_answers(api, USER)) == 1
    assert seen.get("send.retried", 0) >= 2 and seen.get("send.in_doubt", 0) == 0


@pytest.mark.asyncio
@pytest.mark.parametrize(("endpoint", "calls", "outcome"),
                         [("sendMessage", 1, DeliveryInDoubt), ("getFile", 2, None), ("sendChatAction", 2, None)])
async def test_a_read_timeout_is_retried_only_where_repeating_is_harmless(endpoint, calls, outcome):
    """Unit level, no network: the first attempt times out after the request was sent."""
    seen: list[str] = []
    waits: list[float] = []

    async def callback(*_args, **_kwargs):
        seen.append(endpoint)
        if len(seen) == 1:
            raise TimedOut() from httpx.ReadTimeout("no answer")
        return True

    async def fake_sleep(seconds: float) -> None:
        waits.append(seconds)

    limiter = RetryingRateLimiter(sleep=fake_sleep)
    request = limiter.process_request(callback, (), {}, endpoint, {"chat_id": 1}, None)
    if outcome is None:
        assert await request is True
        assert waits == [0.5]
    else:
        with pytest.raises(outcome):
            await request
    assert len(seen) == calls


@pytest.mark.asyncio
async def test_after_a_429_nobody_sends_before_retry_after_even_when_another_request_finishes():
    """PTB's own gate reopens when any in-flight request finishes; the bot-wide pause must hold."""
    started: dict[str, float] = {}

    def request(name: str, fail_first: bool = False, takes: float = 0.0):
        calls = []

        async def callback(*_args, **_kwargs):
            calls.append(name)
            started.setdefault(f"{name}{len(calls)}", asyncio.get_running_loop().time())
            if fail_first and len(calls) == 1:
                raise RetryAfter(1)
            await asyncio.sleep(takes)  # how long this request takes (not a wait)
            return True

        return callback

    limiter = RetryingRateLimiter(max_retries=3)
    t0 = asyncio.get_running_loop().time()
    slow = asyncio.create_task(limiter.process_request(request("slow", takes=0.3), (), {}, "sendMessage",
                                                       {"chat_id": 1}, None))
    await until(lambda: "slow1" in started, 5, "the slow request to be in flight")
    throttled = asyncio.create_task(limiter.process_request(request("a", fail_first=True), (), {},
                                                            "sendMessage", {"chat_id": 2}, None))
    await until(lambda: limiter._paused_until > 0, 5, "the 429 to pause the bot")
    assert not slow.done()  # the slow request is still in flight when the pause begins
    later = asyncio.create_task(limiter.process_request(request("c"), (), {}, "sendMessage",
                                                        {"chat_id": 3}, None))
    assert await asyncio.gather(slow, throttled, later) == [True, True, True]
    at = {k: v - t0 for k, v in started.items()}
    assert at["c1"] >= at["a1"] + 1.0, at  # "slow" finished at ~0.3 s; "c" still waited for the 429
    assert at["a2"] >= at["a1"] + 1.0, at
