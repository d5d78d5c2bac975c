"""Central bodies in questions: their full names and own short forms (交通部, 国家卫健委) answer for them;
a form local bodies share (卫健委) lists the national one among the candidates; a central body we hold
nothing from is not_found for it, never a local body's numbers.

The reports are our own generated ones (tools.generator), ingested through `disclosure-bot ingest` into a
temporary SQLite store and asked through `disclosure-bot ask --json`.
"""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from tools.generator import generate_report

HELD = [
    ("交通运输部", 2023),
    ("国家卫生健康委员会", 2023),
    ("临江市卫生健康委员会", 2023),
    ("中国人民银行", 2022),
    ("临江市公安局", 2023),
    ("临江市统计局", 2022),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """url of a store holding HELD, and {agency: 2023/2022 新收申请 total as printed}."""
    folder = tmp_path_factory.mktemp("central_reports")
    totals = {}
    for i, (name, year) in enumerate(HELD):
        rep = generate_report(i, "2021", name, year, noise=())
        (folder / f"r{i}.txt").write_text(rep.text, encoding="utf-8")
        totals[name] = rep.values["apply.received.total"]
    url = f"sqlite:///{tmp_path_factory.mktemp('central_store') / 'store.db'}"
    assert main(["--database-url", url, "ingest", str(folder)]) == 0
    return url, totals


def ask(url: str, capsys, question: str) -> dict:
    capsys.readouterr()
    main(["--database-url", url, "ask", "--json", question])
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize(
    ("question", "agency"),
    [
        ("交通运输部 2023 依申请数", "交通运输部"),
        ("交通部2023年收到多少申请", "交通运输部"),
        ("国家卫健委2023年收到多少申请", "国家卫生健康委员会"),
        ("国家卫生健康委员会2023年依申请数", "国家卫生健康委员会"),
        ("人民银行2022年收到多少申请", "中国人民银行"),
        ("临江市卫健委2023年依申请数", "临江市卫生健康委员会"),
    ],
)
@pytest.mark.parametrize("lazy", [False, True])
def test_central_body_answers_for_itself(store, capsys, monkeypatch, question, agency, lazy):
    """Both modes: the catalogue in memory, and the name index read per question (query/name_store.py)."""
    if lazy:
        monkeypatch.setenv("DISCLOSURE_LAZY_FROM", "1")
    url, totals = store
    got = ask(url, capsys, question)
    assert got["status"] == "ok", got["text"]
    assert {a["agency"] for a in got["answers"]} == {agency}
    assert got["answers"][0]["value"] == totals[agency]


@pytest.mark.parametrize("lazy", [False, True])
def test_shared_short_form_lists_the_national_body(store, capsys, monkeypatch, lazy):
    if lazy:
        monkeypatch.setenv("DISCLOSURE_LAZY_FROM", "1")
    url, _ = store
    got = ask(url, capsys, "卫健委2023年收到多少申请")
    assert got["status"] == "ambiguous", got["text"]
    assert {"国家卫生健康委员会", "临江市卫生健康委员会"} <= set(got["candidates"])


@pytest.mark.parametrize(
    "question",
    ["公安部2023年收到多少申请", "国家统计局2022年依申请数", "财政部 2023 依申请数", "工信部2023年收到多少申请",
     "审计署2023年依申请数", "海关总署"],
)  # fmt: skip
@pytest.mark.parametrize("lazy", [False, True])
def test_central_body_we_do_not_hold_is_not_found(store, capsys, monkeypatch, question, lazy):
    """临江市公安局 and 临江市统计局 are held: their numbers must never answer for 公安部 / 国家统计局."""
    if lazy:
        monkeypatch.setenv("DISCLOSURE_LAZY_FROM", "1")
    url, _ = store
    got = ask(url, capsys, question)
    assert got["status"] == "not_found", got["text"]
    assert not got.get("answers")
