"""What `ask` and `chat` say when a question fails: one line, no SQL and no bound parameters."""

from __future__ import annotations

import json

from sqlalchemy.exc import OperationalError, ProgrammingError

from service.errors import NO_SCHEMA_TEXT, user_message


def test_sql_errors_never_show_the_statement_or_its_parameters():
    err = ProgrammingError("SELECT name FROM agency WHERE pw = %(pw)s", {"pw": "hunter2-secret"},
                           Exception("syntax error at or near FROM"))
    text = user_message(err)
    assert "SELECT" not in text and "hunter2" not in text and "\n" not in text
    assert "ProgrammingError" in text or "Exception" in text


def test_missing_tables_and_outages_are_told_apart():
    no_table = OperationalError("SELECT 1 FROM report", {}, Exception("no such table: report"))
    down = OperationalError("SELECT 1", {}, Exception("connection refused"))
    assert user_message(no_table) == NO_SCHEMA_TEXT
    assert "数据库暂时连不上" in user_message(down) and "SELECT" not in user_message(down)


def test_other_errors_keep_their_message_redacted(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123")
    text = user_message(RuntimeError("engine exploded with 123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123\nline 2"))
    assert "engine exploded" in text and "ABCDEFGHIJ" not in text and "\n" not in text


def test_ask_json_error_is_one_line_without_sql(tmp_path, capsys, monkeypatch):
    import sys
    import types

    from bot.cli import main

    class Failing:
        def __init__(self, engine, **_options) -> None:  # answerers=… as the front ends pass it
            pass

        def ask(self, question, **_kw):
            raise ProgrammingError("SELECT * FROM report WHERE title = ?", ("机密",), Exception("boom"))

    module = types.ModuleType("query.engine")
    module.Answerer = Failing  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "query.engine", module)
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "ask", "--json", "西夏区 2020 依申请数"]) == 1
    lines = [x for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert data["status"] == "error" and "SELECT" not in data["text"] and "机密" not in data["text"]
