"""Summaries for groups and channels: a weekly digest and a yearly summary (Chinese, HTML-escaped).

Weekly digest (kind weekly_digest, period ISO week "2021-W03" of the week summarised): reports ingested that
week (Monday–Sunday, Asia/Shanghai), notable figures (most requests, corrections in administrative reviews
and lawsuits) and arithmetic findings. Planned from the Monday after the week for `catchup` days, only
for chats with digests on and only when the week brought reports in their scope.

Yearly summary (kind yearly_summary, period "2020"): once at least `threshold` of the expected reports of
a year are in — totals, a ranking by requests received, the audit's grades and the share published on time
against the year before, and a bar chart (service.charts) sent as a photo with the text as its caption.
Reads come from storage.digest and storage.scorecards (no SQL here); every ranking and total comes from the
answer engine's own scoring (query.figures), so a digest never disagrees with the answer to the same question.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine

from query.figures import ScopeFigures, figures_of
from query.format import number as format_number
from query.types import AnswerRow
from reminders import delivery
from reminders.calendar import TZ
from reminders.registry import matches, progress
from reminders.subscriptions import SubView, active_by_chat
from reports import exact
from reports.exact import Number
from reports.markup import esc
from storage.digest import ReportFacts, ingested_between, of_year
from storage.scorecards import year_cards

REQUESTS = "apply_received"  # query.indicators concepts: the same figures the bot answers with
CORRECTED = (("行政复议纠错", "review_corrected"), ("行政诉讼纠错", "litigation_corrected"))
TOTALS = (("收到申请", REQUESTS), ("行政复议", "review_total"), ("行政诉讼", "litigation_total"))
COUNT_UNIT = "件"  # every figure here counts cases; a derived row carries no unit of its own
CAPTION_LIMIT = 1024
SUMMARY_CHATS = {"group", "supergroup", "channel"}


def _in_scope(facts: list[ReportFacts], scopes: list[tuple[str, str]] | None) -> list[ReportFacts]:
    if not scopes:
        return facts
    return [f for f in facts if any(matches(f.agency, s, t) for s, t in scopes)]


def _week_scored(figures: ScopeFigures, facts: list[ReportFacts], concept: str) -> tuple[Number, int, list[AnswerRow]]:
    """Total, count and the best row of one concept over a week's reports (which may be of several years)."""
    by_year: dict[int, list[int]] = {}
    for f in facts:
        by_year.setdefault(f.year, []).append(f.agency.id)
    total: Number = 0  # exact
    counted, rows = 0, []
    for year, ids in sorted(by_year.items()):
        got = figures.scored(concept, year, ids, 1)
        total, counted, rows = exact.total((total, got.total)), counted + got.counted, rows + got.rows
    return total, counted, sorted(rows, key=lambda r: (-(r.value or 0), r.agency, r.year))


def week_bounds(week_start: date) -> tuple[datetime, datetime]:
    """UTC instants of Monday 00:00 and the next Monday 00:00 in Asia/Shanghai."""
    start = datetime.combine(week_start, time(0), TZ).astimezone(UTC)
    return start, start + timedelta(days=7)


def week_period(week_start: date) -> str:
    iso = week_start.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def weekly_facts(engine: Engine, week_start: date) -> list[ReportFacts]:
    return ingested_between(engine, *week_bounds(week_start))


def weekly_digest_text(source: Engine | ScopeFigures, facts: list[ReportFacts], week_start: date) -> str | None:
    """The digest for one week's reports (already filtered to a chat's scope); None when there are none.
    `source`: the store, or the engine-side figures (query.figures) the planner shares across chats."""
    if not facts:
        return None
    figures = figures_of(source)
    end = week_start + timedelta(days=6)
    lines = [f"<b>📰 年报周报（{week_start:%m-%d} 至 {end:%m-%d}）</b>", f"本周入库 {len(facts)} 份年度报告："]
    for f in facts[:15]:
        lines.append(f"• {esc(f.agency.name)} {f.year} 年")
    if len(facts) > 15:
        lines.append(f"…另有 {len(facts) - 15} 份")
    notable = []
    _total, _counted, top = _week_scored(figures, facts, REQUESTS)
    if top:
        notable.append(f"收到申请最多：{esc(top[0].agency)} {top[0].year} 年 {esc(format_number(top[0].value, top[0].unit or COUNT_UNIT))}")
    for label, concept in CORRECTED:
        total, _counted, best = _week_scored(figures, facts, concept)
        if total and best:
            unit = best[0].unit or COUNT_UNIT
            notable.append(f"{label}合计 {esc(format_number(total, unit))}（最多：{esc(best[0].agency)} "
                           f"{esc(format_number(best[0].value, unit))}）")
    if notable:
        lines += ["", "<b>值得关注</b>", *(f"• {n}" for n in notable)]
    flagged = [f for f in facts if f.findings]
    if flagged:
        lines += ["", f"<b>勾稽关系问题：{len(flagged)} 份报告、共 {sum(len(f.findings) for f in flagged)} 处</b>"]
        for f in flagged[:5]:
            lines.append(f"⚠️ {esc(f.agency.name)} {f.year}：{esc(f.findings[0][:120])}")
    else:
        lines.append("\n✅ 本周入库报告未发现勾稽关系问题")
    return "\n".join(lines)[:3900]


def year_facts(engine: Engine, year: int) -> list[ReportFacts]:
    return of_year(engine, year)


def audit_lines(engine: Engine, year: int, scopes: list[tuple[str, str]] | None) -> list[str]:
    """The audit part of the yearly summary: grades of the year's scorecards and the share published on time,
    against the year before (scorecards with a known date only)."""
    now, before = year_cards(engine, year), year_cards(engine, year - 1)
    if scopes:
        now, before = ([c for c in cs if any(matches(c, s, t) for s, t in scopes)] for cs in (now, before))
    if not now:
        return []
    grades = Counter(c.grade for c in now)
    lines = ["<b>年报体检等级</b>：" + "，".join(f"{g} {grades[g]} 份" for g in sorted(grades))]

    def share(cards: list) -> float | None:
        known = [c.days_late for c in cards if c.days_late is not None]
        return sum(d <= 0 for d in known) / len(known) if known else None

    this, last = share(now), share(before)
    if this is not None:
        lines.append(f"按时公布 {this:.0%}" + (f"（上年 {last:.0%}）" if last is not None else "（上年无数据）"))
    return lines


def yearly_summary_text(source: Engine | ScopeFigures, facts: list[ReportFacts], year: int, filed: int,
                        expected: int, audit: list[str] | None = None) -> str | None:
    """Totals and ranking for a year (the engine's, over the bodies of `facts`), and the audit's grades when
    given (fits a photo caption when possible)."""
    if not facts:
        return None
    figures, ids = figures_of(source), [f.agency.id for f in facts]
    lines = [f"<b>📊 {year} 年度报告汇总</b>", f"已入库 {filed}/{expected} 个机关" if expected else f"已入库 {filed} 份"]
    for label, concept in TOTALS:
        got = figures.scored(concept, year, ids, 1)
        if got.counted:
            unit = (got.rows[0].unit if got.rows else "") or COUNT_UNIT
            lines.append(f"{label}合计 {esc(format_number(got.total, unit))}（{got.counted} 份报告有数）")
    ranked = figures.scored(REQUESTS, year, ids, 5).rows
    if ranked:
        lines.append("<b>收到申请数排名</b>")
        for i, row in enumerate(ranked, 1):
            lines.append(f"{i}. {esc(row.agency)} {esc(format_number(row.value, row.unit or COUNT_UNIT))}")
    flagged = sum(1 for f in facts if f.findings)
    lines.append(f"勾稽关系问题：{flagged} 份报告" if flagged else "✅ 未发现勾稽关系问题")
    return "\n".join(lines + list(audit or []))


def summary_chats(engine: Engine) -> dict[int, list[SubView]]:
    """Chats with digests on that are groups or channels, with their subscriptions."""
    return {c: subs for c, subs in active_by_chat(engine).items()
            if any(s.digests and s.chat_type in SUMMARY_CHATS for s in subs)}


def plan_weekly_digest(engine: Engine, today: date, *, catchup_days: int = 6) -> int:
    """Rows for last week's digest (Monday..Sunday before the current week), within the catch-up window."""
    this_monday = today - timedelta(days=today.weekday())
    week_start = this_monday - timedelta(days=7)
    if (today - this_monday).days > catchup_days:
        return 0
    chats = summary_chats(engine)
    if not chats:
        return 0
    period = week_period(week_start)
    done = delivery.existing_keys(engine, "weekly_digest", period)
    facts = weekly_facts(engine, week_start)
    figures = ScopeFigures(engine)
    cache: dict[tuple, str | None] = {}
    rows = []
    for chat_id, subs in chats.items():
        if chat_id in done:
            continue
        key = tuple(sorted((s.scope, s.target) for s in subs))
        if key not in cache:
            cache[key] = weekly_digest_text(figures, _in_scope(facts, list(key)), week_start)
        if cache[key]:
            rows.append(delivery.Planned(chat_id, "weekly_digest", period, cache[key]))
    return delivery.plan(engine, rows)


def plan_yearly_summary(engine: Engine, today: date, *, threshold: float = 0.8) -> int:
    """Rows for the summary of last year's reports once `threshold` of the expected ones are in."""
    year = today.year - 1
    filed, expected = progress(engine, year)
    if expected == 0 or filed / expected < threshold:
        return 0
    chats = summary_chats(engine)
    done = delivery.existing_keys(engine, "yearly_summary", str(year))
    facts = year_facts(engine, year)
    figures = ScopeFigures(engine)
    rows = []
    for chat_id, subs in chats.items():
        if chat_id in done:
            continue
        scopes = [(s.scope, s.target) for s in subs]
        text = yearly_summary_text(figures, _in_scope(facts, scopes), year, filed, expected,
                                   audit_lines(engine, year, scopes))
        if text:
            rows.append(delivery.Planned(chat_id, "yearly_summary", str(year), text))
    return delivery.plan(engine, rows)


def summary_now(engine: Engine, today: date, scopes: list[tuple[str, str]] | None = None) -> str:
    """/summary on demand: last week's digest (if any) and the current year summary."""
    this_monday = today - timedelta(days=today.weekday())
    parts = []
    year = today.year - 1
    filed, expected = progress(engine, year)
    figures = ScopeFigures(engine)
    yearly = yearly_summary_text(figures, _in_scope(year_facts(engine, year), scopes), year, filed, expected,
                                 audit_lines(engine, year, scopes))
    if yearly:
        parts.append(yearly)
    weekly = weekly_digest_text(figures, _in_scope(weekly_facts(engine, this_monday), scopes), this_monday)
    if weekly:
        parts.append(weekly.replace("年报周报", "本周年报（截至今天）", 1))
    return "\n\n".join(parts) or f"{year} 年度还没有入库的报告，本周也没有新报告。"
