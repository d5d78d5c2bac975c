"""Reading a question: normalisation, years, top N and intent words.

Why separate from the engine: this part needs no store, must never raise on arbitrary text (a chat
user can type anything), and is the piece most worth testing exhaustively. Agencies and indicators are
recognised later against the store and the catalogue; here we only strip what is not them.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import cn2an

from reports.shortnames import protected_spans
from reports.text import to_simplified

MAX_CHARS = 4096
MIN_YEAR, MAX_YEAR = 1990, 2100
MAX_RANGE = 40

# Chinese numerals: cn2an reads them; these are the characters it reads, and the zeros people type
_CN_NUM = "〇零一二两三四五六七八九十百千"
_ZERO_FORMS = str.maketrans({"○": "〇"})  # a circle typed for 〇 (cn2an reads only 〇/零)


# punctuation → one space (separators between agencies); keep - ~ for ranges and . for decimals
_PUNCT = re.compile(r"[\s,，、;；:：!！?？。\"'“”‘’()（）\[\]【】{}<>《》〈〉|/\\·•*#@$%^&_=+`…]+")
_SPACES = re.compile(r"\s+")
_COMMAND = re.compile(r"^\s*/[a-z_]+(?:@\w+)?|@[a-z]\w{2,}", re.IGNORECASE)


def normalize(text: str) -> str:
    """NFKC (full-width → ASCII), traditional → simplified, lower case, punctuation → single spaces."""
    if not isinstance(text, str):
        text = str(text or "")
    text = text[:MAX_CHARS]
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if ch.isprintable() or ch.isspace())
    text = _COMMAND.sub(" ", text)  # "/ask@bot …", "@bot …": addressing, not content
    text = to_simplified(text).lower()
    text = text.replace("—", "-").replace("–", "-").replace("－", "-").replace("～", "~").replace("〜", "~")
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def cn_number(s: str) -> int | None:
    """'三' → 3, '十' → 10, '十五' → 15, '二十' → 20, '12' → 12, '二〇二三' → 2023 (cn2an); None if not a number."""
    s = s.strip()
    if not s:
        return None
    if s.isdigit():
        try:
            return int(s)
        except ValueError:
            return None
    s = s.translate(_ZERO_FORMS)
    if any(ch not in _CN_NUM for ch in s):
        return None
    try:
        value = cn2an.cn2an(s, "normal")
    except (ValueError, KeyError, IndexError):  # "百", "千千": not a number
        return None
    return int(value) if float(value).is_integer() and value >= 0 else None


def _cn_years(text: str) -> str:
    """Chinese years as digits, with or without 年: 二〇二三, 二零二三年度, 两千零二十三年 → 2023."""

    def digits(m: re.Match[str]) -> str:
        year = cn_number(m.group(1))
        return str(year) if year is not None and MIN_YEAR <= year <= MAX_YEAR else m.group(0)

    def two(m: re.Match[str]) -> str:
        return "".join(str("〇一二三四五六七八九".index(c)) for c in m.group(1).translate(_CN_DIGIT_ZEROS))

    return _CN_YEAR2.sub(two, _CN_YEAR_SPELLED.sub(digits, _CN_YEAR.sub(digits, text)))


# "二三年到二四年": two numeral characters and 年 are a two-digit year (not 十二年: 十 is not a digit)
_CN_YEAR2 = re.compile(r"(?<![〇○零一二两三四五六七八九十百千])([〇○零一二三四五六七八九]{2})(?=年)")
_CN_DIGIT_ZEROS = str.maketrans({"○": "〇", "零": "〇"})


# ------------------------------------------------------------------------------------------ years
_CN_YEAR = re.compile(
    r"(?<![〇○零一二两三四五六七八九十百千])([〇○零一二三四五六七八九]{4})(?![〇○零一二两三四五六七八九十百千])"
)
_CN_YEAR_SPELLED = re.compile(r"([一二两]千(?:零?[一二三四五六七八九十]{1,3})?)(?=\s*年)")
_RECENT = re.compile(
    r"(?:最近|近|过去|前)\s*(\d{1,2}|[一二两三四五六七八九十]{1,3})\s*(?:个)?\s*(?:年度|年)(?!度?\s*\d)"
)
_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)?\s*(?:-|~|到|至|－|—)\s*((?:19|20)\d{2}|\d{2})(?!\d)\s*(?:年度|年)?"
)
# "22-24年", "19到21年度": a range of two-digit years, the second one followed by 年 (else 12-15 is no year)
_RANGE2 = re.compile(r"(?<![\d.])(\d{2})\s*(?:年度|年)?\s*(?:-|~|到|至)\s*(\d{2})\s*(?:年度|年)(?!代)")
# "哪个区最多", "各区县": the places one level below the place asked, not the bodies at the place itself
_SUB_LEVEL = re.compile(
    r"(?:哪个|哪些|哪一个|各个?|每个|所有|下属|下辖|最多的|最少的|最高的|最低的)(区县|县区|县市区|区|县|乡镇|街道)(?![a-z\u4e00-\u9fff])"
    r"|(?:哪个|哪些|哪一个|各个?|每个|所有|下属|下辖)(区县|县区|县市区|区|县|乡镇|街道)|(?<![全本])(区县|县区)"
)
# a part of a year (上半年, 第一季度, 12月, 每月): annual reports hold only whole-year figures
_SUB_YEAR = re.compile(
    r"[上下]半年|[一二三四1-4]\s*季度|季度|(?<!\d)(?:[1-9]|1[0-2])\s*月份?(?!\s*(?:底|末)?\s*前|\s*\d{1,2}\s*[日号])|"
    r"[一二三四五六七八九十]{1,2}月份?(?!\s*\d{1,2}\s*[日号])|每个?月|月度|月均|上旬|中旬|下旬"
)
_SINCE = re.compile(r"(?:自|从)?\s*(?<!\d)((?:19|20)\d{2})\s*(?:年度|年)?\s*(?:以来|至今|以后|之后|起)")
_YEAR4 = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)\s*(?:年度|年)?")
_YEAR2 = re.compile(r"(?<![\d.])(\d{2})\s*(?:年度|年)(?!代)")
_RELATIVE = (
    ("大前年", -3),
    ("前年", -2),
    ("去年", -1),
    ("上一年度", -1),
    ("上年度", -1),
    ("今年", 0),
    ("本年度", 0),
)
_ALL_YEARS = re.compile(r"历年|各年度?|每一?年|逐年|所有年份?|全部年份?|历史")

# ------------------------------------------------------------------------------------------ top N / intents
_TOPN = re.compile(
    r"(?:前|top\s*|最多的|最少的|最高的|最低的|倒数第?)\s*(\d{1,3}|[一二两三四五六七八九十]{1,3})\s*"
    r"(?:名|个|位|家|强)?(?!\s*年)"
)
_RANK = re.compile(
    r"排名|排行|排序|名次|各单位|所有单位|每个单位|各个单位|最多|最少|最高|最低|最大|最小|前\s*\d+|前[一二两三四五六七八九十]+[名个位家强]|"
    r"top|哪个单位|哪家|哪些单位.*最|谁最|倒数|末位|垫底|领先"
)
_POSITION = re.compile(r"(?:排名|排行|排|名列|位列|位居|列)?\s*(?:在|于)?\s*(?:倒数)?\s*第几(?:名|位)?|什么名次|啥名次|排(?:在|名)?前几(?:名|位)?")  # one body's place
_AVERAGE = re.compile(r"平均每(?:个|家|一个)?(?:单位|机关|部门)?|(?:每个|各)?单位平均|平均值|平均数|均值|平均")
_ASC = re.compile(r"最少|最低|最小|倒数|末位|垫底|升序|从少到多|从低到高")
_TOTAL_STRONG = re.compile(
    r"合计|总和|之和|加总|汇总|一共|共计|加起来|总共|全市|全区|全县|全省|全自治区|所有单位合计|"
    r"辖区|范围内|下属|全部单位|所有机关"
)
_TOTAL_WEAK = re.compile(r"总数|总计|总量|总额")
_COMPARE = re.compile(
    r"对比|比较|相比|比一比|比一下|vs|pk|哪个多|哪个高|谁多|谁高|差多少|差距|(?:跟|和|与|同).{1,24}?比(?![例率重])"
)
_TREND = re.compile(r"趋势|变化|走势|增长|变动|历年|逐年|各年|每年|涨|跌|升降")
_AVAIL_YEARS = re.compile(r"哪些年份?|哪几年|哪一年|几个年份|几年的|有几年|年份|什么年份|哪年")
_AVAIL_AGENCIES = re.compile(
    r"(?:有|都有|收录了?|包括|包含|支持)(?:哪些|什么|几个|多少)(?:单位|机关|部门|政府|机构|报告)|"
    r"单位列表|机关列表|(?:哪些|什么)(?:单位|机关|部门|机构)(?:有|的)?(?:报告|数据)|"
    r"都有谁|有哪些|有什么报告|有没有.*报告"
)
_GLOSSARY = re.compile(
    r"什么意思|啥意思|是什么|什么是|是啥|指什么|指的是|含义|定义|解释一下|解释|怎么算|如何计算|怎么计算|"
    r"口径|怎么理解|何谓|什么叫|啥叫|意思"
)
_HELP = re.compile(
    r"^(?:/?help|/start|帮助|使用帮助|怎么用|如何使用|使用说明|说明|你好|您好|hi|hello|菜单|"
    r"你能做什么|能问什么|可以问什么|能干什么|你是谁|\?|？)$"
)
_FOLLOWUP_HEAD = re.compile(r"^(?:那么?|那个|还有|再看看?|再查|换成|改成|如果是|要是|那如果|然后)")
_FOLLOWUP_TAIL = re.compile(r"(?:呢|的呢|怎么样|如何|咋样)$")

# words that carry no information; removed from the text that must name an agency or indicator
FILLERS: tuple[str, ...] = tuple(
    dict.fromkeys(
        ln.strip()
        for ln in (Path(__file__).resolve().parent / "data" / "fillers.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if ln.strip() and not ln.startswith("#")
    )
)
_FILLER_RE = re.compile("|".join(re.escape(w) for w in sorted(FILLERS, key=len, reverse=True)))
BODY_SUFFIXES: tuple[str, ...] = tuple(
    ln.strip()
    for ln in (Path(__file__).resolve().parent / "data" / "body_suffixes.txt").read_text(encoding="utf-8").splitlines()
    if ln.strip() and not ln.startswith("#")
)


@lru_cache(maxsize=1)
def _suffix_sounds() -> frozenset[str]:
    """Readings of the one-character body endings (局 → ju): 统计据 is 统计局 mistyped."""
    from pypinyin import lazy_pinyin

    return frozenset(lazy_pinyin(s)[0] for s in BODY_SUFFIXES if len(s) == 1)


def _ends_body(text: str, at: int) -> int:
    """Length of a body ending (or a homophone of a one-character one) at text[at], else 0."""
    for suf in sorted(BODY_SUFFIXES, key=len, reverse=True):
        if text.startswith(suf, at):
            return len(suf)
    ch = text[at : at + 1]
    if ch and "\u4e00" <= ch <= "\u9fff" and not _FILLER_RE.match(ch):
        from pypinyin import lazy_pinyin

        return 1 if lazy_pinyin(ch)[0] in _suffix_sounds() else 0
    return 0


def name_filler_spans(text: str) -> list[tuple[int, int]]:
    """Filler words that are part of a body's name: followed by a body ending (数据局, 数据中心, 统计据)."""
    out = []
    for m in _FILLER_RE.finditer(text):
        k = _ends_body(text, m.end()) if len(m.group(0)) >= 2 else 0
        if k:
            out.append((m.start(), m.end() + k))
    return out


@dataclass
class ParsedQuestion:
    """What the question says about time, ordering and intent; `rest` still holds names and indicators."""

    raw: str
    text: str  # normalised
    rest: str  # text with the year/top-N expressions cut out (spaces where they were)
    years: list[int] = field(default_factory=list)  # explicit years (ranges expanded), ascending
    year_range: tuple[int, int] | None = None
    recent_n: int | None = None  # 近N年: N years ending at the latest stored year
    since_year: int | None = None  # 2017年以来: from this year to the latest stored one
    all_years: bool = False  # 历年
    relative: bool = False  # a year came from 今年/去年/前年
    top_n: int | None = None
    ascending: bool = False
    rank: bool = False
    total_strong: bool = False
    total_weak: bool = False
    compare: bool = False
    trend: bool = False
    avail_years: bool = False
    avail_agencies: bool = False
    glossary: bool = False
    help: bool = False
    followup: bool = False
    sub_year: str = ""  # 上半年 / 第一季度 / 12月: a part of a year, which no annual report holds
    average: bool = False  # "平均每个单位": a place's total over the bodies with a figure, divided by them
    position: bool = False  # "西夏区 依申请数排第几": one body's place in its scope's ranking
    sub_level: str = ""  # "区县" in "哪个区县最多": rank/sum the places below the one asked

    @property
    def has_time(self) -> bool:
        return bool(self.years or self.recent_n or self.since_year or self.all_years)


@lru_cache(maxsize=1)
def _english_places() -> re.Pattern[str] | None:
    """'<pinyin> district' → '<pinyin>qu' (query/data/english_places.csv), longest English first."""
    path = Path(__file__).resolve().parent / "data" / "english_places.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(ln for ln in fh if ln.strip() and not ln.startswith("#")))
    global _ENGLISH_PLACE_WORDS
    _ENGLISH_PLACE_WORDS = {r["english"].replace("'", " ").lower(): r["pinyin"] for r in rows}
    words = sorted(_ENGLISH_PLACE_WORDS, key=len, reverse=True)
    return re.compile(r"\b([a-z]{2,30}) (" + "|".join(re.escape(w) for w in words) + r")\b")


_ENGLISH_PLACE_WORDS: dict[str, str] = {}


def english_places(text: str) -> str:
    """Pinyin names followed by an English kind of place read as one pinyin name ('xixia district' →
    'xixiaqu'), so the agency index's pinyin look-up finds them. Text without Latin letters is unchanged."""
    if not re.search(r"[a-z]{2}", text):
        return text
    pattern = _english_places()
    return pattern.sub(lambda m: m.group(1) + _ENGLISH_PLACE_WORDS[m.group(2)], text) if pattern else text


def _two_digit_year(yy: int, today: date) -> int:
    year = 2000 + yy
    return year if year <= today.year + 1 else 1900 + yy


def _blank(text: str, start: int, end: int) -> str:
    return text[:start] + " " * (end - start) + text[end:]


def parse_question(question: str, today: date | None = None) -> ParsedQuestion:
    """Read years, top N and intent words out of `question`. Never raises."""
    try:
        return _parse(question, today or date.today())
    except Exception:  # noqa: BLE001 - a reader bug must degrade to "no structure", not a crash
        text = normalize(question) if isinstance(question, str) else ""
        return ParsedQuestion(raw=str(question)[:MAX_CHARS], text=text, rest=text)


def _ranges(pq: ParsedQuestion, work: str, years: set[int], today: date) -> str:
    """近N年 and year ranges (2017-2020, 2017-20, 22-24年) read into `pq`/`years`, cut out of `work`."""
    for m in list(_RECENT.finditer(work)):
        n = cn_number(m.group(1))
        if n and 1 <= n <= MAX_RANGE:
            pq.recent_n = n
            work = _blank(work, m.start(), m.end())
    for m in list(_RANGE.finditer(work)):
        a = int(m.group(1))
        b_raw = m.group(2)
        b = int(b_raw) if len(b_raw) == 4 else (a // 100) * 100 + int(b_raw)
        if a > b:
            a, b = b, a
        if MIN_YEAR <= a and b <= MAX_YEAR and b - a <= MAX_RANGE:
            years.update(range(a, b + 1))
            pq.year_range = (a, b)
            work = _blank(work, m.start(), m.end())
    for m in list(_RANGE2.finditer(work)):
        a, b = sorted(_two_digit_year(int(m.group(i)), today) for i in (1, 2))
        if MIN_YEAR <= a and b <= MAX_YEAR and b - a <= MAX_RANGE:
            years.update(range(a, b + 1))
            pq.year_range = (a, b)
            work = _blank(work, m.start(), m.end())
    return work


def _parse(question: str, today: date) -> ParsedQuestion:
    raw = question if isinstance(question, str) else str(question or "")
    text = normalize(raw)
    pq = ParsedQuestion(raw=raw[:MAX_CHARS], text=text, rest=text)
    work = english_places(_cn_years(text))
    years: set[int] = set()

    work = _ranges(pq, work, years, today)
    for m in list(_SINCE.finditer(work)):
        pq.since_year = int(m.group(1))
        work = _blank(work, m.start(), m.end())
    for m in list(_YEAR4.finditer(work)):
        y = int(m.group(1))
        if MIN_YEAR <= y <= MAX_YEAR:
            years.add(y)
            work = _blank(work, m.start(), m.end())
    for m in list(_YEAR2.finditer(work)):
        y = _two_digit_year(int(m.group(1)), today)
        if MIN_YEAR <= y <= MAX_YEAR:
            years.add(y)
            work = _blank(work, m.start(), m.end())
    for word, delta in _RELATIVE:
        idx = work.find(word)
        while idx >= 0:
            if not (word == "上年度" and work[idx + 3 : idx + 5] == "结转"):
                years.add(today.year + delta)
                pq.relative = True
                work = _blank(work, idx, idx + len(word))
            idx = work.find(word, idx + len(word))
    sub = _SUB_YEAR.search(work)
    if sub:
        pq.sub_year = sub.group(0).replace(" ", "")
    if _ALL_YEARS.search(work):
        pq.all_years = True
    pq.years = sorted(years)

    level = _SUB_LEVEL.search(work)
    if level:
        pq.sub_level = next(g for g in level.groups() if g)
        work = _blank(work, level.start(), level.end())
    bottom = False
    m = _TOPN.search(work)
    if m:
        n = cn_number(m.group(1))
        if n and 0 < n <= 1000:
            pq.top_n = n
            pq.rank = True
            bottom = m.group(0).startswith("倒数")
            work = _blank(work, m.start(), m.end())
    avg = _AVERAGE.search(work)
    if avg and not _SUB_YEAR.search(work):  # "平均每月" asks for a part of a year: left to sub_year
        pq.average = True
        work = _blank(work, avg.start(), avg.end())
    pos = _POSITION.search(work)
    if pos:
        pq.position = pq.rank = True
        bottom = bottom or "倒数" in pos.group(0)
        work = _blank(work, pos.start(), pos.end())
    flat = work.replace(" ", "")
    pq.rank = pq.rank or bool(_RANK.search(flat)) or bool(pq.sub_level)
    pq.ascending = bool(_ASC.search(flat)) or bottom
    pq.total_strong = bool(_TOTAL_STRONG.search(flat)) or pq.average  # an average is over a place's bodies
    pq.total_weak = bool(_TOTAL_WEAK.search(flat))
    pq.compare = bool(_COMPARE.search(flat))
    pq.trend = bool(_TREND.search(flat))
    pq.avail_years = bool(_AVAIL_YEARS.search(flat))
    pq.avail_agencies = bool(_AVAIL_AGENCIES.search(flat)) and not (
        pq.avail_years and not re.search(r"单位|机关|部门|机构", flat)
    )
    pq.glossary = bool(_GLOSSARY.search(flat))
    pq.help = bool(_HELP.match(text)) or not text
    pq.followup = bool(_FOLLOWUP_HEAD.match(text) or _FOLLOWUP_TAIL.search(text))
    pq.rest = _SPACES.sub(" ", work).strip()
    return pq


def strip_fillers(text: str) -> str:
    """Text without filler words, digits or spaces: what is left must be a name or an indicator.

    Place names and body words (上海市, 平潭, 地税局, 科委) are kept whole even where one of their characters
    is a filler on its own, so an unknown body is reported as written ("上海市科委", not "海市科委")."""
    out: list[str] = []
    pos = 0
    long_fillers = [(m.start(), m.end()) for m in _FILLER_RE.finditer(text) if m.end() - m.start() >= 4]
    spans = [  # a name piece inside a long filler ("政府" in 政府信息公开工作年度报告) is the filler's
        (a, b) for a, b in protected_spans(text) if not any(fa <= a and b <= fb for fa, fb in long_fillers)
    ]
    named = [(a, b) for a, b in name_filler_spans(text) if not any(sa < b and a < sb for sa, sb in spans)]
    spans = sorted(spans + named)
    for start, end in spans:
        out.append(_FILLER_RE.sub(" ", text[pos:start]))
        out.append(text[start:end])
        pos = end
    out.append(_FILLER_RE.sub(" ", text[pos:]))
    text = "".join(out)
    text = re.sub(r"\d+", " ", text)
    return _SPACES.sub(" ", text).strip()
