"""Review fixes: webhook secret derived from the token, look-alike button labels, Bot API timeouts."""

from __future__ import annotations

import asyncio
import re
from datetime import date

import pytest

from bot.app import build_application, run_webhook
from bot.settings import Settings
from query.types import Answer
from tests.bot.conftest import USER, bot_settings
from tests.bot.test_webhook_and_units import free_port
from tests.handlers.doubles import ScriptedAnswerer, row

TELEGRAM_SECRET_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,256}")


def test_derived_webhook_secret_fits_telegram_and_depends_on_the_token():
    a = Settings(_env_file=None, telegram_bot_token="123:aaa").effective_webhook_secret()
    b = Settings(_env_file=None, telegram_bot_token="123:bbb").effective_webhook_secret()
    assert TELEGRAM_SECRET_TOKEN.fullmatch(a) and TELEGRAM_SECRET_TOKEN.fullmatch(b)
    assert a != b and "aaa" not in a
    assert a == Settings(_env_file=None, telegram_bot_token="123:aaa").effective_webhook_secret()  # stable
    configured = Settings(_env_file=None, telegram_bot_token="123:aaa", webhook_secret="mine_1-x")
    assert configured.effective_webhook_secret() == "mine_1-x"


@pytest.mark.parametrize("bad", ["has space", "semi;colon", "ü", "x" * 257])
def test_a_webhook_secret_telegram_would_refuse_stops_start_up(bad):
    with pytest.raises(ValueError, match="WEBHOOK_SECRET"):
        Settings(_env_file=None, webhook_secret=bad)


@pytest.mark.asyncio
async def test_webhook_mode_without_a_configured_secret_serves_telegram_with_the_derived_one(api, engine):
    """The derived secret is registered with setWebhook, and Telegram's calls carrying it are served."""
    port = free_port()
    settings = bot_settings(api, webhook_url=f"http://127.0.0.1:{port}/tg/hook", webhook_secret="",
                            port=port, webhook_listen="127.0.0.1")
    answerer = ScriptedAnswerer({"q": Answer(status="ok", text="x", question="q", answers=[row(1)])})

    app = build_application(settings, answerer, engine=engine, today=lambda: date(2021, 1, 31))
    stop_event = asyncio.Event()
    task = asyncio.create_task(run_webhook(app, settings, stop_event))
    try:
        await api.await_until(lambda: api.webhook.get("url") == settings.webhook_url, 20)
        assert api.webhook["secret_token"] == settings.effective_webhook_secret()
        api.push_message(USER, "q")  # the stand-in POSTs it with the registered secret
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, timeout=20)
    finally:
        stop_event.set()
        await asyncio.wait_for(task, 20)


# --------------------------------------------------------------------------- look-alike button labels

LOOK_ALIKES = [
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的西夏区审批服务管理局",
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的兴庆区审批服务管理局",
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的金凤区审批服务管理局",
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的金凤区审批服务管理局信息中心",
    "宁夏回族自治区石嘴山市人民政府办公室政务公开科审批服务管理局",
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的西夏区审批服务管理局（区政务服务中心）",
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的西夏区审批服务管理局（区政务服务中心）办公室",
    "甲" * 60 + "乙" * 60,
    "甲" * 60 + "丙" * 60,
    "宁夏回族自治区银川市人民政府办公厅关于进一步加强和改进全区政务服务标准化规范化便利化工作的西夏区审批服务管理局" * 3,
    "短名称",
]


def _labels(names: list[str]) -> list[str]:
    from handlers.answers import BUTTON_LABEL_MAX, choice_keyboard
    from query.types import Candidate
    from service.format import Reply

    reply = Reply(pages=["x"], choices=[Candidate(n) for n in names])
    rows = choice_keyboard(b"k" * 32, 1, "nonce", reply)
    labels = [r[0].text for r in rows]
    assert all(1 <= len(label) <= BUTTON_LABEL_MAX for label in labels), labels
    return labels


@pytest.mark.parametrize("size", [2, 3, 4, len(LOOK_ALIKES)])
def test_long_look_alike_names_get_distinct_buttons_within_the_limit(size):
    names = LOOK_ALIKES[:size] if size != len(LOOK_ALIKES) else LOOK_ALIKES
    labels = _labels(names)
    assert len(set(labels)) == len(labels), labels
    assert labels[-1] == "短名称" or size != len(LOOK_ALIKES)  # a short name is shown whole


def test_the_differing_part_of_a_look_alike_name_is_on_its_button():
    a, b = _labels(LOOK_ALIKES[:2])
    assert "西夏区" in a and "兴庆区" in b
    assert a.startswith("宁夏") and b.startswith("宁夏")  # the start still says where it is


def test_identical_long_names_still_get_distinct_buttons():
    labels = _labels([LOOK_ALIKES[0]] * 3)
    assert len(set(labels)) == 3, labels


def test_the_full_names_are_in_the_message_text():
    from query.types import Candidate
    from service.format import render_answer

    answer = Answer(status="ambiguous", text="有几个机关都叫这个名字：", question="q",
                    candidates=[Candidate(n) for n in LOOK_ALIKES[:4]])
    text = "".join(render_answer(answer, use_html=True).pages)
    assert all(name in text for name in LOOK_ALIKES[:4])


# --------------------------------------------------------------------------- Bot API timeouts from settings


@pytest.mark.parametrize("name", ["telegram_read_timeout", "telegram_connect_timeout"])
@pytest.mark.parametrize("bad", [0, -1])
def test_bot_api_timeouts_must_be_positive(name, bad):
    with pytest.raises(ValueError, match=name):
        Settings(_env_file=None, **{name: bad})


def test_bot_api_timeouts_come_from_the_environment(monkeypatch, engine):
    monkeypatch.setenv("TELEGRAM_READ_TIMEOUT", "21.5")
    monkeypatch.setenv("TELEGRAM_CONNECT_TIMEOUT", "3")
    settings = Settings(_env_file=None, telegram_bot_token="123:abc")
    assert (settings.telegram_read_timeout, settings.telegram_connect_timeout) == (21.5, 3.0)
    assert (Settings.model_fields["telegram_read_timeout"].default,
            Settings.model_fields["telegram_connect_timeout"].default) == (15.0, 5.0)
    app = build_application(settings, ScriptedAnswerer({}), engine=engine)
    timeout = app.bot.request._client.timeout  # the HTTPXRequest every call but getUpdates goes through
    assert (timeout.read, timeout.connect) == (21.5, 3.0)


@pytest.mark.asyncio
async def test_telegram_read_timeout_decides_when_a_slow_send_is_in_doubt(api, engine):
    """Telegram (the stand-in) answers sendMessage after 2 s; with TELEGRAM_READ_TIMEOUT=0.5 the bot stops
    waiting, counts the call as in doubt and does not resend it."""
    answerer = ScriptedAnswerer({"q": Answer(status="ok", text="x", question="q", answers=[row(1)])})
    seen: dict = {}

    async def scenario(app):
        service = app.bot_data["service"]
        api.slow(2.0, method="sendMessage", chat_id=USER)
        api.push_message(USER, "q")
        await api.await_until(lambda: service.counters.get("delivery_in_doubt", 0) >= 1, 10)
        await api.await_until(lambda: len(api.calls("sendMessage", chat_id=USER)) >= 1, 10)  # late delivery
        seen.update(service.counters)

    from tests.bot.conftest import run_bot

    await run_bot(api, engine, scenario, answerer, telegram_read_timeout=0.5)
    assert len(api.calls("sendMessage", chat_id=USER)) == 1 and not seen.get("send.retried")


def test_names_that_differ_early_keep_the_plain_prefix():
    names = ["临江市河西区" + "审批服务管理局" * 6, "临江市" + "教育局" * 15]
    labels = _labels(names)
    assert all(label.endswith("…") and name.startswith(label[:-1]) for name, label in zip(names, labels, strict=True))
