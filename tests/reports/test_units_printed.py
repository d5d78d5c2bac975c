"""Money figures keep the unit the report prints with them (issue 13 §5): in the column header, the
cell ("10,939.23万元", "109,392,300元"), the row label ("政府集中采购（元）"), or a unit line / note next
to the table. A figure printed in 元 stored as 万元 is a silent wrong number 10,000 times too big."""

from __future__ import annotations

from decimal import Decimal

import pytest

from reports.parse import parse_text
from tools.generator import generate_report

BLOCK = "第二十条第（九）项\t\t\n信息内容\t采购项目数量\t采购总金额\n政府集中采购\t40\t10939.23\n"
WAN = "10939.23"
YUAN = "109392300"
CASES = [
    ("header 万元", BLOCK.replace("采购总金额\n", "采购总金额（万元）\n"), WAN, "万元"),
    ("header 元", BLOCK.replace("采购总金额\n", "采购总金额（元）\n").replace(WAN, YUAN), YUAN, "元"),
    (
        "header 单位：元, separators",
        BLOCK.replace("采购总金额\n", "采购总金额（单位：元）\n").replace(WAN, "109,392,300.00"),
        "109392300.00",
        "元",
    ),
    ("cell 万元", BLOCK.replace(WAN, "10,939.23万元"), WAN, "万元"),
    ("cell 元", BLOCK.replace(WAN, "109,392,300元"), YUAN, "元"),
    ("row label 元", BLOCK.replace("政府集中采购\t", "政府集中采购（元）\t").replace(WAN, YUAN), YUAN, "元"),
    ("note below", BLOCK.replace(WAN, YUAN) + "注：采购总金额单位为元。\n", YUAN, "元"),
    (
        "unit line above",
        BLOCK.replace("第二十条第（九）项\t\t\n", "第二十条第（九）项\t\t\n单位：元\n").replace(WAN, YUAN),
        YUAN,
        "元",
    ),
    ("金额（万元）", BLOCK.replace("采购总金额\n", "金额（万元）\n"), WAN, "万元"),
    ("nothing printed: the template's 万元", BLOCK, WAN, "万元"),
]


@pytest.fixture(scope="module")
def base() -> str:
    text = generate_report(1, "2019", "临江市河西区教育局", 2020, noise=["tabs"]).text
    assert BLOCK in text  # the generator's (九) block, rewritten by each case
    return text


@pytest.mark.parametrize(("case", "block", "value", "unit"), CASES, ids=[c[0] for c in CASES])
def test_procurement_unit_as_printed(base, case, block, value, unit):
    rep = parse_text(base.replace(BLOCK, block), "x.txt")
    got = {v.key: v for v in rep.values}["active.procurement.amount"]
    assert (Decimal(got.value), got.unit) == (Decimal(value), unit)


def test_other_units_on_the_line_do_not_decide(base):
    """A note about a different quantity two lines away must not make the figure 元."""
    text = base.replace(BLOCK, BLOCK + "\n注：单位为元，单位为万元。\n")
    got = {v.key: v for v in parse_text(text, "x.txt").values}["active.procurement.amount"]
    assert got.unit == "万元"
