"""Report text never drives the user's terminal: escape sequences and control characters from an agency
name or a report line are stripped from what `ask` and `chat` print (issue 15.8)."""

from __future__ import annotations

import csv
import io
import json
import re
import sys

import pytest

from bot.cli import main
from reminders.registry import import_agencies
from service.ingest import ingest_paths
from service.terminal_safe import for_terminal, json_for_terminal
from tools.samples import write_samples

HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x1b[31m\x9b1m\x9d2;t\x9c\x00\r\x08\x7f"
LINE = "\x1b]0;pwned\x07\x1b[2J"  # what issue 15.8 saw in a report line (ingest rejects more as binary)
NAME = f"临江市河西区{HOSTILE}审批服务管理局"
ROW = "一、本年新收政府信息公开申请数量"
QUESTION = "临江市河西区审批服务管理局 2020 依申请数"
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.mark.parametrize(("raw", "shown"), [
    ("a\x1b]0;title\x07b", "ab"),  # OSC ended by BEL
    ("a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),  # OSC ended by ST (hyperlink)
    ("a\x1b[2Jb\x1b[1;31mc", "abc"),  # CSI
    ("a\x9b2Jb\x9d0;t\x9cc", "abc"),  # 8-bit CSI / OSC
    ("a\x1bPdata\x1b\\b", "ab"),  # DCS
    ("a\x1b(Bb\x1bcc", "abc"),  # charset, reset
    ("a\x1b]0;never ended", "a"),  # unterminated string: cut
    ("行一\n\t行二\r\x00\x07\x7f\x85", "行一\n\t行二"),  # C0 but \n \t, DEL, C1
    ("中文 123 ，。", "中文 123 ，。"),
])
def test_for_terminal_strips_sequences_and_controls(raw, shown):
    assert for_terminal(raw) == shown


def test_json_keeps_the_data_but_escapes_c1():
    dumped = json.dumps({"t": HOSTILE}, ensure_ascii=False)
    safe = json_for_terminal(dumped)
    assert not UNSAFE.search(safe)
    assert json.loads(safe) == {"t": HOSTILE}


@pytest.fixture
def url(engine, tmp_path) -> str:
    """A store whose registry name and report line both carry HOSTILE."""
    buf = io.StringIO()
    csv.writer(buf).writerows([["name", "kind", "region", "aliases"],
                               [NAME, "department", "临江市/河西区", "临江市河西区审批服务管理局"]])
    (tmp_path / "SAMPLE_registry.csv").write_text(buf.getvalue(), encoding="utf-8")
    import_agencies(engine, tmp_path / "SAMPLE_registry.csv")
    made = {p.name: p for p in write_samples(tmp_path / "gen")}
    text = made["SAMPLE_临江市河西区审批服务管理局_2020.txt"].read_text(encoding="utf-8")
    assert ROW in text
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / "SAMPLE_hostile.txt").write_text(text.replace(ROW, ROW + LINE, 1), encoding="utf-8")
    summary = ingest_paths(engine, [folder], progress=False)
    assert [r.outcome for r in summary.results] == ["stored"], summary.render()
    return engine.url.render_as_string(hide_password=False)


def _hostile_reached_the_answer(out: str) -> None:
    assert "临江市河西区" in out and "审批服务管理局" in out, out


def test_ask_prints_no_escape_sequence(url, capsys):
    assert main(["--database-url", url, "ask", "--today", "2021-01-31", QUESTION]) == 0
    out = capsys.readouterr().out
    _hostile_reached_the_answer(out)
    assert not UNSAFE.search(out.replace("\n", "").replace("\t", "")), repr(out)


def test_ask_json_prints_no_raw_control_and_keeps_the_name(url, capsys):
    assert main(["--database-url", url, "ask", "--json", "--today", "2021-01-31", QUESTION]) == 0
    out = capsys.readouterr().out
    assert not UNSAFE.search(out.strip()), repr(out)
    data = json.loads(out)
    assert data["status"] == "ok" and data["answers"][0]["agency"] == NAME  # the data stays whole
    assert LINE in data["text"]


def test_chat_prints_no_escape_sequence(url, capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{QUESTION}\n/source\n/agencies 临江市\n"))
    assert main(["--database-url", url, "chat"]) == 0
    out = capsys.readouterr().out
    _hostile_reached_the_answer(out)
    assert not UNSAFE.search(out.replace("\n", "").replace("\t", "")), repr(out)
