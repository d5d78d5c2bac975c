"""Prose figures in the wordings of reports nobody here has seen (issue 13 §6), 2021 format.

Each wording of 信息处理费 none / N 元 or 万元, 收到申请 N 件, 复议/诉讼 none must give exactly its keys; a
sentence that does not clearly state the indicator (another scope's count, a review count the sentence
says is mostly not about disclosure, no disclosure context at all) must give nothing: a missing figure is
said to be missing, a wrong one is stated silently.
"""

from __future__ import annotations

import pytest

from reports.prose import parse_prose_ex
from reports.text import to_lines

F = "apply.processing_fee"
R = "apply.received.total"
RV = "review.total"
LT = "litigation.total"
CASES = [
    ("本年度未发生政府信息公开收费事项。", {F: 0}),
    ("本机关未收取任何费用。", {}),
    ("本年度依申请公开未收取任何费用。", {F: 0}),
    ("全年收取信息处理费0元。", {F: 0}),
    ("信息处理费0万元。", {F: 0}),
    ("收取信息处理费0万元。", {F: 0}),
    ("本年度收取信息处理费共计0元。", {F: 0}),
    ("本年度共收取信息处理费为0。", {F: 0}),
    ("2023年，未产生信息处理费。", {F: 0}),
    ("本年度没有收取信息处理费。", {F: 0}),
    ("未向申请人收取信息处理费。", {F: 0}),
    ("本机关2023年度未收取政府信息公开信息处理费。", {F: 0}),
    ("政府信息公开信息处理费收费情况：无。", {F: 0}),
    ("本年度未按照《政府信息公开信息处理费管理办法》收取信息处理费。", {F: 0}),
    ("本年度收取信息处理费1,200元。", {F: 1200}),
    ("共收到政府信息公开申请15件。", {R: 15}),
    ("本年度受理政府信息公开申请15件，办结15件。", {R: 15}),
    ("共受理依申请公开15件，均按时办结。", {R: 15}),
    ("2023年新收政府信息公开申请15件，上年结转2件。", {R: 15}),
    ("2023年，本机关共收到政府信息公开申请15件（不含上年结转2件）。", {R: 15}),
    ("全年共受理政府信息公开申请17件（含上年结转2件）。", {}),
    ("收到的政府信息公开申请数量为15件。", {R: 15}),
    ("全年未收到信息公开申请。", {R: 0}),
    ("本年度未收到政府信息公开申请，无行政复议和诉讼。", {R: 0, RV: 0, LT: 0}),
    ("未发生行政复议、行政诉讼。", {}),
    ("五、因政府信息公开申请行政复议、提起行政诉讼的情况\n未发生行政复议、行政诉讼。", {RV: 0, LT: 0}),
    ("五、因政府信息公开申请行政复议、提起行政诉讼的情况\n本年度无行政复议、行政诉讼案件。", {RV: 0, LT: 0}),
    (
        "五、因政府信息公开申请行政复议、提起行政诉讼的情况\n2023年，本机关被申请行政复议2件，被提起行政诉讼1件。",
        {RV: 2, LT: 1},
    ),
    ("四、政府信息依申请公开情况\n作为复议机关办理行政复议案件35件。", {}),
    ("本年度未发生因政府信息公开被申请行政复议或提起行政诉讼的情况。", {RV: 0, LT: 0}),
    ("没有因政府信息公开被申请行政复议或提起行政诉讼的情况。", {RV: 0, LT: 0}),
    ("本年度没有发生因政府信息公开申请行政复议、提起行政诉讼的情况。", {RV: 0, LT: 0}),
    ("全年未发生政府信息公开行政复议案件和行政诉讼案件。", {RV: 0, LT: 0}),
    ("未发生针对本机关的政府信息公开行政复议和行政诉讼。", {RV: 0, LT: 0}),
    ("政府信息公开行政复议、行政诉讼情况：无。", {RV: 0, LT: 0}),
    ("因政府信息公开被申请行政复议2件、提起行政诉讼1件。", {RV: 2, LT: 1}),
    ("未发生行政复议，发生行政诉讼1件。", {}),
    # traps
    ("上年结转政府信息公开申请3件。", {}),
    ("行政复议结果维持2件。", {}),
    ("共处理行政复议、行政诉讼意见建议20条。", {}),
    ("本机关作为复议机关，共办理行政复议案件35件。", {}),
    ("办理行政复议案件35件，其中涉及政府信息公开的2件。", {}),
    ("全市共收到政府信息公开申请1200件，本机关收到15件。", {}),
    ("申请人提出行政复议1件，已办结。", {}),
    ("其中，当面申请5件，网上申请10件。", {}),
    ("共收到投诉举报3件。", {}),
    ("本年度收取信息处理费标准按国务院规定执行。", {}),
    ("收到各类咨询15件。", {}),
    ("依申请公开办理结果中不予公开3件。", {}),
    ("处理政府信息公开申请15件。", {}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_prose_wording(text, expected):
    opening = "" if text[1:2] == "、" else "六、其他需要报告的事项\n"  # a case may bring its own heading
    vals, conflicts = parse_prose_ex(to_lines(opening + text), "2021")
    assert not conflicts
    assert {v.key: v.value for v in vals} == expected


def test_fee_unit_as_printed():
    vals, _ = parse_prose_ex(to_lines("六、其他需要报告的事项\n信息处理费0万元。"), "2021")
    assert [(v.key, v.unit) for v in vals] == [(F, "万元")]
    vals, _ = parse_prose_ex(to_lines("六、其他需要报告的事项\n本年度收取信息处理费1,200元。"), "2021")
    assert [(v.key, v.value, v.unit) for v in vals] == [(F, 1200, "元")]


YEARS = [
    ("2022年收取信息处理费100元，2023年未收取信息处理费。", {F: 0}),
    ("2022年收到政府信息公开申请12件，2023年收到政府信息公开申请15件。", {R: 15}),
    ("2023年共收到政府信息公开申请15件，2022年收到12件。", {R: 15}),
    ("2022年收取信息处理费100元。", {}),
    ("全年收取信息处理费100元。", {F: 100}),
]


@pytest.mark.parametrize(("text", "expected"), YEARS, ids=[c[0] for c in YEARS])
def test_figures_of_another_year_are_not_this_reports(text, expected):
    vals, conflicts = parse_prose_ex(to_lines("六、其他需要报告的事项\n" + text), "2021", 2023)
    assert not conflicts
    assert {v.key: v.value for v in vals} == expected
