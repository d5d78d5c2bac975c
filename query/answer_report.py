"""Answers about one report as a whole: overview, is it in the store, its findings; and the indicator list.

Why together: all four talk about reports and the catalogue rather than one number, and none of them
returns a number the user did not ask for (the overview's figures are the report's main ones, labelled).
"""

from __future__ import annotations

from query import format as fmt
from query.answer_values import values_answer, years_for
from query.cache import ReadCache
from query.indicators import CONCEPTS, IndicatorMatch, template_name
from query.intent import Intent
from query.interpret import KEY_FIGURES
from query.types import Answer, Candidate

MAX_INDICATORS = 40


def indicators_answer(_cache: ReadCache, _intent: Intent) -> Answer:
    """The indicators one can ask about (not the bodies), each with the words that name it."""
    concepts = [c for c in CONCEPTS.values() if c.words][:MAX_INDICATORS]
    lines = ["可以问的指标（每项举一两种说法）："]
    lines += [f"· {c.name}：{'、'.join(c.words[:2])}" for c in concepts]
    lines.append("问法示例：西夏区 2020 依申请数；“依申请数是什么意思”可看口径。")
    cands = [Candidate(c.name, "indicator", c.words[0]) for c in concepts[:12]]
    return Answer("ok", "\n".join(lines), candidates=cands, intent="indicators", context={"save": False})


def _asked_report(cache: ReadCache, intent: Intent):
    """(agency id, year, report or None, note): the first named body and the asked (or latest) year."""
    aid = intent.agency_ids[0]
    years, note = years_for(cache, intent.parts, aid)
    year = years[-1] if years else None
    rep = cache.reports.get((aid, year)) if year is not None else None
    return aid, year, rep, note


def _missing(cache: ReadCache, aid: int, year: int | None, kind: str) -> Answer:
    name = cache.agencies[aid].name
    have = cache.years.get(aid, [])
    text = (f"库中没有 {name} {year} 年的年度报告。" if year else f"库中还没有 {name} 的年度报告。")
    text += f"已有：{fmt.year_list(have)}。" if have else ""
    cands = [Candidate(f"{y}年", "year", f"{y}年") for y in have[-8:]]
    return Answer("no_data", text, candidates=cands, intent=kind,
                  context={"agencies": [name], "years": [year] if year else [], "intent": kind})


def findings_answer(cache: ReadCache, intent: Intent) -> Answer:
    """The arithmetic findings (勾稽问题) stored for one report."""
    aid, year, rep, note = _asked_report(cache, intent)
    if rep is None:
        return _missing(cache, aid, year, "findings")
    name = cache.agencies[aid].name
    _vals, finds = cache.report(rep.id)
    head = [f"{name} {year} 年度报告（{rep.title or rep.file_name}）："]
    if finds:
        lines = head + [f"发现 {len(finds)} 处勾稽问题："] + [f"{i}. {msg}" for i, (_k, msg) in enumerate(finds, 1)]
    else:
        lines = head + ["没有发现勾稽问题（表内合计与分项一致）。"]
    ctx = {"agencies": [name], "years": [year], "intent": "findings"}
    return Answer("ok", "\n".join(lines), intent="findings", context=ctx, notes=[note] if note else [])


def published_answer(cache: ReadCache, intent: Intent) -> Answer:
    """Is a body's report (asked year, else the last one due) in the store? No numbers."""
    lines, missing = [], 0
    for aid in intent.agency_ids:
        name = cache.agencies[aid].name
        have = cache.years.get(aid, [])
        asked = intent.parts.years or [intent.today.year - 1 if intent.today else (have or [0])[-1]]
        for y in asked:
            rep = cache.reports.get((aid, y))
            if rep is not None:
                lines.append(f"{name} {y} 年度报告已收录（{rep.title or rep.file_name}）。")
            else:
                missing += 1
                lines.append(f"库中没有 {name} {y} 年度报告（可能尚未发布，或还没有导入）。"
                             + (f"已有：{fmt.year_list(have)}。" if have else ""))
    names = [cache.agencies[a].name for a in intent.agency_ids]
    ctx = {"agencies": names, "years": list(intent.parts.years), "intent": "published"}
    return Answer("no_data" if missing and missing == len(lines) else "ok", "\n".join(lines),
                  intent="published", context=ctx)


def overview_answer(cache: ReadCache, intent: Intent) -> Answer:
    """One screen about one report: its main figures (with sources), its findings, the file it came from."""
    aid, year, rep, note = _asked_report(cache, intent)
    if rep is None:
        return _missing(cache, aid, year, "overview")
    intent.agency_ids = [aid]
    intent.parts.years = [year]
    intent.parts.indicators = [IndicatorMatch(CONCEPTS[c]) for c in KEY_FIGURES]
    intent.kind = "summary"
    figures = values_answer(cache, intent)
    _vals, finds = cache.report(rep.id)
    name = cache.agencies[aid].name
    figures.header = f"{name} {year} 年度报告概览"
    figures.notes = [f"报告：{rep.title or rep.file_name}（{template_name(rep.template)}）"] + (
        [note] if note else []) + figures.notes
    figures.footer.append(f"勾稽问题：{len(finds)} 处。"
                          + ("发送“" + f"{name} {year} 有什么勾稽问题”查看。" if finds else ""))
    figures.intent = "overview"
    figures.context["intent"] = "overview"
    return figures
