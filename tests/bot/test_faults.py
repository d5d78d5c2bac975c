"""Faults on the Telegram side: a throttled or failing Bot API loses no answer and sends none twice.

The stand-in answers 429 with retry_after or 500 once; the real Application (AIORateLimiter, HTTPXRequest)
must deliver each answer exactly once.
"""

from __future__ import annotations

import html

import pytest

from query.engine import Answerer
from storage.ingest import ingest_paths
from tests.bot.conftest import USER, run_bot
from tests.conftest import require_shared

pytestmark = pytest.mark.pg


@pytest.fixture
def store(engine):
    ingest_paths(engine, [require_shared()], progress=False)
    return engine


def _answers(api, chat_id: int) -> list:
    return [c for c in api.calls("sendMessage", chat_id=chat_id, ok=True)
            if "银川市西夏区审批服务管理局" in html.unescape(c.text or "")]


def test_429_retry_after_delivers_once(api, store):
    async def scenario(app):
        api.inject(status=429, method="sendMessage", count=1, retry_after=1)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: len(_answers(api, USER)) >= 1, 15)

    run_bot(api, store, scenario, Answerer(store))
    assert len(_answers(api, USER)) == 1
    assert len(api.calls("sendMessage", chat_id=USER, ok=False)) == 1


def test_a_failing_send_does_not_stop_later_answers(api, store):
    async def scenario(app):
        api.inject(status=500, method="sendMessage", count=1)
        api.push_message(USER, "西夏区 2020 依申请数")
        await api.await_until(lambda: len(api.calls("sendMessage", chat_id=USER, ok=False)) >= 1, 10)
        api.push_message(USER + 1, "西夏区 2020 依申请数")
        await api.await_until(lambda: len(_answers(api, USER + 1)) >= 1, 15)

    run_bot(api, store, scenario, Answerer(store))
    assert len(_answers(api, USER + 1)) == 1
