"""Where an agency sits (province › city › county › township) and what kind of body it is.

Why: reminders and the answer engine group agencies by region and kind, and users name agencies by
short forms ("西夏区审批局"). The country's divisions (reports.divisions, every province, city and
county with codes) resolve ancestors such as 西夏区 → 宁夏回族自治区 › 银川市; generic suffix rules (省/市/县/区/旗/镇/乡/
街道) still give unknown names a sensible path instead of nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reports.central import central_body
from reports.divisions import LEVEL_CITY, LEVEL_COUNTY, LEVEL_PROVINCE, divisions, provinces
from reports.model import AgencyKind
from reports.shortnames import body_short_forms

MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
LEVEL_TOWN = 4


def __getattr__(name: str):
    """PROVINCES and GAZETTEER, built from the division dataset on first use (reading it costs ~0.5 s)."""
    if name == "PROVINCES":
        return tuple(d.name for d in provinces())
    if name == "GAZETTEER":
        return gazetteer()
    raise AttributeError(name)


@lru_cache(maxsize=1)
def gazetteer() -> dict[str, dict[str, tuple[str, ...]]]:
    """province → city → county names (current and since-retired ones), from reports.divisions."""
    out: dict[str, dict[str, list[str]]] = {}
    for d in divisions():
        if d.level == LEVEL_CITY:
            out.setdefault(d.path[0], {}).setdefault(d.name, [])
        elif d.level == LEVEL_COUNTY and len(d.path) == 3:
            out.setdefault(d.path[0], {}).setdefault(d.path[1], []).append(d.name)
    return {p: {c: tuple(ks) for c, ks in cities.items()} for p, cities in out.items()}


@lru_cache(maxsize=1)
def province_short() -> dict[str, str]:
    """Short forms printed at the start of names ("宁夏发展和改革委员会", "江苏省" → also "江苏")."""
    return {d.short: d.name for d in provinces() if d.short and d.short != d.name}


# Generic place token: 2–6 characters then an administrative suffix; the stop characters keep
# department words ("住房和城乡建设局", "市场监督管理局") from being read as places.
_GENERIC = re.compile(
    r"([\u4e00-\u9fff]{2,6}?)(特别行政区|自治区|自治州|自治县|自治旗|省|市|州|盟|地区|县|区|旗|镇|乡|街道)"
)
# Department words that never start or sit inside a place name; single characters are only those
# no Chinese place name uses (局/委/办/厅/署), so 淮安/保定/荆门/会宁/商丘 stay places.
_STOP_WORDS = (
    "局", "委", "办", "厅", "署", "管理", "服务", "监督", "执法", "保障", "健康", "教育", "运输", "农业",
    "公安", "财政", "审计", "统计", "商务", "应急", "民政", "环境", "人力", "规划", "城乡", "住房", "发展",
    "改革", "资源", "生态", "卫生", "文化", "旅游", "交通", "水利", "市场", "信息", "工业", "科技", "政务",
    "审批", "行政", "事务", "人民", "政府", "司法", "部门", "机关", "中心", "综合", "经济", "技术",
)  # fmt: skip
_STOP_CHARS = set("局委办厅署")
_JOINERS = set("与及之的")  # inside a stem these mean a phrase; 和 is common in places (平和县, 和平区)


def plausible_stem(stem: str) -> bool:
    """Could these characters be the name part of a place (before 市/县/区 …)?"""
    if any(w in stem for w in _STOP_WORDS):
        return False
    return not any(c in _JOINERS for c in stem[1:])


_ZONE_ENDINGS = (
    "开发区",
    "高新区",
    "园区",
    "保税区",
    "示范区",
    "试验区",
    "合作区",
    "工业区",
    "产业区",
    "综合区",
)
_TOWN_SUFFIX = ("镇", "乡", "街道")


@lru_cache(maxsize=1)
def _index() -> dict[str, list[tuple[int, list[str]]]]:
    """name → [(level, full path ending in that name)]; a name may be ambiguous (鼓楼区)."""
    idx: dict[str, list[tuple[int, list[str]]]] = {}
    for d in divisions():
        idx.setdefault(d.name, []).append((d.level, list(d.path)))
    return idx


@lru_cache(maxsize=1)
def _names_by_first_char() -> dict[str, list[str]]:
    """Division names keyed by first character, longest first (the prefix scan runs per character)."""
    out: dict[str, list[str]] = {}
    for name in sorted(set(_index()) | set(province_short()), key=len, reverse=True):
        out.setdefault(name[0], []).append(name)
    return out


def _level_of_generic(token: str, suffix: str, prev_level: int) -> int:
    if suffix in {"省", "自治区", "特别行政区"}:
        return LEVEL_PROVINCE
    if suffix in {"自治州", "州", "盟", "地区"}:
        return LEVEL_CITY
    if suffix == "市":
        return LEVEL_COUNTY if prev_level >= LEVEL_CITY else LEVEL_CITY
    if suffix in _TOWN_SUFFIX:
        return LEVEL_TOWN
    return LEVEL_COUNTY


_ONE_CHAR_COUNTY = re.compile(r"([\u4e00-\u9fff])县(?=$|人民政府|政府)")


def _generic_at(name: str, pos: int, prev_level: int) -> tuple[str, int] | None:
    m = _GENERIC.match(name, pos)
    if not m:
        # One-character counties (歙县, 蠡县) only when the name ends there or names its government.
        one = _ONE_CHAR_COUNTY.match(name, pos)
        if one and one.group(1) not in _STOP_CHARS:
            return one.group(0), LEVEL_COUNTY
        return None
    stem, suffix = m.group(1), m.group(2)
    token = m.group(0)
    if not plausible_stem(stem):
        return None
    if token.endswith(_ZONE_ENDINGS):
        return None
    rest = name[m.end() :]
    # "XX镇人民政府" yes; "XX区" followed by more place-like text is fine; a lone suffix char mid-word is not.
    if suffix == "乡" and rest.startswith(("村", "镇")):
        return None
    return token, _level_of_generic(token, suffix, prev_level)


def _leading_places(name: str) -> tuple[list[tuple[str, int]], int]:
    """Place tokens at the start of an agency name with their levels, and where the body starts."""
    spans = _place_spans(name)
    return [(full, lvl) for full, lvl, _, _ in spans], (spans[-1][3] if spans else 0)


def _place_spans(name: str) -> list[tuple[str, int, int, int]]:
    """(full place name, level, start, end) for each leading place token as printed."""
    spans: list[tuple[str, int, int, int]] = []
    if central_body(name) is not None:  # 国家市场监督管理总局 is no body of a "国家市"
        return spans
    pos = 0
    prev = 0
    idx = _index()
    while pos < len(name):
        found: tuple[str, int, int] | None = None
        for cand in _names_by_first_char().get(name[pos], ()):
            if name.startswith(cand, pos):
                full = province_short().get(cand, cand)
                levels = [lvl for lvl, _ in idx.get(full, [])] or [LEVEL_PROVINCE]
                lvl = min((x for x in levels if x > prev), default=0)
                if lvl == LEVEL_COUNTY and prev < LEVEL_CITY and _county_follows(name, pos + len(cand)):
                    lvl = LEVEL_CITY  # "临江市河西区": districts sit in a city, whatever the dataset's 临江市 is
                if lvl:
                    found = (full, lvl, pos + len(cand))
                    break
        if found is None:
            g = _generic_at(name, pos, prev)
            if g is not None and g[1] > prev:
                found = (g[0], g[1], pos + len(g[0]))
        if found is None and prev < LEVEL_CITY:
            # "银川经济技术开发区", "苏州工业园区": a known city printed without 市.
            for stem, city in _city_stems():
                if name.startswith(stem, pos) and name[pos + len(stem) : pos + len(stem) + 1] not in "市区县":
                    found = (city, LEVEL_CITY, pos + len(stem))
                    break
        if found is None:
            break
        spans.append((found[0], found[1], pos, found[2]))
        prev = found[1]
        pos = found[2]
    return spans


@lru_cache(maxsize=1)
def _city_stems() -> list[tuple[str, str]]:
    stems = [
        (c[:-1], c) for cities in gazetteer().values() for c in cities if c.endswith("市") and len(c) >= 3
    ]
    return sorted(stems, key=lambda t: len(t[0]), reverse=True)


def _county_follows(name: str, pos: int) -> bool:
    """Does a county-level place (a known county or a generic XX区/县) start at name[pos]?"""
    idx = _index()
    for cand in _names_by_first_char().get(name[pos : pos + 1], ()):
        if name.startswith(cand, pos) and any(lvl == LEVEL_COUNTY for lvl, _ in idx.get(cand, [])):
            return True
    g = _generic_at(name, pos, LEVEL_CITY)
    return g is not None and g[1] == LEVEL_COUNTY


def _complete(tokens: list[tuple[str, int]]) -> list[str]:
    """Add gazetteer ancestors above the first token (西夏区 → 宁夏回族自治区 › 银川市 › 西夏区)."""
    if not tokens:
        return []
    names = [t for t, _ in tokens]
    idx = _index()
    # Pick the gazetteer path consistent with every token we saw; skip when ambiguous. A token read at
    # another level than the dataset's (临江市 with districts) still takes the dataset's ancestors, so every
    # body printed with that place shares one path.
    for i in range(len(names) - 1, -1, -1):
        paths = [p for _, p in idx.get(names[i], [])]
        paths = [p for p in paths if all(n in p for n in names[:i])]
        if len(paths) == 1:
            base = paths[0]
            return base + [n for n in names[i + 1 :] if n not in base]
    return names


def region_path(name: str) -> list[str]:
    """Province › city › county › township of an agency or place name, as far as it can be told."""
    tokens, _ = _leading_places(_clean(name))
    return _complete(tokens)


def split_agency(name: str) -> tuple[list[str], str]:
    """(region path, body): 银川市西夏区审批服务管理局 → (["宁夏回族自治区","银川市","西夏区"], "审批服务管理局")."""
    clean = _clean(name)
    tokens, pos = _leading_places(clean)
    return _complete(tokens), clean[pos:]


def place_prefix(name: str) -> str:
    """The printed place part at the start of a name ('银川市西夏区审批局' → '银川市西夏区')."""
    clean = _clean(name)
    _, pos = _leading_places(clean)
    return clean[:pos]


def is_place_only(name: str) -> bool:
    """A title naming only a place ('银川市兴庆区') means that place's people's government."""
    clean = _clean(name)
    tokens, pos = _leading_places(clean)
    return bool(tokens) and pos == len(clean)


def government_of(place: str) -> str:
    """The people's government (or street office) of a bare place name."""
    place = _clean(place)
    if place.endswith("街道"):
        return place + "办事处"
    return place + "人民政府"


def agency_kind(name: str) -> AgencyKind:
    """people_gov / township / devzone / department / other, from the body's name."""
    clean = _clean(name)
    central = central_body(clean)
    if central is not None and central.category != "直属事业单位":  # 交通运输部, 中国人民银行: departments
        return "department"
    places, body = split_agency(clean)
    if re.search(
        r"(开发区|高新区|园区|保税区|示范区|试验区|合作区|工业区|新城|新区)(管理委员会|管委会|管理局|工委)?$",
        clean,
    ) or (
        re.search(r"(开发区|高新区|园区|保税区|示范区|试验区|合作区)", clean)
        and re.search(r"(管委会|管理委员会)$", clean)
    ):
        return "devzone"
    if (
        re.search(r"(镇|乡)(人民)?政府$", clean)
        or clean.endswith(("街道办事处", "街道办"))
        or (body == "" and clean.endswith(_TOWN_SUFFIX))
    ):
        return "township"
    if re.search(r"(人民政府|[省市区县旗州盟]政府)$", clean) and not re.search(
        r"人民政府(办公厅|办公室)$", clean
    ):
        return "people_gov"
    if body == "" and places:
        return "people_gov"
    # Government departments (局/委/办/厅 …). Public institutions (中心/馆/站/所/院) are "other": they
    # are not 政府部门 in the regulation's sense and their reporting duties differ.
    if re.search(r"(局|委员会|委|办公室|办公厅|办|厅|署|总队|支队|大队|分局)$", clean):
        return "department"
    return "other"


def _clean(name: str) -> str:
    return re.sub(r"[\s\u3000]+", "", name or "").strip("：:，,。、")


def short_forms(name: str) -> list[str]:
    """Short names users type: drop leading place levels and abbreviate common department words.

    银川市西夏区审批服务管理局 → 西夏区审批服务管理局, 银川市西夏区审批局, 西夏区审批局 (never the bare body:
    "审批服务管理局" alone is too vague to point at one agency).
    """
    clean = _clean(name)
    spans = _place_spans(clean)
    if not spans:
        return []
    pos = spans[-1][3]
    body = clean[pos:]
    starts = [sp[2] for sp in spans]
    out: list[str] = [clean[s:] for s in starts[1:]]
    for abbrev in body_short_forms(body):
        out.extend(clean[s:pos] + abbrev for s in starts)
    seen: list[str] = []
    for a in out:
        if a and a != clean and a not in seen:
            seen.append(a)
    return seen
