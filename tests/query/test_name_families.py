"""Name families of issue 14 (third pass): filler words inside body names, explicit names of another
level, one candidate, retired place names, places in pinyin. Over generated bodies, not one example.

Each family once answered a different body with numbers: 「淮安市数据局」 as 淮安市人民政府 (数据 a filler),
「银川市人民政府」 as 银川市兴庆区人民政府, 「安溪市定庆区教育局」 as 安溪市教育局.
"""

from __future__ import annotations

import pytest

from query.agencies import AgencyIndex, AgencyRec, successors
from query.parse_question import FILLERS, strip_fillers
from reports.divisions import divisions
from tools.generator import generate_agencies


@pytest.fixture(scope="module")
def gen_index():
    gen = generate_agencies(600, 11)
    recs = [AgencyRec(i + 1, a.name, a.kind, "/".join(a.region_path)) for i, a in enumerate(gen)]
    return gen, AgencyIndex(recs)


@pytest.mark.parametrize("suffix", ["局", "中心", "委", "办", "站", "馆"])
def test_a_filler_word_before_a_body_ending_stays_in_the_name(suffix):
    two = [w for w in FILLERS if len(w) >= 2 and w.isascii() is False][:40]
    for word in two:
        assert word + suffix in strip_fillers(f"某市{word}{suffix}").replace(" ", ""), word


def test_a_homophone_of_a_body_ending_keeps_its_filler_and_plain_fillers_still_go():
    assert "统计据" in strip_fillers("上海统计据")
    assert strip_fillers("数据 统计 多少") == ""


def test_an_outer_place_with_an_inner_bodys_full_name_is_never_that_inner_body(gen_index):
    """「X市教育局」 when only X市Y区教育局 is held: not ok for the county's body (another level)."""
    gen, index = gen_index
    held = {a.name for a in gen}
    checked = wrong = 0
    for i, a in enumerate(gen, 1):
        if len(a.region_path) != 3:
            continue
        city, county = a.region_path[1], a.region_path[2]
        core = a.name[len(city) + len(county):]
        for asked in (city + core, city + "甲乙区" + core):
            if asked in held:
                continue
            checked += 1
            res = index.resolve_text(asked)
            wrong += res.status == "ok" and res.ids == [i]
    assert checked > 100 and wrong == 0


def test_a_body_kind_not_held_at_a_place_is_not_found_with_candidates(gen_index):
    """「某县政府」 when the county's people's government is not held: not_found, never one of its bureaus."""
    gen, index = gen_index
    govs = {a.region_path for a in gen if a.kind == "people_gov"}
    checked = 0
    for a in gen:
        if len(a.region_path) == 3 and a.region_path not in govs:
            checked += 1
            res = index.resolve_text(a.region_path[-1] + "政府")
            assert res.status == "not_found", (a.region_path, res)
    assert checked >= 1


def test_every_retired_name_with_a_held_successor_resolves_to_it_said():
    succ = successors()
    assert succ.get("江苏省/淮安市/洪泽县") == "江苏省/淮安市/洪泽区"
    sample = sorted(succ.items())[:: max(1, len(succ) // 40)]
    names = {"/".join(d.path): d.name for d in divisions()}
    recs = [AgencyRec(k + 1, "".join(new.split("/")[1:]) + "人民政府", "people_gov", new)
            for k, (_old, new) in enumerate(sample)]
    index = AgencyIndex(recs)
    for k, (old, _new) in enumerate(sample):
        m = index.match_at(names[old], 0)
        assert m is not None and m.how == "renamed" and m.ids == [k + 1], old


def test_a_held_place_in_pinyin_is_that_place_only():
    index = AgencyIndex([AgencyRec(1, "淮安市人民政府", "people_gov", "江苏省/淮安市"),
                         AgencyRec(2, "安溪市化泰县水务局", "department", "福建省/安溪市/化泰县")])
    for q in ("huaian", "HUAIAN", "Huaian"):
        res = index.resolve_text(q.lower())
        assert res.status == "ok" and res.ids == [1]
