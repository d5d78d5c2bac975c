"""Due dates, reminder days, and a fake clock walking from late December to the end of April."""

from __future__ import annotations

import html
from collections import Counter
from datetime import date, datetime, time, timedelta

import pytest

from bot.jobs import ReminderRunner
from reminders.calendar import (
    TZ,
    ReminderPlan,
    current_occasions,
    due_date,
    occasions,
    today_in_shanghai,
)
from reminders.config import ReminderConfig
from reminders.registry import RegistryError, import_agencies, outstanding
from reminders.subscriptions import subscribe
from tests.reminders.conftest import AGENCIES, Recorder, add_agencies, fast_limiter, file_report

pytestmark = pytest.mark.pg
DEPT, TOWN, XIXIA_GOV, SZS_GOV = (a[0] for a in AGENCIES)


# ----------------------------------------------------------------- due dates
@pytest.mark.parametrize("year,kind,due,article", [
    (2020, "department", date(2021, 1, 31), "第四十九条"),
    (2020, "township", date(2021, 1, 31), "第四十九条"),
    (2020, "devzone", date(2021, 1, 31), "第四十九条"),
    (2020, "people_gov", date(2021, 3, 31), "第四十九条"),
    (2019, "department", date(2020, 1, 31), "2019 年修订"),
    (2018, "department", date(2019, 3, 31), "第三十一条"),
    (2018, "people_gov", date(2019, 3, 31), "2008 年"),
])
def test_due_dates_and_their_explanation(year, kind, due, article):
    d = due_date(year, kind)
    assert d.due == due
    assert article in d.basis
    assert f"{due.year} 年 {due.month} 月 {due.day} 日" in d.explain()


def test_reminder_days_default_and_configurable():
    jan = occasions(2020, "jan")
    assert [o.on for o in jan[:6]] == [date(2021, 1, 1), date(2021, 1, 15), date(2021, 1, 25), date(2021, 1, 31),
                                       date(2021, 2, 1), date(2021, 2, 8)]
    assert [o.kind for o in jan[:6]] == ["reminder"] * 4 + ["overdue"] * 2
    mar = occasions(2020, "mar")
    assert [o.on for o in mar[:5]] == [date(2021, 3, 1), date(2021, 3, 15), date(2021, 3, 25), date(2021, 3, 31),
                                       date(2021, 4, 1)]
    custom = ReminderPlan.parse("10,31", overdue_every=14)
    assert [o.on for o in occasions(2020, "jan", custom)[:4]] == [date(2021, 1, 10), date(2021, 1, 31),
                                                                    date(2021, 2, 1), date(2021, 2, 15)]
    with pytest.raises(ValueError):
        ReminderPlan.parse("1,40")
    with pytest.raises(ValueError):
        ReminderPlan.parse("first")
    # before 2019 there is only the 31 March group
    assert {o.group for o in current_occasions(date(2019, 3, 15))} == {"mar"}
    assert current_occasions(date(2019, 1, 15)) == []


def test_shanghai_date_from_an_aware_clock():
    # 20:00 UTC on 31 Dec is already 1 Jan in Shanghai
    from datetime import UTC

    assert today_in_shanghai(lambda: datetime(2020, 12, 31, 20, 0, tzinfo=UTC)) == date(2021, 1, 1)


# ----------------------------------------------------------------- the walk
def _runner(engine, recorder: Recorder, clock_box: list) -> ReminderRunner:
    config = ReminderConfig(_env_file=None, lease_seconds=3600)
    return ReminderRunner(engine, recorder, config, clock=lambda: clock_box[0], limiter=fast_limiter())


async def _walk(engine, start: date, end: date, events: dict[date, list], skip: set[date] = frozenset()):
    recorder = Recorder()
    clock = [datetime.combine(start, time(9), TZ)]
    runner = _runner(engine, recorder, clock)
    day = start
    while day <= end:
        for action in events.get(day, []):
            action()
        if day not in skip:
            clock[0] = datetime.combine(day, time(9), TZ)
            recorder.today = day
            await runner.run_cycle("all", reason="test")
        day += timedelta(days=1)
    return recorder


@pytest.mark.asyncio
async def test_walk_january_to_april(engine):
    ids = add_agencies(engine)
    ALL, XIXIA, TOWN_ONLY, GROUP = 101, 102, 103, -1001
    subscribe(engine, ALL, "private", "all")
    subscribe(engine, XIXIA, "private", "region", "西夏区")
    subscribe(engine, TOWN_ONLY, "private", "agency", TOWN)
    subscribe(engine, GROUP, "supergroup", "all")
    events = {
        date(2021, 1, 20): [lambda: file_report(engine, ids[DEPT], 2020, on=date(2021, 1, 20))],
        date(2021, 3, 20): [lambda: file_report(engine, ids[XIXIA_GOV], 2020, on=date(2021, 3, 20))],
    }
    rec = await _walk(engine, date(2021, 1, 1), date(2021, 4, 30), events)

    # once each: no (chat, kind, period) twice
    keys = Counter((r.chat_id, r.kind, r.period) for _d, r in rec.sent)
    assert keys and max(keys.values()) == 1

    def days(chat, kind=None, group=None):
        return [d for d, r in rec.for_chat(chat) if (kind is None or r.kind == kind)
                and (group is None or f"/{group}/" in r.period)]

    # everything-subscriber: January group on 1/15/25/31, overdue weekly from 1 Feb (township never files)
    assert days(ALL, "reminder", "jan") == [date(2021, 1, d) for d in (1, 15, 25, 31)]
    overdue_jan = days(ALL, "overdue", "jan")
    assert overdue_jan[:3] == [date(2021, 2, 1), date(2021, 2, 8), date(2021, 2, 15)]
    assert all((b - a).days == 7 for a, b in zip(overdue_jan, overdue_jan[1:], strict=False))
    assert overdue_jan[-1] == date(2021, 4, 26)
    # people's governments: reminders up to 31 March, then overdue for the one that never filed
    assert days(ALL, "reminder", "mar") == [date(2021, 3, d) for d in (1, 15, 25, 31)]
    assert days(ALL, "overdue", "mar") == [date(2021, 4, d) for d in (1, 8, 15, 22, 29)]
    assert days(ALL, group="mar")[0] > date(2021, 2, 28)  # nothing about 31 March in January

    text = {(d, r.period.split("/")[1]): html.unescape(r.text) for d, r in rec.for_chat(ALL)}
    assert DEPT in text[(date(2021, 1, 15), "jan")] and "还有 16 天" in text[(date(2021, 1, 15), "jan")]
    assert TOWN in text[(date(2021, 1, 15), "jan")]
    assert XIXIA_GOV not in text[(date(2021, 1, 15), "jan")]
    assert DEPT not in text[(date(2021, 1, 25), "jan")]  # filed on 20 January: drops out
    assert "今天截止" in text[(date(2021, 1, 31), "jan")]
    assert "已逾期 1 天" in text[(date(2021, 2, 1), "jan")] and TOWN in text[(date(2021, 2, 1), "jan")]
    assert XIXIA_GOV in text[(date(2021, 3, 15), "mar")] and SZS_GOV in text[(date(2021, 3, 15), "mar")]
    assert XIXIA_GOV not in text[(date(2021, 3, 25), "mar")] and SZS_GOV in text[(date(2021, 3, 31), "mar")]

    # region subscriber (西夏区): the department until it filed, the district government until it filed
    assert days(XIXIA) == [date(2021, 1, 1), date(2021, 1, 15), date(2021, 3, 1), date(2021, 3, 15)]
    # agency subscriber: only the township, reminders then weekly overdue, never the March group
    assert days(TOWN_ONLY, "reminder") == [date(2021, 1, d) for d in (1, 15, 25, 31)]
    assert days(TOWN_ONLY, group="mar") == []
    assert days(TOWN_ONLY, "overdue") == overdue_jan
    # group: same reminders as the all-subscriber plus the weekly digest of the week the department filed
    digests = [(d, r.period) for d, r in rec.for_chat(GROUP) if r.kind == "weekly_digest"]
    assert digests == [(date(2021, 1, 25), "2021-W03"), (date(2021, 3, 22), "2021-W11")]
    assert days(GROUP, "reminder") == days(ALL, "reminder")
    assert all(r.kind != "weekly_digest" for _d, r in rec.for_chat(ALL))  # private chats: no digests


@pytest.mark.asyncio
async def test_missed_runs_are_caught_up_once_but_stale_ones_are_not(engine):
    add_agencies(engine)
    subscribe(engine, 201, "private", "all")
    # down from 14 to 17 January: the 15 January reminder goes out on the 18th, once;
    # down from 26 January to 3 February: the 31 January reminder is superseded by the 1 February overdue
    # notice (only the latest occasion of a group is caught up); started on 10 January: the 1 January
    # reminder is older than catchup_days and is not sent late
    skip = {date(2021, 1, d) for d in range(14, 18)} | {date(2021, 1, d) for d in range(26, 32)} | {
        date(2021, 2, d) for d in (1, 2, 3)}
    rec = await _walk(engine, date(2021, 1, 10), date(2021, 2, 10), {}, skip=skip)
    got = [(d, r.period.rsplit("/", 1)[1]) for d, r in rec.for_chat(201)]
    assert got == [(date(2021, 1, 18), "2021-01-15"), (date(2021, 1, 25), "2021-01-25"),
                   (date(2021, 2, 4), "2021-02-01"), (date(2021, 2, 8), "2021-02-08")]


def test_first_year_and_outstanding(engine):
    ids = add_agencies(engine, AGENCIES[:1], first_year=2021)
    assert outstanding(engine, 2020, today=date(2021, 1, 15)) == []  # not expected before its first year
    items = outstanding(engine, 2021, today=date(2022, 1, 15))
    assert [(o.name, o.days_left) for o in items] == [(DEPT, 16)]
    file_report(engine, ids[DEPT], 2021)
    assert outstanding(engine, 2021, today=date(2022, 1, 15)) == []


def test_import_agencies_all_or_nothing(engine, tmp_path):
    good = tmp_path / "reg.csv"
    good.write_text("name,kind,region,first_year\n甲县人民政府,人民政府,宁夏回族自治区/甲市/甲县,2019\n"
                    "甲县教育局,department,宁夏回族自治区/甲市/甲县,\n", encoding="utf-8")
    summary = import_agencies(engine, good)
    assert sorted(summary.added) == ["甲县人民政府", "甲县教育局"]
    items = outstanding(engine, 2020, "region", "甲县", today=date(2021, 1, 31))
    assert {(o.name, o.due.due) for o in items} == {("甲县人民政府", date(2021, 3, 31)),
                                                    ("甲县教育局", date(2021, 1, 31))}
    bad = tmp_path / "bad.csv"
    bad.write_text("name,kind,region,first_year\n乙县教育局,department,乙县,2019\n乙县人民政府,ministry,乙县,\n",
                   encoding="gbk")
    with pytest.raises(RegistryError) as err:
        import_agencies(engine, bad)
    assert "line 3" in str(err.value) and "ministry" in str(err.value)
    assert outstanding(engine, 2020, "region", "乙县", today=date(2021, 1, 31)) == []  # nothing partial
    again = import_agencies(engine, good)
    assert again.added == [] and sorted(again.unchanged) == ["甲县人民政府", "甲县教育局"]


@pytest.mark.asyncio
async def test_runs_before_the_run_time_belong_to_yesterday(engine):
    """A start-up or standby check at 03:00 on 15 January sends nothing early; from 09:00 it does."""
    add_agencies(engine)
    subscribe(engine, 301, "private", "all")
    recorder = Recorder()
    clock = [datetime(2021, 1, 15, 3, 0, tzinfo=TZ)]
    runner = _runner(engine, recorder, clock)
    await runner.run_cycle("all", reason="test")
    assert recorder.sent == []  # 14 January's latest occasion (1 January) is past the catch-up window
    clock[0] = datetime(2021, 1, 15, 9, 0, tzinfo=TZ)
    await runner.run_cycle("all", reason="test")
    assert [r.period for _d, r in recorder.sent] == ["2020/jan/2021-01-15"]
