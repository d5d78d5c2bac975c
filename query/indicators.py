"""User words → catalogue keys, for every report format.

Why concepts rather than a flat synonym → key map: the same question ("依申请数", "予以公开", "诉讼")
points at different rows in the 2008 table and the 2019/2021 tables, and some answers are computed
(litigation total in 2019+, correction rate, share granted). A `Concept` says, per template, which key
or formula answers it; the engine picks the one that exists for the report at hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from reports.catalogue import by_key, catalogue, definition

TEMPLATES = ("2008", "2019", "2021", "narrative")
MODERN = ("2019", "2021")

# A formula: a catalogue key (str), ("sum", (formula, ...)) or ("ratio", numerator, denominator).
Formula = str | tuple


@dataclass(frozen=True)
class Concept:
    id: str
    name: str  # how the reply names it
    words: tuple[str, ...]  # what users type (simplified, no punctuation)
    formulas: dict[str, Formula]  # template → formula; "*" = every template
    unit: str = ""  # for derived ratios ("%")
    explain: str = ""  # glossary text
    modifiable: bool = False  # 2019+ applicant columns (自然人, 商业企业 …) apply
    priority: int = 0

    def formula(self, template: str) -> Formula | None:
        return self.formulas.get(template, self.formulas.get("*"))

    @property
    def templates(self) -> list[str]:
        if "*" in self.formulas:
            return list(TEMPLATES)
        return [t for t in TEMPLATES if t in self.formulas]


LIT_2019 = ("sum", ("litigation.direct.total", "litigation.after_review.total"))
LIT_CORR_2019 = ("sum", ("litigation.direct.corrected", "litigation.after_review.corrected"))
DENIED_2019 = (
    "sum",
    tuple(
        f"apply.result.denied.{k}.total"
        for k in (
            "state_secret",
            "law_prohibited",
            "security_stability",
            "third_party",
            "internal_affairs",
            "process_info",
            "enforcement_file",
            "query_item",
        )
    ),
)
UNAVAILABLE_2019 = (
    "sum",
    tuple(f"apply.result.unavailable.{k}.total" for k in ("not_held", "needs_creation", "unclear")),
)
NOT_PROCESSED_2019 = (
    "sum",
    tuple(
        f"apply.result.not_processed.{k}.total"
        for k in ("petition", "duplicate", "publication", "mass_repeated", "confirm_reissue")
    ),
)

# applicant columns of the 2019/2021 tables: word → key suffix
COLUMNS: dict[str, tuple[str, str]] = {
    "自然人": ("natural_person", "自然人"),
    "个人": ("natural_person", "自然人"),
    "公民": ("natural_person", "自然人"),
    "商业企业": ("commercial", "商业企业"),
    "企业": ("commercial", "商业企业"),
    "公司": ("commercial", "商业企业"),
    "科研机构": ("research", "科研机构"),
    "社会公益组织": ("social", "社会公益组织"),
    "公益组织": ("social", "社会公益组织"),
    "法律服务机构": ("legal", "法律服务机构"),
    "律师事务所": ("legal", "法律服务机构"),
    "律所": ("legal", "法律服务机构"),
    "法人或其他组织": ("org", "法人或其他组织，由五列相加"),  # derived: the sum of ORG_PARTS
    "法人": ("org", "法人或其他组织，由五列相加"),
    "其他组织": ("other_org", "其他法人或其他组织"),
    "其他": ("other_org", "其他法人或其他组织"),  # only as a column of a row phrase (never alone)
}
WEAK_COLUMNS = {"其他"}
ORG_PARTS = ("commercial", "research", "social", "legal", "other_org")  # 法人或其他组织 (2019/2021 tables)

# columns of tables 二 and 四 (2019/2021): word → last key segment ("行政许可 上一年项目数量")
KEY_COLUMNS: dict[str, tuple[str, str]] = {
    "上一年项目数量": ("prev_items", "上一年项目数量"),
    "上一年项目数": ("prev_items", "上一年项目数量"),
    "上年项目数量": ("prev_items", "上一年项目数量"),
    "本年增减": ("change", "本年增/减"),
    "增减": ("change", "本年增/减"),
    "处理决定数量": ("decisions", "处理决定数量"),
    "本年处理决定数量": ("decisions", "本年处理决定数量"),
    "处理决定数": ("decisions", "处理决定数量"),
    "本年新制作数量": ("new_made", "本年新制作数量"),
    "新制作": ("new_made", "本年新制作数量"),
    "本年新公开数量": ("new_published", "本年新公开数量"),
    "新公开": ("new_published", "本年新公开数量"),
    "对外公开总数量": ("total_published", "对外公开总数量"),
    "本年制发件数": ("issued", "本年制发件数"),
    "制发": ("issued", "本年制发件数"),
    "本年废止件数": ("repealed", "本年废止件数"),
    "废止": ("repealed", "本年废止件数"),
    "现行有效件数": ("in_force", "现行有效件数"),
    "现行有效": ("in_force", "现行有效件数"),
    "采购项目数量": ("items", "采购项目数量"),
    "采购总金额": ("amount", "采购总金额"),
    "结果维持": ("upheld", "结果维持"),
    "维持": ("upheld", "结果维持"),
    "结果纠正": ("corrected", "结果纠正"),
    "其他结果": ("other", "其他结果"),
    "尚未审结": ("pending", "尚未审结"),
    "未审结": ("pending", "尚未审结"),
}

_C: list[Concept] = [
    Concept(
        "apply_received",
        "依申请公开申请数（本年新收）",
        (
            "依申请数",
            "依申请公开数",
            "依申请公开申请数",
            "依申请公开",
            "依申请",
            "申请数",
            "申请数量",
            "申请量",
            "申请件数",
            "收到申请",
            "收到申请数",
            "收到的申请",
            "新收申请",
            "本年新收申请",
            "新收",
            "受理申请",
            "受理的申请",
            "信息公开申请",
            "政府信息公开申请",
            "公开申请",
            "申请公开",
            "申请",
            "新收政府信息公开申请",
        ),
        {"*": "apply.received.total"},
        explain="本年度行政机关收到（新收）的政府信息公开申请件数。2008 版统计表为“收到申请数”，"
        "2019/2021 版为表三“一、本年新收政府信息公开申请数量”的“总计”列。",
        modifiable=True,
    ),
    Concept(
        "apply_online",
        "网络申请数",
        ("网上申请", "网络申请", "网申", "在线申请", "网上提交", "互联网申请"),
        {"2008": "apply.received.online"},
        explain="通过网络（网站、电子邮件等）提交的申请数，只有 2008 版统计表分渠道统计。",
    ),
    Concept(
        "apply_in_person",
        "当面申请数",
        ("当面申请", "现场申请", "窗口申请"),
        {"2008": "apply.received.in_person"},
    ),
    Concept("apply_fax", "传真申请数", ("传真申请", "传真"), {"2008": "apply.received.fax"}),
    Concept(
        "apply_letter",
        "信函申请数",
        ("信函申请", "信函", "来信申请", "邮寄申请"),
        {"2008": "apply.received.letter"},
    ),
    Concept(
        "apply_carried_in",
        "上年结转申请数",
        ("上年结转", "上年度结转", "结转申请", "上年结转申请"),
        {"2019": "apply.carried_in.total", "2021": "apply.carried_in.total"},
        modifiable=True,
    ),
    Concept(
        "apply_carried_out",
        "结转下年度继续办理数",
        ("结转下年", "结转下年度", "结转下一年", "继续办理"),
        {"2019": "apply.carried_out.total", "2021": "apply.carried_out.total"},
        modifiable=True,
    ),
    Concept("apply_closed", "申请办结数", ("办结", "申请办结", "办结数"), {"2008": "apply.closed.total"}),
    Concept(
        "apply_answered",
        "申请答复数（办理结果总计）",
        (
            "答复",
            "申请答复",
            "答复数",
            "办理结果",
            "处理结果",
            "办理总数",
            "七总计",
            "办理结果总计",
            "本年度办理结果",
        ),
        {
            "2008": "apply.answered.total",
            "2019": "apply.result.total.total",
            "2021": "apply.result.total.total",
        },
        modifiable=True,
    ),
    Concept(
        "granted",
        "予以公开数",
        ("予以公开", "同意公开", "准予公开", "全部公开", "公开答复"),
        {
            "2008": "apply.answered.granted",
            "2019": "apply.result.granted.total",
            "2021": "apply.result.granted.total",
        },
        explain="依申请办理结果中“予以公开”（2008 版：“同意公开答复数”）的件数。",
        modifiable=True,
    ),
    Concept(
        "partial",
        "部分公开数",
        ("部分公开", "同意部分公开", "区分处理"),
        {
            "2008": "apply.answered.partial",
            "2019": "apply.result.partial.total",
            "2021": "apply.result.partial.total",
        },
        modifiable=True,
    ),
    Concept(
        "denied",
        "不予公开数",
        ("不予公开", "不同意公开", "不公开", "拒绝公开"),
        {"2008": "apply.answered.denied", "2019": DENIED_2019, "2021": DENIED_2019},
        explain="依申请办理结果中“不予公开”的件数。2008 版为“不同意公开答复数”；2019/2021 版为表三"
        "“（三）不予公开”下 1–8 项之和（由表内数字推算）。",
    ),
    Concept("unavailable", "无法提供数", ("无法提供",), {"2019": UNAVAILABLE_2019, "2021": UNAVAILABLE_2019}),
    Concept(
        "not_processed", "不予处理数", ("不予处理",), {"2019": NOT_PROCESSED_2019, "2021": NOT_PROCESSED_2019}
    ),
    Concept(
        "not_held",
        "本机关不掌握相关政府信息数",
        ("不掌握", "本机关不掌握", "信息不存在", "不存在"),
        {
            "2008": "apply.answered.not_exist",
            "2019": "apply.result.unavailable.not_held.total",
            "2021": "apply.result.unavailable.not_held.total",
        },
    ),
    Concept(
        "not_this_agency",
        "不属于本行政机关公开数",
        ("不属于本机关", "不属于本行政机关", "非本机关"),
        {"2008": "apply.answered.not_this_agency"},
    ),
    Concept(
        "duplicate",
        "重复申请数",
        ("重复申请",),
        {
            "2019": "apply.result.not_processed.duplicate.total",
            "2021": "apply.result.not_processed.duplicate.total",
        },
    ),
    Concept(
        "share_granted",
        "予以公开比例",
        (
            "公开率",
            "予以公开率",
            "予以公开比例",
            "公开比例",
            "同意公开比例",
            "同意公开率",
            "公开比率",
            "予以公开占比",
        ),
        {
            "2008": ("ratio", "apply.answered.granted", "apply.answered.total"),
            "2019": ("ratio", "apply.result.granted.total", "apply.result.total.total"),
            "2021": ("ratio", "apply.result.granted.total", "apply.result.total.total"),
        },
        unit="%",
        explain="予以公开件数占办理结果总数的比例：予以公开 ÷ 办理结果总计（2008 版：同意公开答复数 ÷ "
        "申请答复数）。由表内数字推算。",
    ),
    Concept(
        "review_total",
        "行政复议数",
        ("行政复议", "复议", "复议数", "复议案件", "复议数量", "复议总数", "被复议", "申请复议"),
        {"*": "review.total"},
        explain="因政府信息公开工作被申请行政复议的件数（2019/2021 版为表四“行政复议·总计”）。",
    ),
    Concept(
        "review_corrected",
        "行政复议纠正数",
        ("复议纠正", "复议纠错", "复议被纠错", "复议被纠正", "复议结果纠正", "复议被依法纠错"),
        {"2008": "review.corrected", "2019": "review.corrected", "2021": "review.corrected"},
    ),
    Concept(
        "review_upheld",
        "行政复议维持数",
        ("复议维持", "复议结果维持"),
        {"2008": "review.upheld", "2019": "review.upheld", "2021": "review.upheld"},
    ),
    Concept(
        "review_pending",
        "行政复议尚未审结数",
        ("复议尚未审结", "复议未审结"),
        {"2019": "review.pending", "2021": "review.pending"},
    ),
    Concept(
        "litigation_total",
        "行政诉讼数",
        (
            "行政诉讼",
            "诉讼",
            "诉讼数",
            "诉讼案件",
            "起诉",
            "被起诉",
            "被诉",
            "打官司",
            "诉讼数量",
            "诉讼总数",
            "应诉",
        ),
        {
            "2008": "litigation.total",
            "narrative": "litigation.total",
            "2019": "litigation.total",
            "2021": "litigation.total",
        },
        explain="因政府信息公开工作被提起行政诉讼的件数。2019/2021 版表四把诉讼分为“未经复议直接起诉”和"
        "“复议后起诉”，总数为两者“总计”之和（由表内数字推算）。",
    ),
    Concept(
        "litigation_direct",
        "未经复议直接起诉数",
        ("直接起诉", "未经复议直接起诉", "未经复议"),
        {"2019": "litigation.direct.total", "2021": "litigation.direct.total"},
    ),
    Concept(
        "litigation_after_review",
        "复议后起诉数",
        ("复议后起诉",),
        {"2019": "litigation.after_review.total", "2021": "litigation.after_review.total"},
    ),
    Concept(
        "litigation_corrected",
        "行政诉讼纠正数",
        ("诉讼纠正", "诉讼纠错", "诉讼被纠错", "诉讼被纠正", "败诉"),
        {"2008": "litigation.corrected", "2019": LIT_CORR_2019, "2021": LIT_CORR_2019},
    ),
    Concept(
        "correction_total",
        "复议和诉讼被纠错数",
        ("纠错", "纠正", "被纠错", "被纠正", "纠错数", "纠正数"),
        {
            "2008": ("sum", ("review.corrected", "litigation.corrected")),
            "2019": ("sum", ("review.corrected", LIT_CORR_2019)),
            "2021": ("sum", ("review.corrected", LIT_CORR_2019)),
        },
    ),
    Concept(
        "correction_rate",
        "复议诉讼纠错率",
        ("纠错率", "纠正率", "被纠错率", "被纠正率", "败诉率"),
        {
            "2008": (
                "ratio",
                ("sum", ("review.corrected", "litigation.corrected")),
                ("sum", ("review.total", "litigation.total")),
            ),
            "2019": (
                "ratio",
                ("sum", ("review.corrected", LIT_CORR_2019)),
                ("sum", ("review.total", LIT_2019)),
            ),
            "2021": (
                "ratio",
                ("sum", ("review.corrected", LIT_CORR_2019)),
                ("sum", ("review.total", LIT_2019)),
            ),
        },
        unit="%",
        explain="行政复议和行政诉讼中结果为纠正（被依法纠错）的件数占复议、诉讼总件数的比例："
        "（复议纠正 + 诉讼纠正）÷（复议总数 + 诉讼总数）。由表内数字推算。",
        priority=1,
    ),
    Concept(
        "complaints",
        "举报投诉数",
        ("举报投诉", "投诉", "举报"),
        {"2008": "complaints.total", "narrative": "complaints.total"},
    ),
    Concept(
        "active_total",
        "主动公开政府信息数",
        ("主动公开", "主动公开信息", "主动公开数", "主动公开政府信息", "主动公开条数", "公开信息数"),
        {"2008": "active.total"},
        explain="本年度主动公开的政府信息条数（2008 版统计表“主动公开政府信息数”）。2019/2021 版表二只按"
        "规章、规范性文件、许可、处罚等类别统计，没有总数。",
    ),
    Concept(
        "by_website",
        "政府网站公开政府信息数",
        ("网站公开", "政府网站", "网站发布", "网站", "门户网站", "官网"),
        {"2008": "active.by_website"},
    ),
    Concept(
        "by_weibo", "政务微博公开政府信息数", ("微博公开", "政务微博", "微博"), {"2008": "active.by_weibo"}
    ),
    Concept(
        "by_wechat",
        "政务微信公开政府信息数",
        ("微信公开", "政务微信", "微信", "公众号"),
        {"2008": "active.by_wechat"},
    ),
    Concept("by_gazette", "政府公报公开政府信息数", ("政府公报", "公报"), {"2008": "active.by_gazette"}),
    Concept(
        "normative",
        "规范性文件数",
        ("规范性文件", "规范性文件数"),
        {
            "2008": "active.normative_docs_published",
            "2019": "active.normative.total_published",
            "2021": "active.normative.in_force",
        },
    ),
    Concept(
        "other_services",
        "其他对外管理服务事项处理决定数",
        ("其他对外管理服务事项", "对外管理服务事项"),
        {"2019": "active.other_services.decisions"},
    ),
    Concept(
        "regulations",
        "规章数",
        ("规章", "规章数"),
        {"2019": "active.regulations.total_published", "2021": "active.regulations.in_force"},
    ),
    Concept(
        "license",
        "行政许可处理决定数",
        ("行政许可", "许可", "许可决定", "行政许可决定"),
        {"2019": "active.license.decisions", "2021": "active.license.decisions"},
    ),
    Concept(
        "penalty",
        "行政处罚处理决定数",
        ("行政处罚", "处罚", "处罚决定", "行政处罚决定"),
        {"2019": "active.penalty.decisions", "2021": "active.penalty.decisions"},
    ),
    Concept(
        "enforcement",
        "行政强制处理决定数",
        ("行政强制", "强制", "强制措施"),
        {"2019": "active.enforcement.decisions", "2021": "active.enforcement.decisions"},
    ),
    Concept(
        "procurement",
        "政府集中采购总金额",
        ("政府采购", "集中采购", "采购金额", "采购总金额", "采购"),
        {"2019": "active.procurement.amount"},
    ),
    Concept(
        "admin_fees",
        "行政事业性收费金额",
        ("行政事业性收费", "事业性收费", "收费金额"),
        {"2021": "active.fees.amount", "2019": "active.fees.prev_items"},
    ),
    Concept(
        "fees",
        "依申请公开收取的费用",
        ("收费", "收取费用", "收取的费用", "费用", "信息处理费", "收费数", "收了多少钱", "收钱"),
        {"2008": "apply.fees", "2021": "apply.processing_fee"},
        explain="办理政府信息公开申请收取的费用：2008 版统计表“依申请公开信息收取的费用”（万元）；"
        "2021 版在“六、其他需要报告的事项”中报告信息处理费（元）。",
    ),
    Concept(
        "trainees",
        "接受培训人员数",
        ("培训人次", "培训人数", "受训人数", "接受培训", "参训", "培训人员", "培训"),
        {"2008": "training.trainees"},
    ),
    Concept("training_classes", "举办各类培训班数", ("培训班",), {"2008": "training.classes"}),
    Concept(
        "meetings",
        "召开政府信息公开工作会议或专题会议数",
        ("工作会议", "专题会议", "会议"),
        {"2008": "training.meetings"},
    ),
    Concept(
        "staff",
        "从事政府信息公开工作人员数",
        ("工作人员", "人员数", "人员", "从事政府信息公开工作人员", "工作人员数"),
        {"2008": "org.staff"},
    ),
    Concept(
        "staff_full_time", "专职人员数", ("专职人员", "专职", "专职工作人员"), {"2008": "org.staff_full_time"}
    ),
    Concept("staff_part_time", "兼职人员数", ("兼职人员", "兼职"), {"2008": "org.staff_part_time"}),
    Concept("budget", "政府信息公开专项经费", ("专项经费", "经费", "预算"), {"2008": "org.budget"}),
    Concept("units", "政府信息公开工作专门机构数", ("专门机构", "工作机构"), {"2008": "org.units"}),
    Concept("reading_points", "政府信息公开查阅点数", ("查阅点", "查阅场所"), {"2008": "org.reading_points"}),
    Concept(
        "hot_topics",
        "回应公众关注热点或重大舆情数",
        ("回应热点", "舆情", "热点"),
        {"2008": "response.hot_topics"},
    ),
    Concept(
        "press",
        "参加或举办新闻发布会总次数",
        ("新闻发布会", "发布会"),
        {"2008": "response.press_conferences"},
    ),
    Concept(
        "interviews", "政府网站在线访谈次数", ("在线访谈", "访谈"), {"2008": "response.online_interviews"}
    ),
    Concept(
        "interpretations", "政策解读稿件发布数", ("政策解读", "解读"), {"2008": "response.interpretations"}
    ),
]

CONCEPTS: dict[str, Concept] = {c.id: c for c in _C}

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+[.、])")
_PAREN_TAIL = re.compile(r"\([^()]*\)$")
_KEY_CONCEPTS: dict[str, str] = {}


def clean(text: str) -> str:
    """A phrase as matched: simplified, no spaces/punctuation, no 的 (the reader drops it too)."""
    from query.parse_question import normalize

    return normalize(text).replace(" ", "").replace("的", "")


@lru_cache(maxsize=1)
def phrase_table() -> dict[str, tuple[str, str | None]]:
    """phrase → (concept id, column suffix or None). Catalogue names are concepts of one key each."""
    table: dict[str, tuple[str, str | None]] = {}
    # catalogue-derived phrases first, so hand-written words win on conflicts
    seen: dict[str, set[str]] = {}
    for d in catalogue():
        base = clean(_PAREN_TAIL.sub("", _NUMBERING.sub("", d.name_zh.replace("（", "(").replace("）", ")"))))
        col = None
        m = re.search(r"\(([^()]*)\)$", d.name_zh.replace("（", "(").replace("）", ")"))
        if m and d.key.startswith("apply.") and not d.key.endswith(".total"):
            col = m.group(1)
        if not d.key.endswith(".total") and col:
            continue  # applicant columns come from base phrase + column word
        for phrase in {clean(d.name_zh), base, re.sub(r"(数量|数|总计)$", "", base)}:
            if len(phrase) >= 4:
                seen.setdefault(phrase, set()).add(d.key)
    owner: dict[str, str] = {}
    for c in _C:
        for f in c.formulas.values():
            if isinstance(f, str):
                owner.setdefault(f, c.id)
    for phrase, keys in seen.items():
        if len(keys) == 1:
            key = next(iter(keys))
            table[phrase] = (owner.get(key, f"key:{key}"), None)
    for c in _C:
        for w in c.words:
            w = clean(w)
            table[w] = (c.id, None)
            if w.startswith(("复议", "诉讼")):
                table["行政" + w] = (c.id, None)
    for w, (suffix, _label) in COLUMNS.items():
        table.setdefault(clean(w), ("column:" + suffix, suffix))
    for w, (suffix, _label) in KEY_COLUMNS.items():
        table.setdefault(clean(w), ("column:k:" + suffix, "k:" + suffix))
    return table


def concept(cid: str) -> Concept | None:
    """A concept by id; `key:<catalogue key>` is a one-key concept made on the fly."""
    c = CONCEPTS.get(cid)
    if c is not None:
        return c
    if cid.startswith("key:"):
        key = cid[4:]
        defs = by_key().get(key)
        if not defs:
            return None
        formulas = {t: key for d in defs for t in d.templates}
        if key in {"apply.received.total", "review.total", "litigation.total", "complaints.total"}:
            formulas["narrative"] = key
        return Concept(cid, defs[0].name_zh, (), formulas)
    return None


@dataclass
class IndicatorMatch:
    concept: Concept
    column: str | None = None  # applicant column suffix (2019+)
    span: tuple[int, int] = (0, 0)
    words: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.concept.id + (f"@{self.column}" if self.column else "")

    @property
    def label(self) -> str:
        if self.column and self.column.startswith("k:"):
            col = next(
                (lbl for _w, (suf, lbl) in KEY_COLUMNS.items() if suf == self.column[2:]), self.column[2:]
            )
            return f"{self.concept.name}（{col}）"
        if self.column:
            col = next((lbl for _w, (suf, lbl) in COLUMNS.items() if suf == self.column), self.column)
            return f"{self.concept.name}（{col}）"
        return self.concept.name

    def formula(self, template: str) -> Formula | None:
        f = self.concept.formula(template)
        if f is None:
            return None
        if self.column and self.column.startswith("k:"):
            if not isinstance(f, str) or template not in MODERN:
                return None
            f = f.rsplit(".", 1)[0] + "." + self.column[2:]
            d = definition(f, template)
            return f if d is not None and template in d.templates else None
        if self.column:
            if not (
                isinstance(f, str) and f.startswith("apply.") and f.endswith(".total") and template in MODERN
            ):
                return None
            base = f[: -len("total")]
            if self.column == "org":  # stated as derived: the five columns summed
                parts = tuple(base + c for c in ORG_PARTS)
                return ("sum", parts) if all(definition(k, template) for k in parts) else None
            f = base + self.column
            if definition(f, template) is None:
                return None
        return f


def from_id(match_id: str) -> IndicatorMatch | None:
    """Rebuild a match from its id (follow-up context)."""
    cid, _, col = match_id.partition("@")
    c = concept(cid)
    return IndicatorMatch(c, col or None) if c else None


def keys_of(formula: Formula | None) -> list[str]:
    """Every catalogue key a formula reads."""
    if formula is None:
        return []
    if isinstance(formula, str):
        return [formula]
    if formula[0] == "sum":
        return [k for part in formula[1] for k in keys_of(part)]
    if formula[0] == "ratio":
        return keys_of(formula[1]) + keys_of(formula[2])
    return []


GENERIC_APPLY_WORDS = {
    "申请",
    "信息公开申请",
    "政府信息公开申请",
    "公开申请",
    "申请公开",
    "依申请",
    "依申请公开",
    "申请数",
    "申请件数",
    "新收政府信息公开申请",
}


def combine(matches: list[IndicatorMatch]) -> list[IndicatorMatch]:
    """Attach applicant-column words to the neighbouring row concept (自然人予以公开 → granted@natural_person)."""
    out: list[IndicatorMatch] = []
    columns = [
        m for m in matches if m.concept.id.startswith("column:") and not m.concept.id.startswith("column:k:")
    ]
    kcols = [m for m in matches if m.concept.id.startswith("column:k:")]
    rows = [m for m in matches if not m.concept.id.startswith("column:")]
    if kcols and rows:
        for r in rows:
            trial = IndicatorMatch(r.concept, kcols[0].column)
            if any(trial.formula(t) for t in MODERN):
                r.column = kcols[0].column
    strong = [c for c in columns if not (c.words and c.words[0] in WEAK_COLUMNS)]
    if columns and not rows and not strong:
        columns = []
    if columns:
        col = (strong or columns)[0].column
        if not rows:
            rows = [IndicatorMatch(CONCEPTS["apply_received"], span=columns[0].span)]
        for r in rows:
            if (r.concept.modifiable or _modifiable_key(r.concept)) and not r.column:
                r.column = col
        out = rows
    else:
        out = rows
    # "政府信息公开申请予以公开率": the generic "申请" words only set the context of a more specific one
    specific = [
        m
        for m in out
        if m.concept.id != "apply_received"
        and any(k.startswith("apply.") for t in MODERN + ("2008",) for k in keys_of(m.concept.formula(t)))
    ]
    if specific:
        out = [
            m
            for m in out
            if not (m.concept.id == "apply_received" and m.words and clean(m.words[0]) in GENERIC_APPLY_WORDS)
        ]
    # a parent row named as context ("本年度办理结果/（一）予以公开", "不予公开/1.属于国家秘密") yields to its child
    if len(out) > 1:
        keysets = {
            id(m): set(
                keys_of(m.concept.formula("2019"))
                or keys_of(m.concept.formula("2021"))
                or keys_of(m.concept.formula("2008"))
            )
            for m in out
        }
        drop = set()
        for a in out:
            for b in out:
                if a is b:
                    continue
                ka, kb = keysets[id(a)], keysets[id(b)]
                parent_sum = len(ka) > 1 and kb and kb < ka
                answered_parent = a.concept.id == "apply_answered" and any(
                    k.startswith("apply.result.") for k in kb
                )
                if parent_sum or answered_parent:
                    drop.add(id(a))
        out = [m for m in out if id(m) not in drop] or out
    uniq: dict[str, IndicatorMatch] = {}
    for m in out:
        uniq.setdefault(m.id, m)
    return list(uniq.values())


def _modifiable_key(c: Concept) -> bool:
    f = c.formulas.get("2019") or c.formulas.get("2021")
    return isinstance(f, str) and f.startswith("apply.") and f.endswith(".total")


def column_concept(suffix: str) -> Concept:
    return Concept("column:" + suffix, suffix, (), {})


def glossary(match: IndicatorMatch) -> str:
    """What an indicator means and which official rows answer it in each format."""
    c = match.concept
    lines = [f"「{match.label}」"]
    if c.explain:
        lines.append(c.explain)
    for t in ("2008", "2019", "2021", "narrative"):
        f = match.formula(t)
        if f is None:
            continue
        lines.append(f"· {template_name(t)}：{describe(f, t)}")
    missing = [template_name(t) for t in ("2008", "2019", "2021") if match.formula(t) is None]
    if missing:
        lines.append("· " + "、".join(missing) + "没有这一项。")
    return "\n".join(lines)


def template_name(t: str) -> str:
    return {
        "2008": "2008 版统计表（2008–2018 年度）",
        "2019": "2019 版表格（2019–2020 年度）",
        "2021": "2021 版表格（2021 年度起）",
        "narrative": "文字版报告",
    }.get(t, t)


def describe(formula: Formula, template: str) -> str:
    """'表三 …「予以公开」行「总计」列' for a key; 'a ＋ b' / 'a ÷ b' for formulas."""
    if isinstance(formula, str):
        d = definition(formula, template)
        if d is None:
            return formula
        where = f"{d.section}：" if d.section and template != "2008" else ""
        col = f"「{d.column_label}」列" if d.column_label and d.column_label != "统计数" else ""
        return f"{where}「{d.row_label}」行{col}（{d.unit}）" if d.row_label else f"{d.name_zh}（{d.unit}）"
    if formula[0] == "sum":
        return " ＋ ".join(_short(p, template) for p in formula[1])
    if formula[0] == "ratio":
        return f"（{_short(formula[1], template)}）÷（{_short(formula[2], template)}）"
    return str(formula)


def _short(formula: Formula, template: str) -> str:
    if isinstance(formula, str):
        d = definition(formula, template)
        return d.name_zh if d else formula
    if formula[0] == "sum":
        return " ＋ ".join(_short(p, template) for p in formula[1])
    return describe(formula, template)


def suggestions(text: str, limit: int = 5) -> list[str]:
    """Indicator words close to `text` ("did you mean"), one canonical word per concept."""
    from rapidfuzz import fuzz, process

    text = clean(text)
    if not text:
        return []
    table = phrase_table()
    choices = [w for w, (cid, _c) in table.items() if not cid.startswith(("column:", "key:"))]
    got = process.extract(text, choices, scorer=fuzz.ratio, limit=limit * 6, score_cutoff=50)
    out: list[str] = []
    seen: set[str] = set()
    for w, _s, _i in got:
        c = CONCEPTS.get(table[w][0])
        if c is None or c.id in seen:
            continue
        seen.add(c.id)
        out.append(c.words[0])
        if len(out) >= limit:
            break
    return out


def typo_fix(text: str, floor: float = 74.0, margin: float = 8.0) -> tuple[Concept, str] | None:
    """The one indicator a mistyped word clearly means ("依申情数" → 依申请数), else None.

    Only same-length-ish words count (a ratio, not a partial match), and the runner-up concept must
    score clearly lower, so a guess between two indicators is never made."""
    from rapidfuzz import fuzz, process

    text = clean(text)
    if len(text) < 2:
        return None
    table = phrase_table()
    choices = [w for w, (cid, _c) in table.items() if cid in CONCEPTS]
    got = process.extract(text, choices, scorer=fuzz.ratio, limit=12, score_cutoff=50)
    best: dict[str, tuple[float, str]] = {}
    for w, sc, _i in got:
        cid = table[w][0]
        if sc > best.get(cid, (0.0, ""))[0]:
            best[cid] = (sc, w)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    if not ranked or ranked[0][1][0] < floor:
        return None
    if len(ranked) > 1 and ranked[1][1][0] > ranked[0][1][0] - margin:
        return None
    c = CONCEPTS[ranked[0][0]]
    return c, c.words[0]
