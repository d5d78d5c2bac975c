"""Which table template a report follows, told from its structure — never from the year alone.

Why: the same label means different things in different formats (第二十条第（八）项 counts in 2019,
万元 in 2021), so parsers must know the template. Signals come from templates.md section C/D:
2008 统计表 rows (统计指标/单位/统计数, 申请答复数 …), table 三/四 labels shared by 2019 and 2021, and
the rows or columns that exist in only one of them. Labels are matched on squashed text with line
breaks removed, so PDF text that wraps a label mid-word ("逾期不补\\n正") still matches.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.model import Template
from reports.text import Line, squash

# 2008–2018 政府信息公开情况统计表 rows and headers.
MARKERS_2008: tuple[str, ...] = (
    "统计指标",
    "统计数",
    "政府信息公开情况统计表",
    "主动公开政府信息数",
    "主动公开规范性文件数",
    "制发规范性文件总数",
    "政府网站公开政府信息数",
    "回应公众关注热点或重大舆情数",
    "收到申请数",
    "当面申请数",
    "网络申请数",
    "信函申请数",
    "申请办结数",
    "按时办结数",
    "申请答复数",
    "属于已主动公开范围数",
    "同意公开答复数",
    "不同意公开答复数",
    "申请信息不存在数",
    "告知作出更改补充数",
    "行政复议数量",
    "行政诉讼数量",
    "举报投诉数量",
    "维持具体行政行为数",
    "被依法纠错数",
    "专职人员数",
    "兼职人员数",
    "政府信息公开专项经费",
    "举办各类培训班数",
    "政府公报公开政府信息数",
    "政务微信公开政府信息数",
    "其他方式公开政府信息数",
    "参加或举办新闻发布会总次数",
    "政府网站在线访谈次数",
    "政策解读稿件发布数",
    "微博微信回应事件数",
    "传真申请数",
    "延期办结数",
    "同意部分公开答复数",
    "不属于本行政机关公开数",
    "告知通过其他途径办理数",
    "依申请公开信息收取的费用",
    "政府信息公开工作专门机构数",
    "设置政府信息公开查阅点数",
    "从事政府信息公开工作人员数",
    "召开政府信息公开工作会议或专题会议数",
    "接受培训人员数",
)

# Tables 三 and 四 of both modern formats.
MARKERS_MODERN: tuple[str, ...] = (
    "收到和处理政府信息公开申请情况",
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "本年度办理结果",
    "予以公开",
    "部分公开区分处理的",
    "属于国家秘密",
    "其他法律行政法规禁止公开",
    "三安全一稳定",
    "保护第三方合法权益",
    "属于三类内部事务信息",
    "属于四类过程性信息",
    "属于行政执法案卷",
    "属于行政查询事项",
    "本机关不掌握相关政府信息",
    "没有现成信息需要另行制作",
    "补正后申请内容仍不明确",
    "信访举报投诉类申请",
    "要求提供公开出版物",
    "无正当理由大量反复申请",
    "要求行政机关确认或重新出具已获取信息",
    "结转下年度继续办理",
    "未经复议直接起诉",
    "复议后起诉",
    "结果维持",
    "结果纠正",
    "尚未审结",
    "主动公开政府信息情况",
    "第二十条第一项",
    "法人或其他组织",
)

# Only in the 2019 format (国办公开办函〔2019〕60号).
MARKERS_2019: tuple[str, ...] = (
    "本年新制作数量",
    "本年新公开数量",
    "对外公开总数量",
    "上一年项目数量",
    "本年增减",
    "第二十条第九项",
    "政府集中采购",
    "采购项目数量",
    "采购总金额",
    "其他对外管理服务事项",
    "公开办函201960号",
)

# Only in the 2021 format (国办公开办函〔2021〕30号).
MARKERS_2021: tuple[str, ...] = (
    "本年制发件数",
    "本年废止件数",
    "现行有效件数",
    "本年处理决定数量",
    "本年收费金额",
    "逾期不补正",
    "逾期未按收费通知",
    "不再处理其政府信息公开申请",
    "公开办函202130号",
)


_BRACKETS = str.maketrans("", "", "〔〕［］｛｝{}")


@dataclass(slots=True)
class Detection:
    """The decision with its evidence, so a caller (or a test) can see why."""

    template: Template
    hits_2008: list[str] = field(default_factory=list)
    hits_modern: list[str] = field(default_factory=list)
    hits_2019: list[str] = field(default_factory=list)
    hits_2021: list[str] = field(default_factory=list)
    reason: str = ""


def _flat(lines: list[Line]) -> str:
    """All squashed lines concatenated: a label wrapped over two lines reads as one."""
    return "".join(squash(ln.text) for ln in lines).translate(_BRACKETS)


_SQUASHED: dict[str, str] = {}


def _hits(flat: str, markers: tuple[str, ...]) -> list[str]:
    out = []
    for m in markers:
        key = _SQUASHED.get(m)
        if key is None:
            key = _SQUASHED[m] = squash(m).translate(_BRACKETS)
        if key in flat:
            out.append(m)
    return out


def detect(lines: list[Line], year: int | None = None) -> Detection:
    """Score each template's markers; the year only breaks a tie that the structure cannot decide."""
    flat = _flat(lines)
    h08 = _hits(flat, MARKERS_2008)
    hmod = _hits(flat, MARKERS_MODERN)
    h19 = _hits(flat, MARKERS_2019)
    h21 = _hits(flat, MARKERS_2021)
    # 2021-only markers that are document numbers or prose mentions are weak; table labels are strong.
    strong19 = [m for m in h19 if not m.startswith("公开办函")]
    strong21 = [m for m in h21 if not m.startswith("公开办函")]
    modern_score = len(hmod) + len(strong19) + len(strong21)
    d = Detection("narrative", h08, hmod, h19, h21)
    has_2008_table = ("统计指标" in h08 and "统计数" in h08) or len(h08) >= 4
    has_modern_table = modern_score >= 4
    if has_2008_table and (not has_modern_table or len(h08) > modern_score):
        d.template, d.reason = "2008", f"统计表 labels: {len(h08)}"
        return d
    if not has_modern_table:
        d.reason = f"no table structure (2008 hits {len(h08)}, modern hits {modern_score})"
        return d
    if len(strong21) != len(strong19):
        d.template = "2021" if len(strong21) > len(strong19) else "2019"
        d.reason = f"format-specific labels 2019={len(strong19)} 2021={len(strong21)}"
        return d
    if len(h21) != len(h19):  # only the notice numbers differ
        d.template = "2021" if len(h21) > len(h19) else "2019"
        d.reason = "notice number cited in the text"
        return d
    if "信息处理费" in flat:
        d.template, d.reason = "2021", "mentions 信息处理费 (2021 section 六)"
        return d
    if year is not None:
        d.template = "2021" if year >= 2021 else "2019"
        d.reason = f"tables 三/四 only; format chosen from the report year {year}"
        return d
    d.template, d.reason = "2021", "tables 三/四 only; assumed the current (2021) format"
    return d


def detect_template(lines: list[Line], year: int | None = None) -> Template:
    """ "2008" | "2019" | "2021" | "narrative" from the report's labels (see `detect` for evidence)."""
    return detect(lines, year).template
