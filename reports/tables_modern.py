"""Tables 二/三/四 of the 2019 (国办公开办函〔2019〕60号) and 2021 (〔2021〕30号) report formats.

Real reports reach us as PDF-extracted text, Markdown or tab-joined HTML/DOCX rows, so nothing here
trusts line numbers or exact labels: rows are found by squashed label phrases inside the section they
belong to, row labels may be spread over several lines (vertical "三、本年度办理结果", wrapped labels),
and numbers are mapped to columns by position relative to the table's fixed column order. A blank
cell stays absent; we never write a 0 the report did not print.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz import fuzz

from reports import exact
from reports.catalogue import definition as _definition
from reports.exact import Number
from reports.model import CellState, ParsedValue
from reports.text import Line, clean_line, has_traditional, is_page_footer, nfkc, parse_number, to_simplified
from reports.text import squash as _squash

# Table cells and labels repeat a lot ("0", "属于国家秘密"); caching keeps a report well under 5 ms.
squash = lru_cache(maxsize=8192)(_squash)
_clean_cell = lru_cache(maxsize=8192)(clean_line)

# ---------------------------------------------------------------------------------------------------
# Table vocabulary
# ---------------------------------------------------------------------------------------------------

APPLICANT_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social",
    "legal",
    "other_org",
    "total",
)

# (key stem under "apply.", label phrases). Order is the printed order of the 三 table.
APPLY_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("received", ("本年新收", "新收政府信息公开申请")),
    ("carried_in", ("上年结转",)),
    ("result.granted", ("予以公开",)),
    ("result.partial", ("部分公开",)),
    ("result.denied.state_secret", ("国家秘密",)),
    ("result.denied.law_prohibited", ("法律行政法规禁止", "其他法律", "禁止公开", "行政止公开")),
    ("result.denied.security_stability", ("三安全一稳定", "危及")),
    ("result.denied.third_party", ("第三方",)),
    ("result.denied.internal_affairs", ("内部事务",)),
    ("result.denied.process_info", ("过程性",)),
    ("result.denied.enforcement_file", ("执法案卷",)),
    ("result.denied.query_item", ("查询事项",)),
    ("result.unavailable.not_held", ("不掌握",)),
    ("result.unavailable.needs_creation", ("另行制作", "没有现成")),
    ("result.unavailable.unclear", ("仍不明确", "补正后申请")),
    ("result.not_processed.petition", ("信访", "举报投诉")),
    ("result.not_processed.duplicate", ("重复申请",)),
    ("result.not_processed.publication", ("出版物",)),
    ("result.not_processed.mass_repeated", ("大量反复",)),
    ("result.not_processed.confirm_reissue", ("重新出具", "确认或重新", "已获取信息")),
    ("result.other.overdue_correction", ("逾期不补正", "不补正")),
    ("result.other.unpaid_fee", ("收费通知", "缴纳费用", "逾期未按")),
    ("result.other.other", ()),  # "3.其他" — only recognised inside the （六） group, see _match_apply_row
    ("result.other", ("其他处理",)),
    ("result.total", ("总计", "合计")),
    ("carried_out", ("结转下年", "下年度继续", "继续办理")),
)
_APPLY_ORDER = [stem for stem, _ in APPLY_ROWS]
# a label that starts a row: "1." / "（三）" / "三、" (an ordinal with its punctuation, not 一情形)
_LEAF_START = re.compile(
    r"^\s*(?:\d{1,2}\s*[.、]|\(\s*[一二三四五六七八九十]{1,3}\s*\)|[一二三四五六七八九十]{1,3}、)"
)
# the group label and its numbered leaf "3.其他" squashed together ("六其他处理3其他")
_OTHER_LEAF = re.compile(r"其[他它]处理\d{1,2}其[他它]$")
_OTHER_GROUP_THEN_LEAF = re.compile(r"其[他它]处理\d")

# Group labels of 三 (row-spanning cells): remembered so that a bare "3.其他" can be placed.
_GROUPS: tuple[tuple[str, str], ...] = (
    ("不予公开", "denied"),
    ("无法提供", "unavailable"),
    ("不予处理", "not_processed"),
    ("其他处理", "other"),
)

# Words of the 三 header rows; a line made of them carries no row label.
_APPLY_HEADER_WORDS = (
    "自然人",
    "法人或其他组织",
    "商业企业",
    "科研机构",
    "申请人情况",
    "勾稽",
    "社会公益",
    "法律服务",
)

# 二: row id → label phrases (the longest/most specific first where labels nest).
ACTIVE_ROWS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("other_services", ("对外管理服务",)),
    ("normative", ("规范性文件",)),
    ("regulations", ("规章",)),
    ("license", ("行政许可",)),
    ("penalty", ("行政处罚",)),
    ("enforcement", ("行政强制",)),
    ("fees", ("事业性收费",)),
    ("procurement", ("集中采购",)),
)

# 二: column id → header phrases. "amount" is 收费金额 (2021 fees) or 采购总金额 (2019 procurement).
ACTIVE_COLUMNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("new_made", ("新制作",)),
    ("new_published", ("新公开",)),
    ("total_published", ("对外公开总", "公开总数")),
    ("issued", ("制发",)),
    ("repealed", ("废止",)),
    ("in_force", ("现行有效",)),
    ("prev_items", ("上一年",)),
    ("change", ("增减",)),
    ("decisions", ("处理决定",)),
    ("items", ("采购项目",)),
    ("amount", ("金额",)),
)

# Default columns of each 二 row when no header was read: {template: {row: [columns]}}.
ACTIVE_DEFAULTS: dict[str, dict[str, list[str]]] = {
    "2019": {
        "regulations": ["new_made", "new_published", "total_published"],
        "normative": ["new_made", "new_published", "total_published"],
        "license": ["prev_items", "change", "decisions"],
        "other_services": ["prev_items", "change", "decisions"],
        "penalty": ["prev_items", "change", "decisions"],
        "enforcement": ["prev_items", "change", "decisions"],
        "fees": ["prev_items", "change"],
        "procurement": ["items", "amount"],
    },
    "2021": {
        "regulations": ["issued", "repealed", "in_force"],
        "normative": ["issued", "repealed", "in_force"],
        "license": ["decisions"],
        "penalty": ["decisions"],
        "enforcement": ["decisions"],
        "fees": ["amount"],
    },
}

REVIEW_GROUPS: tuple[str, ...] = ("review", "litigation.direct", "litigation.after_review")
REVIEW_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
REVIEW_KEYS: tuple[str, ...] = tuple(f"{g}.{c}" for g in REVIEW_GROUPS for c in REVIEW_COLUMNS)
# Characters of the 四 header; a "label" made only of them is header debris next to the numbers.
_REVIEW_HEADER_CHARS = set("行政复议诉讼结果维持纠正其他尚未审结总计未经直接起诉后合")

# A cell that stands for "nothing printed here".
_BLANK_MARKS = {"", "-", "--", "—", "——", "/", "／", "－", "―", "…", "无", "無"}
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MD_RULE = re.compile(r"^[\s|:\-+=]+$")
_ORDINAL = re.compile(r"^(?:[一二三四五六七八九十]+[、.]?|\(?[一二三四五六七八九十]+\)|\d{1,2}[、.)]?)")


# ---------------------------------------------------------------------------------------------------
# Line → label + value cells
# ---------------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Row:
    """One printed line split into its label text and its trailing value cells (None = blank cell)."""

    label: str
    values: list[Number | None]
    celled: bool  # True when cells were delimited (tab/|), so blank cells keep their position
    marks: list[str] = field(default_factory=list)  # per cell: the printed mark of a None ("" = empty)
    width: int = 0  # cells the piece spans on its line, label cells (empty ones too) included

    def mark(self, i: int | None) -> str:
        return self.marks[i] if i is not None and i < len(self.marks) else ""

    @property
    def count(self) -> int:
        return sum(v is not None for v in self.values)


_UNIT_SUFFIX = re.compile(r"^(.*?\d)\s*(?:件|项|条|个|次|人|万元|元)$")


@lru_cache(maxsize=8192)
def _num(cell: str) -> Number | None:
    """A value cell: '12', '+117', '－2', '96171.6', also '12件' / '3 项' (a unit typed into the cell);
    exact (an int, or a Decimal of the printed digits)."""
    if cell.isascii() and cell.isdigit():
        return int(cell)
    v = parse_number(cell)
    if v is None:
        m = _UNIT_SUFFIX.match(cell.strip())
        if m:
            v = parse_number(m.group(1))
    return v


@lru_cache(maxsize=1024)
def _is_blank(cell: str) -> bool:
    return cell.strip() in _BLANK_MARKS


def _expand(cell: str) -> list[str]:
    """A cell 'label 1 2 3' or '1 2 3' becomes ['label', '1', '2', '3'] (PDF/space-joined numbers)."""
    toks = cell.split()
    if len(toks) <= 1 or not any(_num(t) is not None for t in toks):
        return [cell.strip()]
    out: list[str] = []
    words: list[str] = []
    for t in toks:
        if _num(t) is not None:
            if words:
                out.append(" ".join(words))
                words = []
            out.append(t)
        else:
            words.append(t)
    if words:
        out.append(" ".join(words))
    return out


def _cells(text: str) -> tuple[list[str], bool]:
    t = text.strip("\r\n")
    celled = "\t" in t or "|" in t
    if not celled:
        return t.split(), False
    t = t.strip(" ")
    cells = re.split(r"\t|\|", t)
    if t.startswith("|"):
        cells = cells[1:]
    if t.endswith("|"):
        cells = cells[:-1]
    out: list[str] = []
    for c in cells:
        out.extend(_expand(c) if c.strip() else [""])
    return out, True


def _segments(cells: list[str], celled: bool) -> list[_Row]:
    """Cut a line into (label, values) pieces: usually one, but a line may carry two rows, or numbers
    followed by the rest of a wrapped label. A lone number between label words (an ordinal such as
    '3 其他') stays in the label; only a run of 2+ numbers ends a row."""
    segs: list[_Row] = []
    label: list[str] = []
    run: list[str] = []
    vals: list[Number | None] = []
    numbers = width = 0
    for c in cells:
        width += 1
        v = _num(c)
        if v is not None or _is_blank(c):
            run.append(c)
            vals.append(v)
            numbers += v is not None
            continue
        if numbers >= 2:
            segs.append(_make_row(label, run, vals, celled, width - 1))
            label, width = [c], 1
        else:
            label += [x for x in run if not _is_blank(x)] + [c]
        run, vals, numbers = [], [], 0
    segs.append(_make_row(label, run, vals, celled, width))
    return segs


def _make_row(
    label: list[str], run: list[str], vals: list[Number | None], celled: bool, width: int = 0
) -> _Row:
    # explicit blank marks ("—", "/") in a space-separated row also pin the cell positions
    positional = celled or any(v is None and x.strip() for x, v in zip(run, vals, strict=True))
    marks = [x.strip() if v is None else "" for x, v in zip(run, vals, strict=True)]
    return _Row(" ".join(x for x in label if x.strip()), vals, positional, marks, width)


def split_line(ln: Line) -> list[_Row]:
    """A printed line as (label, value cells) pieces; tab rows keep blank edge cells (clean_line strips them)."""
    if "\t" in ln.raw:
        cells, celled = _cells("\t".join(_clean_cell(c) or " " for c in ln.raw.split("\t")))
    else:
        cells, celled = _cells(ln.text)
    return _segments(cells, celled)


def marks_only(row: _Row, n: int) -> list[int | None] | None:
    """The cells of a celled row printing a mark in each of its `n` columns and no number, else None."""
    at = [i for i, m in enumerate(row.marks) if m]
    if row.count or not row.celled or len(at) != n or at[-1] - at[0] != n - 1:
        return None
    return list(at)


class ExtraColumn:
    """Which reading of an over-long applicant row worked so far in this table (see _drop_extra)."""

    def __init__(self) -> None:
        self.reading: str | None = None


def align(row: _Row, n: int, extra: ExtraColumn | None = None) -> list[Number | None] | None:
    """Map a row's value cells onto `n` columns, or None when the mapping would be a guess."""
    idx = align_idx(row, n, extra)
    return None if idx is None else [None if i is None else row.values[i] for i in idx]


def align_idx(row: _Row, n: int, extra: ExtraColumn | None = None) -> list[int | None] | None:
    """Which printed cell (index into row.values) feeds each of `n` columns; None = nothing printed.

    Indexes rather than values so that a blank column keeps its printed mark ("/", "—", "无")."""
    vals = row.values
    k = row.count
    if k == 0:  # only printed marks ("/ / /"): placed when they fill every column, else nothing to read
        return marks_only(row, n)
    if not row.celled:
        if k == n:
            return list(range(len(vals)))
        if k > n:
            return _drop_extra(list(range(len(vals))), vals, n, extra)
        return None
    end = len(vals)
    while end and vals[end - 1] is None:
        end -= 1
    start = 0
    while end - start > n and vals[start] is None:
        start += 1
    cur: list[int | None] = list(range(start, end))
    if len(cur) == n:
        return cur
    if len(cur) < n:
        tail: list[int | None] = list(range(end, min(len(vals), end + n - len(cur))))
        # fewer printed cells than columns: which column lost its cell cannot be known — never a guess
        return cur + tail if len(cur) + len(tail) == n else None
    if extra is not None and extra.reading is not None and n == 7 and len(cur) == 8:
        return _READINGS[extra.reading](cur)  # this table's extra column, blanks kept in place
    nums = [i for i in cur if i is not None and vals[i] is not None]
    if len(nums) == n:
        return list(nums)
    if len(nums) > n and len(nums) == len(cur):
        return _drop_extra(cur, vals, n, extra)
    return None


def _sum_ok(parts: Sequence[Number | None], total: Number | None) -> bool:
    if total is None or any(p is None for p in parts):
        return False
    return exact.total(p for p in parts if p is not None) == total


_READINGS = {
    "extra_last": lambda v: v[:7],
    "subtotal": lambda v: [v[0], *v[2:]],
    "extra_first": lambda v: v[1:],
}


def _reading_fits(name: str, vals: list[Number | None]) -> bool:
    got = _READINGS[name](vals)
    if not _sum_ok(got[:6], got[6]):
        return False
    return name != "subtotal" or _sum_ok(vals[2:7], vals[1])


def _drop_extra(
    idx: list[int | None], vals: list[Number | None], n: int, extra: ExtraColumn | None
) -> list[int | None] | None:
    """One number too many on an applicant row (an extra column, as in some 2019 tables).

    Readings tried: an extra trailing column, a 法人小计 after 自然人, an extra leading column. The
    first whose 总计 equals the sum of the other six wins and is remembered for the table; a row that
    fits none takes the table's remembered reading, else nothing (never a guess). Other tables: nothing.
    `idx` are the cells' indexes into `vals`; the chosen reading is applied to them.
    """
    if n != 7 or len(idx) != 8:
        return None
    printed = [None if i is None else vals[i] for i in idx]
    for name in _READINGS:
        if _reading_fits(name, printed):
            if extra is not None and extra.reading is None:
                extra.reading = name
            return _READINGS[name](idx)
    if extra is not None and extra.reading is not None:
        return _READINGS[extra.reading](idx)
    return None


# ---------------------------------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------------------------------


def _heading(sq: str, numeral: str) -> bool:
    return sq.startswith(numeral) and len(sq) <= 40


_HEADING_LIKE = re.compile(r"^[一二三四五六七八九十][、.]\S")


def _toc_entry(lines: Sequence[Line], i: int) -> bool:
    """A heading followed at once by another top-level heading is a table-of-contents entry (目录)."""
    for ln in lines[i + 1 : i + 4]:
        t = ln.text
        if not t or is_page_footer(ln.raw):
            continue
        return bool(_HEADING_LIKE.match(t)) and len(t) <= 45 and not re.search(r"\d\s+\d", t)
    return False


def _find_sections(lines: Sequence[Line]) -> tuple[int, int, int, int]:
    """Indexes (into `lines`) of the 二, 三, 四 and 五 headings; -1 when not found.

    A heading wrapped over two lines ("四、政府信息公开行政复议、" / "行政诉讼情况") is read joined."""
    s2 = s3 = s4 = s5 = -1
    n = len(lines)
    for i, ln in enumerate(lines):
        if len(ln.text) > 60:
            continue
        sq = squash(ln.text)
        if not sq:
            continue
        forms = [sq]
        if (
            i + 1 < n
            and len(sq) < 30
            and 0 < len(lines[i + 1].text) <= 30
            and not _HEADING_LIKE.match(lines[i + 1].text)
        ):
            forms.append(sq + squash(lines[i + 1].text))
        for f in forms:
            if s2 < 0 and s3 < 0 and _heading(f, "二") and "主动公开" in f:
                if not _toc_entry(lines, i):
                    s2 = i
                break
            if s3 < 0 and (_heading(f, "三") or len(f) <= 30) and "收到和处理" in f:
                if not _toc_entry(lines, i):
                    s3 = i
                break
            if s3 >= 0 and s4 < 0 and _heading(f, "四") and "复议" in f and "诉讼" in f:
                if not _toc_entry(lines, i):
                    s4 = i
                break
            if s4 >= 0 and s5 < 0 and _heading(f, "五"):
                s5 = i
                break
    return s2, s3, s4, s5


def _usable(ln: Line) -> bool:
    # the raw line too: clean_line reads "- 4 -" as a Markdown bullet and leaves "4 -"
    if not ln.text or is_page_footer(ln.raw) or is_page_footer(ln.text):
        return False
    return not _MD_RULE.match(ln.text)


def _items(lines: Sequence[Line]) -> list[tuple[Line, _Row]]:
    """Every (line, label/values piece) of a region, page footers and Markdown rules dropped.

    Text copied from a web table often has one cell per line; a run of lines holding one number each
    is joined back into one row (the first line is kept for provenance)."""
    out: list[tuple[Line, _Row]] = []
    run_open = False
    for ln in lines:
        if not _usable(ln):
            continue
        for seg in split_line(ln):
            # one cell alone on its line: a number, or a printed mark ("/", "—") standing for a blank cell
            single = not seg.label and len(seg.values) == 1 and (seg.count == 1 or bool(seg.marks[0]))
            if single and run_open and out:
                prev_ln, prev = out[-1]
                # each line was one cell, so the joined cells keep their places (a mark pins its column)
                out[-1] = (prev_ln, _Row("", prev.values + seg.values, True, prev.marks + seg.marks))
                continue
            out.append((ln, seg))
            run_open = single
    return out


# ---------------------------------------------------------------------------------------------------
# Value construction
# ---------------------------------------------------------------------------------------------------


_SUBTOTAL_LABELS = {
    "apply.result.denied": "三/（三）不予公开（小计）",
    "apply.result.unavailable": "三/（四）无法提供（小计）",
    "apply.result.not_processed": "三/（五）不予处理（小计）",
}
_COLUMN_LABELS = {
    "natural_person": "自然人",
    "commercial": "法人或其他组织/商业企业",
    "research": "法人或其他组织/科研机构",
    "social": "法人或其他组织/社会公益组织",
    "legal": "法人或其他组织/法律服务机构",
    "other_org": "法人或其他组织/其他",
    "total": "总计",
}


@lru_cache(maxsize=2048)
def definition(key: str, template: str | None = None):  # noqa: ANN201 - IndicatorDef | None
    return _definition(key, template)


def _value(key: str, v: Number, ln: Line, template: str) -> ParsedValue:
    d = definition(key, template)
    if d is not None:
        unit, section, row_label, column_label = d.unit, d.section, d.row_label, d.column_label
    else:  # a subtotal row some agencies print (not in the catalogue)
        stem, _, col = key.rpartition(".")
        unit, section = "件", "三、收到和处理政府信息公开申请情况"
        row_label, column_label = _SUBTOTAL_LABELS.get(stem, stem), _COLUMN_LABELS.get(col, col)
    return ParsedValue(
        key=key,
        value=v,
        unit=unit,
        line_no=ln.no,
        line_text=ln.raw,
        origin="table",
        section=section,
        row_label=row_label,
        column_label=column_label,
    )


class _Out:
    """Collects values; the first printing of a key wins (a repeated table must not overwrite it)."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.values: dict[str, ParsedValue] = {}
        self.cells: dict[str, CellState] = {}  # first non-numeric printing of a key (blank, mark, unreadable)
        self.spans: dict[str, tuple[Line, Line]] = {}  # region name → first and last line searched
        self.lines: Sequence[Line] = ()  # the whole document (prose stating a figure a table row omits)

    def put(self, key: str, v: Number | None, ln: Line, mark: str = "") -> None:
        if key in self.values:
            return
        if v is None:
            if key not in self.cells:
                self.cells[key] = CellState(key, "mark" if mark else "blank", mark, ln.no, ln.raw)
            return
        self.values[key] = _value(key, v, ln, self.template)

    def put_row(self, keys: Sequence[str], row: _Row, idx: Sequence[int | None], ln: Line) -> None:
        """A row's cells onto its keys: numbers as values, the rest as blank/mark cell states."""
        for key, i in zip(keys, idx, strict=True):
            self.put(key, None if i is None else row.values[i], ln, row.mark(i))

    def unreadable(self, keys: Sequence[str], ln: Line) -> None:
        """The row is printed but its numbers cannot be placed: say so instead of guessing."""
        for key in keys:
            if key not in self.values and key not in self.cells:
                self.cells[key] = CellState(key, "unreadable", "", ln.no, ln.raw)

    def non_numeric(self) -> list[CellState]:
        return [c for k, c in self.cells.items() if k not in self.values]

    def has_stem(self, stem: str) -> bool:
        return any(k.startswith(stem + ".") for k in self.values)


# ---------------------------------------------------------------------------------------------------
# 二、主动公开政府信息情况
# ---------------------------------------------------------------------------------------------------


def _active_row(label: str) -> str | None:
    """The 二 row a label names; None for prose (long) or text naming two rows ("行政许可 5 行政处罚")."""
    sq = squash(label)
    if not sq or len(sq) > 40:
        return None
    rows = [row for row, phrases in ACTIVE_ROWS if any(p in sq for p in phrases)]
    return rows[0] if len(rows) == 1 else None


def _header_columns(text: str) -> list[str]:
    sq = squash(text)
    found: list[tuple[int, str]] = []
    taken: list[tuple[int, int]] = []
    for col, phrases in ACTIVE_COLUMNS:
        for p in phrases:
            i = sq.find(p)
            if i >= 0 and not any(a <= i < b for a, b in taken):
                found.append((i, col))
                taken.append((i, i + len(p)))
                break
    return [c for _, c in sorted(found)]


def _active_columns(row: str, header: list[str], count: int, template: str, positional: bool) -> list[str]:
    """Columns of a 二 row: the block's header when it explains the numbers, else the template layout.

    A PDF header broken over lines may be read only in part; a partial header that does not account
    for the printed numbers loses to the template's own columns. The other format's layout is tried
    only when no header was read at all (and never for rows whose blank cells keep their places)."""
    valid = {c for t in ACTIVE_DEFAULTS.values() for c in t.get(row, [])}
    from_header = [c for c in header if c in valid]
    candidates = [c for c in (from_header, ACTIVE_DEFAULTS[template].get(row, [])) if c]
    if not from_header:
        other = ACTIVE_DEFAULTS["2019" if template == "2021" else "2021"].get(row, [])
        if other:
            candidates.append(other)
    if not candidates:
        return []
    if positional:
        return candidates[0]
    return next((c for c in candidates if len(c) == count), candidates[0])


def _all_marks_row(row: _Row) -> bool:
    """A celled 二 row whose every cell is a printed mark ("行政事业性收费 | 无 | 无"): a data row, not a label."""
    return any(m for m in row.marks) and _active_row(row.label) is not None and row.celled


def _parse_active(lines: Sequence[Line], out: _Out) -> None:
    header_text = ""
    header: list[str] = []
    collecting = False
    pending_row: str | None = None  # a row label printed alone, its numbers on the next line
    carry = ""  # label text since the last data row ("其他对外管理服" / "务事项 56 -2 12980")
    items = _items(lines)
    skip = -1
    for idx, (ln, row) in enumerate(items):
        if idx <= skip:
            continue
        sq = squash(row.label)
        if "第二十条" in sq:  # a new block: its header follows (or shares the line)
            header_text, header, collecting, carry = "", [], False, ""
            if row.count == 0 and _header_columns(row.label):
                header_text, collecting = row.label, True
                header = _header_columns(header_text)
            continue
        if row.count == 0 and not _all_marks_row(row):
            pending_row = _active_row(row.label)
            carry = "" if "信息内容" in sq else carry + row.label
            if pending_row is not None:
                collecting = False
                continue
            if "信息内容" in sq:
                header_text, collecting = row.label, True
            elif collecting:
                header_text += " " + row.label
            elif _header_columns(row.label):
                header_text, collecting = row.label, True
            else:
                continue
            header = _header_columns(header_text)
            continue
        collecting = False
        rid = _active_row(row.label) if row.label else pending_row
        if rid is None and carry and row.label:
            rid = _active_row(carry + row.label)
        if rid is None and row.label and idx + 1 < len(items) and items[idx + 1][1].count == 0:
            rid = _active_row(row.label + items[idx + 1][1].label)  # the label's tail after its numbers
            if rid is not None:
                skip = idx + 1
        pending_row, carry = None, ""
        if rid is None:
            continue
        cols = _active_columns(rid, header, row.count, out.template, row.celled)
        keys = [f"active.{rid}.{col}" for col in cols]
        idx = align_idx(row, len(cols)) if cols else None
        if idx is None and _repealed_from_prose(out, rid, cols, row, ln):
            continue
        if idx is None:
            out.unreadable(keys, ln)
            continue
        out.put_row(keys, row, idx, ln)
        _printed_money_unit(out, keys, header_text, ln)


_MONEY_UNIT = re.compile(r"(亿元|万元|元)")
_MONEY_UNITS = {"元", "万元", "亿元"}


def _printed_money_unit(out: _Out, keys: list[str], header_text: str, ln: Line) -> None:
    """Store a money figure in the unit its header prints (采购总金额（元）), not the catalogue's 万元."""
    m = _MONEY_UNIT.search(nfkc(header_text))
    if m is None:
        return
    for key in keys:
        v = out.values.get(key)
        if v is not None and v.unit in _MONEY_UNITS and v.line_no == ln.no:
            v.unit = m.group(1)


_REPEALED_WORDS = {"regulations": "规章", "normative": "规范性文件"}


def _repealed_from_prose(out: _Out, rid: str, cols: list[str], row: _Row, ln: Line) -> bool:
    """A 2021 (一) row printing only 制发 and 现行有效, the 废止 figure stated in prose above the table.

    Taken only when the text before the row states the repealed count of this kind exactly once; the
    row's two numbers are then 制发 and 现行有效. Otherwise the row stays unreadable."""
    word = _REPEALED_WORDS.get(rid)
    if word is None or cols != ["issued", "repealed", "in_force"] or row.count != 2:
        return False
    pats = (
        re.compile(rf"废止[^。；;\d]{{0,12}}?{word}[^。；;\d]{{0,4}}?(\d+)\s*件"),
        re.compile(rf"{word}[^。；;\d]{{0,12}}?废止[^。；;\d]{{0,4}}?(\d+)\s*件"),
    )
    found: dict[int, Line] = {}
    for prev in out.lines:
        if prev.no >= ln.no:
            break
        for pat in pats:
            for m in pat.finditer(prev.text):
                found.setdefault(int(m.group(1)), prev)
    if len(found) != 1:
        return False
    (repealed, where), = found.items()
    made, in_force = (v for v in row.values if v is not None)
    out.put(f"active.{rid}.issued", made, ln)
    out.put(f"active.{rid}.in_force", in_force, ln)
    out.put(f"active.{rid}.repealed", repealed, where)
    key = f"active.{rid}.repealed"
    if key in out.values:
        out.values[key].origin = "prose"
    return True


# ---------------------------------------------------------------------------------------------------
# 三、收到和处理政府信息公开申请情况
# ---------------------------------------------------------------------------------------------------


def _strip_ordinals(sq: str) -> str:
    prev = None
    while prev != sq:
        prev = sq
        sq = _ORDINAL.sub("", sq, count=1)
    return sq


def _match_apply_row(label_sq: str, own_sq: str, group: str | None, last: str | None) -> str | None:
    """The row stem whose phrase ends latest in the label (the leaf label comes after its group label)."""
    leaves = {_strip_ordinals(own_sq), _strip_ordinals(label_sq)}
    if leaves & {"其他", "其它"} and (group == "other" or (last or "").startswith("result.other.")):
        return "result.other.other"
    if _OTHER_LEAF.search(own_sq):  # "（六）其他处理 | 3.其他" on one line: the leaf, not the one-row （六）
        return "result.other.other"
    best: tuple[int, int, str] | None = None
    for stem, phrases in APPLY_ROWS:
        for p in phrases:
            i = label_sq.rfind(p)
            if i >= 0:
                cand = (i + len(p), len(p), stem)
                if best is None or cand[:2] > best[:2]:
                    best = cand
    if best and best[2] == "result.other" and _OTHER_GROUP_THEN_LEAF.search(label_sq):
        return None  # "（六）其他处理 1.申请人…": the group label before a leaf not named (yet), not the one-row （六）
    return best[2] if best else None


def _is_apply_header(sq: str) -> bool:
    return any(w in sq for w in _APPLY_HEADER_WORDS)


def _next_stem(last: str | None) -> str | None:
    """The row printed after `last` when that is unambiguous (fallback for a numbers-only line)."""
    if last is None:
        return None
    i = _APPLY_ORDER.index(last)
    if last == "result.not_processed.confirm_reissue":
        return None  # （六） may be one row or three
    nxt = _APPLY_ORDER[i + 1] if i + 1 < len(_APPLY_ORDER) else None
    if last == "result.other.other" or last == "result.other":
        return "result.total"
    if nxt == "result.other":  # after other.other comes the total
        return "result.total"
    return nxt


def _canonical_leaves() -> list[tuple[str, str]]:
    """(squashed leaf label without ordinal, stem) for fuzzy matching of misprinted labels."""
    out = []
    for stem, _ in APPLY_ROWS:
        d = definition(f"apply.{stem}.total")
        if d is None:
            continue
        leaf = _strip_ordinals(squash(d.row_label.split("/")[-1]))
        if len(leaf) >= 4:
            out.append((leaf, stem))
    return out


_LEAVES: list[tuple[str, str]] | None = None


def _fuzzy_apply_row(own_sq: str) -> str | None:
    """Last resort for typos ("其他法律行政止公开"): a close match to one official leaf label."""
    global _LEAVES
    leaf = _strip_ordinals(own_sq)
    if len(leaf) < 4:
        return None
    if _LEAVES is None:
        _LEAVES = _canonical_leaves()
    best = max(((fuzz.ratio(leaf, c), stem) for c, stem in _LEAVES), default=(0.0, ""))
    return best[1] if best[0] >= 80 else None


# A group label printed with its own numbers is a subtotal row (not in the official layout).
_SUBTOTALS = {
    "不予公开": "result.denied",
    "无法提供": "result.unavailable",
    "不予处理": "result.not_processed",
}


def _names_a_row(sq: str) -> bool:
    """True if the text names a 三 row other than the ambiguous 总计 (which the header also prints)."""
    return any(p in sq for stem, phrases in APPLY_ROWS if stem != "result.total" for p in phrases)


def _header_fragment(sq: str) -> bool:
    """Pieces of a PDF-scrambled header ("总计商 业 企", "其他") that must not become a row label.

    "（七）总计" is the 总计 row, not the header's 总计 column: a header repeated after a page break
    may stand right above it, with its numbers on the next line."""
    if sq != _strip_ordinals(sq) and _strip_ordinals(sq) in {"总计", "合计"}:
        return False
    return not _names_a_row(sq) and ("总计" in sq or sq in {"其他", "其它"})


def _lead_columns(ln: Line) -> int | None:
    """Cells before the 自然人 column in a celled header row ("| | | | 自然人 | …" → 3), else None."""
    cells, celled = _cells(ln.text)
    at = [i for i, c in enumerate(cells) if squash(c) == "自然人"]
    return at[0] if celled and at else None


def _blank_boundary(row: _Row, idx: Sequence[int | None]) -> bool:
    """The first column is fed by an empty cell right after empty cells dropped as label columns: whether
    it is a label column or the 自然人 cell (with a cell lost elsewhere) only the width can tell. A printed
    mark ("/") is a value cell, never a label column."""
    first = idx[0]
    return row.celled and first is not None and first > 0 and row.values[first] is None and not row.mark(first)


def _tail_below(
    head_sq: str, nxt: _Row, group: str | None, last: str | None, idx: int
) -> tuple[str | None, int]:
    """(stem, index to skip to) when `head_sq` (naming no row) + the label-only line after the numbers name
    a row; a line that starts with its own ordinal ("4.", "（五）") is the next row, not this tail."""
    if nxt.count != 0:
        return None, -1
    tail = squash(nxt.label)
    if not tail or _LEAF_START.match(nfkc(nxt.label)) or _is_apply_header(tail):
        return None, -1  # a numbered label starts the next row
    both = head_sq + tail
    for stem, phrases in APPLY_ROWS:
        for p in phrases:
            i = both.rfind(p)
            if i >= 0 and i + len(p) > len(head_sq):
                return (stem, idx + 1) if _match_apply_row(both, both, group, last) == stem else (None, -1)
    return None, -1


def _parse_apply(lines: Sequence[Line], out: _Out) -> None:
    pending = ""
    pending_last = ""  # the last label line in `pending` (a leaf such as "3.其他" printed above its numbers)
    group: str | None = None
    last: str | None = None
    in_header = False
    extra = ExtraColumn()
    items = _items(lines)
    skip = -1
    lead_cols: int | None = None  # label columns before 自然人, from a celled header row
    for idx, (ln, row) in enumerate(items):
        if idx <= skip:
            continue
        own_sq = squash(row.label)
        for phrase, g in _GROUPS:
            if phrase in own_sq:
                group = g
        if row.count == 0 and marks_only(row, len(APPLICANT_COLUMNS)) is None:
            lead = _lead_columns(ln) if row.celled else None
            lead_cols = lead if lead is not None else lead_cols
            if _is_apply_header(own_sq):
                in_header, pending = True, ""
            elif in_header and _header_fragment(own_sq):
                pass
            else:
                if _LEAF_START.match(nfkc(row.label)):
                    pending = ""  # a new numbered label: what came before was the tail of the last row
                pending += own_sq
                pending_last = own_sq
            continue
        label_sq = pending + own_sq
        leaf_sq = own_sq or pending_last
        pending_sq = pending
        in_header = False
        pending = pending_last = ""
        stem = _match_apply_row(label_sq, leaf_sq, group, last)
        if stem is None and own_sq and idx + 1 < len(items):
            # a label wrapped AFTER its numbers: "5.要求行政机关确认或重 0 0 …" / "新出具已获取信息"
            nxt = items[idx + 1][1]
            if nxt.count == 0:
                nxt_sq = squash(nxt.label)
                stem = _match_apply_row(own_sq + nxt_sq, own_sq + nxt_sq, group, last)
                if stem is not None:
                    skip = idx + 1
        if stem is None and not own_sq and pending_sq and idx + 1 < len(items):
            # a label cut above its numbers and finished below them: "1.申请人无正当理由逾期不" / numbers /
            # "补正、行政机关不再处理…" (PDF text of a cell whose numbers sit on its middle line)
            stem, skip = _tail_below(pending_sq, items[idx + 1][1], group, last, idx)
        if stem is None and _strip_ordinals(own_sq) in _SUBTOTALS:
            stem = _SUBTOTALS[_strip_ordinals(own_sq)]
        if stem is None and own_sq:
            stem = _fuzzy_apply_row(own_sq)
        guessed = False
        if stem is None and not _CJK.search(label_sq):
            stem, guessed = _next_stem(last), True
        if stem is None:
            continue
        idx = align_idx(row, len(APPLICANT_COLUMNS), extra)
        wide = row.width == (lead_cols or 0) + len(APPLICANT_COLUMNS)
        if idx is not None and _blank_boundary(row, idx) and not wide:
            idx = None  # a blank where the label columns end, on a row not as wide as the table: a lost cell
        if idx is None and guessed:
            continue
        if stem in _APPLY_ORDER:
            last = stem
        if stem.startswith("result.other"):
            group = "other"
        keys = [f"apply.{stem}.{col}" for col in APPLICANT_COLUMNS]
        if idx is None:
            out.unreadable(keys, ln)
            continue
        out.put_row(keys, row, idx, ln)
        if stem == "carried_out":
            return


# ---------------------------------------------------------------------------------------------------
# 四、政府信息公开行政复议、行政诉讼情况
# ---------------------------------------------------------------------------------------------------


def _review_group(label_sq: str) -> str | None:
    if "复议后" in label_sq:
        return "litigation.after_review"
    if "直接起诉" in label_sq or "未经复议" in label_sq:
        return "litigation.direct"
    if "复议" in label_sq and "诉讼" not in label_sq:
        return "review"
    return None


def _parse_review(lines: Sequence[Line], out: _Out) -> None:
    buf: list[Number | None] = []
    marks: list[str] = []
    first: Line | None = None
    for ln, row in _items(lines):
        if row.count == 0:
            continue
        sq = squash(row.label)
        if len(sq) > 20 and not set(sq) <= _REVIEW_HEADER_CHARS:
            continue  # prose that happens to end in numbers
        group = _review_group(sq)
        if group is not None and row.count <= 5 and not buf:
            keys = [f"{group}.{col}" for col in REVIEW_COLUMNS]
            idx = align_idx(row, 5)
            if idx is None:
                out.unreadable(keys, ln)
            else:
                out.put_row(keys, row, idx, ln)
            continue
        if first is None:
            first = ln
        if row.celled and not buf:
            idx = align_idx(row, 15)
            if idx is not None and len(row.values) > 5:
                buf = [None if i is None else row.values[i] for i in idx]
                marks = [row.mark(i) for i in idx]
            else:
                buf = [v for v in row.values if v is not None]
        else:
            buf.extend(v for v in row.values if v is not None)
        if len(buf) >= 15:
            break
    if len(buf) == 15 and first is not None:  # more than 15 numbers: which ones? say nothing
        marks = marks if len(marks) == 15 else [""] * 15
        for key, v, mark in zip(REVIEW_KEYS, buf, marks, strict=True):
            out.put(key, v, first, mark)
    elif buf and first is not None:
        out.unreadable(REVIEW_KEYS, first)


# ---------------------------------------------------------------------------------------------------
# Entry point
# ---------------------------------------------------------------------------------------------------


def _first(lines: Sequence[Line], pred, start: int = 0, end: int | None = None) -> int:
    end = len(lines) if end is None else end
    for i in range(start, end):
        if pred(squash(lines[i].text)):
            return i
    return -1


@dataclass(slots=True)
class ModernTables:
    """What tables 二/三/四 say: numbers, non-numeric cells, and the line span searched per table."""

    values: list[ParsedValue]
    cells: list[CellState]
    spans: dict[str, tuple[Line, Line]]


def parse_modern_tables(lines: list[Line], template: str) -> list[ParsedValue]:
    """Parse tables 二/三/四 of a 2019- or 2021-format report into catalogue-keyed values."""
    return parse_modern_tables_ex(lines, template).values


def parse_modern_tables_ex(lines: list[Line], template: str) -> ModernTables:
    """Tables 二/三/四 with their non-numeric cells; a traditional-character mirror is read simplified."""
    if template not in ("2019", "2021"):
        raise ValueError(f"parse_modern_tables handles the 2019/2021 formats, not {template!r}")
    out = _parse_tables(lines, template)
    if len(out.values) < 10 and any(has_traditional(ln.text) for ln in lines[:400]):
        # a mirror in traditional characters (繁體): read it through a simplified copy, keep the raw lines
        simplified = [Line(ln.no, to_simplified(ln.raw), to_simplified(ln.text)) for ln in lines]
        again = _parse_tables(simplified, template)
        if len(again.values) > len(out.values):
            raw = {ln.no: ln for ln in lines}
            for v in again.values.values():
                v.line_text = raw[v.line_no].raw if v.line_no in raw else v.line_text
            for c in again.cells.values():
                c.line_text = raw[c.line_no].raw if c.line_no in raw else c.line_text
            again.spans = {k: (raw.get(a.no, a), raw.get(b.no, b)) for k, (a, b) in again.spans.items()}
            out = again
    return ModernTables(list(out.values.values()), out.non_numeric(), out.spans)


def _span(out: _Out, name: str, region: Sequence[Line]) -> None:
    if region:
        out.spans[name] = (region[0], region[-1])


def _parse_tables(lines: Sequence[Line], template: str) -> _Out:
    out = _Out(template)
    out.lines = lines
    n = len(lines)
    s2, s3, s4, s5 = _find_sections(lines)

    # 二: from its heading (or the first 第二十条 block) to the 三 heading / first applicant row.
    start2 = s2 if s2 >= 0 else _first(lines, lambda s: s.startswith("第二十条"))
    end2 = s3 if s3 > start2 else _first(lines, lambda s: "本年新收" in s, max(start2, 0))
    if start2 >= 0:
        region = lines[start2 : end2 if end2 > start2 else n]
        _span(out, "active", region)
        _parse_active(region, out)

    # 三: from its heading (or the first header/applicant row) to the 四 heading.
    start3 = s3 if s3 >= 0 else _first(lines, lambda s: "申请人情况" in s or "本年新收" in s, max(start2, 0))
    if start3 >= 0:
        end3 = s4 if s4 > start3 else n
        _span(out, "apply", lines[start3:end3])
        _parse_apply(lines[start3:end3], out)

    # 四: from its heading to the 五 heading (or a generous window).
    start4 = s4
    if start4 < 0:
        start4 = _first(
            lines, lambda s: "结果维持" in s or ("行政复议" in s and "行政诉讼" in s), max(start3, 0)
        )
    if start4 >= 0:
        end4 = s5 if s5 > start4 else min(n, start4 + 80)
        _span(out, "review", lines[start4:end4])
        _parse_review(lines[start4:end4], out)

    return out
