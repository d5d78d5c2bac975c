"""handlers/messages.py: per-user question limits and group privacy (answer only when addressed).

A scripted answerer (tests/handlers/doubles.py) fixes the answers so the Telegram side is checked precisely."""

from __future__ import annotations

import pytest

from query.types import Answer
from tests.bot.conftest import USER, run_bot
from tests.handlers.doubles import ScriptedAnswerer, row


@pytest.mark.asyncio
async def test_rate_limit_and_group_privacy(api, engine):
    ok = Answer(status="ok", text="一个数", question="q", answers=[row(1)])
    answerer = ScriptedAnswerer({"q": ok})

    async def scenario(app):
        for _ in range(4):
            api.push_message(USER, "q")
        await api.await_for(lambda c: "提问有点快" in c.text)
        mark = api.mark()
        api.push_message(-100, "q", chat_type="supergroup", user_id=USER + 5)  # not addressed: silence
        api.push_channel_post(-200, "q")  # channel post: silence
        api.push_message(-100, "@disclosure_test_bot q", chat_type="supergroup", user_id=USER + 6)
        reply = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == -100, since=mark)
        assert "甲机关" in reply.text and reply.params.get("reply_parameters")
        api.push_message(-100, "q", chat_type="supergroup", user_id=USER + 7, reply_to_bot=True)
        await api.await_until(lambda: len(api.calls("sendMessage", chat_id=-100)) == 2)

    await run_bot(api, engine, scenario, answerer, questions_per_minute=3)
    assert len([c for c in api.calls("sendMessage", chat_id=USER) if "甲机关" in c.text]) == 3
    assert len([c for c in api.calls("sendMessage", chat_id=USER) if "提问有点快" in c.text]) == 1
    assert api.calls(chat_id=-200) == []
    assert [q for q, _ in answerer.asked].count("q") == 5
