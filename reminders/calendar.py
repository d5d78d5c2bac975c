"""When each annual report is due, and on which days reminders go out.

Legal basis (why two due dates):
- 《政府信息公开条例》(2019 修订) art. 49 (first sentence): government departments (and bodies treated like
  them: townships/streets, development-zone committees) publish the report for year Y by 31 January of Y+1;
  art. 49 (second sentence): people's governments at county level and above publish their 本级政府 report by
  31 March of Y+1 (art. 50 lists what a report contains).
- 《政府信息公开条例》(2008) art. 31: for years up to 2018 every body published by 31 March of Y+1.

Reminder days are "occasions": by default the 1st, 15th, 25th and 31st of the due month (clamped to the
due day), then "overdue" on the day after the due date and every 7 days until the end of Y+1. Every
occasion has a stable period key so a Delivery row (chat, kind, period) exists at most once.

All dates are Asia/Shanghai calendar dates; the clock is injectable (`Clock`).
"""

from __future__ import annotations

import calendar as _cal
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

TZ = ZoneInfo("Asia/Shanghai")
Clock = Callable[[], datetime]

NEW_REGULATION_FIRST_YEAR = 2019  # reports for 2019 onwards follow the 2019 revision
PEOPLE_GOV = "people_gov"
JAN = "jan"  # group: due 31 January (departments, townships/streets, devzones, other)
MAR = "mar"  # group: due 31 March (people's governments; everyone before 2019)
GROUP_NAMES = {JAN: "1月31日截止", MAR: "3月31日截止"}
KIND_NAMES = {
    "people_gov": "人民政府",
    "department": "政府部门",
    "township": "乡镇（街道）",
    "devzone": "开发区管委会",
    "other": "其他机关",
}


def shanghai_now() -> datetime:
    return datetime.now(TZ)


def today_in_shanghai(clock: Clock | None = None) -> date:
    """The calendar date in Asia/Shanghai for `clock()` (aware datetimes are converted, naive taken as-is)."""
    now = (clock or shanghai_now)()
    if now.tzinfo is not None:
        now = now.astimezone(TZ)
    return now.date()


@dataclass(frozen=True)
class DueDate:
    """The due date of one report and how it was computed."""

    report_year: int
    kind: str
    due: date
    group: str  # jan|mar
    basis: str  # the rule, in Chinese, for users

    def explain(self) -> str:
        who = KIND_NAMES.get(self.kind, self.kind)
        return f"{self.report_year} 年度报告（{who}）应于 {self.due:%Y 年 %-m 月 %-d 日}前公布：{self.basis}"

    def days_left(self, today: date) -> int:
        """Days until the due date (0 on the day, negative when overdue)."""
        return (self.due - today).days


def due_group(report_year: int, kind: str) -> str:
    """'mar' for people's governments (and everyone before 2019), else 'jan'."""
    if report_year < NEW_REGULATION_FIRST_YEAR or kind == PEOPLE_GOV:
        return MAR
    return JAN


def due_date(report_year: int, kind: str) -> DueDate:
    """Due date for the `report_year` report of an agency of `kind` (see module docstring)."""
    if report_year < 1990 or report_year > 2200:
        raise ValueError(f"implausible report year {report_year}")
    group = due_group(report_year, kind)
    nxt = report_year + 1
    if report_year < NEW_REGULATION_FIRST_YEAR:
        basis = "2008 年《政府信息公开条例》第三十一条：每年 3 月 31 日前公布上一年度报告"
        return DueDate(report_year, kind, date(nxt, 3, 31), MAR, basis)
    if group == MAR:
        basis = ("2019 年修订的《政府信息公开条例》第四十九条：县级以上地方人民政府每年 3 月 31 日前"
                 "公布本级政府上一年度报告")
        return DueDate(report_year, kind, date(nxt, 3, 31), MAR, basis)
    basis = ("2019 年修订的《政府信息公开条例》第四十九条：政府部门（含乡镇、街道、开发区管委会等）"
             "每年 1 月 31 日前公布上一年度报告")
    return DueDate(report_year, kind, date(nxt, 1, 31), JAN, basis)


def due_for_group(report_year: int, group: str) -> date:
    return date(report_year + 1, 1, 31) if group == JAN and report_year >= NEW_REGULATION_FIRST_YEAR \
        else date(report_year + 1, 3, 31)


def groups_for_year(report_year: int) -> list[str]:
    return [JAN, MAR] if report_year >= NEW_REGULATION_FIRST_YEAR else [MAR]


@dataclass(frozen=True)
class ReminderPlan:
    """Configurable reminder days. `days` are days of the due month; overdue repeats every `overdue_every`."""

    days: tuple[int, ...] = (1, 15, 25, 31)
    overdue_every: int = 7  # days; 0 disables overdue notices
    overdue_until_month: int = 12  # last month (of Y+1) with overdue notices
    catchup_days: int = 6  # an occasion missed during downtime is still sent this many days later

    @classmethod
    def parse(cls, days: str = "", overdue_every: int | None = None, catchup_days: int | None = None) -> ReminderPlan:
        """From configuration text such as "1,15,25,31"; a bad value is an error, not ignored."""
        plan = cls()
        if days.strip():
            try:
                values = tuple(sorted({int(p) for p in days.replace(";", ",").split(",") if p.strip()}))
            except ValueError as err:
                raise ValueError(f"reminder days must be numbers like 1,15,25,31: {days!r}") from err
            if not values or any(d < 1 or d > 31 for d in values):
                raise ValueError(f"reminder days must be between 1 and 31: {days!r}")
            plan = cls(days=values)
        if overdue_every is not None:
            if overdue_every < 0:
                raise ValueError("overdue interval must be >= 0")
            plan = cls(days=plan.days, overdue_every=overdue_every)
        if catchup_days is not None:
            plan = cls(days=plan.days, overdue_every=plan.overdue_every, catchup_days=max(0, catchup_days))
        return plan


@dataclass(frozen=True)
class Occasion:
    """One reminder day for one due group: kind 'reminder' (before/on due) or 'overdue'."""

    report_year: int
    group: str
    on: date
    kind: str  # reminder|overdue
    due: date

    @property
    def period(self) -> str:
        """Stable key for Delivery.period, e.g. '2020/jan/2021-01-15' (≤ 40 chars)."""
        return f"{self.report_year}/{self.group}/{self.on.isoformat()}"


def occasions(report_year: int, group: str, plan: ReminderPlan = ReminderPlan()) -> list[Occasion]:
    """Every occasion of one due group, in date order."""
    due = due_for_group(report_year, group)
    last = _cal.monthrange(due.year, due.month)[1]
    out = []
    for day in plan.days:
        on = date(due.year, due.month, min(day, last))
        if on <= due:
            out.append(Occasion(report_year, group, on, "reminder", due))
    if plan.overdue_every > 0:
        on = due + timedelta(days=1)
        end = date(due.year, plan.overdue_until_month, _cal.monthrange(due.year, plan.overdue_until_month)[1])
        while on <= end:
            out.append(Occasion(report_year, group, on, "overdue", due))
            on += timedelta(days=plan.overdue_every)
    uniq: dict[date, Occasion] = {}
    for occ in out:
        uniq.setdefault(occ.on, occ)
    return sorted(uniq.values(), key=lambda o: o.on)


def current_occasions(today: date, plan: ReminderPlan = ReminderPlan()) -> list[Occasion]:
    """The occasions to act on `today`: per due group of last year's reports, the latest occasion on or
    before today, if it is at most `plan.catchup_days` old (so a run missed during downtime is caught up,
    but a stale reminder is not sent weeks later)."""
    report_year = today.year - 1
    found = []
    for group in groups_for_year(report_year):
        latest = None
        for occ in occasions(report_year, group, plan):
            if occ.on <= today:
                latest = occ
            else:
                break
        if latest is not None and (today - latest.on).days <= plan.catchup_days:
            found.append(latest)
    return found
