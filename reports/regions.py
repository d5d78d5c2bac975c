"""Where an agency sits (province › city › county › township) and what kind of body it is.

Why: reminders and the answer engine group agencies by region and kind, and users name agencies by
short forms ("西夏区审批局"). A small gazetteer (Ningxia and Jiangsu in full, every province by name)
resolves ancestors such as 西夏区 → 宁夏回族自治区 › 银川市; generic suffix rules (省/市/县/区/旗/镇/乡/
街道) still give unknown names a sensible path instead of nothing.
"""

from __future__ import annotations

import re
from functools import lru_cache

from reports.model import AgencyKind

PROVINCES: tuple[str, ...] = (
    "北京市", "天津市", "上海市", "重庆市", "河北省", "山西省", "辽宁省", "吉林省", "黑龙江省", "江苏省",
    "浙江省", "安徽省", "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省", "广东省", "海南省",
    "四川省", "贵州省", "云南省", "陕西省", "甘肃省", "青海省", "台湾省", "内蒙古自治区", "广西壮族自治区",
    "西藏自治区", "宁夏回族自治区", "新疆维吾尔自治区", "香港特别行政区", "澳门特别行政区",
)  # fmt: skip
MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})
# Short forms that appear at the start of agency names ("宁夏发展和改革委员会" is rare but exists).
PROVINCE_SHORT: dict[str, str] = {
    "宁夏": "宁夏回族自治区", "新疆": "新疆维吾尔自治区", "广西": "广西壮族自治区", "内蒙古": "内蒙古自治区",
    "西藏": "西藏自治区",
}  # fmt: skip

# province → city → counties (county-level districts, counties, county-level cities)
GAZETTEER: dict[str, dict[str, tuple[str, ...]]] = {
    "宁夏回族自治区": {
        "银川市": ("兴庆区", "西夏区", "金凤区", "永宁县", "贺兰县", "灵武市"),
        "石嘴山市": ("大武口区", "惠农区", "平罗县"),
        "吴忠市": ("利通区", "红寺堡区", "盐池县", "同心县", "青铜峡市"),
        "固原市": ("原州区", "西吉县", "隆德县", "泾源县", "彭阳县"),
        "中卫市": ("沙坡头区", "中宁县", "海原县"),
    },
    "江苏省": {
        "南京市": ("玄武区", "秦淮区", "建邺区", "鼓楼区", "浦口区", "栖霞区", "雨花台区", "江宁区", "六合区",
                 "溧水区", "高淳区"),
        "无锡市": ("锡山区", "惠山区", "滨湖区", "梁溪区", "新吴区", "江阴市", "宜兴市"),
        "徐州市": ("鼓楼区", "云龙区", "贾汪区", "泉山区", "铜山区", "丰县", "沛县", "睢宁县", "新沂市", "邳州市"),
        "常州市": ("天宁区", "钟楼区", "新北区", "武进区", "金坛区", "溧阳市"),
        "苏州市": ("虎丘区", "吴中区", "相城区", "姑苏区", "吴江区", "常熟市", "张家港市", "昆山市", "太仓市"),
        "南通市": ("崇川区", "通州区", "海门区", "如东县", "启东市", "如皋市", "海安市"),
        "连云港市": ("连云区", "海州区", "赣榆区", "东海县", "灌云县", "灌南县"),
        "淮安市": ("清江浦区", "淮阴区", "淮安区", "洪泽区", "涟水县", "盱眙县", "金湖县"),
        "盐城市": ("亭湖区", "盐都区", "大丰区", "响水县", "滨海县", "阜宁县", "射阳县", "建湖县", "东台市"),
        "扬州市": ("广陵区", "邗江区", "江都区", "宝应县", "仪征市", "高邮市"),
        "镇江市": ("京口区", "润州区", "丹徒区", "丹阳市", "扬中市", "句容市"),
        "泰州市": ("海陵区", "高港区", "姜堰区", "兴化市", "靖江市", "泰兴市"),
        "宿迁市": ("宿城区", "宿豫区", "沭阳县", "泗阳县", "泗洪县"),
    },
}  # fmt: skip

LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY, LEVEL_TOWN = 1, 2, 3, 4

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
    for prov in PROVINCES:
        idx.setdefault(prov, []).append((LEVEL_PROVINCE, [prov]))
    for prov, cities in GAZETTEER.items():
        for city, counties in cities.items():
            idx.setdefault(city, []).append((LEVEL_CITY, [prov, city]))
            for county in counties:
                idx.setdefault(county, []).append((LEVEL_COUNTY, [prov, city, county]))
    return idx


@lru_cache(maxsize=1)
def _names_by_first_char() -> dict[str, list[str]]:
    """Gazetteer names keyed by first character, longest first (the prefix scan runs per character)."""
    out: dict[str, list[str]] = {}
    for name in sorted(set(_index()) | set(PROVINCE_SHORT), key=len, reverse=True):
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
    pos = 0
    prev = 0
    idx = _index()
    while pos < len(name):
        found: tuple[str, int, int] | None = None
        for cand in _names_by_first_char().get(name[pos], ()):
            if name.startswith(cand, pos):
                full = PROVINCE_SHORT.get(cand, cand)
                levels = [lvl for lvl, _ in idx.get(full, [])] or [LEVEL_PROVINCE]
                lvl = min((x for x in levels if x > prev), default=0)
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
    stems = [(c[:-1], c) for cities in GAZETTEER.values() for c in cities if c.endswith("市") and len(c) >= 3]
    return sorted(stems, key=lambda t: len(t[0]), reverse=True)


def _complete(tokens: list[tuple[str, int]]) -> list[str]:
    """Add gazetteer ancestors above the first token (西夏区 → 宁夏回族自治区 › 银川市 › 西夏区)."""
    if not tokens:
        return []
    names = [t for t, _ in tokens]
    idx = _index()
    # Pick the gazetteer path consistent with every token we saw; skip when ambiguous.
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
    abbrev = _abbreviate(body)
    if abbrev != body:
        out.extend(clean[s:pos] + abbrev for s in starts)
    if body == "人民政府":
        out.extend(clean[s:pos] + "政府" for s in starts)
    seen: list[str] = []
    for a in out:
        if a and a != clean and a not in seen:
            seen.append(a)
    return seen


_ABBREV = (
    ("审批服务管理局", "审批局"),
    ("行政审批服务局", "审批局"),
    ("发展和改革委员会", "发改委"),
    ("市场监督管理局", "市场监管局"),
    ("住房和城乡建设局", "住建局"),
    ("人力资源和社会保障局", "人社局"),
    ("自然资源局", "自然资源局"),
    ("卫生健康委员会", "卫健委"),
    ("教育体育局", "教体局"),
    ("政务服务中心", "政务中心"),
    ("生态环境局", "环保局"),
    ("交通运输局", "交通局"),
    ("农业农村局", "农业农村局"),
)


def _abbreviate(body: str) -> str:
    for long, short in _ABBREV:
        if body.endswith(long) and long != short:
            return body[: -len(long)] + short
    return body
