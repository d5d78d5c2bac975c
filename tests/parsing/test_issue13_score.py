"""The issue 13 score over every fixture written for it: cells right / wrong / missing against the
expected values, and printed marks/blanks/unreadable rows in the state the fixture states.

Why a score next to the exact per-fixture test: the target is stated as a rate (≥ 99 % of cells) and an
absolute (no silent wrong number), and a regression should show as a figure, not only as a diff.
Measured when the fx13_* fixtures were written (9 reports, 1448 cells): the parser of the day read 1408
(97.2 %), 7 on a wrong key (（六）其他处理 | 3.其他 read as the one-row （六）), 40 missing (a Word page's
layout table around the article, a label cut above its numbers and ended below them), and a row of
marks only (行政事业性收费 | 无 | 无) as not found; after the fixes 1448 of 1448.
"""

from __future__ import annotations

import json
from decimal import Decimal

from reports.parse import parse_path
from tests.parsing.test_issue13_fixtures import CASES


def _score() -> tuple[int, int, list[str], list[str], list[str]]:
    total = right = 0
    wrong: list[str] = []
    missing: list[str] = []
    states: list[str] = []
    for path in CASES:
        exp = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"), parse_float=Decimal)
        rep = parse_path(path)
        got = rep.value_map()
        cells = {c.key: c.state for c in rep.cells}
        for key, want in exp["values"].items():
            total += 1
            if key not in got:
                missing.append(f"{path.name}:{key}")
            elif got[key] == want:
                right += 1
            else:
                wrong.append(f"{path.name}:{key}={got[key]} (printed {want})")
        wrong += [f"{path.name}:{k}={v} (not printed)" for k, v in got.items() if k not in exp["values"]]
        states += [
            f"{path.name}:{k} {cells.get(k)}≠{s}"
            for k, s in exp.get("states", {}).items()
            if cells.get(k) != s
        ]
    return total, right, wrong, missing, states


def test_issue13_score():
    total, right, wrong, missing, states = _score()
    assert total > 1400, total  # the fixtures are there (a glob that found nothing must not pass)
    assert not wrong, wrong  # no silent wrong number, ever
    assert right / total >= 0.99, (right, total, missing[:20])
    assert not states, states
