"""The agency resolver on its own: forms, places, abbreviations, pinyin, homophones, typos, and that
close scores give a choice rather than a silent pick."""

from __future__ import annotations

import random

import pytest

from query.agencies import (
    AgencyIndex,
    AgencyRec,
    initials,
    pinyin,
    pinyin_variants,
    short_place,
    split_places,
)

NAMES = [
    ("银川市西夏区审批服务管理局", "宁夏回族自治区/银川市/西夏区"),
    ("银川市兴庆区人民政府", "宁夏回族自治区/银川市/兴庆区"),
    ("银川市兴庆区教育局", "宁夏回族自治区/银川市/兴庆区"),
    ("银川市行政审批服务局", "宁夏回族自治区/银川市"),
    ("中卫市审批服务管理局", "宁夏回族自治区/中卫市"),
    ("中卫市政务服务中心", "宁夏回族自治区/中卫市"),
    ("淮安市人民政府", "江苏省/淮安市"),
    ("淮安市洪泽区人民政府", "江苏省/淮安市/洪泽区"),
    ("淮安市洪泽区市场监督管理局", "江苏省/淮安市/洪泽区"),
    ("宁夏回族自治区人民政府", "宁夏回族自治区"),
]


@pytest.fixture(scope="module")
def index() -> AgencyIndex:
    recs = [AgencyRec(i + 1, n, "other", rp) for i, (n, rp) in enumerate(NAMES)]
    recs[3] = AgencyRec(4, NAMES[3][0], "department", NAMES[3][1], aliases=("银川市政务服务管理局",))
    return AgencyIndex(recs)


def name_of(index: AgencyIndex, res) -> list[str]:
    return [index.agencies[i].name for i in res.ids]


@pytest.mark.parametrize(
    ("q", "expect"),
    [
        ("银川市西夏区审批服务管理局", "银川市西夏区审批服务管理局"),
        ("西夏区审批服务管理局", "银川市西夏区审批服务管理局"),
        ("西夏区审批局", "银川市西夏区审批服务管理局"),
        ("银川市西夏区审批局", "银川市西夏区审批服务管理局"),
        ("西夏审批局", "银川市西夏区审批服务管理局"),
        ("西夏区", "银川市西夏区审批服务管理局"),  # the only body there
        ("兴庆区", "银川市兴庆区人民政府"),  # a place means its people's government
        ("兴庆区政府", "银川市兴庆区人民政府"),
        ("兴庆区教育局", "银川市兴庆区教育局"),
        ("银川审批局", "银川市行政审批服务局"),
        ("银川市审批局", "银川市行政审批服务局"),
        ("银川市政务服务管理局", "银川市行政审批服务局"),  # alias
        ("中卫审批局", "中卫市审批服务管理局"),
        ("中卫市政务中心", "中卫市政务服务中心"),
        ("淮安", "淮安市人民政府"),
        ("淮安市洪泽区", "淮安市洪泽区人民政府"),
        ("洪泽区市场监管局", "淮安市洪泽区市场监督管理局"),
        ("洪泽区市监局", "淮安市洪泽区市场监督管理局"),
        ("宁夏", "宁夏回族自治区人民政府"),
        ("xixiaqu", "银川市西夏区审批服务管理局"),
        ("xxq", "银川市西夏区审批服务管理局"),
        ("hongzequ", "淮安市洪泽区人民政府"),
        ("XingQingQu", "银川市兴庆区人民政府"),
        ("西厦区", "银川市西夏区审批服务管理局"),  # homophone, polyphonic 厦
        ("醒庆区", "银川市兴庆区人民政府"),
        ("洪则区", "淮安市洪泽区人民政府"),
        ("银川市西夏区审批服务管里局", "银川市西夏区审批服务管理局"),  # typo
        ("银川市西夏区审批服务局", "银川市西夏区审批服务管理局"),
        ("銀川市西夏區審批服務管理局", "银川市西夏区审批服务管理局"),  # traditional
        ("ＸＸＱ", "银川市西夏区审批服务管理局"),  # full-width
    ],
)
def test_resolves(index, q, expect):
    res = index.resolve_text(q)
    assert res.status == "ok", (q, res)
    assert name_of(index, res) == [expect]


@pytest.mark.parametrize(
    ("q", "must"),
    [
        ("审批局", {"银川市西夏区审批服务管理局", "银川市行政审批服务局", "中卫市审批服务管理局"}),
        ("审批服务管理局", {"银川市西夏区审批服务管理局", "中卫市审批服务管理局"}),
        ("中卫", {"中卫市审批服务管理局", "中卫市政务服务中心"}),
        ("银川", {"银川市西夏区审批服务管理局", "银川市兴庆区人民政府", "银川市行政审批服务局"}),
    ],
)
def test_ambiguous(index, q, must):
    res = index.resolve_text(q)
    assert res.status == "ambiguous", res
    assert must <= set(name_of(index, res))


@pytest.mark.parametrize(
    "q", ["石嘴山市大武口区", "北京市朝阳区人民政府", "火星", "qwertyuiop", "兴庆区公安局"]
)
def test_not_found(index, q):
    assert index.resolve_text(q).status == "not_found"


def test_place_offers_other_bodies(index):
    res = index.resolve_text("兴庆区")
    assert name_of(index, res) == ["银川市兴庆区人民政府"]
    assert [index.agencies[i].name for i in res.others] == ["银川市兴庆区教育局"]


def test_scan_finds_longest_mention(index):
    m = index.match_at("西夏区审批局2020", 0)
    assert m is not None and m.text == "西夏区审批局" and len(m.ids) == 1
    m = index.match_at("兴庆区 2018", 0)
    assert m is not None and m.place.endswith("兴庆区")


def test_helpers():
    assert (
        short_place("银川市") == "银川"
        and short_place("宁夏回族自治区") == "宁夏"
        and short_place("城区") == ""
    )
    assert split_places("银川市西夏区审批服务管理局") == (["银川市", "西夏区"], "审批服务管理局")
    assert split_places("淮安市城市管理局")[0] == ["淮安市"]
    assert pinyin("西夏区") == "xixiaqu" and initials("西夏区") == "xxq"
    assert "xixiaqu" in pinyin_variants("西厦区")


def test_empty_index_never_raises():
    idx = AgencyIndex([])
    assert idx.resolve_text("西夏区").status == "not_found"
    assert idx.match_at("西夏区", 0) is None


def test_many_generated_names_resolve_exactly_and_fuzzily():
    """A few thousand generated names: every official name resolves to itself; a one-character typo
    never resolves silently to a different body."""
    from tools.generator import generate_agencies

    gen = generate_agencies(3000, 11)
    idx = AgencyIndex(AgencyRec(i + 1, a.name, a.kind, "/".join(a.region_path)) for i, a in enumerate(gen))
    rng = random.Random(3)
    for i in rng.sample(range(len(gen)), 200):
        res = idx.resolve_text(gen[i].name)
        assert res.status == "ok" and res.ids == [i + 1]
    wrong = 0
    for i in rng.sample(range(len(gen)), 200):
        name = gen[i].name
        k = rng.randrange(len(name))
        res = idx.resolve_text(name[:k] + "甲" + name[k + 1 :])
        wrong += res.status == "ok" and res.ids != [i + 1]
    assert wrong <= 2
