"""reports.identity: agency and year from title/opening/file name; refusals when neither is stated."""

from __future__ import annotations

import json

import pytest

from reports.identity import identify
from reports.model import ReportError
from reports.text import to_lines
from tests.conftest import SHARED_GOLD, require_shared

# What the gold files do not record but reminders need.
EXPECTED_EXTRA = {
    "000_db4eba153b8b44ad.txt": ("department", ["宁夏回族自治区", "银川市"]),
    "001_54b7886ee8649183.txt": ("department", ["宁夏回族自治区", "中卫市"]),
    "002_a9dbc25bac2331b1.txt": ("department", ["宁夏回族自治区", "银川市", "西夏区"]),
    "003_dda260feeadc045e.txt": ("people_gov", ["宁夏回族自治区", "银川市", "兴庆区"]),
    "004_b4ae84f5134368c3.txt": ("other", ["宁夏回族自治区", "中卫市"]),
    "02_淮安市人民政府_2024.txt": ("people_gov", ["江苏省", "淮安市"]),
    "04_淮安市洪泽区人民政府_2023.txt": ("people_gov", ["江苏省", "淮安市", "洪泽区"]),
    "05_淮安市洪泽区人民政府_2024.txt": ("people_gov", ["江苏省", "淮安市", "洪泽区"]),
}


def _gold() -> list[dict]:
    out: list[dict] = []
    for name in ("seeds.json", "extra.json"):
        out.extend(json.loads((SHARED_GOLD / name).read_text(encoding="utf-8"))["reports"])
    return out


def test_shared_reports_agency_year_kind_region():
    folder = require_shared()
    gold = _gold()
    assert {g["file"] for g in gold} == set(EXPECTED_EXTRA)
    for rec in gold:
        text = (folder / rec["file"]).read_text(encoding="utf-8")
        # An anonymous file name: the identity must come from the text, not from "02_淮安市人民政府_2024".
        ident = identify(to_lines(text), "upload.txt")
        assert (ident.agency, ident.year) == (rec["agency"], rec["year"]), rec["file"]
        kind, path = EXPECTED_EXTRA[rec["file"]]
        assert ident.kind == kind, rec["file"]
        assert ident.region_path == path, rec["file"]
        assert str(rec["year"]) in ident.title


def test_place_only_title_is_the_peoples_government():
    ident = identify(to_lines("\n\n银川市兴庆区 2018 年政府信息公开工作年度报告\n正文"), "")
    assert ident.agency == "银川市兴庆区人民政府"
    assert "银川市兴庆区" in ident.aliases and "兴庆区人民政府" in ident.aliases


def test_shorter_title_expanded_only_when_the_text_prints_the_longer_name():
    body = "\n本报告由淮安市洪泽区人民政府办公室编制。"
    assert identify(to_lines("洪泽区人民政府\n2023 年政府信息公开工作年度报告" + body), "").agency == (
        "淮安市洪泽区人民政府"
    )
    plain = identify(to_lines("洪泽区人民政府\n2023 年政府信息公开工作年度报告\n正文"), "")
    assert plain.agency == "洪泽区人民政府"  # no evidence in the text: keep what is printed
    assert plain.region_path == ["江苏省", "淮安市", "洪泽区"]


def test_shorter_title_expanded_from_the_text_for_places_outside_the_gazetteer():
    text = "凌阳区统计局\n2023 年政府信息公开工作年度报告\n本报告由安长市凌阳区统计局根据《条例》编制。"
    assert identify(to_lines(text), "").agency == "安长市凌阳区统计局"
    town = "凤泉镇人民政府 2022 年政府信息公开工作年度报告\n本报告由和翠县凤泉镇人民政府编制。"
    assert identify(to_lines(town), "").agency == "和翠县凤泉镇人民政府"
    # a sentence that merely ends before the name is not a place
    loose = "凌阳区统计局\n2023 年政府信息公开工作年度报告\n本报告由凌阳区统计局编制。"
    assert identify(to_lines(loose), "").agency == "凌阳区统计局"


def test_city_level_names_never_get_a_province_prepended():
    text = "淮安市人民政府\n2024 年政府信息公开工作年度报告\n江苏省淮安市人民政府办公室"
    assert identify(to_lines(text), "").agency == "淮安市人民政府"


def test_agency_on_the_line_above_the_title():
    ident = identify(to_lines("- 1 -\n银川市行政审批服务局\n\n2017 年政府信息公开工作年度报告"), "")
    assert (ident.agency, ident.year) == ("银川市行政审批服务局", 2017)


def test_year_before_agency_and_chinese_numerals():
    ident = identify(to_lines("二〇二〇年度银川市西夏区教育局政府信息公开工作年度报告"), "")
    assert (ident.agency, ident.year) == ("银川市西夏区教育局", 2020)
    assert ident.kind == "department"
    assert "西夏区教育局" in ident.aliases


def test_year_on_its_own_line():
    ident = identify(to_lines("某某县某某镇人民政府政府信息公开工作年度报告\n（2022年度）"), "")
    assert (ident.agency, ident.year, ident.kind) == ("某某县某某镇人民政府", 2022, "township")


def test_markdown_title():
    ident = identify(to_lines("# **银川市西夏区人民政府**\n\n# 2020 年政府信息公开工作年度报告"), "x.md")
    assert (ident.agency, ident.year, ident.kind) == ("银川市西夏区人民政府", 2020, "people_gov")


def test_title_quoted_in_the_first_paragraph():
    text = "根据规定，《中卫市审批服务管理局 2019 年政府信息公开工作年度报告》经我局研究同意，现予发布。"
    ident = identify(to_lines(text), "")
    assert (ident.agency, ident.year) == ("中卫市审批服务管理局", 2019)


def test_publisher_line_and_statistics_period():
    text = "发布机构：石嘴山市惠农区教育体育局\n政府信息公开工作年度报告\n本报告统计期限为2019年1月1日至2019年12月31日。"
    ident = identify(to_lines(text), "")
    assert (ident.agency, ident.year) == ("石嘴山市惠农区教育体育局", 2019)
    assert ident.region_path == ["宁夏回族自治区", "石嘴山市", "惠农区"]


def test_file_name_fallback():
    ident = identify(to_lines("2020年政府信息公开工作年度报告\n正文"), "银川市金凤区人民政府_2020.txt")
    assert (ident.agency, ident.year) == ("银川市金凤区人民政府", 2020)
    ident = identify(to_lines("中卫市海原县人民政府政府信息公开工作年度报告"), "2021_report.docx")
    assert (ident.agency, ident.year) == ("中卫市海原县人民政府", 2021)


def test_province_taken_only_from_the_text():
    title = "远泰市财政局 2020 年政府信息公开工作年度报告\n"
    assert identify(to_lines(title + "正文"), "").region_path == ["远泰市"]
    ident = identify(to_lines(title + "地址：甘肃省远泰市人民路 1 号"), "")
    assert ident.region_path == ["甘肃省", "远泰市"]


def test_devzone_kind():
    ident = identify(to_lines("银川经济技术开发区管理委员会 2021 年政府信息公开工作年度报告"), "")
    assert ident.kind == "devzone"
    assert ident.region_path == ["宁夏回族自治区", "银川市"]


def test_no_year():
    with pytest.raises(ReportError) as exc:
        identify(to_lines("银川市西夏区审批服务管理局政府信息公开工作年度报告\n一些文字"), "report.txt")
    assert exc.value.code == "no_year"


def test_no_agency():
    with pytest.raises(ReportError) as exc:
        identify(to_lines("2020 年政府信息公开工作年度报告\n一、总体情况"), "report.txt")
    assert exc.value.code == "no_agency"


def test_implausible_year_is_not_used():
    with pytest.raises(ReportError) as exc:
        identify(to_lines("某某局 1066 年政府信息公开工作年度报告"), "x.txt")
    assert exc.value.code == "no_year"


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        ("银川市金凤区教育局关于2020年政府信息公开工作年度报告", "银川市金凤区教育局", 2020),
        (
            "西夏区人民政府办公室关于印发银川市西夏区2020年政府信息公开工作年度报告的通知\n各乡镇",
            "银川市西夏区人民政府",
            2020,
        ),
        ("银川市金凤区教育局政府信息公开工作年度报告（2020年）\n正文", "银川市金凤区教育局", 2020),
        ("银川市金凤区教育局2019年度政府信息公开工作报告", "银川市金凤区教育局", 2019),
        # a web page: links to other years' reports above the real title
        (
            "首页\n政务公开\n2019年政府信息公开工作年度报告\n2018年政府信息公开工作年度报告\n"
            "银川市金凤区人民政府2020年政府信息公开工作年度报告\n正文",
            "银川市金凤区人民政府",
            2020,
        ),
        ("银 川 市 金 凤 区 2 0 2 0 年 政 府 信 息 公 开 工 作 年 度 报 告", "银川市金凤区人民政府", 2020),
    ],
)
def test_title_variants(text, agency, year):
    ident = identify(to_lines(text), "")
    assert (ident.agency, ident.year) == (agency, year)


def test_title_after_a_long_navigation_menu():
    nav = "\n".join(f"栏目{i}" for i in range(50))
    text = nav + "\n2018年政府信息公开工作年度报告\n银川市兴庆区2021年政府信息公开工作年度报告\n正文"
    ident = identify(to_lines(text), "page.html")
    assert (ident.agency, ident.year) == ("银川市兴庆区人民政府", 2021)


@pytest.mark.parametrize(
    ("text", "agency", "year"),
    [
        ("淮安市人民政府\n2024年\n政府信息公开工作年度报告\n正文", "淮安市人民政府", 2024),
        ("银川市金凤区教育局关于\n2020年政府信息公开工作年度报告", "银川市金凤区教育局", 2020),
        ("淮安市洪泽区\n人民政府\n2023 年政府信息公开工作年度报告", "淮安市洪泽区人民政府", 2023),
    ],
)
def test_titles_split_over_lines(text, agency, year):
    ident = identify(to_lines(text), "")
    assert (ident.agency, ident.year) == (agency, year)
