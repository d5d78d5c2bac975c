"""The whole pipeline: merge rules (table wins, prose disagreement is a finding), derived values,
checks, truncation warnings and the no_values error."""

from __future__ import annotations

import hashlib

import pytest

from reports import exact
from reports.model import ReportError
from reports.parse import parse_bytes, parse_path, parse_text
from tests.conftest import SHARED_REPORTS, require_shared
from tests.reports.test_table2008 import VALUES, render

TITLE = "银川市金凤区审批服务管理局2017年政府信息公开工作年度报告"


def report_2008(prose: str = "", table: str | None = None) -> str:
    body = [TITLE, "", "一、概述", "", "本报告由本局编制。", ""]
    if prose:
        body += [prose, ""]
    body.append(render("\t") if table is None else table)
    return "\n".join(body)


def test_2008_report_values_come_from_the_table():
    rep = parse_text(report_2008(), file_name="a.txt", file_hash="x" * 64)
    assert rep.template == "2008"
    assert rep.identity.year == 2017
    got = rep.value_map()
    for k, v in VALUES.items():
        assert got[k] == exact.to_exact(v), k  # exact: the printed number
    assert all(v.origin == "table" for v in rep.values)
    assert rep.file_name == "a.txt" and rep.file_hash == "x" * 64


def test_prose_that_disagrees_with_the_table_is_a_finding_and_the_table_wins():
    prose = "2017年，本局共收到政府信息公开申请 999 件。"
    rep = parse_text(report_2008(prose))
    assert rep.value_map()["apply.received.total"] == VALUES["apply.received.total"]
    (f,) = [f for f in rep.findings if f.rule == "prose_vs_table"]
    assert f.actual == 999 and f.expected == VALUES["apply.received.total"]
    assert f.line_no == 7
    assert "999" in f.message


def test_prose_that_agrees_adds_nothing_and_no_finding():
    prose = f"2017年，本局共收到政府信息公开申请 {int(VALUES['apply.received.total'])} 件。"
    rep = parse_text(report_2008(prose))
    assert not [f for f in rep.findings if f.rule == "prose_vs_table"]
    (v,) = [v for v in rep.values if v.key == "apply.received.total"]
    assert v.origin == "table"


def test_prose_fills_a_key_the_table_left_blank():
    vals = dict(VALUES)
    vals["review.total"] = None
    prose = "本年度未发生因政府信息公开申请行政复议的情况。"
    rep = parse_text(report_2008(prose, render("\t", values=vals)))
    (v,) = [v for v in rep.values if v.key == "review.total"]
    assert v.origin == "prose" and v.value == 0


def test_2008_identities_are_checked_with_line_numbers():
    vals = dict(VALUES)
    vals["org.staff"] = 1.0  # full + part time is far more
    rep = parse_text(report_2008("", render("\t", values=vals)))
    staff = [f for f in rep.findings if f.rule == "2008.staff_parts"]
    assert len(staff) == 1 and staff[0].actual == 1
    line = next(v.line_no for v in rep.values if v.key == "org.staff")
    assert staff[0].line_no == line


def test_narrative_report_values_come_from_prose():
    text = "\n".join(
        [
            "中卫市政务服务中心 2017 年政府信息公开工作年度报告",
            "",
            "一、概述",
            "",
            "四、政府信息依申请公开情况",
            "",
            "市政务服务中心2017年度未收到信息公开申请。",
            "",
            "市政务服务中心 2017 年没有发生因信息公开申请行政复议、提起行政诉讼、收到投诉举报情况。",
        ]
    )
    rep = parse_text(text)
    assert rep.template == "narrative"
    assert rep.value_map() == {
        "apply.received.total": 0,
        "review.total": 0,
        "litigation.total": 0,
        "complaints.total": 0,
    }
    assert {v.origin for v in rep.values} == {"prose"}


def test_report_without_any_figure_is_rejected():
    text = "中卫市政务服务中心 2017 年政府信息公开工作年度报告\n\n一、概述\n\n本年度工作扎实推进。\n"
    with pytest.raises(ReportError) as e:
        parse_text(text)
    assert e.value.code == "no_values"


def test_truncated_table_keeps_values_and_warns():
    table = render("\t")
    cut = table[: table.index("五、行政诉讼数量")]
    rep = parse_text(report_2008("", cut))
    got = rep.value_map()
    assert got["review.total"] == VALUES["review.total"]
    assert "litigation.total" not in got
    assert any("不完整" in w for w in rep.warnings)


def test_table_cut_before_any_row_is_no_values():
    table = render("\t")
    cut = table[: table.index("一、主动公开情况")]
    with pytest.raises(ReportError) as e:
        parse_text(report_2008("", cut))
    assert e.value.code == "no_values"


def test_empty_text_is_rejected():
    with pytest.raises(ReportError):
        parse_text("\n \n")


def test_parse_bytes_hashes_the_raw_bytes():
    data = report_2008().encode("utf-8")
    rep = parse_bytes(data, "r.txt")
    assert rep.file_hash == hashlib.sha256(data).hexdigest()
    assert rep.file_name == "r.txt"


def test_parse_path(tmp_path):
    p = tmp_path / "report.txt"
    p.write_text(report_2008(), encoding="utf-8")
    rep = parse_path(p)
    assert rep.file_name == "report.txt" and rep.value_map()["org.budget"] == exact.to_exact("96171.6")


def test_000_answered_total_against_items_is_flagged():
    require_shared()
    rep = parse_path(SHARED_REPORTS / "000_db4eba153b8b44ad.txt")
    (f,) = [f for f in rep.findings if f.rule == "2008.answered_items"]
    assert f.actual == 20 and f.expected == 40
    assert not [f for f in rep.findings if f.rule == "prose_vs_table"]


def test_modern_litigation_total_is_derived():
    require_shared()
    rep = parse_path(SHARED_REPORTS / "02_淮安市人民政府_2024.txt")
    (v,) = [v for v in rep.values if v.key == "litigation.total"]
    assert v.origin == "derived" and v.value == 46
    # the prose states 行政诉讼 46 件 too: it agrees, so no finding
    assert not [f for f in rep.findings if f.rule == "prose_vs_table"]


def test_modern_prose_disagreement_is_reported():
    require_shared()
    rep = parse_path(SHARED_REPORTS / "05_淮安市洪泽区人民政府_2024.txt")
    (f,) = [f for f in rep.findings if f.rule == "prose_vs_table"]
    assert f.actual == 17 and f.expected == 95
    assert rep.value_map()["apply.received.total"] == 95


def test_prose_stating_two_numbers_is_a_warning_not_a_value():
    text = "\n".join(
        [
            "中卫市政务服务中心 2017 年政府信息公开工作年度报告",
            "全年共收到政府信息公开申请12件。本年度共收到政府信息公开申请20件。",
            "本年度没有发生因信息公开申请行政复议的情况。",
        ]
    )
    rep = parse_text(text)
    assert "apply.received.total" not in rep.value_map()
    assert any("12" in w and "20" in w for w in rep.warnings)


def test_prose_figure_of_another_year_is_not_this_reports():
    """A 2017 report saying 2016's count, then 2017's: 2016's is about another year (issue 13 §6)."""
    text = "\n".join(
        [
            "中卫市政务服务中心 2017 年政府信息公开工作年度报告",
            "2016年共收到政府信息公开申请12件。2017年共收到政府信息公开申请20件。",
            "本年度没有发生因信息公开申请行政复议的情况。",
        ]
    )
    rep = parse_text(text)
    assert rep.value_map()["apply.received.total"] == 20
    assert not any("12" in w and "20" in w for w in rep.warnings)
