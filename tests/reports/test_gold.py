"""Done-when: every shared gold report parses to its agency, year, template and every stated value.

`null` in the gold files is a blank cell: that key must be absent, never 0.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from tests.conftest import SHARED_GOLD, SHARED_REPORTS, require_shared


def _gold() -> list[dict]:
    out = []
    for name in ("seeds.json", "extra.json"):
        path = SHARED_GOLD / name
        if path.is_file():
            out += json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)["reports"]  # exact
    return out


GOLD = _gold()


@pytest.mark.parametrize("gold", GOLD, ids=[g["file"] for g in GOLD])
def test_gold_report_parses_exactly(gold):
    require_shared()
    from reports.parse import parse_path

    parsed = parse_path(SHARED_REPORTS / gold["file"])
    assert parsed.identity.agency == gold["agency"]
    assert parsed.identity.year == gold["year"]
    assert parsed.template == gold["template"]
    got = parsed.value_map()
    wrong = {
        k: (v, got.get(k))
        for k, v in gold["values"].items()
        if v is not None and got.get(k) != v  # exact: gold 3.0 equals 3, gold 0.69 is Decimal('0.69')
    }
    assert wrong == {}, f"{gold['file']}: key → (gold, parsed) {wrong}"
    blank = [k for k, v in gold["values"].items() if v is None and k in got]
    assert blank == [], f"{gold['file']}: blank cells came back as values {blank}"
    assert parsed.file_name == gold["file"] and len(parsed.file_hash) == 64


def test_gold_files_are_present():
    require_shared()
    assert len(GOLD) >= 8
