"""排第几: one body's place in the ranking of its scope, scored exactly as the rankings (answer_scope).

Why its own answerer: a ranking lists the top bodies; "西夏区排第几" asks for one position, which needs
the whole scope scored, the ties, and how many bodies had no figure, said next to the body's own number.
"""

from __future__ import annotations

from query import format as fmt
from query.answer_scope import collect, scope_of, scope_year
from query.cache import ReadCache
from query.clarify import place_label
from query.intent import Intent
from query.types import Answer


def _natural_scope(cache: ReadCache, aid: int, place: str) -> tuple[list[int], str]:
    """The named place's bodies; else the bodies of the same place level under the body's parent region."""
    if place:
        return scope_of(cache, place), place
    rec = cache.agencies[aid]
    parent = "/".join(rec.places[:-1])
    if not parent:  # a city (or central body) with no known parent: the bodies of its level in the store
        return [a for a, r in cache.agencies.items() if len(r.places) == len(rec.places)], ""
    recs = cache.agency_recs(scope_of(cache, parent))
    return [a for a, r in recs.items() if len(r.places) == len(rec.places)], parent


def position_answer(cache: ReadCache, intent: Intent) -> Answer:
    """Position (1 = most, or least when asked 倒数), ties, bodies ranked and bodies without a figure."""
    aid, m = intent.agency_ids[0], intent.parts.indicators[0]
    name = cache.agencies[aid].name
    ctx = intent.context("position", [name], "")
    scope, place = _natural_scope(cache, aid, intent.place)
    if intent.place and aid not in scope:  # 丰庆区的单位 "在云春区排第几": ranking it among others' bodies is no answer
        where = place_label(intent.place).strip()
        return Answer("not_found", f"{name}不在{where}，无法在{where}排位；可以问它在所在地区排第几。",
                      intent="position", context=ctx)
    scope = list(dict.fromkeys([aid, *scope]))
    year, note = scope_year(intent, cache, [aid])
    if year is None:
        return Answer("no_data", f"{name}还没有年度报告。", intent="position", context=ctx)
    got = collect(cache, m, year, scope, len(scope), ascending=intent.pq.ascending)
    mine = [r for r in got.rows if r.agency == name]
    where = place_label(place).strip() or "库中"
    if not mine:
        return Answer("no_data", f"{name} {year} 年没有「{m.label}」的数字（没有报告或该项空白），无法排位。",
                      intent="position", context=ctx)
    value = mine[0].value
    better = sum(1 for r in got.rows if (r.value < value if intent.pq.ascending else r.value > value))
    tied = sum(1 for r in got.rows if r.value == value) - 1
    kin = "" if intent.place else "同级"
    order = "从少到多" if intent.pq.ascending else "从多到少"
    head = (f"{name} {year} 年「{m.label}」在{where} {len(scope)} 个{kin}单位中排第 {better + 1} 名"
            f"（{order}；{got.counted} 个单位有数字" + (f"，与 {tied} 个单位并列" if tied else "") + "）：")
    missing = len(got.blank) + len(got.no_report)
    notes = intent.notes + ([note] if note else [])
    if missing:
        notes.append(f"{missing} 个单位没有这一年的数字，未参加排位：{fmt.names(list(got.blank) + list(got.no_report))}。")
    return Answer("ok", "", mine, intent="position", context=ctx, header=head, notes=notes)
