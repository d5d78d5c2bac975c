"""handlers/buttons.py: page buttons, forged or stale buttons, a candidate tap asks again.

A scripted answerer (tests/handlers/doubles.py) fixes the answers so the Telegram side is checked precisely."""

from __future__ import annotations

import pytest

from query.types import Answer, Candidate
from tests.bot.conftest import USER, run_bot
from tests.handlers.doubles import ScriptedAnswerer, row


@pytest.mark.asyncio
async def test_paging_and_forged_buttons(api, engine):
    long = Answer(status="ok", text="很多行", intent="rank", question="long",
                  answers=[row(i, agency="机关" + "很长的名字" * 20) for i in range(60)])
    answerer = ScriptedAnswerer({"long": long})

    async def scenario(app):
        api.push_message(USER, "long")
        first = await api.await_for(lambda c: c.method == "sendMessage" and "第 1/" in c.text)
        assert len(first.text) <= 4096
        nxt = [b for b in first.buttons if b["text"].startswith("下一页")][0]
        assert len(nxt["callback_data"].encode()) <= 64
        api.push_callback(USER, USER, nxt["callback_data"], message_id=first.result["message_id"])
        edit = await api.await_for(lambda c: c.method == "editMessageText")
        assert "第 2/" in edit.text and "&lt;i&gt;" in edit.text and "<i>原文" not in edit.text
        forged = nxt["callback_data"][:-3] + "AAA"
        api.push_callback(USER, USER, forged, message_id=first.result["message_id"])
        await api.await_for(lambda c: c.method == "answerCallbackQuery" and "无效" in c.params.get("text", ""))
        mark = api.mark()
        api.push_callback(USER + 1, USER + 1, nxt["callback_data"])  # replayed into another chat
        await api.await_for(lambda c: c.method == "answerCallbackQuery" and "无效" in c.params.get("text", ""),
                            since=mark)

    await run_bot(api, engine, scenario, answerer)
    assert len(api.calls("answerCallbackQuery")) == 3


@pytest.mark.asyncio
async def test_candidate_tap_reasks_with_choice(api, engine):
    amb = Answer(status="ambiguous", text="“兴庆区”对应多个机关", question="兴庆区 2018 依申请数",
                 candidates=[Candidate("银川市兴庆区人民政府"), Candidate("银川市兴庆区<审批>局")])
    ok = Answer(status="ok", text="一个数", question="x", answers=[row(1, "银川市兴庆区<审批>局")])
    answerer = ScriptedAnswerer({"兴庆区 2018 依申请数": amb, "银川市兴庆区<审批>局 2018 依申请数": ok})

    async def scenario(app):
        api.push_message(USER, "兴庆区 2018 依申请数")
        menu = await api.await_for(lambda c: c.method == "sendMessage" and c.buttons)
        assert [b["text"] for b in menu.buttons] == ["银川市兴庆区人民政府", "银川市兴庆区<审批>局"]
        assert "&lt;审批&gt;" in menu.text
        api.push_callback(USER, USER, menu.buttons[1]["callback_data"], message_id=menu.result["message_id"])
        await api.await_for(lambda c: c.method == "sendMessage" and "&lt;审批&gt;局</b> 2001" in c.text)

    await run_bot(api, engine, scenario, answerer)
    assert answerer.asked[-1] == ("银川市兴庆区<审批>局 2018 依申请数", f"tg:{USER}")
