"""The traceback admins receive is redacted like the logs: no bot token, no database password, no secret."""

from __future__ import annotations

import pytest

from query.types import Answer
from tests.bot.conftest import ADMIN, TOKEN, USER, run_bot

DB_PASSWORD = "pg-Pass_w0rd-77"
DATABASE_URL = f"postgresql+psycopg://disclosure:{DB_PASSWORD}@db.internal:5432/disclosure"
CALLBACK = "cb-signing-Secret-91"


class LeakyAnswerer:
    """Fails the way a driver or HTTP client does: the message quotes the URL, the token and the password."""

    def ask(self, question, *, today=None, chat_key=None, context=None) -> Answer:
        raise RuntimeError(f"connect failed for {DATABASE_URL} (password {DB_PASSWORD}); "
                           f"bot {TOKEN} via https://api.telegram.org/bot{TOKEN}/getMe; key {CALLBACK}")


@pytest.mark.asyncio
async def test_the_admin_traceback_names_the_error_but_no_secret(api, engine):
    async def scenario(app):
        api.push_message(USER, "any question")
        user_msg = await api.await_for(lambda c: c.chat_id == USER and "错误编号" in c.text, timeout=20)
        error_id = user_msg.text.split("错误编号 ")[1].split("）")[0]
        admin_msg = await api.await_for(lambda c: c.chat_id == ADMIN and error_id in c.text, timeout=20)
        assert "RuntimeError" in admin_msg.text and "db.internal" in admin_msg.text  # still useful

    await run_bot(api, engine, scenario, LeakyAnswerer(), database_url=DATABASE_URL, callback_secret=CALLBACK)
    admin_texts = [c.text for c in api.calls("sendMessage", chat_id=ADMIN)]
    assert admin_texts
    token_secret_part = TOKEN.split(":")[1]
    for text in admin_texts:
        assert TOKEN not in text and token_secret_part not in text, text
        assert DB_PASSWORD not in text and CALLBACK not in text, text
