"""Each check on reports written to fail it (generated, then altered the way real reports go wrong)."""

from __future__ import annotations

import re
from datetime import date

import pytest

from audit import ReportFacts, score_report
from audit.fingerprint import fingerprint
from audit.model import StoredFinding
from audit.similarity import YearIndex, measure
from reports.parse import parse_text
from tools.generator import copied_sentences, generate_report, novel_sentences, with_prose

AGENCY = "临江市河西区教育局"


def _facts(text: str, *, kind: str = "department", findings=(), values=None, **kw) -> ReportFacts:
    p = parse_text(text, "x.txt")
    found = [StoredFinding(f.rule, f.message, f.values, f.line_no) for f in p.findings] + list(findings)
    return ReportFacts(p.identity.agency, kind, p.identity.year, p.template, text,
                       values if values is not None else p.value_map(), found, **kw)


def _signed(text: str, signed: str) -> str:
    """Replace the report's 落款日期 (its last date line) with `signed`."""
    lines = text.rstrip().splitlines()
    i = max(i for i, ln in enumerate(lines) if re.fullmatch(r"\s*\d{4}年\d{1,2}月\d{1,2}日\s*", ln))
    lines[i] = signed
    return "\n".join(lines) + "\n"


def _check(card, key):
    return next(c for c in card.checks if c.key == key)


@pytest.mark.parametrize(("signed", "severity", "late"), [
    ("2021年1月20日", "ok", -11), ("2021年2月5日", "minor", 5), ("2021年3月15日", "critical", 43),
    ("二〇二一年三月十五日", "critical", 43)])
def test_timeliness_from_the_signature_date(signed, severity, late):
    text = _signed(generate_report(3, "2019", AGENCY, 2020, noise=frozenset()).text, signed)
    card = score_report(_facts(text))
    t = _check(card, "timeliness")
    assert (t.severity, card.days_late, card.date_source) == (severity, late, "signature")
    assert card.due == date(2021, 1, 31)


def test_timeliness_prefers_the_harvester_date_and_people_governments_are_due_in_march():
    text = _signed(generate_report(4, "2019", "临江市人民政府", 2020, noise=frozenset()).text, "2021年3月15日")
    card = score_report(_facts(text, kind="people_gov", published_on=date(2021, 4, 2)))
    assert (card.date_source, card.days_late, _check(card, "timeliness").severity) == ("harvester", 2, "minor")


def test_upload_date_after_the_deadline_proves_nothing():
    text = generate_report(5, "2021", AGENCY, 2022, noise=frozenset()).text
    text = "\n".join(ln for ln in text.splitlines() if not re.fullmatch(r"\s*\d{4}年\d{1,2}月\d{1,2}日\s*", ln))
    card = score_report(_facts(text, uploaded_on=date(2026, 5, 1)))
    assert (card.date_source, card.days_late, _check(card, "timeliness").severity) == ("upload", None, "info")
    on_time = score_report(_facts(text, uploaded_on=date(2023, 1, 10)))
    assert (on_time.days_late, _check(on_time, "timeliness").severity) == (-21, "ok")


def test_wrong_template_for_the_year():
    text = generate_report(6, "2019", AGENCY, 2022, noise=frozenset()).text  # 2019 format for a 2022 report
    card = score_report(_facts(text))
    f = _check(card, "format")
    assert f.severity == "major" and "2021 年新版格式" in f.summary and "〔2021〕30号" in f.summary
    right = score_report(_facts(generate_report(6, "2021", AGENCY, 2022, noise=frozenset()).text))
    assert _check(right, "format").severity == "ok"


def test_missing_section():
    text = generate_report(7, "2021", AGENCY, 2022, noise=frozenset()).text
    lines = text.splitlines()
    start = next(i for i, ln in enumerate(lines) if ln.strip().startswith("五、"))
    end = next(i for i, ln in enumerate(lines) if ln.strip().startswith("六、"))
    card = score_report(_facts("\n".join(lines[:start] + lines[end:])))
    f = _check(card, "format")
    assert f.severity == "major" and "缺少第五部分" in f.summary


def test_completeness_and_number_findings_from_the_parser_are_consumed():
    text = generate_report(8, "2021", AGENCY, 2022, noise=frozenset()).text
    jump = StoredFinding("magnitude.apply.received.total", "本年新收申请 120000 件，是以往年份（12 件）的 10000 倍",
                         {"apply.received.total": 120000}, 40)
    gap = StoredFinding("completeness", "表格缺少 3 行：（六）其他处理", {}, 60)
    card = score_report(_facts(text, findings=[jump, gap]))
    n, f = _check(card, "numbers"), _check(card, "format")
    assert n.severity == "major" and n.evidence[0].values == {"apply.received.total": 120000.0}
    assert n.evidence[0].line == 40 and "数量级突变" in n.problems[0]
    assert f.severity == "major" and any("表格行列缺失" in p for p in f.problems)
    assert card.score < score_report(_facts(text)).score


def test_fees_contradiction_and_no_applications_statements():
    text = generate_report(9, "2008", AGENCY, 2017, noise=frozenset()).text
    text = with_prose(text, ["本机关在依申请公开工作中未收取任何费用，切实减轻申请人负担。",
                             "本年度本机关没有收到公民、法人和其他组织的政府信息公开申请。"])
    values = {**parse_text(text).value_map(), "apply.fees": 0.3, "apply.received.total": 12}
    c = _check(score_report(_facts(text, values=values)), "consistency")
    assert c.severity == "major" and len(c.problems) == 2
    assert {tuple(e.values) for e in c.evidence} == {("apply.fees",), ("apply.received.total",)}
    quiet = {**values, "apply.fees": 0, "apply.received.total": 0}
    assert _check(score_report(_facts(text, values=quiet)), "consistency").severity == "ok"


def test_section_saying_none_while_the_table_has_numbers():
    text = generate_report(10, "2021", AGENCY, 2022, noise=frozenset()).text
    lines = text.splitlines()
    six = next(i for i, ln in enumerate(lines) if ln.strip().startswith("六、"))
    text = "\n".join(lines[:six + 1] + ["无。", ""] + [ln for ln in lines[six + 1:] if re.search(r"\d{4}年", ln)])
    values = {**parse_text(text).value_map(), "apply.processing_fee": 200.0}
    c = _check(score_report(_facts(text, values=values)), "consistency")
    assert any("第六部分写“无”" in p for p in c.problems)


def _prose_report(seed: int, sentences: list[str], agency: str = AGENCY, year: int = 2022) -> str:
    """Only the prose a body wrote itself (the generator's own filler is common wording, tested below)."""
    return with_prose(f"{agency}{year}年政府信息公开工作年度报告\n\n一、总体情况\n", sentences)


@pytest.mark.parametrize(("share", "severity"), [(0.9, "critical"), (0.1, "ok")])
def test_prose_copied_from_the_previous_year(share, severity):
    last_year = novel_sentences(100, 30)
    prev = fingerprint(_prose_report(11, last_year, year=2021))
    text = _prose_report(12, copied_sentences(last_year, share, seed=5))
    sim = measure(fingerprint(text), 1, YearIndex(2022), prev, f"{AGENCY} 2021")
    assert sim.previous_share == pytest.approx(share, abs=0.08)
    base = generate_report(12, "2021", AGENCY, 2022, noise=frozenset()).text
    c = _check(score_report(_facts(base, similarity=sim)), "similarity")
    assert c.severity == severity
    if share > 0.5:
        assert c.evidence and c.evidence[0].source == f"{AGENCY} 2021" and c.evidence[0].values["chars"] > 500


def test_prose_copied_from_another_body_of_the_same_year():
    index = YearIndex(2022)
    other = novel_sentences(200, 30)
    index.add(1, 2, "临江市河东区教育局 2022", fingerprint(_prose_report(13, other, "临江市河东区教育局")))
    index.add(2, 3, "临江市北区教育局 2022", fingerprint(_prose_report(14, novel_sentences(300, 30), "临江市北区教育局")))
    text = _prose_report(15, copied_sentences(other, 0.6, seed=9))
    sim = measure(fingerprint(text), 1, index)
    assert sim.peer_share == pytest.approx(0.6, abs=0.08) and sim.passages[0].source == "临江市河东区教育局 2022"
    own = measure(fingerprint(text), 2, index)  # the same body's own report is not a peer
    assert own.peer_share < 0.1


def test_generated_filler_shared_by_many_bodies_is_common_wording():
    index = YearIndex(2022)
    for i in range(40):
        name = f"临江市第{i}区教育局"
        index.add(i, i, name, fingerprint(generate_report(i, "2021", name, 2022, noise=frozenset()).text))
    text = _prose_report(77, novel_sentences(77, 20))
    full = with_prose(generate_report(77, "2021", AGENCY, 2022, noise=frozenset()).text, novel_sentences(77, 20))
    assert measure(fingerprint(full), 999, index).peer_share < 0.1
    assert measure(fingerprint(text), 999, index).peer_share == 0


def test_sentences_every_body_prints_do_not_count():
    index = YearIndex(2022)
    shared = novel_sentences(400, 10)
    for i in range(30):  # 30 bodies all print the same 10 sentences: common wording, not copying
        index.add(i, i, f"body {i}", fingerprint(_prose_report(20 + i, shared + novel_sentences(500 + i, 10))))
    text = _prose_report(99, shared + novel_sentences(999, 10))
    sim = measure(fingerprint(text), 999, index)
    assert sim.peer_share < 0.1 and sim.counted_chars < fingerprint(text).total_chars


@pytest.mark.parametrize(("history", "value", "flagged"), [
    ({2020: 80, 2021: 120}, 1300, "倍"),  # ×10 and more than every other year
    ({2020: 80, 2021: 120}, 900, None),  # ×7.5: a busy year, not a slip
    ({2020: 2, 2021: 3}, 40, None),  # ×13 but small: 3 → 40 happens
    ({2019: 300, 2020: 250, 2021: 410}, 0, "骤降为 0"),  # a sudden 0 after years of hundreds
    ({2020: 5, 2021: 0}, 0, None),  # 0 after a quiet year
])
def test_counts_against_the_body_own_history(history, value, flagged):
    text = generate_report(41, "2021", AGENCY, 2022, noise=frozenset()).text
    values = {**parse_text(text).value_map(), "apply.received.total": value}
    past = {y: {"apply.received.total": v} for y, v in history.items()}
    n = _check(score_report(_facts(text, values=values, history=past)), "numbers")
    jumps = [p for p in n.problems if p.startswith("数量级突变")]
    if flagged is None:
        assert jumps == []
    else:
        assert len(jumps) == 1 and flagged in jumps[0] and n.severity == "major"
        assert any(e.values.get("apply.received.total") == value for e in n.evidence)
