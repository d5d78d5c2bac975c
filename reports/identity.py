"""Who published a report and for which year, read from its title and opening lines.

Why: every stored value hangs off (agency, year); a wrong agency silently merges two bodies' numbers.
So the title is trusted first, then the opening lines ("本报告由…编制", "发布机构："), then the file
name; a bare place in the title means that place's people's government; a shorter printed name is
expanded only when the document itself prints the longer one (洪泽区人民政府 → 淮安市洪泽区人民政府).
When nothing says who or when, we refuse ("no_agency"/"no_year") instead of guessing.
"""

from __future__ import annotations

import re
from pathlib import PurePath

from reports.central import central_body
from reports.identity_place import complete_place, placeless, short_aliases
from reports.model import ReportError, ReportIdentity
from reports.regions import (
    GAZETTEER,
    LEVEL_CITY,
    LEVEL_COUNTY,
    PROVINCES,
    _place_spans,
    agency_kind,
    government_of,
    is_place_only,
    plausible_stem,
    region_path,
    short_forms,
)
from reports.text import Line, is_page_footer, nfkc

HEAD_LINES = 80  # non-empty lines searched for the title (web pages carry navigation first)
_CN_DIGITS = "〇零○Ｏ一二三四五六七八九"
_CN_VALUE = {"〇": 0, "零": 0, "○": 0, "Ｏ": 0, "O": 0}
_CN_VALUE.update({c: i + 1 for i, c in enumerate("一二三四五六七八九")})
_YEAR = r"(?P<year>(?:19|20)\d{2}|[〇零○Ｏ一二三四五六七八九]{4})"
_REPORT = r"(?:政府信息公开|政务公开|信息公开)(?:工作)?(?:年度)?(?:报告|年报)"
_TITLE = re.compile(_YEAR + r"\s*年\s*度?\s*(?P<mid>.{0,40}?)" + _REPORT)
_TITLE_NOYEAR = re.compile(r"(?P<pre>.*?)" + _REPORT)
_YEAR_ONLY = re.compile(r"^[（(]?\s*" + _YEAR + r"\s*年\s*度?\s*[)）]?$")
_PERIOD = re.compile(r"(?:统计期限|统计时间|统计期)[^0-9]{0,12}" + _YEAR + r"\s*年\s*1\s*月\s*1\s*日")
_PUBLISHER = re.compile(
    r"(?:发布机构|发文机关|发布单位|公开主体|信息来源|来源)\s*[:：]\s*(?P<name>[\u4e00-\u9fff（）()]{3,40})"
)
_COMPILED_BY = re.compile(
    r"本报告(?:是)?由(?P<name>[\u4e00-\u9fff]{3,30}?)(?:办公室|办公厅|政务公开办公室|综合科)?(?:根据|依据|按照|汇总|编制|负责)"
)
# labels a web page prints after the publisher on the same line ("来源：XX局 发布时间：…")
_PAGE_LABEL = re.compile(
    r"发布|发文|成文|生成|浏览|点击|阅读|访问|作者|字号|字体|日期|时间|编辑|责任|打印|关闭|分享|索引|文号|主题|分类"
)
_FILE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_AGENCY_END = re.compile(
    r"(人民政府|政府|委员会|管委会|局|委|办公室|办公厅|办|中心|厅|署|总队|支队|大队|站|所|部|院|馆|处|街道办事处|街道|镇|乡|区|县|市|旗|州|盟)$"
)
_STRIP = re.compile(r"^[\s《〈“\"'「『【\[(（]*(?:关于)?|[\s》〉”\"'」』】\])）:：,，。、]*$")
_SPACES = re.compile(r"[\s\u3000]+")


def _year_value(tok: str) -> int | None:
    if tok.isdigit():
        return int(tok)
    try:
        import cn2an

        value = int(cn2an.cn2an(tok, "smart"))
    except Exception:  # cn2an raises ValueError for odd strings; fall back to digit-by-digit
        try:
            value = int("".join(str(_CN_VALUE[c]) for c in tok))
        except KeyError:
            return None
    return value


def _plausible(year: int | None) -> bool:
    return year is not None and 2000 <= year <= 2100


def _clean_name(s: str) -> str:
    s = _SPACES.sub("", nfkc(s))
    s = s.replace("(", "（").replace(")", "）")
    prev = None
    while prev != s:
        prev = s
        s = _STRIP.sub("", s)
    return s


def looks_like_agency(name: str) -> bool:
    """A plausible body name: 3–40 CJK chars ending in an agency or place word, or a known place."""
    if not (2 <= len(name) <= 40) or not re.fullmatch(r"[\u4e00-\u9fff（）]+", name):
        return False
    return bool(_AGENCY_END.search(name)) or bool(_place_spans(name)) or central_body(name) is not None


def _head(lines: list[Line], n: int) -> list[Line]:
    out: list[Line] = []
    for ln in lines:
        if not ln.text or is_page_footer(ln.text):
            continue
        out.append(ln)
        if len(out) >= n:
            break
    return out


def _agency_from_prefix(prefix: str) -> str | None:
    """The body named right before the year: drop quotes, '关于(印发)', and any sentence before it."""
    s = _SPACES.sub("", prefix)
    whole = _clean_name(s)
    if whole and looks_like_agency(whole) and "关于" not in whole:
        return whole
    m = re.search(r"关于(?:印发|转发|公布|发布)?", s)
    if m:
        after = _clean_name(s[m.end() :])
        if after and looks_like_agency(after):
            return after
        before = _clean_name(re.split(r"[《〈“\"，,。：:；;、]", s[: m.start()])[-1])
        if before and looks_like_agency(before):
            return before
        return None
    # "根据…规定，《XX局2019年…报告》经…": the agency is the run right before the year.
    tail = _clean_name(re.split(r"[《〈“\"，,。：:；;、]", s)[-1])
    return tail if tail and looks_like_agency(tail) else None


def _find_title(head: list[Line]) -> tuple[str | None, int | None, str]:
    """(printed agency, year, title text) from the title lines, any of which may be missing.

    Every title-like line in the head is a candidate; the first naming both a body and a year wins
    (a page's list of links "2019年政府信息公开工作年度报告" must not beat the real title below it).
    """
    candidates: list[tuple[str | None, int | None, str]] = []
    for i, ln in enumerate(head):
        if "报" not in ln.text:  # cheap pre-filter: every title names a 报告 or 年报
            wrapped = _wrapped_title(head, i)
            if wrapped is not None:
                candidates.append(wrapped)
            continue
        text = _SPACES.sub("", ln.text)
        m = _TITLE.search(text)
        if m:
            year = _year_value(m.group("year"))
            title = text[: m.end()]
            agency = _agency_from_prefix(text[: m.start()])
            if agency:
                agency = _with_line_above(head, i, agency)
                title = agency + text[m.start() : m.end()]
            else:
                mid = _clean_name(m.group("mid"))
                prefix = _clean_name(text[: m.start()])
                joined = _clean_name(_SPACES.sub("", head[i - 1].text) + prefix) if i > 0 and prefix else ""
                if mid and looks_like_agency(mid):
                    agency = mid
                elif joined and _NAME_PIECE.fullmatch(prefix) and _with_line_above(head, i, prefix) == joined:
                    agency = joined  # "…人民政府办" / "公室2020年…": the name's tail is no body by itself
                    title = agency + text[m.start() : m.end()]
                elif i > 0 and not _clean_name(text[: m.start()]):
                    agency, used = _agency_above(head, i)
                    if agency:
                        title = used + title
                if not agency and not _clean_name(text[: m.start()]):
                    agency = _agency_below(head, i)
            candidates.append((agency, year if _plausible(year) else None, title))
            continue
        m2 = _TITLE_NOYEAR.search(text) if len(text) <= 60 else None
        if m2:
            # "XX局政府信息公开工作年度报告（2020年）" or the year on a neighbouring line ("（2020年度）").
            year = None
            after = re.match(r"[（(]?" + _YEAR + r"年", text[m2.end() :])
            if after:
                year = _year_value(after.group("year"))
            for j in (i + 1, i - 1):
                if year is None and 0 <= j < len(head):
                    ym = _YEAR_ONLY.match(_SPACES.sub("", head[j].text))
                    if ym:
                        year = _year_value(ym.group("year"))
            agency = _agency_from_prefix(m2.group("pre"))
            if agency is None and i > 0 and not _clean_name(m2.group("pre")):
                agency, _ = _agency_above(head, i)
            if agency is None and not _clean_name(m2.group("pre")):
                agency = _agency_below(head, i)
            if agency or year:
                candidates.append((agency, year if _plausible(year) else None, text))
    # Best first: body + year on a title-length line, then body + year, then a year alone.
    for ok in (
        lambda c: c[0] and c[1] and len(c[2]) <= 60,
        lambda c: c[0] and c[1],
        lambda c: c[1],
    ):
        for cand in candidates:
            if ok(cand):
                return cand
    return candidates[0] if candidates else (None, None, "")


_NAME_PIECE = re.compile(r"[\u4e00-\u9fff（）()]{1,25}")


def _with_line_above(head: list[Line], i: int, agency: str) -> str:
    """A title wrapped inside the body's name: "汇翠市台源区" / "工业和信息化局2016年…报告".

    The line above is taken as the name's start only when it is a bare run of characters and either
    the title line's part names no place while the joined name does, or the document prints the joined
    name elsewhere (in the opening lines: "本报告由…编制")."""
    if i == 0:
        return agency
    above = _SPACES.sub("", head[i - 1].text)
    if not _NAME_PIECE.fullmatch(above) or "报" in above:
        return agency
    joined = _clean_name(above + agency)
    if joined == agency or len(joined) > 40 or not looks_like_agency(joined):
        return agency
    if _place_spans(joined) and not _place_spans(agency):
        return joined
    rest = "".join(_SPACES.sub("", ln.text) for k, ln in enumerate(head) if k not in (i - 1, i))
    return joined if joined in rest else agency


def _wrapped_title(head: list[Line], i: int) -> tuple[str | None, int | None, str] | None:
    """A title wrapped after its year: "XX区人民政府办公室2016年" / "度政府信息公开工作年度报告".

    The body and the year are both on the first line; or the first line starts with the year and the
    body is the line above ("北京市海淀区人民政府" / "2023年政府信息" / "公开工作年度报告"). The second
    line alone names no body ("度政府…" is not one), and the opening lines' "本报告由XX编制" must not
    decide instead."""
    ln = head[i]
    nxt = head[i + 1] if i + 1 < len(head) else None
    if nxt is None or "报" not in nxt.text or len(ln.text) > 40:
        return None
    first = _SPACES.sub("", ln.text)
    joined = first + _SPACES.sub("", nxt.text)
    m = _TITLE.search(joined)
    if not m or m.end("year") > len(first) or len(joined) > 80:
        return None
    year = _year_value(m.group("year"))
    year = year if _plausible(year) else None
    agency = _agency_from_prefix(joined[: m.start()])
    if not agency:
        if _clean_name(joined[: m.start()]) or i == 0 or _clean_name(m.group("mid")):
            return None
        above, used = _agency_above(head, i)
        return (above, year, used + joined[m.start() : m.end()]) if above else None
    return agency, year, agency + joined[m.start() : m.end()]


def _agency_above(head: list[Line], i: int) -> tuple[str | None, str]:
    """The agency printed on the line(s) just above the title (split titles, PDF wraps).

    A line holding only the year ("2024年") between the agency and the title is stepped over.
    """
    j = i - 1
    if j >= 1 and _YEAR_ONLY.match(_SPACES.sub("", head[j].text)):
        j -= 1

    def name(text: str) -> str:
        return re.sub(r"关于$", "", _clean_name(text))

    one = name(head[j].text)
    two = name(head[j - 1].text + head[j].text) if j >= 1 else ""
    one_ok = looks_like_agency(one) and len(one) <= 30
    # joined lines must end in a body or place word: "湖河市农业农村局" + "首页" is no name
    two_ok = looks_like_agency(two) and bool(_AGENCY_END.search(two)) and len(two) <= 30
    # "淮安市洪泽区\n人民政府": a body word without any place wants the line above it; so does a name
    # starting with a level word ("玉文" / "市青义区审计局"): no name starts so, it was cut before it.
    cut = one[:1] in "省市区县州盟旗镇乡"
    if one_ok and not (two_ok and (cut or not _place_spans(one)) and _place_spans(two)):
        return one, one
    if two_ok:
        return two, two
    return None, ""


def _compiled_by(head_text: str) -> str | None:
    """"本报告由XX区人民政府办公室根据…编制" → XX区人民政府 (the office compiles its government's report)."""
    m = _COMPILED_BY.search(head_text)
    name = _clean_name(m.group("name")) if m else ""
    return name if name and looks_like_agency(name) else None


def _publisher(head: list[Line], head_text: str) -> str | None:
    """The publisher field of a web page ("发布机构：XX局", "信息来源：XX局 发布时间：…"): the name ends at a
    space or at the page's next label (the space-less text serves titles spaced out as "发 布 机 构：")."""
    for ln in head:
        m = _PUBLISHER.search(ln.text.replace("\xa0", " "))
        if m:
            name = _clean_name(_PAGE_LABEL.split(m.group("name"))[0])
            if looks_like_agency(name):
                return name
    m = _PUBLISHER.search(head_text)
    name = _clean_name(_PAGE_LABEL.split(m.group("name"))[0]) if m else ""
    return name if name and looks_like_agency(name) else None


_DATE_LINE = re.compile(
    r"^(?:(?:19|20)\d{2}|[〇零○Ｏ一二]{1}[〇零○Ｏ一二三四五六七八九]{3})年"
    r"[0-9一二三四五六七八九十]{1,3}月(?:[0-9一二三四五六七八九十]{1,3}日)?$"
)
SIGNATURE_LINES = 12  # non-empty lines at the end searched for the 落款


def _signature_agency(lines: list[Line]) -> str | None:
    """The body signing the report (落款): a full name on its own line next to the date at the end.

    Why: many titles read only "2023年度政府信息公开工作年度报告"; the body is printed once, under the
    text. Taken only when exactly one name with its place stands right above or below a date line."""
    tail: list[Line] = []
    for ln in reversed(lines):
        if ln.text and not is_page_footer(ln.text):
            tail.append(ln)
            if len(tail) >= SIGNATURE_LINES:
                break
    tail.reverse()
    found: set[str] = set()
    for k, ln in enumerate(tail):
        if not _DATE_LINE.match(_SPACES.sub("", ln.text)):
            continue
        for j, step in ((k - 1, -1), (k + 1, 1)):
            while 0 <= j < len(tail) and _signing_name(tail[j].text):
                found.add(_signing_name(tail[j].text))
                j += step
    return found.pop() if len(found) == 1 else None


def _signing_name(text: str) -> str:
    """A full body name alone on a line (with its place), or ''."""
    name = _clean_name(text)
    if not (looks_like_agency(name) and _AGENCY_END.search(name) and _place_spans(name)) or placeless(name):
        return ""
    return government_of(name) if is_place_only(name) else name


def _agency_below(head: list[Line], i: int) -> str | None:
    """A cover printing the body under the title ("政府信息公开工作年度报告" / "（2023年度）" / "XX局"):
    only a whole line that is a full name with its place."""
    for j in (i + 1, i + 2):
        if j >= len(head):
            return None
        text = _SPACES.sub("", head[j].text)
        if j == i + 1 and _YEAR_ONLY.match(text):
            continue
        return _signing_name(text) or None
    return None


def _from_file_name(file_name: str) -> tuple[str | None, int | None]:
    stem = PurePath(file_name or "").stem
    years = [int(y) for y in _FILE_YEAR.findall(stem) if _plausible(int(y))]
    year = years[-1] if years else None
    agency = None
    for part in re.split(r"[_\-\s.,，、()（）\[\]【】]+", stem):
        part = re.sub(r"\d{4}\s*年度?", "", part)
        part = re.sub(_REPORT + ".*$", "", part)
        part = _clean_name(part)
        if part and looks_like_agency(part) and not part.isdigit():
            agency = part
            break
    return agency, year


_PARENT_OF_COUNTY = re.compile(r"([\u4e00-\u9fff]{2}(?:市|州|盟|地区))$")
_PARENT_OF_TOWN = re.compile(r"([\u4e00-\u9fff]{2}(?:县|区|市|旗))$")


def _printed_parents(name: str, level: int, full_text: str) -> list[str]:
    """Places the document prints right before `name` (…由淮安市洪泽区人民政府… → 淮安市), one level up."""
    wanted = LEVEL_CITY if level == LEVEL_COUNTY else LEVEL_COUNTY
    pattern = _PARENT_OF_COUNTY if level == LEVEL_COUNTY else _PARENT_OF_TOWN
    found: list[str] = []
    start = 0
    for _ in range(20):
        idx = full_text.find(name, start)
        if idx < 0:
            break
        start = idx + 1
        window = full_text[max(0, idx - 12) : idx]
        if not window:
            continue
        parent = None
        for cand in (window[-k:] for k in range(min(8, len(window)), 1, -1)):
            spans = _place_spans(cand)
            if (
                len(spans) == 1
                and spans[0][3] == len(cand)
                and spans[0][1] == wanted
                and cand in _known_places()
            ):
                parent = cand
                break
        if parent is None:
            m = pattern.search(window)
            if m and plausible_stem(m.group(1)[:-1]):
                parent = m.group(1)
        if parent and parent not in found:
            found.append(parent)
    return found


def _known_places() -> set[str]:
    return {c for cities in GAZETTEER.values() for c in cities} | {
        county for cities in GAZETTEER.values() for counties in cities.values() for county in counties
    }


def _canonical(printed: str, full_text: str) -> str:
    """Official form: bare place → its government; 'XX区政府' → 'XX区人民政府'; a longer printed form wins.

    Only a county-or-lower name is lengthened, by the one place the text itself prints before it
    (洪泽区人民政府 + "…淮安市洪泽区人民政府…" → 淮安市洪泽区人民政府); provinces are never prepended.
    """
    name = printed
    if is_place_only(name):
        name = government_of(name)
    elif re.search(r"[省市区县旗州盟镇乡]政府$", name) and not name.endswith("人民政府"):
        name = name[: -len("政府")] + "人民政府"
    spans = _place_spans(name)
    if not spans or spans[0][1] < LEVEL_COUNTY:
        return name
    parents: list[str] = []
    path = region_path(name)
    first = spans[0][0]
    if first in path and path.index(first) >= 1 and spans[0][1] == LEVEL_COUNTY:
        parents.append(path[path.index(first) - 1])
    parents.extend(p for p in _printed_parents(name, spans[0][1], full_text) if p not in parents)
    for parent in parents:
        if parent + name in full_text:
            return parent + name
    return name


def identify(lines: list[Line], file_name: str = "") -> ReportIdentity:
    """Agency, year, title, kind, region path and aliases of one report; ReportError if unknown."""
    wide = _head(lines, HEAD_LINES)
    agency, year, title = _find_title(wide)
    wide_text = re.sub(r"[ \t\u3000\xa0]+", "", "\n".join(ln.text for ln in wide))
    if agency is None:
        # a page's "来源：本站" or "本报告由本机关编制" says no body: the 落款 may still say which
        full = _SPACES.sub("", "".join(ln.text for ln in lines[:400]))
        said = [n for n in (_publisher(wide, wide_text), _compiled_by(wide_text), _signature_agency(lines)) if n]
        agency = next((n for n in said if not placeless(n) or complete_place(n, full)), said[0] if said else None)
    m = _PERIOD.search(wide_text)
    period = _year_value(m.group("year")) if m else None
    if _plausible(period) and (year is None or period == year - 1):
        # "统计期限自2023年1月1日…" under a title carrying the publication year (2024年…年度报告):
        # the figures are the stated period's
        year = period
    f_agency, f_year = _from_file_name(file_name)
    if agency is None:
        agency = f_agency
    if year is None:
        year = f_year
    if year is None:
        raise ReportError(
            "找不到报告年度：标题、正文开头和文件名里都没有年份 (no report year found)", "no_year"
        )
    if not agency:
        raise ReportError(
            "找不到发布机关：标题、正文开头和落款都没有机关名称；请用 --agency 指定 (no agency name found)", "no_agency"
        )
    full_text = _SPACES.sub("", "".join(ln.text for ln in lines[:400]))
    printed_name = agency
    if placeless(agency):
        # the place printed before it in the text, else a full name the file name offers (`--agency`)
        agency = complete_place(agency, full_text) or (f_agency if f_agency and not placeless(f_agency) else "")
        if not agency:
            raise ReportError(
                f"标题只写了“{printed_name}”，没有写明是哪个地方的哪个机关；请用 --agency 指定 "
                f"(the title names no particular body: {printed_name})",
                "no_agency",
            )
    central = central_body(agency)  # 交通部 → 交通运输部 (the printed form stays an alias)
    if central is not None:
        official = central.name
    else:
        official = _canonical(agency, full_text)
        for _ in range(2):  # a town's county, then that county's city, as the text prints them
            longer = _canonical(official, full_text)
            if longer == official:
                break
            official = longer
    aliases = [a for a in short_forms(official) if a != official]
    if agency != official and agency not in aliases:
        aliases.insert(0, agency)
    if printed_name not in (official, *aliases) and not placeless(printed_name):
        aliases.append(printed_name)
    aliases += [a for a in short_aliases(official) if a not in aliases]
    path = region_path(official)
    if path and path[0] not in PROVINCES:
        # The province is not in the name; take it only from the text printing it right before the city.
        for prov in PROVINCES:
            if prov + path[0] in full_text:
                path = [prov, *path]
                break
    if not title:
        title = f"{official}{year}年政府信息公开工作年度报告"
    return ReportIdentity(
        agency=official,
        year=year,
        title=title,
        kind=agency_kind(official),
        region_path=path,
        aliases=aliases,
    )
