"""Follow-up questions reuse what the previous question set — and only that — per conversation."""

from __future__ import annotations

import pytest

from tests.query.conftest import TODAY, XQ_EDU, XQ_GOV, XX_SP, fixture_value, said

R = "apply.received.total"


def _ask(a, q, key="chat:1"):
    return a.ask(q, today=TODAY, chat_key=key)


def _rows(ans):
    return [(r.agency, r.year, r.indicator) for r in ans.answers]


@pytest.fixture
def ans(fixture_answerer):
    """A fresh conversation key per test on the shared fixture store."""
    import uuid

    key = f"t:{uuid.uuid4().hex[:12]}"
    return lambda q: _ask(fixture_answerer, q, key)


def test_year_follow_up(ans):
    assert _rows(ans("西夏区 2020 依申请数")) == [(XX_SP, 2020, R)]
    assert _rows(ans("那2019年呢")) == [(XX_SP, 2019, R)]


def test_agency_follow_up(ans):
    ans("西夏区 2020 依申请数")
    got = ans("兴庆区呢")
    assert _rows(got) == [(XQ_GOV, 2020, R)]
    assert got.answers[0].value == fixture_value(XQ_GOV, 2020, R)


def test_indicator_follow_up(ans):
    ans("西夏区 2020 依申请数")
    assert _rows(ans("复议呢")) == [(XX_SP, 2020, "review.total")]


def test_chain_of_follow_ups(ans):
    ans("西夏区 2020 依申请数")
    ans("那2019年呢")
    assert _rows(ans("兴庆区呢")) == [(XQ_GOV, 2019, R)]
    assert _rows(ans("复议呢")) == [(XQ_GOV, 2019, "review.total")]
    assert _rows(ans("2018年呢")) == [(XQ_GOV, 2018, "review.total")]


def test_default_year_is_not_dragged_along(ans):
    """The first question set no year (latest = 2020 for 西夏区); 兴庆区's own latest year is used."""
    first = ans("西夏区审批局 依申请数")
    assert first.answers[0].year == 2020
    got = ans("兴庆区教育局呢")
    assert _rows(got) == [(XQ_EDU, 2020, R)]
    got = ans("那中卫市政务服务中心呢")
    assert _rows(got) == [("中卫市政务服务中心", 2017, R)]


def test_bare_year_and_bare_indicator_follow(ans):
    ans("兴庆区 2019 依申请数")
    assert _rows(ans("2020")) == [(XQ_GOV, 2020, R)]
    assert _rows(ans("诉讼")) == [(XQ_GOV, 2020, "litigation.total")]


def test_complete_question_ignores_context(ans):
    ans("兴庆区 2019 依申请数")
    assert _rows(ans("西夏区 2020 复议")) == [(XX_SP, 2020, "review.total")]


def test_no_data_keeps_context(ans):
    ans("兴庆区 2019 依申请数")
    assert ans("那2015年呢").status == "no_data"
    assert _rows(ans("2018年呢")) == [(XQ_GOV, 2018, R)]


def test_ambiguous_does_not_overwrite_context(ans):
    ans("兴庆区 2019 依申请数")
    assert ans("审批局呢").status == "ambiguous"
    assert _rows(ans("复议呢")) == [(XQ_GOV, 2019, "review.total")]


def test_rank_follow_up_year(ans):
    first = ans("2020年依申请数排名")
    assert first.intent == "rank"
    again = ans("那2019年呢")
    assert again.intent == "rank" and {r.year for r in again.answers} == {2019}


def test_trend_follow_up_agency(ans):
    ans("兴庆区 2017-2020 依申请数")
    got = ans("西夏区呢")
    assert [r.year for r in got.answers] == [2019, 2020]


def test_years_follow_up(ans):
    ans("西夏区 2020 依申请数")
    got = ans("有哪些年份")
    assert got.intent == "availability" and "2019" in said(got)


def test_conversations_are_separate(fixture_answerer):
    _ask(fixture_answerer, "西夏区 2020 依申请数", "a")
    _ask(fixture_answerer, "兴庆区 2018 复议", "b")
    assert _rows(_ask(fixture_answerer, "那2019年呢", "a")) == [(XX_SP, 2019, R)]
    assert _rows(_ask(fixture_answerer, "那2017年呢", "b")) == [(XQ_GOV, 2017, "review.total")]


def test_without_chat_key_no_context(fixture_answerer):
    fixture_answerer.ask("西夏区 2020 依申请数", today=TODAY)
    assert fixture_answerer.ask("复议呢", today=TODAY).status != "ok"


def test_explicit_context_argument(fixture_answerer):
    first = fixture_answerer.ask("西夏区 2020 依申请数", today=TODAY)
    got = fixture_answerer.ask("那2019年呢", today=TODAY, context=first.context)
    assert _rows(got) == [(XX_SP, 2019, R)]


@pytest.mark.pg
def test_context_survives_a_new_answerer(fresh_fixture_answerer):
    """Stored in the Conversation table: a restart (new Answerer) keeps the follow-up."""
    from query.engine import Answerer
    from storage.conversations import load_context

    eng = fresh_fixture_answerer.engine
    _ask(fresh_fixture_answerer, "西夏区 2020 依申请数", "tg:42")
    assert load_context(eng, "tg:42")["agencies"] == [XX_SP]
    assert _rows(_ask(Answerer(eng), "复议呢", "tg:42")) == [(XX_SP, 2020, "review.total")]


@pytest.mark.pg
def test_save_and_load_context_round_trip(engine):
    from storage.conversations import clear_context, load_context, save_context

    assert load_context(engine, "k") == {}
    save_context(engine, "k", {"years": [2020], "agencies": ["甲"]})
    save_context(engine, "k", {"years": [2019]})
    assert load_context(engine, "k") == {"years": [2019]}
    clear_context(engine, "k")
    assert load_context(engine, "k") == {}


def test_follow_up_without_a_previous_question(fixture_answerer):
    ans = fixture_answerer.ask("那2019年呢", today=TODAY, chat_key="fresh:never-asked")
    assert ans.status == "not_found" and not ans.answers and "上一个问题" in said(ans)


def test_gibberish_is_not_ok(fixture_answerer):
    ans = fixture_answerer.ask("随便说点什么", today=TODAY)
    assert ans.status == "not_found" and not ans.answers
