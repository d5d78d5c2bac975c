"""/check, the question in words, evidence buttons and /audit through the real Application and the stand-in."""

from __future__ import annotations

import html
from datetime import date

import pytest
import pytest_asyncio

from bot.app import build_application, start, stop
from service import audit as svc
from service.ingest import ingest_paths
from tests.bot.conftest import USER, bot_settings
from tests.botapi import BotApiStandin
from tests.conftest import require_shared

pytestmark = pytest.mark.pg


@pytest.fixture
def store(engine):
    summary = ingest_paths(engine, [require_shared()], progress=False, workers=1)
    svc.score_results(engine, summary.results)
    return engine


@pytest_asyncio.fixture
async def bot(store):
    with BotApiStandin() as api:
        app = build_application(bot_settings(api), engine=store, today=lambda: date(2024, 6, 1))
        await start(app, timeout=1)
        try:
            yield api
        finally:
            await stop(app)


def _from_bot(method: str):
    return lambda c: c.method == method and c.chat_id == USER


@pytest.mark.asyncio
async def test_check_card_and_evidence_button(bot):
    mark = bot.mark()
    bot.push_message(USER, "/check 淮安市洪泽区人民政府 2023")
    card = await bot.await_for(_from_bot("sendMessage"), timeout=15, since=mark)
    text = html.unescape(card.text)
    assert "等级 C" in text or "等级 B" in text
    assert "数据准确" in text and len(card.buttons) == 5
    numbers = next(b for b in card.buttons if b["text"].startswith("数据准确"))
    mark = bot.mark()
    bot.push_callback(USER, USER, numbers["callback_data"], message_id=card.result["message_id"])
    ev = await bot.await_for(_from_bot("sendMessage"), timeout=15, since=mark)
    assert "行政复议总计为 0" in html.unescape(ev.text) and "第 131 行" in ev.text


@pytest.mark.asyncio
async def test_question_in_words_is_a_check_and_unknowns_get_help(bot):
    mark = bot.mark()
    bot.push_message(USER, "西夏区 2020 年报有什么问题")
    reply = await bot.await_for(_from_bot("sendMessage"), timeout=15, since=mark)
    assert "银川市西夏区审批服务管理局 2020 年度报告" in html.unescape(reply.text)
    mark = bot.mark()
    bot.push_message(USER, "/check 西夏区")
    usage = await bot.await_for(_from_bot("sendMessage"), timeout=15, since=mark)
    assert "用法" in usage.text


@pytest.mark.asyncio
async def test_audit_sends_text_image_and_workbook(bot):
    mark = bot.mark()
    bot.push_message(USER, "/audit 淮安市 2023")
    await bot.await_for(_from_bot("sendDocument"), timeout=30, since=mark)
    sent = [c.method for c in bot.since(mark) if c.chat_id == USER and c.ok]
    assert sent[-3:] == ["sendMessage", "sendPhoto", "sendDocument"]
    table = next(c for c in bot.since(mark) if c.method == "sendMessage" and c.chat_id == USER)
    assert "淮安市洪泽区人民政府" in html.unescape(table.text)
