"""PostgreSQL restarts while users keep asking: every question gets exactly one reply — the answer, or a
plain Chinese "the database is briefly unreachable, send it again" — and answers resume within 5 s of
PostgreSQL accepting connections again.

The real Application polls the Bot API stand-in; its store engine talks to PostgreSQL through
tests/pgproxy.TcpProxy, and the test "restarts PostgreSQL" by resetting every proxied connection and
refusing new ones for 2 s — what clients see during a real restart — without touching the shared server.
test_real_postgresql_restart does the same with `pg_ctlcluster ... restart` and runs only with
PG_REAL_RESTART=1 (never on a shared machine). The first test checks the mechanism on any store.
"""

from __future__ import annotations

import asyncio
import html
import os
import subprocess
import time
from collections.abc import Awaitable, Callable

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.settings import Settings
from query.engine import Answerer
from query.types import Answer
from service.answers import BotService, StoreUnavailable
from service.ingest import ingest_paths
from storage.db import database_url, new_engine
from tests.bot.conftest import run_bot
from tests.conftest import require_shared
from tests.pgproxy import TcpProxy

pytestmark = pytest.mark.pg

QUESTIONS = [("西夏区 2020 依申请数", "银川市西夏区审批服务管理局"), ("兴庆区 2018 行政复议数量", "兴庆区")]
FIRST_CHAT = 70_000
RESUME_WITHIN = 5.0  # seconds from "PostgreSQL accepts again" to the first good answer
TRY_AGAIN = "再发一次"


@pytest.fixture
def pg_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith(("postgres", "postgresql")):
        pytest.skip("PostgreSQL only: set TEST_DATABASE_URL")
    return database_url(url)


@pytest.fixture
def store(engine, pg_url):
    ingest_paths(engine, [require_shared()], progress=False)
    return engine


class _SwallowingAnswerer:
    """Like query.engine.Answerer: a store error inside ask() is caught and an answer comes out anyway."""

    def __init__(self, engine) -> None:
        self.engine = engine
        self.broken = True
        self.refreshed = 0

    def ask(self, question: str, **_kw) -> Answer:
        if self.engine.dialect.name == "postgresql":  # SQLSTATE 08006 connection_failure → OperationalError
            outage = "DO $$ BEGIN RAISE EXCEPTION 'gone' USING ERRCODE = '08006'; END $$"
        else:
            outage = "SELECT * FROM store_is_down"  # sqlite3.OperationalError, like "database is locked"
        try:
            with self.engine.connect() as conn:
                conn.execute(text(outage if self.broken else "SELECT 1"))
        except Exception:  # noqa: BLE001 - the point: the error does not reach the caller
            return Answer("not_found", "从空缓存得到的答案")
        return Answer("ok", "好答案")

    def refresh(self) -> None:
        self.refreshed += 1


class _BuggyAnswerer(_SwallowingAnswerer):
    def ask(self, question: str, **_kw) -> Answer:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT no_such_column FROM conversation"))
        except Exception:  # noqa: BLE001
            pass
        return Answer("ok", "照常回答")


def test_a_swallowed_store_error_fails_the_question_and_reloads_caches_when_back(engine):
    answerer = _SwallowingAnswerer(engine)
    if engine.dialect.name == "postgresql":  # (SQLite reports a bad query as OperationalError too)
        bug = BotService(Settings(_env_file=None), engine, _BuggyAnswerer(engine))
        assert bug.ask_sync("x", "tg:2").text == "照常回答"  # a bad query is not an outage
    svc = BotService(Settings(_env_file=None), engine, answerer)
    with pytest.raises(StoreUnavailable, match=TRY_AGAIN):
        svc.ask_sync("西夏区 2020 依申请数", "tg:1")
    answerer.broken = False
    assert svc.ask_sync("西夏区 2020 依申请数", "tg:1").text == "好答案"
    assert answerer.refreshed == 1  # caches reloaded once, before the first answer after the error
    svc.ask_sync("西夏区 2020 依申请数", "tg:1")
    assert answerer.refreshed == 1


def _text(call) -> str:
    return html.unescape(call.text or "")


async def _stream_through_restart(api, bot_engine, restart: Callable[[], Awaitable[float]]) -> dict:
    """Ask a question from a new chat every 100 ms; restart PostgreSQL once in the middle; keep asking
    until answers are back, then wait for every reply. Returns what was asked and when PG came back."""
    asked: dict[int, str] = {}
    out: dict = {"asked": asked}

    async def scenario(app) -> None:
        def ask(i: int) -> None:
            chat = FIRST_CHAT + i
            question, expected = QUESTIONS[i % len(QUESTIONS)]
            asked[chat] = expected
            api.push_message(chat, question)

        ask(0)  # warm up: the engine's caches are loaded before the restart
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == FIRST_CHAT, timeout=20)
        stop = asyncio.Event()

        async def stream() -> None:
            i = 1
            while not stop.is_set():
                ask(i)
                i += 1
                await asyncio.sleep(0.1)  # the pace of the stream, not a synchronisation

        pusher = asyncio.create_task(stream())
        # restart in the middle of the stream: once some streamed questions have been answered
        await api.await_until(lambda: sum(1 for c in list(asked) if c != FIRST_CHAT
                                          and api.calls("sendMessage", chat_id=c, ok=True)) >= 3, 20)
        out["back"] = back = await restart()

        def good_after_back() -> list:
            return [c for c in api.calls("sendMessage", ok=True)
                    if c.at >= back and c.chat_id in asked and asked[c.chat_id] in _text(c)]

        await api.await_until(lambda: bool(good_after_back()), 30)
        out["resumed_after"] = min(c.at for c in good_after_back()) - back
        more = len(asked) + 10
        await api.await_until(lambda: len(asked) >= more, 10)  # ten more questions after recovery
        stop.set()
        await pusher
        await api.await_until(lambda: all(api.calls("sendMessage", chat_id=c) for c in list(asked)), 40)
        out["counters"] = dict(app.bot_data["service"].counters)

    await run_bot(api, bot_engine, scenario, Answerer(bot_engine), questions_per_minute=1000)
    return out


def _check(api, out: dict) -> None:
    asked: dict[int, str] = out["asked"]
    replies = {chat: api.calls("sendMessage", chat_id=chat) for chat in asked}
    assert {c: len(r) for c, r in replies.items() if len(r) != 1} == {}, "every question gets exactly one reply"
    assert all(r[0].ok for r in replies.values())
    answers = [c for c, r in replies.items() if asked[c] in _text(r[0])]
    errors = [c for c, r in replies.items() if asked[c] not in _text(r[0])]
    for chat in errors:
        text = _text(replies[chat][0])
        assert "数据库" in text and TRY_AGAIN in text, text
        assert "Traceback" not in text and "Error" not in text, text
    assert errors, "the restart was not noticed: no question got the error reply"
    assert len(answers) >= 11, "answers did not resume"
    assert out["resumed_after"] <= RESUME_WITHIN, f"answers resumed {out['resumed_after']:.1f} s after PG was back"
    assert out["counters"].get("store_down_replies", 0) == len(errors)
    assert not out["counters"].get("errors"), "a store outage must not surface as an unexpected error"


@pytest.mark.asyncio
async def test_postgresql_restart_costs_error_replies_not_answers_or_silence(api, store, pg_url):
    url = make_url(pg_url)
    proxy = TcpProxy(url.port or 5432, url.host or "127.0.0.1").start()
    bot_engine = new_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))

    async def restart() -> float:
        assert proxy.open_connections > 0, "the bot's engine does not go through the proxy"
        return await proxy.arestart(down=2.0)

    try:
        out = await _stream_through_restart(api, bot_engine, restart)
    finally:
        bot_engine.dispose()
        proxy.stop()
    assert proxy.resets > 0
    print(f"resumed {out['resumed_after']:.2f} s after PostgreSQL accepted again; "
          f"{len(out['asked'])} questions, counters {out['counters']}")
    _check(api, out)


@pytest.mark.asyncio
@pytest.mark.skipif(os.environ.get("PG_REAL_RESTART") != "1",
                    reason="restarts the PostgreSQL server itself: set PG_REAL_RESTART=1 on a machine of your own")
async def test_real_postgresql_restart(api, store, pg_url):
    bot_engine = new_engine(pg_url)

    async def restart() -> float:
        cmd = ["pg_ctlcluster", "--skip-systemctl-redirect", "15", "main", "restart"]
        await asyncio.to_thread(subprocess.run, cmd, check=True, timeout=120)
        return time.monotonic()  # pg_ctlcluster returns once the server accepts connections

    try:
        out = await _stream_through_restart(api, bot_engine, restart)
    finally:
        bot_engine.dispose()
    print(f"resumed {out['resumed_after']:.2f} s after PostgreSQL accepted again")
    _check(api, out)


@pytest.mark.asyncio
async def test_a_follow_up_after_the_outage_continues_the_last_answer_the_user_saw(api, store, pg_url):
    """The follow-up context stays what the user last saw: a follow-up that got the error reply changed
    nothing, and a follow-up sent after the restart continues the answer before it. (An inline query
    during the outage gets an empty result list with a note.)"""
    url = make_url(pg_url)
    proxy = TcpProxy(url.port or 5432, url.host or "127.0.0.1").start()
    bot_engine = new_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
    chat = FIRST_CHAT + 999

    async def scenario(app) -> None:
        def reply(since: int):
            return api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == chat, timeout=20, since=since)

        mark = api.mark()
        api.push_message(chat, "西夏区 2020 依申请数")
        assert "银川市西夏区审批服务管理局" in _text(await reply(mark))
        proxy.refuse()
        mark = api.mark()
        api.push_message(chat, "兴庆区呢")
        assert TRY_AGAIN in _text(await reply(mark))
        mark = api.mark()
        api.push_inline_query(chat, "西夏区 2020 依申请数")  # inline has no chat: an empty list with a note
        inline = await api.await_for(lambda c: c.method == "answerInlineQuery", timeout=20, since=mark)
        assert inline.params["results"] == [] and "数据库" in inline.params["button"]["text"]
        proxy.accept()
        mark = api.mark()
        api.push_message(chat, "复议呢")
        text = _text(await reply(mark))
        assert "银川市西夏区审批服务管理局" in text and "复议" in text, text

    try:
        await run_bot(api, bot_engine, scenario, Answerer(bot_engine))
    finally:
        bot_engine.dispose()
        proxy.stop()
