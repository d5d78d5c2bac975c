"""Deterministic generator of realistic 政府信息公开工作年度报告 (for round-trip tests, samples and benchmarks).

Why: the parsers must be right on reports nobody has seen. Generated reports carry the exact numbers a
correct parser must extract (`GeneratedReport.values`), keep every arithmetic identity of their format
(勾稽关系), and print the layout noise real reports have (see NOISE_KINDS), so a parser can be checked on
thousands of reports instead of eight. Same seed → same report, byte for byte.

`values` never contains derived indicators (e.g. 2019/2021 litigation.total) and never contains a blank
cell: a blank is absent, never 0.

Noise kinds (each seen in a real report): tabs / spaces / pipes (cell separators; default is the single
spaces of PDF text), split_labels (prefix in its own cell, labels wrapped mid-word, numbers on the next
line, scrambled PDF header), vertical_heading (三、本年度办理结果 one character per line), repeated_header
(header rows again after a page break), footer ("- 3 -" inside tables and prose), fullwidth (１２),
signed (+117 / -2 / －2 in 2019 本年增/减), blank (blank cells, only where a reader can still tell which),
markdown (**bold**, <http://…>), one_line_review (复议/诉讼 15 numbers on one line), label_variants
(社会组织, 规范性文件/行政规范性文件, one-row （六）其他处理 in 2021, 1、 numbering, the 行政止公开 typo,
explanatory notes inside labels), title_variants (year spaced, two title lines, 年度, bare place,
name without its city); issue 13 kinds are listed with NOISE_KINDS below.
"""

from __future__ import annotations

import io
import random
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from reports import exact
from reports.catalogue import catalogue

TEMPLATES: tuple[str, ...] = ("2008", "2019", "2021", "narrative")
NOISE_KINDS: tuple[str, ...] = (
    "tabs",
    "spaces",
    "pipes",
    "split_labels",
    "vertical_heading",
    "repeated_header",
    "footer",
    "fullwidth",
    "signed",
    "blank",
    "markdown",
    "one_line_review",
    "label_variants",
    "title_variants",
    # issue 13: what real sites and converters do (Markdown made from PDFs, Word HTML, units)
    "detached_labels",  # a row's label alone on a line above an unlabelled value row
    "stray_numbers",  # a lone number (page number) floating between rows of table 三
    "cut_labels",  # long labels cut short (the PDF lost their tail)
    "short_rows",  # 2021 (一) 规章 row printing only 制发 and 现行有效; 废止 stated in prose above
    "yuan",  # 2019 (九) 采购总金额 printed in 元 under a header saying so
    "wrapped_around",  # pdftotext -layout: a 三 label cut above its numbers, its tail on the line below them
    "repeated_groups",  # Markdown/Word merged cells repeated: "（六）其他处理 | 3.其他" on every row of a group
)
# Drawn from their own random stream, so reports and corpora made before these kinds existed (the sample
# corpus, benches) come out byte for byte as before unless a kind is asked for.
ISSUE13_NOISE = frozenset(
    {"detached_labels", "stray_numbers", "cut_labels", "short_rows", "yuan", "wrapped_around", "repeated_groups"}
)
# Only when asked for (the property tests sample every kind): a random pick drawing them would change the
# reports, line numbers and PDFs that corpora, samples and tests made before them rely on.
ASKED_ONLY = frozenset({"wrapped_around", "repeated_groups"})
# Noise kinds that mean something for each template (others are ignored for that template).
APPLICABLE: dict[str, frozenset[str]] = {
    "2008": frozenset(
        {"tabs", "spaces", "pipes", "split_labels", "repeated_header", "footer", "fullwidth", "blank"}
        | {"markdown", "label_variants", "title_variants"}
    ),
    "2019": frozenset(NOISE_KINDS) - {"short_rows"},
    "2021": frozenset(NOISE_KINDS) - {"signed", "yuan"},
    "narrative": frozenset({"footer", "fullwidth", "markdown", "spaces", "title_variants"}),
}
FORMATS: tuple[str, ...] = ("txt", "gbk", "html", "docx", "pdf", "pdf_grid")

# ----------------------------------------------------------------------------------------------
# Agencies


@dataclass(frozen=True, slots=True)
class GenAgency:
    name: str  # full official name, unique within one generate_agencies() call
    kind: str  # people_gov | department | township | devzone | other
    region_path: tuple[str, ...]  # (province, city, county[, town])


_PROVINCES = (
    ("河北省", "省"), ("山西省", "省"), ("辽宁省", "省"), ("吉林省", "省"), ("黑龙江省", "省"),
    ("江苏省", "省"), ("浙江省", "省"), ("安徽省", "省"), ("福建省", "省"), ("江西省", "省"),
    ("山东省", "省"), ("河南省", "省"), ("湖北省", "省"), ("湖南省", "省"), ("广东省", "省"),
    ("海南省", "省"), ("四川省", "省"), ("贵州省", "省"), ("云南省", "省"), ("陕西省", "省"),
    ("甘肃省", "省"), ("青海省", "省"), ("内蒙古自治区", "自治区"), ("广西壮族自治区", "自治区"),
    ("西藏自治区", "自治区"), ("宁夏回族自治区", "自治区"), ("新疆维吾尔自治区", "自治区"),
)  # fmt: skip
# Characters for invented place names; none of 省市区县州镇乡街村局委府 so names split cleanly.
_PLACE_CHARS = (
    "东西南北青白金安平宁康永丰和泰华兴昌盛阳山河江湖海川林泉源石云龙凤鹤桂兰梅松柳清新长光明德仁义"
    "富嘉庆定远武文宝瑞祥福临凌乐宜原岭峰台塘沙洲滨汇崇合济通鸣溪桥顺怀化开建昭春秋玉翠黄红坪"
)
_COUNTY_DEPTS = (
    ("人民政府办公室", "department"), ("发展和改革局", "department"), ("教育局", "department"),
    ("教育体育局", "department"), ("科学技术局", "department"), ("工业和信息化局", "department"),
    ("公安分局", "department"), ("民政局", "department"), ("司法局", "department"), ("财政局", "department"),
    ("人力资源和社会保障局", "department"), ("自然资源局", "department"), ("生态环境分局", "department"),
    ("住房和城乡建设局", "department"), ("交通运输局", "department"), ("水务局", "department"),
    ("农业农村局", "department"), ("商务局", "department"), ("文化旅游体育局", "department"),
    ("卫生健康局", "department"), ("退役军人事务局", "department"), ("应急管理局", "department"),
    ("审计局", "department"), ("市场监督管理局", "department"), ("统计局", "department"),
    ("医疗保障局", "department"), ("审批服务管理局", "department"), ("城市管理局", "department"),
    ("信访局", "department"), ("政务服务中心", "other"), ("档案馆", "other"),
)  # fmt: skip
_CITY_DEPTS = (
    ("人民政府办公室", "department"), ("发展和改革委员会", "department"), ("教育局", "department"),
    ("科学技术局", "department"), ("工业和信息化局", "department"), ("公安局", "department"),
    ("民政局", "department"), ("司法局", "department"), ("财政局", "department"),
    ("人力资源和社会保障局", "department"), ("自然资源局", "department"), ("生态环境局", "department"),
    ("住房和城乡建设局", "department"), ("交通运输局", "department"), ("水务局", "department"),
    ("农业农村局", "department"), ("商务局", "department"), ("文化和旅游局", "department"),
    ("卫生健康委员会", "department"), ("退役军人事务局", "department"), ("应急管理局", "department"),
    ("审计局", "department"), ("市场监督管理局", "department"), ("统计局", "department"),
    ("医疗保障局", "department"), ("行政审批服务局", "department"), ("审批服务管理局", "department"),
    ("住房公积金管理中心", "other"), ("政务服务中心", "other"),
    ("经济技术开发区管理委员会", "devzone"), ("高新技术产业开发区管理委员会", "devzone"),
)  # fmt: skip
_PROVINCE_DEPTS = (
    ("发展和改革委员会", "department"), ("教育厅", "department"), ("公安厅", "department"),
    ("民政厅", "department"), ("财政厅", "department"), ("自然资源厅", "department"),
    ("生态环境厅", "department"), ("交通运输厅", "department"), ("农业农村厅", "department"),
    ("卫生健康委员会", "department"), ("市场监督管理局", "department"), ("统计局", "department"),
)  # fmt: skip


def _place_names(rng: random.Random, count: int, used: set[str], suffix: str) -> list[str]:
    """`count` invented two-character names (+suffix) not in `used` (names are added to it)."""
    out: list[str] = []
    chars = _PLACE_CHARS
    tries = 0
    while len(out) < count:
        tries += 1
        n = 2 if tries < count * 20 else 3
        name = "".join(rng.choice(chars) for _ in range(n)) + suffix
        if name[0] == name[1] or name in used:
            continue
        used.add(name)
        out.append(name)
    return out


def generate_agencies(n: int, seed: int = 0) -> list[GenAgency]:
    """`n` unique agencies over province › city › county › department/town, deterministic by seed.

    Why invented city/county names under real provinces: realistic enough for parsers and the answer
    engine, but never mistaken for a real body's figures.
    """
    if n <= 0:
        return []
    rng = random.Random(f"agencies:{seed}")
    per_county = len(_COUNTY_DEPTS) + 1 + 6  # departments + people's government + towns/streets
    counties_needed = max(2, -(-n // per_county) + 1)
    counties_per_city = 6
    cities_needed = max(1, -(-counties_needed // counties_per_city))
    provinces = list(_PROVINCES)
    rng.shuffle(provinces)
    n_prov = min(len(provinces), max(1, -(-cities_needed // 4)))
    provinces = provinces[:n_prov]
    used_cities: set[str] = set()
    city_names = _place_names(rng, cities_needed, used_cities, "市")
    pool: list[GenAgency] = []
    for i, city in enumerate(city_names):
        prov = provinces[i % n_prov][0]
        pool.append(GenAgency(f"{city}人民政府", "people_gov", (prov, city)))
        for dept, kind in _CITY_DEPTS:
            pool.append(GenAgency(f"{city}{dept}", kind, (prov, city)))
        used_counties: set[str] = set()
        for j in range(counties_per_city):
            suffix = "区" if j % 3 != 2 else "县"
            county = _place_names(rng, 1, used_counties, suffix)[0]
            path = (prov, city, county)
            pool.append(GenAgency(f"{city}{county}人民政府", "people_gov", path))
            for dept, kind in _COUNTY_DEPTS:
                pool.append(GenAgency(f"{city}{county}{dept}", kind, path))
            used_towns: set[str] = set()
            for k in range(6):
                kind_suffix = (
                    ("镇", "人民政府")
                    if k % 3 == 0
                    else ("乡", "人民政府")
                    if k % 3 == 1
                    else ("街道", "办事处")
                )
                town = _place_names(rng, 1, used_towns, kind_suffix[0])[0]
                pool.append(GenAgency(f"{city}{county}{town}{kind_suffix[1]}", "township", (*path, town)))
    for prov, _ in provinces:
        pool.append(GenAgency(f"{prov}人民政府", "people_gov", (prov,)))
        for dept, kind in _PROVINCE_DEPTS:
            pool.append(GenAgency(f"{prov}{dept}", kind, (prov,)))
    rng.shuffle(pool)
    seen: set[str] = set()
    out: list[GenAgency] = []
    for a in pool:
        if a.name in seen:
            continue
        seen.add(a.name)
        out.append(a)
        if len(out) == n:
            break
    if len(out) < n:  # pragma: no cover - the pool is sized with a margin
        raise RuntimeError(f"agency pool too small for n={n}")
    return out


# ----------------------------------------------------------------------------------------------
# Report layouts (labels from templates.md / indicators.csv)

COLS = ("natural_person", "commercial", "research", "social", "legal", "other_org", "total")
COL_LABELS = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_ORG_WEIGHTS = (70, 12, 1, 2, 6, 3)

# (key stem, leaf label, group label or None)
_RESULT_ROWS: tuple[tuple[str, str, str | None], ...] = (
    ("granted", "（一）予以公开", None),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("denied.state_secret", "1.属于国家秘密", "（三）不予公开"),
    ("denied.law_prohibited", "2.其他法律行政法规禁止公开", "（三）不予公开"),
    ("denied.security_stability", "3.危及“三安全一稳定”", "（三）不予公开"),
    ("denied.third_party", "4.保护第三方合法权益", "（三）不予公开"),
    ("denied.internal_affairs", "5.属于三类内部事务信息", "（三）不予公开"),
    ("denied.process_info", "6.属于四类过程性信息", "（三）不予公开"),
    ("denied.enforcement_file", "7.属于行政执法案卷", "（三）不予公开"),
    ("denied.query_item", "8.属于行政查询事项", "（三）不予公开"),
    ("unavailable.not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unavailable.needs_creation", "2.没有现成信息需要另行制作", "（四）无法提供"),
    ("unavailable.unclear", "3.补正后申请内容仍不明确", "（四）无法提供"),
    ("not_processed.petition", "1.信访举报投诉类申请", "（五）不予处理"),
    ("not_processed.duplicate", "2.重复申请", "（五）不予处理"),
    ("not_processed.publication", "3.要求提供公开出版物", "（五）不予处理"),
    ("not_processed.mass_repeated", "4.无正当理由大量反复申请", "（五）不予处理"),
    ("not_processed.confirm_reissue", "5.要求行政机关确认或重新出具已获取信息", "（五）不予处理"),
)
_OTHER_2019 = (("other", "（六）其他处理", None),)
_OTHER_2021 = (
    ("other.overdue_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("other.unpaid_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("other.other", "3.其他", "（六）其他处理"),
)  # fmt: skip
# Relative frequency of each result (granted dominates; not_held common).
_RESULT_WEIGHTS = {
    "granted": 40, "partial": 10, "denied.state_secret": 0.5, "denied.law_prohibited": 1,
    "denied.security_stability": 0.5, "denied.third_party": 1, "denied.internal_affairs": 1,
    "denied.process_info": 1.5, "denied.enforcement_file": 1, "denied.query_item": 2,
    "unavailable.not_held": 20, "unavailable.needs_creation": 2, "unavailable.unclear": 1,
    "not_processed.petition": 3, "not_processed.duplicate": 2, "not_processed.publication": 0.3,
    "not_processed.mass_repeated": 0.5, "not_processed.confirm_reissue": 0.5, "other": 5,
    "other.overdue_correction": 3, "other.unpaid_fee": 0.5, "other.other": 3,
}  # fmt: skip

# 2008 统计表 heading rows (no figure of their own), each printed just before the catalogue row named here.
# Labels and units of the keyed rows come from the catalogue (reports/data/indicators.csv), in its order.
_T2008_HEADINGS: dict[str, str] = {
    "active.total": "一、主动公开情况",
    "active.by_gazette": "（二）通过不同渠道和方式公开政府信息的情况",
    "response.hot_topics": "二、回应解读情况",
    "response.press_conferences": "（二）通过不同渠道和方式回应解读的情况",
    "apply.received.total": "三、依申请公开情况",
    "org.units": "八、机构建设和保障经费情况",
    "training.meetings": "九、政府信息公开会议和培训情况",
}


def _rows_2008() -> tuple[tuple[str | None, str, str], ...]:
    """The 统计表 as printed: (key or None for a heading row, label, unit), catalogue order."""
    rows: list[tuple[str | None, str, str]] = []
    for d in catalogue():
        if "2008" not in d.templates:
            continue
        if d.key in _T2008_HEADINGS:
            rows.append((None, _T2008_HEADINGS[d.key], ""))
        rows.append((d.key, d.row_label, d.unit))
    missing = set(_T2008_HEADINGS) - {k for k, _, _ in rows}
    if missing:
        raise RuntimeError(f"统计表 headings refer to keys not in the catalogue: {sorted(missing)}")
    return tuple(rows)


_T2008 = _rows_2008()

_REVIEW_KEYS = (
    [f"review.{p}" for p in ("upheld", "corrected", "other", "pending", "total")]
    + [f"litigation.direct.{p}" for p in ("upheld", "corrected", "other", "pending", "total")]
    + [f"litigation.after_review.{p}" for p in ("upheld", "corrected", "other", "pending", "total")]
)
_REVIEW_HEAD = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")

_FW = str.maketrans("0123456789.+-", "０１２３４５６７８９．＋－")


# ----------------------------------------------------------------------------------------------
# Generated report


@dataclass(slots=True)
class GeneratedReport:
    text: str
    values: dict[str, float]  # exactly what a correct parser must extract (no derived, no blanks)
    file_name: str
    agency: str
    year: int
    template: str
    noise: frozenset[str] = frozenset()
    gen_agency: GenAgency | None = None
    kind: str = "other"
    region_path: tuple[str, ...] = ()
    broken: dict[str, tuple[float, float]] = field(default_factory=dict)  # key → (consistent, printed)
    units: dict[str, str] = field(default_factory=dict)  # key → unit as printed, where not the catalogue's

    def __post_init__(self) -> None:
        """The values as printed, exactly (int, or Decimal of the printed digits): what the parser reads."""
        self.values = {k: exact.to_exact(_fmt(v)) for k, v in self.values.items()}
        self.broken = {k: (exact.to_exact(_fmt(a)), exact.to_exact(_fmt(b))) for k, (a, b) in self.broken.items()}


@dataclass(slots=True)
class _Row:
    """A table row before rendering: label cells then value cells ('' = blank)."""

    labels: list[str]
    cells: list[str]
    keys: list[str | None] = field(default_factory=list)


class _Ctx:
    def __init__(self, rng: random.Random, noise: frozenset[str]) -> None:
        self.rng = rng
        self.noise = noise
        if "pipes" in noise or ("repeated_groups" in noise and not {"tabs", "spaces"} & noise):
            self.sep = "pipes"  # merged cells are repeated by Markdown converters
        elif "tabs" in noise:
            self.sep = "tabs"
        elif "spaces" in noise:
            self.sep = "spaces"
        else:
            self.sep = "single"
        self.page = rng.randint(1, 2)
        self.explicit = self.sep in ("tabs", "pipes")  # blank cells representable
        self.year = 0

    def footer(self) -> str:
        s = f"- {self.page} -"
        self.page += 1
        return s

    def join(self, cells: Sequence[str]) -> str:
        if self.sep == "tabs":
            return "\t".join(cells)
        if self.sep == "pipes":
            return "| " + " | ".join(cells) + " |"
        parts = [c for c in cells if c != ""]
        if self.sep == "spaces":
            return "".join(p + " " * self.rng.randint(2, 4) for p in parts[:-1]) + (
                parts[-1] if parts else ""
            )
        return " ".join(parts)

    def num(self, v: float | None) -> str:
        if v is None:
            return ""
        s = _fmt(v)
        if "fullwidth" in self.noise and self.rng.random() < 0.6:
            s = s.translate(_FW)
        return s


def _fmt(v: float) -> str:
    if float(v).is_integer():
        return str(int(v))
    return f"{v:.2f}".rstrip("0").rstrip(".")


def _split_counts(rng: random.Random, total: int, weights: Sequence[float]) -> list[int]:
    """Distribute `total` over len(weights) bins (multinomial-ish, exact sum)."""
    out = [0] * len(weights)
    if total <= 0:
        return out
    wsum = float(sum(weights))
    if total > 200:
        rem = total
        for i, w in enumerate(weights[:-1]):
            share = int(total * w / wsum * rng.uniform(0.7, 1.3))
            share = min(share, rem)
            out[i] = share
            rem -= share
        out[-1] += rem
        return out
    cum = []
    acc = 0.0
    for w in weights:
        acc += w
        cum.append(acc)
    for _ in range(total):
        x = rng.random() * wsum
        for i, c in enumerate(cum):
            if x < c:
                out[i] += 1
                break
        else:
            out[-1] += 1
    return out


def _scale(rng: random.Random, kind: str) -> int:
    """Typical yearly number of disclosure requests for a body of this kind."""
    r = rng.random()
    if r < 0.2:
        return 0
    if kind == "people_gov":
        return int(rng.lognormvariate(3.5, 1.2))
    if kind == "township":
        return rng.randint(0, 4)
    return int(rng.lognormvariate(1.5, 1.0))


# ----------------------------------------------------------------------------------------------
# Numbers for each template


def _modern_numbers(rng: random.Random, template: str, kind: str, other_one_row: bool) -> dict[str, float]:
    v: dict[str, float] = {}
    stems = [s for s, _, _ in _RESULT_ROWS] + [
        s for s, _, _ in (_OTHER_2019 if other_one_row else _OTHER_2021)
    ]
    base = _scale(rng, kind)
    recv = _split_counts(rng, base, _ORG_WEIGHTS)
    if rng.random() < 0.4:  # many bodies only ever hear from natural persons
        recv = [base, 0, 0, 0, 0, 0]
    carried_in = [rng.randint(0, max(0, r // 10)) if rng.random() < 0.3 else 0 for r in recv]
    weights = [_RESULT_WEIGHTS[s] for s in stems]
    results: dict[str, list[int]] = {s: [0] * 6 for s in stems}
    carried_out = [0] * 6
    for c in range(6):
        avail = recv[c] + carried_in[c]
        out_c = rng.randint(0, max(0, avail // 8)) if avail and rng.random() < 0.3 else 0
        carried_out[c] = out_c
        for s, n in zip(stems, _split_counts(rng, avail - out_c, weights), strict=True):
            results[s][c] = n

    def put(prefix: str, row: list[int]) -> None:
        for col, n in zip(COLS, [*row, sum(row)], strict=True):
            v[f"{prefix}.{col}"] = float(n)

    put("apply.received", recv)
    put("apply.carried_in", carried_in)
    for s in stems:
        put(f"apply.result.{s}", results[s])
    put("apply.result.total", [sum(results[s][c] for s in stems) for c in range(6)])
    put("apply.carried_out", carried_out)

    # 四: review / litigation
    def block(prefix: str, scale: int) -> None:
        parts = [rng.randint(0, scale) if rng.random() < 0.3 else 0 for _ in range(4)]
        for p, n in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            v[f"{prefix}.{p}"] = float(n)
        v[f"{prefix}.total"] = float(sum(parts))

    big = 3 if base < 50 else max(3, base // 10)
    block("review", big)
    block("litigation.direct", max(1, big // 2))
    block("litigation.after_review", max(1, big // 3))

    # 二: active disclosure
    def small(p: float = 0.5, hi: int = 10) -> float:
        return float(rng.randint(0, hi)) if rng.random() < p else 0.0

    if template == "2019":
        for item in ("regulations", "normative"):
            made = small(0.5, 12 if item == "normative" else 2)
            v[f"active.{item}.new_made"] = made
            v[f"active.{item}.new_published"] = made
            v[f"active.{item}.total_published"] = made + small(0.6, 80)
        for item in ("license", "other_services", "penalty", "enforcement"):
            prev = small(0.7, 300)
            v[f"active.{item}.prev_items"] = prev
            v[f"active.{item}.change"] = (
                float(rng.randint(-int(min(prev, 20)), 120)) if rng.random() < 0.5 else 0.0
            )
            v[f"active.{item}.decisions"] = (
                float(int(rng.lognormvariate(4, 2))) if rng.random() < 0.6 else 0.0
            )
        prev = small(0.5, 30)
        v["active.fees.prev_items"] = prev
        v["active.fees.change"] = float(rng.randint(-int(min(prev, 5)), 5)) if rng.random() < 0.4 else 0.0
        items = small(0.5, 40)
        v["active.procurement.items"] = items
        v["active.procurement.amount"] = rng.randint(1, 9_000_000) / 100 if items else 0.0
    else:
        for item in ("regulations", "normative"):
            v[f"active.{item}.issued"] = small(0.5, 12 if item == "normative" else 2)
            v[f"active.{item}.repealed"] = small(0.3, 26)
            v[f"active.{item}.in_force"] = v[f"active.{item}.issued"] + small(0.7, 90)
        for item in ("license", "penalty", "enforcement"):
            v[f"active.{item}.decisions"] = (
                float(int(rng.lognormvariate(4, 2.2))) if rng.random() < 0.7 else 0.0
            )
        v["active.fees.amount"] = rng.randint(1, 9_999_999) / 100 if rng.random() < 0.5 else 0.0
        v["apply.processing_fee"] = float(rng.choice((0, 0, 0, 20, 100, 3940))) if base else 0.0
    return v


def _numbers_2008(rng: random.Random, kind: str) -> dict[str, float]:
    v: dict[str, float] = {}
    f = float
    base = _scale(rng, kind)
    ch = _split_counts(rng, base, (40, 2, 50, 8))
    v["apply.received.total"] = f(base)
    for k, n in zip(("in_person", "fax", "online", "letter"), ch, strict=True):
        v[f"apply.received.{k}"] = f(n)
    ext = rng.randint(0, base // 10) if base and rng.random() < 0.2 else 0
    v["apply.closed.total"] = f(base)
    v["apply.closed.on_time"] = f(base - ext)
    v["apply.closed.extended"] = f(ext)
    items = _split_counts(rng, base, (20, 40, 8, 5, 8, 10, 3, 6))
    keys = (
        "already_public",
        "granted",
        "partial",
        "denied",
        "not_this_agency",
        "not_exist",
        "asked_to_amend",
        "other_channel",
    )
    v["apply.answered.total"] = f(base)
    for k, n in zip(keys, items, strict=True):
        v[f"apply.answered.{k}"] = f(n)
    sub = _split_counts(rng, items[3], (2, 3, 3, 1, 6, 3))
    for k, n in zip(
        ("state_secret", "commercial_secret", "privacy", "security_stability", "not_gov_info", "other_legal"),
        sub,
        strict=True,
    ):
        v[f"apply.answered.denied.{k}"] = f(n)
    for prefix in ("review", "litigation"):
        parts = [rng.randint(0, 3) if rng.random() < 0.2 else 0 for _ in range(3)]
        v[f"{prefix}.total"] = f(sum(parts))
        for k, n in zip(("upheld", "corrected", "other"), parts, strict=True):
            v[f"{prefix}.{k}"] = f(n)
    v["complaints.total"] = f(rng.randint(0, 5) if rng.random() < 0.2 else 0)
    v["apply.fees"] = rng.randint(1, 500) / 100 if rng.random() < 0.1 else 0.0
    chans = [
        f(int(rng.lognormvariate(m, 1.2))) if rng.random() < p else 0.0
        for m, p in ((2, 0.4), (6, 0.95), (5, 0.6), (5, 0.6), (4, 0.5))
    ]
    for k, n in zip(("by_gazette", "by_website", "by_weibo", "by_wechat", "by_other"), chans, strict=True):
        v[f"active.{k}"] = n
    v["active.total"] = f(int(sum(chans) * rng.uniform(0.7, 1.0)))
    made = f(rng.randint(0, 20) if rng.random() < 0.6 else 0)
    v["active.normative_docs_made"] = made
    v["active.normative_docs_published"] = made if rng.random() < 0.8 else f(int(made * 0.5))
    pc = f(rng.randint(0, 12) if rng.random() < 0.5 else 0)
    oi = f(rng.randint(0, 6) if rng.random() < 0.3 else 0)
    v["response.hot_topics"] = f(rng.randint(0, 30) if rng.random() < 0.6 else 0)
    v["response.press_conferences"] = pc
    v["response.press_conferences_by_head"] = f(rng.randint(0, int(pc)))
    v["response.online_interviews"] = oi
    v["response.online_interviews_by_head"] = f(rng.randint(0, int(oi)))
    v["response.interpretations"] = f(rng.randint(0, 60) if rng.random() < 0.7 else 0)
    v["response.weibo_wechat"] = f(rng.randint(0, 500) if rng.random() < 0.5 else 0)
    v["response.other"] = f(rng.randint(0, 20) if rng.random() < 0.4 else 0)
    full = rng.randint(0, 3 if kind != "people_gov" else 12)
    part = rng.randint(0, 5 if kind != "people_gov" else 100)
    v["org.units"] = f(rng.randint(0, 1 if kind != "people_gov" else 15))
    v["org.reading_points"] = f(rng.randint(0, 2 if kind != "people_gov" else 20))
    v["org.staff"] = f(full + part)
    v["org.staff_full_time"] = f(full)
    v["org.staff_part_time"] = f(part)
    v["org.budget"] = rng.randint(0, 2000) / 10 if rng.random() < 0.4 else 0.0
    v["training.meetings"] = f(rng.randint(0, 6))
    v["training.classes"] = f(rng.randint(0, 6))
    v["training.trainees"] = f(rng.randint(0, 600) if v["training.classes"] else 0)
    return v


# ----------------------------------------------------------------------------------------------
# Prose


def _short(agency: str) -> str:
    for suffix in ("人民政府办公室", "人民政府", "办事处"):
        if agency.endswith(suffix):
            return "本" + ("机关" if suffix != "办事处" else "街道")
    return "我局" if agency.endswith("局") else "本单位"


def _site(rng: random.Random) -> str:
    return (
        "http://www."
        + "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 8)))
        + ".gov.cn"
    )


def _md(ctx: _Ctx, s: str) -> str:
    return f"**{s}**" if "markdown" in ctx.noise and ctx.rng.random() < 0.5 else s


def _link(ctx: _Ctx, url: str) -> str:
    return f"<{url}>" if "markdown" in ctx.noise else url


def _digits(ctx: _Ctx, n: int | float | str) -> str:
    s = n if isinstance(n, str) else _fmt(float(n))
    if "fullwidth" in ctx.noise and ctx.rng.random() < 0.5:
        s = s.translate(_FW)
    return s


def _sp(ctx: _Ctx) -> str:
    """PDF/Word conversions put spaces around numbers in prose ("2017 年")."""
    return " " if ctx.rng.random() < 0.5 else ""


def _title_variant(ctx: _Ctx, gen: GenAgency, year: int) -> list[str]:
    """Titles as printed: spaces around the year (001), agency and year on two lines (000, 02_), 年度,
    a bare place for a people's government (003), the name without its city (04_: 洪泽区人民政府)."""
    rng = ctx.rng
    name = gen.name
    options = ["spaces", "split", "niandu"]
    if gen.kind == "people_gov" and len(gen.region_path) >= 2:
        options.append("place")
    if (
        len(gen.region_path) >= 3
        and name.startswith(gen.region_path[1])
        and gen.kind in ("people_gov", "department")
    ):
        options.append("short")
    v = rng.choice(options)
    if v == "spaces":
        return [f"{name} {year} 年政府信息公开工作年度报告", ""]
    if v == "split":
        return [name, "", f"{year} 年政府信息公开工作年度报告", ""]
    if v == "niandu":
        return [f"{name}{year}年度政府信息公开工作年度报告", ""]
    if v == "place":
        return [f"{name[: -len('人民政府')]} {year} 年政府信息公开工作年度报告", ""]
    return [name[len(gen.region_path[1]) :], f"{year} 年政府信息公开工作年度报告", ""]


def _intro(ctx: _Ctx, agency: str, year: int, template: str) -> list[str]:
    rng = ctx.rng
    sp = _sp(ctx)
    basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）"
    if template in ("2008", "narrative"):
        basis = "《中华人民共和国政府信息公开条例》（以下简称《条例》）和本省有关规定"
    phone = f"0{rng.randint(310, 999)}-{rng.randint(2000000, 8999999)}"
    addr_no = rng.randint(1, 999)
    post = rng.randint(100000, 850000)
    return [
        f"本报告由{agency}{'办公室' if agency.endswith('人民政府') else ''}根据{basis}要求编制。报告所列数据统计期限自{sp}{_digits(ctx, year)}{sp}年{sp}1{sp}月{sp}1{sp}日起至"
        f"{sp}{_digits(ctx, year)}{sp}年{sp}12{sp}月{sp}31{sp}日止。本报告电子版可在门户网站（{_link(ctx, _site(rng))}）查阅或下载。"
        f"如对本报告有疑问，请与{agency}办公室联系（地址：人民路{addr_no}号，邮编：{post}，电话：{phone}）。",
        "",
    ]


_FILLER = (
    "坚持以人民为中心的发展思想，严格落实《条例》各项规定，不断完善政府信息公开制度，推进决策、执行、管理、服务、结果公开。",
    "严格执行“先审查、后公开”和“一事一审”原则，落实公开属性源头认定机制，确保公开信息准确规范。",
    "加强政务公开专栏建设，定期开展栏目巡查，对空白栏目、更新不及时等问题及时整改。",
    "围绕优化营商环境、保障和改善民生等重点领域，及时发布政策文件并同步做好政策解读。",
    "成立政务公开工作领导小组，明确分管领导和具体工作人员，层层压实工作责任。",
    "组织开展政务公开业务培训，以会代训、集中学习，提升工作人员业务能力。",
)


def _distractors(ctx: _Ctx, year: int) -> str:
    """Figures that are NOT catalogue indicators (a parser must leave them alone)."""
    rng = ctx.rng
    sp = _sp(ctx)
    opts = [
        f"全年办理人大代表建议{sp}{_digits(ctx, rng.randint(0, 30))}{sp}件、政协委员提案{sp}{_digits(ctx, rng.randint(0, 30))}{sp}件。",
        f"梳理政务服务事项{sp}{_digits(ctx, rng.randint(20, 1500))}{sp}项，网上可办率达{sp}{_digits(ctx, rng.randint(60, 100))}%。",
        f"制定完善工作制度{sp}{_digits(ctx, rng.randint(3, 25))}{sp}项，组织专题学习{sp}{_digits(ctx, rng.randint(1, 12))}{sp}次。",
        f"{_digits(ctx, year)}{sp}年{sp}{rng.randint(1, 12)}{sp}月，召开政务公开工作推进会，对全年工作进行安排部署。",
        f"全年接听热线电话{sp}{_digits(ctx, rng.randint(100, 60000))}{sp}个，按时办结率{sp}{_digits(ctx, rng.randint(90, 100))}%。",
    ]
    return "".join(rng.sample(opts, k=2))


def _para(ctx: _Ctx, extra: str = "") -> str:
    rng = ctx.rng
    return "".join(rng.sample(_FILLER, k=2)) + extra


def _sign_off(ctx: _Ctx, agency: str, year: int) -> list[str]:
    return ["", agency, "", f"{year + 1}年{ctx.rng.randint(1, 3)}月{ctx.rng.randint(1, 28)}日", ""]


# ----------------------------------------------------------------------------------------------
# Rendering tables


def _emit_rows(
    ctx: _Ctx,
    out: list[str],
    rows: list[_Row],
    header: list[str],
    split_ok: bool = True,
    strays: bool = False,
) -> None:
    """Render rows with the report's separator and row-level noise (footers, repeated headers, splits);
    `strays`: a lone number may float between two rows (only where a row always has all its cells)."""
    rng = ctx.rng
    n = len(rows)
    footer_at = set()
    if ("footer" in ctx.noise or "repeated_header" in ctx.noise) and n > 4:
        footer_at = set(rng.sample(range(2, n - 1), k=min(2, n - 3)))  # page breaks
    for i, row in enumerate(rows):
        if i in footer_at:
            if rng.random() < 0.5:
                out.append("")
            if "footer" in ctx.noise:
                out.append(ctx.footer())
            if "repeated_header" in ctx.noise:
                out.extend(header)
        labels = [lab for lab in row.labels]
        if "split_labels" in ctx.noise and split_ok and labels and rng.random() < 0.35:
            main = labels[-1]
            # Word/HTML tables (explicit cells) keep a row on one line: the prefix gets its own cell or the
            # empty leading cells are lost (001). Only PDF-extracted text wraps a label across lines.
            mode = rng.choice((0, 3)) if ctx.explicit else rng.randint(0, 2)
            m = re.match(r"^([一二三四五六七八九十]+、|（[一二三四五六七八九十]+）|\d+\.)(.+)$", main)
            if mode == 0 and m:
                # prefix in its own cell: "一、\t本年新收…" ; with spaces it stays on one line
                labels = [*labels[:-1], m.group(1), m.group(2)]
            elif mode == 1 and len(main) >= 8:
                cut = rng.randint(max(3, (len(main) + 1) // 2), len(main) - 2)  # wraps come late in a cell
                while cut < len(main) - 1 and (main[cut - 1].isdigit() or main[cut].isdigit()):
                    cut += 1
                out.append(ctx.join([*labels[:-1], main[:cut]]))
                labels = [main[cut:]]
            elif mode == 2:
                out.append(ctx.join(labels))
                labels = []
            elif mode == 3:
                labels = [lab for lab in labels if lab]
        if "cut_labels" in ctx.noise and labels and len(labels[-1]) >= 14 and rng.random() < 0.3:
            labels = [*labels[:-1], labels[-1][: max(11, len(labels[-1]) * 4 // 5)]]
        if "detached_labels" in ctx.noise and any(labels) and row.cells and rng.random() < 0.3:
            # Markdown from a PDF: "5.属于三类内部事务信息" then "| | | 1 | 0 | … | 1 |"
            out.append("".join(lab for lab in labels if lab))
            labels = [""] * len(labels) if ctx.explicit else []
        tail = ""
        if "wrapped_around" in ctx.noise and strays and not ctx.explicit and labels and row.cells:
            main = labels[-1]
            if len(main) >= 10 and rng.random() < 0.3:
                cut = rng.randint(len(main) // 3, len(main) - 3)
                while cut < len(main) - 2 and (main[cut - 1].isdigit() or main[cut].isdigit()):
                    cut += 1
                # the cell's numbers sit on its middle line: head above them, tail below
                out.append(ctx.join([*labels[:-1], main[:cut]]))
                labels, tail = [], main[cut:]
        line = ctx.join([*labels, *row.cells])
        if line.strip():
            out.append(line)
        if tail:
            out.append(tail)
        if "stray_numbers" in ctx.noise and strays and row.cells and 0 < i < n - 2 and rng.random() < 0.08:
            out.append(str(rng.randint(2, 40)))  # a page number left between two rows
            strays = False


def _blank_cells(ctx: _Ctx, cells: list[str], positions: Iterable[int]) -> list[str]:
    return ["" if i in positions else c for i, c in enumerate(cells)]


def _table_modern_2(ctx: _Ctx, template: str, v: dict[str, float], absent: set[str], out: list[str]) -> None:
    """二、主动公开政府信息情况."""
    lv = "label_variants" in ctx.noise
    if template == "2019":
        blocks = [
            ("第二十条第（一）项", ["本年新制作数量", "本年新公开数量", "对外公开总数量"],
             [("规章", "regulations"), ("行政规范性文件" if lv and ctx.rng.random() < 0.5 else "规范性文件", "normative")],
             ("new_made", "new_published", "total_published")),
            ("第二十条第（五）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
             [("行政许可", "license"), ("其他对外管理服务事项", "other_services")], ("prev_items", "change", "decisions")),
            ("第二十条第（六）项", ["上一年项目数量", "本年增/减", "处理决定数量"],
             [("行政处罚", "penalty"), ("行政强制", "enforcement")], ("prev_items", "change", "decisions")),
            ("第二十条第（八）项", ["上一年项目数量", "本年增/减"], [("行政事业性收费", "fees")], ("prev_items", "change")),
            ("第二十条第（九）项", ["采购项目数量", "采购总金额"], [("政府集中采购", "procurement")], ("items", "amount")),
        ]  # fmt: skip
    else:
        blocks = [
            ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"],
             [("规章", "regulations"), ("规范性文件" if lv and ctx.rng.random() < 0.5 else "行政规范性文件", "normative")],
             ("issued", "repealed", "in_force")),
            ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "license")], ("decisions",)),
            ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "penalty"), ("行政强制", "enforcement")], ("decisions",)),
            ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")], ("amount",)),
        ]  # fmt: skip
    for title, heads, items, cols in blocks:
        # a converter's short row (Markdown/plain text); tab rows stand for real cell grids (Word, PDF)
        short = "short_rows" in ctx.noise and cols == ("issued", "repealed", "in_force") and ctx.sep != "tabs"
        short = short and not (
            absent
            & {"active.regulations.issued", "active.regulations.repealed", "active.regulations.in_force"}
        )
        if short:
            # the 废止 figure stated in prose above the table; the row prints 制发 and 现行有效 only
            out.append(f"本年度废止规章{_fmt(v['active.regulations.repealed'])}件。")
        yuan = "yuan" in ctx.noise and cols == ("items", "amount")
        if yuan:
            heads = ["采购项目数量", "采购总金额（元）"]
        if ctx.sep == "single" and ctx.rng.random() < 0.3:
            title = title.replace("第二十条第", "第二十条 第")
        out.append(ctx.join([title] + [""] * len(heads)) if ctx.explicit else title)
        heads = list(heads)
        if template == "2019" and heads[0] == "上一年项目数量" and ctx.rng.random() < 0.3:
            heads[0] = "上一年 项目数量" if ctx.sep != "single" else heads[0]
        notes = template == "2019" and "label_variants" in ctx.noise and ctx.rng.random() < 0.5
        if notes and heads[0] == "上一年项目数量":
            # explanatory notes some sites print inside labels (武汉市生态环境局 2020), years included
            heads = [
                f"上一年项目数量（指{ctx.year - 1}年事项数）",
                "本年增/减",
                f"处理决定数量（指{ctx.year}年办件量）",
            ][: len(heads)]
        out.append(ctx.join(["信息内容", *heads]))
        for label, item in items:
            if notes and label == "规章":
                label = "规章（设区的市、自治州人民政府应提供相关数据）"
            cells = []
            for c in cols:
                key = f"active.{item}.{c}"
                if key in absent:
                    cells.append("")
                    continue
                val = v[key]
                if yuan and c == "amount":
                    val = v[key] = round(val * 10000, 2)  # printed (and so expected) in 元
                if short and item == "regulations" and c == "repealed":
                    continue
                s = ctx.num(val)
                if c == "change" and "signed" in ctx.noise:
                    if val > 0:
                        s = "+" + s
                    elif val < 0 and ctx.rng.random() < 0.5:
                        s = s.replace("-", "－")
                cells.append(s)
            while cells and cells[-1] == "" and not ctx.explicit:
                cells.pop()
            out.append(ctx.join([label, *cells]))
        if "footer" in ctx.noise and title.endswith("（六）项") and ctx.rng.random() < 0.6:
            out.append(ctx.footer())


def _three_header(ctx: _Ctx, social_label: str) -> list[str]:
    note = "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    cols = ["商业企业", "科研机构", social_label, "法律服务机构", "其他"]
    if ctx.explicit:
        return [
            ctx.join([note, "", "申请人情况", "", "", "", "", "", ""]),
            ctx.join(["", "", "自然人", "法人或其他组织", "", "", "", "", "总计"]),
            ctx.join(["", "", "", *cols, ""]),
        ]
    if ctx.sep == "spaces":
        return [
            ctx.join([note, "申请人情况"]),
            ctx.join(["自然人", "法人或其他组织", "总计"]),
            ctx.join(cols),
        ]
    if "split_labels" in ctx.noise and ctx.rng.random() < 0.5:
        # 02_: the PDF text layer scrambles the header ("总计商 业 企" / "业" / "科研机" / "构" …)
        return [
            "（本列数据的勾稽关系为：第一项加第二项之和，",
            "等于第三项加第四项之和）",
            "申请人情况",
            "自然人",
            "法人或其他组织",
            "总计商 业 企",
            "业",
            "科研机",
            "构",
            " ".join(social_label[:-2]) + "",
            social_label[-2:],
            "法 律 服 务",
            "机构",
            "其他",
        ]
    # PDF-extracted text: header words on their own lines
    return [
        "（本列数据的勾稽关系为：第一项加第二项之和，",
        "等于第三项加第四项之和）",
        "申请人情况",
        "自然人",
        "法人或其他组织",
        "总计",
        *cols,
    ]


def _table_modern_3(
    ctx: _Ctx, template: str, v: dict[str, float], absent: set[str], other_one_row: bool, out: list[str]
) -> None:
    rng = ctx.rng
    social = "社会组织" if "label_variants" in ctx.noise and rng.random() < 0.6 else "社会公益组织"
    header = _three_header(ctx, social)
    out.extend(header)
    result_rows = list(_RESULT_ROWS) + list(_OTHER_2019 if other_one_row else _OTHER_2021)
    if "label_variants" in ctx.noise:
        # printings seen in real reports: "1、" numbering in （六） (02_), the typo "行政止公开" (04_)
        comma = rng.random() < 0.5
        typo = rng.random() < 0.3
        result_rows = [
            (
                stem,
                (re.sub(r"^(\d)\.", r"\1、", leaf) if comma and stem.startswith("other.") else leaf).replace(
                    "其他法律行政法规禁止公开", "其他法律行政止公开" if typo else "其他法律行政法规禁止公开"
                ),
                group,
            )
            for stem, leaf, group in result_rows
        ]
    vertical = "vertical_heading" in ctx.noise

    def row(prefix: str, labels: list[str]) -> _Row:
        cells = [("" if f"{prefix}.{c}" in absent else ctx.num(v[f"{prefix}.{c}"])) for c in COLS]
        return _Row(labels, cells)

    rows: list[_Row] = []
    pad = ctx.explicit
    rows.append(row("apply.received", ["一、本年新收政府信息公开申请数量"] + ([""] if pad else [])))
    rows.append(row("apply.carried_in", ["二、上年结转政府信息公开申请数量"] + ([""] if pad else [])))
    last_group = None
    for i, (stem, leaf, group) in enumerate(result_rows):
        labels: list[str] = []
        if i == 0 and not vertical:
            labels.append("三、本年度办理结果")
        elif pad:
            labels.append("")
        if group and group != last_group:
            labels.append(group)
        elif group and pad:
            # a converter repeating a merged cell on each row it spans ("（六）其他处理 | 3.其他")
            labels.append(group if "repeated_groups" in ctx.noise else "")
        labels.append(leaf)
        last_group = group
        rows.append(row(f"apply.result.{stem}", labels))
    rows.append(row("apply.result.total", (["", "（七）总计"] if pad else ["（七）总计"])))
    rows.append(row("apply.carried_out", ["四、结转下年度继续办理"] + ([""] if pad else [])))
    if not pad and rng.random() < 0.5:
        # PDF-style: group labels ("三、本年度办理结果", "（三）不予公开") on their own lines
        split_rows: list[_Row] = []
        for r in rows:
            if len(r.labels) == 2:
                split_rows.append(_Row([r.labels[0]], []))
                r.labels = [r.labels[1]]
            split_rows.append(r)
        rows = split_rows
    # vertical heading: "三、" then one character per line, printed before the first result row
    if vertical:
        first = 2
        tmp: list[str] = []
        _emit_rows(ctx, tmp, rows[:first], header)
        out.extend(tmp)
        out.append("三、")
        out.extend(list("本年度办理结果"))
        tmp = []
        _emit_rows(ctx, tmp, rows[first:], header, strays=True)
        out.extend(tmp)
    else:
        _emit_rows(ctx, out, rows, header, strays=True)


def _table_modern_4(ctx: _Ctx, v: dict[str, float], absent: set[str], out: list[str]) -> None:
    cells = [("" if k in absent else ctx.num(v[k])) for k in _REVIEW_KEYS]
    if "one_line_review" in ctx.noise:
        # 04-style: header words broken over lines, then 15 numbers on one line separated by single spaces
        out.append("行政复议 行政诉讼")
        for h in _REVIEW_HEAD:
            out.extend([h[:2], h[2:]] if len(h) == 4 and ctx.rng.random() < 0.7 else [h])
        out.append("未经复议直接起诉 复议后起诉")
        out.append(" ".join(f"{h[:2]} {h[2:]}" if len(h) == 4 else h for h in _REVIEW_HEAD * 2))
        out.append(" ".join(c for c in cells if c != ""))
        return
    if ctx.explicit:
        out.append(ctx.join(["行政复议", "", "", "", "", "行政诉讼", *[""] * 9]))
        out.append(
            ctx.join([*_REVIEW_HEAD, "未经复议直接起诉", "", "", "", "", "复议后起诉", "", "", "", ""])
        )
        out.append(ctx.join(["", "", "", "", "", *_REVIEW_HEAD, *_REVIEW_HEAD]))
    else:
        out.append(ctx.join(["行政复议", "行政诉讼"]))
        out.append(ctx.join([*_REVIEW_HEAD, "未经复议直接起诉", "复议后起诉"]))
        out.append(ctx.join([*_REVIEW_HEAD, *_REVIEW_HEAD]))
    out.append(ctx.join(cells))


def _table_2008(
    ctx: _Ctx, agency: str, year: int, v: dict[str, float], absent: set[str], out: list[str]
) -> None:
    rng = ctx.rng
    lv = "label_variants" in ctx.noise
    out.append(
        f"{agency}{_sp(ctx)}{year}{_sp(ctx)}年度政府信息公开情况统计表"
        if rng.random() < 0.6
        else "政府信息公开情况统计表"
    )
    out.append("")
    head_cells = (
        ["统 计 指 标", "单 位", "统 计 数"] if lv and rng.random() < 0.5 else ["统计指标", "单位", "统计数"]
    )
    header = [ctx.join(head_cells)]
    preamble = rng.random() < 0.5
    if preamble:  # 000: the form's own heading lines
        out += [f"（{year}{_sp(ctx)}年度）", "", f"填报单位（盖章）：{agency}", ""]
    out.extend(header)
    rows: list[_Row] = []
    for key, label, unit in _T2008:
        if lv and key == "org.budget" and rng.random() < 0.5:
            label = label.replace("方面的经费", "方面经费")
        if lv and rng.random() < 0.15:
            label = re.sub(r"（([^）]*计1[条次])）", r" （\1）", label).replace("计1", "计 1 ")
        if key is None:
            rows.append(_Row([label], [("—" if rng.random() < 0.4 else "")] if ctx.explicit else [], []))
            continue
        cell = "" if key in absent else ctx.num(v[key])
        rows.append(_Row([label], [unit, cell], [key]))
    _emit_rows(ctx, out, rows, header, split_ok=True)
    if preamble:  # 000: signatures, a phone number and the filing date (year + 1) under the form
        out += [
            "",
            "单位负责人：张某某",
            "",
            "审核人：李某某",
            "",
            f"联系电话：{rng.randint(5000000, 8999999)}",
            "",
            f"填报日期：{year + 1}年1月{rng.randint(5, 28)}日",
        ]


# ----------------------------------------------------------------------------------------------
# Report bodies


def _choose_absent(ctx: _Ctx, template: str, v: dict[str, float], other_one_row: bool) -> set[str]:
    """Blank cells (absent from values). Only where a reader can still tell which cell is blank."""
    rng = ctx.rng
    absent: set[str] = set()
    if "blank" not in ctx.noise:
        return absent
    if template == "2008":
        for key in rng.sample([k for k, _, _ in _T2008 if k], k=rng.randint(1, 3)):
            absent.add(key)
        return absent
    stems = (
        ["apply.received", "apply.carried_in"]
        + [f"apply.result.{s}" for s, _, _ in _RESULT_ROWS + (_OTHER_2019 if other_one_row else _OTHER_2021)]
        + ["apply.result.total", "apply.carried_out"]
    )
    if ctx.explicit:
        if rng.random() < 0.5:
            # "some reports fill only the 自然人 and 总计 columns": blank every all-zero org column
            for c in COLS[1:6]:
                if all(v[f"{s}.{c}"] == 0 for s in stems):
                    absent.update(f"{s}.{c}" for s in stems)
        for _ in range(rng.randint(1, 4)):
            s = rng.choice(stems)
            absent.add(f"{s}.{rng.choice(COLS[1:6])}")
        if "one_line_review" not in ctx.noise:
            for _ in range(rng.randint(0, 2)):
                absent.add(rng.choice(_REVIEW_KEYS[1:-1]))
    else:
        for s in rng.sample(stems[2:-2], k=rng.randint(1, 2)):
            absent.update(f"{s}.{c}" for c in COLS)
    # table 二: trailing cells of a row, or a whole row
    if template == "2019" and ctx.explicit:
        absent.add(
            rng.choice(["active.fees.change", "active.procurement.amount", "active.license.decisions"])
        )
    elif template == "2019":  # without explicit cells only a whole row can be blank
        item, cols = rng.choice([("fees", ("prev_items", "change")), ("procurement", ("items", "amount"))])
        absent.update(f"active.{item}.{c}" for c in cols)
    else:
        absent.add(rng.choice(["active.fees.amount", "active.enforcement.decisions"]))
    return absent


def _body_modern(ctx: _Ctx, agency: str, year: int, template: str, v: dict[str, float], absent: set[str],
                 other_one_row: bool) -> list[str]:  # fmt: skip
    rng = ctx.rng
    out: list[str] = []
    sp = _sp(ctx)
    out.append(_md(ctx, "一、总体情况"))
    recv_sentence = ""
    if "apply.received.total" not in absent:
        recv_sentence = f"{year}{sp}年，{_short(agency)}共受理政府信息公开申请{sp}{_digits(ctx, v['apply.received.total'])}{sp}件，均在法定期限内予以答复。"
    out.append(f"{_md(ctx, '（一）主动公开情况。')}" + _para(ctx, _distractors(ctx, year)))
    review_keys = [k for k in _REVIEW_KEYS if k.startswith(("review.", "litigation."))]
    if recv_sentence and not absent & set(review_keys) and rng.random() < 0.5:
        # 02_: the 复议/诉讼 figures repeated in prose (litigation = direct + after review)
        lit = {
            p: v[f"litigation.direct.{p}"] + v[f"litigation.after_review.{p}"]
            for p in ("upheld", "corrected", "other", "pending")
        }
        recv_sentence += (
            f"政府信息公开行政复议{sp}{_digits(ctx, v['review.total'])}{sp}件，其中结果维持{sp}{_digits(ctx, v['review.upheld'])}{sp}件，"
            f"结果纠正{sp}{_digits(ctx, v['review.corrected'])}{sp}件，其他结果{sp}{_digits(ctx, v['review.other'])}{sp}件，"
            f"尚未审结{sp}{_digits(ctx, v['review.pending'])}{sp}件；政府信息公开行政诉讼{sp}{_digits(ctx, sum(lit.values()))}{sp}件，"
            f"其中结果维持{sp}{_digits(ctx, lit['upheld'])}{sp}件，结果纠正{sp}{_digits(ctx, lit['corrected'])}{sp}件，"
            f"其他结果{sp}{_digits(ctx, lit['other'])}{sp}件，尚未审结{sp}{_digits(ctx, lit['pending'])}{sp}件。"
        )
    out.append(f"{_md(ctx, '（二）依申请公开情况。')}进一步规范依申请公开办理流程。" + recv_sentence)
    if "footer" in ctx.noise:
        out.append(ctx.footer())
    out.append(f"{_md(ctx, '（三）政府信息管理情况。')}" + _para(ctx))
    out.append(f"{_md(ctx, '（四）政府信息公开平台建设情况。')}" + _para(ctx))
    out.append(f"{_md(ctx, '（五）政府信息公开监督保障情况。')}" + _para(ctx))
    out.append("")
    out.append(_md(ctx, "二、主动公开政府信息情况"))
    _table_modern_2(ctx, template, v, absent, out)
    out.append("")
    out.append(_md(ctx, "三、收到和处理政府信息公开申请情况"))
    _table_modern_3(ctx, template, v, absent, other_one_row, out)
    if "footer" in ctx.noise and rng.random() < 0.5:
        out.append(ctx.footer())
    out.append("")
    out.append(_md(ctx, "四、政府信息公开行政复议、行政诉讼情况"))
    _table_modern_4(ctx, v, absent, out)
    out.append("")
    five = (
        "五、存在的主要问题及整改措施"
        if "label_variants" in ctx.noise and rng.random() < 0.5
        else "五、存在的主要问题及改进情况"
    )
    out.append(_md(ctx, five))
    out.append(
        "对照上级要求和公众期待，还存在一些不足：一是政策解读形式还不够丰富；二是工作人员业务水平有待提高。下一步，将"
        + _para(ctx)
    )
    out.append("")
    out.append(_md(ctx, "六、其他需要报告的事项"))
    if template == "2021":
        fee = v["apply.processing_fee"]
        out.append(
            f"{year}{sp}年，严格落实《政府信息公开信息处理费管理办法》，全年收取政府信息公开信息处理费{sp}{_digits(ctx, fee)}{sp}元。"
        )
    else:
        out.append("无。")
    return out


def _body_2008(ctx: _Ctx, agency: str, year: int, v: dict[str, float], absent: set[str]) -> list[str]:
    sp = _sp(ctx)
    out = [_md(ctx, "一、概述"), _para(ctx, _distractors(ctx, year)), ""]
    out += [_md(ctx, "二、主动公开政府信息情况"), _para(ctx), ""]
    if "footer" in ctx.noise:
        out.append(ctx.footer())
    recv = ""
    if "apply.received.total" not in absent:
        recv = f"{year}{sp}年，共收到政府信息公开申请{sp}{_digits(ctx, v['apply.received.total'])}{sp}件，均按时办结。"
    out += [
        _md(ctx, "三、政府信息依申请公开情况"),
        "严格按照《条例》规定受理和答复依申请公开事项。" + recv,
        "",
    ]
    out += [_md(ctx, "四、政府信息公开的收费及减免情况"), "严格执行有关收费规定。", ""]
    out += [_md(ctx, "五、因政府信息公开申请行政复议、提起行政诉讼的情况"), "详见附表。", ""]
    out += [_md(ctx, "六、存在的主要问题和改进措施"), _para(ctx), ""]
    out.append("附件：")
    _table_2008(ctx, agency, year, v, absent, out)
    return out


def _body_narrative(ctx: _Ctx, agency: str, year: int) -> tuple[list[str], dict[str, float]]:
    """Figures only in prose, in the phrasings real narrative reports use."""
    rng = ctx.rng
    sp = _sp(ctx)
    v: dict[str, float] = {}
    out = [_md(ctx, "一、概述"), _para(ctx, _distractors(ctx, year)), ""]
    out += [_md(ctx, "二、政府信息主动公开情况"), _para(ctx, _distractors(ctx, year)), ""]
    if "footer" in ctx.noise:
        out.append(ctx.footer())
    out.append(_md(ctx, "三、政府信息依申请公开情况"))
    d = lambda x: f"{sp}{_digits(ctx, x)}{sp}"  # noqa: E731 - a number as printed in this report
    n = 0 if rng.random() < 0.4 else rng.randint(1, 60)
    v["apply.received.total"] = float(n)
    if n == 0:
        out.append(
            rng.choice(
                (
                    f"{_short(agency)}{year}{sp}年度未收到信息公开申请。",
                    f"{year}{sp}年，未收到政府信息公开申请。",
                    "本年度无政府信息公开申请。",
                )
            )
        )
    else:
        form = rng.randint(0, 2)
        if form == 0:  # 004-style: 依申请公开 N 件，其中当面 a 件，网上 b 件
            a, b = _split_counts(rng, n, (1, 1))
            v["apply.received.in_person"], v["apply.received.online"] = float(a), float(b)
            out.append(
                f"{year}{sp}年，共收到依申请公开{d(n)}件，其中当面申请{d(a)}件，网上申请{d(b)}件，均已按时答复。"
            )
        elif form == 1:
            out.append(f"{year}{sp}年，共受理政府信息公开申请{d(n)}件，均在规定时限内答复。")
        else:
            b, a, c = _split_counts(rng, n, (3, 2, 1))
            v["apply.received.online"], v["apply.received.in_person"] = float(b), float(a)
            v["apply.received.letter"] = float(c)
            out.append(
                f"全年共收到政府信息公开申请{d(n)}件，其中网上申请{d(b)}件，当面申请{d(a)}件，信函申请{d(c)}件。"
            )
    out.append("")
    out.append(_md(ctx, "四、因信息公开申请行政复议、提起行政诉讼、收到投诉举报情况"))
    form = rng.randint(0, 3)
    if form == 0:  # 004
        out.append(
            f"{_short(agency)}{year}{sp}年没有发生因信息公开申请行政复议、提起行政诉讼、收到投诉举报情况。"
        )
        v["review.total"] = v["litigation.total"] = v["complaints.total"] = 0.0
    elif form == 1:
        out.append("本年度未发生因政府信息公开引起的行政复议、行政诉讼和投诉举报。")
        v["review.total"] = v["litigation.total"] = v["complaints.total"] = 0.0
    elif form == 2:
        out.append("未发生因政府信息公开申请引起的行政复议和行政诉讼。")
        v["review.total"] = v["litigation.total"] = 0.0
    else:
        r, li = rng.randint(0, 3), rng.randint(0, 2)
        out.append(f"因政府信息公开申请提起行政复议{d(r)}件、行政诉讼{d(li)}件。")
        v["review.total"], v["litigation.total"] = float(r), float(li)
    out.append("")
    out += [_md(ctx, "五、政府信息公开存在的主要问题及改进措施"), _para(ctx), ""]
    return out, v


def _pick_noise(rng: random.Random, template: str, extra: random.Random | None = None) -> frozenset[str]:
    """A random subset of the template's noise kinds; the issue-13 kinds only with `extra` (own stream)."""
    kinds = [k for k in NOISE_KINDS if k in APPLICABLE[template] and k not in ISSUE13_NOISE]
    chosen = {k for k in kinds if rng.random() < 0.35}
    if extra is not None:
        drawn = (ISSUE13_NOISE - ASKED_ONLY) & APPLICABLE[template]
        chosen |= {k for k in sorted(drawn) if extra.random() < 0.35}
    seps = [k for k in ("tabs", "spaces", "pipes") if k in chosen]
    if len(seps) > 1:
        chosen -= set(seps[1:])
    return frozenset(chosen)


def generate_report(
    seed: int,
    template: str,
    agency: GenAgency | str,
    year: int,
    noise: frozenset[str] | Iterable[str] | None = None,
    *,
    inconsistent: bool = False,
) -> GeneratedReport:
    """One report of `template` for `agency` and `year`; `noise=None` → a random subset by seed.

    `inconsistent=True` prints one total that breaks an identity of the format (as real reports do:
    000's 申请答复数, 04_'s 行政复议 总计); `values` holds the printed number and `broken` says which.
    """
    if template not in TEMPLATES:
        raise ValueError(f"unknown template {template!r}; expected one of {TEMPLATES}")
    if isinstance(agency, str):
        gen = GenAgency(agency, _guess_kind(agency), ())
    else:
        gen = agency
    rng = random.Random(f"report:{seed}:{template}:{gen.name}:{year}")
    if noise is None:
        applied = _pick_noise(rng, template, random.Random(f"noise13:{seed}:{template}:{gen.name}:{year}"))
    else:
        unknown = set(noise) - set(NOISE_KINDS)
        if unknown:
            raise ValueError(f"unknown noise kinds: {sorted(unknown)}")
        applied = frozenset(noise) & APPLICABLE[template]
    ctx = _Ctx(rng, applied)
    ctx.year = year
    name = gen.name
    lines: list[str] = []
    if "footer" in applied and rng.random() < 0.5:
        lines.append(ctx.footer())
    else:
        lines.append("")
    title = f"{name}{year}年政府信息公开工作年度报告"
    if "title_variants" in applied:
        lines += _title_variant(ctx, gen, year)
    else:
        lines += [_md(ctx, title) if rng.random() < 0.5 else title, ""]
    lines += _intro(ctx, name, year, template)
    if template in ("2019", "2021"):
        other_one_row = template == "2019" or ("label_variants" in applied and rng.random() < 0.5)
        values = _modern_numbers(rng, template, gen.kind, other_one_row)
        absent = _choose_absent(ctx, template, values, other_one_row)
        broken = _break(rng, values, absent, _BREAKABLE_MODERN) if inconsistent else {}
        lines += _body_modern(ctx, name, year, template, values, absent, other_one_row)
    elif template == "2008":
        values = _numbers_2008(rng, gen.kind)
        absent = _choose_absent(ctx, template, values, False)
        broken = _break(rng, values, absent, _BREAKABLE_2008) if inconsistent else {}
        lines += _body_2008(ctx, name, year, values, absent)
    else:
        body, values = _body_narrative(ctx, name, year)
        absent = set()
        broken = {}
        lines += body
    lines += _sign_off(ctx, name, year)
    if "footer" in applied:
        lines.append(ctx.footer())
    text = "\n".join(lines) + "\n"
    vals = {k: float(x) for k, x in values.items() if k not in absent}
    return GeneratedReport(
        text=text,
        values=vals,
        file_name=f"gen_{seed}_{year}_{template}.txt",
        agency=name,
        year=year,
        template=template,
        noise=applied,
        gen_agency=gen,
        kind=gen.kind,
        region_path=tuple(gen.region_path),
        broken=broken,
        units={"active.procurement.amount": "元"}
        if "yuan" in applied and "active.procurement.amount" in vals
        else {},
    )


# Totals that can be misprinted without touching a figure the prose repeats → the parts they must equal.
_BREAKABLE_MODERN: dict[str, tuple[str, ...]] = {
    "review.total": tuple(f"review.{p}" for p in ("upheld", "corrected", "other", "pending")),
    "apply.result.total.total": tuple(f"apply.result.total.{c}" for c in COLS[:-1]),
    "litigation.direct.total": tuple(
        f"litigation.direct.{p}" for p in ("upheld", "corrected", "other", "pending")
    ),
}
_BREAKABLE_2008: dict[str, tuple[str, ...]] = {
    "apply.answered.total": tuple(
        f"apply.answered.{x}"
        for x in (
            "already_public",
            "granted",
            "partial",
            "denied",
            "not_this_agency",
            "not_exist",
            "asked_to_amend",
            "other_channel",
        )
    ),
    "org.staff": ("org.staff_full_time", "org.staff_part_time"),
    "review.total": ("review.upheld", "review.corrected", "review.other"),
}


def _break(
    rng: random.Random, values: dict[str, float], absent: set[str], keys: dict[str, tuple[str, ...]]
) -> dict[str, tuple[float, float]]:
    """Misprint one total whose parts are all printed (in place); returns {key: (consistent, printed)}."""
    usable = [k for k, parts in keys.items() if not (absent & {k, *parts})]
    key = rng.choice(usable or list(keys))
    absent.difference_update({key, *keys[key]})
    right = values[key]
    wrong = 0.0 if right > 0 and rng.random() < 0.5 else right + rng.randint(1, 20)
    values[key] = wrong
    return {key: (right, wrong)}


def _guess_kind(name: str) -> str:
    if name.endswith(("镇人民政府", "乡人民政府", "街道办事处")):
        return "township"
    if name.endswith("人民政府"):
        return "people_gov"
    if "开发区" in name and name.endswith("委员会"):
        return "devzone"
    if name.endswith(("局", "委员会", "厅", "办公室")):
        return "department"
    return "other"


def template_for_year(year: int, rng: random.Random | None = None) -> str:
    """The format a report for `year` would use (2008 统计表 before 2019; some narrative)."""
    if year >= 2021:
        return "2021"
    if year >= 2019:
        return "2019"
    if rng is not None and rng.random() < 0.15:
        return "narrative"
    return "2008"


# ----------------------------------------------------------------------------------------------
# Containers: HTML, DOCX, PDF, GBK

_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ANGLE_LINK = re.compile(r"<((?:https?)://[^>\s]+)>")


def _is_table_line(line: str) -> bool:
    return "\t" in line or (line.lstrip().startswith("|") and line.rstrip().endswith("|"))


def _cells(line: str) -> list[str]:
    s = line.strip("\n")
    if "\t" in s:
        return [c.strip() for c in s.split("\t")]
    s = s.strip()
    return [c.strip() for c in s[1:-1].split("|")]


def _html_inline(s: str) -> str:
    import html

    s = html.escape(s, quote=False)
    s = _BOLD.sub(r"<b>\1</b>", s)
    s = re.sub(r"&lt;((?:https?)://[^&\s]+)&gt;", r'<a href="\1">\1</a>', s)
    return s


_HTML_HEAD = (
    '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>政府信息公开工作年度报告</title>'
    "</head><body>"
)


_WORD_NUMBER = re.compile(r"^[+\-－]?[0-9０-９][0-9０-９.,．]*$")


def _word_cell(val: str) -> str:
    """A cell as Word's HTML export prints it: numbers split across inline runs (<span>2</span><span>0</span>
    is 20), long labels broken over two <p class=MsoNormal>, &nbsp; padding."""
    if _WORD_NUMBER.match(val) and len(val) >= 2:
        k = len(val) // 2
        return f'<span lang="EN-US">{val[:k]}</span><span lang="EN-US">{val[k:]}</span>'
    if len(val) >= 12 and not re.search(r"[*<>]", val):
        k = len(val) // 2
        return f'<p class="MsoNormal">{_html_inline(val[:k])}</p><p class="MsoNormal">{_html_inline(val[k:])}&nbsp;</p>'
    return _html_inline(val) if val else "&nbsp;"


def _html_with_spans(lines: list[str]) -> str:
    out = [_HTML_HEAD]
    i = 0
    while i < len(lines):
        if _is_table_line(lines[i]):
            block = []
            while i < len(lines) and _is_table_line(lines[i]):
                block.append(_cells(lines[i]))
                i += 1
            rowspan: dict[tuple[int, int], int] = {}
            hidden: set[tuple[int, int]] = set()
            for col, first, last in _label_spans(block):
                rowspan[(first, col)] = last - first + 1
                hidden.update((r, col) for r in range(first + 1, last + 1))
            out.append('<table border="1">')
            for r, cells in enumerate(block):
                tds = []
                for c, val in enumerate(cells):
                    if (r, c) in hidden:
                        continue
                    span = f' rowspan="{rowspan[(r, c)]}"' if (r, c) in rowspan else ""
                    tds.append(f"<td{span}>{_word_cell(val)}</td>")
                out.append("<tr>" + "".join(tds) + "</tr>")
            out.append("</table>")
            continue
        if lines[i].strip():
            out.append(f"<p>{_html_inline(lines[i])}</p>")
        i += 1
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def to_html(text: str, spans: bool = True) -> str:
    """An HTML page: tab/pipe lines become <table> rows, other lines <p>; Markdown becomes tags. With
    `spans`, group labels get rowspan (the spanned rows then have fewer <td>, as on real sites)."""
    lines = text.split("\n")
    if spans:
        return _html_with_spans(lines)
    out = [
        '<!DOCTYPE html>\n<html lang="zh-CN"><head><meta charset="utf-8"><title>政府信息公开工作年度报告</title></head><body>'
    ]
    in_table = False
    for line in lines:
        if _is_table_line(line):
            if not in_table:
                out.append('<table border="1">')
                in_table = True
            out.append("<tr>" + "".join(f"<td>{_html_inline(c)}</td>" for c in _cells(line)) + "</tr>")
            continue
        if in_table:
            out.append("</table>")
            in_table = False
        if line.strip():
            out.append(f"<p>{_html_inline(line)}</p>")
    if in_table:
        out.append("</table>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _docx_runs(par, s: str) -> None:  # noqa: ANN001 - python-docx paragraph
    pos = 0
    s = _ANGLE_LINK.sub(r"\1", s)
    for m in _BOLD.finditer(s):
        if m.start() > pos:
            par.add_run(s[pos : m.start()])
        par.add_run(m.group(1)).bold = True
        pos = m.end()
    if pos < len(s):
        par.add_run(s[pos:])


def _has_number(cells: Sequence[str]) -> bool:
    return any(re.fullmatch(r"[+\-－＋]?[0-9０-９][0-9０-９.．]*", c) for c in cells)


def _label_spans(block: list[list[str]]) -> list[tuple[int, int, int]]:
    """(column, first row, last row) of each group label that spans the data rows below it which leave
    that column empty (三、本年度办理结果 over its result rows, （三）不予公开 over its items)."""
    spans = []
    for col in (0, 1):
        r = 0
        while r < len(block):
            if col < len(block[r]) and block[r][col] and _has_number(block[r][col + 1 :]):
                end = r
                while (
                    end + 1 < len(block)
                    and col < len(block[end + 1])
                    and not block[end + 1][col]
                    and not any(block[end + 1][:col])
                    and _has_number(block[end + 1][col + 1 :])
                ):
                    end += 1
                if end > r:
                    spans.append((col, r, end))
                r = end + 1
            else:
                r += 1
    return spans


def _merge_label_columns(table, block: list[list[str]]) -> None:  # noqa: ANN001 - python-docx table
    for col, first, last in _label_spans(block):
        table.cell(first, col).merge(table.cell(last, col))


def to_docx(text: str, merge: bool = True) -> bytes:
    """A .docx with paragraphs and real tables (tab/pipe lines; rows padded to the widest row); with
    `merge`, group-label cells are vertically merged over their rows, as in Word-made reports."""
    from docx import Document

    doc = Document()
    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i]
        if _is_table_line(line):
            block = []
            while i < len(lines) and _is_table_line(lines[i]):
                block.append(_cells(lines[i]))
                i += 1
            width = max(len(r) for r in block)
            table = doc.add_table(rows=len(block), cols=width)
            for r, cells in enumerate(block):
                row = table.rows[r].cells
                for c, val in enumerate(cells):
                    if val:
                        row[c].text = _BOLD.sub(r"\1", val)
            if merge:
                _merge_label_columns(table, block)
            continue
        if line.strip():
            _docx_runs(doc.add_paragraph(), line)
        i += 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


_PDF_FONT = "STSong-Light"
_NUM_ROW = re.compile(
    r"(?:^|\s)[+\-－＋]?[0-9０-９][0-9０-９.．]*(?:\s+[+\-－＋]?[0-9０-９][0-9０-９.．]*)+\s*$"
)


PDF_FONTS: tuple[str, ...] = ("cid", "embedded")
_EMBEDDED_FONT = "DisclosureBox"


def _register_pdf_font(font: str = "cid") -> str:
    """The reportlab name of the PDF font `font`: "cid" is Adobe's STSong-Light, named but not embedded
    (a reader needs a CJK font of its own); "embedded" is a TrueType subset written into the file, as
    Word and WPS write (tools.pdf_font)."""
    from reportlab.pdfbase import pdfmetrics

    if font not in PDF_FONTS:
        raise ValueError(f"unknown PDF font {font!r}; expected one of {PDF_FONTS}")
    name = _PDF_FONT if font == "cid" else _EMBEDDED_FONT
    if name not in pdfmetrics.getRegisteredFontNames():
        if font == "cid":
            from reportlab.pdfbase.cidfonts import UnicodeCIDFont

            pdfmetrics.registerFont(UnicodeCIDFont(name))
        else:
            from reportlab.pdfbase.ttfonts import TTFont

            from tools.pdf_font import font_file

            pdfmetrics.registerFont(TTFont(name, str(font_file())))
    return name


def _wrap(s: str, width: float, size: float, font: str = _PDF_FONT) -> list[str]:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    out: list[str] = []
    cur = ""
    for tok in re.findall(r"[0-9０-９.．]+|.", s):  # never break inside a number
        if stringWidth(cur + tok, font, size) > width and cur:
            out.append(cur)
            cur = tok
        else:
            cur += tok
    out.append(cur)
    return out


PDF_TABLES: tuple[str, ...] = ("text", "grid", "positions")
_PDF_FOOTER = re.compile(r"\s*-\s*\d+\s*-\s*")
_SIDE_SCRAP = re.compile(r"\s*[^\s\d０-９]{1,3}\s*")  # one line of a heading printed down the side


def _aligned(row: list[str], ncol: int, right: bool) -> list[str]:
    """`row` padded to `ncol` cells: at the right, or at the left when `right` (last cell in the last column)."""
    pad = [""] * (ncol - len(row))
    return pad + row if right else row + pad


def _pdf_col_widths(
    block: list[list[str]], avail: float, size: float, pad: float, font: str = _PDF_FONT
) -> list[float]:
    """Column widths for a drawn table: each column as wide as its widest cell, the widest columns
    capped (water-filling) so the table fits `avail`; capped cells wrap."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    ncol = max(len(r) for r in block)
    natural = [2 * pad + 6.0] * ncol
    for row in block:
        for i, cell in enumerate(row):
            natural[i] = max(natural[i], stringWidth(_BOLD.sub(r"\1", cell), font, size) + 2 * pad + 1)
    if sum(natural) <= avail:
        return natural
    lo, hi = 0.0, max(natural)
    for _ in range(40):  # the cap at which the capped widths just fill the line
        cap = (lo + hi) / 2
        if sum(min(w, cap) for w in natural) > avail:
            hi = cap
        else:
            lo = cap
    return [min(w, lo) for w in natural]


def to_pdf(text: str, tables: str = "text", font: str = "cid") -> bytes:
    """A PDF with a text layer (CID font, no font file): prose wrapped, "- n -" footers, and table rows
    (tab/pipe lines) drawn as `tables` says:

    - "text": each row as one line of text, cells joined by single spaces (blank cells leave no trace);
    - "grid": a real ruled table (one cell per tab/pipe cell, rows padded to the widest row, group labels
      merged down over the rows that leave them empty, as Word prints them), split across pages;
    - "positions": the same cells at the same places but without rules (only x positions tell columns).

    Page footers already in `text` are dropped (the PDF prints its own); Markdown artefacts are dropped.
    `font` is one of PDF_FONTS (see _register_pdf_font).
    """
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    if tables not in PDF_TABLES:
        raise ValueError(f"unknown table style {tables!r}; expected one of {PDF_TABLES}")
    fname = _register_pdf_font(font)
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    pw, ph = A4
    margin = 56
    size = 10.5
    lead = 16
    y = ph - margin
    page = 1

    def finish_page() -> None:
        nonlocal y, page
        c.setFont(fname, 9)
        c.drawCentredString(pw / 2, 30, f"- {page} -")
        c.showPage()
        page += 1
        y = ph - margin

    def draw_table(block: list[list[str] | str]) -> None:
        """Rows top to bottom; a row that does not fit starts a new page (the table continues there).
        A string in `block` is a heading printed down the side, one scrap per line: drawn as text between
        the rows, the table going on below it with the same columns."""
        nonlocal y
        tsize, tlead, pad = 9.0, 12.0, 3.0
        ncol = max(len(r) for r in block if isinstance(r, list))
        # A short row (its empty leading cells lost, 001) is padded at the right on a ruled grid, where each
        # row's cells are read in order; without rules only x positions tell columns, and a printed table
        # keeps every figure under its heading: the row is padded at the left (the value columns and the
        # total are the last ones of every row), never drawn with a figure under a label column.
        rows = [
            _aligned([_BOLD.sub(r"\1", x) for x in r], ncol, right=tables == "positions")
            for r in block
            if isinstance(r, list)
        ]
        side: dict[int, list[str]] = {}  # row index → side scraps printed above it
        for item in block:
            if isinstance(item, str):
                side.setdefault(sum(isinstance(x, list) for x in block[: block.index(item)]), []).append(item)
        if tables == "positions":
            pad = 6.0  # without rules, cells stay apart by a gap wider than a character; rows by 2 × pad
        widths = _pdf_col_widths(rows, pw - 2 * margin, tsize, pad, fname)
        xs = [float(margin)]
        for w in widths:
            xs.append(xs[-1] + w)
        merged = {(r, col) for col, first, last in _label_spans(rows) for r in range(first + 1, last + 1)}
        wrapped = [[_wrap(x, widths[i] - 2 * pad, tsize, fname) if x else [] for i, x in enumerate(r)] for r in rows]
        heights = [max(1, *(len(w) for w in ws)) * tlead + 2 * pad for ws in wrapped]
        bottom = margin + 20
        c.setLineWidth(0.6)
        for r, ws in enumerate(wrapped):
            fresh = False
            for scrap in side.get(r, []):
                if y - lead < bottom:
                    finish_page()
                c.setFont(fname, size)
                c.drawString(margin, y - size, scrap)
                y -= lead
                fresh = True
            if y - heights[r] < bottom:
                finish_page()
                fresh = True
            c.setFont(fname, tsize)
            for i, pieces in enumerate(ws):
                for k, piece in enumerate(pieces):
                    c.drawString(xs[i] + pad, y - pad - tsize - k * tlead, piece)
                if tables != "grid":
                    continue
                x0, x1, y1 = xs[i], xs[i + 1], y - heights[r]
                c.line(x0, y, x0, y1)
                c.line(x1, y, x1, y1)
                if (r, i) not in merged or fresh:  # a merged cell stays open at the top …
                    c.line(x0, y, x1, y)
                goes_on = (r + 1, i) in merged and y1 - heights[r + 1] >= bottom and r + 1 not in side
                if not goes_on:  # … and at the bottom while it goes on below on this page
                    c.line(x0, y1, x1, y1)
            y -= heights[r]
        y -= 12  # the next text baseline clears the last row

    lines = [_BOLD.sub(r"\1", _ANGLE_LINK.sub(r"\1", raw)) for raw in text.split("\n")]
    i = 0
    while i < len(lines):
        line = lines[i]
        if _PDF_FOOTER.fullmatch(line):
            i += 1
            continue  # the PDF paginates itself and prints its own "- n -" footers
        if tables != "text" and _is_table_line(line):
            block = []
            while i < len(lines):
                if _is_table_line(lines[i]):
                    block.append(_cells(lines[i]))
                    i += 1
                    continue
                k = i  # a page break inside a table ("", "- n -"): the PDF paginates itself
                scraps = []  # … and a heading down the side ("三、", "本", "年" …) belongs to the table
                while k < len(lines) and (
                    not lines[k].strip() or _PDF_FOOTER.fullmatch(lines[k]) or _SIDE_SCRAP.fullmatch(lines[k])
                ):
                    if _SIDE_SCRAP.fullmatch(lines[k]):
                        scraps.append(lines[k])
                    k += 1
                if k == i or k == len(lines) or not _is_table_line(lines[k]):
                    break
                block.extend(scraps)
                i = k
            draw_table(block)
            continue
        i += 1
        if _is_table_line(line):
            pieces = [" ".join(x for x in _cells(line) if x)]
            fsize = 9.0
        elif _NUM_ROW.search(line):  # a table row printed with spaces: shrink, never wrap a number away
            pieces = [line]
            fsize = 9.0
        else:
            pieces = _wrap(line, pw - 2 * margin, size, fname) if line.strip() else [""]
            fsize = size
        for p in pieces:
            if y < margin + 20:
                finish_page()
            c.setFont(fname, fsize)
            while p and c.stringWidth(p, fname, fsize) > pw - 2 * margin and fsize > 5:
                fsize -= 0.5
                c.setFont(fname, fsize)
            c.drawString(margin, y, p)
            y -= lead
    finish_page()
    c.save()
    return buf.getvalue()


def to_gbk(text: str) -> bytes:
    """The text in GBK (as many older sites publish); raises if a character has no GBK code."""
    return text.encode("gbk")


# Noise each container can carry without losing which cell is blank.
CONTAINER_NOISE: dict[str, frozenset[str]] = {
    "txt": frozenset(NOISE_KINDS),
    "gbk": frozenset(NOISE_KINDS),
    "html": frozenset(NOISE_KINDS),
    "docx": frozenset(NOISE_KINDS),
    # PDF text rows lose empty cells; a label's tail drawn under its numbers is laid out by the PDF reader
    "pdf": frozenset(NOISE_KINDS) - {"blank", "tabs", "pipes", "wrapped_around"},
    "pdf_grid": frozenset(NOISE_KINDS) - {"wrapped_around"},  # tab/pipe rows as ruled tables: empty cells stay cells
}


def container_noise(seed: int, template: str, fmt: str) -> frozenset[str]:
    """The random noise of report `seed` that container `fmt` can carry (so its values still parse back)."""
    return _pick_noise(random.Random(seed), template) & CONTAINER_NOISE[fmt]


def render(report: GeneratedReport, fmt: str) -> tuple[bytes, str]:
    """(bytes, suffix) of a generated report in container `fmt` (txt, gbk, html, docx, pdf, pdf_grid)."""
    if fmt == "txt":
        return report.text.encode("utf-8"), ".txt"
    if fmt == "gbk":
        return to_gbk(report.text), ".txt"
    if fmt == "html":
        return to_html(report.text).encode("utf-8"), ".html"
    if fmt == "docx":
        return to_docx(report.text), ".docx"
    if fmt == "pdf":
        return to_pdf(report.text), ".pdf"
    if fmt == "pdf_grid":
        return to_pdf(report.text, tables="grid"), ".pdf"
    raise ValueError(f"unknown format {fmt!r}")


def plan_corpus(
    n: int, seed: int, years: Sequence[int] = tuple(range(2014, 2025))
) -> list[tuple[GenAgency, int, str, int]]:
    """(agency, year, template, report seed) for `n` reports with unique agency+year pairs."""
    rng = random.Random(f"corpus:{seed}")
    per_agency = min(len(years), 4)
    agencies = generate_agencies(max(1, -(-n // per_agency)), seed)
    plan: list[tuple[GenAgency, int, str, int]] = []
    for a in agencies:
        for y in sorted(rng.sample(list(years), k=per_agency)):
            plan.append((a, y, template_for_year(y, rng), rng.randrange(1 << 30)))
            if len(plan) == n:
                return plan
    return plan


def write_corpus(
    directory: str | Path,
    n: int,
    seed: int = 0,
    formats: Sequence[str] = ("txt",),
    prefix: str = "gen_",
    noise: frozenset[str] | None = None,
) -> Path:
    """Write `n` generated reports (formats cycled) and manifest.json of expected values; returns it."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    manifest = []
    for i, (agency, year, template, rseed) in enumerate(plan_corpus(n, seed)):
        fmt = formats[i % len(formats)]
        nz = container_noise(rseed, template, fmt) if noise is None else frozenset(noise) & CONTAINER_NOISE[fmt]
        rep = generate_report(rseed, template, agency, year, noise=nz)
        data, suffix = render(rep, fmt)
        name = f"{prefix}{i:05d}_{year}_{template}{'_gbk' if fmt == 'gbk' else ''}{suffix}"
        (d / name).write_bytes(data)
        manifest.append(
            {
                "file": name,
                "agency": rep.agency,
                "year": year,
                "template": template,
                "kind": rep.kind,
                "region_path": list(rep.region_path),
                "format": fmt,
                "noise": sorted(rep.noise),
                "values": rep.values,
            }
        )
    path = d / "manifest.json"
    path.write_text(
        exact.dumps({"seed": seed, "reports": manifest}, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    return path


def plan_region(
    seed: int, years: Sequence[int] = (2020, 2021, 2022), missing: float = 0.15, blank: float = 0.3
) -> list[tuple[GenAgency, int, str, int, frozenset[str]]]:
    """(agency, year, template, report seed, noise) for the bodies of ONE city: its government and three
    of its departments, two counties (government and four departments each) and two towns of the first.

    Why: rankings, positions, totals and averages need several bodies under one place for the same year,
    some without a report that year (`missing`) and some with blank cells (`blank`), which a corpus of
    scattered bodies (plan_corpus) rarely gives."""
    rng = random.Random(f"region:{seed}")
    pool = generate_agencies(260, seed)
    city = next(a.region_path[1] for a in pool if len(a.region_path) == 2)
    mine = [a for a in pool if len(a.region_path) > 1 and a.region_path[1] == city]
    counties = sorted({a.region_path[2] for a in mine if len(a.region_path) > 2})[:2]
    prov = next(a.region_path[0] for a in mine)
    chosen = [GenAgency(f"{city}人民政府", "people_gov", (prov, city))]  # governments by name: the pool is a sample
    chosen += [a for a in mine if len(a.region_path) == 2 and a.kind == "department"][:3]
    for county in counties:
        here = [a for a in mine if len(a.region_path) == 3 and a.region_path[2] == county]
        chosen.append(GenAgency(f"{city}{county}人民政府", "people_gov", (prov, city, county)))
        chosen += [a for a in here if a.kind == "department"][:4]
    chosen += [a for a in mine if len(a.region_path) == 4 and a.region_path[2] == counties[0]][:2]
    plan: list[tuple[GenAgency, int, str, int, frozenset[str]]] = []
    for a in chosen:
        for y in years:
            if rng.random() < missing:
                continue
            template = "2021" if y >= 2021 else "2019" if y >= 2019 else "2008"
            noise = frozenset({"blank"}) if rng.random() < blank else frozenset()
            plan.append((a, y, template, rng.randrange(1 << 30), noise))
    return plan


def write_region_corpus(directory: str | Path, seed: int = 0, years: Sequence[int] = (2020, 2021, 2022)) -> Path:
    """Write the reports of `plan_region` (txt) and manifest.json in write_corpus's form; returns it."""
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    manifest = []
    for i, (agency, year, template, rseed, noise) in enumerate(plan_region(seed, years)):
        rep = generate_report(rseed, template, agency, year, noise=noise)
        name = f"region_{i:05d}_{year}_{template}.txt"
        (d / name).write_text(rep.text, encoding="utf-8")
        manifest.append({"file": name, "agency": rep.agency, "year": year, "template": template, "kind": rep.kind,
                         "region_path": list(rep.region_path), "format": "txt", "noise": sorted(rep.noise),
                         "values": rep.values})  # fmt: skip
    path = d / "manifest.json"
    path.write_text(exact.dumps({"seed": seed, "reports": manifest}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------------
# Copied prose (内容雷同): reports whose own prose repeats another report's at a chosen share

_PROSE_CHARS = ("政务公开专栏解读依申请办理网站集约目录编制新闻发布制度媒体基层重点领域信息保密审查机制公众参与渠道"
                "数据开放平台全面梳理持续优化稳步推进严格规范逐步健全深入落实统筹协调有序开展工作流程责任分工栏目"
                "设置更新频率答复文书格式要求材料时限意见征集结果反馈属性源头认定人员培训业务考核运维安全防护群众"
                "满意度明显提升质量不断提高及时内容社会关注问题得到回应更加健全查询便捷排名进步营商环境民生保障")


def _word(rng: random.Random) -> str:
    return "".join(rng.choice(_PROSE_CHARS) for _ in range(rng.randint(2, 4)))


def novel_sentences(seed: int, n: int) -> list[str]:
    """`n` prose sentences unlikely to occur in another seed's list (for 内容雷同 tests and benchmarks):
    official-sounding characters in random words, so two seeds share no wording beyond chance."""
    rng = random.Random(seed)
    return ["，".join("".join(_word(rng) for _ in range(rng.randint(2, 4))) for _ in range(rng.randint(3, 5))) + "。"
            for _ in range(n)]


def copied_sentences(source: list[str], share: float, seed: int, n: int | None = None) -> list[str]:
    """Sentences of which `share` (by count) are taken from `source` in order, the rest new (seeded)."""
    n = n or len(source)
    k = round(share * n)
    rng = random.Random(seed)
    start = rng.randint(0, max(0, len(source) - k))
    return source[start:start + k] + novel_sentences(seed + 7919, n - k)


def with_prose(text: str, sentences: list[str], per_paragraph: int = 4) -> str:
    """The report `text` with `sentences` as paragraphs after its section 一 heading (or its title)."""
    lines = text.splitlines()
    at = next((i + 1 for i, ln in enumerate(lines) if "总体情况" in ln or "概述" in ln), 2)
    paras = ["".join(sentences[i:i + per_paragraph]) for i in range(0, len(sentences), per_paragraph)]
    return "\n".join(lines[:at] + [p for para in paras for p in (para, "")] + lines[at:])


# ----------------------------------------------------------------------------------------------
# Issue 13 (p13b): who published it, units printed with the figure, prose wordings, Word features.
# Applied to a finished report (`with_unseen_noise`), so reports made without them stay byte for byte.

UNSEEN_NOISE: tuple[str, ...] = (
    "web_page",  # breadcrumb, 发布时间/来源/浏览次数, 【字体：大 中 小】, 打印本页 above the title
    "signed_only",  # the title names no body; the body is printed only in the 落款 under the text
    "wrapped_title",  # the body's name cut over two lines, the year and 报告 on a third
    "chinese_year",  # 二〇二三年 in the title
    "unit_in_cell",  # 2019 (九) 采购总金额 with its unit in the cell (万元), or in 元 in the cell / a note
    "fee_wordings",  # 2021 section 六: the 信息处理费 stated in one of the wordings real reports use
)
_WEB_LINES = (
    "首页 > 政务公开 > 政府信息公开年报",
    "当前位置：首页 >> 信息公开 >> 年度报告",
    "发布时间：{pub} 来源：本站 浏览次数：{views}",
    "【字体：大 中 小】 打印本页 关闭窗口",
    "发布日期：{pub}",
)
_FEE_ZERO = (
    "本年度未发生政府信息公开收费事项。",
    "本机关未收取信息公开处理费。",
    "全年未向申请人收取信息处理费。",
    "政府信息公开信息处理费收费情况：无。",
    "本年度收取信息处理费共计0元。",
    "信息处理费0万元。",
)
_CN_YEAR_DIGITS = "〇一二三四五六七八九"


def _replace_title(lines: list[str], agency: str, year: int, new: list[str]) -> list[str]:
    """The report's title lines (the first non-empty lines up to the one naming 报告) replaced by `new`."""
    start = next(i for i, ln in enumerate(lines) if ln.strip())
    end = next(i for i in range(start, len(lines)) if "报告" in lines[i])
    return lines[:start] + new + lines[end + 1 :]


def with_unseen_noise(report: GeneratedReport, kinds: Iterable[str], seed: int = 0) -> GeneratedReport:
    """`report` rewritten with the issue-13 (p13b) noise `kinds`; values and units follow what is printed."""
    kinds = frozenset(kinds)
    unknown = kinds - set(UNSEEN_NOISE)
    if unknown:
        raise ValueError(f"unknown noise kinds: {sorted(unknown)}")
    rng = random.Random(f"unseen:{seed}:{report.file_name}:{sorted(kinds)}")
    agency, year = report.agency, report.year
    lines = report.text.split("\n")
    values = dict(report.values)
    units = dict(report.units)
    title_year = "".join(_CN_YEAR_DIGITS[int(d)] for d in str(year)) if "chinese_year" in kinds else str(year)
    title = f"{title_year}年政府信息公开工作年度报告"
    if "signed_only" in kinds:
        new_title = [rng.choice((title, title.replace("年政府", "年度政府"))), ""]
        lines = [ln.replace(f"本报告由{agency}", "本报告由本机关").replace(f"请与{agency}", "请与本机关") for ln in lines]
    elif "wrapped_title" in kinds:
        cut = rng.randint(2, len(agency) - 2)
        new_title = [agency[:cut], agency[cut:], title, ""]
    else:
        new_title = [f"{agency}{title}", ""]
    lines = _replace_title(lines, agency, year, new_title)
    if "web_page" in kinds:
        pub = f"{year + 1}-0{rng.randint(1, 3)}-{rng.randint(10, 28)}"
        web = [w.format(pub=pub, views=rng.randint(10, 9999)) for w in rng.sample(_WEB_LINES, k=3)]
        lines = web + lines
    text = "\n".join(lines)
    if "unit_in_cell" in kinds and report.template == "2019" and "active.procurement.amount" in values:
        text, values, units = _procurement_unit(text, values, units, rng)
    if "fee_wordings" in kinds and report.template == "2021" and values.get("apply.processing_fee") == 0:
        text, n = re.subn(r"(?m)^.*全年收取政府信息公开信息处理费.*元。$", rng.choice(_FEE_ZERO), text, count=1)
        if n and text.count("信息处理费0万元"):
            units["apply.processing_fee"] = "万元"
    return GeneratedReport(
        text=text,
        values={k: float(v) for k, v in values.items()},
        file_name=report.file_name,
        agency=agency,
        year=year,
        template=report.template,
        noise=report.noise | kinds,
        gen_agency=report.gen_agency,
        kind=report.kind,
        region_path=report.region_path,
        broken=dict(report.broken),
        units=units,
    )


def _procurement_unit(
    text: str, values: dict, units: dict, rng: random.Random
) -> tuple[str, dict, dict]:
    """(九) 采购总金额: 万元 typed into the cell, or the figure in 元 with 元 in the cell or a note below."""
    m = re.search(r"(?m)^(政府集中采购\s*[\t| ]\s*\S+\s*[\t| ]\s*)(\S+?)(\s*\|?)$", text)
    if m is None or "（元）" in text[max(0, m.start() - 200) : m.start()]:
        return text, values, units
    amount = values["active.procurement.amount"]
    how = rng.choice(("wan_cell", "yuan_cell", "yuan_note"))
    if how == "wan_cell":
        printed = f"{m.group(2)}万元"
        units = {**units, "active.procurement.amount": "万元"}
    else:
        yuan = exact.to_exact(_fmt(float(amount))) * 10000
        printed = f"{exact.text(yuan)}元" if how == "yuan_cell" else exact.text(yuan)
        values = {**values, "active.procurement.amount": yuan}
        units = {**units, "active.procurement.amount": "元"}
    text = text[: m.start(2)] + printed + text[m.end(2) :]
    if how == "yuan_note":
        end = text.index("\n", m.start()) if "\n" in text[m.start() :] else len(text)
        text = text[:end] + "\n注：采购总金额单位为元。" + text[end:]
    return text, values, units
