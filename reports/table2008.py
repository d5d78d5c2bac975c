"""The 2008–2018 《政府信息公开情况统计表》 (统计指标 | 单位 | 统计数) → indicator values.

Rows are matched by label *and* position: the table is printed in a fixed order, so when a label
fits several rows (（二）被依法纠错数 under both 四 and 五; "其中：主要负责同志参加…" under two
channels) the row that follows the last matched row wins. This is what keeps sub-items under the
right parent even when agencies abbreviate labels. Blank 统计数 cells produce no value (never 0).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources

from rapidfuzz import fuzz

from reports.catalogue import unit_of
from reports.exact import Number
from reports.model import CellState, ParsedValue
from reports.text import Line, is_page_footer, nfkc, parse_number, split_cells, squash

TEMPLATE = "2008"

# (key or None for a group header, level, canonical label, extra label variants)
# level: 1 = 一、… section, 2 = （一）…, 3 = 1.…, 4 = 其中/sub-item
_ROWS: list[tuple[str | None, int, str, tuple[str, ...]]] = [
    (None, 1, "主动公开情况", ("主动公开政府信息情况",)),
    ("active.total", 2, "主动公开政府信息数", ("主动公开信息数", "主动公开政府信息总数")),
    ("active.normative_docs_published", 4, "主动公开规范性文件数", ("公开规范性文件数",)),
    ("active.normative_docs_made", 4, "制发规范性文件总数", ("制发规范性文件数",)),
    ("active.documents", 4, "主动公开文件数", ()),  # provincial 2008–2013 tables (e.g. Fujian)
    (None, 2, "通过不同渠道和方式公开政府信息的情况", ()),
    ("active.by_gazette", 3, "政府公报公开政府信息数", ("政府公报公开信息数",)),
    ("active.by_website", 3, "政府网站公开政府信息数", ("政府网站公开信息数",)),
    ("active.by_weibo", 3, "政务微博公开政府信息数", ("政务微博公开信息数",)),
    ("active.by_wechat", 3, "政务微信公开政府信息数", ("政务微信公开信息数",)),
    ("active.by_other", 3, "其他方式公开政府信息数", ("其他方式公开信息数",)),
    (None, 1, "回应解读情况", ()),
    ("response.hot_topics", 2, "回应公众关注热点或重大舆情数", ()),
    (None, 2, "通过不同渠道和方式回应解读的情况", ()),
    ("response.press_conferences", 3, "参加或举办新闻发布会总次数", ("参加或举办新闻发布会次数",)),
    ("response.press_conferences_by_head", 4, "主要负责同志参加新闻发布会次数", ("主要负责同志参加次数",)),
    ("response.online_interviews", 3, "政府网站在线访谈次数", ()),
    (
        "response.online_interviews_by_head",
        4,
        "主要负责同志参加政府网站在线访谈次数",
        ("主要负责同志参加次数",),
    ),
    ("response.interpretations", 3, "政策解读稿件发布数", ()),
    ("response.weibo_wechat", 3, "微博微信回应事件数", ()),
    ("response.other", 3, "其他方式回应事件数", ()),
    (None, 1, "依申请公开情况", ()),
    ("apply.received.total", 2, "收到申请数", ("收到申请总数", "受理申请数")),
    ("apply.received.in_person", 3, "当面申请数", ("当面申请",)),
    ("apply.received.fax", 3, "传真申请数", ("传真申请",)),
    ("apply.received.online", 3, "网络申请数", ("网上申请数", "网络申请", "网上申请")),
    ("apply.received.letter", 3, "信函申请数", ("信函申请",)),
    ("apply.received.email", 3, "电子邮件申请数", ("电子邮件申请",)),  # provincial tables
    ("apply.closed.total", 2, "申请办结数", ()),
    ("apply.closed.on_time", 3, "按时办结数", ("按时办结",)),
    ("apply.closed.extended", 3, "延期办结数", ("延期办结",)),
    ("apply.answered.total", 2, "申请答复数", ()),
    ("apply.answered.already_public", 3, "属于已主动公开范围数", ("属于已主动公开范围",)),
    ("apply.answered.granted", 3, "同意公开答复数", ("同意公开",)),
    ("apply.answered.partial", 3, "同意部分公开答复数", ("同意部分公开",)),
    ("apply.answered.denied", 3, "不同意公开答复数", ("不同意公开",)),
    ("apply.answered.denied.state_secret", 4, "涉及国家秘密", ()),
    ("apply.answered.denied.commercial_secret", 4, "涉及商业秘密", ()),
    ("apply.answered.denied.privacy", 4, "涉及个人隐私", ()),
    (
        "apply.answered.denied.security_stability",
        4,
        "危及国家安全、公共安全、经济安全和社会稳定",
        ("危及国家安全公共安全经济安全和社会稳定",),
    ),
    ("apply.answered.denied.not_gov_info", 4, "不是《条例》所指政府信息", ("不是条例所指政府信息",)),
    ("apply.answered.denied.other_legal", 4, "法律法规规定的其他情形", ()),
    ("apply.answered.not_this_agency", 3, "不属于本行政机关公开数", ("不属于本行政机关公开",)),
    ("apply.answered.not_exist", 3, "申请信息不存在数", ("申请信息不存在",)),
    ("apply.answered.asked_to_amend", 3, "告知作出更改补充数", ("告知作出更改补充",)),
    ("apply.answered.other_channel", 3, "告知通过其他途径办理数", ("告知通过其他途径办理",)),
    ("review.total", 1, "行政复议数量", ("行政复议数",)),
    ("review.upheld", 2, "维持具体行政行为数", ()),
    ("review.corrected", 2, "被依法纠错数", ()),
    ("review.other", 2, "其他情形数", ()),
    ("litigation.total", 1, "行政诉讼数量", ("行政诉讼数",)),
    ("litigation.upheld", 2, "维持具体行政行为或者驳回原告诉讼请求数", ("维持具体行政行为数",)),
    ("litigation.corrected", 2, "被依法纠错数", ()),
    ("litigation.other", 2, "其他情形数", ()),
    ("complaints.total", 1, "举报投诉数量", ("投诉举报数量", "举报投诉数")),
    ("apply.fees", 1, "依申请公开信息收取的费用", ("依申请公开信息收取费用",)),
    (None, 1, "机构建设和保障经费情况", ()),
    ("org.units", 2, "政府信息公开工作专门机构数", ()),
    ("org.reading_points", 2, "设置政府信息公开查阅点数", ("政府信息公开查阅点数",)),
    ("org.staff", 2, "从事政府信息公开工作人员数", ()),
    ("org.staff_full_time", 3, "专职人员数", ()),
    ("org.staff_part_time", 3, "兼职人员数", ()),
    ("org.budget", 2, "政府信息公开专项经费", ()),
    (None, 1, "政府信息公开会议和培训情况", ("会议和培训情况",)),
    ("training.meetings", 2, "召开政府信息公开工作会议或专题会议数", ()),
    ("training.classes", 2, "举办各类培训班数", ()),
    ("training.trainees", 2, "接受培训人员数", ()),
]

UNITS = {"条", "件", "次", "篇", "个", "人", "人次", "万元", "元", "项", "期", "场"}
_DASHES = re.compile(r"^[—\-–－_/\\\s]*$")
_NUMBERING = re.compile(
    r"^\s*(?:[(（]\s*([一二三四五六七八九十]+|\d{1,2})\s*[)）]"
    r"|([一二三四五六七八九十]+)\s*[、.．,，]"
    r"|(\d{1,2})\s*[、.．,，](?!\d)"
    r"|([①②③④⑤⑥⑦⑧⑨⑩]))\s*"
)
_QIZHONG = re.compile(r"^\s*其\s*中\s*[:：]?\s*")
_PAREN_NOTE = re.compile(r"[(（][^()（）]*[)）]")
_END_MARKERS = re.compile(r"^(?:单位负责人|审核人|填报人|填表人|联系电话|填报日期|制表人|统计负责人)")
# notes under the table; the colon matters ("注热点或重大舆情数" is a wrapped label, not a note)
_NOTE = re.compile(r"^\s*(?:注|备注|说明)\s*\d?\s*[:：]")
_HEADER_WORDS = ("统计指标", "统计数")
_TABULAR = re.compile(r"\t|\||[│┃║]")
_MD_RULE = re.compile(r"^[\s|:\-—─━═┼╋╬├┤┌┐└┘┬┴╪╫│┃║+=]+$")
_BOX_BARS = str.maketrans({"│": "|", "┃": "|", "║": "|"})
MATCH_THRESHOLD = 80.0


@dataclass(slots=True)
class Table2008Result:
    """What the table parser saw: values plus whether the table started and whether it was cut off."""

    values: list[ParsedValue] = field(default_factory=list)
    started: bool = False
    truncated: bool = False
    start_line: int | None = None
    end_line: int | None = None
    warnings: list[str] = field(default_factory=list)
    cells: list[CellState] = field(default_factory=list)  # rows printed with an empty or marked 统计数
    cumulative: bool = False  # a 历年累计 column beside 本年 (a provincial table; 本年 was read)


@dataclass(slots=True)
class _Row:
    index: int
    key: str | None
    level: int
    label: str
    cores: tuple[str, ...]
    parent: int = -1  # index of the enclosing row (一、 for （一）, （一） for 1.), -1 at top level
    ordinal: int = 0  # printed number among its siblings: 1 for 一、/（一）/1.


@cache
def _label_variants() -> dict[str, tuple[str, ...]]:
    """Row labels provincial and early-year tables print (reports/data/table2008_variants.csv)."""
    text = resources.files("reports").joinpath("data/table2008_variants.csv").read_text(encoding="utf-8")
    out: dict[str, list[str]] = {}
    for r in csv.DictReader(text.splitlines()):
        out.setdefault(r["key"], []).append(r["label"])
    return {k: tuple(v) for k, v in out.items()}


@cache
def _rows() -> tuple[_Row, ...]:
    out: list[_Row] = []
    extra = _label_variants()
    for i, (key, level, label, variants) in enumerate(_ROWS):
        more = extra.get(key, ()) if key else ()
        cores = tuple(dict.fromkeys(core_label(x) for x in (label, *variants, *more)))
        parent = next((r.index for r in reversed(out) if r.level < level), -1)
        ordinal = 1 + sum(1 for r in out if r.level == level and r.parent == parent)
        out.append(_Row(i, key, level, label, cores, parent, ordinal))
    return tuple(out)


_CN_ORD = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}


def _numbering(label: str) -> tuple[int, int] | None:
    """(level, ordinal) a printed number implies: 一、→ (1, 1), （二）→ (2, 2), 3. → (3, 3)."""
    m = _NUMBERING.match(nfkc(label))
    if not m:
        return None
    paren, cn, arabic, _circled = m.groups()
    if cn:
        return (1, _CN_ORD.get(cn, 0)) if len(cn) == 1 else None
    if paren:
        if paren.isdigit():
            return 3, int(paren)
        return (2, _CN_ORD.get(paren, 0)) if len(paren) == 1 else None
    if arabic:
        return 3, int(arabic)
    return None


def _by_position(label: str, core: str, last_index: int) -> _Row | None:
    """Section context for abbreviated numbered labels ("3.网络" under （一）收到申请数): the row with that
    number under the current parent, accepted only if the printed words are part of its label."""
    num = _numbering(label)
    if num is None or not core:
        return None
    level, ordinal = num
    rows = _rows()
    if level == 1:
        parent = -1
    else:
        # the nearest row at or before the position that can enclose this level
        parent = last_index
        while parent >= 0 and rows[parent].level >= level:
            parent = rows[parent].parent
        if parent < 0:
            return None
    for r in rows:
        if r.parent == parent and r.level == level and r.ordinal == ordinal:
            if max(fuzz.partial_ratio(core, c) for c in r.cores) >= 75:
                return r
            return None
    return None


def row_keys() -> list[str]:
    """Every indicator key the 统计表 defines, in printed order."""
    return [r.key for r in _rows() if r.key]


def strip_numbering(label: str) -> tuple[str, str]:
    """('（一）收到申请数') → ('一', '收到申请数'); numbering kinds （一）/(一)/一、/1./1、/①."""
    s = nfkc(label).strip()
    m = _NUMBERING.match(s)
    if not m:
        return "", s
    num = next(g for g in m.groups() if g)
    return num, s[m.end() :]


@lru_cache(maxsize=8192)
def core_label(label: str) -> str:
    """A label reduced to its identifying words: no numbering, no 其中, no bracketed notes, no punctuation."""
    _, s = strip_numbering(label)
    s = _QIZHONG.sub("", s)
    prev = None
    while prev != s:
        prev = s
        s = _PAREN_NOTE.sub("", s)
    return squash(s)


def _score(core: str, row: _Row) -> float:
    if not core:
        return 0.0
    best = 0.0
    for c in row.cores:
        if core == c:
            return 100.0
        best = max(best, fuzz.ratio(core, c))
        # a printed label that adds words around the official one ("…数（件）", "本年…")
        if len(c) >= 4 and c in core and len(core) <= len(c) * 1.6:
            best = max(best, 92.0)
    return best


@lru_cache(maxsize=8192)
def _candidates(core: str) -> tuple[float, tuple[_Row, ...]]:
    """(best score, rows within a hair of it) for a reduced label; cached because labels repeat."""
    scored = [(_score(core, r), r) for r in _rows()]
    top = max(s for s, _ in scored)
    return top, tuple(r for s, r in scored if s >= top - 0.5)


def _match(label: str, last_index: int) -> tuple[_Row | None, float]:
    """Best row for `label`; ties go to the first row after the last matched one (table order)."""
    core = core_label(label)
    if not core:
        return None, 0.0
    top, tied = _candidates(core)
    if top < MATCH_THRESHOLD:
        row = _by_position(label, core, last_index)
        return (row, MATCH_THRESHOLD) if row is not None else (None, top)
    if len(tied) == 1:
        return tied[0], top
    after = [r for r in tied if r.index > last_index]
    if after:
        return min(after, key=lambda r: r.index), top
    return max(tied, key=lambda r: r.index), top


def _is_header(text: str) -> bool:
    """统计指标 | 单位 | 统计数 (also 指标名称 | 单位 | 数量 in local printings); short, table-like lines only."""
    if "指" not in text and "统" not in text:
        return False  # cheap pre-check
    sq = squash(text)
    if len(sq) > 30:
        return False  # a sentence that mentions 统计指标 is not a header
    return all(w in sq for w in _HEADER_WORDS) or ("指标" in sq and "单位" in sq)


def _unbalanced_open(s: str) -> bool:
    s = nfkc(s)
    return s.count("(") > s.count(")")


def _unbalanced_close(s: str) -> bool:
    s = nfkc(s)
    return s.count(")") > s.count("(")


@dataclass(slots=True)
class _Cells:
    label: str
    unit: str
    value: Number | None
    has_value_cell: bool  # the row printed a 统计数 position (possibly blank)
    label_cells: tuple[str, ...] = ()
    open_note: bool = False  # the label's bracketed note continues on the next line


_BLANK_CELL = re.compile(r"^(?:[—\-–－_/\\\s]*|无|空|暂无)$")
_VALUE_WITH_UNIT = re.compile(
    r"^([+\-]?\d[\d,]*(?:\.\d+)?)\s*(" + "|".join(sorted(UNITS, key=len, reverse=True)) + r")$"
)
_GLUED = re.compile(
    r"^(?P<label>.*?[\u4e00-\u9fff)）》])(?P<unit>"
    + "|".join(sorted(UNITS, key=len, reverse=True))
    + r")?(?P<num>[+\-]?\d+(?:\.\d+)?)$"
)
_MD_ESCAPE = re.compile(r"\\([.\-*_()\[\]#+!|`])")


def _is_unit(cell: str) -> bool:
    return nfkc(cell).strip() in UNITS


def _split_row(text: str, value_col: int | None = None, ncols: int = 0, cumulative: bool = False) -> _Cells:
    """Label / unit / value of one printed row, whether cells are tab-, pipe- or space-separated.

    `value_col`/`ncols` come from the printed header: a row with exactly the header's cell count takes
    its value from the 统计数 column (tables that print extra columns such as 备注).
    """
    text = _MD_ESCAPE.sub(r"\1", text).translate(_BOX_BARS)
    cells = split_cells(text)
    multi = len(cells) > 1
    if not multi:
        cells = text.split()
        if len(cells) <= 1:
            g = _GLUED.match(nfkc(text).strip()) if len(text) <= 200 else None
            if g and not _unbalanced_open(g.group("label")):
                # "制发规范性文件总数件0": PDF text that lost the gaps between cells
                cells = [g.group("label"), g.group("unit") or "", g.group("num")]
            else:
                return _Cells(text.strip(), "", None, False, (text.strip(),))
    # "20件" / "0.5万元" printed in one cell
    split: list[str] = []
    for c in cells:
        m = _VALUE_WITH_UNIT.match(nfkc(c).strip())
        split += [m.group(2), m.group(1)] if m else [c]
    if len(split) != len(cells) and value_col is not None:
        value_col = None
    cells = split
    value: Number | None = None
    unit = ""
    if value_col is not None and multi and len(cells) == ncols and 0 < value_col < ncols:
        vcell = cells[value_col]
        rest = cells[:value_col]
        value = parse_number(vcell)
        trailing_blank = value is None and bool(_BLANK_CELL.match(nfkc(vcell).strip()))
        if value is None and not trailing_blank:
            rest = list(cells)
    else:
        rest = list(cells)
        trailing_blank = False
    if value is None:
        # the value is the last numeric cell; the unit sits just before it (or after it, or is last if blank)
        while rest and _BLANK_CELL.match(nfkc(rest[-1]).strip()):
            trailing_blank = True
            rest.pop()
        if len(rest) > 1:
            v = parse_number(rest[-1])
            if v is not None:
                value = v
                rest.pop()
                if cumulative:
                    # 本年 | 历年累计: the last number is the cumulative one; 本年 is the one before it,
                    # and a row printing only one of the two cannot say which
                    before = parse_number(rest[-1]) if len(rest) > 1 else None
                    value = before
                    if before is not None:
                        rest.pop()
            elif _is_unit(rest[-1]) and len(rest) > 2 and parse_number(rest[-2]) is not None:
                unit = nfkc(rest.pop()).strip()  # 统计数 printed before 单位
                value = parse_number(rest.pop())
    # what is left after the label: the 单位 cell, "—" in group rows, other columns' numbers (上年数)
    while len(rest) > 1:
        tail = nfkc(rest[-1]).strip()
        if _is_unit(tail):
            unit = unit or tail
            trailing_blank = trailing_blank or (value is None and multi)
        elif not (_BLANK_CELL.match(tail) or (value_col is not None and parse_number(tail) is not None)):
            break
        rest.pop()
    label_cells: tuple[str, ...] = ()
    for c in rest:
        c = c.strip()
        if c and (not label_cells or c != label_cells[-1]):  # merged cells exported once per grid column
            label_cells += (c,)
    label = " ".join(label_cells).strip()
    if _unbalanced_open(label):
        if unit:
            # "（一）主动公开政府信息数（不同渠道和 条 11932": the cell's note wraps onto the next line,
            # the row itself is complete
            return _Cells(label, unit, value, True, label_cells, open_note=True)
        # "…（不同渠道和方式公开相同信息计 1": the number belongs to a note broken across lines
        joined = " ".join(c for c in cells if c)
        return _Cells(joined, "", None, False, (joined,))
    # a label followed by its unit is a complete row even when the 统计数 cell is blank
    has_value_cell = value is not None or (bool(unit) and bool(label))
    return _Cells(label, unit, value, has_value_cell, label_cells)


def _printed_mark(text: str) -> str:
    """The "/", "—", "-" or "无" printed in a row's value cell ("" when the cell is empty)."""
    for c in reversed(split_cells(text) if _TABULAR.search(text) else text.split()):
        c = nfkc(c).strip()
        if not c or _is_unit(c):
            continue
        return c if _BLANK_CELL.match(c) else ""
    return ""


def _is_group_header(row: _Row, score: float, label: str, last_index: int) -> bool:
    """A keyless section row, matched firmly and ahead of the last row (fragments like "七、依申请公开"
    must not pull the position back to 三、依申请公开情况)."""
    return row.key is None and score >= 90 and row.index > last_index and not _unbalanced_open(label)


_CUMULATIVE = ("累计", "历年")


def _has_cumulative(text: str) -> bool:
    """A header with a 历年累计 column beside 本年 (provincial 2008–2013 tables): take 本年."""
    sq = squash(text)
    return any(w in sq for w in _CUMULATIVE) and "本年" in sq


def _header_columns(text: str) -> tuple[int | None, int]:
    """Index of the 统计数 column and the cell count of a printed header (None when not tabular)."""
    cells = split_cells(_MD_ESCAPE.sub(r"\1", text).translate(_BOX_BARS))
    if len(cells) < 2 and _has_cumulative(text):
        cells = text.split()  # "指标名称 计量单位 本年 历年累计" with single spaces (PDF text)
    if len(cells) < 2:
        return None, 0
    for i, c in enumerate(cells):
        sq = squash(c)
        if "统计数" in sq or sq in ("数量", "数值", "本年", "本年数", "本年度", "本期"):
            return i, len(cells)
    # "统计指标 | 单位 | 2017年 | 2016年": the latest year is the report's own column
    years = [
        (int(m.group(1)), i) for i, c in enumerate(cells) if (m := re.search(r"((?:19|20)\d{2})\s*年", c))
    ]
    if years:
        return max(years)[1], len(cells)
    return None, len(cells)


def find_table_start(lines: list[Line]) -> int | None:
    """Index (into `lines`) of the 统计表 header, or of its first section row when no header is printed."""
    for i, ln in enumerate(lines):
        if _is_header(ln.text):
            return i
    rows = _rows()
    first_section = rows[0]
    for i, ln in enumerate(lines):
        t = ln.text
        if not t or len(squash(t)) > 24:
            continue
        cells = _split_row(t)
        if core_label(cells.label) not in first_section.cores:
            continue
        # confirm: the next lines are 统计表 rows (label + unit/number), not a prose heading
        hits = 0
        for nxt in lines[i + 1 : i + 10]:
            c = _split_row(nxt.text)
            if not c.has_value_cell:
                continue
            r, score = _match(c.label, first_section.index)
            if r is not None and r.key is not None and score >= 90:
                hits += 1
        if hits >= 2:
            return i
    return None


def parse_2008_table_ex(lines: list[Line]) -> Table2008Result:
    """Parse the 统计表 and report whether it started and whether it looks cut off."""
    res = Table2008Result()
    start = find_table_start(lines)
    if start is None:
        return res
    res.started = True
    res.start_line = lines[start].no
    rows = _rows()
    last_index = -1
    seen: set[str] = set()
    pending: list[Line] = []  # label-only lines waiting for their unit/value
    pending_unit = ""
    value_col, ncols = _header_columns(lines[start].text)
    cumulative = _has_cumulative(lines[start].text)
    res.cumulative = res.cumulative or cumulative
    wrapped: tuple[_Row, str, str] | None = None  # last row printed "label 单位" with no number yet
    absorb_close = False  # the previous row's note is still open
    orphan: tuple[str, str, Number, Line] | None = None  # a value whose label did not match (yet)
    ended_by_marker = False
    junk_run = 0
    last_line_no = lines[start].no

    def emit(row: _Row, value: Number, unit: str, ln: Line, label: str) -> None:
        assert row.key is not None
        if row.key in seen:
            res.warnings.append(f"第{ln.no}行：{row.label} 重复出现，保留第一次的数值")
            return
        seen.add(row.key)
        res.values.append(
            ParsedValue(
                key=row.key,
                value=value,
                unit=unit or unit_of(row.key, TEMPLATE),
                line_no=ln.no,
                line_text=ln.raw.strip(),
                origin="table",
                section="统计表",
                row_label=label.strip(),
                column_label="统计数",
            )
        )

    reached = -1  # furthest row position matched (blank rows included)
    last_row_index = rows[-1].index
    for ln in lines[start + 1 :]:
        reached = max(reached, last_index)
        if reached >= last_row_index and wrapped is None:
            break  # the table's last row has been read; what follows is not the table
        text = ln.text
        if not text or (len(text) <= 16 and (is_page_footer(ln.raw) or is_page_footer(text))):
            continue
        if _MD_RULE.match(text):
            continue
        if _is_header(text):
            value_col, ncols = _header_columns(text)
            cumulative = _has_cumulative(text)
            res.cumulative = res.cumulative or cumulative
            continue
        if re.fullmatch(r"[(（]?\s*\d{4}\s*年度?\s*[)）]?", text):
            continue  # header repeated after a page break
        if _END_MARKERS.match(squash(text)) or _NOTE.match(text):
            ended_by_marker = True
            break
        if len(text) > 300:
            # no 统计表 row is this long: running text after (or inside) the table region
            pending, orphan = [], None
            junk_run += 1
            if junk_run >= 3:
                break
            continue
        cells = _split_row(text, value_col, ncols, cumulative)
        label = cells.label
        if cells.has_value_cell:
            orphan = None
        if absorb_close:
            absorb_close = False
            if not cells.has_value_cell and _unbalanced_close(label) and orphan is None:
                continue  # the rest of the previous row's note: "方式公开相同信息计1条）"
        absorb_close = cells.open_note
        if cells.has_value_cell:
            wrapped = None
        if not cells.has_value_cell and cells.value is None:
            if not label:
                continue
            if nfkc(label).strip() in UNITS:
                pending_unit = nfkc(label).strip()
                if pending:
                    # "2.延期办结数" / "件": the row's label and its unit, its 统计数 either on the next line
                    # or blank. Close the row now, so a label wrapped over the next two lines
                    # ("（三）申请" / "答复数 件 11") is not read as this row's continuation.
                    joined = "".join(p.text for p in pending)
                    prow, pscore = _match(joined, last_index)
                    if prow is not None and prow.key is not None and pscore >= 90:
                        wrapped = (prow, pending_unit, joined)
                        last_index = prow.index
                        pending, pending_unit = [], ""
                continue
            if orphan is not None:
                olabel, ounit, ovalue, oline = orphan
                orphan = None
                orow, _ = _match(olabel + label, last_index)
                if orow is not None and orow.key is not None:
                    emit(orow, ovalue, ounit, oline, olabel + label)
                    last_index = orow.index
                    continue
            lone = parse_number(label)
            if lone is not None and wrapped is not None:
                # PDF text wrapped the 统计数 of "label 单位" onto its own line
                wrow, wunit, wlabel = wrapped
                wrapped = None
                emit(wrow, lone, wunit, ln, wlabel)
                continue
            wrapped = None
            if lone is not None and pending:
                joined = "".join(p.text for p in pending)
                row, _ = _match(joined, last_index)
                if row is not None and row.key:
                    emit(row, lone, pending_unit, ln, joined)
                    last_index = row.index
                pending, pending_unit = [], ""
                continue
            # a label alone on its line: a group header, a row whose cells follow, or part of a wrapped label
            row, score = _match(label, last_index)
            if pending:
                joined = "".join(p.text for p in pending) + label
                jrow, jscore = _match(joined, last_index)
                if jrow is not None and (row is None or jscore >= score):
                    if _is_group_header(jrow, jscore, joined, last_index):
                        last_index = jrow.index  # "一、主动公" + "开情况"
                        pending, pending_unit = [], ""
                    else:
                        pending.append(ln)
                    junk_run = 0
                    continue
            if row is not None:
                if pending:
                    # earlier fragments did not make a row with this line: maybe they were a group header
                    pj = "".join(p.text for p in pending)
                    prow, pscore = _match(pj, last_index)
                    if prow is not None and _is_group_header(prow, pscore, pj, last_index):
                        last_index = prow.index
                junk_run = 0
                if _is_group_header(row, score, label, last_index):
                    last_index = row.index
                    pending, pending_unit = [], ""
                else:
                    pending, pending_unit = [ln], ""
                continue
            if not pending and len(squash(label)) > 40:
                junk_run += 1
                if junk_run >= 3:
                    break  # prose after the table without a signature block
            pending.append(ln)
            if len(pending) > 3:
                pending = pending[-3:]
            continue
        junk_run = 0
        last_line_no = ln.no
        candidates: list[str] = []
        own: list[str] = []
        if label and not (pending and _unbalanced_close(label)):
            own.append(label)
            if len(cells.label_cells) > 1:
                # "三、依申请公开情况 | （一）收到申请数 | 件 | 20" (merged group cell) or duplicated cells
                own.append(cells.label_cells[-1])
        if pending:
            joined = "".join(p.text for p in pending) + label
            # an un-numbered label after a dangling fragment is most likely its continuation
            continuation = not strip_numbering(label)[0] and not _QIZHONG.match(nfkc(label))
            candidates = [joined, *own] if continuation else [*own, joined]
        else:
            candidates = own
        best: tuple[_Row | None, float, str] = (None, 0.0, label)
        for cand in candidates:
            row, score = _match(cand, last_index)
            if row is not None and row.key in seen:
                score -= 10  # a row already read is an unlikely reading of a new line
            if row is not None and score > best[1]:
                best = (row, score, cand)
        pending = []
        row, _, used_label = best
        unit = cells.unit or pending_unit
        pending_unit = ""
        if (row is None or row.key is None) and cells.value is not None:
            # "（一）主动公开 条 120" / "政府信息数（…）": the cell wrapped below the line carrying the value
            orphan = (used_label, unit, cells.value, ln)
            continue
        if row is None:
            continue
        last_index = row.index
        if row.key is None:
            continue
        if cells.value is None:
            # a blank 统计数 cell states nothing; without tab/pipe cells the number may sit on the next line
            # (a number found there later wins over this blank state)
            mark = _printed_mark(text)
            res.cells.append(CellState(row.key, "mark" if mark else "blank", mark, ln.no, ln.raw.strip()))
            if not _TABULAR.search(ln.text):
                wrapped = (row, unit, used_label)
            continue
        emit(row, cells.value, unit, ln, used_label)

    res.end_line = last_line_no
    reached = max(reached, last_index)
    final_section = max(r.index for r in rows if r.level == 1)
    if res.values and not ended_by_marker and reached < final_section:
        res.truncated = True
        res.warnings.append("统计表不完整：表格在“政府信息公开会议和培训情况”之前中断")
    elif not res.values:
        res.truncated = True
        res.warnings.append("统计表只有表头，没有读到任何数值")
    return res


def parse_2008_table(lines: list[Line]) -> list[ParsedValue]:
    """Indicator values of the 统计表 (origin "table"); empty when the report has no such table."""
    return parse_2008_table_ex(lines).values
