"""The question suite (issue 14): tests/query/data/question_suite.csv, over the reports in ../shared.

Each row: a question (rows sharing a `group` are asked in order in one chat), the expected status, and
what it must answer: `agency|year|key` items (`;`-separated; the value is looked up in ../shared/gold,
never taken from the engine; `sum:a+b` is a derived sum), `-` for "no number at all", `*` for "some
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
    if key.startswith("sum:"):
        return sum(vals[k] for k in key[4:].split("+"))
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
            wrong.append((row["question"], row["status"], ans.status, ans.text[:80]))
            continue
        if row["expect"] in {"-", "*"}:
            if row["expect"] == "*" and not ans.answers:
                wrong.append((row["question"], "numbers", "none", ans.text[:80]))
            continue
        got = Counter((a.agency, a.year, float(a.value)) for a in ans.answers)
        if got != _expected(gold, row["expect"]):
            wrong.append((row["question"], row["expect"], sorted(got), ans.text[:80]))
    assert not wrong, f"{len(wrong)} of {len(suite_results)}: {wrong[:12]}"


def test_no_internal_key_reaches_a_user(suite_results):
    import re

    key = re.compile(r"\b[a-z_]+\.[a-z_]+(?:\.[a-z_0-9]+)*\b")
    leaks = [(r["question"], key.findall(a.text)[:3]) for r, a in suite_results if key.search(a.text)]
    assert not leaks
