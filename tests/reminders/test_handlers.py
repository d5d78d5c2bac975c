"""Reminder commands and jobs through the real Application against the local Bot API stand-in."""

from __future__ import annotations

import html
from datetime import date

import pytest

from query.types import Answer
from reminders import delivery
from reminders.subscriptions import list_subscriptions, subscribe
from tests.bot.conftest import ADMIN, USER, run_bot
from tests.reminders.conftest import AGENCIES, add_agencies, file_report
from tests.waiting import until

pytestmark = pytest.mark.pg
DEPT, TOWN, XIXIA_GOV, SZS_GOV = (a[0] for a in AGENCIES)
GROUP = -100777


class NoAnswers:
    def ask(self, question, *, today=None, chat_key=None, context=None):
        return Answer(status="not_found", text="（测试）", question=question)


def plain(call) -> str:
    return html.unescape(call.text or "")


@pytest.fixture
def quiet(monkeypatch):
    """Commands only: no scheduled runs during command tests."""
    monkeypatch.setenv("REMINDER_ENABLED", "false")



@pytest.mark.asyncio
async def test_menu_and_subscribe_flow_with_buttons(api, engine, quiet):
    add_agencies(engine)

    async def scenario(app):
        await api.await_until(lambda: bool(api.commands.get("default")))
        names = [c["command"] for c in api.commands["default"]]
        for cmd in ("subscribe", "unsubscribe", "subscriptions", "due", "summary"):
            assert cmd in names
        mark = api.mark()
        api.push_message(USER, "/subscribe")
        menu = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        labels = [b["text"] for b in menu.buttons]
        assert labels[0] == "全部机关" and any("西夏区" in x for x in labels)
        region_button = next(b for b in menu.buttons if b["text"] == "地区：西夏区")
        mark = api.mark()
        api.push_callback(USER, USER, region_button["callback_data"], message_id=menu.result["message_id"])
        done = await api.await_for(lambda c: c.method == "editMessageText" and c.chat_id == USER, since=mark)
        assert "已订阅" in plain(done) and "西夏区" in plain(done)
        # the generic button handler did not also answer with "invalid button"
        answers = [c for c in api.since(mark) if c.method == "answerCallbackQuery"]
        assert len(answers) == 1
        # forged data is refused
        mark = api.mark()
        api.push_callback(USER, USER, region_button["callback_data"][:-2] + "xx", message_id=menu.result["message_id"])
        forged = await api.await_for(lambda c: c.method == "answerCallbackQuery", since=mark)
        assert "无效" in forged.params.get("text", "")

        mark = api.mark()
        api.push_message(USER, "/subscribe 胜利街")
        await api.await_for(lambda c: c.method == "sendMessage" and "已订阅" in plain(c), since=mark)
        mark = api.mark()
        api.push_message(USER, "/subscriptions")
        listing = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        assert "地区：西夏区" in plain(listing) and TOWN in plain(listing)

        mark = api.mark()
        api.push_message(USER, "/subscribe 不存在的地方")
        nope = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        assert "没有找到" in plain(nope)

    await run_bot(api, engine, scenario, NoAnswers())
    subs = {(s.scope, s.target) for s in list_subscriptions(engine, USER)}
    assert subs == {("region", "西夏区"), ("agency", TOWN)}


@pytest.mark.asyncio
async def test_unsubscribe_buttons_and_due(api, engine, quiet):
    ids = add_agencies(engine)
    subscribe(engine, USER, "private", "region", "西夏区")
    subscribe(engine, USER, "private", "agency", TOWN)
    file_report(engine, ids[DEPT], 2020)

    async def scenario(app):
        mark = api.mark()
        api.push_message(USER, "/due")
        due = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        text = plain(due)
        # today is 31 January 2021 (run_bot): the township is due today; the district government in 59 days
        assert TOWN in text and XIXIA_GOV in text and DEPT not in text
        assert "今天截止" in text and "还有 59 天" in text
        mark = api.mark()
        api.push_message(USER, "/due 石嘴山市")
        other = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        assert SZS_GOV in plain(other) and TOWN not in plain(other)

        mark = api.mark()
        api.push_message(USER, "/unsubscribe")
        menu = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, since=mark)
        target = next(b for b in menu.buttons if TOWN in b["text"])
        assert any(b["text"] == "全部退订" for b in menu.buttons)
        mark = api.mark()
        api.push_callback(USER, USER, target["callback_data"], message_id=menu.result["message_id"])
        done = await api.await_for(lambda c: c.method == "editMessageText" and c.chat_id == USER, since=mark)
        assert "已退订" in plain(done)

    await run_bot(api, engine, scenario, NoAnswers())
    assert [(s.scope, s.target) for s in list_subscriptions(engine, USER)] == [("region", "西夏区")]


@pytest.mark.asyncio
async def test_group_commands_need_an_admin(api, engine, quiet):
    add_agencies(engine)
    file_report(engine, 1, 2020, on=date(2021, 1, 27))

    async def scenario(app):
        mark = api.mark()
        api.push_message(GROUP, "/subscribe", chat_type="supergroup", user_id=USER)
        refused = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP, since=mark)
        assert "管理员" in plain(refused)
        mark = api.mark()
        api.push_message(GROUP, "/subscribe 全部", chat_type="supergroup", user_id=ADMIN)
        ok = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP, since=mark)
        assert "已订阅" in plain(ok) and "每周" in plain(ok)
        mark = api.mark()
        api.push_message(GROUP, "/summary", chat_type="supergroup", user_id=USER)
        refused = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP, since=mark)
        assert "管理员" in plain(refused)
        mark = api.mark()
        api.push_message(GROUP, "/summary", chat_type="supergroup", user_id=ADMIN)
        summary = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP
                                      and "汇总" in plain(c), since=mark)
        assert DEPT in plain(summary) and "1/4" in plain(summary)

    await run_bot(api, engine, scenario, NoAnswers())
    assert [s.scope for s in list_subscriptions(engine, GROUP)] == ["all"]


@pytest.mark.asyncio
async def test_startup_catch_up_sends_the_missed_reminder_once(api, engine, monkeypatch):
    """The bot was down on 31 January 09:00; started later that day it sends the reminder, once, even if the
    standby tick runs again; subscribers whose agencies all filed get nothing."""
    monkeypatch.setenv("REMINDER_STARTUP_DELAY", "0.2")
    monkeypatch.setenv("REMINDER_TICK_SECONDS", "0.3")
    ids = add_agencies(engine)
    subscribe(engine, USER, "private", "all")
    subscribe(engine, 777, "private", "agency", DEPT)
    subscribe(engine, GROUP, "supergroup", "all")
    file_report(engine, ids[DEPT], 2020)

    async def scenario(app):
        first = await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == USER, timeout=15)
        await api.await_for(lambda c: c.method == "sendMessage" and c.chat_id == GROUP, timeout=15)
        assert TOWN in plain(first) and "今天截止" in plain(first) and DEPT not in plain(first)
        runner = app.bot_data["reminders"]
        seen = runner.ticks
        await until(lambda: runner.ticks >= seen + 3 and not runner._lock.locked(), 15, "3 more ticks")

    await run_bot(api, engine, scenario, NoAnswers())
    assert len(api.messages(USER)) == 1 and len(api.messages(GROUP)) == 1
    assert api.messages(777) == []
    assert delivery.status_counts(engine) == {"sent": 2}
