"""A report appears on 20 January → the next harvest stores it → one 已发布 message per subscriber of
its region, and reminders for that body stop; a body still missing on 1 February is overdue."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import Session, select

from harvest.fetch import FetchPolicy
from reminders.planner import plan_reminders
from reminders.registry import outstanding
from service.harvest import harvest, read_sites
from storage.models import Delivery
from tests.harvest.conftest import BODY, HEXI, LAGGARD

FAST = FetchPolicy(per_host_interval=0.02, backoff=0.01)


def _deliveries(engine, kind: str) -> list[Delivery]:
    with Session(engine) as s:
        return list(s.exec(select(Delivery).where(Delivery.kind == kind).order_by(Delivery.chat_id)).all())


@pytest.mark.pg
@pytest.mark.asyncio
async def test_published_notice_once_per_subscriber_and_reminders_stop(engine, hexi_registry, sites, sites_csv, tmp_path):
    raw = tmp_path / "raw"
    await harvest(engine, read_sites(sites_csv), raw, policy=FAST, today=date(2026, 1, 10))
    assert _deliveries(engine, "published") == []  # the back catalogue is not news
    assert BODY in {o.name for o in outstanding(engine, 2025, "region", "河西区", today=date(2026, 1, 19))}

    sites.publish_late(2025)  # appears on the site on 20 January
    stats = await harvest(engine, read_sites(sites_csv), raw, policy=FAST, today=date(2026, 1, 20))
    notices = _deliveries(engine, "published")
    assert [d.chat_id for d in notices] == [HEXI] and stats.notices == 1
    assert notices[0].text.startswith(f"{BODY} 2025 年报已发布（按时）") and "http://127.0.0.1:" in notices[0].text
    await harvest(engine, read_sites(sites_csv), raw, policy=FAST, today=date(2026, 1, 21))
    assert len(_deliveries(engine, "published")) == 1  # ONE message, however often we harvest

    left = {o.name: o for o in outstanding(engine, 2025, "region", "河西区", today=date(2026, 2, 1))}
    assert BODY not in left  # filed: its reminders stop
    assert left[LAGGARD].overdue and left[LAGGARD].days_left == -1
    plan_reminders(engine, date(2026, 2, 1))
    overdue = [d for d in _deliveries(engine, "overdue") if d.chat_id == HEXI]
    assert overdue and LAGGARD in overdue[0].text and BODY not in overdue[0].text


def test_late_publication_says_how_late():
    from reminders.published import notice_text
    from storage.harvest import PublishedFacts

    f = PublishedFacts(1, 1, BODY, "department", "青川省/临江市/河西区", 2025, "http://x/y.htm", date(2026, 2, 10))
    assert notice_text(f, date(2026, 2, 11)).startswith(f"{BODY} 2025 年报已发布（逾期 10 天），发布日期 2026-02-10")
