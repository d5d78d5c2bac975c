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
from storage.export import write_csv, write_json_lines
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
