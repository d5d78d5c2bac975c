"""The audit season's daily digest for subscribed groups and channels (issue 17): reports scored since
yesterday with their grades, bodies now overdue, the worst new problems; the region's XLSX attached for
chats that asked for it (/digest xlsx). One Delivery row per (chat, "audit_daily", day), so a chat gets
exactly one digest a day across restarts (reminders.delivery).

Season: 1 January to 30 April of the year after the report year (reports are due 31 January and 31 March;
April catches the late ones).
"""

from __future__ import annotations

import html
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from query.figures import ScopeFigures
from reminders import delivery
from reminders.calendar import TZ
from reminders.digest import REQUESTS, summary_chats, year_facts
from reminders.registry import matches, outstanding
from reminders.subscriptions import SubView
from service.audit import region_audit
from service.audit_render import region_xlsx
from service.charts import render_chart
from storage import scorecards as store

KIND = "audit_daily"
SEASON_LAST_MONTH = 4
CAPTION = 1024  # a document's caption limit: the digest is sent as the XLSX's caption when attached


def in_season(today: date) -> bool:
    return 1 <= today.month <= SEASON_LAST_MONTH


def _day_bounds(day: date) -> tuple[datetime, datetime]:
    start = datetime.combine(day, time(0), TZ).astimezone(UTC)
    return start, start + timedelta(days=1)


def _scopes(subs: list[SubView]) -> list[tuple[str, str]]:
    return sorted({(s.scope, s.target) for s in subs})


def digest_text(engine: Engine, today: date, scopes: list[tuple[str, str]]) -> str | None:
    """The digest for one chat's scopes; None when there is nothing new and nobody is overdue."""
    since, _ = _day_bounds(today - timedelta(days=1))
    _, until = _day_bounds(today - timedelta(days=1))
    with Session(engine) as session:
        cards = [c for c in store.cards_since(session, since, until) if any(matches(c, s, t) for s, t in scopes)]
    year = today.year - 1
    overdue = [o for s, t in scopes for o in outstanding(engine, year, s, t, today=today) if o.overdue]
    overdue = sorted({o.agency_id: o for o in overdue}.values(), key=lambda o: (o.days_left, o.name))
    if not cards and not overdue:
        return None
    where = "、".join(t or "全部" for _, t in scopes)
    lines = [f"<b>📋 年报体检日报（{where}，{today:%m-%d}）</b>"]
    if cards:
        lines.append(f"昨日新公布/入库 {len(cards)} 份：")
        lines += [f"• {html.escape(c.agency)} {c.year}：{c.grade}（{c.score:g} 分）" for c in cards[:10]]
    if overdue:
        lines.append(f"<b>已逾期未公布 {len(overdue)} 家</b>：" + "、".join(
            f"{html.escape(o.name)}（{-o.days_left} 天）" for o in overdue[:8]) + ("…" if len(overdue) > 8 else ""))
    worst = [(c, p) for c in cards if c.grade in ("C", "D") for p in _problems(c)[:1]]
    if worst:
        lines.append("<b>最突出的问题</b>：")
        lines += [f"⚠️ {html.escape(c.agency)}：{html.escape(p[:80])}" for c, p in worst[:5]]
    return "\n".join(lines)


def _problems(c: store.CardRow) -> list[str]:
    from audit import Scorecard

    return Scorecard.from_json(c.card).problems()


def plan_daily_digest(engine: Engine, today: date) -> int:
    """Rows for today's digest (in season only); running it again the same day adds nothing."""
    if not in_season(today):
        return 0
    period = today.isoformat()
    done = delivery.existing_keys(engine, KIND, period)
    rows, cache = [], {}
    for chat_id, subs in summary_chats(engine).items():
        if chat_id in done:
            continue
        key = tuple(_scopes([s for s in subs if s.digests]))
        if key not in cache:
            cache[key] = digest_text(engine, today, list(key))
        if cache[key]:
            rows.append(delivery.Planned(chat_id, KIND, period, cache[key]))
    return delivery.plan(engine, rows)


def set_xlsx(engine: Engine, chat_id: int, on: bool) -> None:
    with Session(engine) as session, session.begin():
        store.set_digest_xlsx(session, chat_id, on)


def digest_document(engine: Engine, chat_id: int, kind: str, period: str) -> tuple[bytes, str] | None:
    """The XLSX for an audit digest row of a chat that asked for it (its subscribed regions' bodies)."""
    if kind != KIND:
        return None
    with Session(engine) as session:
        if not store.wants_xlsx(session, chat_id):
            return None
    day = date.fromisoformat(period)
    regions = [t for s, t in _scopes(summary_chats(engine).get(chat_id, [])) if s == "region" and t]
    if not regions:
        return None
    rows = [r for region in regions for r in region_audit(engine, region, day.year - 1, day)]
    rows.sort(key=lambda r: r.sort_key())
    return region_xlsx("、".join(regions), day.year - 1, rows), f"{'_'.join(regions)}_{day.year - 1}_年报体检_{period}.xlsx"


# --- the yearly summary's chart (moved from reminders/digest.py: reminders may not import service) ---


def yearly_chart(engine: Engine, year: int) -> bytes | None:
    """Bar chart of the top 10 by requests received (the engine's ranking, query.figures); None when
    unavailable."""
    rows = ScopeFigures(engine).scored(REQUESTS, year, [f.agency.id for f in year_facts(engine, year)], 10).rows
    try:
        return render_chart(rows, "rank")
    except Exception:  # noqa: BLE001
        return None


def render_summary_photo(engine: Engine, kind: str, period: str) -> bytes | None:
    if kind != "yearly_summary" or not period.isdigit():
        return None
    return yearly_chart(engine, int(period))
