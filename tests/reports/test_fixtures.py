"""Committed sample fixtures (HTML, DOCX, PDF, GBK for each format) parse to their expected.json.

The fixtures are generated samples (tests/fixtures/README.md); derived values are not listed in the
expected files, so they are left out of the comparison.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from tests.reports.compare import value_problems

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EXPECTED = sorted(FIXTURES.glob("*.expected.json"))


def _data_file(expected: Path) -> Path:
    stem = expected.name[: -len(".expected.json")]
    (path,) = [p for p in FIXTURES.glob(f"{stem}.*") if not p.name.endswith(".expected.json")]
    return path


def test_every_format_has_every_container():
    names = {p.name for p in FIXTURES.iterdir()}
    for template in ("2008", "2019", "2021", "narrative"):
        for container, suffix in (("html", ".html"), ("docx", ".docx"), ("pdf", ".pdf"), ("gbk", ".txt")):
            stem = f"sample_{template}_{container}"
            assert f"{stem}{suffix}" in names and f"{stem}.expected.json" in names, stem


def test_gbk_fixtures_are_really_gbk():
    for path in FIXTURES.glob("*_gbk.txt"):
        data = path.read_bytes()
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert "年政府信息公开工作年度报告" in data.decode("gbk")


@pytest.mark.parametrize("expected_path", EXPECTED, ids=lambda p: p.name.split(".")[0])
def test_fixture_parses_to_expected(expected_path: Path):
    from reports.parse import parse_bytes

    expected = json.loads(expected_path.read_text(encoding="utf-8"), parse_float=Decimal)
    path = _data_file(expected_path)
    parsed = parse_bytes(path.read_bytes(), path.name)
    assert parsed.identity.agency == expected["agency"]
    assert parsed.identity.year == expected["year"]
    assert parsed.template == expected["template"]
    want = dict(expected["values"])
    problems = value_problems(want, parsed, limit=10)
    assert not problems, problems
