"""Real-place bodies of the whole country and the forms people type for them (issue 14, names).

Why: the resolver must hold for bodies we have never seen. tools/generator.py invents places under real
provinces; this module names bodies the way real reports print them, over the real division dataset
(上海市科学技术委员会, 北京市朝阳区人民政府, 国家税务总局深圳市税务局, 成都高新技术产业开发区管理委员会,
锡林郭勒盟…旗, …自治州…, 镇/街道, 中央部门), and lists for each the forms a user types (full name, without
outer places, short place, standard short forms, 市科委, 区政府, pinyin/English, typos, traditional
characters, glued to a year and an indicator, two bodies in one question).

The expected short forms here are written independently of reports/data/short_forms.csv (they are what
people type, from usage), so the resolver is checked against usage, not against its own rules.
Same seed → same bodies.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from reports.divisions import LEVEL_CITY, LEVEL_COUNTY, LEVEL_PROVINCE, divisions

# department core → short forms people type (usage, not the project's rules)
SHORT: dict[str, tuple[str, ...]] = {
    "发展和改革委员会": ("发改委",),
    "发展和改革局": ("发改局",),
    "科学技术委员会": ("科委",),
    "科学技术局": ("科技局",),
    "科学技术厅": ("科技厅",),
    "工业和信息化局": ("工信局",),
    "工业和信息化厅": ("工信厅",),
    "经济和信息化委员会": ("经信委",),
    "教育委员会": ("教委",),
    "教育体育局": ("教体局",),
    "教育和体育局": ("教体局",),
    "人力资源和社会保障局": ("人社局",),
    "人力资源和社会保障厅": ("人社厅",),
    "住房和城乡建设局": ("住建局",),
    "住房和城乡建设厅": ("住建厅",),
    "住房和城乡建设委员会": ("住建委",),
    "自然资源和规划局": ("自然资源局", "自规局"),
    "规划和自然资源委员会": ("规自委",),
    "市场监督管理局": ("市监局", "市场监管局"),
    "行政审批服务局": ("审批局", "行政审批局"),
    "行政审批局": ("审批局",),
    "卫生健康委员会": ("卫健委",),
    "卫生健康局": ("卫健局",),
    "文化广电旅游体育局": ("文旅局", "文广旅体局"),
    "文化广电旅游局": ("文旅局", "文广旅局"),
    "文化和旅游局": ("文旅局",),
    "文化和旅游厅": ("文旅厅",),
    "地方税务局": ("地税局",),
    "退役军人事务局": ("退役军人局",),
    "国有资产监督管理委员会": ("国资委",),
    "交通运输局": ("交通局",),
    "交通运输厅": ("交通厅",),
    "生态环境局": ("环保局",),
    "生态环境厅": ("环保厅",),
    "农业农村局": ("农业局",),
    "医疗保障局": ("医保局",),
    "应急管理局": ("应急局",),
    "人民政府办公室": ("政府办",),
    "人民政府办公厅": ("政府办公厅",),
    "高新技术产业开发区管理委员会": ("高新区管委会", "高新区"),
    "经济技术开发区管理委员会": ("经开区管委会", "经开区"),
}

CENTRAL = (
    "生态环境部", "教育部", "科学技术部", "工业和信息化部", "公安部", "民政部", "司法部", "财政部",
    "人力资源和社会保障部", "自然资源部", "住房和城乡建设部", "交通运输部", "水利部", "农业农村部", "商务部",
    "文化和旅游部", "国家卫生健康委员会", "退役军人事务部", "应急管理部", "审计署", "国家发展和改革委员会",
    "国家市场监督管理总局", "国家统计局", "国家医疗保障局", "国家林业和草原局", "国家知识产权局", "海关总署",
)  # fmt: skip
CENTRAL_SHORT: dict[str, tuple[str, ...]] = {
    "科学技术部": ("科技部",),
    "工业和信息化部": ("工信部",),
    "人力资源和社会保障部": ("人社部",),
    "住房和城乡建设部": ("住建部",),
    "国家卫生健康委员会": ("国家卫健委", "卫健委"),
    "国家发展和改革委员会": ("国家发改委",),
    "国家市场监督管理总局": ("市场监管总局",),
    "国家医疗保障局": ("国家医保局",),
    "文化和旅游部": ("文旅部",),
}
PROVINCE_DEPTS = (
    "人民政府", "人民政府办公厅", "发展和改革委员会", "教育厅", "科学技术厅", "工业和信息化厅", "公安厅",
    "民政厅", "财政厅", "人力资源和社会保障厅", "自然资源厅", "生态环境厅", "住房和城乡建设厅", "交通运输厅",
    "农业农村厅", "文化和旅游厅", "卫生健康委员会", "市场监督管理局", "地方税务局", "统计局",
)  # fmt: skip
MUNICIPALITY_DEPTS = (
    "人民政府", "人民政府办公厅", "发展和改革委员会", "教育委员会", "科学技术委员会", "经济和信息化委员会",
    "公安局", "民政局", "财政局", "人力资源和社会保障局", "规划和自然资源委员会", "住房和城乡建设委员会",
    "交通委员会", "卫生健康委员会", "国有资产监督管理委员会", "市场监督管理局", "地方税务局", "统计局",
)  # fmt: skip
CITY_DEPTS = (
    "人民政府", "人民政府办公室", "发展和改革委员会", "教育局", "科学技术局", "工业和信息化局", "公安局",
    "民政局", "财政局", "人力资源和社会保障局", "自然资源和规划局", "生态环境局", "住房和城乡建设局",
    "交通运输局", "农业农村局", "文化广电旅游局", "卫生健康委员会", "退役军人事务局", "应急管理局",
    "国有资产监督管理委员会", "市场监督管理局", "医疗保障局", "行政审批服务局", "地方税务局",
)  # fmt: skip
COUNTY_DEPTS = (
    "人民政府", "人民政府办公室", "发展和改革局", "教育体育局", "科学技术局", "民政局", "财政局",
    "人力资源和社会保障局", "自然资源局", "住房和城乡建设局", "交通运输局", "农业农村局", "文化广电旅游体育局",
    "卫生健康局", "应急管理局", "市场监督管理局", "医疗保障局", "行政审批局", "地方税务局",
)  # fmt: skip
MUNICIPAL_DISTRICT_DEPTS = (
    "人民政府", "发展和改革委员会", "教育委员会", "科学技术委员会", "住房和城乡建设委员会",
    "卫生健康委员会", "市场监督管理局", "人力资源和社会保障局", "财政局",
)  # fmt: skip
_TOWN_CHARS = "东西南北青白金安平宁康永丰泰华兴昌盛阳山河江湖海川林泉源石云龙凤鹤桂兰梅松柳清新长光明德仁义"


@dataclass(frozen=True, slots=True)
class Body:
    name: str  # full official name as a report prints it
    kind: str  # people_gov | department | township | devzone | central
    region_path: tuple[str, ...]  # province, city, county[, town] (the division dataset's names)
    places: tuple[str, ...]  # the places printed at the start of the name, outermost first
    core: str  # the rest of the name (人民政府, 住房和城乡建设局, …)
    family: str  # which kind of name (central, province, municipality, city, county, tax, zone, town …)


def _short(name: str) -> str:
    """The short form people write for a place (朝阳区 → 朝阳, 景谷傣族彝族自治县 → 景谷), or ''."""
    from query.agencies import short_place

    return short_place(name)


def national_bodies(seed: int = 0, per_family: int = 12) -> list[Body]:
    """Bodies over real places: `per_family` places of each family, a few departments each."""
    rng = random.Random(f"national-bodies:{seed}")
    cur = [d for d in divisions() if d.current]
    munis = [d for d in cur if d.level == LEVEL_PROVINCE and d.name in ("北京市", "上海市", "天津市", "重庆市")]
    provinces = [d for d in cur if d.level == LEVEL_PROVINCE and d not in munis and "特别行政区" not in d.name]
    cities = [d for d in cur if d.level == LEVEL_CITY and len(d.path) == 2 and d.name.endswith("市")]
    zhou = [d for d in cur if d.level == LEVEL_CITY and d.name.endswith(("自治州", "盟", "地区"))]
    counties = [d for d in cur if d.level == LEVEL_COUNTY and len(d.path) == 3 and d.path[1].endswith("市")]
    special = [d for d in cur if d.level == LEVEL_COUNTY and d.name.endswith(("自治县", "旗", "自治旗"))]
    muni_districts = [d for d in cur if d.level == LEVEL_COUNTY and d.path[0] in {m.name for m in munis}]
    out: list[Body] = []

    def add(places: tuple[str, ...], core: str, path: tuple[str, ...], family: str, kind: str = "") -> None:
        k = kind or ("people_gov" if core == "人民政府" else "department")
        out.append(Body("".join(places) + core, k, path, places, core, family))

    for name in rng.sample(CENTRAL, min(per_family, len(CENTRAL))):
        out.append(Body(name, "central", (), (), name, "central"))
    for p in rng.sample(provinces, per_family):
        for core in rng.sample(PROVINCE_DEPTS, 4):
            add((p.name,), core, p.path, "province")
    for m in munis:
        for core in rng.sample(MUNICIPALITY_DEPTS, 6):
            add((m.name,), core, m.path, "municipality")
    for d in rng.sample(muni_districts, per_family):
        for core in rng.sample(MUNICIPAL_DISTRICT_DEPTS, 3):
            add((d.path[0], d.name), core, d.path, "municipal_district")
        out.append(Body(f"{d.path[0]}公安局{_short(d.name) or d.name}分局", "department", d.path,
                        (d.path[0],), f"公安局{_short(d.name) or d.name}分局", "police"))
    for c in rng.sample(cities, per_family):
        for core in rng.sample(CITY_DEPTS, 4):
            add((c.name,), core, c.path, "city")
        out.append(Body(f"国家税务总局{c.name}税务局", "department", c.path, (), f"国家税务总局{c.name}税务局", "tax"))
        stem = c.name[:-1]
        for zone in ("高新技术产业开发区管理委员会", "经济技术开发区管理委员会")[: 1 + rng.randrange(2)]:
            out.append(Body(stem + zone, "devzone", c.path, (), stem + zone, "zone"))
    for d in rng.sample(counties, per_family * 2):
        for core in rng.sample(COUNTY_DEPTS, 3):
            add((d.path[1], d.name), core, d.path, "county")
        out.append(Body(f"{d.path[1]}公安局{d.name}分局", "department", d.path, (d.path[1],),
                        f"公安局{d.name}分局", "police"))
        town = "".join(rng.sample(_TOWN_CHARS, 2))
        suffix, gov = rng.choice((("镇", "人民政府"), ("乡", "人民政府"), ("街道", "办事处")))
        out.append(Body(f"{d.path[1]}{d.name}{town}{suffix}{gov}", "township", (*d.path, town + suffix),
                        (d.path[1], d.name, town + suffix), gov, "town"))
    for d in rng.sample(zhou, min(per_family, len(zhou))):
        for core in rng.sample(CITY_DEPTS, 3):
            add((d.name,), core, d.path, "prefecture")
    for d in rng.sample(special, min(per_family, len(special))):
        parent = d.path[1] if len(d.path) == 3 else ""
        for core in rng.sample(COUNTY_DEPTS, 2):
            add(((parent,) if parent else ()) + (d.name,), core, d.path, "autonomous_county")
    seen: set[str] = set()
    return [b for b in out if not (b.name in seen or seen.add(b.name))]  # type: ignore[func-returns-value]


def _variants(places: tuple[str, ...]) -> list[str]:
    """The place part as people write it: in full, without outer places, the innermost one short."""
    out = ["".join(places[i:]) for i in range(len(places))]
    if places:
        sp = _short(places[-1])
        if sp and len(sp) >= 2:
            out.append(sp)
            if len(places) >= 2:
                out.append("".join(places[:-1]) + sp)
    return list(dict.fromkeys(out))


def name_forms(b: Body) -> list[tuple[str, str]]:
    """(form, family) for every way people type this body; each must name it (or list it among choices)."""
    forms: list[tuple[str, str]] = [(b.name, "full")]
    if b.family == "central":
        forms += [(s, "short_body") for s in CENTRAL_SHORT.get(b.name, ())]
        return forms
    if b.family == "tax":
        city = b.region_path[1]
        forms += [(f"{city}税务局", "short_body"), (f"{_short(city)}税务局", "short_body")]
        return forms
    if b.family == "zone":
        stem, core = b.name[: b.name.index("市") if "市" in b.name else 2], ""
        for full, shorts in SHORT.items():
            if b.name.endswith(full):
                stem, core = b.name[: -len(full)], full
                forms += [(stem + s, "short_body") for s in shorts]
        forms += [(stem + core.replace("管理委员会", "管委会"), "short_body")] if core else []
        return forms
    if b.family == "police":
        county = b.region_path[-1]
        forms += [(f"{county}公安分局", "short_body")]
        sp = _short(county)
        if sp and len(sp) >= 2:
            forms += [(f"{sp}公安分局", "short_body")]
        return forms
    for v in _variants(b.places)[1:]:
        forms.append((v + b.core, "place_forms"))
    shorts = list(SHORT.get(b.core, ()))
    if b.core == "人民政府":
        shorts = ["政府"]
    for v in _variants(b.places):
        for s in shorts:
            forms.append((v + s, "short_body"))
    if b.places and b.places[-1][-1] in "省市区县" and shorts and b.core != "人民政府":
        level = b.places[-1][-1]
        forms.append((level + shorts[0], "level_short"))  # 市科委: ambiguous unless one city holds it
    if b.kind == "people_gov" and b.places:
        forms.append((b.places[-1], "place_only"))
    if b.family == "town":
        town = b.places[-1]
        forms += [(town, "place_only"), (town + ("办" if town.endswith("街道") else "政府"), "short_body")]
    return list(dict.fromkeys(forms))


def write_reports(directory, bodies: list[Body], year: int = 2020, seed: int = 0):  # noqa: ANN001
    """One generated 2019-template report per body (TXT) in `directory`; → {name: values}."""
    from pathlib import Path

    from tools.generator import GenAgency, generate_report

    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    values: dict[str, dict[str, float]] = {}
    for i, b in enumerate(bodies):
        kind = b.kind if b.kind != "central" else "department"
        rep = generate_report(seed + i, "2019", GenAgency(b.name, kind, b.region_path), year, noise=())
        (d / f"body_{i:04d}_{year}.txt").write_text(rep.text, encoding="utf-8")
        values[b.name] = rep.values
    return values
