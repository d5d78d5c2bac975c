"""The `disclosure-bot` command line: ingest summary, export lines, ask --json shape, exit codes, no tracebacks.

Most tests call bot.cli.main(argv) in-process with --database-url pointing at a temporary SQLite file;
two run the installed console script in a subprocess to check what a user really sees.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import types
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlmodel import Session

from bot.cli import main
from query.types import Answer, AnswerRow, Candidate, Source
from reminders.registry import parse_registry
from storage.db import get_engine
from storage.migrate import head_revision
from storage.models import Agency, AgencyAlias
from tests.storage.conftest import fake_parse, fake_report

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def url(tmp_path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.fixture
def fake_parser(monkeypatch):
    """The stand-in parser from tests/storage, so these tests check the CLI, not the report parsers."""
    import service.ingest.pipeline as ingest

    monkeypatch.setattr(ingest, "_default_parser", lambda: fake_parse)


class FakeAnswerer:
    """Answers "X 2020 依申请数"-style questions from a fixed table; records calls."""

    calls: list[tuple[str, date | None, str | None]] = []

    def __init__(self, engine, **_options) -> None:  # answerers= (deadline wiring) is ignored
        self.engine = engine

    def ask(self, question, *, today=None, chat_key=None, context=None):
        FakeAnswerer.calls.append((question, today, chat_key))
        if "boom" in question:
            raise RuntimeError("engine exploded")
        if "甲" in question:
            src = Source("甲局2020年报告", "a.txt", 2, "apply.received.total=3", row_label="本年新收")
            return Answer(
                "ok",
                "甲局 2020 年 依申请数：3 件",
                [AnswerRow("甲局", 2020, "apply.received.total", 3.0, "件", src)],
                question=question,
            )
        if "乙" in question:
            return Answer(
                "ambiguous", "您指的是哪个？", candidates=[Candidate("乙一局"), Candidate("乙二局")]
            )
        return Answer("not_found", "没有找到这个单位。")


@pytest.fixture
def fake_engine(monkeypatch):
    module = types.ModuleType("query.engine")
    module.Answerer = FakeAnswerer  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "query.engine", module)
    FakeAnswerer.calls = []
    return FakeAnswerer


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)
    return p


# --------------------------------------------------------------------------- usage


def test_no_command_and_bad_arguments_are_usage_errors(url, capsys):
    assert main([]) == 2
    assert main(["--database-url", url, "frobnicate"]) == 2
    assert main(["--database-url", url, "ask", "--today", "2021-13-01", "q"]) == 2
    assert main(["--database-url", url, "ingest"]) == 2  # PATH required
    assert "YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--help"]) == 0


# --------------------------------------------------------------------------- ingest / export


def test_ingest_summary_and_exit_codes(url, tmp_path, fake_parser, capsys):
    folder = tmp_path / "in"
    _write(folder, "a.txt", fake_report("甲局", 2020, values={"apply.received.total": 3}))
    _write(folder, "b.txt", fake_report("乙局", 2020, values={"apply.received.total": 4}, findings=("x",)))
    _write(folder, "README.md", b"notes")
    assert main(["--database-url", url, "ingest", "--no-progress", str(folder)]) == 0
    out = capsys.readouterr().out
    assert "stored 2" in out and "rejected 0" in out and "skipped 1" in out and "flagged" in out

    bad = _write(tmp_path, "bad.txt", "ERROR no_year 标题里没有年份".encode())
    assert main(["--database-url", url, "ingest", "--no-progress", str(bad), str(folder / "a.txt")]) == 1
    out = capsys.readouterr().out
    assert "rejected 1" in out and "unchanged 1" in out and "标题里没有年份" in out and "bad.txt" in out

    assert main(["--database-url", url, "ingest", "--no-progress", str(tmp_path / "missing.txt")]) == 1
    captured = capsys.readouterr()
    assert "no such file" in captured.err and "Traceback" not in captured.err


def test_ingest_json_outcomes(url, tmp_path, fake_parser, capsys):
    a = _write(tmp_path, "a.txt", fake_report("甲局", 2020))
    a2 = _write(tmp_path, "a2.txt", fake_report("甲局", 2020, values={"apply.received.total": 9}))
    assert main(["--database-url", url, "ingest", "--json", "--no-progress", str(a), str(a), str(a2)]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [r["outcome"] for r in rows] == ["stored", "unchanged", "replaced"]
    assert rows[0]["agency"] == "甲局" and rows[0]["year"] == 2020 and rows[0]["values"] == 1


def test_export_json_lines_and_csv(url, tmp_path, fake_parser, capsys):
    _write(
        tmp_path / "in",
        "a.txt",
        fake_report("甲局", 2020, values={"apply.received.total": 3, "x.money": 1.5}),
    )
    main(["--database-url", url, "ingest", "--no-progress", "-q", str(tmp_path / "in")])
    capsys.readouterr()
    assert main(["--database-url", url, "export", "--json"]) == 0
    rows = [json.loads(x) for x in capsys.readouterr().out.splitlines()]
    assert [(r["agency"], r["year"], r["indicator"], r["value"], r["report"], r["line"]) for r in rows] == [
        ("甲局", 2020, "apply.received.total", 3, "a.txt", 2),
        ("甲局", 2020, "x.money", 1.5, "a.txt", 3),
    ]
    assert main(["--database-url", url, "export"]) == 0  # --json is the default
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert main(["--database-url", url, "export", "--csv"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("agency,year,template,indicator,value,unit,report,line") and len(lines) == 3
    target = tmp_path / "out.jsonl"
    assert main(["--database-url", url, "export", "--json", "-o", str(target)]) == 0
    assert len(target.read_text(encoding="utf-8").splitlines()) == 2


# --------------------------------------------------------------------------- ask


def test_ask_json_shape(url, fake_engine, capsys):
    assert (
        main(["--database-url", url, "ask", "--json", "--today", "2021-01-31", "甲局", "2020", "依申请数"])
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert fake_engine.calls == [("甲局 2020 依申请数", date(2021, 1, 31), None)]
    assert data["status"] == "ok" and data["text"] and data["candidates"] == []
    assert set(data) >= {"status", "answers", "candidates", "text"}
    (ans,) = data["answers"]
    assert {k: ans[k] for k in ("agency", "year", "indicator", "value", "unit")} == {
        "agency": "甲局",
        "year": 2020,
        "indicator": "apply.received.total",
        "value": 3,
        "unit": "件",
    }
    assert isinstance(ans["value"], int) and ans["source"]["line_no"] == 2


def test_ask_stdin_one_json_per_line(url, fake_engine, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("甲局 2020 依申请数\n\n乙局\n丙局\nboom\n"))
    assert main(["--database-url", url, "ask", "--json"]) == 1  # one question failed
    lines = capsys.readouterr().out.splitlines()
    statuses = [json.loads(x)["status"] for x in lines]
    assert statuses == ["ok", "ambiguous", "not_found", "error"]
    assert json.loads(lines[1])["candidates"] == ["乙一局", "乙二局"]
    assert "engine exploded" in json.loads(lines[3])["text"]


def test_ask_plain_text_prints_the_rendered_reply(url, fake_engine, capsys):
    """Plain `ask` prints what `chat` prints (service.render.terminal_text of the structured reply): the
    numbers and sources come from the rows, not from the engine's prose."""
    assert main(["--database-url", url, "ask", "甲局 2020 依申请数"]) == 0
    out = capsys.readouterr().out.strip()
    assert out.splitlines()[:2] == ["甲局 2020 年", "收到申请数：3 件"]
    assert "来源：甲局2020年报告 第 2 行" in out and "「本年新收」行" in out
    assert "甲局 2020 年 依申请数：3 件" not in out  # the double's own prose is not what is shown
    assert main(["--database-url", url, "ask", "丙局"]) == 0
    assert capsys.readouterr().out.strip() == "没有找到这个单位。"  # no number: the engine's words


def test_ask_with_the_real_engine_on_shared_reports(url, capsys):
    from tests.conftest import require_shared

    main(["--database-url", url, "ingest", "--no-progress", "-q", str(require_shared())])
    capsys.readouterr()
    assert (
        main(["--database-url", url, "ask", "--json", "--today", "2021-01-31", "西夏区 2020 依申请数"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert data["status"] in {"ok", "ambiguous", "not_found", "no_data"}
    assert isinstance(data["answers"], list) and isinstance(data["candidates"], list) and data["text"]


# --------------------------------------------------------------------------- schema


def test_migrate_and_stale_schema_message(url, capsys):
    head = head_revision()
    assert main(["--database-url", url, "migrate"]) == 0
    assert f"empty → {head}" in capsys.readouterr().out
    assert main(["--database-url", url, "migrate"]) == 0
    assert head in capsys.readouterr().out
    with get_engine(url).begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    assert main(["--database-url", url, "export", "--json"]) == 1
    err = capsys.readouterr().err
    assert "9999" in err and "Traceback" not in err


# --------------------------------------------------------------------------- registry


def test_import_agencies(url, tmp_path, capsys):
    good = tmp_path / "agencies.csv"
    good.write_text(
        "name,kind,region,first_year,aliases\n"
        "银川市西夏区人民政府,people_gov,宁夏回族自治区/银川市/西夏区,2008,西夏区政府;西夏区\n"
        "银川市西夏区审批服务管理局,部门,宁夏回族自治区/银川市/西夏区,2019,\n",
        encoding="utf-8-sig",
    )
    assert main(["--database-url", url, "import-agencies", str(good)]) == 0
    assert "新增 2" in capsys.readouterr().out
    with Session(get_engine(url)) as s:
        gov = s.execute(select(Agency).where(Agency.name == "银川市西夏区人民政府")).scalar_one()
        assert (gov.kind, gov.region_path, gov.region, gov.first_year, gov.source) == (
            "people_gov",
            "宁夏回族自治区/银川市/西夏区",
            "西夏区",
            2008,
            "registry",
        )
        assert sorted(s.execute(select(AgencyAlias.alias)).scalars()) == ["西夏区", "西夏区政府"]
    assert main(["--database-url", url, "import-agencies", str(good)]) == 0  # idempotent
    assert "未变 2" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(
        "name,kind,region,first_year\n新单位,people_gov,,2010\n,other,,\n某局,alien,,\n另局,other,,19x\n",
        encoding="utf-8",
    )
    assert main(["--database-url", url, "import-agencies", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "第 3 行" in err and "第 4 行" in err and "第 5 行" in err and "nothing imported" in err
    with Session(get_engine(url)) as s:
        assert s.execute(select(Agency).where(Agency.name == "新单位")).first() is None  # all or nothing

    assert main(["--database-url", url, "import-agencies", str(tmp_path / "nope.csv")]) == 1


def test_registry_rows_map_chinese_kinds_and_aliases():
    rows = parse_registry("名称,类型,地区,别名\n甲镇人民政府,乡镇,A › B,甲镇；甲镇政府|甲镇人民政府\n")
    assert rows[0]["kind"] == "township" and rows[0]["region_path"] == "A/B"
    assert rows[0]["aliases"] == ["甲镇", "甲镇政府"]  # its own name is not an alias


# --------------------------------------------------------------------------- due / samples / chat / run


def test_due_without_reminders_is_a_clear_error(url, capsys, monkeypatch):
    for name in ("reminders.cli", "reminders.calendar", "reminders.planner"):
        monkeypatch.setitem(sys.modules, name, None)  # import fails as if absent
    assert main(["--database-url", url, "due", "--today", "2021-01-31"]) == 1
    assert "reminders" in capsys.readouterr().err


def test_due_delegates_to_reminders(url, capsys, monkeypatch):
    module = types.ModuleType("reminders.planner")
    seen = []

    def due_text(engine, today, *, scope="all", target=""):
        seen.append((today, scope, target))
        return "<b>甲局 &amp; 乙局</b> 2020 年度报告 应于 2021-01-31 前公开"

    module.due_text = due_text  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "reminders.planner", module)
    assert main(["--database-url", url, "due", "--today", "2021-01-31"]) == 0
    assert capsys.readouterr().out.strip() == "甲局 & 乙局 2020 年度报告 应于 2021-01-31 前公开"
    assert main(["--database-url", url, "due", "--today", "2021-01-31", "--region", "银川市"]) == 0
    assert seen == [(date(2021, 1, 31), "all", ""), (date(2021, 1, 31), "region", "银川市")]


def test_due_with_the_real_reminders(url, capsys):
    assert main(["--database-url", url, "due", "--today", "2021-01-31"]) == 0
    out = capsys.readouterr().out
    assert out.strip() and "<b>" not in out


def test_samples_missing_module_is_clear(url, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "bot.samples", None)
    assert main(["--database-url", url, "samples"]) == 1
    assert "bot.samples" in capsys.readouterr().err


def test_run_without_token_falls_back_to_terminal_chat(url, fake_engine, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no .env here
    monkeypatch.delenv("TELEGRAM_BOT_TOKEN", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO("甲局 2020 依申请数\n"))
    assert main(["--database-url", url, "run"]) == 0
    captured = capsys.readouterr()
    assert "TELEGRAM_BOT_TOKEN" in captured.err and "3" in captured.out


def test_chat_reads_stdin(url, fake_engine, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO("甲局 2020 依申请数\n丙局\n"))
    assert main(["--database-url", url, "chat"]) == 0
    out = capsys.readouterr().out
    assert "甲局" in out and "没有找到" in out


def test_unexpected_error_is_one_line_without_traceback(url, fake_parser, capsys, monkeypatch):
    def broken(*a, **k):
        raise RuntimeError("disk on fire; postgresql://u:secret@h/db")

    monkeypatch.setattr("service.ingest.ingest_paths", broken)
    assert main(["--database-url", url, "ingest", "x"]) == 1
    err = capsys.readouterr().err
    assert "disk on fire" in err and "secret" not in err and "Traceback" not in err
    with pytest.raises(RuntimeError):
        main(["--database-url", url, "--debug", "ingest", "x"])


# --------------------------------------------------------------------------- the real console script


def _script() -> list[str]:
    exe = Path(sys.executable).with_name("disclosure-bot")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]


def test_console_script_ingest_and_export(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'sub.db'}"}
    bad = _write(tmp_path, "empty.txt", b"")
    proc = subprocess.run(
        [*_script(), "ingest", "--no-progress", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert proc.returncode == 1, proc.stderr
    assert "rejected 1" in proc.stdout and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [*_script(), "export", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 0 and proc.stdout == ""


def test_console_script_unreachable_database_is_a_clear_error(tmp_path):
    env = {
        **os.environ,
        "DATABASE_URL": "postgresql+psycopg://nobody:hunter2@127.0.0.1:1/none?connect_timeout=2",
    }
    proc = subprocess.run(
        [*_script(), "export", "--json"], capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr and "hunter2" not in proc.stderr and proc.stderr.strip()


def test_samples_load_once(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    url = f"sqlite:///{tmp_path / 's.db'}"
    assert main(["--database-url", url, "samples"]) == 0
    assert "stored" in capsys.readouterr().out
    assert main(["--database-url", url, "samples"]) == 0
    assert "已有报告" in capsys.readouterr().out


def test_store_url_comes_from_dotenv_like_the_bot(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    (tmp_path / ".env").write_text(f"DATABASE_URL=sqlite:///{tmp_path / 'from_env.db'}\n", encoding="utf-8")
    assert main(["export", "--json"]) == 0
    assert (tmp_path / "from_env.db").exists() and not (tmp_path / "data").exists()


def test_progress_goes_to_stderr_and_summary_to_stdout(url, tmp_path, fake_parser, capsys):
    _write(tmp_path / "in", "a.txt", fake_report("甲局", 2020))
    assert main(["--database-url", url, "ingest", str(tmp_path / "in")]) == 0
    captured = capsys.readouterr()
    assert "ingest" in captured.err and "1/1" in captured.err  # tqdm bar
    assert "stored 1" in captured.out and "1/1" not in captured.out


def test_explicit_unsupported_file_is_rejected_by_the_parser_not_skipped(url, tmp_path, capsys):
    pytest.importorskip("reports.readers")
    sheet = _write(tmp_path, "table.xlsx", b"PK\x03\x04 not really a spreadsheet")
    assert main(["--database-url", url, "ingest", "--no-progress", str(sheet)]) == 1
    out = capsys.readouterr().out
    assert "rejected 1" in out and "table.xlsx" in out
