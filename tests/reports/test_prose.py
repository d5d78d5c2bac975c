"""Figures stated in running text: the shapes we support, and the ones we must not read."""

from __future__ import annotations

import pytest

from reports.prose import parse_prose, to_number
from reports.text import to_lines


def prose(text: str, template: str = "narrative") -> dict[str, float]:
    return {v.key: v.value for v in parse_prose(to_lines(text), template)}


def test_not_received_is_zero():
    assert prose("四、政府信息依申请公开情况\n\n市政务服务中心2017年度未收到信息公开申请。") == {
        "apply.received.total": 0.0
    }
    assert prose("本年度没有收到公民、法人或其他组织提出的政府信息公开申请。")["apply.received.total"] == 0


def test_no_review_litigation_complaints_is_three_zeros():
    got = prose("市政务服务中心 2017 年没有发生因信息公开申请行政复议、提起行政诉讼、收到投诉举报情况。")
    assert got == {"review.total": 0.0, "litigation.total": 0.0, "complaints.total": 0.0}


def test_received_with_channels():
    got = prose(
        "2017年，银川市行政审批服务局共收到依申请公开20件，其中当面申请18件，网上申请2件，办结率100%。"
    )
    assert got == {
        "apply.received.total": 20.0,
        "apply.received.in_person": 18.0,
        "apply.received.online": 2.0,
    }
    got = prose("全年共收到政府信息公开申请 7 件，其中信函申请 1 件，传真申请 2 件，网络申请 4 件。", "2008")
    assert got["apply.received.fax"] == 2 and got["apply.received.letter"] == 1
    assert got["apply.received.online"] == 4 and got["apply.received.total"] == 7


def test_chinese_numerals():
    assert prose("本年度共收到政府信息公开申请十二件。")["apply.received.total"] == 12
    assert prose("因政府信息公开被申请行政复议两件。")["review.total"] == 2
    assert to_number("二十") == 20 and to_number("15") == 15 and to_number("abc") is None


def test_counts_of_review_litigation_and_active():
    got = prose("全年政府信息公开行政复议 3 件，行政诉讼 1 件。主动公开政府信息 1136 条。", "2008")
    assert got == {"review.total": 3.0, "litigation.total": 1.0, "active.total": 1136.0}


def test_sentence_wrapped_across_pdf_lines_keeps_the_number_line():
    text = "和针对性。2024 年，全市共受理政府信息公开申请 3119 件，答\n复 3050 件。政府信息公开行政复议 351\n件，其中结果维持 72 件，结果纠正 64 件，其他结果 178 件，尚\n未审结 37 件。"
    vals = parse_prose(to_lines(text), "2021")
    got = {v.key: v for v in vals}
    assert got["apply.received.total"].value == 3119 and got["apply.received.total"].line_no == 1
    assert got["review.total"].value == 351 and got["review.total"].line_no == 2
    assert all(v.origin == "prose" for v in vals)


def test_approximate_numbers_are_skipped():
    assert prose("主动公开政府信息 5500 余条。", "2008") == {}
    assert prose("共收到政府信息公开申请约 30 件。") == {}


def test_conflicting_statements_are_dropped():
    text = "2016年共收到政府信息公开申请12件。2017年共收到政府信息公开申请20件。"
    assert "apply.received.total" not in prose(text)
    text = "共收到政府信息公开申请20件。全年收到政府信息公开申请20件。"
    assert prose(text)["apply.received.total"] == 20


@pytest.mark.parametrize(
    "text",
    [
        "未出现行政复议被纠错的情况。",  # says nothing about how many reviews
        "本机关无收费情况，未收取任何费用。",
        "未收到因政府信息公开申请提起的行政复议。",  # not "no applications"
        "全年办理行政复议案件 120 件。",  # not about disclosure
        "收到人大代表建议 36 件，政协提案 45 件。",
        "上年结转政府信息公开申请 34 件。",
    ],
)
def test_sentences_that_must_not_produce_values(text):
    got = prose(text)
    assert "apply.received.total" not in got
    if "复议" in text and "政府信息公开" not in text:
        assert "review.total" not in got
    if "纠错" in text:
        assert got == {}


def test_no_review_clause_about_applications_still_counts():
    got = prose("未收到因政府信息公开申请提起的行政复议。")
    assert got == {"review.total": 0.0}


def test_modern_templates_only_get_their_own_keys():
    text = "共收到政府信息公开申请 5 件，其中网上申请 4 件，当面申请 1 件。没有发生投诉举报情况。主动公开政府信息 10 条。"
    got = prose(text, "2021")
    assert got == {"apply.received.total": 5.0}


def test_table_rows_are_not_prose():
    text = "（一）收到申请数\t件\t20\n一、本年新收政府信息公开申请数量 3001 53 0 0 61 4 3119\n"
    assert prose(text, "2008") == {}
    assert prose(text, "2021") == {}


def test_provenance_line_text():
    text = "第一段。\n\n市政务服务中心2017年度未收到信息公开申请。"
    (v,) = parse_prose(to_lines(text), "narrative")
    assert v.line_no == 3 and "未收到信息公开申请" in v.line_text and v.unit == "件"


def test_more_zero_forms():
    assert prose("本年度政府信息公开申请数量为0。") == {"apply.received.total": 0.0}
    got = prose("因政府信息公开申请引起的行政复议、行政诉讼均为0件。")
    assert got == {"review.total": 0.0, "litigation.total": 0.0}
    got = prose("未发生因政府信息公开申请引起的行政复议，也未发生行政诉讼。")
    assert got == {"review.total": 0.0, "litigation.total": 0.0}
    assert prose("上年结转政府信息公开申请数量为0。") == {}


def test_channels_in_brackets_and_single_channel_active_count():
    got = prose("全年共收到政府信息公开申请6件（其中当面申请2件，网上申请4件）。")
    assert got == {"apply.received.total": 6.0, "apply.received.in_person": 2.0, "apply.received.online": 4.0}
    assert prose("通过政府网站主动公开政府信息 1136 条。", "2008") == {}
    got = prose("利用网络、微博、微信等平台，主动公开政府信息12786条。", "2008")
    assert got == {"active.total": 12786.0}


def test_counts_including_carried_over_applications_are_not_new_applications():
    assert prose("共受理政府信息公开申请40件（含上年结转3件）。", "2021") == {}
    assert prose("共受理政府信息公开申请40件，其中上年结转3件。", "2021") == {}
    assert prose("共受理政府信息公开申请40件，其中当面申请3件。") == {
        "apply.received.total": 40.0,
        "apply.received.in_person": 3.0,
    }


def test_value_records_the_heading_it_was_stated_under():
    text = "四、政府信息依申请公开情况\n\n市政务服务中心2017年度未收到信息公开申请。"
    (v,) = parse_prose(to_lines(text), "narrative")
    assert v.section == "四、政府信息依申请公开情况"


def test_vague_chinese_quantities_are_not_counts():
    assert prose("全年共收到政府信息公开申请数十件。") == {}
    assert prose("全年共收到政府信息公开申请几件。") == {}


def test_no_applications_without_a_verb():
    assert prose("本年度无政府信息公开申请。") == {"apply.received.total": 0.0}
    assert prose("全年没有依申请公开事项。") == {"apply.received.total": 0.0}
    assert prose("无依申请公开事项收费情况。") == {}
    assert prose("没有按时办结的政府信息公开申请。") == {}


def test_plain_none_under_a_disclosure_heading():
    text = "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n\n无。\n\n六、其他需要报告的事项\n\n无。"
    vals = parse_prose(to_lines(text), "narrative")
    assert {v.key: v.value for v in vals} == {"review.total": 0.0, "litigation.total": 0.0}
    assert all(v.line_no == 3 for v in vals)
    # PDF text: heading and body in one paragraph
    got = prose("四、政府信息依申请公开情况\n本年度未收到此类申请。")
    assert got == {"apply.received.total": 0.0}
    assert prose("七、政府信息公开收费及减免情况\n无。") == {}
    # a stated number under the heading is a count, not "none"
    assert prose("五、因政府信息公开申请行政复议的情况\n本年度共办理行政复议2件。") == {"review.total": 2.0}


def test_cantonese_measure_word():
    got = prose("全年共受理政府信息公开申请12宗，其中网上申请10宗，当面申请2宗。")
    assert got == {
        "apply.received.total": 12.0,
        "apply.received.online": 10.0,
        "apply.received.in_person": 2.0,
    }
