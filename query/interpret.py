"""The interpreter: question text + remembered context → an Intent, or a reply without numbers.

Why it never computes: deciding what was asked (and saying so when we cannot tell) is kept apart from
the answerers, so a question we did not understand can never come back with numbers.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from query.cache import ReadCache
from query.clarify import agency_not_found, help_answer
from query.english import english_help, is_english
from query.indicators import CONCEPTS, IndicatorMatch, from_id, share_of, suggestions, sum_of, typo_fix
from query.intent import Intent, Parts
from query.parse_question import ParsedQuestion, parse_question
from query.resolve import judge_segments, looks_like_name, residual_agency, resolve_agencies
from query.scan import scan
from query.types import Answer, Candidate
from query.words import asks, first_kind, without_measures

KEY_FIGURES = ("apply_received", "granted", "review_total", "litigation_total", "active_total", "license")
NO_STORE = "库里还没有任何年度报告。请管理员先导入报告（disclosure-bot ingest 或在私聊中发送文件）。"
NO_PREVIOUS = "这像是接着上一个问题问的，但这里没有上一个问题可接。请写出单位和指标，例如“西夏区 2019 依申请数”。"


CLAUSE = re.compile(r"[^。！？!?；;，,\n]+[。！？!?；;，,\n]*")
ADD_WORDS = re.compile(r"加起来|加在一起|相加|之和|总和|加上|(?<![增追参附添])加(?!强|快|大)")
SUM_WORDS = re.compile(r"合计|总和|之和|加总|汇总|一共|共计|加起来|总共")
SHARE = re.compile(r"数?(?:占比|所占比例|的?比例|比重|百分之几|百分比|占多少|占几成|占)")  # a part of its table's total
SHARE_Q = re.compile(r"占多少|占几成|百分之几|占百分之")  # read off the question: 多少 is also a measure word
LEVEL = re.compile(r"全(市|区|县|省|自治区)")  # "全市" of a body: the place of that level on its region path


def interpret(cache: ReadCache, question: str, today: date, ctx: dict[str, Any]) -> Intent | Answer:
    """What the question asks (an Intent), or why we cannot tell (an Answer that carries no number).

    A long message with the question at the end ("你好，我是记者……，洪泽区2023年收到多少申请？") is read
    from its last clauses, but only when the clauses dropped name no body, place, year or indicator."""
    first = _interpret_one(cache, question, today, ctx)
    if isinstance(first, Intent) or not isinstance(question, str):
        return first
    clauses = CLAUSE.findall(question)
    for k in range(1, len(clauses)):
        if _says_something(cache, clauses[k - 1], today):
            break
        later = _interpret_one(cache, "".join(clauses[k:]), today, ctx)
        if isinstance(later, Intent):
            return later
    if first.status == "not_found" and not first.candidates and is_english(question):
        return Answer("not_found", english_help(), intent="help")  # an English question we could not read
    return first


def _says_something(cache: ReadCache, clause: str, today: date) -> bool:
    """Does this clause name a body, place, year, indicator or intent word of ours?"""
    pq = parse_question(clause, today)
    mentions, matches, _segments, kinds = scan(cache.index, pq)
    return bool(mentions or matches or kinds or pq.has_time)


def _interpret_one(cache: ReadCache, question: str, today: date, ctx: dict[str, Any]) -> Intent | Answer:
    pq = parse_question(question, today)
    if not cache.agencies:
        return Answer("no_data", NO_STORE, intent="help")
    mentions, matches, segments, kinds = scan(cache.index, pq)
    kind = first_kind(kinds)
    if pq.sub_year and kind not in {"deadline", "published"}:
        return Answer("not_found", f"年度报告只有全年的数字，没有「{pq.sub_year}」的。可以问全年，例如"
                      "「洪泽区 2024 依申请数」。", intent="value")
    if kind == "indicators":
        return Intent("indicators", pq, Parts(), today=today)
    residual = " ".join(seg.residual for seg in segments if seg.residual and not seg.mentions)
    if pq.help and not mentions and not matches:
        return Intent("help", pq, Parts())
    if pq.glossary and matches and not mentions:  # an indicator and a "what does it mean" word, no agency
        return Intent("glossary", pq, Parts(indicators=matches))
    parts = Parts(
        mentions=mentions, indicators=matches, years=list(pq.years), recent_n=pq.recent_n,
        since_year=pq.since_year, all_years=pq.all_years, residual=without_measures(residual),
    )
    merge_context(cache, pq, parts, ctx)
    _time_words(pq, parts)
    _sum_words(cache, pq, parts)
    res = judge_segments(cache, parts, segments)
    if res is None and parts.residual:
        res = residual_agency(cache, parts)
    if res is not None:
        return res
    if kind is not None:
        return _special(cache, kind, pq, parts, ctx, today)
    if (pq.avail_years or (pq.avail_agencies and not parts.indicators)) and not pq.rank:
        return Intent("availability", pq, parts)
    if not parts.indicators:
        early = _without_indicator(cache, pq, parts)
        if early is not None:
            return early
    if len(parts.indicators) == 1 and (SHARE.search(parts.residual or "") or SHARE_Q.search(pq.text.replace(" ", ""))):
        share = share_of(parts.indicators[0])
        if share is None:
            return _no_share(parts)
        if LEVEL.search(pq.text.replace(" ", "")):  # 占全市的比例: a share of a place's total, not of its own table
            return _no_share_of_place(parts)
        parts.indicators, parts.residual = [share], SHARE.sub("", parts.residual).strip()
    if parts.indicators and re.search(r"率|比例|占比|百分比", parts.residual or "") and not any(
        m.concept.unit == "%" for m in parts.indicators
    ):
        return _no_such_rate(parts)
    if parts.residual:  # words we could not read: never answer without them (a wider or other question)
        return _unread(cache, parts)
    scope, answer = resolve_agencies(cache, pq, parts)
    if answer is not None:
        return answer
    assert scope is not None
    return _kind(cache, pq, parts, _widened(cache, pq, parts, scope))


def _sum_words(cache: ReadCache, pq: ParsedQuestion, parts: Parts) -> None:
    """"复议加诉讼一共多少", "复议+诉讼": several indicators and a sum word are one derived sum, not the
    first of them. For a place ("淮安市 复议和诉讼合计") 合计/总数 are the place's total of each indicator,
    so only words that add indicators together (加, 加起来, 之和, ＋) make the sum there."""
    if len(parts.indicators) < 2:
        return
    at_place = any(  # a place of several bodies (洪泽区 with one body is that body)
        m.place and len({a for p in m.place.split("|") for a in cache.index.under(p)}) > 1 for m in parts.mentions
    )
    adds = bool(re.search(r"[+＋]", pq.raw) or ADD_WORDS.search(pq.text.replace(" ", "")))
    if not (adds or (asks("sum", pq.text) and not at_place)):
        return
    summed = sum_of(parts.indicators)
    if summed is not None:
        parts.indicators = [summed]
        if not at_place:  # the sum word said how to add the indicators, nothing about the scope
            pq.total_strong = bool(LEVEL.search(pq.text.replace(" ", "")))


def _widened(cache: ReadCache, pq: ParsedQuestion, parts: Parts, scope: tuple) -> tuple:
    """The bodies of the previous question kept for "跟洪泽区比呢"; "洪泽区 … 全省排名" ranks 洪泽区's province."""
    ids, place, notes, others = scope
    if parts.compare_with:
        ids = [cache.by_name[n] for n in parts.compare_with if cache.by_name[n] not in ids] + list(ids)
    level = LEVEL.search(pq.text.replace(" ", ""))
    if level and pq.rank and not pq.position and len(parts.mentions) == 1:  # 全区排第几: see _position
        path = place or (cache.agencies[ids[0]].region_path if len(ids) == 1 else "")
        wider = _level_path(path, level.group(1))
        if wider:
            ids, place = [], wider
    return ids, place, notes, others


def _level_path(path: str, level: str) -> str:
    """'江苏省/淮安市/洪泽区', '市' → '江苏省/淮安市' (the last place of that level on the path), else ''."""
    names = [p for p in path.split("/") if p]
    ends = ("省", "自治区") if level in {"省", "自治区"} else (level,)
    hits = [i for i, p in enumerate(names) if p.endswith(ends)]
    return "/".join(names[: hits[-1] + 1]) if hits else ""


def _time_words(pq: ParsedQuestion, parts: Parts) -> None:
    """"哪一年最多" ranks one body's years (not bodies); "增加了多少/同比" with one year adds the year before."""
    if asks("which_year", pq.text) and (pq.rank or pq.ascending):
        parts.which_year = "min" if pq.ascending else "max"
        pq.rank = pq.avail_years = False
        parts.all_years = not parts.years
    if asks("change", pq.text):
        pq.trend = True
        if len(parts.years) == 1:
            parts.years = [parts.years[0] - 1, parts.years[0]]


def _special(
    cache: ReadCache, kind: str, pq: ParsedQuestion, parts: Parts, ctx: dict[str, Any], today: date
) -> Intent | Answer:
    """Overview, published?, findings, deadline: about bodies (named, or the previous question's) and years."""
    if parts.residual:
        return _unread(cache, parts)
    if kind == "deadline":  # a calendar question stands alone: nothing from the previous one
        parts.years, parts.place = list(pq.years), ""
        parts.agency_names = []
        parts.inherited = [n for n in parts.inherited if n.startswith("note:")]
    elif not parts.mentions and not parts.agency_names and ctx.get("agencies"):
        parts.agency_names = [n for n in ctx["agencies"] if n in cache.by_name]
        parts.inherited += ["agency"] if parts.agency_names else []
        if not pq.has_time and ctx.get("years"):
            parts.years = [int(y) for y in ctx["years"]]
            parts.inherited.append("year")
    scope, answer = resolve_agencies(cache, pq, parts)
    lone = parts.mentions[0] if len(parts.mentions) == 1 else None
    if kind == "deadline" and answer is not None and answer.status == "ambiguous" and lone and lone.place:
        return Intent(kind, pq, parts, [], lone.place, today=today)  # "银川市哪些单位还没交": the place
    if answer is not None:
        return answer
    assert scope is not None
    ids, place, notes, others = scope
    if not ids and not place and kind != "deadline":
        example = {"overview": "洪泽区 2023 报告概览", "published": "洪泽区 2024 年报发布了吗",
                   "findings": "洪泽区 2023 有什么勾稽问题"}[kind]
        return Answer("not_found", f"请写出要查的单位，例如「{example}」。", intent=kind)
    return Intent(kind, pq, parts, ids, place, notes, others, today=today)


def _without_indicator(cache: ReadCache, pq: ParsedQuestion, parts: Parts) -> Intent | Answer | None:
    """No indicator found: an unknown name, a mistyped indicator, a listing, or help (never numbers)."""
    if parts.residual and not parts.mentions and not parts.agency_names:
        if looks_like_name(cache, parts.residual):
            return agency_not_found(cache, parts.residual)
        return help_answer(f"没有看懂「{parts.residual}」：这里只回答政府信息公开年度报告的问题。", status="not_found")
    if parts.residual:
        fixed = typo_fix(parts.residual)
        if fixed is not None:  # one clearly closest indicator word: use it, and say so
            parts.indicators = [IndicatorMatch(fixed[0])]
            parts.inherited.append(f"note:指标「{parts.residual}」按「{fixed[1]}」理解。")
            parts.residual = ""
    if parts.residual:
        sugg = suggestions(parts.residual)
        hint = f"您是不是想问：{'、'.join(sugg)}？" if sugg else "可以问：依申请数、行政复议、行政诉讼、予以公开……"
        return Answer(
            "not_found", f"没有认出要查的指标「{parts.residual}」。" + hint,
            candidates=[Candidate(s, "indicator", s) for s in sugg], intent="value",
        )
    if parts.mentions or parts.agency_names:
        return None
    if pq.glossary:
        return Answer("not_found", "没有认出要解释的指标。可以问：依申请数是什么意思、纠错率怎么算。", intent="glossary")
    if pq.avail_agencies or pq.rank:
        return Intent("availability", pq, parts)
    if pq.followup or pq.has_time:
        return Answer("not_found", NO_PREVIOUS, intent="help")
    return help_answer("没有看懂这个问题。", status="not_found")


def _unread(cache: ReadCache, parts: Parts) -> Answer:
    """A question with words that are neither a body, a place, an indicator nor a filler: say which."""
    words = parts.residual
    if parts.mentions or parts.agency_names:
        sugg = suggestions(words)
        hint = f"您是不是想问：{'、'.join(sugg)}？" if sugg else "请换个说法，或发送“帮助”。"
        return Answer("not_found", f"没有看懂「{words}」，所以没有给出数字。" + hint,
                      candidates=[Candidate(s, "indicator", s) for s in sugg], intent="value")
    if not looks_like_name(cache, words):  # "今天天气怎么样" after a question: not a body we lack
        return help_answer(f"没有看懂「{words}」：这里只回答政府信息公开年度报告的问题。", status="not_found")
    return agency_not_found(cache, words)


def _no_share(parts: Parts) -> Answer:
    first = parts.indicators[0]
    return Answer("not_found", f"「{first.label}」不是某张表总计中的一部分，算不出占比。能算占比的是申请人各列"
                  "（如「企业申请占比」）和办理结果各项（如「不予公开占比」）。", intent="value")


def _no_share_of_place(parts: Parts) -> Answer:
    first = parts.indicators[0]
    return Answer("not_found", f"占比只按一份报告的表内总计算（如「{first.label}」占本单位总计的比例），"
                  "算不出占全市/全区等地方合计的比例；可以分别问该单位的数字和该地的合计。", intent="value")


def _no_such_rate(parts: Parts) -> Answer:
    first = parts.indicators[0]
    asked = first.concept.words[0] if first.concept.words else ""
    return Answer(
        "not_found",
        f"没有「{asked}{parts.residual.strip()}」这个比例指标。能算的比例有：予以公开比例（公开率）、"
        "复议诉讼纠错率；也可以直接问件数。",
        candidates=[Candidate(w, "indicator", w) for w in ("公开率", "纠错率")],
        intent="value",
    )


def _kind(cache: ReadCache, pq: ParsedQuestion, parts: Parts, scope: tuple) -> Intent | Answer:
    """Value, summary, ranking or total, from what was named (bodies or a place) and the question words."""
    agency_ids, place, notes, others = scope
    intent = Intent("value", pq, parts, agency_ids, place, notes, others)
    if pq.rank and not parts.indicators and not pq.avail_agencies:
        return Answer("ambiguous", "没有说明按哪个指标排名。请写出指标，例如「2024年依申请数前5名」。",
                      candidates=[Candidate(w, "indicator", w) for w in ("依申请数", "行政复议", "行政诉讼")],
                      intent="rank")
    if pq.average and parts.indicators:
        if place and not agency_ids and len({a for p in place.split("|") for a in cache.index.under(p)}) > 1:
            intent.kind = "total"
            return intent
        return Answer("not_found", "平均数按一个地方的各单位算，例如「银川市 2020 平均每个单位依申请数」；"
                      "一个单位的报告只有全年总数，没有平均值。", intent="total")
    if pq.rank and not pq.position and parts.indicators and _one_body_ranked(pq, parts, agency_ids):
        pq.position = True  # "丰庆区司法局 依申请数名次/在峰凌市排前三吗": its place, never a ranking that drops it
    if pq.position and parts.indicators:
        return _position(cache, intent, parts)
    rank_first = pq.rank and not SUM_WORDS.search(pq.text.replace(" ", ""))  # "全省排名": a ranking
    wants_total = bool(parts.indicators) and not rank_first and (
        pq.total_strong or (pq.total_weak and place and not agency_ids))
    if wants_total and (place or not agency_ids):
        intent.kind = "total"
        return intent
    if parts.indicators and not agency_ids and not place and not pq.rank and not parts.years:
        first = parts.indicators[0]
        word = first.concept.words[0] if first.concept.words else "依申请数"
        cands = [Candidate(a.name, "agency", a.name) for a in cache.first_agencies(8)]
        return Answer(
            "ambiguous",
            f"没有说明要查哪个单位的「{first.label}」。请加上单位名称，例如"
            f"「西夏区 2020 依申请数」；或问「2020年{word}排名」。",
            candidates=cands if len(cache.agencies) <= 8 else [],
            intent="value",
        )
    if parts.indicators and (pq.rank or not agency_ids):
        intent.kind = "rank"
        return intent
    lone = parts.mentions[0] if len(parts.mentions) == 1 else None
    if parts.indicators and pq.total_weak and others and lone is not None and lone.place and "|" not in lone.place:
        intent.kind, intent.place = "both", lone.place  # "淮安市 依申请总数": 本级 or 全市合计? answer both
        return intent
    if pq.trend and not (parts.years or parts.recent_n or parts.since_year) and len(agency_ids) == 1:
        parts.all_years = True
    if not parts.indicators:
        parts.indicators = [IndicatorMatch(CONCEPTS[c]) for c in KEY_FIGURES]
        intent.kind = "summary"
    return intent


def _one_body_ranked(pq: ParsedQuestion, parts: Parts, agency_ids: list[int]) -> bool:
    """Rank words about one named body (alone, or then a place: 在峰凌市排前三吗), without a level (全省排名
    ranks the province), lower places (各区) or a comparison: the question is about that body's standing."""
    if pq.sub_level or pq.compare or LEVEL.search(pq.text.replace(" ", "")):
        return False
    ments = parts.mentions  # a body, or a place of one body (洪泽区)
    if len(ments) == 2 and ments[1].place and len(ments[0].ids) == 1:
        return True
    return len(ments) == 1 and len(ments[0].ids) == 1 and len(agency_ids) == 1


def _position(cache: ReadCache, intent: Intent, parts: Parts) -> Intent | Answer:
    """"西夏区 依申请数排第几": one body, ranked among the bodies of its level under its parent region, or
    in the place the question names ("在银川市排第几"). Needs exactly one body: never a list instead."""
    ments, place = parts.mentions, ""
    if len(ments) == 2 and ments[1].place:  # "洪泽区 … 在淮安市排第几": the second names the scope
        ments, place = ments[:1], ments[1].place
    bodies = intent.agency_ids if len(ments) == 1 and len(intent.agency_ids) == 1 else []
    if not bodies and len(ments) == 1 and len(ments[0].ids) == 1:  # a place of one body (西夏区)
        bodies = list(ments[0].ids)
    if not ments and len(intent.agency_ids) == 1:  # the body of the previous question
        bodies = intent.agency_ids
    if len(bodies) != 1:
        return Answer("ambiguous", "排第几要问一个单位，例如「西夏区 2020 依申请数排第几」。", intent="position")
    level = LEVEL.search(intent.pq.text.replace(" ", ""))
    if level and not place:  # "在全区排第几": the place of that level on the body's own path, not its parent's level
        place = _level_path(cache.agencies[bodies[0]].region_path, level.group(1))
        if not place:
            name = cache.agencies[bodies[0]].name
            return Answer("not_found", f"{name}不在任何{level.group(1)}之下，无法在全{level.group(1)}排位。",
                          intent="position")
    intent.kind, intent.agency_ids, intent.place = "position", bodies, place
    return intent


def merge_context(cache: ReadCache, pq: ParsedQuestion, parts: Parts, ctx: dict[str, Any]) -> None:
    """Fill what this question leaves out from what the previous one set (never from defaults)."""
    if not ctx:
        return
    has_a, has_y, has_i = bool(parts.mentions), pq.has_time, bool(parts.indicators)
    kinds = sum((has_a, has_y, has_i))
    follow = pq.followup or (kinds == 1 and not parts.residual) or (kinds == 0 and (pq.avail_years or pq.rank))
    if not follow or pq.glossary or (pq.avail_agencies and not pq.avail_years):
        return
    names = [n for n in ctx.get("agencies") or [] if n in cache.by_name]
    if has_a and names and len(parts.mentions) == 1 and pq.compare:
        parts.compare_with = parts.agency_names = names  # "跟洪泽区比呢": the new body next to the previous ones
        parts.inherited.append("agency")
    level = LEVEL.search(pq.text.replace(" ", ""))
    wider = [_level_path(cache.agencies[cache.by_name[n]].region_path, level.group(1)) for n in names] if level else []
    if not has_a and not parts.residual and wider and all(wider):
        parts.place = "|".join(dict.fromkeys(wider))  # "那全市呢" after 洪泽区: 淮安市, not 洪泽区 again
        parts.inherited.append("place")
    elif not has_a and not parts.residual:
        if names:
            parts.agency_names = names
            parts.inherited.append("agency")
        elif ctx.get("place"):
            parts.place = ctx["place"]
            parts.inherited.append("place")
    if not has_y:
        if ctx.get("years"):
            parts.years = [int(y) for y in ctx["years"]]
            parts.inherited.append("year")
        parts.recent_n = parts.recent_n or ctx.get("recent_n")
        parts.since_year = parts.since_year or ctx.get("since_year")
        parts.all_years = parts.all_years or bool(ctx.get("all_years"))
    if not has_i:
        got = [m for m in (from_id(i) for i in ctx.get("indicators") or []) if m is not None]
        if got:
            parts.indicators = got
            parts.inherited.append("indicator")
    if not has_a and ctx.get("intent") in {"rank", "total"} and not (pq.rank or pq.total_strong):
        # the previous ranking/total carries on only when this question names neither (explicit words win)
        pq.rank = ctx.get("intent") == "rank"
        pq.total_strong = ctx.get("intent") == "total"
    if not has_a and ctx.get("intent") in {"rank", "total"}:
        pq.top_n = pq.top_n or ctx.get("top_n")
        pq.ascending = pq.ascending or bool(ctx.get("ascending"))
