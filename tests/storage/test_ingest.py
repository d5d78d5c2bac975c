"""service.ingest / storage.ingest: stored / unchanged / replaced / rejected, and a bad file leaves the store exactly as it was."""

from __future__ import annotations

import io
import os
import random
import zipfile
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlmodel import Session, SQLModel

from reports.model import ParsedReport, ParsedValue, ReportIdentity
from service.ingest import IngestResult, ingest_bytes, ingest_paths, store_parsed
from storage.models import Agency, AgencyAlias, IndicatorValue, IngestEvent, Report, ReportFinding
from tests.storage.conftest import fake_parse, fake_report

pytestmark = pytest.mark.pg


def dump(engine, *, skip: tuple[str, ...] = ()) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order, for before/after comparisons.

    The store generation counter is left out: every committed write moves it (tests/storage/test_generation.py
    checks that it counts writes and ignores rolled-back ones)."""
    out = {}
    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            if table.name in skip or table.name == "store_generation":
                continue
            cols = list(table.columns)
            rows = conn.execute(select(*cols).order_by(*[c for c in cols if c.primary_key])).all()
            out[table.name] = [tuple(r) for r in rows]
    return out


def events(engine) -> list[IngestEvent]:
    with Session(engine) as s:
        return list(s.exec(select(IngestEvent).order_by(IngestEvent.id)).scalars())


def values_of(engine, agency: str, year: int) -> dict[str, float]:
    with Session(engine) as s:
        rows = s.execute(
            select(IndicatorValue.indicator, IndicatorValue.value)
            .join(Report, Report.id == IndicatorValue.report_id)
            .join(Agency, Agency.id == Report.agency_id)
            .where(Agency.name == agency, Report.year == year)
        ).all()
    return dict(rows)


def test_stored_writes_agency_aliases_report_values_findings_event(engine, parser):
    data = fake_report(values={"apply.received.total": 5, "apply.received.online": 2}, findings=("r1",))
    result = ingest_bytes(engine, data, "a.txt", parser=parser)
    assert result == "stored" and result.outcome == "stored"
    assert (result.agency, result.year, result.template, result.values, result.findings) == (
        "银川市测试局",
        2020,
        "2019",
        2,
        1,
    )
    with Session(engine) as s:
        agency = s.execute(select(Agency)).scalar_one()
        assert (agency.kind, agency.region_path, agency.region, agency.source) == (
            "department",
            "宁夏回族自治区/银川市",
            "银川市",
            "report",
        )
        assert [a.alias for a in s.execute(select(AgencyAlias)).scalars()] == ["银川市测"]
        report = s.execute(select(Report)).scalar_one()
        assert report.id == result.report_id and report.file_name == "a.txt" and report.replaced_count == 0
        finding = s.execute(select(ReportFinding)).scalar_one()
        assert (
            finding.rule == "r1"
            and finding.values == {"a": 1.0, "b": None}
            and finding.indicators == ["a", "b"]
        )
        value = s.execute(
            select(IndicatorValue).where(IndicatorValue.indicator == "apply.received.online")
        ).scalar_one()
        assert (value.value, value.unit, value.line_no, value.line_text) == (
            2.0,
            "件",
            3,
            "apply.received.online=2",
        )
    assert values_of(engine, "银川市测试局", 2020) == {
        "apply.received.total": 5.0,
        "apply.received.online": 2.0,
    }
    assert [(e.outcome, e.report_id) for e in events(engine)] == [("stored", result.report_id)]


def test_same_file_twice_is_unchanged_and_writes_only_an_event(engine, parser):
    data = fake_report()
    first = ingest_bytes(engine, data, "a.txt", parser=parser)
    before = dump(engine, skip=("ingest_event",))
    calls = []

    def spy(d, name):
        calls.append(name)
        return parser(d, name)

    again = ingest_bytes(engine, data, "renamed.txt", parser=spy)
    assert again.outcome == "unchanged" and again.report_id == first.report_id
    assert again.agency == "银川市测试局" and again.year == 2020
    assert calls == []  # known bytes are not even parsed
    assert dump(engine, skip=("ingest_event",)) == before
    assert [e.outcome for e in events(engine)] == ["stored", "unchanged"]


def test_new_hash_for_same_agency_year_replaces_and_records_previous_hash(engine, parser):
    old = fake_report(values={"apply.received.total": 5, "review.total": 1}, findings=("old",))
    new = fake_report(values={"apply.received.total": 6})
    r1 = ingest_bytes(engine, old, "v1.txt", parser=parser)
    r2 = ingest_bytes(engine, new, "v2.txt", parser=parser)
    assert r2.outcome == "replaced" and r2.report_id == r1.report_id and r2.previous_hash == r1.file_hash
    assert values_of(engine, "银川市测试局", 2020) == {"apply.received.total": 6.0}  # old-only cell gone
    with Session(engine) as s:
        report = s.execute(select(Report)).scalar_one()
        assert (report.replaced_count, report.file_name, report.file_hash) == (1, "v2.txt", r2.file_hash)
        assert s.execute(select(ReportFinding)).first() is None
        assert len(s.execute(select(Agency)).all()) == 1
    ev = events(engine)
    assert [(e.outcome, e.previous_hash) for e in ev] == [("stored", None), ("replaced", r1.file_hash)]
    # The older file offered again does not flip the store back (re-running a folder is idempotent).
    r3 = ingest_bytes(engine, old, "v1.txt", parser=parser)
    assert r3.outcome == "unchanged" and "v2.txt" in r3.reason
    assert values_of(engine, "银川市测试局", 2020) == {"apply.received.total": 6.0}
    # A third version replaces again.
    r4 = ingest_bytes(engine, fake_report(values={"apply.received.total": 7}), "v3.txt", parser=parser)
    assert r4.outcome == "replaced"
    with Session(engine) as s:
        assert s.execute(select(Report.replaced_count)).scalar_one() == 2


def test_other_year_or_agency_is_a_new_report(engine, parser):
    assert ingest_bytes(engine, fake_report(year=2020), "a", parser=parser) == "stored"
    assert ingest_bytes(engine, fake_report(year=2021), "b", parser=parser) == "stored"
    assert ingest_bytes(engine, fake_report(agency="银川市另一局"), "c", parser=parser) == "stored"
    with Session(engine) as s:
        assert len(s.execute(select(Report)).all()) == 3
        assert len(s.execute(select(Agency)).all()) == 2
        assert s.execute(select(Agency.first_year).where(Agency.name == "银川市测试局")).scalar_one() == 2020


def test_parser_rejection_leaves_store_unchanged_and_records_reason(engine, parser):
    ingest_bytes(engine, fake_report(), "good.txt", parser=parser)
    before = dump(engine, skip=("ingest_event",))
    result = ingest_bytes(
        engine, b"ERROR no_year \xe6\xb2\xa1\xe6\x9c\x89\xe5\xb9\xb4\xe4\xbb\xbd", "bad.txt", parser=parser
    )
    assert (result.outcome, result.code, result.reason) == ("rejected", "no_year", "没有年份")
    assert dump(engine, skip=("ingest_event",)) == before
    last = events(engine)[-1]
    assert (last.outcome, last.reason, last.file_name, last.report_id) == (
        "rejected",
        "没有年份",
        "bad.txt",
        None,
    )


def test_parser_crash_is_a_rejection_not_an_exception(engine):
    def broken(data, name):
        raise RuntimeError("boom")

    result = ingest_bytes(engine, b"whatever", "x.txt", parser=broken)
    assert result.outcome == "rejected" and result.code == "internal" and "boom" in result.reason
    assert dump(engine, skip=("ingest_event",)) == {t: [] for t in dump(engine, skip=("ingest_event",))}


def test_failure_midway_through_writing_rolls_back_everything(engine, parser):
    """The agency and report rows are written before the values; a bad value must undo them too."""
    ingest_bytes(engine, fake_report(), "good.txt", parser=parser)
    before = dump(engine, skip=("ingest_event",))

    def half_bad(data, name):
        parsed = parser(data, name)
        parsed.values.append(ParsedValue(key="x", value="not a number", unit="", line_no=1, line_text=""))  # type: ignore[arg-type]
        return parsed

    result = ingest_bytes(engine, fake_report(agency="银川市新局"), "new.txt", parser=half_bad)
    assert result.outcome == "rejected" and result.code == "invalid_values"
    assert dump(engine, skip=("ingest_event",)) == before


def test_blank_values_are_not_stored_and_first_duplicate_wins(engine):
    ident = ReportIdentity(agency="某局", year=2019, title="t")
    vals = [
        ParsedValue("a", 1.0, "件", 3, "a 1"),
        ParsedValue("a", 9.0, "件", 9, "a 9"),
        ParsedValue("b", None, "件", 4, "b"),
        ParsedValue("c", 96171.6, "万元", 5, "c"),
    ]  # type: ignore[arg-type]
    parsed = ParsedReport(ident, "2019", vals, file_name="f.txt", file_hash="h" * 64)
    with Session(engine) as s, s.begin():
        result = store_parsed(s, parsed, now=datetime(2021, 1, 1, tzinfo=UTC))
    assert isinstance(result, IngestResult) and result == "stored" and result.values == 2
    assert values_of(engine, "某局", 2019) == {"a": 1.0, "c": 96171.6}


def test_ingest_paths_folder_skips_non_reports_and_survives_bad_files(engine, parser, tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a.txt").write_bytes(fake_report(agency="甲局"))
    (root / "sub" / "b.md").write_bytes(fake_report(agency="乙局"))
    (root / "bad.txt").write_bytes(b"ERROR no_values \xe6\xb2\xa1\xe6\x9c\x89\xe6\x95\xb0\xe5\x80\xbc")
    (root / "c.txt").write_bytes(fake_report(agency="丙局"))
    (root / ".hidden" / "d.txt").write_bytes(fake_report(agency="丁局"))
    (root / ".e.txt").write_bytes(fake_report(agency="戊局"))
    (root / "README.md").write_text("samples")
    (root / "a.expected.json").write_text("{}")
    (root / "manifest.json").write_text("{}")
    (root / "table.xlsx").write_bytes(b"PK")
    summary = ingest_paths(engine, [root], progress=False, parser=parser)
    c = summary.counts()
    assert (c["stored"], c["rejected"], c["unchanged"], c["replaced"]) == (3, 1, 0, 0)
    assert sorted(r.file_name for r in summary.skipped) == sorted(
        [".e.txt", "README.md", "a.expected.json", "manifest.json", "table.xlsx"]
    )
    assert summary.rejected[0].reason == "没有数值" and not summary.ok
    text_ = summary.render()
    assert "bad.txt" in text_ and "没有数值" in text_ and "stored 3" in text_ and "rejected 1" in text_
    # Again: everything unchanged, nothing new written except events.
    before = dump(engine, skip=("ingest_event",))
    again = ingest_paths(engine, [root], progress=False, parser=parser)
    assert again.counts()["unchanged"] == 3 and again.counts()["stored"] == 0
    assert dump(engine, skip=("ingest_event",)) == before


def test_ingest_paths_missing_and_oversized_files(engine, parser, tmp_path):
    big = tmp_path / "big.txt"
    with big.open("wb") as f:  # sparse: 60 MB on paper, nothing on disk
        f.truncate(60 * 1024 * 1024)
    summary = ingest_paths(engine, [big, tmp_path / "nope.txt"], progress=False, parser=parser)
    assert [(r.outcome, r.code) for r in summary.results] == [
        ("rejected", "too_large"),
        ("rejected", "missing"),
    ]
    assert "60.0 MB" in summary.results[0].reason
    assert dump(engine, skip=("ingest_event",)) == {t: [] for t in dump(engine, skip=("ingest_event",))}


def test_flagged_counts_in_summary(engine, parser, tmp_path):
    (tmp_path / "f.txt").write_bytes(fake_report(findings=("x", "y")))
    summary = ingest_paths(engine, [tmp_path], progress=False, parser=parser)
    assert summary.counts()["flagged"] == 1 and summary.counts()["findings"] == 2
    assert "flagged" in summary.render()


# --------------------------------------------------------------------------- real parser, real bad inputs

TRUNCATED = (
    "银川市某某局2020年政府信息公开工作年度报告\n"
    "三、收到和处理政府信息公开申请情况\n"
    "(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)\t申请人情况\t\t\t\t\t\t总计\n"
    "\t\t自然人\t法人或其他组织\t\t\t\t\t\n"
    "\t\t\t商业企业\t科研机构\t社会公益组织\t法律服务机构\t其他\t\n"
    "一、本年新收政府信息公开申请数量\t\t3\t0\t"
)


def _pdf_without_text() -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4)
    c.rect(100, 100, 300, 400, fill=1)  # a scanned page: shapes, no text layer
    c.showPage()
    c.save()
    return buf.getvalue()


def _zip_bomb() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        with zf.open("word/document.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * (1024 * 1024)
            for _ in range(300):  # 300 MB of zeros → a few hundred KB compressed
                f.write(chunk)
    return buf.getvalue()


def _wrong_encoding() -> bytes:
    # Half UTF-8, half GBK: neither decoding is right for the whole file.
    return (
        "银川市某某局2020年政府信息公开工作年度报告\n".encode()
        + "本年新收政府信息公开申请数量 3\n".encode("gbk") * 20
    )


BAD_INPUTS = {
    "empty": lambda: (b"", "empty.txt"),
    "binary_junk": lambda: (random.Random(7).randbytes(8192), "junk.txt"),
    "truncated_table": lambda: (TRUNCATED.encode(), "truncated.txt"),
    "wrong_encoding": lambda: (_wrong_encoding(), "mixed.txt"),
    "60MB": lambda: (b"a" * (60 * 1024 * 1024), "huge.txt"),
    "no_year": lambda: (TRUNCATED.replace("2020年", "").encode() + b"\t0\t0\t0\t3\n", "noyear.txt"),
    "pdf_without_text": lambda: (_pdf_without_text(), "scan.pdf"),
    "docx_not_zip": lambda: (b"This is not a zip archive, just text pretending.", "fake.docx"),
    "zip_bomb": lambda: (_zip_bomb(), "bomb.docx"),
}


@pytest.mark.parametrize("case", list(BAD_INPUTS))
def test_bad_input_is_rejected_with_reason_and_store_unchanged(engine, parser, case):
    pytest.importorskip("reports.parse", reason="report parsers not written yet")
    ingest_bytes(engine, fake_report(), "good.txt", parser=parser)  # something that must survive
    before = dump(engine, skip=("ingest_event",))
    events_before = len(events(engine))
    data, name = BAD_INPUTS[case]()
    result = ingest_bytes(engine, data, name)
    assert result.outcome == "rejected", (case, result)
    assert result.reason and len(result.reason) < 1000
    assert dump(engine, skip=("ingest_event",)) == before
    ev = events(engine)
    assert len(ev) == events_before + 1 and ev[-1].outcome == "rejected" and ev[-1].reason == result.reason


def test_event_table_is_the_only_one_touched_by_a_rejection(engine, parser):
    # Guard for the dump helper itself: it must see rows when there are rows.
    ingest_bytes(engine, fake_report(), "good.txt", parser=parser)
    d = dump(engine)
    assert d["agency"] and d["report"] and d["indicator_value"] and d["ingest_event"]
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM indicator_value")).scalar_one() == 1


def test_parallel_parsing_gives_the_same_outcomes_in_the_same_order(tmp_path, parser):
    """Worker processes parse; the parent stores in input order — same results as one process."""
    from storage.db import create_all, get_engine

    folder = tmp_path / "many"
    for i in range(12):
        (folder / f"{i:02d}.txt").parent.mkdir(exist_ok=True)
        (folder / f"{i:02d}.txt").write_bytes(fake_report(f"局{i % 5}", 2020, values={"k": i}))
    (folder / "05b.txt").write_bytes((folder / "05.txt").read_bytes())  # duplicate bytes in the same batch
    (folder / "07b.txt").write_bytes(b"ERROR no_year \xe6\xb2\xa1\xe6\x9c\x89")
    outcomes = []
    for workers in (1, 2):
        eng = get_engine(f"sqlite:///{tmp_path / f'w{workers}.db'}")
        create_all(eng)
        at = datetime(2021, 2, 1, tzinfo=UTC)
        summary = ingest_paths(eng, [folder], progress=False, parser=parser, workers=workers, now=at)
        outcomes.append([(r.file_name, r.outcome, r.agency, r.values, r.code) for r in summary.results])
        again = ingest_paths(eng, [folder], progress=False, parser=parser, workers=workers, now=at)
        assert {r.outcome for r in again.results} == {"unchanged", "rejected"}
        outcomes.append(dump(eng, skip=("ingest_event",)))
        eng.dispose()
    assert outcomes[0] == outcomes[2] and outcomes[1] == outcomes[3]
    names = [o[:2] for o in outcomes[0]]
    assert ("05b.txt", "unchanged") in names and ("07b.txt", "rejected") in names
    assert sum(1 for o in outcomes[0] if o[1] == "replaced") == 7  # 12 files over 5 agencies, same year


def test_reparse_rewrites_only_when_the_parser_now_reads_different_numbers(engine, parser):
    data = fake_report(values={"apply.received.total": 5}, findings=("f",))
    first = ingest_bytes(engine, data, "a.txt", parser=parser)
    before = dump(engine, skip=("ingest_event",))
    same = ingest_bytes(engine, data, "a.txt", parser=parser, reparse=True)
    assert same.outcome == "unchanged" and "re-parsed" in same.reason
    assert dump(engine, skip=("ingest_event",)) == before

    def better_parser(d, name):  # a parser upgrade that reads one more cell and one fewer finding
        parsed = parser(d, name)
        parsed.values.append(ParsedValue("review.total", 1.0, "件", 9, "复议 1"))
        parsed.findings.clear()
        return parsed

    assert ingest_bytes(engine, data, "a.txt", parser=better_parser).outcome == "unchanged"  # not re-parsed
    again = ingest_bytes(engine, data, "a.txt", parser=better_parser, reparse=True)
    assert (
        again.outcome == "replaced"
        and again.report_id == first.report_id
        and again.previous_hash == first.file_hash
    )
    assert values_of(engine, "银川市测试局", 2020) == {"apply.received.total": 5.0, "review.total": 1.0}
    with Session(engine) as s:
        assert s.execute(select(Report.replaced_count)).scalar_one() == 0  # no new version was published
        assert s.execute(select(ReportFinding)).first() is None


def test_reparse_through_ingest_paths(engine, parser, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(fake_report())
    ingest_paths(engine, [folder], progress=False, parser=parser)
    summary = ingest_paths(engine, [folder], progress=False, parser=parser, reparse=True)
    assert [r.outcome for r in summary.results] == ["unchanged"] and "re-parsed" in summary.results[0].reason


def test_a_registry_alias_maps_a_report_to_the_registered_body(engine, parser):
    with Session(engine) as s, s.begin():
        s.add(
            Agency(name="银川市西夏区审批服务管理局", kind="department", source="registry", first_year=2019)
        )
        s.flush()
        agency_id = s.execute(select(Agency.id)).scalar_one()
        s.add(AgencyAlias(agency_id=agency_id, alias="西夏区审批局", source="registry"))
        s.add(AgencyAlias(agency_id=agency_id, alias="西夏区", source="ingest"))  # learned: not trusted
    result = ingest_bytes(engine, fake_report("西夏区审批局", 2020), "a.txt", parser=parser)
    assert result.outcome == "stored" and result.agency == "银川市西夏区审批服务管理局"
    other = ingest_bytes(engine, fake_report("西夏区", 2020), "b.txt", parser=parser)
    assert other.agency == "西夏区"  # a learned short form never captures another body's report
    with Session(engine) as s:
        reg = s.execute(select(Agency).where(Agency.id == agency_id)).scalar_one()
        assert (reg.source, reg.first_year, reg.region_path) == ("registry", 2019, "宁夏回族自治区/银川市")
        assert len(s.execute(select(Agency)).all()) == 2


# The test process's pid, kept in the environment: a worker started by forkserver or spawn re-imports
# this module, and os.getpid() there would name the worker itself.
PARENT_PID = int(os.environ.setdefault("DISCLOSURE_TEST_PARENT_PID", str(os.getpid())))


def dying_in_workers(data: bytes, name: str):
    """A parser that kills the worker process it runs in on one file (and works in the parent)."""
    if os.getpid() != PARENT_PID and name == "2.txt":
        os._exit(3)
    return fake_parse(data, name)


def unpicklable_in_workers(data: bytes, name: str):
    parsed = fake_parse(data, name)
    if os.getpid() != PARENT_PID and name == "2.txt":
        parsed.warnings.append(lambda: None)  # type: ignore[arg-type]  # cannot travel back to the parent
    return parsed


@pytest.mark.parametrize("bad_parser", [dying_in_workers, unpicklable_in_workers])
@pytest.mark.parametrize("workers", [1, 2])
def test_ingest_survives_broken_workers(tmp_path, bad_parser, workers):
    """A worker dying on one file (or returning what cannot travel back) costs that file only: it is
    rejected `internal` and never re-parsed in the parent (where no time/memory limit holds)."""
    from storage.db import create_all, get_engine

    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(6):
        (folder / f"{i}.txt").write_bytes(fake_report(f"局{i}", 2020))
    eng = get_engine(f"sqlite:///{tmp_path / 'p.db'}")
    create_all(eng)
    summary = ingest_paths(eng, [folder], progress=False, parser=bad_parser, workers=workers)
    assert [r.outcome for r in summary.results] == ["stored"] * 2 + ["rejected"] + ["stored"] * 3
    assert summary.results[2].code == "internal"
    eng.dispose()


def text_parse(data: bytes, file_name: str):
    """fake_parse, keeping the text it read, as the project's parser does (module level: workers import it)."""
    from service.ingest.worker import ParseOutcome

    return ParseOutcome(fake_parse(data, file_name), text=f"read:{data.decode('utf-8', 'replace')}")


def test_on_text_gets_each_stored_report_with_the_text_its_worker_read(engine, tmp_path):
    """The audit scores from this text instead of reading every file again; unchanged and rejected files
    are not passed on, and a failing callback never undoes a store."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_bytes(fake_report("甲局", 2020, values={"k": 1}))
    (folder / "b.txt").write_bytes(fake_report("甲局", 2020, values={"k": 1}))  # same bytes: unchanged
    (folder / "c.txt").write_bytes(b"ERROR no_year \xe6\xb2\xa1\xe6\x9c\x89")
    (folder / "d.txt").write_bytes(fake_report("甲局", 2020, values={"k": 2}))  # a new version: replaced
    seen: list[tuple[str, str, str]] = []
    summary = ingest_paths(
        engine,
        [folder],
        progress=False,
        parser=text_parse,
        workers=2,
        on_text=lambda r, text: seen.append((r.file_name, r.outcome, text)),
    )
    assert [r.outcome for r in summary.results] == ["stored", "unchanged", "rejected", "replaced"]
    assert seen == [
        ("a.txt", "stored", "read:" + (folder / "a.txt").read_text()),
        ("d.txt", "replaced", "read:" + (folder / "d.txt").read_text()),
    ]
    assert all(r.path for r in summary.results)  # the callback saw results with their path set

    def boom(result, text):
        raise RuntimeError("scoring broke")

    (folder / "e.txt").write_bytes(fake_report("乙局", 2021, values={"k": 3}))
    again = ingest_paths(engine, [folder / "e.txt"], progress=False, parser=text_parse, on_text=boom)
    assert [r.outcome for r in again.results] == ["stored"]
    with Session(engine) as s:
        assert s.execute(select(Report).where(Report.year == 2021)).first() is not None
