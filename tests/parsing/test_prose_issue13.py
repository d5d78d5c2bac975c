"""Issue 13 §6: figures stated in prose, in the wordings real reports use (2021 format, section 六 etc.)."""

from __future__ import annotations

import pytest

from reports.prose import parse_prose_ex
from reports.text import to_lines

CASES = [
    ("本年度未发生政府信息公开收费事项。", {"apply.processing_fee": 0}),
    ("本机关未收取信息公开处理费。", {"apply.processing_fee": 0}),
    ("全年收取信息处理费0元。", {"apply.processing_fee": 0}),
    ("2022年度共收取政府信息公开信息处理费120元。", {"apply.processing_fee": 120}),
    ("全年无信息处理费收取情况。", {"apply.processing_fee": 0}),
    ("信息处理费：未发生。", {"apply.processing_fee": 0}),
    ("本年度收取信息处理费情况：无。", {"apply.processing_fee": 0}),
    ("本年度共收到政府信息公开申请15件。", {"apply.received.total": 15}),
    ("本年度收到信息公开申请共计8件。", {"apply.received.total": 8}),
    ("全年未收到政府信息公开申请。", {"apply.received.total": 0}),
    ("本年度未发生因政府信息公开引起的行政复议、行政诉讼。", {"review.total": 0, "litigation.total": 0}),
    ("本年度无政府信息公开行政复议和行政诉讼案件。", {"review.total": 0, "litigation.total": 0}),
    ("因政府信息公开引起的行政复议、行政诉讼均为0件。", {"review.total": 0, "litigation.total": 0}),
    # not statements of these figures: nothing may come out
    ("上年结转政府信息公开申请3件。", {}),
    ("我们将严格按照规定收取信息处理费。", {}),
    ("加强行政复议应诉工作。", {}),
]


@pytest.mark.parametrize(("text", "expected"), CASES, ids=[c[0] for c in CASES])
def test_prose_wording(text, expected):
    vals, conflicts = parse_prose_ex(to_lines("六、其他需要报告的事项\n" + text), "2021")
    assert not conflicts
    assert {v.key: v.value for v in vals} == expected
    for v in vals:
        assert v.unit == ("元" if v.key == "apply.processing_fee" else "件")
