"""storage.export: flat rows of every stored number, ordered, integers as integers, blanks absent."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest

from reports.model import ParsedReport, ParsedValue, ReportIdentity
from service.ingest import ingest_bytes, store_parsed
from storage.export import FIELDS, export_json_text, export_rows, write_csv
from tests.storage.conftest import fake_report

pytestmark = pytest.mark.pg


def test_rows_are_ordered_and_typed(engine, parser):
    ingest_bytes(
        engine, fake_report("乙局", 2021, "2021", {"b.key": 2, "a.key": 96171.6}), "y.txt", parser=parser
    )
    ingest_bytes(engine, fake_report("甲局", 2020, "2019", {"z.key": 0}), "x.txt", parser=parser)
    ingest_bytes(engine, fake_report("乙局", 2019, "2019", {"c.key": 7}), "w.txt", parser=parser)
    rows = list(export_rows(engine))
    keys = [(r["agency"], r["year"], r["indicator"]) for r in rows]
    assert keys == sorted(keys) and len(rows) == 4
    first = next(r for r in rows if r["indicator"] == "b.key")
    assert set(FIELDS) <= set(first)
    assert first == {
        "agency": "乙局",
        "year": 2021,
        "template": "2021",
        "indicator": "b.key",
        "value": 2,
        "unit": "件",
        "report": "y.txt",
        "line": 2,
        "origin": "table",
    }
    assert isinstance(first["value"], int)
    money = next(r for r in rows if r["indicator"] == "a.key")
    assert money["value"] == Decimal("96171.6") and isinstance(money["value"], Decimal)  # exact, as printed
    zero = next(r for r in rows if r["indicator"] == "z.key")
    assert zero["value"] == 0 and isinstance(zero["value"], int)


def test_blank_cells_are_absent_not_zero(engine):
    ident = ReportIdentity(agency="某局", year=2019, title="t")
    vals = [ParsedValue("a", 1.0, "件", 3, "a"), ParsedValue("b", None, "件", 4, "b")]  # type: ignore[arg-type]
    from sqlmodel import Session

    with Session(engine) as s, s.begin():
        store_parsed(s, ParsedReport(ident, "2019", vals, file_name="f.txt", file_hash="0" * 64))
    assert [r["indicator"] for r in export_rows(engine)] == ["a"]


def test_replaced_report_exports_only_new_values(engine, parser):
    ingest_bytes(engine, fake_report(values={"old.key": 1, "both": 2}), "v1.txt", parser=parser)
    ingest_bytes(engine, fake_report(values={"both": 3}), "v2.txt", parser=parser)
    rows = list(export_rows(engine))
    assert [(r["indicator"], r["value"], r["report"]) for r in rows] == [("both", 3, "v2.txt")]


def test_json_lines_and_csv(engine, parser):
    ingest_bytes(engine, fake_report(values={"k1": 1, "k2": 2.5}), "a.txt", parser=parser)
    lines = export_json_text(engine).splitlines()
    assert [json.loads(x)["indicator"] for x in lines] == ["k1", "k2"]
    assert "银川市测试局" in lines[0]  # Chinese kept readable, not \\u escapes
    buf = io.StringIO()
    assert write_csv(engine, buf) == 2
    parsed = list(csv.DictReader(io.StringIO(buf.getvalue())))
    assert parsed[1]["value"] == "2.5" and parsed[0]["agency"] == "银川市测试局"


def test_empty_store_exports_nothing(engine):
    assert list(export_rows(engine)) == []
