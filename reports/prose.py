"""Figures a report states only in its text ("2017年度未收到信息公开申请" → received 0).

Deliberately conservative: a handful of sentence shapes we are sure of, approximate numbers
("5500余条") skipped, and a key stated twice with different numbers dropped rather than guessed.
Only keys that exist for the report's template are produced (narrative reports use the 2008 keys),
so prose never invents an indicator the report's format does not have.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass

import cn2an

from reports import exact
from reports.catalogue import definition, unit_of
from reports.exact import Number
from reports.model import ParsedValue
from reports.text import Line, is_page_footer, parse_number

_CN_DIGITS = "零〇一二两三四五六七八九十百千万"
# "3,940元": thousands separators as printed in tables (parse_number reads them)
NUM = rf"(?P<n>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|[{_CN_DIGITS}]+)"
_APPROX_AFTER = re.compile(r"^(?:余|多|左右|以上|上下)")
_APPROX_BEFORE = re.compile(r"(?:约|近|超过|逾|大约|将近)$")
_CLAUSE_SPLIT = re.compile(r"[,;。!?:]")

# Keys prose may set, per template family of the report.
_KEYS_2008 = {
    "apply.received.total",
    "apply.received.in_person",
    "apply.received.fax",
    "apply.received.online",
    "apply.received.letter",
    "review.total",
    "litigation.total",
    "complaints.total",
    "active.total",
    "apply.fees",
}
_KEYS_MODERN = {"apply.received.total", "review.total", "litigation.total", "apply.processing_fee"}

_NEG = r"(?:没有|尚未|均未|未曾|未|无)"
_OBJ = r"(?:政府信息公开申请|信息公开申请|依申请公开(?:政府信息)?(?:的)?(?:申请|事项)?|公开申请)"
_RECEIVED = re.compile(
    rf"(?<!未)(?<!没有)(?<!无)(?:收到|受理|接到|接收|新收)(?:了)?(?P<gap>[^,;。]{{0,16}}?){_OBJ}"
    rf"(?:共计|共|总计|合计|总数|数量|数)?(?:为|是)?{NUM}(?:件|宗|个|份|条)"
)
_OWN_SCOPE_COUNT = re.compile(
    rf"(?:本机关|本级|本单位|本局|本部门|本委|本办|其中本)[^,;。]{{0,12}}?(?:收到|受理|接到|新收)[^,;。]{{0,8}}?{NUM}件"
)
_RECEIVED_ZERO = re.compile(
    rf"(?:没有|尚未|均未|未曾|未|无)(?:收到|接到|受理)(?:过)?(?:任何)?(?P<gap>[^,;。]{{0,16}}?){_OBJ}"
)
# "本年度无政府信息公开申请" — no verb, so nothing may stand between the negation and the object
_RECEIVED_ABSENT = re.compile(
    r"(?:没有|无)(?:任何)?(?P<gap>)(?:政府信息公开申请|信息公开申请|依申请公开(?:的)?(?:申请|事项))"
)
_RECEIVED_NONE = re.compile(rf"{_OBJ}(?:数量|数|件数|总数)?(?:均|都)?(?:为|是)(?:零|0)件?(?![\d.])")
_LIST_ZERO = re.compile(
    r"(?P<items>(?:行政复议|行政诉讼|举报投诉|投诉举报)(?:(?:[、和及与]|以及)(?:行政复议|行政诉讼|举报投诉|投诉举报))*)"
    r"(?:案件)?(?:数量|数|件数)?(?:均|都)?(?:为|是)(?:零|0)(?:件|起)?(?![\d.])"
)
# "政府信息公开行政复议、行政诉讼情况：无"
_LIST_NONE = re.compile(
    r"(?P<items>(?:行政复议|行政诉讼)(?:(?:[、和及与]|以及)(?:行政复议|行政诉讼))*)"
    r"(?:案件)?(?:的)?(?:情况|情形)?[:：](?:均)?(?:无|没有|未发生)(?=$|[。;,])"
)
_ONE_CHANNEL = re.compile(r"网站|微博|微信|公报|客户端|新媒体|公众号|公开栏")
_CHANNELS = [
    ("apply.received.in_person", re.compile(rf"当面(?:申请|提交|提出|递交)?(?:的)?(?:申请)?{NUM}(?:件|宗)")),
    (
        "apply.received.online",
        re.compile(rf"(?:网上|网络|在线|互联网)(?:申请|提交|提出)?(?:的)?(?:申请)?{NUM}(?:件|宗)"),
    ),
    ("apply.received.fax", re.compile(rf"传真(?:申请|提交)?(?:的)?(?:申请)?{NUM}(?:件|宗)")),
    ("apply.received.letter", re.compile(rf"(?:信函|邮寄|来信)(?:申请|提交)?(?:的)?(?:申请)?{NUM}(?:件|宗)")),
]
_COUNTS = [
    ("review.total", re.compile(rf"行政复议(?:案件)?(?:共|总计|合计|数量|总数)?(?:为|是)?{NUM}(?:件|起|宗)")),
    (
        "litigation.total",
        re.compile(rf"行政诉讼(?:案件)?(?:共|总计|合计|数量|总数)?(?:为|是)?{NUM}(?:件|起|宗)"),
    ),
    (
        "complaints.total",
        re.compile(rf"(?:举报投诉|投诉举报)(?:案件)?(?:共|总计|合计|数量|总数)?(?:为|是)?{NUM}(?:件|起|宗)"),
    ),
]
_ACTIVE = re.compile(rf"主动公开(?:各类)?(?:政府)?信息(?:共|总计|合计|数量|总数)?(?:为|是)?{NUM}条")
_PROCESSING_FEE = re.compile(
    rf"(?:收取(?:了)?(?:政府信息公开)?(?:信息)?|信息)处理费(?:收取)?(?:共计|共|合计|总计|总额|金额)?(?:为|是)?[:：]?"
    rf"{NUM}(?P<u>万元|元)(?![/每])"
)
# "未收取信息处理费", "未发生政府信息公开收费事项", "无信息处理费", "信息处理费：未发生", "收取…0元" (above)
_PROCESSING_FEE_ZERO = re.compile(
    # "未向申请人收取…", "未按照《…办法》收取…": who or by which rule, never a clause break in between
    r"(?:(?:没有|未)(?:向[^,;。]{1,8}?|按照[^,;。]{1,30}?|依据[^,;。]{1,30}?)?|无|不)"
    r"(?:收取|产生|发生)(?:过)?(?:任何)?(?:政府信息公开|信息公开)?(?:的)?(?:信息)?"
    r"(?:处理费|收费事项|收费情况|收费行为)"
    r"|无(?:政府信息公开)?(?:信息)?处理费"
    r"|(?:收取)?(?:政府信息公开)?(?:信息)?处理费(?:收取|收费)?(?:情况)?[:：]?(?:均)?"
    r"(?:无|未发生|未收取|没有|为零|为0元|为0(?![\d.万元]))"
)
_FEES_ZERO = re.compile(r"(?:没有|未|无|不)收取(?:任何)?(?:费用|信息公开费用?)|无(?:任何)?收费")
_ZERO_STMT = re.compile(
    rf"{_NEG}(?:发生|出现|收到|接到|因|被|产生|涉及|有)"
    # "无政府信息公开行政复议和行政诉讼案件": no verb, the negation right before the kind of case
    r"|(?:无|没有)(?=(?:政府)?(?:信息公开)?(?:方面)?(?:的)?(?:行政复议|行政诉讼|投诉|举报))"
)
_ZERO_EXCLUDE = re.compile(r"纠错|纠正|败诉|撤销|确认违法|维持|\d")
_PLAIN_NONE = re.compile(
    r"^(?:\d{4}年度?|本年度?|全年|今年|报告期内)?,?(?:[^,。;]{0,12}?)?(?:均|都)?"
    r"(?:无|没有|未发生|未出现|未收到|未产生)(?:此类|相关|该类|上述|类似)?(?:情况|情形|案件|事项|申请)?[。.]?$"
)
_HEADING = re.compile(r"^[一二三四五六七八九十]{1,3}\s*[、.]")
_KEYWORDS = re.compile(r"申请|复议|诉讼|投诉|举报|主动公开|处理费|收费|费用")
_ABOUT_DISCLOSURE = re.compile(r"信息公开|依申请|申请公开|公开申请")


@dataclass(slots=True)
class _Text:
    """A paragraph with whitespace removed, remembering where each source line starts in it."""

    chars: str
    starts: list[int]  # offset in `chars` where each of `lines` begins
    lines: list[Line]

    def line_at(self, i: int) -> Line:
        return self.lines[max(0, bisect_right(self.starts, i) - 1)]


_TRAILING_NUMBERS = re.compile(r"(?:(?:^|\s)[+\-]?\d+(?:\.\d+)?){3,}\s*$")
_DIGIT_GAP = re.compile(r"(?<=\d)\s+(?=\d)")
_SPACES = re.compile(r"\s+")


def _is_table_row(text: str) -> bool:
    """Cells joined by tabs/pipes, or a PDF table row ending in a run of 3+ bare numbers."""
    if "\t" in text or "|" in text:
        return True
    return text[-1:].isdigit() and len(text) < 2000 and bool(_TRAILING_NUMBERS.search(text))


def _compact(t: str) -> str:
    """Whitespace removed, except one separator between two digits ("3001 53" must not read 300153)."""
    if " " not in t and "\t" not in t and "\u3000" not in t:
        return t
    return _SPACES.sub("", _DIGIT_GAP.sub("\x00", t)).replace("\x00", " ")


def _paragraphs(lines: Iterable[Line]) -> list[_Text]:
    """Consecutive prose lines joined (PDF text wraps sentences across lines)."""
    out: list[_Text] = []
    parts: list[str] = []
    starts: list[int] = []
    owners: list[Line] = []
    size = 0

    def flush() -> None:
        nonlocal size
        if parts:
            out.append(_Text("".join(parts), list(starts), list(owners)))
        parts.clear()
        starts.clear()
        owners.clear()
        size = 0

    for ln in lines:
        t = ln.text
        if not t or _is_table_row(t):
            flush()
            continue
        if len(t) <= 16 and (is_page_footer(ln.raw) or is_page_footer(t)):
            continue
        c = _compact(t)
        if not c:
            continue
        parts.append(c)
        starts.append(size)
        owners.append(ln)
        size += len(c)
    flush()
    return out


_SENTENCE = re.compile(r"[^。!?;]+[。!?;]?|[。!?;]")


def _sentences(p: _Text, cut: int | None = None) -> list[tuple[int, str]]:
    """(offset, sentence) pairs; a sentence ends at 。!?; (full-width forms are NFKC'd already).

    `cut`: where the body starts after a heading line; the heading is a sentence of its own (else
    "四、政府信息依申请公开情况" would make "办理行政复议案件35件" below it read as about disclosure)."""
    out: list[tuple[int, str]] = []
    for m in _SENTENCE.finditer(p.chars):
        if cut and m.start() < cut < m.end():
            out += [(m.start(), p.chars[m.start() : cut]), (cut, p.chars[cut : m.end()])]
        else:
            out.append((m.start(), m.group(0)))
    return out


def to_number(tok: str) -> Number | None:
    """'20' → 20; '二十' / '两' → 20 / 2 (via cn2an); '三点五' → Decimal('3.5'); anything else → None.

    Exact: cn2an reads only whole numbers here (it answers a float for 点 forms, so the fraction digits
    after 点 are read one by one instead)."""
    v = parse_number(tok)
    if v is not None:
        return v
    whole, dot, frac = tok.partition("点")
    n = _cn_int(whole)
    if n is None or not dot:
        return n
    digits = [_cn_int(c) for c in frac]
    if not digits or any(d is None or not 0 <= d <= 9 for d in digits):
        return None
    return exact.parse(f"{n}.{''.join(str(d) for d in digits)}")


def _cn_int(tok: str) -> int | None:
    """A whole number in Chinese numerals ('二十', '两', '一百零五'), or None."""
    for mode in ("strict", "smart"):
        try:
            n = cn2an.cn2an(tok, mode)
        except (ValueError, KeyError, TypeError):
            continue
        return n if isinstance(n, int) else None
    return None


def _number(m: re.Match[str], sentence: str) -> Number | None:
    tail = sentence[m.end("n") :]
    unit_and_after = tail[1:] if tail else ""
    if _APPROX_AFTER.match(tail) or _APPROX_AFTER.match(unit_and_after):
        return None
    before = sentence[: m.start("n")]
    if _APPROX_BEFORE.search(before):
        return None
    tok = m.group("n")
    if not tok[0].isdigit() and before[-1:] in ("数", "几", "若", "多", "上", "百"):
        return None  # "数十件", "几件", "上百件": not a count
    return to_number(tok)


_YEAR_MENTION = re.compile(r"((?:19|20)\d{2})\s*年")
_SENTENCE_END = re.compile(r"[。!?;]")


def _other_year(chars: str, pos: int, year: int | None) -> bool:
    """True when the last year named before `pos` in its sentence is not the report's year."""
    if year is None:
        return False
    start = max((m.end() for m in _SENTENCE_END.finditer(chars, 0, pos)), default=0)
    years = _YEAR_MENTION.findall(chars, start, pos)
    return bool(years) and int(years[-1]) != year


def _review_heading(section: str) -> bool:
    """A heading about review/litigation over disclosure: its sentences need not repeat 信息公开."""
    return bool(section and _ABOUT_DISCLOSURE.search(section) and re.search(r"复议|诉讼", section))


def _heading_keys(heading: str) -> list[str]:
    """Which totals a plain "无。" under this heading sets to 0 (only disclosure headings count)."""
    if not _ABOUT_DISCLOSURE.search(heading):
        return []
    keys = []
    if "复议" in heading:
        keys.append("review.total")
    if "诉讼" in heading:
        keys.append("litigation.total")
    if "投诉" in heading or "举报" in heading:
        keys.append("complaints.total")
    if not keys and "依申请公开" in heading and not re.search(r"收费|费用|减免", heading):
        keys.append("apply.received.total")
    return keys


def _allowed(template: str) -> set[str]:
    base = _KEYS_2008 if template in ("2008", "narrative") else _KEYS_MODERN
    fam = "2008" if template in ("2008", "narrative") else template
    return {
        k
        for k in base
        if k == "litigation.total" or (definition(k, fam) and fam in definition(k, fam).templates)
    }


def parse_prose(lines: list[Line], template: str, year: int | None = None) -> list[ParsedValue]:
    """Values stated in running text, origin "prose"; each keeps the line its number is on."""
    return parse_prose_ex(lines, template, year)[0]


def parse_prose_ex(
    lines: list[Line], template: str, year: int | None = None
) -> tuple[list[ParsedValue], list[list[ParsedValue]]]:
    """(values, conflicts): a key stated with different numbers is left out and returned as a conflict.

    With the report's `year`, a figure whose sentence names another year right before it ("2022年收取
    信息处理费100元，2023年未收取") is about that year and is not taken."""
    allowed = _allowed(template)
    fam = "2008" if template in ("2008", "narrative") else template
    found: dict[str, list[ParsedValue]] = {}

    section = ""

    def add(key: str, value: Number, p: _Text, pos: int, phrase: str, unit: str = "") -> None:
        if key not in allowed or _other_year(p.chars, pos, year):
            return
        ln = p.line_at(pos)
        found.setdefault(key, []).append(
            ParsedValue(
                key=key,
                value=value,
                unit=unit or unit_of(key, fam) or unit_of(key),
                line_no=ln.no,
                line_text=ln.raw.strip(),
                origin="prose",
                section=section,
                row_label=phrase,
                column_label="",
            )
        )

    pending_heading = ""  # a heading whose body has not been read yet
    for p in _paragraphs(lines):
        head = p.lines[0].text
        body_at: int | None = 0
        if _HEADING.match(head) and len(head) <= 40:
            section = pending_heading = head  # "四、政府信息依申请公开情况": where the figure was stated
            body_at = p.starts[1] if len(p.lines) > 1 else None
        if pending_heading and body_at is not None:
            # "五、因政府信息公开申请行政复议、提起行政诉讼的情况" followed by just "无。"
            first = _SENTENCE.match(p.chars, body_at)
            if first and _PLAIN_NONE.match(first.group(0)):
                for key in _heading_keys(pending_heading):
                    add(key, 0.0, p, body_at, f"{pending_heading}：{first.group(0)}")
            pending_heading = ""
        for off, s in _sentences(p, body_at):
            if not _KEYWORDS.search(s):
                continue
            about = bool(_ABOUT_DISCLOSURE.search(s)) or _review_heading(section)
            # received: "共收到依申请公开20件，其中当面申请18件，网上申请2件"
            for m in _RECEIVED.finditer(s):
                if re.search(r"结转|上年|去年|因", m.group("gap")) or _other_year(p.chars, off + m.start("n"), year):
                    continue
                v = _number(m, s)
                if v is None or re.match(
                    r"[(,]?(?:含|包括|其中)[^,;。]{0,6}(?:结转|上年|去年)", s[m.end() : m.end() + 14]
                ):
                    continue  # "共受理申请 40 件（含上年结转 3 件）" is not the 本年新收 count
                rest = s[m.end() :]
                if _OWN_SCOPE_COUNT.search(rest):
                    break  # two scopes' counts in one sentence: which is this body's is not ours to guess
                add("apply.received.total", v, p, off + m.start("n"), m.group(0))
                if rest.lstrip(",(:").startswith("其中"):
                    for key, rx in _CHANNELS:
                        for cm in rx.finditer(rest):
                            cv = _number(cm, rest)
                            if cv is not None:
                                add(key, cv, p, off + m.end() + cm.start("n"), cm.group(0))
                break
            for m in (*_RECEIVED_ZERO.finditer(s), *_RECEIVED_ABSENT.finditer(s)):
                if re.search(r"因|结转|上年|去年", m.group("gap")):
                    continue
                clause_rest = _CLAUSE_SPLIT.split(s[m.end() :], maxsplit=1)[0]
                if re.search(r"复议|诉讼|投诉|举报|费", clause_rest):
                    continue
                add("apply.received.total", 0.0, p, off + m.start(), m.group(0))
                break
            for m in _ACTIVE.finditer(s):
                v = _number(m, s)
                before = s[max(0, m.start() - 20) : m.start()]
                if _ONE_CHANNEL.search(before) and "等" not in before:
                    break  # "通过政府网站主动公开…" counts one channel, not 主动公开政府信息数
                if v is not None:
                    add("active.total", v, p, off + m.start("n"), m.group(0))
                break
            # 2021: "全年收取政府信息公开信息处理费 3940 元" / "未收取信息处理费"
            for m in _PROCESSING_FEE.finditer(s):
                v = _number(m, s)
                if v is not None:
                    add("apply.processing_fee", v, p, off + m.start("n"), m.group(0), unit=m.group("u"))
                break
            for m in _PROCESSING_FEE_ZERO.finditer(s):
                add("apply.processing_fee", 0.0, p, off + m.start(), m.group(0))
                break
            for m in _RECEIVED_NONE.finditer(s):
                if re.search(r"结转|上年|去年|下年", s[max(0, m.start() - 6) : m.start()]):
                    continue
                add("apply.received.total", 0.0, p, off + m.start(), m.group(0))
                break
            if not about:
                continue
            # "行政复议、行政诉讼均为0件"
            for m in (*_LIST_ZERO.finditer(s), *_LIST_NONE.finditer(s)):
                items = m.group("items")
                at = off + m.start()
                if "行政复议" in items:
                    add("review.total", 0.0, p, at, m.group(0))
                if "行政诉讼" in items:
                    add("litigation.total", 0.0, p, at, m.group(0))
                if "投诉" in items or "举报" in items:
                    add("complaints.total", 0.0, p, at, m.group(0))
            # 2008: "提供政府信息未收取任何费用" / "无收费及减免情况"; 2021: the 信息处理费 is the only fee
            for m in _FEES_ZERO.finditer(s):
                add("apply.fees" if fam == "2008" else "apply.processing_fee", 0.0, p, off + m.start(), m.group(0))
                break
            # "没有发生因信息公开申请行政复议、提起行政诉讼、收到投诉举报情况"
            pos = 0
            for clause in _CLAUSE_SPLIT.split(s):
                cstart = s.find(clause, pos)
                pos = cstart + len(clause)
                zm = _ZERO_STMT.search(clause)
                if not zm:
                    continue
                tail = clause[zm.start() :]
                if _ZERO_EXCLUDE.search(tail):
                    continue
                at = off + cstart + zm.start()
                if "行政复议" in tail:
                    add("review.total", 0.0, p, at, tail)
                if "诉讼" in tail:
                    add("litigation.total", 0.0, p, at, tail)
                if "投诉" in tail or "举报" in tail:
                    add("complaints.total", 0.0, p, at, tail)
            for key, rx in _COUNTS:
                for m in rx.finditer(s):
                    if _ABOUT_DISCLOSURE.search(s) and not _ABOUT_DISCLOSURE.search(s[: m.start()]):
                        break  # "办理行政复议案件35件，其中涉及政府信息公开的2件": the 35 is not ours
                    v = _number(m, s)
                    if v is not None:
                        add(key, v, p, off + m.start("n"), m.group(0))
                    break

    out: list[ParsedValue] = []
    conflicts: list[list[ParsedValue]] = []
    for _key, vals in found.items():
        if len({v.value for v in vals}) == 1:
            out.append(vals[0])  # stated once, or repeated with the same number
        else:
            conflicts.append(vals)  # different numbers (e.g. this year and last year): do not guess
    out.sort(key=lambda v: v.line_no)
    return out, conflicts
