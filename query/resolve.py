"""Which bodies (or which place) a question names: resolve the mentions the scan found.

Why strict: a name the question states and we cannot resolve is answered with `not_found` and candidates,
never dropped (dropping it would answer a wider question with numbers); several fitting bodies come back
`ambiguous` unless only one of them has a report for the asked year.
"""

from __future__ import annotations

import re

from query.agencies import Mention, Resolution
from query.cache import ReadCache
from query.clarify import agency_not_found, ambiguous
from query.indicators import suggestions
from query.intent import Parts
from query.parse_question import ParsedQuestion, strip_fillers
from query.scan import Segment
from query.types import Answer

ORG_SUFFIX = re.compile(
    r"(局|委|办|中心|政府|院|所|站|队|会|厅|室|处|馆|集团|公司|大队|支队|分局|委员会|办公室|街道|镇|乡|"
    r"管委会|研究院|学校|医院|银行|区|县|市|旗|州|盟|省)$"
)
Scope = tuple[list[int], str, list[str], list[int]]  # agency ids, place, notes, other bodies at the place


def looks_like_name(cache: ReadCache, text: str) -> bool:
    """Words that read as a body or place name (an organisation/place suffix, or close to a stored name)."""
    words = text.split()
    if any(ORG_SUFFIX.search(w) for w in words) or re.fullmatch(r"[a-z ]+", text):
        return True
    return any(score >= 75 for _aid, _p, score in cache.index.fuzzy(text, limit=3))


def _replace_mentions(parts: Parts, seg: Segment, new: Mention) -> None:
    """Put `new` in the first slot of the segment's mentions and empty the others.

    Slots are emptied, not removed, so the mention indices other segments hold stay valid until the
    segments are all judged (the caller drops the empty slots afterwards).
    """
    first, *rest = seg.mentions
    parts.mentions[first] = new
    for k in rest:
        parts.mentions[k] = None  # type: ignore[call-overload]
    seg.mentions = []


def judge_segments(cache: ReadCache, parts: Parts, segments: list[Segment]) -> Answer | None:
    """A name with unexplained characters ("石嘴山市大武口区", "银川市西下区审批…"), or a place followed by a
    body that is not there ("西夏区教育局" when only 兴庆区 has an 教育局): judged as one name."""
    for seg in segments:
        res = None
        if not seg.residual and len(seg.mentions) >= 2:
            res = _combine_segment(cache, parts, seg)
        elif seg.residual and seg.mentions:
            res = _mistyped_name(cache, parts, seg)
        if res is not None:
            return res
    parts.mentions = [m for m in parts.mentions if m is not None]  # slots emptied by a combination
    return None


def _combine_segment(cache: ReadCache, parts: Parts, seg: Segment) -> Answer | None:
    """Place + body written together: keep the bodies that sit in that place, else judge the whole name."""
    ms = [parts.mentions[k] for k in seg.mentions]
    places = [m for m in ms if m.place]
    bodies = [m for m in ms if not m.place]
    if len(places) >= 2 and not bodies and _nested(places):  # 淮安市洪泽县: the inner place, said once
        _replace_mentions(parts, seg, places[-1])
        return None
    if not places or not bodies:
        return None
    unheld = [p for p in places if not p.ids]
    if unheld:  # 武宣县人社局, 湘西州保靖县人社局: a real place we hold no report from, never a wider one
        paths = unheld[-1].place.split("|")
        res = Resolution("not_found", cache.index.nearby(paths), place=unheld[-1].place)
        return agency_not_found(cache, seg.text, res)
    inside: set[int] | None = None  # the body sits in every place the name states
    for p in places:
        here = {a for path in p.place.split("|") for a in cache.index.under(path)}
        inside = here if inside is None else inside & here
    ids = [a for b in bodies for a in b.ids if a in (inside or set())]
    if ids:
        _replace_mentions(parts, seg, Mention((0, 0), seg.text, list(dict.fromkeys(ids)), how="form"))
        return None
    return _mistyped_name(cache, parts, seg)


def _nested(places: list[Mention]) -> bool:
    """Does each place sit inside the one before it (淮安市 › 洪泽区)?"""
    inner = places[-1].place.split("|")
    return all(any(p.startswith(o + "/") for p in inner for o in m.place.split("|")) for m in places[:-1])


def _mistyped_name(cache: ReadCache, parts: Parts, seg: Segment) -> Answer | None:
    """A segment mixing known pieces and unknown characters: judge the whole segment as one name."""
    query = strip_fillers(seg.text).replace(" ", "") or seg.text
    if cache.index.best(query) is not None or query in cache.index.places:
        return None
    res = cache.index.resolve_text(query)
    if res.status == "ok" and res.ids:
        if res.note:
            parts.inherited.append("note:" + res.note)
        _replace_mentions(parts, seg, Mention((0, 0), query, res.ids, place=res.place, how="fuzzy"))
        return None
    if res.status == "ambiguous" and res.scores and res.scores[0] >= 75:
        return ambiguous(cache, query, res.ids, res.scores)
    return agency_not_found(cache, query, res)


def residual_agency(cache: ReadCache, parts: Parts) -> Answer | None:
    """Unrecognised words with no known piece: a name to fuzzy-match, or an unknown indicator."""
    words = parts.residual.split()
    query = " ".join(words)
    if not query:
        return None
    org = [w for w in words if ORG_SUFFIX.search(w)]
    is_ascii = bool(re.fullmatch(r"[a-z ]+", query))
    res = cache.index.resolve_text(query)
    if (parts.mentions or parts.agency_names) and not org and not is_ascii:
        if not (res.status == "ok" and res.scores and res.scores[0] >= 90):  # else: a second, mistyped agency
            return None  # probably an indicator word we do not know; the caller decides
    if res.status == "ok":
        parts.mentions = parts.mentions + [Mention((0, 0), query, res.ids, place=res.place, how="fuzzy")]
        parts.residual = ""
        if res.note:
            parts.inherited.append("note:" + res.note)
        parts.agency_names = []
        return None
    if res.status == "ambiguous" and res.scores and res.scores[0] >= 75:
        parts.residual = ""
        return ambiguous(cache, query, res.ids, res.scores)
    if org or is_ascii or not parts.indicators:
        if not org and not is_ascii and not parts.indicators and (
            suggestions(query) or not looks_like_name(cache, query)
        ):
            return None  # an unknown indicator word, or not a name at all: the interpreter says so
        return agency_not_found(cache, query, res)
    return None


def _resolution(cache: ReadCache, m: Mention) -> Resolution:
    if m.how == "fuzzy" and not m.place:
        return Resolution("ok", m.ids[:1], [100.0])
    if m.how == "fuzzy":
        return cache.index.resolve_place(m.place)
    return cache.index.resolve_mention(m)


def _only_one_with_years(cache: ReadCache, m: Mention, res: Resolution, years: list[int]) -> int | None:
    """A short body name (not a place) fitting several bodies of which exactly one has every asked year."""
    if m.place or not years:
        return None
    cache.prefetch_agencies(res.ids)
    having = [a for a in res.ids if all((a, y) in cache.reports for y in years)]
    return having[0] if len(having) == 1 else None


def _ambiguous_mention(cache: ReadCache, m: Mention, res: Resolution, years: list[int]) -> Answer:
    """Never pick for the user; but list first the bodies that have the year asked about."""
    cache.prefetch_agencies(res.ids)
    order = sorted(range(len(res.ids)), key=lambda k: not any((res.ids[k], y) in cache.reports for y in years))
    ids = [res.ids[k] for k in order]
    scores = [res.scores[k] for k in order] if len(res.scores) == len(res.ids) else res.scores
    return ambiguous(cache, m.text, ids, scores, place=res.place)


def resolve_agencies(cache: ReadCache, pq: ParsedQuestion, parts: Parts) -> tuple[Scope | None, Answer | None]:
    """→ ((agency ids, place, notes, other bodies at the place), None) or (None, an Answer to return)."""
    notes = [n[5:] for n in parts.inherited if n.startswith("note:")]
    ids: list[int] = []
    place = ""
    others: list[int] = []
    region_intent = pq.rank or pq.total_strong or pq.avail_agencies
    single = len(parts.mentions) == 1
    for m in parts.mentions:
        weak_total = pq.total_weak and m.place and "|" not in m.place and cache.index.government_of(m.place) is None
        if m.place and (region_intent or weak_total) and single:
            place = m.place
            continue
        res = _resolution(cache, m)
        if res.status == "ambiguous":
            if m.place and pq.total_weak and parts.indicators and single:
                place = m.place
                continue
            only = _only_one_with_years(cache, m, res, parts.years)
            if only is None:
                return None, _ambiguous_mention(cache, m, res, parts.years)
            notes.append(f"「{m.text}」可指 {len(res.ids)} 个单位，其中只有{cache.agencies[only].name}有 "
                         f"{'、'.join(map(str, parts.years))} 年的报告，按它回答。")
            res = Resolution("ok", [only], [100.0])
        if res.status == "not_found":
            return None, agency_not_found(cache, m.text, res)
        ids += [a for a in res.ids if a not in ids]
        if m.how == "renamed" and res.ids:  # 洪泽县 → 洪泽区: a retired name, said so
            notes.append(f"「{m.text}」是旧地名，现为{cache.index.place_names.get(m.place, m.place)}。")
        if res.place and res.others:
            others = res.others
            gov = cache.agencies[res.ids[0]].name
            notes.append(f"「{m.text}」按{gov}理解；该地还有 {len(res.others)} 个单位的报告。")
        elif res.place and m.how in {"place", "renamed"} and not res.note:
            notes.append(f"「{m.text}」按{cache.agencies[res.ids[0]].name}理解（该地只有这一个单位的报告）。")
    if not ids and not place:
        ids = [cache.by_name[n] for n in parts.agency_names if n in cache.by_name]
        place = parts.place if not ids else ""
    return (ids, place, notes, others), None
