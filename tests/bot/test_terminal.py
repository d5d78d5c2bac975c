"""`disclosure-bot chat`: same answer path and formatting, plain text on stdout, banner on stderr only."""

from __future__ import annotations

import io

from bot.settings import Settings
from bot.terminal import chat
from query.types import Answer
from tests.bot.test_handlers_unit import ScriptedAnswerer, row


def test_terminal_chat_answers_each_line_until_eof(engine, capsys):
    answerer = ScriptedAnswerer({"q": Answer(status="ok", text="x", question="q", answers=[row(1)])})
    stdin = io.StringIO("q\n\n/source\n/export\nunknown <b>\n")
    stdout = io.StringIO()
    n = chat(stdin, stdout, Settings(_env_file=None), answerer=answerer, engine=engine)
    out = stdout.getvalue()
    assert n == 2
    assert "甲机关 2001 年" in out and "收到申请数：1 件" in out and "第 11 行" in out
    assert "<b>" not in out.replace("unknown <b>", "")  # plain text, no markup of ours
    assert "agency,year,indicator" in out  # /export as CSV text
    assert "没有找到：unknown <b>" in out
    assert answerer.asked[0] == ("q", "terminal:local")
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "disclosure-bot chat" in err
