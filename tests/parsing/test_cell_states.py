"""Issue 13: every cell the report gives no number for says why — through `ask --json`, end to end.

The fixture (tests/fixtures/issue13/cell_states_2019.txt, written for this test) prints one cell in
each state: a number, an empty cell, a "/" mark, a row whose numbers cannot be placed (three numbers
for seven columns, space-separated) and a row left out of the table (7.属于行政执法案卷).
"""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from tests.conftest import ROOT

FIXTURE = ROOT / "tests" / "fixtures" / "issue13" / "cell_states_2019.txt"
BODY = "示例区交通运输局 2019 "

CASES = [
    # question, state, indicator, must-say, must-not-say
    ("本年新收", "number", "apply.received.total", "11 件", "空白"),
    ("上年结转 商业企业", "blank", "apply.carried_in.commercial", "空白不按 0 计", "没有找到"),
    ("予以公开 科研机构", "mark", "apply.result.granted.research", "“/”", "空白"),
    ("部分公开", "unreadable", "apply.result.partial.total", "第31行", "空白"),
    ("属于行政执法案卷", "missing", "apply.result.denied.enforcement_file.total", "没有找到", "空白"),
]


@pytest.fixture(scope="module")
def url(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cells') / 'c.db'}"
    assert main(["--database-url", url, "ingest", "--no-progress", str(FIXTURE)]) == 0
    return url


def _ask(url: str, question: str, capsys) -> dict:
    capsys.readouterr()
    assert main(["--database-url", url, "ask", "--json", "--today", "2020-06-01", question]) == 0
    return json.loads(capsys.readouterr().out.strip().splitlines()[-1])


@pytest.mark.parametrize(("question", "state", "key", "say", "never"), CASES, ids=[c[1] for c in CASES])
def test_each_cell_state_through_ask_json(url, capsys, question, state, key, say, never):
    got = _ask(url, BODY + question, capsys)
    assert say in got["text"] and never not in got["text"], got["text"]
    if state == "number":
        assert got["status"] == "ok" and got["cells"] == []
        assert [(a["indicator"], a["state"]) for a in got["answers"]] == [(key, "number")]
        return
    assert got["status"] == "no_data" and got["answers"] == []
    assert [(c["indicator"], c["state"], c["value"]) for c in got["cells"]] == [(key, state, None)]
    if state == "mark":
        assert got["cells"][0]["mark"] == "/"
    if state in {"unreadable", "missing"}:
        assert got["cells"][0]["source"]["line_no"] > 0  # points at where the row is / should be


def test_completeness_finding_lists_missing_and_unreadable_rows():
    from reports.parse import parse_path

    rep = parse_path(FIXTURE)
    done = [f for f in rep.findings if f.rule == "completeness"]
    assert len(done) == 1
    assert "7.属于行政执法案卷" in done[0].message and "部分公开" in done[0].message
    states = {c.key: c.state for c in rep.cells}
    assert states["apply.result.denied.enforcement_file.natural_person"] == "missing"
    assert states["apply.result.granted.research"] == "mark"
    assert not any(k in states for k in rep.value_map())  # a key is either a number or a state
