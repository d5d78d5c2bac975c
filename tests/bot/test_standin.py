"""The Bot API stand-in speaks well enough for python-telegram-bot's real HTTPXRequest."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import Forbidden, RetryAfter
from telegram.ext import Application, MessageHandler, filters

from tests.botapi import BotApiStandin, StandinClient
from tests.waiting import until

TOKEN = "123:TEST"


@pytest.fixture
def api():
    with BotApiStandin() as server:
        yield server


def _bot(api: BotApiStandin) -> Bot:
    return Bot(TOKEN, base_url=api.base_url, base_file_url=api.base_file_url)


@pytest.mark.asyncio
async def test_bot_methods_round_trip(api):
    async with _bot(api) as bot:
        assert bot.username == api.bot_username
        markup = InlineKeyboardMarkup([[InlineKeyboardButton("甲", callback_data="x:1")]])
        msg = await bot.send_message(42, "<b>你好</b>", parse_mode="HTML", reply_markup=markup)
        assert msg.text == "<b>你好</b>" and msg.chat.id == 42
        edited = await bot.edit_message_text("改", chat_id=42, message_id=msg.message_id)
        assert edited.text == "改"
        await bot.send_document(42, document=b"a,b\n1,2\n", filename="rows.csv")
        await bot.set_my_commands([BotCommand("start", "开始")])
        assert [c.command for c in await bot.get_my_commands()] == ["start"]
        await bot.send_chat_action(42, "typing")
        await bot.set_webhook("http://127.0.0.1:1/hook", secret_token="s3cret")
        assert api.webhook["secret_token"] == "s3cret"
        await bot.delete_webhook()
        assert api.webhook == {}

    first = api.calls("sendMessage")[0]
    assert first.buttons == [{"text": "甲", "callback_data": "x:1"}]
    assert first.params["parse_mode"] == "HTML"
    doc = api.calls("sendDocument")[0]
    assert doc.files["document"] == ("rows.csv", b"a,b\n1,2\n")
    assert api.commands["default"] == [{"command": "start", "description": "开始"}]


@pytest.mark.asyncio
async def test_document_download_and_faults(api):
    update = api.push_document(5, 5, "报告.txt", "数据".encode())
    file_id = update["message"]["document"]["file_id"]

    async with _bot(api) as bot:
        f = await bot.get_file(file_id)
        assert bytes(await f.download_as_bytearray()) == "数据".encode()
        api.inject(429, method="sendMessage", retry_after=3)
        with pytest.raises(RetryAfter) as info:
            await bot.send_message(5, "x")
        assert info.value.retry_after in (3, __import__("datetime").timedelta(seconds=3))
        api.block_chat(6)
        with pytest.raises(Forbidden):
            await bot.send_message(6, "x")
        await bot.send_message(5, "ok")

    assert [c.status for c in api.calls("sendMessage")] == [429, 403, 200]
    assert [c.text for c in api.messages()] == ["ok"]


@pytest.mark.asyncio
async def test_application_polling_round_trip(api):
    async def echo(update: Update, _ctx) -> None:
        await update.effective_message.reply_text("echo " + update.effective_message.text)

    app = (
        Application.builder()
        .token(TOKEN)
        .base_url(api.base_url)
        .base_file_url(api.base_file_url)
        .get_updates_read_timeout(2)
        .build()
    )
    app.add_handler(MessageHandler(filters.TEXT, echo))
    async with app:
        await app.start()
        await app.updater.start_polling(timeout=1, poll_interval=0)
        api.push_message(1, "hi")
        api.push_message(2, "/cmd@disclosure_test_bot x", chat_type="group", user_id=9)
        await api.await_for(lambda c: c.text == "echo hi")
        await api.await_for(lambda c: c.chat_id == 2)
        await app.updater.stop()
        await app.stop()

    assert api.pending_updates() <= 2


@pytest.mark.asyncio
async def test_separate_process_state_file(tmp_path):
    state = tmp_path / "sent.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.botapi.standin", "--port", "0", "--state-file", str(state)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        url = line.strip().rsplit(" ", 1)[-1]
        client = StandinClient(url)

        async with Bot(TOKEN, base_url=url + "/bot") as bot:
            await bot.send_message(77, "提醒")
        client.push_message(chat_id=1, text="hello")
        assert client.pending_updates() == 1
        assert [c["method"] for c in client.sent()] == ["sendMessage"]
        await until(state.exists, 5, "the stand-in's state file")
        rows = [json.loads(x) for x in state.read_text(encoding="utf-8").splitlines()]
        assert rows[0]["chat_id"] == 77 and rows[0]["text"] == "提醒"
    finally:
        proc.terminate()
        proc.wait(timeout=10)
