"""Issue 14 behaviours over the fixture store, each as a family: year forms × positions, unknown places,
derived 法人 sums, trend/compare arithmetic, the context the reply says it kept, short names settled by the
asked year, and deadline questions from the reminder calendar."""

from __future__ import annotations

from datetime import date

import pytest

from query.engine import Answerer
from service.deadlines import ANSWERERS
from tests.query.conftest import TODAY, XQ_GOV, XX_SP, YC_SP, fixture_value, said

RECEIVED = "apply.received.total"
ORG = ("commercial", "research", "social", "legal", "other_org")


def _year_forms(y: int) -> list[str]:
    digits = "〇一二三四五六七八九"
    cn = "".join(digits[int(c)] for c in str(y))
    return [str(y), f"{y}年", f"{y}年度", cn, f"{cn}年", f"{str(y)[2:]}年"]


@pytest.mark.parametrize("form", _year_forms(2019))
@pytest.mark.parametrize("shape", ["兴庆区 {y} 依申请数", "兴庆区 依申请数 {y}", "{y} 兴庆区 依申请数", "兴庆区{y}依申请数是多少"])
def test_every_year_form_anywhere(fixture_answerer, form, shape):
    ans = fixture_answerer.ask(shape.format(y=form), today=TODAY)
    assert ans.status == "ok", said(ans)
    assert [(r.agency, r.year, r.value) for r in ans.answers] == [(XQ_GOV, 2019, fixture_value(XQ_GOV, 2019, RECEIVED))]


UNKNOWN_PLACES = ["大武口", "清江浦", "清江浦区", "贺兰县", "灵武市", "海淀区", "浦东新区", "金凤区教育局", "中卫市公安局"]


@pytest.mark.parametrize("place", UNKNOWN_PLACES)
@pytest.mark.parametrize("tail", ["2020 依申请数", "2020 行政复议", "依申请数排名", "2020 依申请数合计"])
def test_an_unknown_place_is_not_found_never_a_wider_scope(fixture_answerer, place, tail):
    ans = fixture_answerer.ask(f"{place} {tail}", today=TODAY)
    assert ans.status in {"not_found", "ambiguous"}, said(ans)
    assert not ans.answers


@pytest.mark.parametrize("text", ["今天天气怎么样", "股票怎么买", "给我讲个笑话", "红烧肉怎么做"])
def test_other_topics_after_a_question_get_no_numbers(fixture_answerer, text):
    ctx = fixture_answerer.ask("兴庆区 2019 依申请数", today=TODAY).context
    ans = fixture_answerer.ask(text, today=TODAY, context=ctx)
    assert ans.status == "not_found" and not ans.answers, said(ans)


@pytest.mark.parametrize("word", ["法人申请", "法人或其他组织申请数", "法人或其他组织 依申请数"])
def test_legal_persons_are_the_stated_sum_of_five_columns(fixture_answerer, word):
    ans = fixture_answerer.ask(f"兴庆区 2019 {word}", today=TODAY)
    assert ans.status == "ok", said(ans)
    (row,) = ans.answers
    assert row.value == sum(fixture_value(XQ_GOV, 2019, f"apply.received.{c}") for c in ORG)
    assert row.source is not None and row.source.origin == "derived"
    assert len(row.derived_from) == 5 and "apply." not in said(ans)


def test_trend_states_each_change_absolute_and_percent(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2017-2020 依申请数 趋势", today=TODAY)
    rows = sorted(ans.answers, key=lambda r: r.year)
    assert [r.year for r in rows] == [2017, 2018, 2019, 2020]
    for prev, row in zip(rows, rows[1:], strict=False):
        assert row.change == row.value - prev.value
        assert row.change_pct == (round(100 * row.change / prev.value, 1) if prev.value else None)
    assert "逐年变化" in said(ans)


def test_compare_aligns_the_year_and_states_the_difference(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区和西夏区 2020 依申请数对比", today=TODAY)
    first, second = ans.answers
    assert first.year == second.year == 2020
    assert second.change == second.value - first.value
    assert "同年对比" in said(ans)


def test_the_reply_says_which_context_it_kept(fixture_answerer):
    ctx = fixture_answerer.ask("兴庆区 2019 依申请数", today=TODAY).context
    ans = fixture_answerer.ask("复议呢", today=TODAY, context=ctx)
    assert ans.status == "ok" and ans.context_kept == [XQ_GOV, "2019年"]
    assert said(ans).startswith("沿用上一问：")


def test_explicit_rank_words_beat_a_remembered_total(fixture_answerer):
    ctx = fixture_answerer.ask("银川市 2020 依申请数合计", today=TODAY).context
    ans = fixture_answerer.ask("哪个单位被复议最多", today=TODAY, context=ctx)
    assert ans.intent == "rank", said(ans)


@pytest.mark.parametrize(("year", "agency"), [(2017, YC_SP), (2018, YC_SP), (2020, XX_SP)])
def test_a_short_name_with_one_body_having_the_year_is_answered_and_says_why(fixture_answerer, year, agency):
    ans = fixture_answerer.ask(f"审批局 {year} 依申请数", today=TODAY)
    assert ans.status == "ok", said(ans)
    assert [r.agency for r in ans.answers] == [agency]
    assert "只有" in said(ans)


@pytest.fixture
def deadline_answerer(fixture_answerer):
    return Answerer(fixture_answerer.engine, answerers=ANSWERERS)


def test_deadline_questions_come_from_the_calendar(deadline_answerer):
    today = date(2021, 2, 15)
    general = deadline_answerer.ask("年报什么时候截止", today=today)
    assert general.status == "ok" and "2021-03-31" in said(general) and "2021-01-31" in said(general)
    filed = deadline_answerer.ask("西夏区交了吗", today=today)
    assert filed.status == "ok" and "已收录" in said(filed) and not filed.answers
    missing = deadline_answerer.ask("哪些单位还没交", today=today)
    assert "中卫市审批服务管理局" in said(missing) and not missing.answers


@pytest.mark.parametrize("question", ["洪泽区 2023 报告概览", "洪泽区 2023 这份报告讲了什么"])
def test_overview_is_one_screen_about_one_report(fixture_answerer, question):
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "ok" and ans.intent == "overview", said(ans)
    assert "来源" in said(ans) and "勾稽问题" in said(ans) and ans.answers


def test_indicator_list_is_indicators_not_bodies(fixture_answerer):
    ans = fixture_answerer.ask("有哪些指标", today=TODAY)
    assert ans.intent == "indicators" and "依申请" in said(ans) and XQ_GOV not in said(ans)
