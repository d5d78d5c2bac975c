"""Issue 15.7: a figure comes back exactly as the report prints it, end to end, on SQLite and PostgreSQL.

A generated report holds 12345678901234567 (float: …568), 10**30 + 1 (float: 1000000000000000019884624838656),
0.1 + 0.2 = 0.3 staff, fees printed "3.30" 万元 (kept with its trailing zero) and a negative count. What must
hold: the store, `export --json`, `ask --json`, chat text, CSV, restore of an old version and totals over
several bodies all give those digits; the negative count is a finding.
"""

from __future__ import annotations

import io
import json
from decimal import Decimal

import pytest
from sqlalchemy import select
from sqlmodel import Session

from query.engine import Answerer
from reports import exact
from reports.parse import parse_bytes
from service.answers import BotService
from service.format import rows_to_csv
from service.ingest import ingest_bytes
from service.render import json_line, terminal_text
from storage.export import write_csv, write_findings_json, write_json_lines
from storage.ingest import restore
from storage.models import IndicatorValue, ReportFinding, ReportVersion
from tests.hostile.corpus import BIG_COUNT, EXACT_AGENCY, HUGE, exact_report

pytestmark = pytest.mark.pg


def _ingest(engine, data: bytes, name: str, **kw) -> None:
    result = ingest_bytes(engine, data, name, parser=parse_bytes, **kw)
    assert result.outcome in {"stored", "replaced"}, result.reason


def _exported(engine) -> list[dict]:
    out = io.StringIO()
    write_json_lines(engine, out)
    return [json.loads(line, parse_float=Decimal) for line in out.getvalue().splitlines()]


def _by_key(rows: list[dict], year: int = 2016) -> dict:
    return {r["indicator"]: r["value"] for r in rows if r["agency"] == EXACT_AGENCY and r["year"] == year}


def test_store_and_export_keep_every_digit(engine):
    _ingest(engine, exact_report(), "exact2016.txt")
    with Session(engine) as s:
        stored = dict(s.execute(select(IndicatorValue.indicator, IndicatorValue.value_text)).all())
        negatives = s.execute(select(ReportFinding.rule).where(ReportFinding.rule.like("negative.%"))).scalars().all()
    assert stored["active.total"] == BIG_COUNT and stored["apply.received.total"] == HUGE + 1
    assert stored["apply.fees"] == Decimal("3.30") and exact.text(stored["apply.fees"]) == "3.30"
    assert negatives == ["negative.complaints.total"]

    out = io.StringIO()
    write_json_lines(engine, out)
    text = out.getvalue()
    assert '"value": 12345678901234567,' in text and f'"value": {HUGE + 1},' in text
    assert '"value": 3.30,' in text and '"value": 0.3,' in text and '"value": -2,' in text
    assert "e+" not in text and '"value": "' not in text  # no exponent, no quoted numbers
    got = _by_key(_exported(engine))
    assert got["active.total"] == BIG_COUNT and got["apply.received.in_person"] == HUGE

    csv_out = io.StringIO()
    write_csv(engine, csv_out)
    assert ",12345678901234567," in csv_out.getvalue() and ",3.30," in csv_out.getvalue()


def test_ask_json_chat_text_and_csv_print_the_report_digits(engine):
    _ingest(engine, exact_report(), "exact2016.txt")
    svc = BotService(None, engine, Answerer(engine))
    reply = svc.reply_sync(f"{EXACT_AGENCY} 2016 主动公开数", "t1")
    line = json_line(reply)
    assert '"value": 12345678901234567,' in line
    assert json.loads(line)["answers"][0]["value"] == BIG_COUNT
    assert "12345678901234567 条" in terminal_text(reply)
    assert b",12345678901234567," in rows_to_csv(reply.rows)

    fees = svc.reply_sync(f"{EXACT_AGENCY} 2016 收费", "t2")
    assert '"value": 3.30,' in json_line(fees)
    assert "3.30 万元" in terminal_text(fees)
    received = svc.reply_sync(f"{EXACT_AGENCY} 2016 依申请数", "t3")
    assert f'"value": {HUGE + 1},' in json_line(received)


def test_restore_of_an_old_version_is_exact(engine):
    _ingest(engine, exact_report(), "v1.txt")
    _ingest(engine, exact_report(fees="0.1"), "v2.txt")
    assert _by_key(_exported(engine))["apply.fees"] == Decimal("0.1")
    with Session(engine) as s:
        first = s.execute(select(ReportVersion).order_by(ReportVersion.id)).scalars().first()
        kept = {v["indicator"]: v["value_text"] for v in first.values}
    assert kept["active.total"] == str(BIG_COUNT) and kept["apply.fees"] == "3.30"
    assert restore(engine, EXACT_AGENCY, 2016, first.file_hash[:12]).outcome == "restored"
    got = _by_key(_exported(engine))
    assert got["apply.fees"] == Decimal("3.30") and got["active.total"] == BIG_COUNT
    assert got["apply.received.total"] == HUGE + 1


def test_totals_over_bodies_are_exact(engine):
    _ingest(engine, exact_report(), "a.txt")
    other = exact_report().decode().replace(EXACT_AGENCY, "临江市精确数字另一局").encode()
    _ingest(engine, other, "b.txt")
    svc = BotService(None, engine, Answerer(engine))
    reply = svc.reply_sync("临江市 2016 主动公开数合计", "t4")
    text = terminal_text(reply)
    assert f"{2 * BIG_COUNT:,}" in text, text  # 24,691,357,802,469,134 (float: …136)


# ------------------------------------------------------------------ findings (expected / actual, 0011)

CHANNELS = "2008.received_channels"  # 收到申请数 = 当面 + 传真 + 网络 + 信函
STAFF = "2008.staff_parts"  # 工作人员数 = 专职 + 兼职
OTHER = "临江市精确数字另一局"


def _unbalanced(engine) -> None:
    """EXACT_AGENCY prints 10**30, its parts add to 10**30 + 1; OTHER prints 12345678901234567, its parts
    add to …568 (as floats both pairs are equal: 1e+30 twice, 1.2345678901234568e+16 twice), and staff
    0.3 against 0.1 + 0.25 = 0.35 (Decimals: json.dumps cannot write them, exact.dumps writes the digits)."""
    _ingest(engine, exact_report(balanced=False), "a.txt")
    other = exact_report(balanced=False, in_person=BIG_COUNT, part_time="0.25").decode().replace(EXACT_AGENCY, OTHER)
    _ingest(engine, other.encode(), "b.txt")


def _findings_lines(text: str) -> dict[str, dict]:
    """agency → rule → finding, of the 2016 findings lines (read back exactly)."""
    items = [json.loads(line, parse_float=Decimal) for line in text.splitlines() if '"type": "findings"' in line]
    return {i["agency"]: {f["rule"]: f for f in i["findings"]} for i in items if i["year"] == 2016}


def _assert_exact_findings(text: str) -> None:
    assert f'"expected": {HUGE + 1}, "actual": {HUGE},' in text, text
    assert f'"expected": {BIG_COUNT + 1}, "actual": {BIG_COUNT},' in text
    assert "e+" not in text and '"expected": "' not in text and '"actual": "' not in text
    got = _findings_lines(text)
    assert (got[EXACT_AGENCY][CHANNELS]["expected"], got[EXACT_AGENCY][CHANNELS]["actual"]) == (HUGE + 1, HUGE)
    assert (got[OTHER][CHANNELS]["expected"], got[OTHER][CHANNELS]["actual"]) == (BIG_COUNT + 1, BIG_COUNT)
    assert got[EXACT_AGENCY]["negative.complaints.total"]["actual"] == -2
    assert '"expected": 0.35, "actual": 0.3,' in text
    assert (got[OTHER][STAFF]["expected"], got[OTHER][STAFF]["actual"]) == (Decimal("0.35"), Decimal("0.3"))
    assert STAFF not in got[EXACT_AGENCY]  # 0.1 + 0.2 is 0.3 exactly


def _url(engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def test_findings_json_and_export_show_the_exact_digits(engine, capsys):
    from bot.cli import main

    _unbalanced(engine)
    with Session(engine) as s:
        stored = dict(s.execute(
            select(ReportFinding.actual_text, ReportFinding.expected_text).where(ReportFinding.rule == CHANNELS)
        ).all())
    assert stored == {HUGE: HUGE + 1, BIG_COUNT: BIG_COUNT + 1}

    capsys.readouterr()
    assert main(["--database-url", _url(engine), "findings", "临江市精确数字", "--json"]) == 0  # both bodies
    _assert_exact_findings(capsys.readouterr().out)

    assert main(["--database-url", _url(engine), "export", "--json", "--findings"]) == 0
    _assert_exact_findings(capsys.readouterr().out)

    out = io.StringIO()
    write_findings_json(engine, out)
    _assert_exact_findings(out.getvalue())


def test_findings_of_a_restored_version_and_a_reparse_stay_exact(engine):
    """report_version keeps the exact texts (restore writes them back); re-parsing the same file finds
    nothing changed (the stored texts compare equal to the new ones). No negative count here: a finding
    made at ingest from the store (negative.*) is not in the re-parse comparison, a separate matter."""
    unbalanced = exact_report(balanced=False, complaints="2")
    _ingest(engine, unbalanced, "v1.txt")
    with Session(engine) as s:
        first = s.execute(select(ReportVersion).order_by(ReportVersion.id)).scalars().first()
        kept = {f["rule"]: (f["expected_text"], f["actual_text"]) for f in first.findings}
    assert kept[CHANNELS] == (str(HUGE + 1), str(HUGE))
    again = ingest_bytes(engine, unbalanced, "v1.txt", parser=parse_bytes, reparse=True)
    assert again.outcome == "unchanged", again.reason

    _ingest(engine, exact_report(complaints="2"), "v2.txt")  # balanced: no identity finding
    out = io.StringIO()
    write_findings_json(engine, out)
    assert CHANNELS not in _findings_lines(out.getvalue())[EXACT_AGENCY]
    assert restore(engine, EXACT_AGENCY, 2016, first.file_hash[:12]).outcome == "restored"
    out = io.StringIO()
    write_findings_json(engine, out)
    f = _findings_lines(out.getvalue())[EXACT_AGENCY][CHANNELS]
    assert (f["expected"], f["actual"]) == (HUGE + 1, HUGE)
