"""The question commands (/ask /compare /top /trend) through the real Application and the stand-in.

Each command is a question with a word added; its reply must carry the same numbers, agencies and years as
the engine's answer to that question in words, and a bare command must explain its usage.
"""

from __future__ import annotations

import html
from datetime import date

import pytest

from query.engine import Answerer
from service.ingest import ingest_paths
from tests.bot.conftest import USER, run_bot
from tests.conftest import require_shared

pytestmark = pytest.mark.pg

CASES = [
    ("/ask 洪泽区 2024 依申请数", "洪泽区 2024 依申请数"),
    ("/trend 洪泽区 依申请数", "洪泽区 依申请数 趋势"),
    ("/compare 淮安市 洪泽区 2024 依申请数", "淮安市 洪泽区 2024 依申请数 对比"),
    ("/top 2024 依申请数", "2024 依申请数 排名"),
]


@pytest.fixture
def store(engine):
    ingest_paths(engine, [require_shared()], progress=False)
    return engine


def _plain(call) -> str:
    return html.unescape(call.text or "")


def _figure(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,}"


@pytest.mark.asyncio
@pytest.mark.parametrize(("command", "question"), CASES)
async def test_question_commands_answer_like_the_question_in_words(api, store, command, question):
    expected = Answerer(store).ask(question, today=date(2025, 6, 1))
    assert expected.status == "ok" and len(expected.answers) >= (1 if command.startswith("/ask") else 2)

    async def scenario(app):
        api.push_message(USER, command)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, timeout=15)
        text = _plain(reply)
        for row in expected.answers:
            assert row.agency in text, (row.agency, text)
            assert str(row.year) in text
            assert _figure(row.value) in text or str(int(row.value)) in text, (row.value, text)
        assert "第" in text and "行" in text  # every number keeps its source line

    await run_bot(api, store, scenario, Answerer(store))


@pytest.mark.asyncio
@pytest.mark.parametrize("command", ["/ask", "/compare", "/top", "/trend"])
async def test_a_bare_question_command_explains_its_usage(api, store, command):
    async def scenario(app):
        api.push_message(USER, command)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER)
        assert _plain(reply).startswith(f"用法：{command} ")

    await run_bot(api, store, scenario, Answerer(store))
