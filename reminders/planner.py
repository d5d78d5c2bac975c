"""Turn the calendar + subscriptions + store into Delivery rows (reminders) and /due texts.

Why texts are rendered at plan time and stored in Delivery.text: a broadcast resumed after a crash (or by
another instance) on the same day sends exactly the words that were planned. A row sent on a LATER day than
its occasion (resumed after a long outage) is re-rendered for the day it is sent (`SendTimeText`), so it
never says "今天截止" a day late; if nothing is outstanding any more it is skipped.
Chats whose subscriptions cover nothing outstanding get no row (filed agencies drop out; silence when all
are in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reminders import delivery
from reminders.calendar import GROUP_NAMES, Occasion, ReminderPlan, current_occasions, groups_for_year
from reminders.delivery import Claimed
from reminders.registry import Outstanding, expected_agencies, filed_ids, outstanding_from
from reminders.subscriptions import SubView, active_by_chat
from reports.markup import esc, strip_html

MAX_LISTED = 60
TEXT_LIMIT = 3900


@dataclass
class PlanResult:
    occasions: list[str]
    planned: int  # new Delivery rows
    chats_with_nothing: int  # chats whose agencies have all filed

    def as_dict(self) -> dict:
        return {"occasions": self.occasions, "planned": self.planned, "chats_with_nothing": self.chats_with_nothing}


def _days_phrase(days_left: int) -> str:
    if days_left > 0:
        return f"还有 {days_left} 天"
    if days_left == 0:
        return "今天截止"
    return f"已逾期 {-days_left} 天"


def _reading_order(o: Outstanding) -> tuple[list[str], list[str], str]:
    """Region, then body name, in pinyin order (as a Chinese reader looks a name up), not code points."""
    from pypinyin import lazy_pinyin

    return lazy_pinyin(o.region_path), lazy_pinyin(o.name), o.name


def scope_label(subs: list[SubView]) -> str:
    return "、".join(s.label() for s in subs) or "（无）"


def render_outstanding(items: list[Outstanding], report_year: int, today: date, *, kind: str = "reminder",
                       subs: list[SubView] | None = None, heading: str | None = None) -> str:
    """HTML text listing outstanding agencies grouped by due date (escaped; under Telegram's limit)."""
    if heading is None:
        heading = "⚠️ 年度报告逾期提醒" if kind == "overdue" else "📅 政府信息公开工作年度报告提醒"
    lines = [f"<b>{esc(heading)}</b>", f"{report_year} 年度报告 · 今天是 {today:%Y-%m-%d}（北京时间）"]
    by_due: dict[date, list[Outstanding]] = {}
    for o in items:
        by_due.setdefault(o.due.due, []).append(o)
    shown = 0
    for due, group in sorted(by_due.items()):
        days = group[0].days_left
        lines.append("")
        lines.append(f"<b>截止 {due:%Y-%m-%d}（{_days_phrase(days)}）· 本机器人尚未收到其年报的机关 {len(group)} 个：</b>")
        region = None
        for o in sorted(group, key=_reading_order):
            if shown >= MAX_LISTED:
                break
            if o.region_path and o.region_path != region:  # the region once, above its bodies
                lines.append(f"<i>{esc(o.region_path.replace('/', ' › '))}</i>")
            region = o.region_path
            lines.append(f"• {esc(o.name)}")
            shown += 1
        lines.append(f"<i>依据：{esc(group[0].due.basis)}</i>")
    if shown < len(items):
        lines.append(f"…另有 {len(items) - shown} 个机关未列出，发送 /due 查看。")
    if subs is not None:
        lines.append("")
        lines.append(f"订阅：{esc(scope_label(subs))} · /unsubscribe 退订")
    text = "\n".join(lines)
    if len(text) > TEXT_LIMIT:  # cut between lines, never inside a tag
        cut = text[:TEXT_LIMIT].rsplit("\n", 1)[0]
        text = cut + "\n…（列表过长，发送 /due 查看全部）"
    return text


def plan_reminders(engine: Engine, today: date, plan: ReminderPlan | None = None) -> PlanResult:
    """Delivery rows for today's occasions (catching up recent missed ones); idempotent."""
    occs = current_occasions(today, plan or ReminderPlan())
    result = PlanResult([o.period for o in occs], 0, 0)
    if not occs:
        return result
    subs_by_chat = active_by_chat(engine)
    if not subs_by_chat:
        return result
    report_year = occs[0].report_year
    with Session(engine) as session:
        agencies = expected_agencies(session, report_year)
        filed = filed_ids(session, report_year)
    for occ in occs:
        result.planned += _plan_occasion(engine, occ, today, subs_by_chat, agencies, filed, result)
    return result


def _plan_occasion(engine: Engine, occ: Occasion, today: date, subs_by_chat: dict[int, list[SubView]],
                   agencies, filed, result: PlanResult) -> int:
    done = delivery.existing_keys(engine, occ.kind, occ.period)
    cache: dict[tuple, str | None] = {}
    rows = []
    for chat_id, subs in subs_by_chat.items():
        if chat_id in done:
            continue
        key = tuple(sorted((s.scope, s.target) for s in subs))
        if key not in cache:
            items = outstanding_from(agencies, filed, occ.report_year, key, today, group=occ.group)
            cache[key] = render_outstanding(items, occ.report_year, today, kind=occ.kind, subs=subs) if items else None
        text = cache[key]
        if text is None:
            result.chats_with_nothing += 1
            continue
        rows.append(delivery.Planned(chat_id, occ.kind, occ.period, text))
    return delivery.plan(engine, rows)


class SendTimeText:
    """The text for a claimed reminder row on the day it is sent (a Broadcaster `prepare` hook).

    Rows sent on their occasion's day keep their planned text; later ones are rendered again for `today`
    from the store as it is now (None: nothing outstanding or no subscription left, so nothing to send).
    One instance serves one broadcast: the agencies, filings and subscriptions are read once.
    """

    def __init__(self, engine: Engine, today: date) -> None:
        self.engine = engine
        self.today = today
        self._subs: dict[int, list[SubView]] | None = None
        self._year: dict[int, tuple] = {}

    def __call__(self, row: Claimed) -> str | None:
        if row.kind not in {"reminder", "overdue"}:
            return row.text
        try:
            year, group, on = row.period.split("/")
            report_year, occasion_day = int(year), date.fromisoformat(on)
        except ValueError:
            return row.text  # not an occasion key: keep what was planned
        if self.today <= occasion_day:
            return row.text
        if self._subs is None:
            self._subs = active_by_chat(self.engine)
        subs = self._subs.get(row.chat_id)
        if not subs:
            return None
        if report_year not in self._year:
            with Session(self.engine) as session:
                self._year[report_year] = (expected_agencies(session, report_year), filed_ids(session, report_year))
        agencies, filed = self._year[report_year]
        scopes = sorted((s.scope, s.target) for s in subs)
        items = outstanding_from(agencies, filed, report_year, scopes, self.today, group=group)
        return render_outstanding(items, report_year, self.today, kind=row.kind, subs=subs) if items else None


def due_text(engine: Engine, today: date, subs: list[SubView] | None = None, *, scope: str = "all",
             target: str = "") -> str:
    """/due: what is outstanding now for a chat's subscriptions (or a scope given in the command)."""
    report_year = today.year - 1
    scopes = [(s.scope, s.target) for s in subs] if subs else [(scope, target)]
    with Session(engine) as session:
        agencies = expected_agencies(session, report_year)
        filed = filed_ids(session, report_year)
    items = outstanding_from(agencies, filed, report_year, scopes, today)
    covered = outstanding_from(agencies, set(), report_year, scopes, today)
    if not covered:
        return (f"没有需要提醒的机关（{esc(scope_label(subs) if subs else scope + ' ' + target)}）。"
                "可用 /subscribe 订阅，或导入机关名录。")
    if not items:
        return (f"✅ {report_year} 年度报告：所订阅的 {len(covered)} 个机关都已入库。"
                f"（{'、'.join(GROUP_NAMES[g] for g in groups_for_year(report_year))}）")
    heading = f"{report_year} 年度报告：{len(covered)} 个机关中 {len(items)} 个本机器人尚未收到其年报"
    return render_outstanding(items, report_year, today, kind="due", subs=subs, heading=heading)


def due_plain(engine: Engine, today: date | None = None, scope: str = "all", target: str = "") -> str:
    """/due as plain text for the command line (`disclosure-bot due`)."""
    from reminders.calendar import today_in_shanghai

    return strip_html(due_text(engine, today or today_in_shanghai(), scope=scope, target=target))
