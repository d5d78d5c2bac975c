"""Issue 13 fixtures (tests/fixtures/issue13/, written for these tests): each input class real sites
publish, with every expected value, unit where it matters, body, year and template.

A value the report prints must come back exactly; no key may come back that the fixture does not state.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from reports.parse import parse_path
from tests.conftest import ROOT

FIX = ROOT / "tests" / "fixtures" / "issue13"
CASES = sorted(p for p in FIX.iterdir() if p.suffix != ".json" and p.with_suffix(".expected.json").is_file())


def _expected(path: Path) -> dict:
    return json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.mark.parametrize("path", CASES, ids=[p.name for p in CASES])
def test_fixture_values(path):
    exp = _expected(path)
    rep = parse_path(path)
    assert (rep.identity.agency, rep.identity.year, rep.template) == (
        exp["agency"],
        exp["year"],
        exp["template"],
    )
    got = rep.value_map()
    wrong = {
        k: (v, got.get(k)) for k, v in exp["values"].items() if got.get(k) is None or got[k] != v  # exact: 3.30 == 3.3
    }
    assert not wrong, wrong
    assert set(got) == set(exp["values"]), sorted(set(got) ^ set(exp["values"]))
    units = {v.key: v.unit for v in rep.values}
    for key, unit in exp.get("units", {}).items():
        assert units[key] == unit, key
    for key, state in exp.get("states", {}).items():
        assert {c.key: c.state for c in rep.cells}.get(key) == state, key


def test_cases_cover_each_class():
    names = {p.stem.rsplit("_", 1)[0] for p in CASES}
    assert {"md_from_pdf", "word_html"} <= names, names
