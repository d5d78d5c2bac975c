"""Deadline questions in chat ("年报什么时候截止", "哪些单位还没交", "西夏区交了吗"), answered from the same
calendar as `disclosure-bot due` (reminders/calendar.py).

Why here: query/ may not import reminders/, so the interpreter only recognises the intent ("deadline")
and this answerer, wired into the Answerer by the front ends (`Answerer(engine, answerers=ANSWERERS)`),
reads the calendar. Which reports are in the store comes from the engine's read cache.
"""

from __future__ import annotations

from datetime import date

from query.cache import ReadCache
from query.intent import Intent
from query.types import Answer, Candidate
from reminders.calendar import KIND_NAMES, PEOPLE_GOV, due_date

MAX_NAMES = 30
NOT_FILED_WORDS = ("没交", "未交", "还没", "尚未", "逾期", "超期", "哪些单位", "哪些机关")


def _when(due: date, today: date) -> str:
    days = (due - today).days
    return f"还有 {days} 天" if days > 0 else ("今天截止" if days == 0 else f"已过截止日 {-days} 天")


def _body_lines(cache: ReadCache, intent: Intent, year: int, today: date) -> list[str]:
    lines = []
    for aid in intent.agency_ids:
        a = cache.agencies[aid]
        due = due_date(year, a.kind or "other")
        filed = (aid, year) in cache.reports
        state = "已收录（已交）" if filed else f"库中还没有（{_when(due.due, today)}）"
        lines.append(f"{a.name} {year} 年度报告：{state}。应于 {due.due:%Y-%m-%d} 前公布（{due.basis}）。")
    return lines


def _calendar_lines(year: int, today: date) -> list[str]:
    gov, dept = due_date(year, PEOPLE_GOV), due_date(year, "department")
    if gov.due == dept.due:
        return [f"{year} 年度报告应于 {gov.due:%Y-%m-%d} 前公布（{_when(gov.due, today)}）：{gov.basis}。"]
    return [
        f"{year} 年度报告的截止日期：",
        f"· {KIND_NAMES[PEOPLE_GOV]}：{gov.due:%Y-%m-%d} 前（{_when(gov.due, today)}）",
        f"· 政府部门、乡镇街道、开发区等：{dept.due:%Y-%m-%d} 前（{_when(dept.due, today)}）",
        f"依据：{gov.basis}；{dept.basis}。",
    ]


def _not_filed(cache: ReadCache, intent: Intent, year: int, today: date) -> tuple[list[str], list[str]]:
    scope = list(cache.agencies)
    if intent.place:
        scope = [a for p in intent.place.split("|") for a in cache.index.under(p)]
    recs = cache.agency_recs([a for a, rep in cache.scope_reports(scope, year) if rep is None])
    missing = sorted(r.name for r in recs.values())
    where = intent.place.split("/")[-1] if intent.place else "库中已知的单位"
    if not missing:
        return [f"{where}的 {year} 年度报告都已收录。"], []
    head = f"{where}中还没有 {year} 年度报告的有 {len(missing)} 个（以库中收录为准）："
    shown = "、".join(missing[:MAX_NAMES]) + (" 等" if len(missing) > MAX_NAMES else "")
    return [head, shown], missing


def deadline_answer(cache: ReadCache, intent: Intent) -> Answer:
    """Due dates from the calendar; which bodies have (not) filed from the store. Never a figure."""
    today = intent.today or date.today()
    year = intent.parts.years[-1] if intent.parts.years else today.year - 1
    asks_missing = any(w in intent.pq.text.replace(" ", "") for w in NOT_FILED_WORDS)
    cands: list[Candidate] = []
    if intent.agency_ids:
        lines = _body_lines(cache, intent, year, today)
    else:
        lines = _calendar_lines(year, today)
        if asks_missing or intent.place:
            more, missing = _not_filed(cache, intent, year, today)
            lines += more
            cands = [Candidate(n, "agency", n) for n in missing[:8]]
    lines.append("完整的提醒名单：/due（命令行：disclosure-bot due）。")
    names = [cache.agencies[a].name for a in intent.agency_ids]
    ctx = {"agencies": names, "years": [year], "intent": "deadline"} if names else {"save": False}
    return Answer("ok", "\n".join(lines), candidates=cands, intent="deadline", context=ctx)


ANSWERERS = {"deadline": deadline_answer}
