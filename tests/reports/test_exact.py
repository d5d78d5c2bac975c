"""Issue 15.7: numbers are read exactly as printed (ints and Decimals, never floats) and checked exactly."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from reports import exact
from reports.checks_2008 import check_2008
from reports.checks_modern import check_modern
from reports.parse import parse_bytes
from reports.prose import to_number
from reports.text import parse_number
from tests.hostile.corpus import BIG_COUNT, HUGE, exact_report


@pytest.mark.parametrize(
    ("tok", "want"),
    [
        ("12", 12),
        ("+117", 117),
        ("－2", -2),
        ("1,234", 1234),
        ("12345678901234567", 12345678901234567),
        (str(10**30), 10**30),
        ("3.30", Decimal("3.30")),
        ("96171.6", Decimal("96171.6")),
        ("0.1", Decimal("0.1")),
        ("abc", None),
        ("1e30", None),
    ],
)
def test_parse_number_is_exact(tok, want):
    got = parse_number(tok)
    assert got == want and type(got) is type(want)


def test_printed_digits_survive_text_and_json():
    assert exact.text(parse_number("3.30")) == "3.30"  # trailing zero kept: the report printed it
    assert exact.text(Decimal("1E+30")) == "1" + "0" * 30  # never an exponent
    line = exact.dumps({"a": Decimal("3.30"), "b": 10**30 + 1, "c": [Decimal("-0.1")], "d": "3.30"})
    assert line == '{"a": 3.30, "b": 1000000000000000000000000000001, "c": [-0.1], "d": "3.30"}'
    back = json.loads(line, parse_float=Decimal)
    assert back == {"a": Decimal("3.30"), "b": 10**30 + 1, "c": [Decimal("-0.1")], "d": "3.30"}


def test_exact_sums_and_float_inputs():
    assert exact.total([Decimal("0.1"), Decimal("0.2")]) == Decimal("0.3")
    assert exact.total([10**30, 1]) == 10**30 + 1 != 10**30
    assert exact.total([Decimal(10**30), Decimal("0.000001")]) == Decimal("1000000000000000000000000000000.000001")
    assert isinstance(exact.total([1, 2]), int)
    assert exact.to_exact(1e30) == 10**30  # an old stored float: by its shortest form, not its binary value
    assert exact.to_exact(0.69) == Decimal("0.69")


def test_chinese_numerals_without_floats():
    assert to_number("二十") == 20 and isinstance(to_number("二十"), int)
    assert to_number("三点五") == Decimal("3.5") and isinstance(to_number("三点五"), Decimal)
    assert to_number("十二点零五") == Decimal("12.05")


def test_generated_report_values_are_exact():
    parsed = parse_bytes(exact_report(), "exact.txt")
    v = parsed.value_map()
    assert v["active.total"] == BIG_COUNT and isinstance(v["active.total"], int)
    assert v["apply.received.total"] == HUGE + 1 and v["apply.received.in_person"] == HUGE
    assert v["apply.fees"] == Decimal("3.30") and exact.text(v["apply.fees"]) == "3.30"
    assert v["org.staff"] == Decimal("0.3") and v["complaints.total"] == -2
    rules = {f.rule for f in parsed.findings}
    assert "2008.received_channels" not in rules  # 10**30 + 0 + 1 + 0 == 10**30 + 1 exactly
    assert "2008.staff_parts" not in rules  # 0.1 + 0.2 == 0.3 exactly


def test_a_total_off_by_one_at_ten_to_the_thirty_is_a_finding():
    parsed = parse_bytes(exact_report(balanced=False), "exact.txt")
    found = [f for f in parsed.findings if f.rule == "2008.received_channels"]
    assert len(found) == 1
    f = found[0]
    assert f.actual == HUGE and f.expected == HUGE + 1
    assert "表中为 1000000000000000000000000000000，各项相加为 1000000000000000000000000000001" in f.message


def test_checks_compare_exactly():
    vals = {"org.staff": Decimal("0.3"), "org.staff_full_time": Decimal("0.1"), "org.staff_part_time": Decimal("0.2")}
    assert check_2008(vals) == []
    vals["org.staff"] = Decimal("0.30000000000000004")
    assert [f.rule for f in check_2008(vals)] == ["2008.staff_parts"]
    keys = {f"review.{p}": 0 for p in ("upheld", "corrected", "other", "pending")}
    modern = {**keys, "review.upheld": HUGE, "review.other": 1, "review.total": HUGE}
    assert "review.total" in {f.rule for f in check_modern(modern)}
    modern["review.total"] = HUGE + 1
    assert "review.total" not in {f.rule for f in check_modern(modern)}
