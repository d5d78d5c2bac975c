"""Questions as users type them, over our own fixture store, with the expected status and numbers.

Expected numbers are read from the fixture data (tests/query/conftest.py), never from the engine, and
derived ones are recomputed here from their parts.
"""

from __future__ import annotations

import pytest

from tests.query.conftest import (
    HZ_GOV,
    JF_GOV,
    JF_SJ,
    SZS_HN,
    TODAY,
    XQ_EDU,
    XQ_GOV,
    XX_SP,
    YC_SP,
    ZW_SP,
    ZW_SPT,
    fixture_value,
    said,
)

RECEIVED = "apply.received.total"

# (question, agency, year, key) → one ok answer whose value is the fixture's
SINGLE = [
    # agencies: official names, short forms, places, abbreviations, aliases, pinyin, typos, traditional
    ("银川市兴庆区人民政府 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区政府 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区人民政府2019年依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("银川市兴庆区 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("宁夏银川市兴庆区 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区教育局 2019 依申请数", XQ_EDU, 2019, RECEIVED),
    ("银川市兴庆区教育局 2020年 依申请数", XQ_EDU, 2020, RECEIVED),
    ("西夏区 2020 依申请数", XX_SP, 2020, RECEIVED),
    ("西夏区审批局 2020 依申请数", XX_SP, 2020, RECEIVED),
    ("西夏区审批服务管理局 2019 依申请数", XX_SP, 2019, RECEIVED),
    ("银川市西夏区审批局 2019 依申请数", XX_SP, 2019, RECEIVED),
    ("西夏 2019 依申请数", XX_SP, 2019, RECEIVED),
    ("银川审批局 2017 依申请数", YC_SP, 2017, RECEIVED),
    ("银川市审批局 2017 依申请数", YC_SP, 2017, RECEIVED),
    ("银川市行政审批局 2018 依申请数", YC_SP, 2018, RECEIVED),
    ("银川市政务服务管理局 2018 依申请数", YC_SP, 2018, RECEIVED),  # alias learned at ingest
    ("金凤区市场监管局 2020 依申请数", JF_SJ, 2020, RECEIVED),
    ("金凤区市监局 2020 依申请数", JF_SJ, 2020, RECEIVED),
    ("金凤区 2020 依申请数", JF_GOV, 2020, RECEIVED),
    ("中卫审批局 2019 依申请数", ZW_SP, 2019, RECEIVED),
    ("沙坡头区 2021 依申请数", ZW_SPT, 2021, RECEIVED),
    ("沙坡头 2022 依申请数", ZW_SPT, 2022, RECEIVED),
    ("洪泽区 2023 依申请数", HZ_GOV, 2023, RECEIVED),
    ("惠农区 2020 依申请数", SZS_HN, 2020, RECEIVED),
    ("xixiaqu 2020 依申请数", XX_SP, 2020, RECEIVED),
    ("xi xia qu 2020 依申请数", XX_SP, 2020, RECEIVED),
    ("xxq 2020 依申请数", XX_SP, 2020, RECEIVED),
    ("xingqingqu 2019 依申请数", XQ_GOV, 2019, RECEIVED),
    ("hongzequ 2023 依申请数", HZ_GOV, 2023, RECEIVED),
    ("西厦区 2020 依申请数", XX_SP, 2020, RECEIVED),  # homophone
    ("醒庆区 2019 依申请数", XQ_GOV, 2019, RECEIVED),  # homophone
    ("银川市西下区审批服务管理局 2020 依申请数", XX_SP, 2020, RECEIVED),  # typo
    ("银川市西夏区审批服务管里局 2020 依申请数", XX_SP, 2020, RECEIVED),  # typo
    ("興慶區 2019 依申請數", XQ_GOV, 2019, RECEIVED),
    ("銀川市西夏區審批服務管理局 2020 依申請數", XX_SP, 2020, RECEIVED),
    ("ＸＩＮＧＱＩＮＧＱＵ ２０１９ 依申请数", XQ_GOV, 2019, RECEIVED),
    # years in every form
    ("兴庆区 2019年 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 2019年度 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 二〇一九年 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 二零一九年 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 19年 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 去年 依申请数", XQ_GOV, 2020, RECEIVED),
    ("兴庆区 前年 依申请数", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 ２０１８ 依申请数", XQ_GOV, 2018, RECEIVED),
    ("2019年兴庆区的依申请数是多少？", XQ_GOV, 2019, RECEIVED),
    ("请问兴庆区2019年收到多少申请", XQ_GOV, 2019, RECEIVED),
    ("兴庆区2019年依申请公开有几件", XQ_GOV, 2019, RECEIVED),
    # indicators across formats: the same words in a 2008 and a 2019/2021 report
    ("兴庆区 2018 依申请数", XQ_GOV, 2018, RECEIVED),
    ("兴庆区 2018 收到申请数", XQ_GOV, 2018, RECEIVED),
    ("兴庆区 2019 收到申请", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 2019 申请量", XQ_GOV, 2019, RECEIVED),
    ("兴庆区 2018 申请量", XQ_GOV, 2018, RECEIVED),
    ("兴庆区 2020 新收申请", XQ_GOV, 2020, RECEIVED),
    ("沙坡头区 2022 新收申请数量", ZW_SPT, 2022, RECEIVED),
    ("兴庆区 2018 复议", XQ_GOV, 2018, "review.total"),
    ("兴庆区 2019 行政复议", XQ_GOV, 2019, "review.total"),
    ("兴庆区 2019 复议数量", XQ_GOV, 2019, "review.total"),
    ("兴庆区 2018 诉讼", XQ_GOV, 2018, "litigation.total"),
    ("西夏区 2020 行政诉讼", XX_SP, 2020, "litigation.total"),  # stored value wins over derivation
    ("兴庆区 2018 主动公开", XQ_GOV, 2018, "active.total"),
    ("兴庆区 2018 主动公开政府信息数", XQ_GOV, 2018, "active.total"),
    ("兴庆区 2018 予以公开", XQ_GOV, 2018, "apply.answered.granted"),
    ("兴庆区 2019 予以公开", XQ_GOV, 2019, "apply.result.granted.total"),
    ("兴庆区 2018 不予公开", XQ_GOV, 2018, "apply.answered.denied"),
    ("兴庆区 2018 复议纠错", XQ_GOV, 2018, "review.corrected"),
    ("兴庆区 2019 复议纠正", XQ_GOV, 2019, "review.corrected"),
    ("兴庆区 2019 行政复议纠正数", XQ_GOV, 2019, "review.corrected"),
    ("兴庆区 2018 诉讼纠错", XQ_GOV, 2018, "litigation.corrected"),
    ("兴庆区 2018 网站公开", XQ_GOV, 2018, "active.by_website"),
    ("兴庆区 2018 政府网站公开政府信息数", XQ_GOV, 2018, "active.by_website"),
    ("兴庆区 2018 微博", XQ_GOV, 2018, "active.by_weibo"),
    ("兴庆区 2018 培训人次", XQ_GOV, 2018, "training.trainees"),
    ("兴庆区 2018 专职人员", XQ_GOV, 2018, "org.staff_full_time"),
    ("兴庆区 2018 兼职人员", XQ_GOV, 2018, "org.staff_part_time"),
    ("兴庆区 2018 收费", XQ_GOV, 2018, "apply.fees"),
    ("沙坡头区 2022 收费", ZW_SPT, 2022, "apply.processing_fee"),
    ("沙坡头区 2022 行政事业性收费", ZW_SPT, 2022, "active.fees.amount"),
    ("兴庆区 2019 自然人", XQ_GOV, 2019, "apply.received.natural_person"),
    ("兴庆区 2019 自然人申请数", XQ_GOV, 2019, "apply.received.natural_person"),
    ("兴庆区 2019 商业企业", XQ_GOV, 2019, "apply.received.commercial"),
    ("兴庆区 2019 法律服务机构申请", XQ_GOV, 2019, "apply.received.legal"),
    ("兴庆区 2019 自然人予以公开", XQ_GOV, 2019, "apply.result.granted.natural_person"),
    ("兴庆区 2018 网上申请", XQ_GOV, 2018, "apply.received.online"),
    ("兴庆区 2018 网络申请", XQ_GOV, 2018, "apply.received.online"),
    ("兴庆区 2018 当面申请", XQ_GOV, 2018, "apply.received.in_person"),
    ("兴庆区 2019 上年结转", XQ_GOV, 2019, "apply.carried_in.total"),
    ("兴庆区 2019 行政许可", XQ_GOV, 2019, "active.license.decisions"),
    ("兴庆区 2019 行政处罚", XQ_GOV, 2019, "active.penalty.decisions"),
    ("兴庆区 2019 行政许可处理决定数量", XQ_GOV, 2019, "active.license.decisions"),
    ("兴庆区 2018 举报投诉", XQ_GOV, 2018, "complaints.total"),
    ("中卫市政务服务中心 2017 依申请数", "中卫市政务服务中心", 2017, RECEIVED),
    ("中卫市政务服务中心 2017 诉讼", "中卫市政务服务中心", 2017, "litigation.total"),
    # follow-up-like wording, fillers, punctuation
    ("兴庆区，2019，依申请数？", XQ_GOV, 2019, RECEIVED),
    ("查一下兴庆区2019年的依申请数量", XQ_GOV, 2019, RECEIVED),
    ("帮我查查 兴庆区 2019 复议有几件", XQ_GOV, 2019, "review.total"),
]


@pytest.mark.parametrize(("question", "agency", "year", "key"), SINGLE, ids=[s[0] for s in SINGLE])
def test_single_value(fixture_answerer, question, agency, year, key):
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "ok", said(ans)
    rows = [(r.agency, r.year, r.indicator) for r in ans.answers]
    assert rows == [(agency, year, key)], said(ans)
    row = ans.answers[0]
    assert row.value == fixture_value(agency, year, key)
    assert row.source is not None and row.source.line_no > 0 and row.source.line_text
    assert agency in said(ans) and str(year) in said(ans)


DERIVED = [
    (
        "兴庆区 2019 诉讼",
        XQ_GOV,
        2019,
        "litigation.total",
        lambda v: v["litigation.direct.total"] + v["litigation.after_review.total"],
    ),
    (
        "洪泽区 2023 行政诉讼数",
        HZ_GOV,
        2023,
        "litigation.total",
        lambda v: v["litigation.direct.total"] + v["litigation.after_review.total"],
    ),
    (
        "兴庆区 2019 纠错率",
        XQ_GOV,
        2019,
        "rate.correction",
        lambda v: round(
            100
            * (
                v["review.corrected"]
                + v["litigation.direct.corrected"]
                + v["litigation.after_review.corrected"]
            )
            / (v["review.total"] + v["litigation.direct.total"] + v["litigation.after_review.total"]),
            2,
        ),
    ),
    (
        "兴庆区 2018 纠错率",
        XQ_GOV,
        2018,
        "rate.correction",
        lambda v: round(
            100
            * (v["review.corrected"] + v["litigation.corrected"])
            / (v["review.total"] + v["litigation.total"]),
            2,
        ),
    ),
    (
        "兴庆区 2019 予以公开比例",
        XQ_GOV,
        2019,
        "share.granted",
        lambda v: round(100 * v["apply.result.granted.total"] / v["apply.result.total.total"], 2),
    ),
    (
        "兴庆区 2018 公开率",
        XQ_GOV,
        2018,
        "share.granted",
        lambda v: round(100 * v["apply.answered.granted"] / v["apply.answered.total"], 2),
    ),
    (
        "兴庆区 2019 不予公开",
        XQ_GOV,
        2019,
        "apply.result.denied.total",
        lambda v: sum(v[k] for k in v if k.startswith("apply.result.denied.") and k.endswith(".total")),
    ),
    (
        "兴庆区 2019 诉讼纠正",
        XQ_GOV,
        2019,
        "litigation.corrected",
        lambda v: v["litigation.direct.corrected"] + v["litigation.after_review.corrected"],
    ),
]


@pytest.mark.parametrize(
    ("question", "agency", "year", "key", "compute"), DERIVED, ids=[d[0] for d in DERIVED]
)
def test_derived_value(fixture_answerer, question, agency, year, key, compute):
    from tests.query.conftest import FIXTURE_REPORTS

    vals = next(r.values for r in FIXTURE_REPORTS if r.agency == agency and r.year == year)
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "ok", said(ans)
    assert [(r.agency, r.year, r.indicator) for r in ans.answers] == [(agency, year, key)]
    assert float(ans.answers[0].value) == pytest.approx(compute(vals))  # a ratio: Decimal to 0.01
    assert ans.answers[0].source.origin == "derived"
    assert "推算" in said(ans)


NO_DATA = [
    ("兴庆区 2016 依申请数", "2017"),  # no report that year: list the years that exist
    ("西夏区 2015 复议", "2019"),
    ("兴庆区教育局 2020 复议", "空白"),  # blank cell: never 0
    ("金凤区 2020 复议", "空白"),
    ("兴庆区 2017 其他方式回应事件数", "空白"),
    ("西夏区 2020 网上申请", "2008"),  # indicator not in this format
    ("兴庆区 2019 主动公开", "2008"),
    ("兴庆区 2018 自然人", "2008"),
    ("兴庆区 2019 培训人次", "2008"),
    ("中卫市政务服务中心 2017 予以公开", "文字版"),
    ("中卫审批局 2019 纠错率", "分母"),
    ("沙坡头区 2019 依申请数", "2021"),
    ("洪泽区 今年 依申请数", "2023"),
]


@pytest.mark.parametrize(("question", "must"), NO_DATA, ids=[n[0] for n in NO_DATA])
def test_no_data(fixture_answerer, question, must):
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "no_data", said(ans)
    assert not ans.answers
    assert must in said(ans)


def test_zero_denominator_is_no_data(fixture_answerer):
    # 西夏区 2020: review 2 + litigation 3 stored … make sure a real zero-denominator case says so
    ans = fixture_answerer.ask("中卫市政务服务中心 2017 纠错率", today=TODAY)
    assert ans.status == "no_data"


NOT_FOUND = [
    ("石嘴山市大武口区 2020 依申请数", SZS_HN),
    ("大武口区 2020 依申请数", None),
    ("西夏区教育局 2020 依申请数", XX_SP),
    ("北京市朝阳区人民政府 2020 依申请数", None),
    ("兴庆区公安局 2019 依申请数", None),
    ("火星市审批局 2020 依申请数", None),
    ("兴庆区 2019 彩票销量", None),
    ("兴庆区 2019 天气", None),
]


@pytest.mark.parametrize(("question", "suggest"), NOT_FOUND, ids=[n[0] for n in NOT_FOUND])
def test_not_found(fixture_answerer, question, suggest):
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "not_found", said(ans)
    assert not ans.answers
    assert "没有" in said(ans)
    if suggest:
        assert suggest in [c.label for c in ans.candidates]


AMBIGUOUS = [
    ("审批局 依申请数", {XX_SP, YC_SP, ZW_SP}),
    ("审批服务管理局 2019 依申请数", {XX_SP, ZW_SP}),
    ("中卫 2019 依申请数", {ZW_SP, ZW_SPT}),
    ("银川 2020 依申请数", {XQ_GOV, XX_SP, JF_GOV}),
    ("yinchuan 2020 依申请数", {XQ_GOV, XX_SP}),
]


@pytest.mark.parametrize(("question", "must"), AMBIGUOUS, ids=[a[0] for a in AMBIGUOUS])
def test_ambiguous_offers_candidates(fixture_answerer, question, must):
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "ambiguous", said(ans)
    assert not ans.answers
    labels = {c.label for c in ans.candidates}
    assert must <= labels
    assert all(c.kind == "agency" and c.value == c.label for c in ans.candidates)


def test_ambiguous_choice_substituted_answers(fixture_answerer):
    """What the bot does on a button tap: the chosen name put into the question."""
    from handlers.buttons import substitute

    first = fixture_answerer.ask("审批局 依申请数", today=TODAY)
    choice = next(c for c in first.candidates if c.label == XX_SP)
    again = fixture_answerer.ask(substitute("审批局 依申请数", choice.label, choice.value), today=TODAY)
    assert again.status == "ok" and again.answers[0].agency == XX_SP


def test_no_year_uses_latest_and_says_so(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 依申请数", today=TODAY)
    assert ans.status == "ok"
    assert [(r.year, r.value) for r in ans.answers] == [(2020, fixture_value(XQ_GOV, 2020, RECEIVED))]
    assert "未指定年份" in said(ans) and "2020" in said(ans)


def test_place_with_government_offers_departments(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2019 依申请数", today=TODAY)
    assert ans.answers[0].agency == XQ_GOV
    assert XQ_EDU in [c.label for c in ans.candidates]


def test_official_row_and_column_named(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2019 依申请数", today=TODAY)
    src = ans.answers[0].source
    assert src.row_label and src.column_label == "总计"
    assert "总计" in said(ans) and src.row_label in said(ans)


def test_findings_touching_the_number_are_shown(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2019 申请答复数", today=TODAY)
    assert ans.status == "ok"
    assert ans.answers[0].source.findings and "不符" in said(ans)
    clean = fixture_answerer.ask("兴庆区 2019 依申请数", today=TODAY)
    assert not clean.answers[0].source.findings


# ------------------------------------------------------------------ trend, compare, rank, total
def test_trend_range(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2017-2020 依申请数", today=TODAY)
    assert ans.status == "ok" and ans.intent == "trend"
    assert [(r.year, r.value) for r in ans.answers] == [
        (y, fixture_value(XQ_GOV, y, RECEIVED)) for y in (2017, 2018, 2019, 2020)
    ]


@pytest.mark.parametrize(
    "q",
    [
        "兴庆区 2017到2020 依申请数",
        "兴庆区 2017至2020年 依申请数",
        "兴庆区 2017年-2020年依申请数",
        "兴庆区 2017~2020 依申请数",
        "兴庆区 2017－2020 依申请数",
    ],
)
def test_trend_range_words(fixture_answerer, q):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert [r.year for r in ans.answers] == [2017, 2018, 2019, 2020], said(ans)


def test_trend_recent_years(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 近三年 依申请数", today=TODAY)
    assert [r.year for r in ans.answers] == [2018, 2019, 2020]
    ans = fixture_answerer.ask("兴庆区近3年复议", today=TODAY)
    assert [r.year for r in ans.answers] == [2018, 2019, 2020]
    assert ans.answers[0].indicator == "review.total"


def test_trend_all_years_and_gaps(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 历年 依申请数", today=TODAY)
    assert [r.year for r in ans.answers] == [2017, 2018, 2019, 2020]
    ans = fixture_answerer.ask("兴庆区 2016-2018 依申请数", today=TODAY)
    assert [r.year for r in ans.answers] == [2017, 2018]
    assert "2016" in said(ans)


def test_trend_word_without_years(fixture_answerer):
    ans = fixture_answerer.ask("西夏区 依申请数 趋势", today=TODAY)
    assert ans.intent == "trend" and [r.year for r in ans.answers] == [2019, 2020]


def test_compare_two_agencies(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区和西夏区 2020 依申请数 对比", today=TODAY)
    assert ans.status == "ok" and ans.intent == "compare"
    assert {(r.agency, r.value) for r in ans.answers} == {
        (XQ_GOV, fixture_value(XQ_GOV, 2020, RECEIVED)),
        (XX_SP, fixture_value(XX_SP, 2020, RECEIVED)),
    }


def test_compare_without_year_uses_common_latest(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 西夏区 依申请数", today=TODAY)
    assert {r.year for r in ans.answers} == {2020}
    assert "2020" in said(ans)


def test_compare_blank_cell_reported(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区、金凤区 2020 复议 对比", today=TODAY)
    assert [r.agency for r in ans.answers] == [XQ_GOV]
    assert "空白" in said(ans)


def _received_2020() -> list[tuple[str, float]]:
    from tests.query.conftest import FIXTURE_REPORTS

    rows = [
        (r.agency, r.values[RECEIVED])
        for r in FIXTURE_REPORTS
        if r.year == 2020 and r.values.get(RECEIVED) is not None
    ]
    return sorted(rows, key=lambda x: (-x[1], x[0]))


def test_rank_all(fixture_answerer):
    ans = fixture_answerer.ask("2020年依申请数排名", today=TODAY)
    assert ans.intent == "rank"
    assert [(r.agency, r.value) for r in ans.answers] == _received_2020()


@pytest.mark.parametrize(
    "q",
    [
        "2020年依申请数最多的前3个单位",
        "2020 依申请数 top3",
        "2020年依申请数前三名",
        "2020年哪个单位依申请数最多 前3",
    ],
)
def test_rank_top_n(fixture_answerer, q):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert [(r.agency, r.value) for r in ans.answers] == _received_2020()[:3], said(ans)


def test_rank_ascending(fixture_answerer):
    ans = fixture_answerer.ask("2020年依申请数最少的单位", today=TODAY)
    assert [(r.agency, r.value) for r in ans.answers] == sorted(_received_2020(), key=lambda x: (x[1], x[0]))


def test_rank_within_region(fixture_answerer):
    ans = fixture_answerer.ask("银川市 2020 依申请数排名", today=TODAY)
    expect = [x for x in _received_2020() if x[0].startswith("银川市")]
    assert [(r.agency, r.value) for r in ans.answers] == expect
    ans = fixture_answerer.ask("兴庆区 2020 依申请数排名", today=TODAY)
    assert {r.agency for r in ans.answers} == {XQ_GOV, XQ_EDU}


def test_rank_blank_excluded_and_named(fixture_answerer):
    ans = fixture_answerer.ask("2020年复议数排名", today=TODAY)
    assert JF_GOV not in [r.agency for r in ans.answers]
    assert JF_GOV in said(ans) and "空白" in said(ans)


def test_regional_total(fixture_answerer):
    ans = fixture_answerer.ask("银川市 2020 依申请数合计", today=TODAY)
    expect = [x for x in _received_2020() if x[0].startswith("银川市")]
    assert ans.status == "ok" and ans.intent == "total"
    total = sum(v for _a, v in expect)
    assert f"{int(total)}" in said(ans).replace(",", "")
    assert sorted(r.agency for r in ans.answers) == sorted(a for a, _v in expect)
    assert f"计入 {len(expect)} 份报告" in said(ans)
    assert YC_SP in said(ans)  # no 2020 report: said to be missing


@pytest.mark.parametrize(
    "q", ["银川市 2020 依申请总数", "银川市2020年依申请数一共多少", "银川市 2020 全市依申请数"]
)
def test_regional_total_words(fixture_answerer, q):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert ans.intent == "total", said(ans)
    assert len(ans.answers) == 5


def test_total_blank_is_not_counted(fixture_answerer):
    ans = fixture_answerer.ask("金凤区 2020 复议合计", today=TODAY)
    assert [r.agency for r in ans.answers] == [JF_SJ]
    assert JF_GOV in said(ans) and "未计入" in said(ans)


# ------------------------------------------------------------------ availability, glossary, help
def test_years_available(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区有哪些年份", today=TODAY)
    assert ans.status == "ok" and ans.intent == "availability"
    assert "2017" in said(ans) and "2020" in said(ans)
    assert {c.label for c in ans.candidates} >= {"2017年", "2020年"}


@pytest.mark.parametrize("q", ["西夏区有哪几年的报告", "西夏区 哪些年份有数据", "西夏区审批局有几年的报告"])
def test_years_available_words(fixture_answerer, q):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert ans.intent == "availability" and "2019" in said(ans) and "2020" in said(ans), said(ans)


def test_agencies_available(fixture_answerer):
    ans = fixture_answerer.ask("有哪些单位", today=TODAY)
    assert ans.intent == "availability"
    for name in (XQ_GOV, XX_SP, HZ_GOV):
        assert name in said(ans)
    ans = fixture_answerer.ask("银川市有哪些单位", today=TODAY)
    assert XQ_GOV in said(ans) and HZ_GOV not in said(ans)


@pytest.mark.parametrize(
    "q,must",
    [
        ("依申请数是什么意思", "新收"),
        ("纠错率怎么算", "÷"),
        ("什么是予以公开比例", "÷"),
        ("诉讼是什么", "复议后起诉"),
        ("不予公开指什么", "不予公开"),
        ("網上申請是什麼意思", "2008"),
    ],
)
def test_glossary(fixture_answerer, q, must):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert ans.status == "ok" and ans.intent == "glossary", said(ans)
    assert must in said(ans)


@pytest.mark.parametrize("q", ["帮助", "help", "你好", "", "   ", "？"])
def test_help(fixture_answerer, q):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert ans.intent == "help" and "依申请数" in said(ans)


def test_empty_store(engine):
    from query.engine import Answerer

    ans = Answerer(engine).ask("西夏区 2020 依申请数")
    assert ans.status == "no_data" and "还没有" in said(ans)


def test_refresh_sees_new_reports(engine):
    from query.engine import Answerer
    from tests.query.conftest import v2019
    from tests.query.store import FakeReport, write_reports

    a = Answerer(engine)
    assert a.ask("西夏区 2020 依申请数").status == "no_data"
    write_reports(engine, [FakeReport(XX_SP, 2020, "2019", v2019(2))])
    a.refresh()
    ans = a.ask("西夏区 2020 依申请数", today=TODAY)
    assert ans.status == "ok" and ans.answers[0].value == v2019(2)[RECEIVED]


def test_json_contract(fixture_answerer):
    got = fixture_answerer.ask("兴庆区 2019 依申请数", today=TODAY).to_json()
    # issue 13 adds `state` to each answer and `cells` (asked-for cells without a number, and why)
    assert set(got) == {"status", "answers", "candidates", "text", "cells"}
    a = got["answers"][0]
    assert isinstance(a["value"], int) and a["unit"] == "件" and a["state"] == "number"
    assert set(a["source"]) >= {
        "report_title",
        "file_name",
        "line_no",
        "line_text",
        "section",
        "row_label",
        "column_label",
        "origin",
        "template",
        "findings",
    }


@pytest.mark.pg
def test_every_intent_on_the_test_engine(fresh_fixture_answerer):
    """The raw SQL of the engine (slices, prefetch, findings) on SQLite and PostgreSQL alike."""
    a = fresh_fixture_answerer
    one = a.ask("兴庆区 2019 申请答复数", today=TODAY)
    assert one.status == "ok" and one.answers[0].source.findings
    assert [r.year for r in a.ask("兴庆区 2017-2020 依申请数", today=TODAY).answers] == [
        2017,
        2018,
        2019,
        2020,
    ]
    assert len(a.ask("兴庆区 西夏区 2020 依申请数", today=TODAY).answers) == 2
    ranked = a.ask("2020年依申请数排名", today=TODAY)
    assert [(r.agency, r.value) for r in ranked.answers] == _received_2020()
    total = a.ask("银川市 2020 依申请数合计", today=TODAY)
    assert total.intent == "total" and len(total.answers) == 5
    assert a.ask("兴庆区教育局 2020 复议", today=TODAY).status == "no_data"


@pytest.mark.parametrize(
    ("q", "intent"),
    [
        ("2020年各单位依申请数", "rank"),
        ("2020年所有单位的依申请数", "rank"),
        ("银川市 2020 各单位依申请数之和", "total"),
        ("西夏区和兴庆区哪个依申请数多", "compare"),
    ],
)
def test_listing_words(fixture_answerer, q, intent):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert ans.status == "ok" and ans.intent == intent, said(ans)


def test_command_and_mention_prefixes_are_ignored(fixture_answerer):
    for q in (
        "/ask 西夏区 2020 依申请数",
        "@disclosure_bot 西夏区 2020 依申请数",
        "/ask@disclosure_bot 西夏区 2020 依申请数",
    ):
        ans = fixture_answerer.ask(q, today=TODAY)
        assert [(r.agency, r.year) for r in ans.answers] == [(XX_SP, 2020)], q


@pytest.mark.parametrize(
    ("q", "key"), [("兴庆区 2019 依申情数", RECEIVED), ("兴庆区 2019 行政复义", "review.total")]
)
def test_clear_indicator_typo_is_read_and_said(fixture_answerer, q, key):
    ans = fixture_answerer.ask(q, today=TODAY)
    assert ans.status == "ok" and ans.answers[0].indicator == key
    assert "理解" in said(ans)


def test_unclear_indicator_typo_offers_choices(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2018 诉松", today=TODAY)
    assert ans.status == "not_found" and "行政诉讼" in [c.label for c in ans.candidates]


def test_unknown_rate_is_not_answered_with_a_count(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2018 办结率", today=TODAY)
    assert ans.status == "not_found" and not ans.answers
