"""`disclosure-bot chat`: same answer path and formatting, plain text on stdout, banner on stderr only."""

from __future__ import annotations

import io

from bot.settings import Settings
from bot.terminal import chat
from query.types import Answer
from tests.handlers.doubles import ScriptedAnswerer, row


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


def _run(lines: str, engine, answerer) -> str:
    stdout = io.StringIO()
    chat(io.StringIO(lines), stdout, Settings(_env_file=None), answerer=answerer, engine=engine)
    return stdout.getvalue()


def test_listing_commands_work_in_the_terminal(engine):
    from service.ingest import ingest_paths
    from tests.conftest import require_shared

    ingest_paths(engine, [require_shared()], progress=False)
    out = _run("/agencies\n/indicators 复议\n/report\n/report 火星局 2020\n/frobnicate\n", engine,
               ScriptedAnswerer({}))
    assert "只在 Telegram 里可用" not in out
    assert "银川市西夏区审批服务管理局" in out and "机关（" in out  # /agencies from the store
    assert "指标（" in out and "review." in out  # /indicators with a keyword
    assert "用法：/report" in out and "没有找到机关“火星局”" in out
    assert "没有这个命令" in out and "<b>" not in out


def test_a_store_without_tables_says_to_run_migrate(tmp_path):
    from sqlalchemy import create_engine
    from sqlalchemy.exc import OperationalError

    bare = create_engine(f"sqlite:///{tmp_path / 'bare.db'}")

    class NoTables:
        def ask(self, question, **_kw):
            raise OperationalError("SELECT * FROM report WHERE id = ?", (1,), Exception("no such table: report"))

    out = _run("西夏区 2020 依申请数\n/agencies\n", bare, NoTables())
    assert out.count("disclosure-bot migrate") == 2
    assert "数据库暂时连不上" not in out and "SELECT" not in out
