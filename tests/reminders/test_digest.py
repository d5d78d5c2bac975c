"""Weekly digest and yearly summary: content, escaping, blanks stay absent, planning thresholds."""

from __future__ import annotations

import html
import re
from datetime import date

import pytest
from sqlmodel import Session

from query.engine import Answerer
from reminders import delivery
from reminders.digest import (
    plan_weekly_digest,
    plan_yearly_summary,
    weekly_digest_text,
    weekly_facts,
    year_facts,
    yearly_summary_text,
)
from reminders.subscriptions import subscribe
from storage.models import IndicatorValue, ReportFinding
from tests.reminders.conftest import AGENCIES, add_agencies, file_report

pytestmark = pytest.mark.pg
DEPT, TOWN, XIXIA_GOV, SZS_GOV = (a[0] for a in AGENCIES)


def _values(engine, report_id, **values):
    with Session(engine) as s:
        for key, v in values.items():
            s.add(IndicatorValue(report_id=report_id, indicator=key.replace("__", "."), value=v, value_text=v))
        s.commit()


def test_weekly_digest_content_and_escaping(engine):
    ids = add_agencies(engine)
    r1 = file_report(engine, ids[DEPT], 2020, on=date(2021, 1, 18))  # Monday
    r2 = file_report(engine, ids[XIXIA_GOV], 2020, on=date(2021, 1, 24))  # Sunday, same week
    file_report(engine, ids[TOWN], 2020, on=date(2021, 1, 25))  # next week
    # both parts of the 2019 template's 行政诉讼纠正数, as the engine sums them (a missing part is no figure)
    _values(engine, r1, apply__received__total=12, litigation__direct__corrected=1,
            litigation__after_review__corrected=0)
    _values(engine, r2, apply__received__total=40, review__corrected=2)
    with Session(engine) as s:
        s.add(ReportFinding(report_id=r2, rule="sum", message="合计 40 ≠ 38 <script>"))
        s.commit()
    text = weekly_digest_text(engine, weekly_facts(engine, date(2021, 1, 18)), date(2021, 1, 18))
    assert "<script>" not in text and "&lt;script&gt;" in text
    plain = html.unescape(text)
    assert "本周入库 2 份" in plain and TOWN not in plain
    assert f"收到申请最多：{XIXIA_GOV} 2020 年 40 件" in plain
    assert "行政复议纠错合计 2 件" in plain and "行政诉讼纠错合计 1 件" in plain
    assert "勾稽关系问题：1 份报告" in plain
    assert weekly_digest_text(engine, weekly_facts(engine, date(2021, 1, 4)), date(2021, 1, 4)) is None


def test_yearly_summary_keeps_blanks_absent(engine):
    ids = add_agencies(engine)
    r1 = file_report(engine, ids[DEPT], 2020)
    r2 = file_report(engine, ids[TOWN], 2020)
    _values(engine, r1, apply__received__total=7)
    _values(engine, r2, review__total=3)  # no request figure: blank, not 0
    plain = html.unescape(yearly_summary_text(engine, year_facts(engine, 2020), 2020, 2, 4))
    assert "已入库 2/4" in plain and "收到申请合计 7 件（1 份报告有数）" in plain
    assert "行政复议合计 3 件" in plain and "行政诉讼" not in plain
    assert TOWN not in plain.split("排名")[1]  # not ranked with a made-up 0


def test_yearly_summary_ranks_and_sums_as_the_engine_answers(engine):
    """The summary's ranking and total are the answers to 「2020年依申请数最多的前5个单位」 and
    「2020年依申请数合计」 on the same store (ties included), not a second computation."""
    ids = add_agencies(engine)
    for name, received in ((DEPT, 12), (TOWN, 40), (XIXIA_GOV, 40), (SZS_GOV, 3)):
        _values(engine, file_report(engine, ids[name], 2020), apply__received__total=received)
    plain = html.unescape(yearly_summary_text(engine, year_facts(engine, 2020), 2020, 4, 4))
    ranked = re.findall(r"^\d+\. (.+) (\d+) 件$", plain.split("收到申请数排名")[1], re.MULTILINE)
    answerer = Answerer(engine)
    top = answerer.ask("2020年依申请数最多的前5个单位", today=date(2021, 4, 1))
    assert top.intent == "rank" and len(top.answers) == 4
    assert ranked == [(row.agency, str(int(row.value))) for row in top.answers]
    total = answerer.ask("2020年依申请数合计", today=date(2021, 4, 1))
    assert total.intent == "total" and "合计 95 件" in total.header and "收到申请合计 95 件（4 份报告有数）" in plain


def test_digest_and_summary_planning(engine):
    ids = add_agencies(engine)
    subscribe(engine, -500, "supergroup", "all")
    subscribe(engine, -501, "channel", "region", "石嘴山市")
    subscribe(engine, 600, "private", "all")  # private chats get reminders, not summaries
    file_report(engine, ids[DEPT], 2020, on=date(2021, 1, 20))
    assert plan_weekly_digest(engine, date(2021, 1, 25)) == 1  # only the group: the channel's region is quiet
    assert plan_weekly_digest(engine, date(2021, 1, 27)) == 0  # idempotent
    assert plan_yearly_summary(engine, date(2021, 2, 1)) == 0  # 1 of 4 in
    for name in (TOWN, XIXIA_GOV):
        file_report(engine, ids[name], 2020)
    assert plan_yearly_summary(engine, date(2021, 4, 1), threshold=0.75) == 1  # 3 of 4; channel has nothing
    file_report(engine, ids[SZS_GOV], 2020)
    assert plan_yearly_summary(engine, date(2021, 4, 2), threshold=0.75) == 1  # now the channel too
    assert plan_yearly_summary(engine, date(2021, 4, 3), threshold=0.75) == 0
    assert delivery.status_counts(engine, kind="yearly_summary") == {"pending": 2}
