"""The question reader: normalisation, years in every form, top N, intent words; never raises."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from query.parse_question import cn_number, normalize, parse_question, strip_fillers

TODAY = date(2021, 1, 31)


@pytest.mark.parametrize(
    ("q", "years"),
    [
        ("西夏区 2020 依申请数", [2020]),
        ("西夏区2020年依申请数", [2020]),
        ("西夏区 2020年度 依申请数", [2020]),
        ("二〇二〇年 西夏区", [2020]),
        ("二零二零年 西夏区", [2020]),
        ("20年 西夏区", [2020]),
        ("19年度西夏区", [2019]),
        ("２０２０年", [2020]),
        ("去年", [2020]),
        ("前年", [2019]),
        ("今年", [2021]),
        ("大前年", [2018]),
        ("2017-2020", [2017, 2018, 2019, 2020]),
        ("2017到2020", [2017, 2018, 2019, 2020]),
        ("2017至2020年", [2017, 2018, 2019, 2020]),
        ("2017年-2020年", [2017, 2018, 2019, 2020]),
        ("2017~2020", [2017, 2018, 2019, 2020]),
        ("2020-2017", [2017, 2018, 2019, 2020]),
        ("2017-20", [2017, 2018, 2019, 2020]),
        ("2018和2020", [2018, 2020]),
        ("2018、2019年", [2018, 2019]),
        ("西夏区依申请数", []),
        ("上年结转申请", []),
        ("本年新收申请", []),
        ("前3名", []),
        ("近三年", []),
    ],
)
def test_years(q, years):
    assert parse_question(q, TODAY).years == years


def test_relative_years_follow_injected_today():
    assert parse_question("去年", date(2025, 3, 1)).years == [2024]
    assert parse_question("今年", date(2019, 12, 31)).years == [2019]


@pytest.mark.parametrize(
    ("q", "n"), [("近三年", 3), ("近3年", 3), ("最近五年", 5), ("近十年", 10), ("过去两年", 2)]
)
def test_recent_years(q, n):
    pq = parse_question(q, TODAY)
    assert pq.recent_n == n and pq.years == []


def test_since_and_all_years():
    assert parse_question("2017年以来 依申请数", TODAY).since_year == 2017
    assert parse_question("历年依申请数", TODAY).all_years


@pytest.mark.parametrize(
    ("q", "n"), [("前5名", 5), ("前三", 3), ("top 10", 10), ("TOP3", 3), ("最多的5个", 5), ("前十个单位", 10)]
)
def test_top_n(q, n):
    pq = parse_question(q, TODAY)
    assert pq.top_n == n and pq.rank


@pytest.mark.parametrize(
    ("q", "flag"),
    [
        ("2020年依申请数最多的单位", "rank"),
        ("依申请数排名", "rank"),
        ("依申请数最少", "ascending"),
        ("银川市依申请数合计", "total_strong"),
        ("银川市依申请总数", "total_weak"),
        ("西夏区和兴庆区对比", "compare"),
        ("西夏区依申请数趋势", "trend"),
        ("西夏区有哪些年份", "avail_years"),
        ("有哪些单位", "avail_agencies"),
        ("依申请数是什么意思", "glossary"),
        ("纠错率怎么算", "glossary"),
        ("帮助", "help"),
        ("help", "help"),
        ("那2019年呢", "followup"),
        ("兴庆区呢", "followup"),
        ("那么复议", "followup"),
    ],
)
def test_intent_flags(q, flag):
    assert getattr(parse_question(q, TODAY), flag) is True


def test_not_flags():
    pq = parse_question("西夏区 2020 依申请数", TODAY)
    assert not (pq.rank or pq.compare or pq.trend or pq.glossary or pq.help or pq.followup or pq.avail_years)
    assert parse_question("西夏区有哪些年份", TODAY).avail_agencies is False


def test_normalize():
    assert normalize("銀川市西夏區　２０２０年，依申請數？") == "银川市西夏区 2020年 依申请数"
    assert normalize("ＡＢＣ") == "abc"
    assert normalize("a\x00b") == "ab"


def test_cn_number():
    assert [cn_number(s) for s in ("三", "十", "十五", "二十", "两", "12", "百", "x")] == [
        3,
        10,
        15,
        20,
        2,
        12,
        None,
        None,
    ]


def test_strip_fillers():
    assert strip_fillers("请问 兴庆区 的 是多少") == "兴庆区"


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=4096))
def test_reader_never_raises(text):
    pq = parse_question(text, TODAY)
    assert isinstance(pq.years, list)
    assert all(1990 <= y <= 2100 for y in pq.years)


@settings(max_examples=150, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("0123456789年度到至-~近前三十两〇零一二去今西夏区依申请数排名呢那 ，？")
        ),
        max_size=200,
    )
)
def test_reader_never_raises_on_year_like_text(text):
    pq = parse_question(text, TODAY)
    assert len(pq.years) <= 41


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_engine_never_raises(fixture_answerer, text):
    ans = fixture_answerer.ask(text, today=TODAY)
    assert ans.status in {"ok", "ambiguous", "not_found", "no_data"}


# ------------------------------------------------------------------ issue 14: forms that were misread
@pytest.mark.parametrize(
    ("q", "years"),
    [
        ("洪泽区 22-24年 依申请数", [2022, 2023, 2024]),
        ("洪泽区 23到24年 行政复议", [2023, 2024]),
        ("19至20年度 西夏区", [2019, 2020]),
        ("洪泽区二三年到二四年依申请数", [2023, 2024]),
        ("洪泽区二三年依申请数", [2023]),
        ("西夏区 12-15 依申请数", []),  # no 年: not a range of years
        ("十二年", []),  # 十 is no digit: not 2012
    ],
)
def test_two_digit_year_ranges(q, years):
    assert parse_question(q, date(2025, 6, 1)).years == years


@pytest.mark.parametrize(
    ("q", "part"),
    [
        ("洪泽区 2024年上半年 依申请数", "上半年"),
        ("洪泽区2024年第一季度依申请数", "一季度"),
        ("洪泽区2024年12月依申请数", "12月"),
        ("平均每月收到多少申请", "每月"),
        ("洪泽区2024 依申请数", ""),
        ("年报3月31日前要发布", ""),  # a date in a deadline question is no part of a year
    ],
)
def test_parts_of_a_year_are_seen(q, part):
    assert parse_question(q, date(2025, 6, 1)).sub_year == part


@pytest.mark.parametrize(
    ("q", "n", "ascending"),
    [("2024年依申请数倒数3名", 3, True), ("行政复议排名倒数第一", 1, True), ("前5名", 5, False)],
)
def test_bottom_n(q, n, ascending):
    pq = parse_question(q, date(2025, 6, 1))
    assert (pq.top_n, pq.ascending, pq.rank) == (n, ascending, True)


@pytest.mark.parametrize(
    ("q", "level"),
    [("淮安市2024年哪个区依申请最多", "区"), ("安溪市各区县2024年行政复议", "区县"), ("淮安市 依申请数", "")],
)
def test_places_below(q, level):
    assert parse_question(q, date(2025, 6, 1)).sub_level == level
