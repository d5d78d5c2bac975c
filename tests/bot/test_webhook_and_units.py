"""Webhook mode (secret token, /healthz, clean stop), settings parsing, button signatures, formatting."""

from __future__ import annotations

import asyncio
import json
import socket
import urllib.request
from datetime import date

import pytest

from bot.app import build_application, run_webhook
from bot.settings import Settings
from handlers import callbacks
from query.types import Answer, AnswerRow, Source
from service.format import TELEGRAM_LIMIT, Markup, format_number, paginate, render_answer
from tests.bot.conftest import USER, bot_settings
from tests.handlers.doubles import ScriptedAnswerer, row


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, dict]:
    with urllib.request.urlopen(url, timeout=5) as resp:
        return resp.status, json.loads(resp.read())


@pytest.mark.asyncio
async def test_webhook_mode_checks_secret_and_serves_healthz(api, engine):
    port = free_port()
    settings = bot_settings(api, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_secret="s3cret",
                            port=port, webhook_listen="127.0.0.1")
    answerer = ScriptedAnswerer({"q": Answer(status="ok", text="x", question="q", answers=[row(1)])})

    app = build_application(settings, answerer, engine=engine, today=lambda: date(2021, 1, 31))
    stop_event = asyncio.Event()
    task = asyncio.create_task(run_webhook(app, settings, stop_event))
    await api.await_until(lambda: api.webhook.get("url") == settings.webhook_url)
    assert api.webhook["secret_token"] == "s3cret"
    status, body = await asyncio.to_thread(_get, f"http://127.0.0.1:{port}/healthz")
    assert status == 200 and body["ok"] is True
    api.push_message(USER, "q")  # the stand-in POSTs it to the webhook with the secret
    await api.await_for(lambda c: c.method == "sendMessage" and "甲机关" in c.text)
    forged = {"update_id": 999, "message": {"message_id": 1, "date": 0, "chat": {"id": 5, "type": "private"},
                                            "from": {"id": 5, "is_bot": False, "first_name": "x"}, "text": "q"}}
    assert await asyncio.to_thread(api.post_webhook, forged, "wrong") == 403
    assert await asyncio.to_thread(api.post_webhook, forged, "") == 403
    stop_event.set()
    await asyncio.wait_for(task, 20)

    assert api.calls(chat_id=5) == []
    assert len(api.calls("setMyCommands")) == 1


def test_settings_parse_admin_ids_and_reject_junk(monkeypatch):
    monkeypatch.setenv("ADMIN_IDS", "12, 34 56")
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "1:x")
    s = Settings(_env_file=None)
    assert s.admin_ids == frozenset({12, 34, 56}) and s.is_admin(34) and not s.is_admin(7)
    assert s.telegram_base_url == "https://api.telegram.org/bot" and s.webhook_mode is False
    monkeypatch.setenv("ADMIN_IDS", "12,alice")
    with pytest.raises(ValueError, match="ADMIN_IDS"):
        Settings(_env_file=None)


def test_build_without_token_is_a_clear_error(engine):
    with pytest.raises(ValueError, match="TELEGRAM_BOT_TOKEN"):
        build_application(Settings(_env_file=None, telegram_bot_token=""), ScriptedAnswerer({}), engine=engine)


def test_callback_data_is_compact_and_bound_to_chat():
    key = b"k" * 32
    data = callbacks.sign(key, -1001234567890, "p", callbacks.new_nonce(), 7)
    assert len(data.encode()) <= 64
    parsed = callbacks.verify(key, -1001234567890, data)
    assert parsed is not None and parsed.kind == "p" and parsed.arg == 7
    assert callbacks.verify(key, 42, data) is None  # another chat
    assert callbacks.verify(b"x" * 32, -1001234567890, data) is None  # another key
    assert callbacks.verify(key, -1001234567890, data.replace("|7|", "|8|")) is None
    for junk in ("", "p|a|b|c", "x" * 100, "p|n|1"):
        assert callbacks.verify(key, 1, junk) is None


def test_format_escapes_and_keeps_pages_under_limit():
    evil = "<script>alert(1)</script>&"
    src = Source(report_title=evil, file_name="f.txt", line_no=3, line_text=evil * 50, findings=[evil])
    rows = [AnswerRow(agency=evil + str(i), year=2020, indicator="k", value=None if i == 0 else 1.5 * i,
                      unit="件", source=src) for i in range(200)]
    reply = render_answer(Answer(status="ok", text=evil, intent="rank", answers=rows, question=evil))
    assert len(reply.pages) > 1
    for page in reply.pages:
        assert len(page) <= TELEGRAM_LIMIT - 50
        assert "<script>" not in page
        assert page.count("<b>") == page.count("</b>") and page.count("<blockquote>") == page.count("</blockquote>")
    assert "空白" in reply.pages[0]  # a blank cell is said, never shown as 0
    assert format_number(None, "件") != "0 件" and format_number(3.0, "件") == "3 件"
    plain = render_answer(Answer(status="not_found", text=evil, question=evil), use_html=False)
    assert plain.pages == [evil]
    assert paginate([Markup(True).t("x" * 10000)])[0].endswith("…")
