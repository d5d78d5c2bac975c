"""storage.queries: the read helpers the answer engine and reminders use."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from service.ingest import ingest_bytes
from storage import queries as q
from tests.storage.conftest import fake_report

pytestmark = pytest.mark.pg


@pytest.fixture
def filled(engine, parser):
    ingest_bytes(
        engine,
        fake_report("甲局", 2019, "2019", {"apply.received.total": 1, "review.total": 0}),
        "a19",
        parser=parser,
    )
    ingest_bytes(
        engine, fake_report("甲局", 2020, "2019", {"apply.received.total": 2}, ("bal",)), "a20", parser=parser
    )
    ingest_bytes(engine, fake_report("乙局", 2020, "2021", {"apply.received.total": 5}), "b20", parser=parser)
    return engine


def test_list_agencies_with_aliases_years_region(filled):
    with Session(filled) as s:
        agencies = q.list_agencies(s)
    assert [a.name for a in agencies] == sorted(["甲局", "乙局"])
    jia = next(a for a in agencies if a.name == "甲局")
    assert jia.years == [2019, 2020]
    assert jia.aliases == []  # the stand-in parser's alias equals the name, which is never stored as an alias
    assert jia.region_path == "宁夏回族自治区/银川市" and jia.region_parts == ["宁夏回族自治区", "银川市"]
    assert jia.kind == "department" and jia.first_year == 2019 and jia.source == "report"


def test_years_latest_and_reports(filled):
    with Session(filled) as s:
        jia = q.get_agency(s, "甲局")
        assert jia is not None and q.years_for(s, jia.id) == [2019, 2020]
        assert q.latest_year(s, jia.id) == 2020 and q.latest_year(s) == 2020
        assert q.all_years(s) == [2019, 2020]
        assert q.get_agency(s, "无此局") is None
        rep = q.report_for(s, jia.id, 2019)
        assert rep is not None and rep.file_name == "a19" and rep.template == "2019" and rep.agency == "甲局"
        assert q.report_for(s, jia.id, 2018) is None
        assert [(r.agency, r.year) for r in q.reports(s, years=[2020])] == [("乙局", 2020), ("甲局", 2020)]
        assert q.years_by_agency(s)[jia.id] == [2019, 2020]


def test_values_for_filters_and_provenance(filled):
    with Session(filled) as s:
        jia = q.get_agency(s, "甲局")
        rows = q.values_for(s, [jia.id], [2019, 2020], ["apply.received.total"])
        assert [(r.year, r.value) for r in rows] == [(2019, 1.0), (2020, 2.0)]
        r = rows[0]
        assert (r.agency, r.indicator, r.unit, r.line_no, r.file_name, r.template, r.origin) == (
            "甲局",
            "apply.received.total",
            "件",
            2,
            "a19",
            "2019",
            "table",
        )
        assert r.report_title.startswith("甲局2019")
        assert len(q.values_for(s, indicators=["apply.received.total"])) == 3
        assert q.values_for(s, [jia.id], [2020], ["review.total"]) == []  # absent, not 0
        assert q.value_map(s, r.report_id) == {"apply.received.total": 1.0, "review.total": 0.0}
        assert q.indicator_keys(s) == ["apply.received.total", "review.total"]


def test_findings(filled):
    with Session(filled) as s:
        jia = q.get_agency(s, "甲局")
        rep = q.report_for(s, jia.id, 2020)
        (f,) = q.findings_for(s, rep.id)
        assert f.rule == "bal" and f.expected == 2.0 and f.actual == 1.0 and f.indicators == ["a", "b"]
        assert q.findings_touching(s, rep.id, "a") == [f] and q.findings_touching(s, rep.id, "zzz") == []
        assert q.findings_for(s, q.report_for(s, jia.id, 2019).id) == []


def test_region_and_stats(filled):
    with Session(filled) as s:
        assert {a.name for a in q.agencies_in_region(s, "银川市")} == {"甲局", "乙局"}
        assert q.agencies_in_region(s, "银川") == []  # whole components only
        stats = q.store_stats(s)
        assert stats == {"agencies": 2, "reports": 3, "values": 4, "findings": 1, "events": 3}
        assert [e.outcome for e in q.recent_events(s, 2)] == ["stored", "stored"]
