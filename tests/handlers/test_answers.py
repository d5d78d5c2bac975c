"""handlers/answers.py: sending an answer; a chart that fails leaves the text answer.

A scripted answerer (tests/handlers/doubles.py) fixes the answers so the Telegram side is checked precisely."""

from __future__ import annotations

import pytest

from query.types import Answer
from tests.bot.conftest import USER, run_bot
from tests.handlers.doubles import ScriptedAnswerer, row


@pytest.mark.asyncio
async def test_chart_failure_leaves_text(api, engine):
    trend = Answer(status="ok", text="趋势", intent="trend", question="t", answers=[row(1), row(2), row(3)])

    async def scenario(app):
        api.inject(400, method="sendPhoto", description="Bad Request: PHOTO_INVALID_DIMENSIONS")
        api.push_message(USER, "t")
        await api.await_for(lambda c: c.method == "sendPhoto")
        api.push_message(USER, "t")
        await api.await_for(lambda c: c.method == "sendPhoto" and c.ok)

    await run_bot(api, engine, scenario, ScriptedAnswerer({"t": trend}))
    texts = [c for c in api.calls("sendMessage", chat_id=USER) if "甲机关" in c.text]
    assert len(texts) == 2
    photo = api.calls("sendPhoto", ok=True)[0]
    assert photo.files["photo"][1][:8] == b"\x89PNG\r\n\x1a\n"
