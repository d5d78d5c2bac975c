"""Issue 18: a national store is read per question (query/lazy.py, query/name_store.py) instead of being
loaded into memory at start-up; it must answer exactly as the in-memory catalogue does.

The same questions (the question suite in its chat groups, plus rankings, totals, listings and mistyped
names) are asked of one store twice — once with the whole catalogue in memory, once read per question
through the name index — and every answer's status and text must be the same. Runs on SQLite (the
threshold is forced) and, with TEST_DATABASE_URL, on PostgreSQL (`pytest -m pg`).
"""

from __future__ import annotations

import csv
from datetime import date

import pytest

from query import name_store
from query.engine import Answerer
from query.name_store import FORMS_VERSION, refresh
from service.deadlines import ANSWERERS
from storage import name_index
from tests.conftest import SHARED_GOLD
from tests.query.conftest import FIXTURE_REPORTS
from tests.query.store import gold_reports, write_reports
from tests.query.test_question_suite import SUITE

TODAY = date(2025, 6, 1)
EXTRA = [
    "2020年依申请数最多的单位", "2019年依申请数最少的前3个单位", "宁夏 2020 依申请数合计", "银川市 2020 依申请数排名",
    "有哪些单位", "银川市有哪些单位", "2020年有报告的单位", "有哪些年份", "西夏区 2020 依申请数", "西厦区 2020 依申请数",
    "银川市西下区审批服务管理局 2020 依申请数", "xixiaqu 2020 依申请数", "yinchuan 2019 复议", "火星市测试局 2020 依申请数",
    "淮安市 依申请总数", "中卫市 2020 行政复议", "2020 依申请数", "银川市哪些单位还没交2020年报", "中卫 历年 依申请数",
]


def _questions() -> list[tuple[str, str]]:
    """(chat key, question): the suite in its groups, then the extra questions each alone."""
    out = []
    with SUITE.open(encoding="utf-8", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh)):
            out.append((f"g:{row['group']}" if row["group"] else f"s:{i}", row["question"]))
    return out + [(f"x:{i}", q) for i, q in enumerate(EXTRA)]


def answerer_in_mode(engine, lazy: bool, monkeypatch) -> Answerer:
    """An Answerer reading per question (lazy) or from memory, whatever the store's size."""
    if lazy:
        monkeypatch.setenv("DISCLOSURE_LAZY_FROM", "1")
    else:
        monkeypatch.delenv("DISCLOSURE_LAZY_FROM", raising=False)
    return Answerer(engine, answerers=ANSWERERS)


def _answers(engine, lazy: bool, monkeypatch) -> list[tuple[str, str, list]]:
    a = answerer_in_mode(engine, lazy, monkeypatch)
    out = []
    for key, q in _questions():
        ans = a.ask(q, today=TODAY, chat_key=f"{'lazy' if lazy else 'mem'}:{key}")
        out.append((ans.status, ans.text, [(r.agency, r.year, r.value) for r in ans.answers]))
    assert a.cache.lazy is lazy
    return out


@pytest.mark.pg
def test_a_store_read_per_question_answers_as_the_in_memory_catalogue(engine, monkeypatch):
    if not SHARED_GOLD.is_dir():
        pytest.skip("../shared/gold not present")
    write_reports(engine, gold_reports(SHARED_GOLD))
    mem = _answers(engine, False, monkeypatch)
    lazy = _answers(engine, True, monkeypatch)
    diff = [(q, m[:2], z[:2]) for (_k, q), m, z in zip(_questions(), mem, lazy, strict=True) if m != z]
    assert not diff, f"{len(diff)} of {len(mem)} differ: {diff[:6]}"
    assert sum(s == "ok" for s, _t, _r in lazy) > 200


@pytest.mark.pg
def test_the_name_index_follows_new_agencies_and_aliases(engine):
    write_reports(engine, FIXTURE_REPORTS[:3])
    marks = refresh(engine)
    assert name_index.index_state(engine) == marks
    assert marks["max_len"] >= max(len(r.agency) for r in FIXTURE_REPORTS[:3])
    before = name_index.forms_in(engine, ["西夏区审批局"])
    write_reports(engine, FIXTURE_REPORTS[3:])
    now = name_index.catalogue_marks(engine) | {"max_len": marks["max_len"], "forms": FORMS_VERSION}
    assert name_index.index_state(engine) != now
    marks = refresh(engine)
    now = name_index.catalogue_marks(engine) | {"max_len": marks["max_len"], "forms": FORMS_VERSION}
    assert name_index.index_state(engine) == marks == now
    names = {r.agency for r in FIXTURE_REPORTS}
    found = {f for f, _a, _p in name_index.forms_in(engine, sorted(names))}
    assert found == names  # every official name is a form after the incremental refresh
    assert before == name_index.forms_in(engine, ["西夏区审批局"]) or not before


@pytest.mark.pg
def test_an_index_made_by_older_name_rules_is_rebuilt_whole(engine, monkeypatch):
    """An incremental refresh indexes only new agencies: forms written by older rules (say, a county body
    once indexed under its city's name) would stay; a changed FORMS_VERSION rebuilds the index."""
    write_reports(engine, FIXTURE_REPORTS[:3])
    marks = refresh(engine)
    old = {k: v for k, v in marks.items() if k != "forms"}  # as stores indexed before the version mark
    name_index.write_rows(engine, [], name_store.index_rows([]), old)
    rebuilt: list[int] = []
    real = name_store.build
    monkeypatch.setattr(name_store, "build", lambda eng, progress=None: rebuilt.append(1) or real(eng, progress))
    assert refresh(engine)["forms"] == FORMS_VERSION and rebuilt == [1]
    assert name_index.index_state(engine)["forms"] == FORMS_VERSION
    rebuilt.clear()
    refresh(engine)
    assert rebuilt == []  # current: nothing to do
