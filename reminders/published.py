"""The 已发布 notice: when a harvest finds a body's report, its subscribers get ONE message.

Why here: it is a reminder-side broadcast (same Delivery rows, same sender, same once-per-chat
guarantee: the period key is "<year>/<agency id>"). Reminders for the body stop by themselves: the
planner counts a body as filed once its report is in the store.
"""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from sqlalchemy.engine import Engine

from reminders.calendar import due_date
from reminders.delivery import Planned, plan
from reminders.registry import matches
from reminders.subscriptions import SubView, active_by_chat
from storage.harvest import PublishedFacts, published_facts

KIND = "published"


def notice_text(f: PublishedFacts, today: date) -> str:
    """'西夏区审批服务管理局 2025 年报已发布（按时）' or '（逾期 N 天）', with the link."""
    when = f.published_on or today
    late = (when - due_date(f.year, f.kind or "other").due).days
    timing = "按时" if late <= 0 else f"逾期 {late} 天"
    text = f"{f.agency} {f.year} 年报已发布（{timing}）"
    if f.published_on:
        text += f"，发布日期 {f.published_on:%Y-%m-%d}"
    return text + (f"\n{f.url}" if f.url else "")


def _wants(subs: list[SubView], f: PublishedFacts) -> bool:
    """The same coverage rule as reminders (registry.matches) so notices reach exactly those chats."""
    parts = [p for p in (f.region_path or "").split("/") if p]
    body = SimpleNamespace(name=f.agency, region_path=f.region_path, region=parts[-1] if parts else "")
    return any(matches(body, s.scope, s.target) for s in subs)  # type: ignore[arg-type]


def plan_published(engine: Engine, report_ids: list[int], today: date) -> int:
    """Queue one notice per (chat, newly published report of the season); returns how many were new.

    Only the season's reports (year = today.year - 1) are announced: a first harvest of a site's back
    catalogue must not flood subscribers with old news.
    """
    facts = [f for f in published_facts(engine, report_ids) if f.year == today.year - 1]
    if not facts:
        return 0
    items = [
        Planned(chat_id, KIND, f"{f.year}/{f.agency_id}", notice_text(f, today))
        for chat_id, subs in active_by_chat(engine).items()
        for f in facts
        if _wants(subs, f)
    ]
    return plan(engine, items)
