"""The question suite (issue 14): tests/query/data/question_suite.csv, over the reports in ../shared.

Each row: a question (rows sharing a `group` are asked in order in one chat), the expected status, and
what it must answer: `agency|year|key` items (`;`-separated; the value is looked up in ../shared/gold,
never taken from the engine; `sum:a+b` is a derived sum, `ratio:a+b/c` a derived share in %), `-` for "no number at all", `*` for "some
numbers" (overviews). The rows with `-` are the ones that must never come back with a number: unknown
places, nonsense, other topics, context traps.
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from query.engine import Answerer
from service.deadlines import ANSWERERS
from tests.conftest import SHARED_GOLD
from tests.query.conftest import said

SUITE = Path(__file__).with_name("data") / "question_suite.csv"
TODAY = date(2025, 6, 1)


def _rows() -> list[dict[str, str]]:
    with SUITE.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _gold() -> dict[tuple[str, int], dict[str, float]]:
    out = {}
    for name in ("seeds.json", "extra.json"):
        for r in json.loads((SHARED_GOLD / name).read_text(encoding="utf-8"))["reports"]:
            out[(r["agency"], int(r["year"]))] = dict(r["values"])
    return out


def _value(gold, agency: str, year: int, key: str) -> float:
    vals = gold[(agency, year)]
    if key.startswith("ratio:"):  # a derived share in %, rounded as stated: ratio:a+b/c+d
        num, den = (_value(gold, agency, year, "sum:" + part) for part in key[6:].split("/"))
        return round(100 * num / den, 2)
    if key.startswith("sum:"):  # a derived sum: of cells, or of indicators ("复议加诉讼")
        return sum(_value(gold, agency, year, k) for k in key[4:].split("+"))
    if key == "litigation.total" and key not in vals:  # 2019/2021: direct + after review, stated as derived
        return vals["litigation.direct.total"] + vals["litigation.after_review.total"]
    return vals[key]


def _expected(gold, spec: str) -> Counter:
    items = [s.split("|") for s in spec.split(";")]
    return Counter((a, int(y), float(_value(gold, a, int(y), k))) for a, y, k in items)


@pytest.fixture(scope="module")
def suite_results(shared_answerer):
    """Every suite question asked once (groups in order, in their own chat)."""
    if not SHARED_GOLD.is_dir():
        pytest.skip("../shared/gold not present")
    answerer = Answerer(shared_answerer.engine, answerers=ANSWERERS)
    out = []
    for i, row in enumerate(_rows()):
        key = f"suite:{row['group']}" if row["group"] else f"suite:solo:{i}"
        out.append((row, answerer.ask(row["question"], today=TODAY, chat_key=key)))
    return out


def test_the_suite_is_large_enough():
    rows = _rows()
    assert len(rows) >= 300
    assert sum(r["expect"] == "-" for r in rows) >= 60


def test_no_question_we_should_not_answer_gets_a_number(suite_results):
    numbered = [(r["question"], a.status, a.answers[:2]) for r, a in suite_results if r["expect"] == "-" and a.answers]
    assert not numbered


def test_every_suite_question_gets_the_expected_status_and_numbers(suite_results):
    gold = _gold()
    wrong = []
    for row, ans in suite_results:
        if row["status"] != "*" and ans.status != row["status"]:
            wrong.append((row["question"], row["status"], ans.status, said(ans)[:80]))
            continue
        if row["expect"] in {"-", "*"}:
            if row["expect"] == "*" and not ans.answers:
                wrong.append((row["question"], "numbers", "none", said(ans)[:80]))
            continue
        got = Counter((a.agency, a.year, float(a.value)) for a in ans.answers)
        if got != _expected(gold, row["expect"]):
            wrong.append((row["question"], row["expect"], sorted(got), said(ans)[:80]))
    assert not wrong, f"{len(wrong)} of {len(suite_results)}: {wrong[:12]}"


def test_no_internal_key_reaches_a_user(suite_results):
    import re

    key = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_0-9]+)*\b")
    leaks = [(r["question"], key.findall(said(a))[:3]) for r, a in suite_results if key.search(said(a))]
    assert not leaks


# ------------------------------------------------------------------ the generated corpus (unseen bodies)
GEN_WORDS = {
    "apply.received.total": ("{n} {y} 依申请数", "{n}{y}收到多少政府信息公开申请", "请问{n}{y}新收申请数量"),
    "review.total": ("{n} {y} 行政复议", "{n}{y}被复议了几次"),
    "litigation.total": ("{n} {y} 行政诉讼", "{n}{y}被告了几次"),
    "apply.result.granted.total": ("{n} {y} 予以公开",),
}
GEN_NO_NUMBER = ("{p}青石岭区 {y} 依申请数", "{n} {y} 天气怎么样", "{n} {y} 财政收入", "{n} {y} 人口有多少")


def _year_form(year: int, i: int) -> str:
    cn = "".join("〇一二三四五六七八九"[int(c)] for c in str(year))
    return (str(year), f"{year}年", f"{year}年度", cn, f"{str(year)[2:]}年")[i % 5]


def _generated_questions(manifest) -> list[tuple[str, dict | None]]:
    """(question, expected manifest row and key) — or None where no number may come back."""
    out: list[tuple[str, dict | None]] = []
    i = 0
    for r in manifest:
        vals = r["values"]
        for key, shapes in GEN_WORDS.items():
            if key not in vals and not (key == "litigation.total" and "litigation.direct.total" in vals):
                continue
            for shape in shapes:
                i += 1
                out.append((shape.format(n=r["agency"], y=_year_form(r["year"], i)), {"r": r, "key": key}))
        place = r["region_path"][-1] if r["region_path"] else r["agency"][:2]
        for shape in GEN_NO_NUMBER:
            out.append((shape.format(n=r["agency"], p=place, y=r["year"]), None))
    return out


def _manifest_value(r: dict, key: str) -> float:
    vals = r["values"]
    if key == "litigation.total" and key not in vals:
        return vals["litigation.direct.total"] + vals["litigation.after_review.total"]
    return vals[key]


def test_generated_corpus_questions(corpus):
    answerer, manifest = corpus
    questions = _generated_questions(manifest)
    assert len(questions) >= 200 and sum(e is None for _q, e in questions) >= 60
    wrong = []
    for q, exp in questions:
        ans = answerer.ask(q, today=TODAY)
        if exp is None:
            if ans.answers:
                wrong.append((q, "a number where none is due", ans.answers[0].value))
            continue
        r = exp["r"]
        got = [(a.agency, a.year, float(a.value)) for a in ans.answers]
        if ans.status != "ok" or got != [(r["agency"], r["year"], float(_manifest_value(r, exp["key"])))]:
            wrong.append((q, ans.status, got, said(ans)[:80]))
    assert not wrong, f"{len(wrong)} of {len(questions)}: {wrong[:10]}"
