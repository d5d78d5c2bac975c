"""The 统计表 parser on synthetic tables with each kind of layout noise real reports carry."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports import exact
from reports.table2008 import core_label, parse_2008_table, parse_2008_table_ex, row_keys, strip_numbering
from reports.text import to_lines

# (printed label, unit, key or None) in the official order; the value for key k is VALUES[k]
ROWS = [
    ("一、主动公开情况", "—", None),
    ("（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）", "条", "active.total"),
    ("其中：主动公开规范性文件数", "条", "active.normative_docs_published"),
    ("制发规范性文件总数", "件", "active.normative_docs_made"),
    ("（二）通过不同渠道和方式公开政府信息的情况", "—", None),
    ("1.政府公报公开政府信息数", "条", "active.by_gazette"),
    ("2.政府网站公开政府信息数", "条", "active.by_website"),
    ("3.政务微博公开政府信息数", "条", "active.by_weibo"),
    ("4.政务微信公开政府信息数", "条", "active.by_wechat"),
    ("5.其他方式公开政府信息数", "条", "active.by_other"),
    ("二、回应解读情况", "—", None),
    ("（一）回应公众关注热点或重大舆情数（不同方式回应同一热点或舆情计1次）", "次", "response.hot_topics"),
    ("（二）通过不同渠道和方式回应解读的情况", "—", None),
    ("1.参加或举办新闻发布会总次数", "次", "response.press_conferences"),
    ("其中：主要负责同志参加新闻发布会次数", "次", "response.press_conferences_by_head"),
    ("2.政府网站在线访谈次数", "次", "response.online_interviews"),
    ("其中：主要负责同志参加政府网站在线访谈次数", "次", "response.online_interviews_by_head"),
    ("3.政策解读稿件发布数", "篇", "response.interpretations"),
    ("4.微博微信回应事件数", "次", "response.weibo_wechat"),
    ("5.其他方式回应事件数", "次", "response.other"),
    ("三、依申请公开情况", "—", None),
    ("（一）收到申请数", "件", "apply.received.total"),
    ("1.当面申请数", "件", "apply.received.in_person"),
    ("2.传真申请数", "件", "apply.received.fax"),
    ("3.网络申请数", "件", "apply.received.online"),
    ("4.信函申请数", "件", "apply.received.letter"),
    ("（二）申请办结数", "件", "apply.closed.total"),
    ("1.按时办结数", "件", "apply.closed.on_time"),
    ("2.延期办结数", "件", "apply.closed.extended"),
    ("（三）申请答复数", "件", "apply.answered.total"),
    ("1.属于已主动公开范围数", "件", "apply.answered.already_public"),
    ("2.同意公开答复数", "件", "apply.answered.granted"),
    ("3.同意部分公开答复数", "件", "apply.answered.partial"),
    ("4.不同意公开答复数", "件", "apply.answered.denied"),
    ("其中：涉及国家秘密", "件", "apply.answered.denied.state_secret"),
    ("涉及商业秘密", "件", "apply.answered.denied.commercial_secret"),
    ("涉及个人隐私", "件", "apply.answered.denied.privacy"),
    ("危及国家安全、公共安全、经济安全和社会稳定", "件", "apply.answered.denied.security_stability"),
    ("不是《条例》所指政府信息", "件", "apply.answered.denied.not_gov_info"),
    ("法律法规规定的其他情形", "件", "apply.answered.denied.other_legal"),
    ("5.不属于本行政机关公开数", "件", "apply.answered.not_this_agency"),
    ("6.申请信息不存在数", "件", "apply.answered.not_exist"),
    ("7.告知作出更改补充数", "件", "apply.answered.asked_to_amend"),
    ("8.告知通过其他途径办理数", "件", "apply.answered.other_channel"),
    ("四、行政复议数量", "件", "review.total"),
    ("（一）维持具体行政行为数", "件", "review.upheld"),
    ("（二）被依法纠错数", "件", "review.corrected"),
    ("（三）其他情形数", "件", "review.other"),
    ("五、行政诉讼数量", "件", "litigation.total"),
    ("（一）维持具体行政行为或者驳回原告诉讼请求数", "件", "litigation.upheld"),
    ("（二）被依法纠错数", "件", "litigation.corrected"),
    ("（三）其他情形数", "件", "litigation.other"),
    ("六、举报投诉数量", "件", "complaints.total"),
    ("七、依申请公开信息收取的费用", "万元", "apply.fees"),
    ("八、机构建设和保障经费情况", "—", None),
    ("（一）政府信息公开工作专门机构数", "个", "org.units"),
    ("（二）设置政府信息公开查阅点数", "个", "org.reading_points"),
    ("（三）从事政府信息公开工作人员数", "人", "org.staff"),
    ("1.专职人员数（不包括政府公报及政府网站工作人员数）", "人", "org.staff_full_time"),
    ("2.兼职人员数", "人", "org.staff_part_time"),
    (
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
        "万元",
        "org.budget",
    ),
    ("九、政府信息公开会议和培训情况", "—", None),
    ("（一）召开政府信息公开工作会议或专题会议数", "次", "training.meetings"),
    ("（二）举办各类培训班数", "次", "training.classes"),
    ("（三）接受培训人员数", "人次", "training.trainees"),
]

# distinct values so a row mapped to the wrong key cannot pass by accident
VALUES = {k: float(i * 7 + 3) for i, (_, _, k) in enumerate(ROWS) if k}
VALUES["apply.fees"] = Decimal("1.5")  # exact, as printed
VALUES["org.budget"] = Decimal("96171.6")


def render(sep: str = "\t", header: bool = True, values: dict | None = None, fmt=None) -> str:
    vals = VALUES if values is None else values
    out = ["政府信息公开情况统计表", "（2017年度）", "填报单位（盖章）：某某市某某局", ""]
    if header:
        out.append(sep.join(["统计指标", "单位", "统计数"]))
    for label, unit, key in ROWS:
        v = "" if key is None or vals.get(key) is None else (fmt(vals[key]) if fmt else _num(vals[key]))
        out.append(sep.join([label, unit, v]))
    out += ["", "单位负责人：张三", "填报日期：2018年1月10日"]
    return "\n".join(out)


def _num(v: float) -> str:
    return str(int(v)) if v == int(v) else str(v)


def parsed(text: str) -> dict[str, float]:
    return {v.key: v.value for v in parse_2008_table(to_lines(text))}


def test_every_catalogue_key_has_a_row():
    from reports.catalogue import catalogue

    keys_2008 = {d.key for d in catalogue() if {"2008", "2008p"} & set(d.templates)}
    assert set(row_keys()) == keys_2008


@pytest.mark.parametrize("sep", ["\t", " | ", "   "])
def test_clean_table_any_separator(sep):
    assert parsed(render(sep)) == VALUES


def test_markdown_pipe_table_with_rule_and_bold():
    text = render(" | ")
    lines = []
    for ln in text.split("\n"):
        if " | " in ln:
            ln = f"| {ln} |"
        lines.append(ln)
    hdr = next(i for i, ln in enumerate(lines) if "统计指标" in ln)
    lines.insert(hdr + 1, "|---|:---:|---:|")
    text = "\n".join(lines).replace("| 四、行政复议数量 |", "| **四、行政复议数量** |")
    assert parsed(text) == VALUES


def test_single_space_separated_pdf_like_rows():
    assert parsed(render(" ", header=False)) == VALUES


def test_blank_cells_are_absent_not_zero():
    vals = dict(VALUES)
    vals["response.other"] = None
    vals["org.budget"] = None
    got = parsed(render("\t", values=vals))
    assert "response.other" not in got and "org.budget" not in got
    assert got["response.weibo_wechat"] == VALUES["response.weibo_wechat"]
    assert got["apply.received.total"] == VALUES["apply.received.total"]


def test_zeros_are_kept():
    vals = {k: 0.0 for k in VALUES}
    assert parsed(render("\t", values=vals)) == vals


def test_full_width_signed_and_decimal_numbers():
    def fw(v: float) -> str:
        s = _num(v)
        return s.translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))

    got = parsed(render("\t", fmt=fw))
    assert got == VALUES
    text = render("\t").replace("法律法规规定的其他情形\t件\t", "法律法规规定的其他情形\t件\t+")
    assert parsed(text)["apply.answered.denied.other_legal"] == VALUES["apply.answered.denied.other_legal"]
    text = render("\t").replace("延期办结数\t件\t", "延期办结数\t件\t－")
    assert parsed(text)["apply.closed.extended"] == -VALUES["apply.closed.extended"]


def test_repeated_headers_and_page_footers_inside_table():
    lines = render("\t").split("\n")
    out = []
    for i, ln in enumerate(lines):
        out.append(ln)
        if i in (20, 35, 50):
            out += ["", "- 3 -", "", "统计指标\t单位\t统计数"]
        if i == 42:
            out += ["第 2 页 共 4 页"]
    assert parsed("\n".join(out)) == VALUES


def test_labels_split_across_lines():
    text = render("\t")
    text = text.replace(
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）\t万元",
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建\n设维护等方面的经费）\t万元",
    )
    text = text.replace(
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条）\t条",
        "（一）主动公开政府信息数（不同渠道和方式公开相同信息计 1\n条）\t条",
    )
    text = text.replace(
        "（一）召开政府信息公开工作会议或专题会议数\t次", "（一）召开政府信息公开\n工作会议或专题会议数\t次"
    )
    assert parsed(text) == VALUES


def test_label_value_on_following_lines():
    text = render("\t").replace("（一）收到申请数\t件\t", "（一）收到申请数\n件\n")
    assert parsed(text) == VALUES


def test_numbering_variants():
    text = render("\t")
    text = text.replace("（一）收到申请数", "(一) 收到申请数").replace("1.当面申请数", "1、当面申请数")
    text = text.replace("2.传真申请数", "（2）传真申请数").replace("四、行政复议数量", "四．行政复议数量")
    text = text.replace("3.网络申请数", "③网络申请数")
    assert parsed(text) == VALUES


def test_label_variants_and_notes():
    text = render("\t")
    text = text.replace("3.网络申请数", "3.网上申请数")
    text = text.replace("制发规范性文件总数", "制发规范性文件数")
    text = text.replace(
        "（四）政府信息公开专项经费（不包括用于政府公报编辑管理及政府网站建设维护等方面的经费）",
        "（四）政府信息公开专项经费",
    )
    text = text.replace("六、举报投诉数量", "六、投诉举报数量")
    assert parsed(text) == VALUES


def test_ambiguous_sub_items_follow_their_parent():
    # abbreviated labels that only the position disambiguates
    text = render("\t")
    text = text.replace("其中：主要负责同志参加新闻发布会次数", "其中：主要负责同志参加次数")
    text = text.replace("其中：主要负责同志参加政府网站在线访谈次数", "其中：主要负责同志参加次数")
    got = parsed(text)
    assert got == VALUES
    # the 复议 and 诉讼 blocks print identical child labels
    assert got["review.corrected"] == VALUES["review.corrected"]
    assert got["litigation.corrected"] == VALUES["litigation.corrected"]
    assert got["review.other"] != got["litigation.other"]


def test_sub_items_without_their_parent_rows():
    # a table that omits 四's own row still maps its children to 复议, not 诉讼
    text = render("\t").replace(
        "四、行政复议数量\t件\t" + _num(VALUES["review.total"]) + "\n", "四、行政复议情况\t—\t\n"
    )
    got = parsed(text)
    assert got["review.corrected"] == VALUES["review.corrected"]
    assert got["litigation.corrected"] == VALUES["litigation.corrected"]


def test_no_table_gives_nothing():
    text = "某某局2017年政府信息公开工作年度报告\n一、概述\n本年度共收到申请 3 件。\n"
    res = parse_2008_table_ex(to_lines(text))
    assert res.values == [] and not res.started


def test_other_tab_tables_before_the_statistics_table_are_ignored():
    prefix = "名称\t索引号\t责任部门\t生成日期\n兴庆区1-6月固定资产投资分析\t640104-115-2018-88676\t统计局\t2018-10-29\n"
    assert parsed(prefix + render("\t")) == VALUES


def test_truncated_table_keeps_what_was_read_and_says_so():
    text = render("\t")
    cut = text[: text.index("四、行政复议数量")]
    res = parse_2008_table_ex(to_lines(cut))
    got = {v.key: v.value for v in res.values}
    assert res.truncated and res.warnings
    assert got["apply.answered.other_channel"] == VALUES["apply.answered.other_channel"]
    assert "review.total" not in got


def test_complete_table_is_not_truncated():
    res = parse_2008_table_ex(to_lines(render("\t")))
    assert not res.truncated


def test_header_only_is_truncated_with_no_values():
    res = parse_2008_table_ex(to_lines("政府信息公开情况统计表\n统计指标\t单位\t统计数\n"))
    assert res.started and res.truncated and res.values == []


def test_provenance_points_at_the_printed_line():
    text = render("\t")
    vals = parse_2008_table(to_lines(text))
    lines = text.split("\n")
    for v in vals:
        assert lines[v.line_no - 1].strip() == v.line_text
        assert v.origin == "table"
    fees = next(v for v in vals if v.key == "apply.fees")
    assert fees.unit == "万元"


def test_helpers():
    assert strip_numbering("（一）收到申请数") == ("一", "收到申请数")
    assert strip_numbering("1、当面申请数") == ("1", "当面申请数")
    assert core_label("其中：主动公开规范性文件数") == "主动公开规范性文件数"
    assert core_label("(一) 主动公开政府信息数 (不同渠道和方式公开相同信息计 1 条)") == "主动公开政府信息数"


def test_merged_group_cell_before_the_row_label():
    # HTML/DOCX tables with a row-spanning section cell repeated on every row
    lines = render("\t").split("\n")
    out = []
    section = ""
    for ln in lines:
        cells = ln.split("\t")
        if len(cells) == 3 and cells[0][:2] in {"一、", "二、", "三、", "八、", "九、"}:
            section = cells[0]
        if (
            len(cells) == 3
            and section
            and not cells[0].startswith(section[:2])
            and cells[0][:2] not in {"四、", "五、", "六、", "七、"}
        ):
            ln = section + "\t" + ln
        out.append(ln)
    assert parsed("\n".join(out)) == VALUES


def test_value_before_unit_and_value_with_unit_in_one_cell():
    text = render("\t").replace("（一）收到申请数\t件\t", "（一）收到申请数\t", 1)
    text = text.replace(
        f"（一）收到申请数\t{_num(VALUES['apply.received.total'])}",
        f"（一）收到申请数\t{_num(VALUES['apply.received.total'])}件",
    )
    text = text.replace(
        f"2.兼职人员数\t人\t{_num(VALUES['org.staff_part_time'])}",
        f"2.兼职人员数\t{_num(VALUES['org.staff_part_time'])}\t人",
    )
    assert parsed(text) == VALUES


def test_extra_remarks_column_and_none_markers():
    text = render("\t").replace("统计指标\t单位\t统计数", "统计指标\t单位\t统计数\t备注")
    text = text.replace(
        "2.传真申请数\t件\t" + _num(VALUES["apply.received.fax"]),
        "2.传真申请数\t件\t" + _num(VALUES["apply.received.fax"]) + "\t7",
    )
    text = text.replace(
        "4.信函申请数\t件\t" + _num(VALUES["apply.received.letter"]), "4.信函申请数\t件\t无\t12"
    )
    got = parsed(text)
    assert got["apply.received.fax"] == VALUES["apply.received.fax"]
    assert "apply.received.letter" not in got


def test_markdown_escaped_numbering():
    text = render("\t").replace("1.当面申请数", "1\\. 当面申请数").replace("2.传真申请数", "2\\.传真申请数")
    assert parsed(text) == VALUES


def test_pdf_value_wrapped_to_next_line_and_blank_before_footer():
    text = render(" ", header=False)
    budget = _num(VALUES["org.budget"])
    text = text.replace(f"等方面的经费） 万元 {budget}", f"等方面的经费） 万元\n{budget}")
    got = parsed(text)
    assert got["org.budget"] == VALUES["org.budget"]
    # a blank "label 单位" row followed by a page footer must stay blank (the footer is not its value)
    text = render(" ", header=False).replace(
        f"七、依申请公开信息收取的费用 万元 {_num(VALUES['apply.fees'])}",
        "七、依申请公开信息收取的费用 万元\n\n- 5 -",
    )
    got = parsed(text)
    assert "apply.fees" not in got
    assert got["org.units"] == VALUES["org.units"]


def test_last_row_value_wrapped_and_prose_after_table_ignored():
    trainees = _num(VALUES["training.trainees"])
    text = render(" ", header=False).replace(
        f"（三）接受培训人员数 人次 {trainees}", f"（三）接受培训人员数 人次\n{trainees}"
    )
    text = text.replace(
        "单位负责人：张三", "（三）接受培训人员数 人次 1\n本局将继续做好政府信息公开工作，共收到申请 99 件"
    )
    got = parsed(text)
    assert got["training.trainees"] == VALUES["training.trainees"]
    res = parse_2008_table_ex(to_lines(text))
    assert not res.truncated


def test_notes_row_after_table_ends_it():
    text = render("\t").replace("单位负责人：张三", "注：本表统计期限为2017年1月1日至12月31日\t条\t5")
    assert parsed(text) == VALUES


def test_heading_without_header_needs_a_number_to_start_a_table():
    text = "一、主动公开情况\n（一）主动公开政府信息数\n本年度我局积极推进主动公开。\n"
    assert parse_2008_table_ex(to_lines(text)).started is False


def test_cells_glued_together_without_gaps():
    text = render("\t")
    for label in ("制发规范性文件总数", "3.政策解读稿件发布数", "（三）接受培训人员数"):
        line = next(ln for ln in text.split("\n") if ln.startswith(label + "\t"))
        text = text.replace(line, line.replace("\t", ""))
    assert parsed(text) == VALUES


def test_merged_cells_repeated_per_grid_column():
    text = render("\t").replace(
        "一、主动公开情况\t—\t", "一、主动公开情况\t一、主动公开情况\t一、主动公开情况"
    )
    text = text.replace("（一）收到申请数\t件", "（一）收到申请数\t（一）收到申请数\t件")
    text = text.replace("统计指标\t单位\t统计数", "统计指标\t统计指标\t单位\t统计数")
    assert parsed(text) == VALUES


def test_abbreviated_numbered_items_map_by_their_parent_row():
    text = render("\t")
    for full, short in [
        ("1.当面申请数", "1.当面"),
        ("3.网络申请数", "3.网络"),
        ("1.按时办结数", "1.按时"),
        ("1.属于已主动公开范围数", "1.已主动公开"),
        ("5.不属于本行政机关公开数", "5.非本机关"),
        ("（二）被依法纠错数", "（二）纠错"),
    ]:
        text = text.replace(full + "\t", short + "\t")
    got = parsed(text)
    assert got["apply.received.in_person"] == VALUES["apply.received.in_person"]
    assert got["apply.received.online"] == VALUES["apply.received.online"]
    assert got["apply.closed.on_time"] == VALUES["apply.closed.on_time"]
    assert got["apply.answered.already_public"] == VALUES["apply.answered.already_public"]
    assert got["review.corrected"] == VALUES["review.corrected"]
    assert got["litigation.corrected"] == VALUES["litigation.corrected"]
    # "非本机关" shares too little with 不属于本行政机关公开数 to be taken on position alone
    assert "apply.answered.not_this_agency" not in got


def test_numbered_row_of_an_unknown_local_extension_is_not_forced_into_a_slot():
    letter = "4.信函申请数\t件\t" + _num(VALUES["apply.received.letter"])
    text = render("\t").replace(letter, letter + "\n5.其他途径申请数\t件\t99")
    got = parsed(text)
    assert got == VALUES


def test_pdf_cell_note_wrapped_below_its_value():
    total = _num(VALUES["active.total"])
    text = render(" ", header=False).replace(
        f"（一）主动公开政府信息数（不同渠道和方式公开相同信息计1条） 条 {total}",
        f"（一）主动公开政府信息数（不同渠道和 条 {total}\n方式公开相同信息计1条）",
    )
    staff = _num(VALUES["org.staff_full_time"])
    text = text.replace(
        f"1.专职人员数（不包括政府公报及政府网站工作人员数） 人 {staff}",
        f"1.专职人员数（不包括政府公报及政府 人 {staff}\n网站工作人员数）",
    )
    assert parsed(text) == VALUES


def test_box_drawing_table_from_a_converted_document():
    lines = []
    for ln in render("\t").split("\n"):
        if "\t" in ln:
            lines.append("│" + "│".join(ln.split("\t")) + "│")
            lines.append("├────────┼────┼────┤")
        else:
            lines.append(ln)
    assert parsed("\n".join(lines)) == VALUES


def test_year_columns_take_the_latest_year():
    lines = []
    for ln in render("\t").split("\n"):
        cells = ln.split("\t")
        if cells[0] == "统计指标":
            ln = "统计指标\t单位\t2016年\t2017年"
        elif len(cells) == 3:
            ln = "\t".join([cells[0], cells[1], "777" if cells[2] else "", cells[2]])
        lines.append(ln)
    got = parsed("\n".join(lines))
    assert got == VALUES


def test_local_header_wording_and_prose_mentioning_the_words():
    text = render("\t").replace("统计指标\t单位\t统计数", "指标名称\t单位\t数量")
    prose = "按照统计指标和统计数的填报要求，本局认真做好年度统计工作并按时报送统计表，确保数据准确无误。\n"
    assert parsed(prose + text) == VALUES


# ------------------------------------------------------------------ property: any values, any layout noise
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_KEYS = [k for _, _, k in ROWS if k]
_value = st.one_of(
    st.none(),
    st.integers(min_value=0, max_value=999999).map(float),
    st.decimals(min_value=0, max_value=99999, places=1, allow_nan=False).map(float),
)


@settings(max_examples=60, deadline=None)
@given(
    values=st.fixed_dictionaries({k: _value for k in _KEYS}),
    sep=st.sampled_from(["\t", " | ", "   ", " "]),
    header=st.booleans(),
    footer_every=st.integers(min_value=5, max_value=40),
    fullwidth=st.booleans(),
)
def test_property_values_survive_layout_noise(values, sep, header, footer_every, fullwidth):
    def fmt(v: float) -> str:
        s = _num(v)
        return s.translate(str.maketrans("0123456789.", "０１２３４５６７８９．")) if fullwidth else s

    text = render(sep, header=header or sep == " ", values=values, fmt=fmt)
    lines = text.split("\n")
    out = []
    for i, ln in enumerate(lines):
        out.append(ln)
        if i > 5 and i % footer_every == 0:
            out += ["", f"- {i // footer_every} -", ""]
    got = parsed("\n".join(out))
    expected = {k: exact.to_exact(v) for k, v in values.items() if v is not None}
    assert got == expected  # exact
    assert set(got) == set(expected)


@settings(max_examples=60, deadline=None)
@given(
    values=st.fixed_dictionaries({k: st.integers(min_value=0, max_value=99999).map(float) for k in _KEYS}),
    sep=st.sampled_from(["\t", " "]),
    splits=st.lists(st.tuples(st.integers(0, len(ROWS) - 1), st.floats(0.2, 0.8)), max_size=8),
)
def test_property_labels_wrapped_at_any_point(values, sep, splits):
    """A label broken anywhere onto the next line (PDF text) still reads as its row."""
    where = dict(splits)
    out = ["政府信息公开情况统计表", sep.join(["统计指标", "单位", "统计数"])]
    for i, (label, unit, key) in enumerate(ROWS):
        v = "" if key is None else _num(values[key])
        if i in where and len(label) > 6:
            cut = max(2, min(len(label) - 2, int(len(label) * where[i])))
            out.append(label[:cut])
            out.append(sep.join([label[cut:], unit, v]))
        else:
            out.append(sep.join([label, unit, v]))
    out.append("单位负责人：张三")
    assert parsed("\n".join(out)) == values


@pytest.mark.parametrize("value_on_first_line", [False, True])
@pytest.mark.parametrize("sep", ["\t", " "])
def test_every_label_wrapped_at_many_points(sep, value_on_first_line):
    """Exhaustive-ish: each row's label cut at every 3rd character, the number on either line."""
    failures = []
    for i, (label, _unit, _key) in enumerate(ROWS):
        for cut in range(1, len(label), 3):
            out = ["政府信息公开情况统计表", sep.join(["统计指标", "单位", "统计数"])]
            for j, (lb, u, k) in enumerate(ROWS):
                v = "" if k is None else _num(VALUES[k])
                if j != i:
                    out.append(sep.join([lb, u, v]))
                elif value_on_first_line:
                    out += [sep.join([lb[:cut], u, v]), lb[cut:]]
                else:
                    out += [lb[:cut], sep.join([lb[cut:], u, v])]
            out.append("单位负责人：张三")
            if parsed("\n".join(out)) != VALUES:
                failures.append((label[:cut], label[cut:]))
    assert failures == []
