"""handlers/errors.py: the user gets an apology with an error id, admins the redacted details.

A scripted answerer (tests/handlers/doubles.py) fixes the answers so the Telegram side is checked precisely."""

from __future__ import annotations

import pytest

from tests.bot.conftest import ADMIN, USER, run_bot
from tests.handlers.doubles import ScriptedAnswerer


@pytest.mark.asyncio
async def test_error_handler_tells_user_and_admin(api, engine):
    async def scenario(app):
        api.push_message(USER, "boom")
        user_msg = await api.await_for(lambda c: c.chat_id == USER and "错误编号" in c.text)
        error_id = user_msg.text.split("错误编号 ")[1].split("）")[0]
        admin_msg = await api.await_for(lambda c: c.chat_id == ADMIN)
        assert error_id in admin_msg.text and "engine exploded &lt;b&gt;" in admin_msg.text

    await run_bot(api, engine, scenario, ScriptedAnswerer({}))
