"""占比 / 比例 / 百分之几 (issue 14): a part over the total of its table, derived and stated; never a share
of something that belongs to no total."""

from __future__ import annotations

from datetime import date

from query.indicators import CONCEPTS, IndicatorMatch, from_id, keys_of, share_of
from tests.query.conftest import said

TODAY = date(2025, 6, 1)


def test_an_applicant_column_is_over_its_rows_total_column():
    m = share_of(IndicatorMatch(CONCEPTS["apply_received"], "commercial"))
    assert m is not None and m.concept.unit == "%"
    assert m.formula("2021") == ("ratio", "apply.received.commercial", "apply.received.total")
    assert m.formula("2008") is None  # the 2008 table has no applicant columns
    assert from_id(m.id) is not None and from_id(m.id).formula("2019") == m.formula("2019")


def test_a_result_row_is_over_the_results_total_and_other_tables_have_no_share():
    m = share_of(IndicatorMatch(CONCEPTS["denied"]))
    assert m is not None and keys_of(m.formula("2021"))[-1] == "apply.result.total.total"
    for cid in ("review_total", "apply_received", "active_total", "correction_rate"):
        assert share_of(IndicatorMatch(CONCEPTS[cid])) is None, cid


def test_share_answers_are_derived_and_traps_give_no_number(shared_answerer):
    ans = shared_answerer.ask("淮安市政府2024企业申请占多少", today=TODAY, chat_key="sh1")
    assert ans.status == "ok" and "推算" in said(ans) and "%" in said(ans)
    for i, q in enumerate(("淮安市政府2024年复议占比", "洪泽区2024年主动公开占比")):
        trap = shared_answerer.ask(q, today=TODAY, chat_key=f"sh2{i}")
        assert trap.status == "not_found" and not trap.answers
