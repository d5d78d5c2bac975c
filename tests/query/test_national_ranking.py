"""Issue 18 target 3: a national ranking/total of a plain indicator is ordered, counted and summed by the
store (storage.reads_engine.year_ranked) when the catalogue is read per question; it must answer exactly as
the in-memory Python scoring does — ties by name, blank cells, bodies without that year's report, and sums
beyond a float's precision. Runs on SQLite and, with TEST_DATABASE_URL, on PostgreSQL (NUMERIC sum)."""

from __future__ import annotations

from datetime import date

import pytest

from storage import queries
from tests.query.store import FakeReport, write_reports
from tests.query.test_national_store import answerer_in_mode

TODAY = date(2025, 6, 1)
KEY = "apply.received.total"
GRANTED_2021 = "apply.result.granted.total"
QUESTIONS = [
    "2020年依申请数最多的前3个单位", "2020年依申请数最少的前2个单位", "2020年依申请数最多的前5个单位",
    "2020 依申请数合计", "2019 依申请数合计", "2019年依申请数最多的单位", "2020年行政复议合计",
    "2020年行政复议最多的前2个单位", "2018年依申请数最多的单位", "2020年行政诉讼最多的单位",
    "2020年予以公开最多的前3个单位", "2020 予以公开合计", "2019年予以公开最少的单位",
]
GRANTED = {"2008": "apply.answered.granted", "2019": "apply.result.granted.total", "2021": GRANTED_2021}


def _store() -> list[FakeReport]:
    reps = []
    values = [7, 7, 7, 3, None, 10**20, 1, 0, 7, None, 3]  # ties at the cut, blanks, a sum past float precision
    for i, v in enumerate(values):
        name = f"银川市西夏区第{chr(0x4E00 + 37 * (len(values) - i))}局"  # names not in id order
        tpl = "2008" if i == 3 else "2021"  # one body still on the old template: another key for 予以公开
        granted = {("apply.answered.granted" if tpl == "2008" else GRANTED_2021): i % 5 or None}
        reps.append(FakeReport(name, 2020, tpl, {KEY: v, "review.total": i % 3 or None} | granted))
        if i % 4:
            reps.append(FakeReport(name, 2019, "2019", {KEY: i, "review.total": 1, GRANTED_2021: i // 2}))
    reps.append(FakeReport("银川市兴庆区无报告局", 2018, "2008", {KEY: 5}))  # no 2019/2020 report
    return reps


def _answers(engine, lazy: bool, monkeypatch) -> list:
    a = answerer_in_mode(engine, lazy, monkeypatch)
    out = []
    for i, q in enumerate(QUESTIONS):
        ans = a.ask(q, today=TODAY, chat_key=f"{lazy}:{i}")
        out.append((q, ans.status, ans.header + ans.text + "\n".join(ans.notes), [(r.agency, r.year, r.value) for r in ans.answers]))
    assert a.cache.lazy is lazy
    return out


@pytest.mark.pg
def test_store_ranking_and_total_answer_as_the_python_scoring(engine, monkeypatch):
    write_reports(engine, _store())
    calls = []
    real = queries.year_ranked
    monkeypatch.setattr(
        queries, "year_ranked", lambda *a, **k: calls.append(tuple(sorted(set(a[2].values())))) or real(*a, **k)
    )
    mem = _answers(engine, False, monkeypatch)
    assert not calls
    lazy = _answers(engine, True, monkeypatch)
    # litigation.total (two parts since 2019) stays in Python; 予以公开 reads its key per template
    assert set(calls) == {(KEY,), ("review.total",), tuple(sorted(set(GRANTED.values())))}
    assert mem == lazy
    assert sum(st == "ok" for _q, st, _t, _r in lazy) >= len(QUESTIONS) - 2
    total_2020 = next(t for q, _s, t, _r in lazy if q == "2020 依申请数合计")
    assert str(10**20 + 7 * 4 + 3 * 2 + 1) in total_2020.replace(",", "")
    top3 = next(r for q, _s, _t, r in lazy if q == "2020年依申请数最多的前5个单位")
    assert [v for _a, _y, v in top3] == [10**20, 7, 7, 7, 7]
    assert [a for a, _y, _v in top3][1:] == sorted(a for a, _y, _v in top3[1:])  # ties by name


@pytest.mark.pg
def test_year_ranked_counts_blanks_and_missing_reports(engine):
    write_reports(engine, _store())
    both = {"2021": KEY, "2008": KEY}
    got = queries.year_ranked(engine, 2020, both, 2, False)
    assert (got.count, got.total) == (9, 10**20 + 7 * 4 + 3 * 2 + 1)
    assert sorted(v for _a, _r, v in got.candidates) == [7, 7, 7, 7, 10**20]  # the cut is 7: every 7 is a candidate
    assert (got.blank, got.reports) == (2, 11)  # 11 bodies, 1 without a 2020 report
    blank = queries.year_blank(engine, 2020, both, 99)
    missing = queries.year_missing(engine, 2020, 99)
    assert len(blank) == 2 and len(missing) == 1 and blank == sorted(blank)
    assert queries.year_blank(engine, 2020, both, 1) == blank[:1]  # only as many as are shown
    assert [v for _a, _r, v in queries.year_ranked(engine, 2020, both, 1, True).candidates] == [0]
    assert queries.year_ranked(engine, 2020, both, 0, False).candidates == []
    stated = {a for a, _r, _v in queries.year_ranked(engine, 2020, both, 99, False).candidates}
    assert len(stated) == 9 and not stated & set(blank + missing)
    none = queries.year_ranked(engine, 2017, {"2021": KEY}, 3, False)
    assert (none.count, none.total, none.candidates, none.blank, none.reports) == (0, 0, [], 0, 0)
    assert queries.year_missing(engine, 2017, 99) == sorted(missing + blank + sorted(stated))


def _many_blank_store() -> list[FakeReport]:
    """More blank bodies and more bodies without a 2020 report than an answer names (format.NAMES_MAX), with
    ids out of name order: the names shown are read from the store by count and prefix, not from id lists."""
    reps = []
    for i in range(40):
        name = f"银川市金凤区第{chr(0x4E00 + 53 * (40 - i))}办"
        if i % 3 == 0:
            reps.append(FakeReport(name, 2019, "2019", {KEY: i}))  # no 2020 report
        else:
            reps.append(FakeReport(name, 2020, "2021", {KEY: None if i % 3 == 1 else i, "review.total": 1}))
    return reps


@pytest.mark.pg
def test_counted_blank_and_missing_bodies_answer_as_the_python_scoring(engine, monkeypatch):
    write_reports(engine, _many_blank_store())
    qs = ["2020 依申请数合计", "2020年依申请数最多的前3个单位", "2020年依申请数最少的单位"]

    def answers(lazy: bool) -> list:
        a = answerer_in_mode(engine, lazy, monkeypatch)
        got = [a.ask(q, today=TODAY, chat_key=f"{lazy}:{q}") for q in qs]
        return [(x.status, x.header, x.notes, [(r.agency, r.value) for r in x.answers]) for x in got]

    mem, lazy = answers(False), answers(True)
    assert mem == lazy
    notes = "\n".join(lazy[0][2])
    assert "等 14 个" in notes and "等 13 个" in notes  # 14 without a 2020 report, 13 blank: counted, 12 named
