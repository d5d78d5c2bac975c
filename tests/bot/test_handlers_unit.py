"""Handler behaviour with a scripted answerer (paging, forged buttons, errors, limits, group privacy).

The end-to-end suite with the real answer engine is test_e2e.py; here the answers are fixed so the
Telegram side can be checked precisely.
"""

from __future__ import annotations

from query.types import Answer, AnswerRow, Candidate, Source
from tests.bot.conftest import ADMIN, USER, run_bot


class ScriptedAnswerer:
    """Returns what `script` maps a question to; raises for "boom"."""

    def __init__(self, script: dict[str, Answer]) -> None:
        self.script = script
        self.asked: list[tuple[str, str | None]] = []

    def ask(self, question, *, today=None, chat_key=None, context=None) -> Answer:
        self.asked.append((question, chat_key))
        if question == "boom":
            raise RuntimeError("engine exploded <b>")
        if question in self.script:
            return self.script[question]
        return Answer(status="not_found", text=f"没有找到：{question}", question=question)


def row(i: int, agency: str = "甲机关") -> AnswerRow:
    src = Source(report_title=f"{agency}报告", file_name="x.txt", line_no=10 + i, line_text=f"行 {i} <i>原文</i>")
    return AnswerRow(agency=agency, year=2000 + i, indicator="apply.received.total", value=i, unit="件",
                     source=src, indicator_name="收到申请数")


def test_paging_and_forged_buttons(api, engine):
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

    run_bot(api, engine, scenario, answerer)
    assert len(api.calls("answerCallbackQuery")) == 3


def test_error_handler_tells_user_and_admin(api, engine):
    async def scenario(app):
        api.push_message(USER, "boom")
        user_msg = await api.await_for(lambda c: c.chat_id == USER and "错误编号" in c.text)
        error_id = user_msg.text.split("错误编号 ")[1].split("）")[0]
        admin_msg = await api.await_for(lambda c: c.chat_id == ADMIN)
        assert error_id in admin_msg.text and "engine exploded &lt;b&gt;" in admin_msg.text

    run_bot(api, engine, scenario, ScriptedAnswerer({}))


def test_rate_limit_and_group_privacy(api, engine):
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

    run_bot(api, engine, scenario, answerer, questions_per_minute=3)
    assert len([c for c in api.calls("sendMessage", chat_id=USER) if "甲机关" in c.text]) == 3
    assert len([c for c in api.calls("sendMessage", chat_id=USER) if "提问有点快" in c.text]) == 1
    assert api.calls(chat_id=-200) == []
    assert [q for q, _ in answerer.asked].count("q") == 5


def test_chart_failure_leaves_text(api, engine):
    trend = Answer(status="ok", text="趋势", intent="trend", question="t", answers=[row(1), row(2), row(3)])

    async def scenario(app):
        api.inject(400, method="sendPhoto", description="Bad Request: PHOTO_INVALID_DIMENSIONS")
        api.push_message(USER, "t")
        await api.await_for(lambda c: c.method == "sendPhoto")
        api.push_message(USER, "t")
        await api.await_for(lambda c: c.method == "sendPhoto" and c.ok)

    run_bot(api, engine, scenario, ScriptedAnswerer({"t": trend}))
    texts = [c for c in api.calls("sendMessage", chat_id=USER) if "甲机关" in c.text]
    assert len(texts) == 2
    photo = api.calls("sendPhoto", ok=True)[0]
    assert photo.files["photo"][1][:8] == b"\x89PNG\r\n\x1a\n"


def test_candidate_tap_reasks_with_choice(api, engine):
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

    run_bot(api, engine, scenario, answerer)
    assert answerer.asked[-1] == ("银川市兴庆区<审批>局 2018 依申请数", f"tg:{USER}")
