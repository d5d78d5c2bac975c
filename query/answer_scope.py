"""Answer over a scope of bodies (a place, or the whole store): rankings and totals.

Why bare numbers first: every body is scored from one query over the year (cached); only the rows shown
are read in full with their sources and findings. At 150,000 bodies this turned a national ranking
from ~54 s and 2.4 GB into a fraction of a second.
"""

from __future__ import annotations

import copy
import heapq
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal

from query import format as fmt
from query.cache import ReadCache, ReportRec
from query.clarify import place_label, place_not_found
from query.evaluate import evaluate, make_row
from query.indicators import IndicatorMatch, keys_of
from query.intent import Intent
from query.lazy import CountedNames, NameList, WholeStore
from query.types import Answer, AnswerRow, Candidate
from reports import exact
from reports.exact import Number

DEFAULT_TOP = 10
MAX_TEXT_ROWS = 20
TEMPLATES = ("2008", "2019", "2021", "narrative")


@dataclass
class Scored:
    """Rows shown, bodies without a report that year, bodies whose cell is blank, and the whole count/sum."""

    rows: list[AnswerRow] = field(default_factory=list)
    no_report: Sequence[str] = field(default_factory=list)
    blank: Sequence[str] = field(default_factory=list)
    counted: int = 0
    total: Number = 0  # exact


def scope_of(cache: ReadCache, place: str) -> list[int]:
    if not place:
        return list(cache.agencies)
    return list(dict.fromkeys(a for p in place.split("|") for a in cache.index.under(p)))


def scope_year(intent: Intent, cache: ReadCache, scope: Sequence[int]) -> tuple[int | None, str]:
    if intent.parts.years:
        return intent.parts.years[-1], ""
    ys = cache.scope_years(scope)
    if not ys:
        return None, ""
    return ys[-1], f"未指定年份，按最新的 {ys[-1]} 年回答。"


def collect(
    cache: ReadCache, m: IndicatorMatch, year: int, scope: Sequence[int], top: int, ascending: bool = False
) -> Scored:
    """Score every body in scope that year from bare numbers; read the best `top` in full.

    Kept until the store changes (the cache is emptied on a new store generation), so asking the same
    ranking again — a national one scores 150,000 reports — is a look-up; callers get their own copy."""
    which = "all" if isinstance(scope, WholeStore) else hash(tuple(scope))
    key = (repr([m.formula(t) for t in TEMPLATES]), m.label, year, len(scope), which, top, ascending)
    return copy.deepcopy(cache.scored.get_or(key, lambda: _collect(cache, m, year, scope, top, ascending)))


def _collect(
    cache: ReadCache, m: IndicatorMatch, year: int, scope: Sequence[int], top: int, ascending: bool
) -> Scored:
    key = _plain_key(m)
    if key is not None and cache.lazy and len(scope) >= len(cache.agencies):
        return _collect_in_store(cache, m, key, year, top, ascending)
    keys = {k for t in TEMPLATES for k in keys_of(m.formula(t))}
    if "litigation.total" in keys:  # 2019+ reports state it as direct + after review (evaluate.LITIGATION_SUM)
        keys |= {"litigation.direct.total", "litigation.after_review.total"}
    keys = sorted(keys)
    pairs = cache.scope_reports(scope, year)
    rids = tuple(sorted(rep.id for _a, rep in pairs if rep is not None))
    numbers = cache.year_numbers(year, tuple(keys), rids)
    out = Scored()
    no_report: list[int] = []
    blank: list[int] = []
    scored: list[tuple[Number, int, ReportRec]] = []
    for aid, rep in pairs:
        if rep is None:
            no_report.append(aid)
            continue
        f = m.formula(rep.template)
        ev = evaluate(f, numbers.get(rep.id, {}), rep.template) if f is not None else None
        if ev is None or ev.value is None:
            blank.append(aid)
        else:
            scored.append((ev.value if ascending else -ev.value, aid, rep))
    out.no_report, out.blank = NameList(cache.agencies, no_report), NameList(cache.agencies, blank)
    out.counted, out.total = len(scored), exact.total(x[0] if ascending else -x[0] for x in scored)
    _show(cache, m, _best(cache, scored, top), out)
    return out


def _plain_key(m: IndicatorMatch) -> dict[str, str] | None:
    """template → the one stored key the indicator reads there, or None for a derived formula (a sum, a
    ratio, or litigation.total, which 2019+ reports state as two parts). Templates without the indicator
    are left out: their reports are blank, as in the Python scoring."""
    forms = {t: m.formula(t) for t in TEMPLATES}
    keys = {t: f for t, f in forms.items() if f is not None}
    if not keys or not all(isinstance(f, str) and f != "litigation.total" for f in keys.values()):
        return None
    return keys  # type: ignore[return-value]


def _collect_in_store(
    cache: ReadCache, m: IndicatorMatch, key: dict[str, str], year: int, top: int, ascending: bool
) -> Scored:
    """A national ranking/total of a plain indicator: ordered, counted and summed (exactly) by the store;
    only the candidates for the top rows are read here. Same result as the Python scoring (tests/query/
    test_national_store.py compares both)."""
    got = cache.year_ranked(year, key, top, ascending)
    out = Scored(
        no_report=CountedNames(cache.agencies, got.missing, lambda n: cache.year_missing(year, n)),
        blank=CountedNames(cache.agencies, got.blank, lambda n: cache.year_blank(year, key, n)),
        counted=got.count,
        total=got.total,
    )
    ids = [aid for aid, _v in got.candidates]
    cache.prefetch_agencies(ids)
    scored = [(v if ascending else -v, aid, cache.reports.get((aid, year))) for aid, v in got.candidates]
    _show(cache, m, _best(cache, scored, top), out)
    return out


def _show(cache: ReadCache, m: IndicatorMatch, best: list[tuple[Number, str, int, ReportRec]], out: Scored) -> None:
    """Read the shown rows in full (sources, findings)."""
    cache.prefetch([rep.id for _v, _n, _aid, rep in best])
    for _v, _n, aid, rep in best:
        vals, finds = cache.report(rep.id)
        row, _why = make_row(cache, aid, rep, m, vals, finds)
        if row is not None:
            out.rows.append(row)


def _best(
    cache: ReadCache, scored: list[tuple[Number, int, ReportRec]], top: int
) -> list[tuple[Number, str, int, ReportRec]]:
    """The first `top` by value, ties by name: names are read only for the values that can make the cut."""
    if not scored or top <= 0:
        return []
    cut = heapq.nsmallest(top, (x[0] for x in scored))[-1]
    near = [x for x in scored if x[0] <= cut]
    cache.prefetch_agencies([aid for _v, aid, _r in near])
    named = sorted(((v, cache.agencies[aid].name, aid, rep) for v, aid, rep in near), key=lambda x: (x[0], x[1]))
    return named[:top]


def _nothing(cache: ReadCache, scope: Sequence[int], where: str, year: int, what: str, label: str) -> Answer:
    have = cache.scope_years(scope)
    return Answer(
        "no_data",
        f"{where}{year} 年没有可{what}的「{label}」数字。" + (f"有报告的年份：{fmt.year_list(have)}。" if have else ""),
        candidates=[Candidate(f"{y}年", "year", f"{y}年") for y in have[-8:]] if what == "排名" else [],
    )


def _prepare(cache: ReadCache, intent: Intent, kind: str) -> tuple[list[int], int, str, str, dict] | Answer:
    """Scope, year (and the note when we chose it), place label and follow-up context of a scope answer."""
    # a national store's whole scope is not listed: counted and ranked by the store (_collect_in_store)
    scope = WholeStore(cache.agencies) if cache.lazy and not intent.place else scope_of(cache, intent.place)
    if intent.place and not scope:
        return place_not_found(cache, intent.place)
    if intent.pq.sub_level:  # "依申请数最多的区" with no place: the districts of the whole store
        scope = _below(cache, scope, intent.place, intent.pq.sub_level)
        where = place_label(intent.place).strip() if intent.place else "库中"
        intent.notes = intent.notes + [f"只算{where}下辖的{intent.pq.sub_level}（不含本级单位）。"]
        if not scope:
            return Answer("no_data", f"{where}下辖的{intent.pq.sub_level}还没有年度报告。",
                          intent=kind, context=intent.context(kind, [], intent.place))
    several = _several_years(cache, intent, scope, kind)
    if several is not None:
        return several
    if len(intent.parts.indicators) > 1:  # "淮安市 依申请数和复议 合计": one indicator at a time, never the first
        labels = [m.label for m in intent.parts.indicators]
        what = "排名" if kind == "rank" else "合计"
        return Answer("ambiguous", f"{what}一次按一个指标算，请选一个：{'、'.join(labels)}。要把它们相加，请写「…加…」。",
                      candidates=[Candidate(m.concept.words[0] if m.concept.words else m.label, "indicator",
                                            m.concept.words[0] if m.concept.words else m.label)
                                  for m in intent.parts.indicators],
                      intent=kind, context=intent.context(kind, [], intent.place))
    year, note = scope_year(intent, cache, scope)
    where = place_label(intent.place)
    ctx = intent.context(kind, [], intent.place)
    if year is None:
        return Answer("no_data", f"{where}还没有任何年度报告。", intent=kind, context=ctx)
    return scope, year, note, where, ctx


def _below(cache: ReadCache, scope: list[int], place: str, level: str) -> list[int]:
    """Bodies of the places below `place` of the kind asked (区, 县, 区县…): 宁夏 → its cities' 区 too."""
    kinds = ("乡", "镇") if level == "乡镇" else ("街道",) if level == "街道" else tuple(level)
    out = []
    for aid, rec in cache.agency_recs(scope).items():
        for path in place.split("|"):
            top = [p for p in path.split("/") if p]
            names = rec.places
            if names[: len(top)] == top and any(n.endswith(kinds) for n in names[len(top):]):
                out.append(aid)
                break
    return out


def _several_years(cache: ReadCache, intent: Intent, scope: list[int], kind: str) -> Answer | None:
    """A ranking or total over several years ("近三年哪个单位最多", "2019-2021 排名") is scored one year at
    a time: ask which year, never answer one of them silently (nor say "no year was given")."""
    parts = intent.parts
    if len(parts.years) <= 1 and not (parts.recent_n or parts.since_year or parts.all_years):
        return None
    have = cache.scope_years(scope)
    asked = [y for y in have if y in parts.years] if parts.years else have
    if parts.recent_n:
        asked = have[-parts.recent_n:]
    elif parts.since_year:
        asked = [y for y in have if y >= parts.since_year]
    what = "排名" if kind == "rank" else "合计"
    label = parts.indicators[0].label if parts.indicators else ""
    word = parts.indicators[0].concept.words[0] if parts.indicators and parts.indicators[0].concept.words else label
    return Answer(
        "ambiguous",
        f"{what}一次按一年算，请选一个年份，例如「{(asked or have or [2024])[-1]}年{word}{what}」。"
        + (f"库中这些年份有报告：{fmt.year_list(asked)}。" if asked else "所问年份都没有报告。"),
        candidates=[Candidate(f"{y}年", "year", f"{y}年") for y in asked[-8:]],
        intent=kind, context=intent.context(kind, [], intent.place),
    )


def rank_answer(cache: ReadCache, intent: Intent) -> Answer:
    """Bodies in scope ordered by one indicator, with how many had a figure and who had none."""
    pq, place = intent.pq, intent.place
    prep = _prepare(cache, intent, "rank")
    if isinstance(prep, Answer):
        return prep
    scope, year, note, where, ctx = prep
    m = intent.parts.indicators[0]
    n = pq.top_n or DEFAULT_TOP
    got = collect(cache, m, year, scope, n, ascending=pq.ascending)
    if not got.rows:
        ans = _nothing(cache, scope, where, year, "排名", m.label)
        ans.intent, ans.context = "rank", ctx
        return ans
    shown = got.rows[:n]
    order = "从少到多" if pq.ascending else "从多到少"
    head = (
        f"{where}{year} 年「{m.label}」排名（{order}，共 {got.counted} 个单位有数字"
        + (f"，显示前 {len(shown)} 名" if got.counted > len(shown) else "")
        + "）："
    )
    extra = []
    if got.blank:
        extra.append(f"报告中该项空白或没有这一项：{fmt.names(got.blank)}。")
    if got.no_report and place:
        extra.append(f"没有 {year} 年报告：{fmt.names(got.no_report)}。")
    notes = intent.notes + ([note] if note else []) + extra
    return Answer("ok", "", shown, intent="rank", context=ctx, header=head, notes=notes)


def total_answer(cache: ReadCache, intent: Intent) -> Answer:
    """The sum of one indicator over a scope: what was summed, and what was left out and why."""
    prep = _prepare(cache, intent, "total")
    if isinstance(prep, Answer):
        return prep
    scope, year, note, where, ctx = prep
    m = intent.parts.indicators[0]
    if m.concept.unit == "%":
        return Answer("no_data", f"「{m.label}」是比例，不能相加；可以问各单位的排名。", intent="total", context=ctx)
    got = collect(cache, m, year, scope, MAX_TEXT_ROWS)
    if not got.rows:
        ans = _nothing(cache, scope, where, year, "合计", m.label)
        ans.intent, ans.context = "total", ctx
        return ans
    head = (
        f"{where}{year} 年「{m.label}」合计 {fmt.number(got.total, got.rows[0].unit)}："
        f"计入 {got.counted} 份报告（共 {len(scope)} 个单位）。"
    )
    if intent.pq.average:  # "平均每个单位": over the bodies with a figure only, and say how many
        mean = exact.to_exact(Decimal(str(got.total)) / got.counted).quantize(Decimal("0.01"))
        head = (f"{where}{year} 年平均每个单位「{m.label}」{fmt.number(mean, got.rows[0].unit)}"
                f"（推算：合计 {fmt.number(got.total, got.rows[0].unit)} ÷ {got.counted} 个有数字的单位，"
                f"共 {len(scope)} 个单位）。")
    extra = []
    if got.no_report:
        extra.append(f"未计入（没有 {year} 年报告）：{fmt.names(got.no_report)}。")
    if got.blank:
        extra.append(f"未计入（该项空白或表中没有）：{fmt.names(got.blank)}。")
    if got.counted > len(got.rows):
        extra.append(
            f"以上列出数字最大的 {len(got.rows)} 个单位及其来源；其余 {got.counted - len(got.rows)} 个也已计入合计。"
        )
    notes = intent.notes + ([note] if note else []) + extra
    return Answer("ok", "", got.rows, intent="total", context=ctx, header=head, notes=notes)


def both_answer(cache: ReadCache, intent: Intent) -> Answer:
    """"X市 … 总数" read both ways, labelled: the city government's own report, and the sum over the bodies
    of X市 in the store (README: 「市」的总数). Numbers of both readings carry `reading`."""
    from query.answer_values import values_answer

    own = values_answer(cache, Intent("value", intent.pq, intent.parts, intent.agency_ids, "", [], [],
                                      intent.today))
    summed = total_answer(cache, replace(intent, notes=[]))
    where = place_label(intent.place).strip()
    gov = cache.agencies[intent.agency_ids[0]].name
    for row in own.answers:
        row.reading = f"本级：{gov}自身的年度报告"
    for row in summed.answers:
        row.reading = f"合计：{where}在库各单位相加的一项"
    status = "ok" if own.status == "ok" or summed.status == "ok" else own.status
    return Answer(status, "", own.answers + summed.answers, intent="both", context=own.context,
                  header=f"「{where}…总数」有两种理解，分别回答：", notes=list(intent.notes),
                  footer=[f"只要一种时，请写「{gov}」或「{where}合计」。"],
                  parts=[("【理解一 · 本级】", own), (f"【理解二 · {where}在库单位合计】", summed)])
