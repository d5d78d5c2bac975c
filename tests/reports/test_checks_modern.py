"""The 2019/2021 identities (勾稽关系): real inconsistencies are flagged, consistent tables and blank
cells say nothing, and the numbers are never changed."""

from __future__ import annotations

import pytest

from reports.checks_modern import (
    APPLICANTS,
    COLUMNS,
    DENIED,
    NOT_PROCESSED,
    OTHER_SUBS,
    UNAVAILABLE,
    check_modern,
)
from reports.tables_modern import parse_modern_tables
from reports.text import to_lines
from tests.conftest import require_shared


def _consistent(single_other: bool = False) -> dict[str, float]:
    """A complete, internally consistent 2021 table 三 + 四."""
    v: dict[str, float] = {}

    def row(stem: str, six: list[float]) -> None:
        for col, x in zip(APPLICANTS, six, strict=True):
            v[f"apply.{stem}.{col}"] = x
        v[f"apply.{stem}.total"] = sum(six)

    result_stems = ["result.granted", "result.partial"]
    result_stems += [f"result.denied.{s}" for s in DENIED]
    result_stems += [f"result.unavailable.{s}" for s in UNAVAILABLE]
    result_stems += [f"result.not_processed.{s}" for s in NOT_PROCESSED]
    result_stems += ["result.other"] if single_other else [f"result.other.{s}" for s in OTHER_SUBS]
    sums = [0.0] * 6
    for i, stem in enumerate(result_stems):
        six = [float((i + j) % 3) for j in range(6)]
        row(stem, six)
        sums = [a + b for a, b in zip(sums, six, strict=True)]
    row("result.total", sums)
    carried_out = [1.0, 0.0, 0.0, 0.0, 2.0, 0.0]
    carried_in = [2.0, 1.0, 0.0, 0.0, 0.0, 0.0]
    row("carried_out", carried_out)
    row("carried_in", carried_in)
    row("received", [s + o - c for s, o, c in zip(sums, carried_out, carried_in, strict=True)])
    for g, parts in (
        ("review", [3, 1, 0, 1]),
        ("litigation.direct", [0, 0, 0, 0]),
        ("litigation.after_review", [2, 0, 1, 0]),
    ):
        for name, x in zip(("upheld", "corrected", "other", "pending"), parts, strict=True):
            v[f"{g}.{name}"] = float(x)
        v[f"{g}.total"] = float(sum(parts))
    return v


@pytest.mark.parametrize("single_other", [False, True])
def test_consistent_table_gives_no_finding(single_other: bool) -> None:
    assert check_modern(_consistent(single_other), "2021") == []


def test_04_review_row_is_flagged() -> None:
    folder = require_shared()
    text = (folder / "04_淮安市洪泽区人民政府_2023.txt").read_bytes().decode("utf-8-sig")
    values = parse_modern_tables(to_lines(text), "2021")
    vmap = {v.key: v.value for v in values}
    findings = check_modern(vmap, "2021", {v.key: v.line_no for v in values})
    review = [f for f in findings if f.rule == "review.total"]
    assert len(review) == 1
    f = review[0]
    assert f.expected == 11 and f.actual == 0
    assert f.values["review.upheld"] == 10 and f.values["review.corrected"] == 1
    assert f.line_no == 131 and "行政复议" in f.message
    assert vmap["review.total"] == 0  # the number is kept as printed


@pytest.mark.parametrize(
    "name", ["001_54b7886ee8649183.txt", "002_a9dbc25bac2331b1.txt", "02_淮安市人民政府_2024.txt"]
)
def test_consistent_real_reports_give_no_finding(name: str) -> None:
    folder = require_shared()
    text = (folder / name).read_bytes().decode("utf-8-sig")
    template = "2021" if name.startswith("02_") else "2019"
    vmap = {v.key: v.value for v in parse_modern_tables(to_lines(text), template)}
    assert check_modern(vmap, template) == []


def test_balance_per_column() -> None:
    v = _consistent()
    v["apply.received.commercial"] += 1
    v["apply.received.total"] += 1
    rules = {f.rule for f in check_modern(v, "2021")}
    assert rules == {"apply.balance.commercial", "apply.balance.total"}


def test_result_total_must_equal_result_rows() -> None:
    v = _consistent()
    v["apply.result.denied.third_party.natural_person"] += 2
    v["apply.result.denied.third_party.total"] += 2
    findings = {f.rule: f for f in check_modern(v, "2021")}
    assert set(findings) == {"apply.result_sum.natural_person", "apply.result_sum.total"}
    f = findings["apply.result_sum.natural_person"]
    assert f.expected == f.actual + 2


def test_row_total_must_equal_applicant_columns() -> None:
    v = _consistent()
    v["apply.carried_out.total"] = 99.0
    rules = {f.rule for f in check_modern(v, "2021")}
    assert "apply.row_total.carried_out" in rules
    assert "apply.balance.total" in rules  # the same bad cell breaks the column identity too


def test_litigation_groups() -> None:
    v = _consistent()
    v["litigation.direct.total"] = 1.0
    v["litigation.after_review.corrected"] = 5.0
    rules = [f.rule for f in check_modern(v, "2019")]
    assert sorted(rules) == ["litigation.after_review.total", "litigation.direct.total"]


def test_blank_cell_skips_the_identity() -> None:
    v = _consistent()
    printed = sum(v[f"review.{p}"] for p in ("upheld", "corrected", "other"))
    v["review.total"] = printed + 1  # with 尚未审结 as 0 this would be a finding…
    del v["review.pending"]  # …but a part is blank: unchecked, never assume 0
    del v["apply.carried_out.legal"]  # blank: skip the legal-column balance and the row total
    v["apply.received.legal"] += 5
    v["apply.received.total"] += 5
    rules = {f.rule for f in check_modern(v, "2021")}
    assert "review.total" not in rules
    assert "apply.balance.legal" not in rules
    assert "apply.row_total.carried_out" not in rules
    assert "apply.balance.total" in rules  # the total column is complete and does not add up
    assert "unchecked" in rules  # issue 13: what could not be checked is named


def test_printed_parts_above_the_total_fail_even_with_a_blank_part() -> None:
    v = _consistent()
    v["review.upheld"] = v["review.total"] + 1  # 维持 alone exceeds 总计: wrong whatever 尚未审结 is
    del v["review.pending"]
    assert "review.total" in {f.rule for f in check_modern(v, "2021")}


def test_missing_other_row_skips_result_sum() -> None:
    v = _consistent()
    for col in COLUMNS:
        del v[f"apply.result.other.unpaid_fee.{col}"]
    v["apply.result.total.natural_person"] += 1
    rules = {f.rule for f in check_modern(v, "2021")}
    assert "apply.result_sum.natural_person" not in rules


def test_printed_subtotal_must_equal_its_items() -> None:
    v = _consistent()
    for col in COLUMNS:
        v[f"apply.result.denied.{col}"] = sum(v[f"apply.result.denied.{s}.{col}"] for s in DENIED)
    assert check_modern(v, "2021") == []
    v["apply.result.denied.natural_person"] += 1
    v["apply.result.denied.total"] += 1
    rules = {f.rule for f in check_modern(v, "2021")}
    assert rules == {"apply.result.denied.subtotal.natural_person", "apply.result.denied.subtotal.total"}


def test_finding_message_is_chinese_and_carries_values() -> None:
    v = _consistent()
    v["review.total"] = 0.0
    (f,) = check_modern(v, "2021")
    assert f.rule == "review.total" and f.actual == 0 and f.expected == 5
    assert "行政复议总计为 0" in f.message and "3+1+0+1" in f.message
    assert set(f.values) == {
        "review.total",
        "review.upheld",
        "review.corrected",
        "review.other",
        "review.pending",
    }
    assert f.line_no is None  # no line map given
