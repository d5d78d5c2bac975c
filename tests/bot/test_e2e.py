"""End to end: the real Application, its real HTTP request class, the local Bot API stand-in, the real
parser, store and answer engine over the shared reports. Runs on SQLite and (with -m pg) PostgreSQL.

Each scenario pushes updates into the stand-in and waits for what the bot sends back.
"""

from __future__ import annotations

import html

import pytest

from query.engine import Answerer
from service.ingest import ingest_paths
from tests.bot.conftest import ADMIN, USER, run_bot
from tests.conftest import require_shared

pytestmark = pytest.mark.pg

GROUP = -100123


@pytest.fixture
def store(engine):
    summary = ingest_paths(engine, [require_shared()], progress=False)
    assert len(summary.stored) == 8, summary.render()
    return engine


def sent_text(call) -> str:
    return html.unescape(call.text or "")


@pytest.mark.asyncio
async def test_private_question_gets_a_sourced_answer(api, store):
    async def scenario(app):
        api.push_message(USER, "西夏区 2020 依申请数")
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)
        text = sent_text(reply)
        assert "银川市西夏区审批服务管理局" in text
        assert "2020" in text
        assert reply.params.get("parse_mode") == "HTML"
        # the number and where it came from (report line)
        assert "1" in text and "行" in text

    await run_bot(api, store, scenario, Answerer(store))


@pytest.mark.asyncio
async def test_unknown_agency_is_said_plainly(api, store):
    async def scenario(app):
        api.push_message(USER, "石嘴山市大武口区 2020 依申请数")
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)
        assert "没有" in sent_text(reply) or "未找到" in sent_text(reply)

    await run_bot(api, store, scenario, Answerer(store))


@pytest.mark.asyncio
async def test_ambiguous_question_offers_buttons_and_a_tap_answers(api, store):
    async def scenario(app):
        api.push_message(USER, "审批局 依申请数")
        first = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)
        buttons = [b for b in first.buttons if "callback_data" in b]
        assert len(buttons) >= 2, first.text
        assert all(len(b["callback_data"].encode()) <= 64 for b in buttons)
        target = next(b for b in buttons if "西夏区" in b["text"])
        mark = api.mark()
        api.push_callback(USER, USER, target["callback_data"], message_id=first.result["message_id"])
        await api.await_for(lambda c: c.method == "answerCallbackQuery", since=mark)
        await api.await_for(lambda c: c.method == "sendMessage" and "银川市西夏区审批服务管理局" in sent_text(c)
                            and "2020" in sent_text(c), since=mark)

    await run_bot(api, store, scenario, Answerer(store))


@pytest.mark.asyncio
async def test_group_is_silent_unless_addressed(api, store):
    async def scenario(app):
        mark = api.mark()
        api.push_message(GROUP, "西夏区 2020 依申请数", chat_type="supergroup", user_id=USER)
        api.push_message(GROUP, "@disclosure_test_bot 兴庆区 2018 行政复议数量", chat_type="supergroup",
                         user_id=USER)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP, since=mark)
        assert "兴庆区" in sent_text(reply)
        # exactly one reply: the unaddressed question got none
        await api.await_until(lambda: len(api.calls("sendMessage", chat_id=GROUP)) >= 1, 2)
        assert len([c for c in api.since(mark) if c.method == "sendMessage" and c.chat_id == GROUP]) == 1
        api.push_message(GROUP, "那2019年呢", chat_type="supergroup", user_id=USER, reply_to_bot=True)
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP
                            and c is not reply, since=mark)

    await run_bot(api, store, scenario, Answerer(store))


@pytest.mark.asyncio
async def test_inline_query_offers_the_answer(api, store):
    async def scenario(app):
        api.push_inline_query(USER, "西夏区 2020 依申请数")
        call = await api.await_for(lambda c: c.method == "answerInlineQuery")
        results = call.params["results"]
        assert results
        content = results[0]["input_message_content"]["message_text"]
        assert "银川市西夏区审批服务管理局" in html.unescape(content)

    await run_bot(api, store, scenario, Answerer(store))


@pytest.mark.asyncio
async def test_admin_upload_is_stored_and_others_are_refused(api, engine):
    from sqlmodel import func, select

    from storage.db import session_scope
    from storage.models import Report

    data = (require_shared() / "002_a9dbc25bac2331b1.txt").read_bytes()

    async def scenario(app):
        api.push_document(USER, USER, "xixia.txt", data)
        refused = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)
        assert "管理员" in sent_text(refused)
        api.push_document(ADMIN, ADMIN, "xixia.txt", data)
        done = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN, timeout=20)
        assert "已入库" in sent_text(done)
        api.push_message(ADMIN, "西夏区 2020 依申请数")
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == ADMIN
                            and "银川市西夏区审批服务管理局" in sent_text(c) and "2020" in sent_text(c))

    await run_bot(api, engine, scenario, Answerer(engine))
    with session_scope(engine) as s:
        assert s.exec(select(func.count()).select_from(Report)).one() == 1
    assert not [c for c in api.calls("getFile") if c.params.get("file_id", "").startswith(str(USER))]


@pytest.mark.asyncio
async def test_follow_up_survives_a_restart(api, store):
    async def first(app):
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)

    await run_bot(api, store, first, Answerer(store))
    mark = api.mark()

    async def second(app):
        api.push_message(USER, "复议呢")
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        text = sent_text(reply)
        assert "银川市西夏区审批服务管理局" in text and "复议" in text

    await run_bot(api, store, second, Answerer(store))  # a new Application and a new engine object


@pytest.mark.asyncio
async def test_html_in_a_question_is_rendered_harmless(api, store):
    async def scenario(app):
        api.push_message(USER, "<b>西夏区</b> <script>x</script> 2020 依申请数")
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)
        assert "<script>" not in reply.text
        assert "<b>西夏区</b>" not in reply.text

    await run_bot(api, store, scenario, Answerer(store))
