"""reports.detect: the template comes from the tables' structure; the year only breaks a true tie."""

from __future__ import annotations

import json

import pytest

from reports.detect import detect, detect_template
from reports.text import to_lines
from tests.conftest import SHARED_GOLD, require_shared


def _gold() -> list[dict]:
    out: list[dict] = []
    for name in ("seeds.json", "extra.json"):
        out.extend(json.loads((SHARED_GOLD / name).read_text(encoding="utf-8"))["reports"])
    return out


def test_every_shared_report_matches_gold_template():
    folder = require_shared()
    gold = _gold()
    assert len(gold) == 8
    for rec in gold:
        text = (folder / rec["file"]).read_text(encoding="utf-8")
        assert detect_template(to_lines(text)) == rec["template"], rec["file"]


HEAD_2019_TABLE2 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t0\t0
规范性文件\t1\t1\t5
第二十条第（五）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政许可\t12\t+2\t300
"""

HEAD_2021_TABLE2 = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 0
行政规范性文件 1 0 5
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 300
"""

TABLE_3_4 = """三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）\t申请人情况
一、本年新收政府信息公开申请数量\t3\t0\t0\t0\t0\t0\t3
二、上年结转政府信息公开申请数量\t0\t0\t0\t0\t0\t0\t0
三、本年度办理结果
（一）予以公开\t3\t0\t0\t0\t0\t0\t3
（四）无法提供\t1.本机关不掌握相关政府信息\t0
（五）不予处理\t1.信访举报投诉类申请\t0
四、结转下年度继续办理\t0\t0\t0\t0\t0\t0\t0
四、政府信息公开行政复议、行政诉讼情况
行政复议\t行政诉讼
结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t复议后起诉
"""

TABLE_2008 = """政府信息公开情况统计表
统计指标\t单位\t统计数
（一）收到申请数\t件\t20
1.当面申请数\t件\t18
3.网络申请数\t件\t2
（三）申请答复数\t件\t20
四、行政复议数量\t件\t0
"""


def test_2019_table_two_decides_even_when_the_year_says_2021():
    lines = to_lines("某局 2021 年政府信息公开工作年度报告\n" + HEAD_2019_TABLE2 + TABLE_3_4)
    assert detect_template(lines, year=2021) == "2019"


def test_2021_table_two_decides_even_when_the_year_says_2020():
    lines = to_lines(HEAD_2021_TABLE2 + TABLE_3_4)
    assert detect_template(lines, year=2020) == "2021"


def test_2021_other_handling_sub_rows_without_table_two():
    rows = TABLE_3_4.replace(
        "四、结转下年度",
        "（六）其他处理\n1.申请人无正当理由逾期不补\n正、行政机关不再处理其政府信息公开申请\t0\n四、结转下年度",
    )
    d = detect(to_lines(rows))
    assert d.template == "2021"
    assert "逾期不补正" in d.hits_2021  # matched across the PDF line wrap


def test_notice_number_breaks_a_structural_tie():
    lines = to_lines("依据国办公开办函〔2019〕60号要求编制\n" + TABLE_3_4)
    assert detect_template(lines) == "2019"
    lines = to_lines("依据国办公开办函〔2021〕30号要求编制\n" + TABLE_3_4)
    assert detect_template(lines) == "2021"


@pytest.mark.parametrize(
    ("year", "expected"), [(2019, "2019"), (2020, "2019"), (2022, "2021"), (None, "2021")]
)
def test_year_only_used_when_structure_cannot_tell(year, expected):
    d = detect(to_lines(TABLE_3_4), year=year)
    assert d.template == expected
    assert "only" in d.reason


def test_2008_statistics_table():
    assert detect_template(to_lines("某局 2016 年政府信息公开工作年度报告\n" + TABLE_2008)) == "2008"


def test_2008_beats_a_prose_mention_of_modern_words():
    text = "根据涉及公民、法人或其他组织权利义务的规定，予以公开。\n" + TABLE_2008
    assert detect_template(to_lines(text)) == "2008"


def test_prose_only_is_narrative():
    text = (
        "某中心 2017 年政府信息公开工作年度报告\n"
        "2017年度未收到信息公开申请。\n"
        "涉及公民、法人或其他组织权利和义务的规范性文件均已予以公开。\n"
        "没有发生因信息公开申请行政复议、提起行政诉讼、收到投诉举报情况。\n"
    )
    d = detect(to_lines(text))
    assert d.template == "narrative"


def test_empty_is_narrative():
    assert detect_template([]) == "narrative"
