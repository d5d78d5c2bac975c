"""Helpers for the reminder tests: agencies, filed reports, subscriptions and a recording fake sender."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, time

import pytest
from sqlmodel import Session

from reminders.calendar import TZ
from reminders.delivery import Claimed
from reminders.sender import FloodLimiter, Limits
from storage.models import Agency, Report
from tests.botapi import BotApiStandin
from tests.virtual_time import VirtualLoop

AGENCIES = [
    # name, kind, region_path
    ("银川市西夏区城市管理局", "department", "宁夏回族自治区/银川市/西夏区"),
    ("银川市兴庆区胜利街街道办事处", "township", "宁夏回族自治区/银川市/兴庆区"),
    ("银川市西夏区人民政府", "people_gov", "宁夏回族自治区/银川市/西夏区"),
    ("石嘴山市人民政府", "people_gov", "宁夏回族自治区/石嘴山市"),
]


def add_agencies(engine, rows=AGENCIES, first_year: int | None = None) -> dict[str, int]:
    ids = {}
    with Session(engine) as session:
        for name, kind, path in rows:
            a = Agency(name=name, kind=kind, region_path=path, region=path.rsplit("/", 1)[-1],
                       first_year=first_year, source="registry")
            session.add(a)
            session.commit()
            ids[name] = a.id
    return ids


def file_report(engine, agency_id: int, year: int, on: date | None = None) -> int:
    at = datetime.combine(on, time(10), TZ).astimezone(UTC) if on else datetime.now(UTC)
    with Session(engine) as session:
        r = Report(agency_id=agency_id, year=year, template="2019", title=f"{year} 年报", file_name=f"r{agency_id}.txt",
                   file_hash=f"h{agency_id}-{year}", ingested_at=at)
        session.add(r)
        session.commit()
        return r.id


def fast_limiter() -> FloodLimiter:
    return FloodLimiter(Limits(overall_per_second=1e6, per_chat_seconds=0, group_per_minute=0))


class Recorder:
    """A SendFn that records what would have reached Telegram, stamped with the fake date."""

    def __init__(self) -> None:
        self.sent: list[tuple[date, Claimed]] = []
        self.today: date | None = None
        self.next_id = 1

    async def __call__(self, row: Claimed) -> int:
        self.sent.append((self.today, row))
        self.next_id += 1
        return self.next_id

    def for_chat(self, chat_id: int) -> list[tuple[date, Claimed]]:
        return [(d, r) for d, r in self.sent if r.chat_id == chat_id]


@pytest.fixture
def api():
    """The local Bot API stand-in (same as tests/bot's fixture)."""
    with BotApiStandin() as server:
        yield server


def pytest_asyncio_loop_factories(config, item):  # noqa: ANN001 - pytest-asyncio's hook signature
    """pytest-asyncio's loop for each async test here: the virtual-time loop for tests marked
    `virtual_time` (pacing over thousands of simulated sends), the standard loop for every other one."""
    if item.get_closest_marker("virtual_time"):
        return {"virtual_time": VirtualLoop}
    return {"asyncio": asyncio.new_event_loop}

