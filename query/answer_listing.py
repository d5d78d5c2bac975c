"""Answers about what the store holds (which bodies, which years) and what an indicator means."""

from __future__ import annotations

from query import format as fmt
from query.answer_scope import scope_of
from query.cache import ReadCache
from query.clarify import MAX_LIST, ambiguous, place_label
from query.indicators import glossary
from query.intent import Intent
from query.types import Answer, Candidate


def glossary_answer(intent: Intent) -> Answer:
    body = "\n\n".join(glossary(m) for m in intent.parts.indicators[:3])
    return Answer("ok", body, intent="glossary", context={"save": False})


def _named(cache: ReadCache, intent: Intent) -> tuple[list[int], str, Answer | None]:
    """Bodies (or a place) the listing question names."""
    pq, parts = intent.pq, intent.parts
    ids: list[int] = []
    place = ""
    for m in parts.mentions:
        if m.place and pq.avail_agencies:
            place = m.place
            continue
        res = cache.index.resolve_mention(m)
        if res.status == "ambiguous" and not m.place:
            return [], "", ambiguous(cache, m.text, res.ids, res.scores)
        if m.place and res.status != "ok":
            place = m.place
            continue
        ids += [a for a in res.ids if a not in ids]
    if not ids and not place and parts.agency_names and pq.avail_years:
        ids = [cache.by_name[n] for n in parts.agency_names if n in cache.by_name]
    return ids, place, None


def _years_of(cache: ReadCache, ids: list[int]) -> Answer:
    lines = []
    cands = []
    for a in ids:
        ys = cache.years.get(a, [])
        lines.append(
            f"{cache.agencies[a].name}："
            + (f"有 {fmt.year_list(ys)} 的年度报告（{len(ys)} 份）。" if ys else "还没有年度报告。")
        )
        cands += [Candidate(f"{y}年", "year", f"{y}年") for y in ys[-8:]]
    ctx = {"agencies": [cache.agencies[a].name for a in ids], "intent": "availability"}
    return Answer("ok", "\n".join(lines), candidates=cands, intent="availability", context=ctx)


def availability_answer(cache: ReadCache, intent: Intent) -> Answer:
    """Which years a body has, which years the store has, or which bodies a place has."""
    ids, place, early = _named(cache, intent)
    if early is not None:
        return early
    pq, parts = intent.pq, intent.parts
    if pq.avail_years and ids:
        return _years_of(cache, ids)
    if pq.avail_years and not place:
        text = f"库中共有 {len(cache.reports)} 份年度报告，年份：{fmt.year_list(cache.all_years)}。"
        return Answer("ok", text, intent="availability", context={"save": False})
    scope = scope_of(cache, place)
    where = place_label(place) if place else "库中"
    if parts.years:
        having = {a for y in parts.years for a, rep in cache.scope_reports(scope, y) if rep is not None}
        scope = [a for a in scope if a in having]
        where += f"有 {fmt.year_list(parts.years)}报告的"
    recs = cache.agency_recs(scope)
    scope.sort(key=lambda a: (recs[a].region_path, recs[a].name))
    lines = [f"{where}共有 {len(scope)} 个单位的年度报告："]
    lines += [f"· {recs[a].name}（{fmt.year_list(cache.years.get(a, []))}）" for a in scope[:MAX_LIST]]
    if len(scope) > MAX_LIST:
        lines.append(f"……另有 {len(scope) - MAX_LIST} 个，请加上地区缩小范围，例如“银川市有哪些单位”。")
    ctx = {"place": place, "intent": "availability"} if place else {"save": False}
    return Answer("ok", "\n".join(lines), intent="availability", context=ctx)
