"""Scorecards through the store: computed at ingest, stored, found again; the shared reports' known findings;
the region table and its CLI (text, JSON, XLSX). SQLite, and PostgreSQL with `-m pg`."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from openpyxl import load_workbook

from audit.rules import weights
from bot.cli import main
from service import audit as svc
from service.audit_render import card_text, evidence_text, region_png, region_xlsx
from service.ingest import ingest_bytes, ingest_paths
from tests.conftest import require_shared
from tools.generator import copied_sentences, generate_report, novel_sentences, with_prose


def _ingest_shared(engine):
    folder = require_shared()
    summary = ingest_paths(engine, [folder], progress=False, workers=1)
    assert svc.score_results(engine, summary.results) == len(summary.by("stored"))
    return summary


@pytest.mark.pg
def test_shared_reports_known_findings_are_on_their_cards(engine):
    _ingest_shared(engine)
    card = svc.find_card(engine, "银川市行政审批服务局", 2017).card
    numbers = next(c for c in card.checks if c.key == "numbers")
    assert numbers.severity == "major" and {20.0, 40.0} <= {v for e in numbers.evidence for v in e.values.values()} \
        or "20" in numbers.evidence[0].text and "40" in numbers.evidence[0].text
    assert numbers.evidence[0].line is not None
    hz = svc.find_card(engine, "淮安市洪泽区人民政府", 2023).card
    review = [e for e in next(c for c in hz.checks if c.key == "numbers").evidence if "行政复议" in e.text]
    assert review and review[0].line is not None and "11" in review[0].text
    swapped = svc.find_card(engine, "中卫市审批服务管理局", 2019).card
    fmt = next(c for c in swapped.checks if c.key == "format")
    assert fmt.severity == "minor" and any("第五部分" in p for p in fmt.problems)
    clean = svc.find_card(engine, "淮安市人民政府", 2024).card
    assert clean.grade == "A" and not clean.problems()
    assert "体检结果" in card_text(card) and "依据" in evidence_text(card, "numbers")


@pytest.mark.pg
def test_copied_report_is_found_at_ingest_against_the_stored_previous_year(engine):
    agency = "临江市河西区教育局"
    last = novel_sentences(1, 30)
    for year, sentences, seed in ((2021, last, 1), (2022, copied_sentences(last, 0.9, seed=2), 2)):
        text = with_prose(generate_report(seed, "2021", agency, year, noise=frozenset()).text, sentences)
        r = ingest_bytes(engine, text.encode(), f"{agency}_{year}.txt")
        assert svc.score_result(engine, r, text.encode()) is not None
    card = svc.find_card(engine, agency, 2022).card
    sim = next(c for c in card.checks if c.key == "similarity")
    assert sim.severity == "critical" and sim.evidence[0].source == f"{agency} 2021"
    assert svc.find_card(engine, agency, 2021).card.checks[3].severity in ("ok", "info")
    assert "对应多个单位" in svc.find_card(engine, "临江市", 2022).message or svc.find_card(engine, "临江市", 2022).card
    assert "没有找到" in svc.find_card(engine, "不存在县", 2022).message


@pytest.mark.pg
def test_region_audit_lists_unpublished_bodies_first_and_exports(engine, tmp_path):
    _ingest_shared(engine)
    rows = svc.region_audit(engine, "银川市", 2020, date(2021, 3, 1))
    assert [r.published for r in rows] == sorted(r.published for r in rows)  # unpublished first
    late = [r for r in rows if not r.published and r.days_late]
    assert late and all(r.grade == "—" for r in late)
    data = region_xlsx("银川市", 2020, rows)
    wb = load_workbook(io.BytesIO(data))
    assert wb.sheetnames == ["汇总", *(w.label for w in weights().values())]
    assert wb["汇总"].max_row == len(rows) + 1
    assert region_png("银川市", 2020, rows)[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_audit_json_and_xlsx(tmp_path, capsys):
    folder = require_shared()
    url = f"sqlite:///{tmp_path / 'cli.db'}"
    assert main(["--database-url", url, "ingest", str(folder), "--no-progress", "-q"]) == 0
    capsys.readouterr()
    xlsx = tmp_path / "a.xlsx"
    assert main(["--database-url", url, "audit", "淮安市", "2023", "--json", "--xlsx", str(xlsx),
                 "--today", "2024-06-01"]) == 0
    lines = [json.loads(ln) for ln in capsys.readouterr().out.splitlines()]
    assert [(r["agency"], r["grade"]) for r in lines] == [("淮安市洪泽区人民政府", "B")]
    assert any("行政复议" in p for p in lines[0]["problems"])
    assert load_workbook(xlsx)["汇总"]["A2"].value == "淮安市洪泽区人民政府"
    assert main(["--database-url", url, "audit", "无此地", "2023"]) == 1
    assert "没有「无此地」" in capsys.readouterr().out


def test_an_unchanged_file_stored_before_the_audit_gets_its_card_on_the_next_ingest(engine):
    folder = require_shared()
    ingest_paths(engine, [folder / "002_a9dbc25bac2331b1.txt"], progress=False, workers=1)  # no scoring then
    assert svc.find_card(engine, "银川市西夏区审批服务管理局", 2020).card is None
    again = ingest_paths(engine, [folder / "002_a9dbc25bac2331b1.txt"], progress=False, workers=1)
    assert [r.outcome for r in again.results] == ["unchanged"]
    assert svc.score_results(engine, again.results) == 1
    assert svc.find_card(engine, "银川市西夏区审批服务管理局", 2020).card.grade == "A"
    assert svc.score_results(engine, again.results) == 0  # scored once


def test_ingest_scores_from_the_workers_text_with_the_same_cards_as_reading_the_files_again(
    engine, tmp_path, monkeypatch
):
    """IngestScoring (what `disclosure-bot ingest` does): no file is read a second time, and every card is
    the one reading the file again would have made (similarity to earlier reports included)."""
    from storage.db import create_all, get_engine

    folder = tmp_path / "in"
    folder.mkdir()
    agency = "临江市河西区教育局"
    last = novel_sentences(3, 30)
    for year, sentences, seed in ((2021, last, 1), (2022, copied_sentences(last, 0.9, seed=2), 2)):
        text = with_prose(generate_report(seed, "2021", agency, year, noise=frozenset()).text, sentences)
        (folder / f"{year}.txt").write_text(text, encoding="utf-8")
    (folder / "other.txt").write_text(generate_report(5, "2019", "白石市人民政府", 2020).text, encoding="utf-8")
    reread = get_engine(f"sqlite:///{tmp_path / 'reread.db'}")
    create_all(reread)
    old = ingest_paths(reread, [folder], progress=False, workers=1)
    assert svc.score_results(reread, old.results) == 3
    reads: list[str] = []
    real = svc.read_document
    monkeypatch.setattr(svc, "read_document", lambda data, name: reads.append(name) or real(data, name))
    scoring = svc.IngestScoring(engine)
    summary = ingest_paths(engine, [folder], progress=False, workers=1, on_text=scoring)
    assert len(scoring.scored) == 3 and reads == []
    assert scoring.rest(summary.results) == 3 and reads == []  # nothing left to read
    for who, year in ((agency, 2021), (agency, 2022), ("白石市人民政府", 2020)):
        card, want = svc.find_card(engine, who, year).card, svc.find_card(reread, who, year).card
        assert card is not None and card.to_json() == want.to_json(), (who, year)
    assert next(c for c in card.checks if c.key == "similarity") is not None
    again = ingest_paths(engine, [folder], progress=False, workers=1, on_text=svc.IngestScoring(engine))
    assert {r.outcome for r in again.results} == {"unchanged"}
    reread.dispose()


def test_starter_reports_count_as_published_but_unscored_and_check_says_why(tmp_path, capsys):
    """The starter dataset holds figures, not text: its reports are filed (no 未公布/逾期 for them) but have
    no card, and the officer is told how to get one (ingest the file)."""
    url = f"sqlite:///{tmp_path / 'st.db'}"
    assert main(["--database-url", url, "starter"]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "audit", "银川市", "2020", "--json", "--today", "2021-06-01"]) == 0
    rows = {r["agency"]: r for r in map(json.loads, capsys.readouterr().out.splitlines())}
    xixia = rows["银川市西夏区审批服务管理局"]
    assert xixia["published"] is True and xixia["days_late"] is None and "未评分" in xixia["problems"][0]
    assert rows["银川市行政审批服务局"]["published"] is False  # its starter report is of 2017
    assert main(["--database-url", url, "audit", "银川市", "2020", "--today", "2021-06-01"]) == 0
    head = capsys.readouterr().out.splitlines()[0]
    assert "已公布 1 家，按时 0 家，发布日期不明 1 家" in head
    assert main(["--database-url", url, "check", "西夏区", "2020"]) == 1
    assert "ingest" in capsys.readouterr().out
    folder = require_shared()
    assert main(["--database-url", url, "ingest", str(folder / "002_a9dbc25bac2331b1.txt"), "--no-progress", "-q"]) == 0
    capsys.readouterr()
    assert main(["--database-url", url, "check", "西夏区", "2020"]) == 0
    out = capsys.readouterr().out
    assert "体检结果" in out and "依据" in out and out.count("依据") == 5  # the card, then every check's evidence
    assert main(["--database-url", url, "check", "西夏区", "2020", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["grade"] == "A"
    assert main(["--database-url", url, "check", "无此单位", "2020"]) == 1


def test_a_ten_thousandfold_jump_against_the_stored_history_is_on_the_card(engine):
    """End to end: the parser's history check at ingest (reports/checks_history) → the numbers check."""
    agency = "临江市河西区司法局"
    row = "一、本年新收政府信息公开申请数量"
    last = generate_report(2062, "2021", agency, 2021, noise=frozenset()).text
    (last_row,) = [ln for ln in last.splitlines() if ln.strip().startswith(row)]
    assert int(last_row.split()[-1]) > 0
    this = generate_report(2063, "2021", agency, 2022, noise=frozenset()).text
    jumped = " ".join([row, *(str(int(t) * 10_000) for t in last_row.split()[1:])])  # last year's row ×10⁴
    this = "\n".join(jumped if ln.strip().startswith(row) else ln for ln in this.splitlines())
    for year, text in ((2021, last), (2022, this)):
        r = ingest_bytes(engine, text.encode(), f"{agency}_{year}.txt")
        assert svc.score_result(engine, r, text.encode()) is not None
    numbers = next(c for c in svc.find_card(engine, agency, 2022).card.checks if c.key == "numbers")
    assert numbers.severity in ("major", "critical")
    assert any("数量级突变" in p for p in numbers.problems), numbers.problems
    assert any(e.line for e in numbers.evidence)
