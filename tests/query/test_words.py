"""Words and names as people write them (issue 12 item 5, issue 14): vocabulary data, numerals,
OpenCC, the national divisions, generated short forms, English and pinyin questions."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date

import pytest

from query.agencies import AgencyIndex, AgencyRec, national_places
from query.indicators import CONCEPTS, phrase_table
from query.parse_question import cn_number, parse_question, strip_fillers
from query.vocabulary import DATA, VocabularyError, concept_rows, parse_formula
from reports.divisions import LEVEL_COUNTY, by_name, divisions
from reports.regions import region_path, short_forms
from reports.shortnames import body_short_forms, pattern_form
from reports.text import has_traditional, to_simplified
from tests.query.conftest import TODAY, said

# ------------------------------------------------------------------------------------ vocabulary


def test_every_word_in_the_data_reads_as_its_own_concept():
    table = phrase_table()
    rows = [ln for ln in (DATA / "indicator_words.csv").open(encoding="utf-8") if not ln.startswith("#")]
    words = [(r["concept"], r["word"]) for r in csv.DictReader(rows)]
    clashes = [w for w, n in Counter(w.replace(" ", "").lower() for _c, w in words).items() if n > 1]
    assert not clashes, f"a word may name one concept only: {clashes}"
    for cid, word in words:
        key = word.replace(" ", "").lower().replace("的", "")
        assert table[key][0] == cid, (word, table[key])


def test_row_words_name_real_catalogue_rows():
    from query.vocabulary import key_words
    from reports.catalogue import by_key

    assert key_words()
    for cid in key_words():
        assert cid[4:] in by_key(), cid


def test_every_concept_has_words_and_formulas():
    assert {r.id for r in concept_rows()} == set(CONCEPTS)
    assert all(r.words and r.formulas for r in concept_rows())


@pytest.mark.parametrize(
    ("text", "formula"),
    [
        ("review.total", "review.total"),
        ("sum(a.b, c.d)", ("sum", ("a.b", "c.d"))),
        (
            "ratio(sum(a, b), sum(c, ratio(d, e)))",
            ("ratio", ("sum", ("a", "b")), ("sum", ("c", ("ratio", "d", "e")))),
        ),
    ],
)
def test_formula_syntax(text, formula):
    assert parse_formula(text) == formula


@pytest.mark.parametrize("bad", ["sum(a, b", "ratio(a)", "a b", "sum()", "x)", "ratio(a, b, c)"])
def test_a_bad_formula_is_a_clear_error(bad):
    with pytest.raises(VocabularyError):
        parse_formula(bad)


@pytest.mark.parametrize(
    ("question", "concept"),
    [
        ("临江市 2019 公开了多少", "active_total"),
        ("临江市 2020 被告了几次", "litigation_total"),
        ("临江市 2020 被复议了几次", "review_total"),
        ("临江市 2021 办结了多少", "apply_closed"),
        ("临江市 2021 办理结果总计", "apply_answered"),
        ("临江市 2020 拒绝了多少", "denied"),
        ("linjiang city 2019 requests received", "apply_received"),
        ("linjiang city 2019 lawsuits", "litigation_total"),
        ("linjiang city 2019 administrative reconsideration", "review_total"),
        ("linjiangshi 2019 yishenqing", "apply_received"),
        ("linjiangshi 2019 xingzhengfuyi", "review_total"),
    ],
)
def test_words_people_use_find_the_indicator(question, concept):
    pq = parse_question(question, TODAY)
    flat = pq.rest.replace(" ", "")
    table = phrase_table()
    found = {
        table[flat[i:j]][0]
        for i in range(len(flat))
        for j in range(i + 2, len(flat) + 1)
        if flat[i:j] in table
    }
    assert concept in found, (question, found)


def test_办结_answers_the_2021_results_total(fixture_answerer):
    ans = fixture_answerer.ask("兴庆区 2021 办结", today=TODAY)
    assert ans.status in {"ok", "no_data"}, said(ans)
    if ans.status == "ok":
        assert ans.answers[0].indicator == "apply.result.total.total"


# ------------------------------------------------------------------------------------ numerals, OpenCC


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("三", 3),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("两", 2),
        ("一百二十", 120),
        ("二〇二三", 2023),
        ("百", None),
        ("x", None),
    ],
)
def test_cn_number(text, value):
    assert cn_number(text) == value


@pytest.mark.parametrize("written", ["二〇二三", "二零二三", "二○二三", "2023"])
@pytest.mark.parametrize("tail", ["", "年", "年度", " 年"])
@pytest.mark.parametrize("where", ["front", "middle", "end"])
def test_every_year_form_with_or_without_年(written, tail, where):
    year = written + tail
    q = {
        "front": f"{year} 洪泽区 依申请数",
        "middle": f"洪泽区 {year} 依申请数",
        "end": f"洪泽区依申请数{year}",
    }[where]
    pq = parse_question(q, date(2025, 1, 1))
    assert pq.years == [2023], (q, pq.years)
    assert "洪泽区" in pq.rest


def test_spelled_years_need_年():
    assert parse_question("两千零二十三年 洪泽区", TODAY).years == [2023]
    assert parse_question("一二三四 洪泽区", TODAY).years == []  # not a year we could mean


def test_one_opencc_for_every_reader():
    assert has_traditional("西夏區審批局") and not has_traditional("西夏区审批局 依申请数")
    assert to_simplified("銀川市西夏區") == "银川市西夏区"
    assert parse_question("西夏區 2020 依申請數", TODAY).rest == "西夏区 依申请数"


# ------------------------------------------------------------------------------------ divisions


def test_the_whole_country_is_there():
    current = [d for d in divisions() if d.current]
    assert len({d.path[0] for d in current}) == 34
    assert sum(d.level == LEVEL_COUNTY for d in current) > 2800
    assert all(d.code.isdigit() and len(d.code) == 6 for d in current)
    assert [d.path for d in by_name()["大武口区"]] == [("宁夏回族自治区", "石嘴山市", "大武口区")]
    assert ("江苏省", "淮安市", "洪泽县") in [
        d.path for d in by_name()["洪泽县"]
    ]  # retired 2016, in old reports


def _sample_counties(step: int = 37) -> list[str]:
    names = sorted(
        d.name for d in divisions() if d.current and d.level == LEVEL_COUNTY and len(by_name()[d.name]) == 1
    )
    return names[::step]


@pytest.mark.parametrize("county", _sample_counties())
def test_a_real_county_with_no_report_is_a_place_never_dropped(fixture_answerer, county):
    if any(county in a.name for a in fixture_answerer.agencies.values()):
        pytest.skip(f"{county} has reports in the fixture store")
    ans = fixture_answerer.ask(f"{county} 2020 依申请数", today=TODAY)
    assert ans.status == "not_found", said(ans)
    assert not ans.answers
    assert county in said(ans)
    assert region_path(county + "人民政府")[-1] == county and len(region_path(county + "人民政府")) >= 2


@pytest.mark.parametrize(
    "place", ["大武口 2020 依申请数", "清江浦 2024 依申请数", "盱眙县 二〇二三 依申请数"]
)
def test_issue_examples_of_unknown_places(fixture_answerer, place):
    ans = fixture_answerer.ask(place, today=TODAY)
    assert ans.status == "not_found" and not ans.answers, said(ans)


def test_a_chinese_year_without_年_is_read(fixture_answerer):
    ans = fixture_answerer.ask("洪泽区 二〇二三 依申请数", today=TODAY)
    assert ans.status == "ok" and {a.year for a in ans.answers} == {2023}, said(ans)


def test_national_places_hold_no_ordinary_words():
    places = national_places()
    for word in ("城区", "郊区", "矿区", "全市", "市区", "新区", "开发区", "依申请", "行政复议"):
        assert word not in places


# ------------------------------------------------------------------------------------ short forms


@pytest.mark.parametrize(
    ("body", "short"),
    [
        ("科学技术委员会", "科委"),
        ("发展和改革委员会", "发改委"),
        ("发展和改革局", "发改局"),
        ("人力资源和社会保障局", "人社局"),
        ("住房和城乡建设局", "住建局"),
        ("地方税务局", "地税局"),
        ("市场监督管理局", "市监局"),
        ("行政审批服务局", "审批局"),
        ("卫生健康委员会", "卫健委"),
    ],
)
def test_standard_short_forms(body, short):
    assert short in body_short_forms(body)


def test_the_general_pattern_covers_names_no_rule_lists():
    assert pattern_form("水利水务委员会") == "水水委"
    assert body_short_forms("人力资源和社会保障局") == (
        "人社局",
    )  # a rule wins over the pattern (人资社保局)
    assert pattern_form("教育局") == ""


def test_short_forms_with_and_without_the_place():
    forms = short_forms("上海市科学技术委员会")
    assert {"上海市科委", "上海市科技委"} <= set(forms)
    forms = short_forms("平潭县地方税务局")
    assert "平潭县地税局" in forms


@pytest.mark.parametrize(
    ("text", "kept"),
    [("上海市科委", "上海市科委"), ("平潭地税局", "平潭地税局"), ("请问 上海科委 的 是多少", "上海科委")],
)
def test_the_reader_keeps_every_character_of_a_name(text, kept):
    assert strip_fillers(text) == kept


@pytest.mark.parametrize("question", ["上海市科委 2020 依申请数", "平潭地税局 2019 依申请数"])
def test_unknown_bodies_are_named_as_written(fixture_answerer, question):
    ans = fixture_answerer.ask(question, today=TODAY)
    assert ans.status == "not_found" and not ans.answers
    assert f"「{question.split()[0]}」" in said(ans)


@pytest.fixture(scope="module")
def national_corpus():
    from tools.generator import generate_agencies

    gen = generate_agencies(1500, seed=12)
    recs = [AgencyRec(i + 1, a.name, a.kind, "/".join(a.region_path)) for i, a in enumerate(gen)]
    return recs, AgencyIndex(recs)


def test_every_short_form_of_every_generated_body(national_corpus):
    """Each short form resolves to its body or comes back ambiguous with it among the candidates."""
    recs, index = national_corpus
    # a form that is another body's own name (full, or without its places: 龙康区教育局 when the county
    # has both 教育局 and 教育体育局) means that body, not a short form of this one
    full_names = {r.name for r in recs}
    for r in recs:
        body = r.name[len("".join(r.region_path.split("/")[1:])) :]
        full_names |= {f for f in short_forms(r.name) if body and f.endswith(body)}
    checked, wrong, missing = 0, [], []
    for rec in recs:
        place = "".join(p for p in rec.region_path.split("/")[1:])
        body = rec.name[len(place) :] if place and rec.name.startswith(place) else ""
        forms = set(short_forms(rec.name))
        if body:
            forms |= {place + s for s in body_short_forms(body)}
        for form in forms - full_names:
            res = index.resolve_text(form)
            checked += 1
            if res.status == "ok" and res.ids != [rec.id]:
                wrong.append((form, rec.name, [index.agencies[a].name for a in res.ids]))
            elif res.status == "ambiguous" and rec.id not in res.ids:
                wrong.append((form, rec.name, "ambiguous without it"))
            elif res.status == "not_found":
                missing.append((form, rec.name))
    assert checked > 2000
    assert not wrong, wrong[:10]
    assert not missing, missing[:10]


# ------------------------------------------------------------------------------------ English and pinyin


XQ_2019_RECEIVED = [("银川市兴庆区人民政府", 2019, "apply.received.total")]
ENGLISH = {  # question → the (agency, year, indicator) answered; [] = not_found for a real place
    "Xingqing district 2019 requests received": XQ_2019_RECEIVED,
    "xingqingqu 2019 yishenqing": XQ_2019_RECEIVED,
    "Xingqing District 2019 FOI requests": XQ_2019_RECEIVED,
    "2019 xingqing district requests": XQ_2019_RECEIVED,
    "Dawukou district 2020 requests received": [],
    "qingjiangpu 2020 lawsuits": [],
}


@pytest.mark.parametrize("question", list(ENGLISH))
def test_english_and_pinyin_questions(fixture_answerer, question):
    ans = fixture_answerer.ask(question, today=TODAY)
    got = [(a.agency, a.year, a.indicator) for a in ans.answers]
    assert (ans.status, got) == ("ok" if ENGLISH[question] else "not_found", ENGLISH[question]), said(ans)


def test_short_forms_with_and_without_the_place_in_the_index():
    recs = [
        AgencyRec(1, "上海市科学技术委员会", "department", "上海市"),
        AgencyRec(2, "北京市科学技术委员会", "department", "北京市"),
        AgencyRec(3, "上海市发展和改革委员会", "department", "上海市"),
        AgencyRec(4, "福建省平潭县地方税务局", "department", "福建省/福州市/平潭县"),
    ]
    index = AgencyIndex(recs)
    for form, ids in [
        ("上海市科委", [1]),
        ("上海科委", [1]),
        ("上海市市科委", [1]),
        ("上海发改委", [3]),
        ("平潭地税局", [4]),
        ("平潭县地税局", [4]),
    ]:
        res = index.resolve_text(form)
        assert (res.status, res.ids) == ("ok", ids), form
    for form in ("市科委", "科委"):  # which city's? never picked silently
        res = index.resolve_text(form)
        assert res.status == "ambiguous" and set(res.ids) == {1, 2}, form


def test_english_questions_are_told_apart_and_have_a_bilingual_help():
    from query.english import english_help, is_english

    assert is_english("what is the weather") and is_english("Xixia district 2020 requests received")
    assert not is_english("西夏区 2020 依申请数") and not is_english("2020")
    text = english_help()
    assert "requests received" in text and "依申请数" in text
