"""Every line of ../shared/spec/questions.jsonl gives the expected status and answers (the `ask --json`
contract), over the store built from the shared reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from decimal import Decimal

import pytest

from tests.conftest import ROOT, SHARED_SPEC
from tests.query.conftest import TODAY


def _questions() -> list[dict]:
    path = SHARED_SPEC / "questions.jsonl"
    if not path.is_file():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


QUESTIONS = _questions()


def _check(q: dict, got: dict) -> None:
    assert got["status"] == q["status"], (q["q"], got["text"])
    rows = [[a["agency"], a["year"], a["indicator"], a["value"]] for a in got["answers"]]
    if q.get("ordered"):
        assert rows == q["expect"], got["text"]
    else:
        assert sorted(map(json.dumps, rows)) == sorted(map(json.dumps, q["expect"])), got["text"]
    for a in got["answers"]:
        src = a["source"]
        assert src and src["line_no"] > 0 and src["line_text"] and src["report_title"], a
    if q["status"] in {"not_found", "no_data"}:
        assert got["text"]


@pytest.mark.skipif(not QUESTIONS, reason="../shared/spec/questions.jsonl not present")
@pytest.mark.parametrize("q", QUESTIONS, ids=[q["q"] for q in QUESTIONS])
def test_shared_question(shared_answerer, q):
    _check(q, shared_answerer.ask(q["q"], today=TODAY).to_json())


@pytest.mark.skipif(not QUESTIONS, reason="../shared/spec/questions.jsonl not present")
@pytest.mark.parametrize("q", QUESTIONS, ids=[q["q"] for q in QUESTIONS])
def test_shared_question_on_gold_store(gold_answerer, q):
    _check(q, gold_answerer.ask(q["q"], today=TODAY).to_json())


def test_no_data_says_which_years_exist(shared_answerer):
    got = shared_answerer.ask("兴庆区 2016 依申请数", today=TODAY)
    assert got.status == "no_data" and "2018" in got.text


def test_blank_cell_is_not_zero(shared_answerer):
    got = shared_answerer.ask("银川市行政审批服务局 2017 其他方式回应事件数", today=TODAY)
    assert got.status == "no_data" and not got.answers and "空白" in got.text


@pytest.mark.skipif(not QUESTIONS, reason="../shared/spec/questions.jsonl not present")
def test_shared_questions_through_cli(tmp_path):
    """`disclosure-bot ask --json` with questions on stdin: one JSON object per line."""
    from storage.db import create_all, get_engine
    from tests.conftest import SHARED_GOLD
    from tests.query.store import gold_reports, write_reports

    db = tmp_path / "cli.db"
    eng = get_engine(f"sqlite:///{db}")
    create_all(eng)
    write_reports(eng, gold_reports(SHARED_GOLD))
    env = dict(os.environ, DATABASE_URL=f"sqlite:///{db}", PYTHONPATH=str(ROOT))
    stdin = "\n".join(q["q"] for q in QUESTIONS) + "\n"
    proc = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", "--today", TODAY.isoformat()],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=str(ROOT),
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(line) for line in proc.stdout.splitlines() if line.strip().startswith("{")]
    assert len(lines) == len(QUESTIONS)
    for q, got in zip(QUESTIONS, lines, strict=True):
        _check(q, got)


SHORT = {
    "银川市西夏区审批服务管理局": "西夏区",
    "银川市兴庆区人民政府": "兴庆区",
    "淮安市洪泽区人民政府": "洪泽区",
}
TOO_GENERIC = ("apply.result.other.other.",)  # the row is printed as just "3.其他"


def test_every_catalogue_name_of_every_gold_value(gold_answerer):
    """Asking for a number by its official name (and a short agency name) returns exactly that cell,
    and a blank cell says no_data — over every value of the gold reports."""
    from reports.catalogue import definition
    from tests.conftest import SHARED_GOLD

    if not SHARED_GOLD.is_dir():
        pytest.skip("../shared/gold not present")
    wrong = []
    for name in ("seeds.json", "extra.json"):
        for r in json.loads((SHARED_GOLD / name).read_text(encoding="utf-8"), parse_float=Decimal)["reports"]:
            if r["template"] == "narrative":
                continue
            for key, val in r["values"].items():
                if key.startswith(TOO_GENERIC):
                    continue
                q = f"{SHORT.get(r['agency'], r['agency'])} {r['year']} {definition(key, r['template']).name_zh}"
                got = gold_answerer.ask(q, today=TODAY)
                if val is None:
                    ok = got.status == "no_data" and not got.answers
                else:
                    ok = got.status == "ok" and [(a.indicator, a.value) for a in got.answers] == [(key, val)]
                if not ok:
                    wrong.append((q, got.status, [(a.indicator, a.value) for a in got.answers][:2]))
    assert not wrong, wrong[:10]


def _gold(agency: str, year: int) -> dict:
    from tests.conftest import SHARED_GOLD

    for name in ("seeds.json", "extra.json"):
        for r in json.loads((SHARED_GOLD / name).read_text(encoding="utf-8"), parse_float=Decimal)["reports"]:
            if r["agency"] == agency and r["year"] == year:
                return r["values"]
    raise KeyError(agency)


@pytest.mark.parametrize(
    ("q", "agency", "year", "key"),
    [
        (
            "西夏区 2020 行政许可 上一年项目数量",
            "银川市西夏区审批服务管理局",
            2020,
            "active.license.prev_items",
        ),
        (
            "西夏区 2020 其他对外管理服务事项本年增/减",
            "银川市西夏区审批服务管理局",
            2020,
            "active.other_services.change",
        ),
        ("西夏区2020年行政许可本年增减", "银川市西夏区审批服务管理局", 2020, "active.license.change"),
        ("淮安市 2024 行政复议 结果纠正", "淮安市人民政府", 2024, "review.corrected"),
        ("淮安市 2024 复议维持", "淮安市人民政府", 2024, "review.upheld"),
        ("淮安市 2024 未经复议直接起诉 结果维持", "淮安市人民政府", 2024, "litigation.direct.upheld"),
        ("淮安市 2024 规章 现行有效件数", "淮安市人民政府", 2024, "active.regulations.in_force"),
        ("淮安市 2024 行政规范性文件本年废止件数", "淮安市人民政府", 2024, "active.normative.repealed"),
        (
            "淮安市 2024 不予公开 属于国家秘密 自然人",
            "淮安市人民政府",
            2024,
            "apply.result.denied.state_secret.natural_person",
        ),
        (
            "淮安市 2024 本年度办理结果 予以公开 商业企业",
            "淮安市人民政府",
            2024,
            "apply.result.granted.commercial",
        ),
    ],
)
def test_table_columns_on_gold(gold_answerer, q, agency, year, key):
    got = gold_answerer.ask(q, today=TODAY)
    assert got.status == "ok", got.text
    assert [(a.agency, a.indicator, a.value) for a in got.answers] == [
        (agency, key, _gold(agency, year)[key])
    ]
