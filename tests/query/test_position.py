"""排第几 (issue 14): one body's place in its scope's ranking, with the scope, ties and bodies without a figure."""

from __future__ import annotations

from datetime import date

from tests.query.conftest import said

TODAY = date(2025, 6, 1)


def test_position_in_a_named_place_counts_the_ranked_bodies(shared_answerer):
    ans = shared_answerer.ask("洪泽区2024年依申请数在淮安市排第几", today=TODAY, chat_key="pos1")
    assert ans.status == "ok" and ans.intent == "position"
    assert "第 2 名" in ans.header and "2 个单位有数字" in ans.header and "淮安市" in ans.header
    assert [a.agency for a in ans.answers] == ["淮安市洪泽区人民政府"]


def test_natural_scope_is_the_same_level_under_the_parent_and_names_who_had_no_figure(shared_answerer):
    ans = shared_answerer.ask("西夏区2020依申请数排第几", today=TODAY, chat_key="pos2")
    assert ans.status == "ok" and "银川市" in ans.header and "同级" in ans.header
    assert "未参加排位" in said(ans) and "银川市兴庆区人民政府" in said(ans)


def test_ascending_position_and_no_figure(shared_answerer):
    low = shared_answerer.ask("洪泽区2024年依申请数在淮安市倒数第几", today=TODAY, chat_key="pos3")
    assert low.status == "ok" and "第 1 名" in low.header and "从少到多" in low.header
    none = shared_answerer.ask("西夏区2019依申请数排第几", today=TODAY, chat_key="pos4")
    assert none.status != "ok" and not none.answers


def test_position_without_an_indicator_or_a_single_body_gives_no_number(shared_answerer):
    for i, q in enumerate(("洪泽区2024排第几", "淮安市2024年依申请数排第几")):
        ans = shared_answerer.ask(q, today=TODAY, chat_key=f"pos5{i}")
        assert ans.status == "ambiguous" and not ans.answers
