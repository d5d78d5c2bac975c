"""Answer numbers of named bodies: one value, a trend over years, a comparison, or a report's main figures."""

from __future__ import annotations

from dataclasses import dataclass, field

from query import format as fmt
from query.cache import ReadCache
from query.changes import best_year_lines, compare_lines, trend_lines
from query.evaluate import gap_cells, make_row
from query.intent import Intent, Parts
from query.types import Answer, AnswerRow, Candidate


@dataclass
class Gathered:
    rows: list[AnswerRow] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # why a number is missing
    year_notes: list[str] = field(default_factory=list)  # years we chose
    missing_years: dict[int, list[int]] = field(default_factory=dict)  # agency → asked years without report
    gaps: list[AnswerRow] = field(default_factory=list)  # asked-for cells with no number, and why (issue 13)
    multi_year: bool = False


def years_for(cache: ReadCache, parts: Parts, agency_id: int | None) -> tuple[list[int], str]:
    """The years asked for this agency, and a note when we chose them (latest, 近N年)."""
    have = cache.years.get(agency_id, []) if agency_id is not None else cache.all_years
    if parts.years:
        return list(parts.years), ""
    if parts.all_years:
        return list(have), ""
    if parts.since_year:
        return [y for y in have if y >= parts.since_year] or [parts.since_year], ""
    if parts.recent_n:
        if not have:
            return [], ""
        last = have[-1]
        ys = list(range(last - parts.recent_n + 1, last + 1))
        return ys, f"近 {parts.recent_n} 年按库中最新的 {last} 年往前算：{ys[0]}–{last} 年。"
    if not have:
        return [], ""
    return [have[-1]], f"未指定年份，按最新的 {have[-1]} 年度报告回答。"


def _plan(cache: ReadCache, parts: Parts, agency_ids: list[int], got: Gathered) -> list[tuple[int, list[int]]]:
    """(agency, years) to read; several bodies without a year share their latest common year."""
    common: list[int] = []
    if len(agency_ids) > 1 and not (parts.years or parts.recent_n or parts.since_year or parts.all_years):
        common = sorted(set.intersection(*(set(cache.years.get(a, [])) for a in agency_ids)))
    plan = []
    for aid in agency_ids:
        years, note = years_for(cache, parts, aid)
        if common:
            years, note = [common[-1]], f"未指定年份，按这些单位都有的最新年份 {common[-1]} 年回答。"
        if note and note not in got.year_notes:
            got.year_notes.append(note)
        got.multi_year = got.multi_year or len(years) > 1
        plan.append((aid, years))
    return plan


def _gather(cache: ReadCache, intent: Intent, summary: bool) -> Gathered:
    got = Gathered()
    plan = _plan(cache, intent.parts, intent.agency_ids, got)
    cache.prefetch([cache.reports[(a, y)].id for a, ys in plan for y in ys if (a, y) in cache.reports])
    for aid, years in plan:
        for y in years:
            rep = cache.reports.get((aid, y))
            if rep is None:
                got.missing_years.setdefault(aid, []).append(y)
                continue
            for m in intent.parts.indicators:
                row, why = make_row(cache, aid, rep, m)
                if row is not None:
                    got.rows.append(row)
                elif not summary:
                    got.problems.append(why)
                    got.gaps += gap_cells(cache, aid, rep, m)
    return got


def _missing_lines(cache: ReadCache, got: Gathered) -> list[str]:
    head = []
    for aid, ys in got.missing_years.items():
        have = cache.years.get(aid, [])
        head.append(
            f"{cache.agencies[aid].name} 没有 {fmt.year_list(ys)} 的年度报告。"
            + (f"库中已有：{fmt.year_list(have)}。" if have else "库中还没有它的任何报告。")
        )
    return head


def values_answer(cache: ReadCache, intent: Intent) -> Answer:
    """Numbers of the named bodies for the asked (or chosen) years, each with its source."""
    summary = intent.kind == "summary"
    parts, agency_ids = intent.parts, intent.agency_ids
    got = _gather(cache, intent, summary)
    kind = "compare" if len(agency_ids) > 1 else ("trend" if got.multi_year else "value")
    named = [cache.agencies[a].name for a in agency_ids] if (parts.mentions or parts.agency_names) else []
    ctx = intent.context(kind, named, "")
    head = _missing_lines(cache, got)
    notes = intent.notes + got.year_notes + head
    if not got.rows:
        cands: list[Candidate] = []
        if got.missing_years and not got.problems:
            for aid in got.missing_years:
                cands += [Candidate(f"{y}年", "year", f"{y}年") for y in cache.years.get(aid, [])[-8:]]
        text = "\n".join(notes + got.problems) or "没有找到对应的数字。"
        return Answer("no_data", text, candidates=cands, intent=kind, context=ctx, cells=got.gaps)
    if summary:
        years = fmt.year_list(sorted({r.year for r in got.rows}))
        header = f"{cache.agencies[agency_ids[0]].name} {years}主要数字（未指定指标）："
        said = trend_lines(got.rows) if got.multi_year else []
        shown_notes = notes
    else:
        header = fmt.header(kind, got.rows, parts.indicators[0].label)
        said = compare_lines(got.rows) if kind == "compare" else trend_lines(got.rows) if kind == "trend" else []
        said += best_year_lines(got.rows, parts.which_year)
        shown_notes = notes + got.problems
    cands = []
    if intent.others:
        shown = intent.others[:8]
        said.append("该地其他单位：" + "、".join(cache.agencies[a].name for a in shown)
                    + (" 等" if len(intent.others) > 8 else ""))
        cands = [Candidate(cache.agencies[a].name, "agency", cache.agencies[a].name) for a in shown]
    return Answer("ok", "", got.rows, cands, intent=kind, context=ctx, header=header, notes=shown_notes,
                  footer=said, cells=got.gaps)
