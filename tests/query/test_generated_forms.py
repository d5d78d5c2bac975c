"""排第几, 占比 and 平均 over generated bodies (issue 14): many bodies, years, indicators and wordings, each
answer checked against figures computed from the generator's manifest, never from the engine; and the
must-not-number family of each form (unknown body or place, an indicator we lack, words appended, a scope
we cannot resolve) comes back without any number.

The store holds two generated cities (tools.generator.write_region_corpus: a city's government and
departments, two counties, two towns; some bodies without a report in some years), parsed and ingested.
"""

from __future__ import annotations

import json
import random
import re
from decimal import ROUND_HALF_EVEN, Decimal

import pytest

from tests.query.conftest import said

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
TODAY_YEARS = (2020, 2021, 2022)
# indicator word → manifest key (direct cells of the 2019/2021 tables, so the manifest holds them as printed)
WORDS = {"依申请数": "apply.received.total", "予以公开": "apply.result.granted.total",
         "部分公开": "apply.result.partial.total", "行政复议": "review.total"}  # fmt: skip
COLUMNS = {"自然人": "natural_person", "商业企业": "commercial", "法律服务机构": "legal", "科研机构": "research"}


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    """(answerer, manifest) over two generated cities, seeds 0 and 3."""
    gen = pytest.importorskip("tools.generator")
    import service.ingest as ingest
    from query.engine import Answerer
    from storage.db import create_all, get_engine

    d = tmp_path_factory.mktemp("genforms")
    manifest = []
    for seed in (0, 3):
        path = gen.write_region_corpus(d / f"files{seed}", seed=seed, years=TODAY_YEARS)
        manifest += json.loads(path.read_text(encoding="utf-8"))["reports"]
    eng = get_engine(f"sqlite:///{d / 'store.db'}")
    create_all(eng)
    summary = ingest.ingest_paths(eng, [d / "files0", d / "files3"], progress=False)
    assert len(summary.stored) == len(manifest)
    return Answerer(eng), manifest


# ------------------------------------------------------------------------------------ figures from the manifest
def bodies(manifest) -> dict[str, tuple[str, ...]]:
    """Every body → its region path below the province (the store knows invented cities without it)."""
    return {r["agency"]: tuple(r["region_path"][1:]) for r in manifest}


def value(manifest, agency: str, year: int, key: str) -> float | None:
    got = [r["values"].get(key) for r in manifest if r["agency"] == agency and r["year"] == year]
    return got[0] if got else None


def in_place(manifest, place: str) -> list[str]:
    return [a for a, path in bodies(manifest).items() if place in path]


def natural_scope(manifest, agency: str) -> list[str]:
    """The bodies of the same place level under the body's parent region (docs/query.md)."""
    path = bodies(manifest)[agency]
    return [a for a, p in bodies(manifest).items() if len(p) == len(path) and p[:-1] == path[:-1]]


def position(manifest, agency: str, year: int, key: str, scope: list[str], ascending: bool = False):
    """(place, ties, counted, names without a figure) of `agency` in `scope`."""
    vals = {a: value(manifest, a, year, key) for a in scope}
    have = {a: v for a, v in vals.items() if v is not None}
    mine = have[agency]
    better = sum(1 for v in have.values() if (v < mine if ascending else v > mine))
    tied = sum(1 for v in have.values() if v == mine) - 1
    return better + 1, tied, len(have), sorted(a for a, v in vals.items() if v is None)


def short(agency: str, path: tuple[str, ...]) -> str:
    """The name without its city (丰庆区司法局), as people write it."""
    return agency[len(path[0]):] if agency.startswith(path[0]) and len(path) > 1 else agency


def header_number(header: str, after: str) -> Decimal:
    m = re.search(re.escape(after) + r"[^0-9]*?([0-9][0-9,]*(?:\.[0-9]+)?)", header)
    assert m, header
    return Decimal(m.group(1).replace(",", ""))


# ------------------------------------------------------------------------------------------------ 排第几
NAMED_PLACE = ("{b}{y}年{w}在{p}排第几", "{b}{y}{w}在{p}排名第几", "{y}年{b}{w}在{p}中排第几",
               "{b}{y}年{w}在{p}里排第几", "{b}{y}年{w}在{p}是第几名", "{b}{y}年在{p}{w}排第几",
               "{b}{y}年{w}在{p}排前三吗", "{b}{y}年{w}在{p}排名", "{b}{y}年{w}在{p}排前几")  # fmt: skip
NATURAL = ("{b}{y}年{w}排第几", "{b}{y}{w}排名第几", "{y}年{b}的{w}第几名", "{b}{y}年{w}排在第几位",
           "{b}{y}年{w}名次", "{y}年{b}{w}排名", "{b}{y}年{w}的名次",  # one body + rank words: its place
           "{b}{y}年{w}最多吗", "{b}{y}年{w}前5名", "{b}{y}年{w}排名前几")


def _cases(manifest, n: int, seed: int):
    """(agency, year, word) sampled from the reports whose body has a figure."""
    rng = random.Random(seed)
    rows = [(r["agency"], r["year"], w) for r in manifest for w, k in WORDS.items() if r["values"].get(k) is not None]
    return rng.sample(rows, n)


def _check_position(ans, manifest, agency, year, key, scope, ascending=False):
    text = said(ans)
    assert ans.status == "ok" and ans.intent == "position", text
    place, tied, counted, missing = position(manifest, agency, year, key, scope, ascending)
    assert [(a.agency, a.year, a.value) for a in ans.answers] == [(agency, year, value(manifest, agency, year, key))]
    ranked = re.search(r"(\d+) 个(?:同级)?单位中排第 (\d+) 名", ans.header)
    assert ranked and (int(ranked[1]), int(ranked[2])) == (len(scope), place), ans.header
    assert f"{counted} 个单位有数字" in ans.header, ans.header
    assert (f"与 {tied} 个单位并列" in ans.header) == bool(tied), ans.header
    assert ("未参加排位" in text) == bool(missing), text
    for name in missing:
        assert name in text, (name, text)


def test_position_in_a_named_place(region):
    answerer, manifest = region
    paths = bodies(manifest)
    rng = random.Random(11)
    for i, (agency, year, word) in enumerate(_cases(manifest, 40, 1)):
        path = paths[agency]
        place = rng.choice(path[:-1] if len(path) > 1 else path)  # a region the body is in (city or county)
        form = NAMED_PLACE[i % len(NAMED_PLACE)]
        q = form.format(b=rng.choice((agency, short(agency, path))), y=year, w=word, p=place)
        ans = answerer.ask(q, chat_key=f"pn{i}")
        _check_position(ans, manifest, agency, year, WORDS[word], in_place(manifest, place))


def test_position_in_its_natural_scope(region):
    """No place named: the bodies of its level under its parent (a city's own bodies have no parent region
    in the store: the bodies of that level in it, both cities')."""
    answerer, manifest = region
    cases = _cases(manifest, 45, 2)
    for i, (agency, year, word) in enumerate(cases):
        q = NATURAL[i % len(NATURAL)].format(b=agency, y=year, w=word)
        ans = answerer.ask(q, chat_key=f"pa{i}")
        _check_position(ans, manifest, agency, year, WORDS[word], natural_scope(manifest, agency))
        assert "同级" in ans.header


def test_position_from_the_bottom(region):
    answerer, manifest = region
    paths = bodies(manifest)
    for i, (agency, year, word) in enumerate(_cases(manifest, 12, 3)):
        place = paths[agency][0]
        ans = answerer.ask(f"{agency}{year}年{word}在{place}倒数第几", chat_key=f"pd{i}")
        _check_position(ans, manifest, agency, year, WORDS[word], in_place(manifest, place), ascending=True)
        assert "从少到多" in ans.header


def test_position_in_the_whole_level_of_its_place(region):
    """在全区/全县/全市排第几: the place of that level on the body's own region path."""
    answerer, manifest = region
    paths = bodies(manifest)
    cases = [c for c in _cases(manifest, 80, 4) if len(paths[c[0]]) >= 2][:12]
    for i, (agency, year, word) in enumerate(cases):
        county = paths[agency][1]
        level = county[-1]  # 区 or 县
        ans = answerer.ask(f"{agency}{year}年{word}在全{level}排第几", chat_key=f"pl{i}")
        _check_position(ans, manifest, agency, year, WORDS[word], in_place(manifest, county))
        city = paths[agency][0]
        ans = answerer.ask(f"{agency}{year}年{word}在全市排第几", chat_key=f"pc{i}")
        _check_position(ans, manifest, agency, year, WORDS[word], in_place(manifest, city))
        other = "县" if level == "区" else "区"  # a level the body's path does not have: no number, never its parent
        ans = answerer.ask(f"{agency}{year}年{word}在全{other}排第几", chat_key=f"po{i}")
        assert ans.status == "not_found" and not ans.answers, said(ans)


def test_position_of_a_body_without_a_report_that_year_gives_no_number(region):
    answerer, manifest = region
    held = {(r["agency"], r["year"]) for r in manifest}
    gaps = [(a, y) for a in bodies(manifest) for y in TODAY_YEARS if (a, y) not in held]
    assert gaps
    for i, (agency, year) in enumerate(gaps):
        ans = answerer.ask(f"{agency}{year}年依申请数排第几", chat_key=f"pg{i}")
        assert ans.status == "no_data" and not ans.answers, said(ans)


# ------------------------------------------------------------------------------------------------ 占比
SHARE_FORMS = ("{b}{y}年{c}申请占比", "{y}年{b}{c}申请占多少", "{b}{y}{c}申请占依申请数的比例",
               "{b}{y}年{c}申请百分之几", "{b}{y}年{c}申请所占比例", "{b}{y}年{c}申请的比例")  # fmt: skip


def percent(part: float, whole: float) -> Decimal:
    return (Decimal(100) * Decimal(str(part)) / Decimal(str(whole))).quantize(Decimal("0.01"), ROUND_HALF_EVEN)


def test_share_of_an_applicant_column(region):
    answerer, manifest = region
    paths = bodies(manifest)
    rng = random.Random(5)
    rows = [r for r in manifest if r["values"].get("apply.received.total")]
    for i, r in enumerate(rng.sample(rows, 36)):
        word, col = rng.choice(list(COLUMNS.items()))
        part = r["values"].get(f"apply.received.{col}")
        q = SHARE_FORMS[i % len(SHARE_FORMS)].format(b=rng.choice((r["agency"], short(r["agency"], paths[r["agency"]]))),
                                                     y=r["year"], c=word)
        ans = answerer.ask(q, chat_key=f"sh{i}")
        text = said(ans)
        if part is None:
            assert not ans.answers, text
            continue
        assert ans.status == "ok" and len(ans.answers) == 1, text
        got = ans.answers[0]
        assert got.agency == r["agency"] and got.unit == "%" and got.derived_from, text
        assert Decimal(str(got.value)) == percent(part, r["values"]["apply.received.total"]), (q, text)
        assert "推算" in text


def test_share_with_a_zero_total_gives_no_number(region):
    answerer, manifest = region
    rows = [r for r in manifest if r["values"].get("apply.received.total") == 0]
    assert rows
    for i, r in enumerate(rows[:6]):
        ans = answerer.ask(f"{r['agency']}{r['year']}年自然人申请占比", chat_key=f"sz{i}")
        assert not ans.answers, said(ans)


# ------------------------------------------------------------------------------------------------ 平均
AVERAGE_FORMS = ("{p}{y}年平均每个单位{w}", "{y}年{p}平均每个单位{w}", "{p}{y}各单位平均{w}",
                 "{p}{y}年{w}平均值", "{p}{y}年平均每家单位{w}", "{p}{y}年单位平均{w}")  # fmt: skip


def test_average_over_the_bodies_with_a_figure(region):
    answerer, manifest = region
    places = sorted({p for path in bodies(manifest).values() for p in path[:2] if len(in_place(manifest, p)) > 1})
    rng = random.Random(7)
    i = 0
    for place in places:
        for year in TODAY_YEARS:
            word = rng.choice(list(WORDS))
            scope = in_place(manifest, place)
            have = [v for a in scope if (v := value(manifest, a, year, WORDS[word])) is not None]
            q = AVERAGE_FORMS[i % len(AVERAGE_FORMS)].format(p=place, y=year, w=word)
            i += 1
            ans = answerer.ask(q, chat_key=f"av{i}")
            text = said(ans)
            assert ans.status == "ok" and ans.intent == "total", (q, text)
            mean = (Decimal(str(sum(have))) / len(have)).quantize(Decimal("0.01"))
            assert header_number(ans.header, "平均每个单位") == mean, (q, ans.header)
            assert f"÷ {len(have)} 个有数字的单位" in ans.header and f"共 {len(scope)} 个单位" in ans.header
            for a in scope:
                if value(manifest, a, year, WORDS[word]) is None:
                    assert a in text and "未计入" in text, (a, text)


def test_no_average_of_one_body(region):
    answerer, manifest = region
    for i, r in enumerate(manifest[::7]):
        ans = answerer.ask(f"{r['agency']}{r['year']}年平均每个单位依申请数", chat_key=f"a1{i}")
        assert ans.status != "ok" and not ans.answers, said(ans)


# ------------------------------------------------------------------------------------------ must not number
def numbers_in(text: str, question: str) -> list[str]:
    """Digits in the reply that are not the question's own nor an example year of a hint (19xx/20xx)."""
    asked = set(re.findall(r"\d+", question))
    return [n for n in re.findall(r"\d+(?:\.\d+)?", text) if n not in asked and not re.fullmatch(r"(19|20)\d\d", n)]


def _traps(manifest):
    paths = bodies(manifest)
    rng = random.Random(9)
    r = rng.choice([r for r in manifest if len(paths[r["agency"]]) > 1 and r["values"].get("apply.received.total")])
    a, y = r["agency"], r["year"]
    city, county = paths[a][0], paths[a][1]
    stranger = f"{city}{county}气象局"  # a body of the same place we hold no report from
    out = []
    for form in ("{b}{y}年{w}排第几", "{b}{y}年{w}在{p}排第几", "{b}{y}年自然人申请占比", "{p}{y}年平均每个单位{w}"):
        fill = {"y": y, "w": "依申请数", "p": county, "b": a}
        out += [
            form.format(**{**fill, "b": stranger, "p": "龙虎县"}),  # unknown body / unknown place
            form.format(**{**fill, "w": "游客接待量"}) if "{w}" in form else form.format(**fill) + "游客接待量",
            form.format(**fill) + "呱呱呱",  # words we cannot read
            form.format(**fill).replace("依申请数", "依申请数和天气") if "{w}" in form else form.format(**fill) + "和天气",
        ]
    other = next(p[1] for p in paths.values() if len(p) > 1 and p[0] == city and p[1] != county)
    out += [f"{a}{y}年依申请数在{other}排第几", f"{short(a, paths[a])}{y}年予以公开在{other}里排第几",  # not its place
            f"{a}{y}年商业企业申请占全市的比例", f"{a}{y}年自然人申请占全{county[-1]}的比例",  # a place's total
            f"{a}{y}年依申请数在龙虎县排第几", f"{a}{y}年依申请数在月亮市中排第几", f"龙虎县{y}年平均每个单位依申请数",
            f"{a}{y}年复议占比", f"{a}{y}年主动公开占比", f"{county}{y}年平均纠错率", f"{a}{y}年平均每月收到多少申请"]
    return out


def test_must_not_number_family(region):
    answerer, manifest = region
    for i, q in enumerate(_traps(manifest)):
        ans = answerer.ask(q, chat_key=f"tr{i}")
        text = said(ans)
        assert ans.status in ("not_found", "no_data", "ambiguous") and not ans.answers, (q, ans.status, text)
        assert not numbers_in(ans.text, q), (q, ans.text)


# ------------------------------------------------------------------------------------------- central bodies
def _local_twin(name: str, city: str) -> str:
    """A city's body with a similar name (交通运输部 → 峰凌市交通运输局, 海关总署 → 峰凌市海关局)."""
    core = re.sub(r"^(?:国家|中国)", "", name)
    return city + re.sub(r"(?:总局|总署|部|署)$", "局", core)


@pytest.fixture(scope="module")
def central(tmp_path_factory):
    """(answerer, held central bodies, not held ones, {name: 2023 依申请数}) — central bodies sampled from
    reports/data/central_bodies.csv, and local bodies with similar names held for some of both."""
    pytest.importorskip("tools.generator")
    import service.ingest as ingest
    from query.engine import Answerer
    from reports.central import central_bodies
    from storage.db import create_all, get_engine
    from tools.generator import generate_report

    rng = random.Random(13)
    pool = [b for b in central_bodies() if b.until is None and (b.since or 0) <= 2023
            and b.name.endswith(("部", "署", "总局", "局", "委员会"))]  # fmt: skip
    chosen = rng.sample(pool, 14)
    held, absent = chosen[:6], chosen[6:]
    locals_ = [_local_twin(b.name, "峰凌市") for b in held[:3] + absent[:4]]
    folder = tmp_path_factory.mktemp("central_gen")
    values = {}
    for i, name in enumerate([b.name for b in held] + locals_):
        rep = generate_report(100 + i, "2021", name, 2023, noise=())
        (folder / f"c{i}.txt").write_text(rep.text, encoding="utf-8")
        values[name] = rep.values["apply.received.total"]
    eng = get_engine(f"sqlite:///{folder / 'store.db'}")
    create_all(eng)
    summary = ingest.ingest_paths(eng, [folder], progress=False)
    assert len(summary.stored) == len(values)
    return Answerer(eng), held, absent, values


CENTRAL_FORMS = ("{b}2023年依申请数", "{b} 2023 依申请数", "2023年{b}收到多少申请", "{b}2023依申请数是多少",
                 "2023年{b}的依申请数")  # fmt: skip


def _forms(body) -> list[str]:
    """Its full name, with 中华人民共和国, and its own short forms (never a form local bodies share)."""
    return [body.name, "中华人民共和国" + body.name, *body.short]


@pytest.mark.parametrize("lazy", [False, True])
def test_a_held_central_body_answers_for_itself_in_every_form(central, monkeypatch, lazy):
    if lazy:
        monkeypatch.setenv("DISCLOSURE_LAZY_FROM", "1")
    answerer, held, _, values = central
    for body in held:
        for i, name in enumerate(_forms(body)):
            q = CENTRAL_FORMS[i % len(CENTRAL_FORMS)].format(b=name)
            ans = answerer.ask(q, chat_key=f"ch{lazy}{body.name}{i}")
            assert ans.status == "ok", (q, said(ans))
            assert [(a.agency, a.value) for a in ans.answers] == [(body.name, values[body.name])], q


@pytest.mark.parametrize("lazy", [False, True])
def test_a_central_body_we_do_not_hold_is_not_found_by_name(central, monkeypatch, lazy):
    """Never another body's number: some of these have a held local body of a similar name."""
    if lazy:
        monkeypatch.setenv("DISCLOSURE_LAZY_FROM", "1")
    answerer, _, absent, _ = central
    for body in absent:
        for i, name in enumerate(_forms(body)):
            q = CENTRAL_FORMS[i % len(CENTRAL_FORMS)].format(b=name)
            ans = answerer.ask(q, chat_key=f"ca{lazy}{body.name}{i}")
            assert ans.status == "not_found" and not ans.answers, (q, said(ans))
            assert name in ans.text, (q, ans.text)


def test_a_local_body_with_a_similar_name_is_never_the_central_one(central):
    answerer, held, absent, values = central
    for body in held[:3] + absent[:4]:
        local = _local_twin(body.name, "峰凌市")
        for i, form in enumerate(CENTRAL_FORMS[:3]):
            ans = answerer.ask(form.format(b=local), chat_key=f"cl{local}{i}")
            assert ans.status == "ok", said(ans)
            assert [(a.agency, a.value) for a in ans.answers] == [(local, values[local])]


RESULT_ROWS = {"予以公开": ("granted",), "部分公开": ("partial",),
               "不予公开": tuple(f"denied.{k}" for k in ("state_secret", "law_prohibited", "security_stability",
                                                       "third_party", "internal_affairs", "process_info",
                                                       "enforcement_file", "query_item"))}  # fmt: skip
RESULT_FORMS = ("{b}{y}年{w}占比", "{y}年{b}{w}占多少", "{b}{y}{w}所占比例", "{b}{y}年{w}百分之几")


def test_share_of_a_result_row_is_over_the_results_total(region):
    """A row of 办理结果 over 办理结果总计 (不予公开 is its eight rows); a blank row gives no number."""
    answerer, manifest = region
    rng = random.Random(17)
    rows = [r for r in manifest if r["values"].get("apply.result.total.total")]
    for i, r in enumerate(rng.sample(rows, 24)):
        word = list(RESULT_ROWS)[i % len(RESULT_ROWS)]
        parts = [r["values"].get(f"apply.result.{k}.total") for k in RESULT_ROWS[word]]
        q = RESULT_FORMS[i % len(RESULT_FORMS)].format(b=r["agency"], y=r["year"], w=word)
        ans = answerer.ask(q, chat_key=f"sr{i}")
        text = said(ans)
        if None in parts:
            assert not ans.answers, (q, text)
            continue
        assert ans.status == "ok" and len(ans.answers) == 1, (q, text)
        got = Decimal(str(ans.answers[0].value))
        assert got == percent(sum(parts), r["values"]["apply.result.total.total"]), (q, text)
        assert ans.answers[0].unit == "%" and "推算" in text


def test_a_central_body_is_placed_among_the_central_bodies(central):
    """No place on its path: ranked among the held bodies with no place (the central ones), never the local."""
    answerer, held, _, values = central
    figures = {b.name: values[b.name] for b in held}
    for i, body in enumerate(held):
        ans = answerer.ask(f"{body.short[0] if body.short else body.name}2023年依申请数排第几", chat_key=f"cp{i}")
        assert ans.status == "ok" and [(a.agency, a.value) for a in ans.answers] == [(body.name, figures[body.name])]
        place = 1 + sum(1 for v in figures.values() if v > figures[body.name])
        ranked = re.search(r"(\d+) 个(?:同级)?单位中排第 (\d+) 名", ans.header)
        assert ranked and (int(ranked[1]), int(ranked[2])) == (len(held), place), ans.header
