"""平均每个单位 (issue 14): a place's total over the bodies with a figure, divided by how many, stated."""

from __future__ import annotations

from datetime import date

from tests.query.conftest import said

TODAY = date(2025, 6, 1)


def test_average_divides_the_total_by_the_bodies_with_a_figure(shared_answerer):
    ans = shared_answerer.ask("淮安市2024平均每个单位依申请数", today=TODAY, chat_key="avg1")
    assert ans.status == "ok" and ans.intent == "total"
    values = [a.value for a in ans.answers]
    mean = f"{sum(values) / len(values):,.2f}"
    assert mean in ans.header and f"÷ {len(values)} 个有数字的单位" in ans.header


def test_average_says_who_was_left_out(shared_answerer):
    ans = shared_answerer.ask("银川市2020平均每个单位依申请数", today=TODAY, chat_key="avg2")
    assert ans.status == "ok" and "÷ 1 个有数字的单位" in ans.header and "未计入" in said(ans)


def test_no_average_of_one_body_or_of_a_rate(shared_answerer):
    for i, q in enumerate(("洪泽区2024年依申请数的平均值", "淮安市2024年平均纠错率", "洪泽区2024年平均每月收到多少申请")):
        ans = shared_answerer.ask(q, today=TODAY, chat_key=f"avg3{i}")
        assert ans.status != "ok" and not ans.answers
