"""Tables 二/三/四 of the 2019/2021 formats: the shared real reports against the gold values, and
small fixtures written here for every kind of layout noise real reports carry."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from reports.tables_modern import APPLICANT_COLUMNS, parse_modern_tables
from reports.text import to_lines
from tests.conftest import SHARED_GOLD, require_shared

# ---------------------------------------------------------------------------------------------------
# Shared real reports vs gold
# ---------------------------------------------------------------------------------------------------

MODERN_FILES = [
    "001_54b7886ee8649183.txt",
    "002_a9dbc25bac2331b1.txt",
    "02_淮安市人民政府_2024.txt",
    "04_淮安市洪泽区人民政府_2023.txt",
    "05_淮安市洪泽区人民政府_2024.txt",
]
# Keys in the gold files that come from elsewhere (section 六 prose), not from tables 二/三/四.
NOT_TABLE_KEYS = {"apply.processing_fee"}


def _gold() -> dict[str, dict]:
    out = {}
    for name in ("seeds.json", "extra.json"):
        path = SHARED_GOLD / name
        if path.is_file():
            for r in json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)["reports"]:
                out[r["file"]] = r
    return out


def _decode(path) -> str:
    data = path.read_bytes()
    try:
        from reports.readers import read_document  # written by another helper; may not exist yet
    except ImportError:
        return data.decode("utf-8-sig")
    return read_document(data, path.name)


@pytest.mark.parametrize("file_name", MODERN_FILES)
def test_shared_report_matches_gold(file_name: str) -> None:
    folder = require_shared()
    gold = _gold().get(file_name)
    if gold is None:
        pytest.skip(f"no gold entry for {file_name}")
    lines = to_lines(_decode(folder / file_name))
    values = parse_modern_tables(lines, gold["template"])
    got = {v.key: v for v in values}
    expected = {k: v for k, v in gold["values"].items() if k not in NOT_TABLE_KEYS}

    missing = sorted(k for k, v in expected.items() if v is not None and k not in got)
    wrong = {
        k: (v, got[k].value) for k, v in expected.items() if v is not None and k in got and got[k].value != v
    }
    present_but_blank = sorted(k for k, v in expected.items() if v is None and k in got)
    unexpected = sorted(k for k in got if k not in expected)
    assert not missing, f"gold keys not produced: {missing}"
    assert not wrong, f"wrong values (gold, got): {wrong}"
    assert not present_but_blank, f"blank in gold but produced: {present_but_blank}"
    assert not unexpected, f"values the gold does not have: {unexpected}"

    # provenance: the raw printed line, its number, and the catalogue labels
    for v in values:
        assert v.origin == "table"
        assert lines[v.line_no - 1].raw == v.line_text
        assert v.section and v.row_label and v.column_label and v.unit


def test_gold_keys_left_to_other_modules_are_exactly_the_prose_ones() -> None:
    """Which gold keys this module does not produce, stated (not silently ignored): only 信息处理费,
    which 2021 reports give in section 六's prose."""
    folder = require_shared()
    gold = _gold()
    not_produced: set[str] = set()
    for f in MODERN_FILES:
        if f not in gold:
            continue
        lines = to_lines(_decode(folder / f))
        got = {v.key for v in parse_modern_tables(lines, gold[f]["template"])}
        not_produced |= {k for k, v in gold[f]["values"].items() if v is not None and k not in got}
    assert not_produced == NOT_TABLE_KEYS


def test_provenance_of_04_review_row() -> None:
    folder = require_shared()
    lines = to_lines(_decode(folder / "04_淮安市洪泽区人民政府_2023.txt"))
    got = {v.key: v for v in parse_modern_tables(lines, "2021")}
    v = got["review.upheld"]
    assert v.value == 10 and v.line_text.startswith("10 1 0 0")
    assert got["review.total"].value == 0  # printed 0 although 10 + 1: kept as printed
    assert got["active.fees.amount"].value == Decimal("7730.28") and got["active.fees.amount"].unit == "万元"


# ---------------------------------------------------------------------------------------------------
# Synthetic fixtures
# ---------------------------------------------------------------------------------------------------

ROW_LABELS_2021 = [
    ("received", "一、本年新收政府信息公开申请数量"),
    ("carried_in", "二、上年结转政府信息公开申请数量"),
    ("result.granted", "（一）予以公开"),
    ("result.partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("result.denied.state_secret", "1.属于国家秘密"),
    ("result.denied.law_prohibited", "2.其他法律行政法规禁止公开"),
    ("result.denied.security_stability", "3.危及“三安全一稳定”"),
    ("result.denied.third_party", "4.保护第三方合法权益"),
    ("result.denied.internal_affairs", "5.属于三类内部事务信息"),
    ("result.denied.process_info", "6.属于四类过程性信息"),
    ("result.denied.enforcement_file", "7.属于行政执法案卷"),
    ("result.denied.query_item", "8.属于行政查询事项"),
    ("result.unavailable.not_held", "1.本机关不掌握相关政府信息"),
    ("result.unavailable.needs_creation", "2.没有现成信息需要另行制作"),
    ("result.unavailable.unclear", "3.补正后申请内容仍不明确"),
    ("result.not_processed.petition", "1.信访举报投诉类申请"),
    ("result.not_processed.duplicate", "2.重复申请"),
    ("result.not_processed.publication", "3.要求提供公开出版物"),
    ("result.not_processed.mass_repeated", "4.无正当理由大量反复申请"),
    ("result.not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息"),
    ("result.other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("result.other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("result.other.other", "3.其他"),
    ("result.total", "（七）总计"),
    ("carried_out", "四、结转下年度继续办理"),
]
GROUP_BEFORE = {
    "result.granted": "三、本年度办理结果",
    "result.denied.state_secret": "（三）不予公开",
    "result.unavailable.not_held": "（四）无法提供",
    "result.not_processed.petition": "（五）不予处理",
    "result.other.overdue_correction": "（六）其他处理",
}


def _row_values(i: int) -> list[int]:
    """Distinct, internally consistent numbers for row i (total = sum of the six applicant columns)."""
    six = [i + 1, (i * 3) % 5, 0, i % 2, (i * 7) % 3, 2]
    return [*six, sum(six)]


def _expected(rows=ROW_LABELS_2021) -> dict[str, float]:
    exp = {}
    for i, (stem, _) in enumerate(rows):
        for col, v in zip(APPLICANT_COLUMNS, _row_values(i), strict=True):
            exp[f"apply.{stem}.{col}"] = float(v)
    return exp


def _apply_table(sep: str = "\t", rows=ROW_LABELS_2021) -> list[str]:
    out = ["三、收到和处理政府信息公开申请情况"]
    out.append(
        sep.join(["（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", "", "申请人情况"])
    )
    out.append(sep.join(["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]))
    out.append(sep.join(["", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""]))
    for i, (stem, label) in enumerate(rows):
        nums = [str(v) for v in _row_values(i)]
        group = GROUP_BEFORE.get(stem, "")
        out.append(sep.join([group, label, *nums]))
    return out


REVIEW_LINES = [
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议\t\t\t\t\t行政诉讼",
    "结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t未经复议直接起诉\t\t\t\t\t复议后起诉",
    "\t\t\t\t\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计",
]
REVIEW_NUMS = [3, 1, 0, 1, 5, 2, 0, 1, 0, 3, 1, 1, 0, 0, 2]
REVIEW_KEYS = [
    f"{g}.{c}"
    for g in ("review", "litigation.direct", "litigation.after_review")
    for c in ("upheld", "corrected", "other", "pending", "total")
]


def _parse(text: str, template: str = "2021") -> dict[str, float]:
    return {v.key: v.value for v in parse_modern_tables(to_lines(text), template)}


@pytest.mark.parametrize("sep", ["\t", " | ", "  ", " "])
def test_apply_table_any_cell_separator(sep: str) -> None:
    text = "\n".join(_apply_table(sep)) + "\n"
    got = _parse(text)
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected()


def test_markdown_table_with_bold_and_rule_row() -> None:
    lines = [
        "## 三、收到和处理政府信息公开申请情况",
        "",
        "| 项目 | | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
    ]
    lines.append("|---|---|---|---|---|---|---|---|---|")
    for i, (stem, label) in enumerate(ROW_LABELS_2021):
        nums = " | ".join(str(v) for v in _row_values(i))
        lines.append(f"| **{GROUP_BEFORE.get(stem, '')}** | {label} | {nums} |")
    got = _parse("\n".join(lines))
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected()


def test_pdf_layout_vertical_labels_wrapped_labels_footers_and_repeated_header() -> None:
    """The PDF-extracted shape of 02_: one character per line, labels wrapped before/after numbers,
    a page footer and a repeated header inside the table, 15 review numbers wrapped over two lines."""
    v = {i: " ".join(str(x) for x in _row_values(i)) for i in range(len(ROW_LABELS_2021))}
    text = f"""三、收到和处理政府信息公开申请情况
（本列数据的勾稽关系为：第一项加第二项之和，
等于第三项加第四项之和）
申请人情况
自然人
法人或其他组织
总计商 业 企
业
科研机
构
社 会 公 益
组织
一、本年新收政府信息公开申请数量 {v[0]}
二、上年结转政府信息公开申请数量 {v[1]}
三
、
本
年
度
办
理
结
果
（一）予以公开 {v[2]}
（二）部分公开（区分处理的，只计这一情
形，不计其他情形） {v[3]}
（三）不
予公开
1.属于国家秘密 {v[4]}
2.其他法律行政法规禁止公开 {v[5]}
3.危及“三安全一稳定” {v[6]}
- 4 -
申请人情况
自然人 法人或其他组织 总计
商业企业 科研机构 社会公益组织 法律服务机构 其他
4.保护第三方合法权益 {v[7]}
5.属于三类内部事务信息 {v[8]}
6.属于四类过程性信息 {v[9]}
7.属于行政执法案卷 {v[10]}
8.属于行政查询事项 {v[11]}
（四）无 1.本机关不掌握相关政府信息 {v[12]}
法提供 2.没有现成信息需要另行制作 {v[13]}
3.补正后申请内容仍不明确 {v[14]}
（五）不
予处理
1.信访举报投诉类申请 {v[15]}
2.重复申请 {v[16]}
3.要求提供公开出版物 {v[17]}
4.无正当理由大量反复 申请 {v[18]}
5.要求行政机关确认或重 {v[19]}
新出具已获取信息
（六）其
他处理
1、申请人无正当理由逾期不补
正、行政机关不再处理其政府信
息公开申请
{v[20]}
2、申请人逾期未按收费通知要
求缴纳费用、行政机关不再处理
其政府信息公开申请
{v[21]}
3、其他 {v[22]}
（七）总计 {v[23]}
第 5 页 共 9 页
四、结转下年度继续办理 {v[24]}
四、政府信息公开行政复议、行政诉讼情况
行政复议 行政诉讼
结 果
维持
尚 未
审结 总 计
{" ".join(map(str, REVIEW_NUMS[:8]))}
{" ".join(map(str, REVIEW_NUMS[8:]))}
五、存在的主要问题及改进情况
"""
    got = _parse(text)
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected()
    assert {k: got.get(k) for k in REVIEW_KEYS} == dict(
        zip(REVIEW_KEYS, map(float, REVIEW_NUMS), strict=True)
    )


def test_2019_tab_layout_split_labels_extra_column_and_label_alone_at_line_start() -> None:
    """001/002 shapes: '一、\\t本年新收…', an 8th (empty/extra) column, a leaf label alone at the line start,
    (六)其他处理 as one row, 社会组织 header, and the review row with all 15 numbers."""
    rows = [r for r in ROW_LABELS_2021 if not r[0].startswith("result.other.")]
    rows.insert(-2, ("result.other", "(六)其他处理"))
    lines = ["三、收到和处理政府信息公开申请情况"]
    lines.append(
        "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t\t申请人情况\t\t\t\t\t\t总计\t"
    )
    lines.append("\t\t自然人\t法人或其他组织\t\t\t\t\t\t")
    lines.append("\t\t\t商业企业\t科研机构\t社会组织\t法律服务机构\t其他\t\t")
    for i, (stem, label) in enumerate(rows):
        nums = [str(v) for v in _row_values(i)]
        if stem == "received":
            lines.append("\t".join(["一、", "本年新收政府信息公开申请数量", *nums, ""]))
        elif stem == "result.unavailable.unclear":
            lines.append("\t".join([label, "", *nums, ""]))  # alone at the start of the line
        elif stem.startswith("result.denied.") and stem.endswith(("process_info", "query_item")):
            lines.append("\t".join(["", "", label, *nums, "0"]))  # an extra 8th column
        else:
            lines.append("\t".join([GROUP_BEFORE.get(stem, ""), label, *nums, ""]))
    lines += REVIEW_LINES + ["\t".join(map(str, REVIEW_NUMS))]
    got = _parse("\n".join(lines), "2019")
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected(rows)
    assert {k: got.get(k) for k in REVIEW_KEYS} == dict(
        zip(REVIEW_KEYS, map(float, REVIEW_NUMS), strict=True)
    )


def test_extra_leading_column_is_dropped_when_the_arithmetic_says_so() -> None:
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 9 4 1 0 0 0 0 5\n"
    got = _parse(text)
    assert got["apply.received.natural_person"] == 4 and got["apply.received.total"] == 5


def test_2021_single_other_row_variant() -> None:
    rows = [r for r in ROW_LABELS_2021 if not r[0].startswith("result.other.")]
    rows.insert(-2, ("result.other", "（六）其他处理"))
    got = _parse("\n".join(_apply_table(" ", rows)))
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected(rows)
    assert not any(k.startswith("apply.result.other.other.") for k in got)


def test_blank_cells_stay_absent() -> None:
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "一、本年新收政府信息公开申请数量\t5\t\t\t\t\t\t5",
            "二、上年结转政府信息公开申请数量\t\t\t\t\t\t\t",
            "（七）总计\t3\t\t\t\t1\t\t",
            "四、政府信息公开行政复议、行政诉讼情况",
            "0\t0\t\t0\t0\t1\t0\t0\t0\t1\t\t\t\t\t",
        ]
    )
    got = _parse(text)
    assert got["apply.received.natural_person"] == 5 and got["apply.received.total"] == 5
    for col in ("commercial", "research", "social", "legal", "other_org"):
        assert f"apply.received.{col}" not in got
    assert not any(k.startswith("apply.carried_in.") for k in got)
    assert got["apply.result.total.natural_person"] == 3 and got["apply.result.total.legal"] == 1
    assert "apply.result.total.total" not in got
    assert "review.other" not in got and got["review.upheld"] == 0
    assert got["litigation.direct.total"] == 1
    assert not any(k.startswith("litigation.after_review.") for k in got)


def test_space_separated_row_with_missing_numbers_is_not_guessed() -> None:
    got = _parse("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 5 5\n")
    assert not any(k.startswith("apply.received.") for k in got)


def test_full_width_digits_and_label_typo() -> None:
    text = "三、收到和处理政府信息公开申请情况\n（三）不予公开\n２.其他法律行政止公开　１　０　０　０　０　０　１\n"
    got = _parse(text)
    assert got["apply.result.denied.law_prohibited.natural_person"] == 1
    assert got["apply.result.denied.law_prohibited.total"] == 1


def test_printed_subtotal_row_is_kept_under_its_own_key() -> None:
    text = "三、收到和处理政府信息公开申请情况\n（三）不予公开\t2\t0\t0\t0\t0\t0\t2\n1.属于国家秘密\t2\t0\t0\t0\t0\t0\t2\n"
    got = _parse(text)
    assert got["apply.result.denied.natural_person"] == 2
    assert got["apply.result.denied.state_secret.total"] == 2


ACTIVE_2019 = """二、主动公开政府信息情况
第二十条第（一）项\t\t\t
信息内容\t本年新制作数量\t本年新公开数量\t对外公开总数量
规章\t0\t1\t2
规范性文件\t３\t4\t５
第二十条第（五）项\t\t\t
信息内容\t上一年 项目数量\t本年增/减\t处理决定数量
行政许可\t83\t+117\t11034
其他对外管理服务事项\t56\t-2\t12980
第二十条第（六）项
信息内容\t上一年项目数量\t本年增/减\t处理决定数量
行政处罚\t10\t－2\t
行政强制\t4\t0\t7
第二十条第（八）项\t\t\t
信息内容\t上一年 项目数量\t本年增/减\t
行政事业性收费\t6\t0\t
第二十条第（九）项\t\t\t
信息内容\t采购项目数量\t采购总金额\t
政府集中采购\t12\t96171.6\t
三、收到和处理政府信息公开申请情况
"""


def test_active_2019_signed_full_width_decimal_and_blank() -> None:
    got = _parse(ACTIVE_2019, "2019")
    assert got["active.regulations.total_published"] == 2
    assert got["active.normative.new_made"] == 3 and got["active.normative.total_published"] == 5
    assert got["active.license.change"] == 117 and got["active.license.decisions"] == 11034
    assert got["active.other_services.change"] == -2
    assert got["active.penalty.change"] == -2
    assert "active.penalty.decisions" not in got  # blank cell
    assert got["active.enforcement.decisions"] == 7
    assert got["active.fees.prev_items"] == 6 and got["active.fees.change"] == 0
    assert got["active.procurement.items"] == 12 and got["active.procurement.amount"] == Decimal("96171.6")


def test_active_2021_pdf_spaces_variant_label_and_footer() -> None:
    text = """二、主动公开政府信息情况
第二十条 第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 1 0 11
规范性文件 8 26 66
第二十条 第（五）项
信息内容 本年处理决定数量
行政许可 447228
第二十条 第（六）项
- 4 -
信息内容 本年处理决定数量
行政处罚
3985758
行政强制 88283
第二十条 第（八）项
信息内容 本年收费金额（单位：万元）
行政事业性收费 96171.6
三、收到和处理政府信息公开申请情况
"""
    got = _parse(text)
    assert got == {
        "active.regulations.issued": 1,
        "active.regulations.repealed": 0,
        "active.regulations.in_force": 11,
        "active.normative.issued": 8,
        "active.normative.repealed": 26,
        "active.normative.in_force": 66,
        "active.license.decisions": 447228,
        "active.penalty.decisions": 3985758,
        "active.enforcement.decisions": 88283,
        "active.fees.amount": Decimal("96171.6"),
    }


def test_active_header_with_explanatory_notes_is_not_read_as_numbers() -> None:
    text = """二、主动公开政府信息情况
第二十条第（五）项
信息内容\t上一年项目数量(指2019年事项数)\t本年增/减\t处理决定数量(指2020年办件量)
行政许可\t5\t+1\t30
"""
    got = _parse(text, "2019")
    assert got == {"active.license.prev_items": 5, "active.license.change": 1, "active.license.decisions": 30}


def test_prose_before_the_tables_is_ignored() -> None:
    text = """一、总体情况
全年共受理行政复议 3 件，行政诉讼 2 件。
行政许可 办理 12 件
二、主动公开政府信息情况
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 40
"""
    assert _parse(text) == {"active.license.decisions": 40}


def test_review_as_three_labelled_rows() -> None:
    text = """四、政府信息公开行政复议、行政诉讼情况
\t结果维持\t结果纠正\t其他结果\t尚未审结\t总计
行政复议\t1\t0\t0\t0\t1
未经复议直接起诉\t0\t1\t0\t0\t1
复议后起诉\t0\t0\t0\t2\t2
五、存在的主要问题及改进情况
"""
    got = _parse(text)
    assert got["review.upheld"] == 1 and got["litigation.direct.corrected"] == 1
    assert got["litigation.after_review.pending"] == 2 and len(got) == 15


def test_wrong_template_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse_modern_tables(to_lines("x"), "2008")


def test_one_line_carrying_several_rows_and_a_wrapped_label_tail() -> None:
    """Web-page copies sometimes run table rows together; PDF text may put a label's tail after its numbers."""
    text = (
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 3 0 0 0 1 0 4 二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1\n"
        "（五）不予处理 5.要求行政机关确认或重 2 0 0 0 0 0 2 新出具已获取信息\n"
        "（六）其他处理 0 0 0 0 0 0 0\n"
    )
    got = _parse(text)
    assert got["apply.received.legal"] == 1 and got["apply.received.total"] == 4
    assert got["apply.carried_in.natural_person"] == 1 and got["apply.carried_in.total"] == 1
    assert got["apply.result.not_processed.confirm_reissue.total"] == 2
    assert got["apply.result.other.total"] == 0


def test_label_on_its_own_line_right_after_the_header() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人 法人或其他组织 总计\n"
        "商业企业 科研机构 社会公益组织 法律服务机构 其他\n"
        "一、本年新收政府信息公开申请数量\n7 0 0 0 0 0 7\n"
    )
    got = _parse(text)
    assert got["apply.received.natural_person"] == 7 and got["apply.received.total"] == 7


def test_header_fragment_total_is_not_a_row_label() -> None:
    """A numbers-only line right after the header must not be taken for （七）总计 (the header prints 总计)."""
    text = "三、收到和处理政府信息公开申请情况\n申请人情况\n总计商 业 企\n业\n7 0 0 0 0 0 7\n"
    assert not any(k.startswith("apply.result.total") for k in _parse(text))


def test_explicit_blank_marks_pin_positions_in_space_separated_rows() -> None:
    text = "三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 5 — — — — — 5\n"
    got = _parse(text)
    assert got["apply.received.natural_person"] == 5 and got["apply.received.total"] == 5
    assert "apply.received.commercial" not in got


def test_block_title_and_header_on_one_line() -> None:
    text = (
        "二、主动公开政府信息情况\n"
        "第二十条第（五）项\t信息内容\t上一年项目数量\t本年增/减\t处理决定数量\n"
        "行政许可\t8\t-1\t\n"
    )
    got = _parse(text, "2019")
    assert got == {"active.license.prev_items": 8, "active.license.change": -1}


def test_page_footer_inside_the_table_is_not_a_row() -> None:
    text = "三、收到和处理政府信息公开申请情况\n（四）无法提供\n- 4 -\n1.本机关不掌握相关政府信息 2 0 0 0 0 0 2\n"
    got = _parse(text)
    assert got["apply.result.unavailable.not_held.natural_person"] == 2
    assert len(got) == 7


# ---------------------------------------------------------------------------------------------------
# A real PDF text layer: the three tables drawn with merged cells by reportlab, read back by pdfplumber
# ---------------------------------------------------------------------------------------------------


def _pdf_text_of_tables() -> tuple[str, dict[str, float]]:
    import io

    pdfplumber = pytest.importorskip("pdfplumber")
    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    st = ParagraphStyle("c", fontName="STSong-Light", fontSize=8, leading=10)

    def p(t: str) -> Paragraph:
        return Paragraph(t, st)

    expected: dict[str, float] = {}
    active = [
        ["第二十条第（一）项", "", "", ""],
        ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
        ["规章", "1", "0", "11"],
        ["行政规范性文件", "8", "26", "66"],
        ["第二十条第（五）项", "", "", ""],
        ["信息内容", "本年处理决定数量", "", ""],
        ["行政许可", "447228", "", ""],
        ["第二十条第（八）项", "", "", ""],
        ["信息内容", p("本年收费金额（单位：万元）"), "", ""],
        ["行政事业性收费", "96171.6", "", ""],
    ]
    expected |= {
        "active.regulations.issued": 1,
        "active.regulations.repealed": 0,
        "active.regulations.in_force": 11,
        "active.normative.issued": 8,
        "active.normative.repealed": 26,
        "active.normative.in_force": 66,
        "active.license.decisions": 447228,
        "active.fees.amount": Decimal("96171.6"),
    }
    t_active = Table(active, colWidths=[110, 80, 80, 80])
    t_active.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]
            + [("SPAN", (0, r), (3, r)) for r in (0, 4, 7)]
            + [("SPAN", (1, r), (3, r)) for r in (5, 6, 8, 9)]
        )
    )

    rows = [
        [p("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), "", "", p("申请人情况")]
        + [""] * 6,
        ["", "", "", p("自然人"), p("法人或其他组织"), "", "", "", "", p("总计")],
        ["", "", "", "", p("商业企业"), p("科研机构"), p("社会公益组织"), p("法律服务机构"), p("其他"), ""],
    ]
    groups = {4: "（三）不予公开", 12: "（四）无法提供", 15: "（五）不予处理", 20: "（六）其他处理"}
    for i, (stem, label) in enumerate(ROW_LABELS_2021):
        six = [(i * j + 1) % 4 for j in range(1, 7)]
        nums = [*six, sum(six)]
        for col, v in zip(APPLICANT_COLUMNS, nums, strict=True):
            expected[f"apply.{stem}.{col}"] = v
        cells = [str(v) for v in nums]
        if stem in ("received", "carried_in", "carried_out"):
            rows.append([p(label), "", "", *cells])
        elif stem in ("result.granted", "result.partial", "result.total"):
            rows.append([p("三、本年度办理结果") if stem == "result.granted" else "", p(label), "", *cells])
        else:
            rows.append(["", p(groups[i]) if i in groups else "", p(label), *cells])
    last = len(rows) - 1
    spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((4, 1), (8, 1)), ((3, 1), (3, 2)), ((9, 1), (9, 2))]
    spans += [((0, 3), (2, 3)), ((0, 4), (2, 4)), ((0, 5), (0, last - 1)), ((0, last), (2, last))]
    spans += [((1, 5), (2, 5)), ((1, 6), (2, 6)), ((1, last - 1), (2, last - 1))]
    for first_i, n in ((4, 8), (12, 3), (15, 5), (20, 3)):
        spans.append(((1, first_i + 3), (1, first_i + 3 + n - 1)))
    t_apply = Table(rows, colWidths=[30, 50, 110] + [40] * 7)
    t_apply.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("VALIGN", (0, 0), (-1, -1), "MIDDLE")]
            + [("FONTNAME", (0, 0), (-1, -1), "STSong-Light"), ("FONTSIZE", (0, 0), (-1, -1), 8)]
            + [("SPAN", a, b) for a, b in spans]
        )
    )

    review = [
        [p("行政复议"), "", "", "", "", p("行政诉讼")] + [""] * 9,
        [p(x) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")]
        + [p("未经复议直接起诉"), "", "", "", "", p("复议后起诉"), "", "", "", ""],
        [""] * 5 + [p(x) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")] * 2,
        [str(x) for x in REVIEW_NUMS],
    ]
    expected |= dict(zip(REVIEW_KEYS, map(float, REVIEW_NUMS), strict=True))
    t_review = Table(review, colWidths=[30] * 15)
    t_review.setStyle(
        TableStyle(
            [("GRID", (0, 0), (-1, -1), 0.5, "black"), ("FONTNAME", (0, 0), (-1, -1), "STSong-Light")]
            + [("SPAN", (0, 0), (4, 0)), ("SPAN", (5, 0), (14, 0)), ("SPAN", (5, 1), (9, 1))]
            + [("SPAN", (10, 1), (14, 1))]
            + [("SPAN", (c, 1), (c, 2)) for c in range(5)]
        )
    )
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4).build(
        [
            p("二、主动公开政府信息情况"),
            t_active,
            p("三、收到和处理政府信息公开申请情况"),
            t_apply,
            p("四、政府信息公开行政复议、行政诉讼情况"),
            t_review,
            p("五、存在的主要问题及改进情况"),
        ]
    )
    with pdfplumber.open(io.BytesIO(buf.getvalue())) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    return text, dict(expected)  # exact values, as printed


def test_pdf_text_layer_of_merged_cell_tables() -> None:
    text, expected = _pdf_text_of_tables()
    assert _parse(text) == expected


def test_leaf_label_above_its_numbers_and_split_label_after_a_repeated_header() -> None:
    text = """三、收到和处理政府信息公开申请情况
（六）其他处理
1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
3.其他
2 0 0 0 0 0 2
| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） |  | 申请人情况 |
|  |  | 自然人 | 法人或其他组织 |  |  |  |  | 总计 |
|  |  | 4.保护第三 |
| 方合法权益 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |
"""
    got = _parse(text)
    assert got["apply.result.other.other.natural_person"] == 2
    assert got["apply.result.denied.third_party.total"] == 3


def test_one_cell_per_line_copy_of_a_web_table() -> None:
    cells = [
        "二、主动公开政府信息情况",
        "第二十条第（一）项",
        "信息内容",
        "本年制发件数",
        "本年废止件数",
        "现行有效件数",
    ]
    cells += ["规章", "0", "1", "2", "行政规范性文件", "3", "0", "8"]
    cells += [
        "三、收到和处理政府信息公开申请情况",
        "一、本年新收政府信息公开申请数量",
        "4",
        "1",
        "0",
        "0",
        "0",
        "0",
        "5",
    ]
    cells += ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "结果维持", "结果纠正"]
    cells += [str(x) for x in REVIEW_NUMS]
    got = _parse("\n".join(cells))
    assert got["active.regulations.in_force"] == 2 and got["active.normative.issued"] == 3
    assert got["apply.received.natural_person"] == 4 and got["apply.received.total"] == 5
    assert {k: got.get(k) for k in REVIEW_KEYS} == dict(
        zip(REVIEW_KEYS, map(float, REVIEW_NUMS), strict=True)
    )


def test_partly_read_header_does_not_shift_columns() -> None:
    """A PDF header broken over lines ("上一\\n年项目数量") may be read in part; the numbers still land right."""
    text = """二、主动公开政府信息情况
第二十条第（五）项
信息内容 上一 本年增/减 处理决定数量
年项目
行政许可 83 +117 11034
"""
    got = _parse(text, "2019")
    assert got == {
        "active.license.prev_items": 83,
        "active.license.change": 117,
        "active.license.decisions": 11034,
    }


def test_traditional_character_mirror() -> None:
    text = (
        "三、收到和處理政府信息公開申請情況\n"
        "一、本年新收政府信息公開申請數量\t2\t0\t0\t0\t0\t0\t2\n"
        "二、上年結轉政府信息公開申請數量\t0\t0\t0\t0\t0\t0\t0\n"
    )
    values = parse_modern_tables(to_lines(text), "2021")
    got = {v.key: v for v in values}
    assert got["apply.received.total"].value == 2 and len(got) == 14
    assert got["apply.received.total"].line_text.startswith("一、本年新收政府信息公開申請數量")


def test_misprinted_label_is_matched_fuzzily_but_not_a_stranger() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n（三）不予公开\n"
        "6.属于四类过程信息 1 0 0 0 0 0 1\n"
        "9.本单位自行增加的统计项目 4 0 0 0 0 0 4\n"
    )
    got = _parse(text)
    assert got["apply.result.denied.process_info.total"] == 1
    assert len(got) == 7


def test_table_of_contents_does_not_capture_the_sections() -> None:
    toc = "目录\n一、总体情况\n二、主动公开政府信息情况\n三、收到和处理政府信息公开申请情况\n"
    toc += "四、政府信息公开行政复议、行政诉讼情况\n五、存在的主要问题及改进情况\n六、其他需要报告的事项\n"
    body = (
        "\n".join(_apply_table(" "))
        + "\n"
        + "\n".join(REVIEW_LINES)
        + "\n"
        + "\t".join(map(str, REVIEW_NUMS))
    )
    got = _parse(toc + "一、总体情况\n正文。\n" + body + "\n五、存在的主要问题及改进情况\n")
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected()
    assert got["review.upheld"] == REVIEW_NUMS[0]


def test_blank_cell_in_a_2019_fees_row_keeps_2019_columns() -> None:
    text = "二、主动公开政府信息情况\n第二十条第（八）项\n信息内容\t上一年项目数量\t本年增/减\n行政事业性收费\t5\t\n"
    assert _parse(text, "2019") == {"active.fees.prev_items": 5}


def test_extra_column_reading_is_learned_per_table_and_never_guessed() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量 3 1 0 0 0 0 4 0\n"  # adds up when the 8th column is dropped
        "二、上年结转政府信息公开申请数量 2 0 0 0 0 0 9 0\n"  # does not add up: the table's reading is used
    )
    got = _parse(text)
    assert got["apply.received.total"] == 4 and got["apply.carried_in.total"] == 9
    alone = _parse("三、收到和处理政府信息公开申请情况\n二、上年结转政府信息公开申请数量 2 0 0 0 0 0 9 0\n")
    assert not alone  # no evidence which column is extra: nothing rather than a guess


def test_too_many_numbers_elsewhere_are_not_truncated() -> None:
    text = "二、主动公开政府信息情况\n第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 447 228\n"
    assert _parse(text) == {}
    review = "四、政府信息公开行政复议、行政诉讼情况\n" + " ".join(["1"] * 16) + "\n"
    assert _parse(review) == {}


def test_pandoc_grid_table_with_labels_wrapped_inside_cells() -> None:
    text = """三、收到和处理政府信息公开申请情况
+------------------+----+----+----+----+----+----+----+
| 一、本年新收政府 | 5  | 0  | 0  | 0  | 1  | 0  | 6  |
| 信息公开申请数量 |    |    |    |    |    |    |    |
+------------------+----+----+----+----+----+----+----+
| 5.要求行政机关确认或重 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
| 新出具已获取信息 |  |  |  |  |  |  |  |
+------------------+----+----+----+----+----+----+----+
| 1.申请人无正当理由逾期 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
| 不补正、行政机关不再处理其政 |  |  |  |  |  |  |  |
| 府信息公开申请 |  |  |  |  |  |  |  |
+------------------+----+----+----+----+----+----+----+
"""
    got = _parse(text)
    assert got["apply.received.legal"] == 1 and got["apply.received.total"] == 6
    assert got["apply.result.not_processed.confirm_reissue.total"] == 1
    assert got["apply.result.other.overdue_correction.natural_person"] == 2
    assert len(got) == 21


def test_active_row_label_wrapped_over_two_lines() -> None:
    text = """二、主动公开政府信息情况
第二十条第（一）项
信息内容 本年制发件数 本年废止件数 现行有效件数
规章 0 0 1
行政规范性文
件 8 26 66
第二十条第（五）项
信息内容 上一年项目数量 本年增/减 处理决定数量
行政许可 83 +117 11034
其他对外管理服
务事项 56 -2 12980
"""
    got = _parse(text, "2021")
    assert got["active.normative.issued"] == 8 and got["active.normative.in_force"] == 66
    assert got["active.other_services.change"] == -2 and got["active.license.prev_items"] == 83


def test_wrapped_headings_and_a_two_line_leaf_label() -> None:
    text = """二、主动公开政
府信息情况
第二十条第（五）项
信息内容 本年处理决定数量
行政许可 12
三、收到和处理政府信息
公开申请情况
（六）其他处理
1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
3、其
他 108 2 0 0 0 0 110
四、政府信息公开行政复议、
行政诉讼情况
1 0 0 0 1 0 0 0 0 0 0 0 0 0 0
"""
    got = _parse(text)
    assert got["active.license.decisions"] == 12
    assert got["apply.result.other.other.total"] == 110
    assert got["review.total"] == 1 and len([k for k in got if k.startswith(("review", "litigation"))]) == 15


FULL_WIDTH = str.maketrans("0123456789", "０１２３４５６７８９")


def _mutate(text: str, rng) -> str:
    """Layout noise on a real report: full-width digits, labels wrapped before or after their numbers,
    page footers between any two lines."""
    import re

    out = []
    for line in text.split("\n"):
        r = rng.random()
        m = re.search(r"\s\d", line)
        if m and r < 0.15:
            out.append(line.translate(FULL_WIDTH))
        elif r < 0.25 and len(line) > 8 and (m.start() if m else len(line)) > 3:
            end = m.start() if m else len(line)
            k = rng.randint(2, end - 1)
            if m and rng.random() < 0.5:
                out += [line[:k] + " " + line[m.start() + 1 :], line[k:end]]
            else:
                out += [line[:k], line[k:]]
        elif r < 0.30:
            out += [line, f"- {rng.randint(1, 9)} -"]
        else:
            out.append(line)
    return "\n".join(out)


@pytest.mark.parametrize("file_name", MODERN_FILES)
def test_noisy_copies_of_real_reports_never_give_a_wrong_value(file_name: str) -> None:
    import random

    folder = require_shared()
    gold = _gold().get(file_name)
    if gold is None:
        pytest.skip(f"no gold entry for {file_name}")
    base = _decode(folder / file_name)
    expected = {k: v for k, v in gold["values"].items() if k not in NOT_TABLE_KEYS}
    rng = random.Random(file_name)
    missing = 0
    for _ in range(8):
        got = _parse(_mutate(base, rng), gold["template"])
        assert not {k: v for k, v in got.items() if expected.get(k) != v}, "a wrong value under layout noise"
        missing += sum(k not in got for k in expected)
    assert missing <= 8 * 5  # almost everything still read


def test_blank_cell_in_a_table_with_a_known_extra_column_stays_in_place() -> None:
    text = (
        "三、收到和处理政府信息公开申请情况\n"
        "一、本年新收政府信息公开申请数量\t3\t1\t0\t0\t0\t0\t4\t0\n"
        "二、上年结转政府信息公开申请数量\t2\t0\t\t0\t0\t0\t2\t0\n"
    )
    got = _parse(text)
    assert got["apply.carried_in.natural_person"] == 2 and got["apply.carried_in.total"] == 2
    assert "apply.carried_in.research" not in got and got["apply.carried_in.social"] == 0


def test_two_single_number_rows_run_together_are_not_misread() -> None:
    text = "二、主动公开政府信息情况\n第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚 3985758 行政强制 88283\n"
    assert _parse(text) == {}


def test_group_label_repeated_on_each_row_keeps_the_leaf_3_other() -> None:
    """A converter repeating the merged （六） cell: "（六）其他处理 | 3.其他" is the leaf, not the one-row （六）."""
    rows = ROW_LABELS_2021
    lines = _apply_table(" | ", rows)
    lines = [
        ("（六）其他处理" + ln if ln.startswith(" | 2.申请人") or ln.startswith(" | 3.其他") else ln)
        for ln in lines
    ]
    assert sum("（六）其他处理 | 3.其他" in ln for ln in lines) == 1
    got = _parse("\n".join(lines) + "\n")
    assert {k: v for k, v in got.items() if k.startswith("apply.")} == _expected()


def test_label_cut_above_its_numbers_and_ended_below_them() -> None:
    """pdftotext -layout of a cell whose numbers sit on its middle line; the next row's own numbered label
    is never taken for the tail."""
    text = "\n".join(
        [
            "三、收到和处理政府信息公开申请情况",
            "（六）其他处理 1.申请人无正当理由逾期不",
            "4 0 0 0 0 0 4",
            "补正、行政机关不再处理其政府信息公开申请",
            "2.申请人逾期未按",  # names its row (收费通知 is cut off) through 逾期未按
            "1 0 0 0 0 0 1",
            "收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
            "3.要求提",
            "2 0 0 0 0 0 2",
            "4.无正当理由大量反复申请",  # a numbered label: the next row, not 3.'s tail
            "0 0 0 0 0 1 1",
        ]
    )
    got = _parse(text + "\n")
    assert got["apply.result.other.overdue_correction.total"] == 4
    assert got["apply.result.other.unpaid_fee.total"] == 1
    assert not any(k.startswith("apply.result.not_processed.publication.") for k in got)
    assert "apply.result.not_processed.mass_repeated.total" not in got or got[
        "apply.result.not_processed.mass_repeated.total"
    ] == 1


def test_row_of_printed_marks_only_is_a_row_of_marks() -> None:
    """"行政事业性收费 | 无 | 无" and "二、上年结转… | / | / …": every cell a mark, kept as marks (not a label)."""
    from reports.tables_modern import parse_modern_tables_ex

    text = "\n".join(
        [
            "二、主动公开政府信息情况",
            "| 第二十条第（八）项 | | |",
            "| 信息内容 | 上一年项目数量 | 本年增/减 |",
            "| 行政事业性收费 | 无 | 无 |",
            *_apply_table(" | ")[:4],
            "| 二、上年结转政府信息公开申请数量 | | / | / | / | / | / | / | / |",
        ]
    )
    cells = {c.key: (c.state, c.mark) for c in parse_modern_tables_ex(to_lines(text + "\n"), "2019").cells}
    assert cells["active.fees.prev_items"] == ("mark", "无")
    assert cells["active.fees.change"] == ("mark", "无")
    assert {cells[f"apply.carried_in.{c}"] for c in APPLICANT_COLUMNS} == {("mark", "/")}


def test_markdown_row_one_cell_short_with_a_blank_is_not_shifted() -> None:
    """A converter lost one cell of a Markdown row: "| 一、… | | | 20 | 4 | 0 | 1 | 2 | 27 |" under a header
    with three label columns. Reading the second empty cell as a blank 自然人 shifted every number one
    column right (商业企业 = 20); which cell was lost cannot be known, so the row is unreadable. The same
    blank on a row as wide as the table is a blank 自然人."""
    from reports.tables_modern import parse_modern_tables_ex

    head = [
        "三、收到和处理政府信息公开申请情况",
        "| （本列数据的勾稽关系） | | | 申请人情况 | | | | | | |",
        "| | | | 自然人 | 法人或其他组织 | | | | | 总计 |",
    ]
    short = "| 一、本年新收政府信息公开申请数量 | | | 20 | 4 | 0 | 1 | 2 | 27 |"
    full = "| 二、上年结转政府信息公开申请数量 | | | | 4 | 0 | 1 | 2 | 0 | 7 |"
    tables = parse_modern_tables_ex(to_lines("\n".join([*head, short, full]) + "\n"), "2021")
    got = {v.key: v.value for v in tables.values}
    states = {c.key: c.state for c in tables.cells}
    assert not any(k.startswith("apply.received.") for k in got)
    assert {states[f"apply.received.{c}"] for c in APPLICANT_COLUMNS} == {"unreadable"}
    assert states["apply.carried_in.natural_person"] == "blank"
    assert got["apply.carried_in.commercial"] == 4 and got["apply.carried_in.total"] == 7


def test_one_cell_per_line_copy_with_a_mark_cell_and_with_a_lost_blank() -> None:
    """A web table copied one cell per line: a "/" line is the cell it stands in; an empty cell leaves no
    line at all, so a row one cell short cannot be placed and is unreadable, never shifted."""
    from reports.tables_modern import parse_modern_tables_ex

    head = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计"]
    head += ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    rows = ["一、本年新收政府信息公开申请数量", "5", "/", "0", "0", "1", "0", "6"]
    rows += ["二、上年结转政府信息公开申请数量", "2", "0", "0", "1", "0", "3"]  # one cell lost
    tables = parse_modern_tables_ex(to_lines("\n".join(head + rows) + "\n"), "2021")
    got = {v.key: v.value for v in tables.values}
    states = {c.key: (c.state, c.mark) for c in tables.cells}
    assert [got.get(f"apply.received.{c}") for c in APPLICANT_COLUMNS] == [5, None, 0, 0, 1, 0, 6]
    assert states["apply.received.commercial"] == ("mark", "/")
    assert not any(k.startswith("apply.carried_in.") for k in got)
    assert {states[f"apply.carried_in.{c}"][0] for c in APPLICANT_COLUMNS} == {"unreadable"}
