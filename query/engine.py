"""The answer engine: question in, sourced `Answer` out. Knows nothing of Telegram.

Why caches: agencies, aliases and the report list are small and read on every question, so they live
in memory (built on first use, rebuilt by `refresh()` or when the store's signature changes); the
numbers of a report (and, for rankings and totals, one indicator across a region's reports of one
year) are loaded on demand and kept in LRU caches, so 3,000 agencies × 10 years answer in a few milliseconds.
"""

from __future__ import annotations

import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import text as sql
from sqlalchemy.engine import Engine

from query import format as fmt
from query.agencies import AgencyIndex, AgencyRec, Mention, Resolution
from query.cells import cell_rows, no_number_text
from query.indicators import (
    CONCEPTS,
    MODERN,
    Formula,
    IndicatorMatch,
    clean,
    column_concept,
    combine,
    concept,
    describe,
    from_id,
    glossary,
    keys_of,
    phrase_table,
    suggestions,
    template_name,
    typo_fix,
)
from query.parse_question import ParsedQuestion, parse_question, strip_fillers
from query.types import Answer, AnswerRow, Candidate, Source
from reports.catalogue import definition
from storage.cells import cell_states
from storage.db import is_outage
from storage.models import Agency, AgencyAlias, IndicatorValue, Report, ReportFinding

T_AG, T_AL, T_REP = Agency.__tablename__, AgencyAlias.__tablename__, Report.__tablename__
T_VAL, T_FIND = IndicatorValue.__tablename__, ReportFinding.__tablename__

TZ = ZoneInfo("Asia/Shanghai")
DEFAULT_TOP = 10
MAX_LIST = 60
MAX_TEXT_ROWS = 20
MAX_SCAN = 600  # characters of a question scanned for names and indicators (the bot caps questions at 500)
WIDE_SCOPE = 2000  # reports in a ranking's scope above which the whole year is read in one join
SIGNATURE_EVERY = 1.0  # seconds between checks that the store has not changed under us
ORG_SUFFIX = re.compile(
    r"(局|委|办|中心|政府|院|所|站|队|会|厅|室|处|馆|集团|公司|大队|支队|分局|委员会|办公室|街道|镇|乡|"
    r"管委会|研究院|学校|医院|银行|区|县|市|旗|州|盟|省)$"
)
DERIVED_KEYS = {
    "denied": "apply.result.denied.total",
    "share_granted": "share.granted",
    "correction_rate": "rate.correction",
    "correction_total": "corrected.total",
    "unavailable": "apply.result.unavailable.total",
    "not_processed": "apply.result.not_processed.total",
    "litigation_corrected": "litigation.corrected",
}
CONNECTORS = frozenset("和与跟及同、，,;；/")  # between two names: "A和B" is A and B
KEY_FIGURES = ("apply_received", "granted", "review_total", "litigation_total", "active_total", "license")


@dataclass
class ReportRec:
    id: int
    agency_id: int
    year: int
    template: str
    title: str
    file_name: str


@dataclass
class ValueRec:
    key: str
    value: float
    unit: str
    line_no: int
    line_text: str
    origin: str
    section: str
    row_label: str
    column_label: str


def _value_rec(r) -> ValueRec:
    """A ValueRec from a (report_id, indicator, value, unit, line_no, line_text, origin, section, row, column) row."""
    return ValueRec(
        r[1],
        float(r[2]),
        r[3] or "",
        int(r[4] or 0),
        r[5] or "",
        r[6] or "table",
        r[7] or "",
        r[8] or "",
        r[9] or "",
    )


class _Num(float):
    """A bare number standing in for a ValueRec where only `.value` is read (scoring rankings and totals)."""

    __slots__ = ()

    @property
    def value(self) -> float:
        return float(self)


@dataclass
class Evaluated:
    value: float | None
    parts: list[ValueRec] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    zero_den: bool = False


class _LRU(OrderedDict):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key, load):
        if key in self:
            self.move_to_end(key)
            return self[key]
        val = load()
        self[key] = val
        if len(self) > self.size:
            self.popitem(last=False)
        return val


@dataclass
class Segment:
    text: str = ""
    residual: str = ""
    mentions: list[int] = field(default_factory=list)


def _meaningful(residual: str) -> str:
    """Residual characters minus fillers and digits; words of one CJK character are noise."""
    rest = strip_fillers(residual)
    return " ".join(w for w in rest.split() if len(w) >= 2 or re.fullmatch(r"[a-z]{2,}|率", w))


@dataclass
class Parts:
    """What a question (merged with its follow-up context) asks for."""

    mentions: list[Mention] = field(default_factory=list)
    agency_names: list[str] = field(default_factory=list)  # from context
    place: str = ""  # from context
    indicators: list[IndicatorMatch] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    recent_n: int | None = None
    since_year: int | None = None
    all_years: bool = False
    residual: str = ""
    inherited: list[str] = field(default_factory=list)


class Answerer:
    """`ask(question)` → Answer; `refresh()` after ingest."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.RLock()
        self._loaded = False
        self._sig: tuple | None = None
        self._sig_checked = 0.0
        self._data = _LRU(4000)  # report id → (values, findings)
        self._columns = _LRU(16)  # (year, keys, scope) → bare numbers; a national year is ~450k of them

    # ================================================================== caches
    def refresh(self) -> None:
        """Reload agencies/reports and drop cached numbers (call after ingest)."""
        with self._lock:
            self._load()

    def _signature(self) -> tuple:
        with self.engine.connect() as c:
            row = c.execute(
                sql(
                    f"SELECT (SELECT count(*) FROM {T_AG}), (SELECT max(id) FROM {T_AG}), "
                    f"(SELECT count(*) FROM {T_AL}), (SELECT count(*) FROM {T_REP}), (SELECT max(id) FROM {T_REP}), "
                    f"(SELECT max(ingested_at) FROM {T_REP}), (SELECT max(id) FROM {T_VAL})"
                )
            ).one()
        return tuple(str(x) for x in row)

    def _ensure(self) -> None:
        now = time.monotonic()
        if not self._loaded:
            self._load()
            return
        if now - self._sig_checked >= SIGNATURE_EVERY:
            self._sig_checked = now
            try:
                sig = self._signature()
            except Exception:  # noqa: BLE001 - a failed check keeps the caches we have
                return
            if sig != self._sig:
                self._load()

    def _load(self) -> None:
        """Read agencies, aliases and reports into memory.

        A store without our tables is an empty store; any other store error (an outage) keeps the caches
        we had, marks them for reloading and propagates, so nobody is told "not found" by empty caches.
        """
        try:
            sig = self._signature()
            agencies, reports, by_id = self._read_tables()
        except Exception:
            if self._has_tables():
                self._sig = None  # reload at the next question
                raise
            sig, agencies, reports, by_id = None, {}, {}, {}
        self._sig = sig
        self._sig_checked = time.monotonic()
        years: dict[int, list[int]] = {}
        for aid, y in reports:
            years.setdefault(aid, []).append(y)
        for v in years.values():
            v.sort()
        self.agencies = agencies
        self.reports = reports
        self.report_by_id = by_id
        self.years = years
        self.all_years = sorted({y for _a, y in reports})
        self.by_name = {a.name: a.id for a in agencies.values()}
        self.index = AgencyIndex(agencies.values())
        self._data.clear()
        self._columns.clear()
        phrase_table()
        self._loaded = True

    def _has_tables(self) -> bool:
        """Do our tables exist? (False: a fresh store; an error here propagates as the outage it is.)"""
        from sqlalchemy import inspect

        return inspect(self.engine).has_table(T_AG)

    def _read_tables(self) -> tuple[dict[int, AgencyRec], dict[tuple[int, int], ReportRec], dict[int, ReportRec]]:
        agencies: dict[int, AgencyRec] = {}
        aliases: dict[int, list[str]] = {}
        reports: dict[tuple[int, int], ReportRec] = {}
        by_id: dict[int, ReportRec] = {}
        with self.engine.connect() as c:
                for aid, alias in c.execute(sql(f"SELECT agency_id, alias FROM {T_AL}")):
                    aliases.setdefault(aid, []).append(alias)
                for aid, name, kind, rp in c.execute(sql(f"SELECT id, name, kind, region_path FROM {T_AG}")):
                    agencies[aid] = AgencyRec(
                        aid, name, kind or "other", rp or "", tuple(aliases.get(aid, ()))
                    )
                for rid, aid, year, tpl, title, fname in c.execute(
                    sql(f"SELECT id, agency_id, year, template, title, file_name FROM {T_REP}")
                ):
                    rec = ReportRec(rid, aid, int(year), tpl or "", title or "", fname or "")
                    reports[(aid, int(year))] = rec
                    by_id[rid] = rec
        return agencies, reports, by_id

    def _report(self, report_id: int) -> tuple[dict[str, ValueRec], list[tuple[set[str], str]]]:
        """The values and findings of one report, from the cache or the store."""
        hit = self._data.get(report_id)
        if hit is not None:
            self._data.move_to_end(report_id)
            return hit
        return self._fetch([report_id])[report_id]

    def _report_values(self, report_id: int) -> dict[str, ValueRec]:
        return self._report(report_id)[0]

    def _report_findings(self, report_id: int) -> list[tuple[set[str], str]]:
        return self._report(report_id)[1]

    def _prefetch(self, report_ids: list[int]) -> None:
        """Load several reports in a few queries (trend, compare) instead of one query each."""
        missing = [r for r in dict.fromkeys(report_ids) if r not in self._data]
        if len(missing) >= 2:
            self._fetch(missing)

    def _fetch(self, report_ids: list[int]) -> dict[int, tuple[dict[str, ValueRec], list[tuple[set[str], str]]]]:
        """The one loader of values and findings, 500 reports a query; the result is cached.

        A store error propagates (the caller answers with an error reply) and nothing half-read is cached.
        """
        vals: dict[int, dict[str, ValueRec]] = {r: {} for r in report_ids}
        finds: dict[int, list[tuple[set[str], str]]] = {r: [] for r in report_ids}
        with self.engine.connect() as c:
            for chunk in _chunks(report_ids, 500):
                params = {f"r{i}": r for i, r in enumerate(chunk)}
                marks = ", ".join(f":r{i}" for i in range(len(chunk)))
                rows = c.execute(
                    sql(
                        "SELECT report_id, indicator, value, unit, line_no, line_text, origin, section, row_label, "
                        f"column_label FROM {T_VAL} WHERE report_id IN ({marks})"
                    ),
                    params,
                )
                for r in rows:
                    if r[2] is not None:
                        vals[r[0]][r[1]] = _value_rec(r)
                frows = c.execute(
                    sql(
                        f'SELECT report_id, rule, message, indicators, "values" FROM {T_FIND} '
                        f"WHERE report_id IN ({marks})"
                    ),
                    params,
                )
                for rid, rule, message, inds, fvals in frows:
                    fkeys = set(_json(inds) or []) | set((_json(fvals) or {}).keys())
                    finds[rid].append((fkeys, message or rule))
        out = {r: (vals[r], finds[r]) for r in report_ids}
        for r, data in out.items():
            self._data.get_or(r, lambda data=data: data)
        return out

    # ================================================================== public
    def ask(
        self,
        question: str,
        *,
        today: date | None = None,
        chat_key: str | None = None,
        context: dict | None = None,
    ) -> Answer:
        today = today or datetime.now(TZ).date()
        with self._lock:
            self._ensure()
            ctx = context
            if ctx is None and chat_key:
                try:
                    from storage.conversations import load_context

                    ctx = load_context(self.engine, chat_key)
                except Exception as err:  # noqa: BLE001 - a bad saved context is dropped, an outage is not
                    if is_outage(err):
                        raise
                    ctx = {}
            ctx = dict(ctx or {})
            try:
                answer = self._answer(question, today, ctx)
            except Exception as err:  # noqa: BLE001 - the user gets a plain message, never a traceback
                if is_outage(err):
                    raise  # "the store is down, send it again" is the caller's to say, not "rephrase"
                answer = Answer(
                    "not_found",
                    f"抱歉，这个问题没能处理（{type(err).__name__}）。请换个说法再试，或发送“帮助”。",
                    intent="help",
                )
            answer.question = question if isinstance(question, str) else str(question)
            if chat_key and answer.status in {"ok", "no_data"} and answer.context.get("save", True):
                try:
                    from storage.conversations import save_context

                    answer.context.pop("save", None)
                    save_context(self.engine, chat_key, answer.context)
                except Exception as err:  # noqa: BLE001 - the answer stands; only the follow-up is lost
                    if is_outage(err):
                        raise
            else:
                answer.context.pop("save", None)
                if answer.status not in {"ok", "no_data"}:
                    answer.context = ctx
            return answer

    # ================================================================== reading
    def _scan(self, pq: ParsedQuestion) -> tuple[list[Mention], list[IndicatorMatch], list[Segment]]:
        """Agency forms, place names and indicator phrases in the question (longest match first).

        Also returns the name-like segments: runs of agency mentions and unexplained characters between
        indicator phrases and spaces, so "银川市西下区审批服务管理局" is judged as one (mistyped) name.
        """
        text = pq.rest.replace("的", "")[:MAX_SCAN]
        table = phrase_table()
        mentions: list[Mention] = []
        matches: list[IndicatorMatch] = []
        segments: list[Segment] = []
        cur = Segment()

        def close() -> None:
            nonlocal cur
            if cur.text:
                segments.append(cur)
            cur = Segment()

        i = 0
        n = len(text)
        max_phrase = 48
        while i < n:
            if text[i] == " ":
                close()
                i += 1
                continue
            m = self.index.match_at(text, i)
            best_phrase = ""
            best_len = 0  # characters of text consumed (a phrase may span the spaces punctuation became)
            for j in range(min(n, i + max_phrase), i + 1, -1):
                if text[j - 1] == " ":
                    continue
                piece = text[i:j].replace(" ", "")
                if piece in table:
                    best_phrase, best_len = piece, j - i
                    break
            if text[i] in CONNECTORS and cur.mentions and not best_phrase:
                # "甲局和乙局": two names, not one mistyped name, even where a place starts with 和 ("和鸣乡")
                # (a 和 inside a name, 人力资源和社会保障局, was consumed with the name already)
                after = self.index.match_at(text, i + 1)
                if after is not None and (m is None or after.span[1] >= m.span[1]):
                    close()
                    i += 1
                    continue
            if m is not None and (m.span[1] - m.span[0]) >= len(best_phrase):
                mentions.append(m)
                cur.text += m.text
                cur.mentions.append(len(mentions) - 1)
                i = m.span[1]
            elif best_phrase:
                close()
                cid, col = table[best_phrase]
                c = column_concept(col) if cid.startswith("column:") else concept(cid)
                if c is not None:
                    matches.append(IndicatorMatch(c, col, (i, i + best_len), [best_phrase]))
                i += best_len
            else:
                cur.text += text[i]
                cur.residual += text[i]
                i += 1
        close()
        for seg in segments:
            seg.residual = _meaningful(seg.residual)
        return mentions, combine(matches), segments

    def _answer(self, question: str, today: date, ctx: dict[str, Any]) -> Answer:
        pq = parse_question(question, today)
        if not self.agencies:
            return Answer(
                "no_data",
                "库里还没有任何年度报告。请管理员先导入报告（disclosure-bot ingest 或在私聊中发送文件）。",
                intent="help",
            )
        mentions, matches, segments = self._scan(pq)
        residual = " ".join(seg.residual for seg in segments if seg.residual and not seg.mentions)
        if pq.help and not mentions and not matches:
            return self._help()

        # glossary: an indicator and a "what does it mean" word, no agency
        if pq.glossary and matches and not mentions:
            body = "\n\n".join(glossary(m) for m in matches[:3])
            return Answer("ok", body, intent="glossary", context={"save": False})

        parts = Parts(
            mentions=mentions,
            indicators=matches,
            years=list(pq.years),
            recent_n=pq.recent_n,
            since_year=pq.since_year,
            all_years=pq.all_years,
            residual=residual,
        )
        self._merge_context(pq, parts, ctx)

        # a name with unexplained characters ("石嘴山市大武口区", "银川市西下区审批…"), or a place followed by
        # a body that is not there ("西夏区教育局" when only 兴庆区 has an 教育局)
        for seg in segments:
            if not seg.residual and len(seg.mentions) >= 2:
                res = self._combine_segment(parts, seg)
                if res is not None:
                    return res
            elif seg.residual and seg.mentions:
                res = self._mistyped_name(parts, seg)
                if res is not None:
                    return res
        parts.mentions = [m for m in parts.mentions if m is not None]  # slots emptied by a combination
        if parts.residual:
            res = self._residual_agency(parts)
            if res is not None:
                return res

        if (pq.avail_years or (pq.avail_agencies and not parts.indicators)) and not pq.rank:
            return self._availability(pq, parts)

        if not parts.indicators:
            if parts.residual and not parts.mentions and not parts.agency_names:
                return self._agency_not_found(parts.residual)
            if parts.residual:
                fixed = typo_fix(parts.residual)
                if fixed is not None:  # one clearly closest indicator word: use it, and say so
                    parts.indicators = [IndicatorMatch(fixed[0])]
                    parts.inherited.append(f"note:指标「{parts.residual}」按「{fixed[1]}」理解。")
                    parts.residual = ""
            if parts.residual:
                sugg = suggestions(parts.residual)
                if True:
                    return Answer(
                        "not_found",
                        f"没有认出要查的指标「{parts.residual}」。"
                        + (
                            f"您是不是想问：{'、'.join(sugg)}？"
                            if sugg
                            else "可以问：依申请数、行政复议、行政诉讼、予以公开……"
                        ),
                        candidates=[Candidate(s, "indicator", s) for s in sugg],
                        intent="value",
                    )
            if not parts.mentions and not parts.agency_names:
                if pq.glossary:
                    return Answer(
                        "not_found",
                        "没有认出要解释的指标。可以问：依申请数是什么意思、纠错率怎么算。",
                        intent="glossary",
                    )
                if pq.avail_agencies or pq.rank:
                    return self._availability(pq, parts)
                if pq.followup or pq.has_time:
                    return Answer(
                        "not_found",
                        "这像是接着上一个问题问的，但这里没有上一个问题可接。请写出单位和指标，例如“西夏区 2019 依申请数”。",
                        intent="help",
                    )
                help_answer = self._help(prefix="没有看懂这个问题。")
                help_answer.status = "not_found"
                return help_answer

        if (
            parts.indicators
            and re.search(r"率|比例|占比|百分比", parts.residual or "")
            and not any(m.concept.unit == "%" for m in parts.indicators)
        ):
            asked = parts.indicators[0].concept.words[0] if parts.indicators[0].concept.words else ""
            return Answer(
                "not_found",
                f"没有「{asked}{parts.residual.strip()}」这个比例指标。能算的比例有：予以公开比例（公开率）、"
                "复议诉讼纠错率；也可以直接问件数。",
                candidates=[Candidate(w, "indicator", w) for w in ("公开率", "纠错率")],
                intent="value",
            )
        scope, res_answer = self._resolve_agencies(pq, parts)
        if res_answer is not None:
            return res_answer
        agency_ids, place, notes, others = scope

        wants_total = bool(parts.indicators) and (
            pq.total_strong or (pq.total_weak and place and not agency_ids)
        )
        if wants_total and (place or not agency_ids):
            return self._total(pq, parts, place, notes)
        if parts.indicators and not agency_ids and not place and not pq.rank and not parts.years:
            cands = [
                Candidate(self.agencies[a].name, "agency", self.agencies[a].name)
                for a in list(self.agencies)[:8]
            ]
            return Answer(
                "ambiguous",
                f"没有说明要查哪个单位的「{parts.indicators[0].label}」。请加上单位名称，例如"
                f"「西夏区 2020 依申请数」；或问「2020年{parts.indicators[0].concept.words[0] if parts.indicators[0].concept.words else '依申请数'}排名」。",
                candidates=cands if len(self.agencies) <= 8 else [],
                intent="value",
            )
        if parts.indicators and (pq.rank or not agency_ids):
            return self._rank(pq, parts, place, notes)
        if pq.trend and not (parts.years or parts.recent_n or parts.since_year) and len(agency_ids) == 1:
            parts.all_years = True
        if not parts.indicators:
            parts.indicators = [IndicatorMatch(CONCEPTS[c]) for c in KEY_FIGURES]
            return self._values_answer(pq, parts, agency_ids, notes, others, summary=True)
        return self._values_answer(pq, parts, agency_ids, notes, others)

    def _merge_context(self, pq: ParsedQuestion, parts: Parts, ctx: dict[str, Any]) -> None:
        """Fill what this question leaves out from what the previous one set (never from defaults)."""
        if not ctx:
            return
        has_a = bool(parts.mentions)
        has_y = pq.has_time
        has_i = bool(parts.indicators)
        kinds = sum((has_a, has_y, has_i))
        follow = pq.followup or (kinds == 1 and not parts.residual) or (kinds == 0 and pq.avail_years)
        if not follow or pq.glossary or (pq.avail_agencies and not pq.avail_years):
            return
        if not has_a and not parts.residual:
            names = [n for n in ctx.get("agencies") or [] if n in self.by_name]
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
        if not has_a and ctx.get("intent") in {"rank", "total"}:
            pq.rank = pq.rank or ctx.get("intent") == "rank"
            pq.total_strong = pq.total_strong or ctx.get("intent") == "total"
            pq.top_n = pq.top_n or ctx.get("top_n")
            pq.ascending = pq.ascending or bool(ctx.get("ascending"))

    def _context(
        self, pq: ParsedQuestion, parts: Parts, intent: str, agency_ids: list[int], place: str
    ) -> dict:
        named = [self.agencies[a].name for a in agency_ids] if (parts.mentions or parts.agency_names) else []
        ctx: dict[str, Any] = {
            "agencies": named,
            "place": place if not named else "",
            "years": list(parts.years),
            "indicators": [m.id for m in parts.indicators],
            "intent": intent,
        }
        if parts.recent_n:
            ctx["recent_n"] = parts.recent_n
        if parts.since_year:
            ctx["since_year"] = parts.since_year
        if parts.all_years:
            ctx["all_years"] = True
        if pq.top_n:
            ctx["top_n"] = pq.top_n
        if pq.ascending:
            ctx["ascending"] = True
        return ctx

    # ================================================================== agencies
    def _combine_segment(self, parts: Parts, seg: Segment) -> Answer | None:
        """Place + body written together: keep the bodies that sit in that place, else judge the whole name."""
        ms = [parts.mentions[k] for k in seg.mentions]
        places = [m for m in ms if m.place]
        bodies = [m for m in ms if not m.place]
        if not places or not bodies:
            return None
        inside = {a for p in places for path in p.place.split("|") for a in self.index.under(path)}
        ids = [a for b in bodies for a in b.ids if a in inside]
        if ids:
            _replace_mentions(parts, seg, Mention((0, 0), seg.text, list(dict.fromkeys(ids)), how="form"))
            return None
        return self._mistyped_name(parts, seg)

    def _mistyped_name(self, parts: Parts, seg: Segment) -> Answer | None:
        """A segment mixing known pieces and unknown characters: judge the whole segment as one name."""
        query = strip_fillers(seg.text).replace(" ", "") or seg.text
        if self.index.best(query) is not None or query in self.index.places:
            return None
        res = self.index.resolve_text(query)
        if res.status == "ok" and res.ids:
            if res.note:
                parts.inherited.append("note:" + res.note)
            _replace_mentions(parts, seg, Mention((0, 0), query, res.ids, place=res.place, how="fuzzy"))
            return None
        if res.status == "ambiguous" and res.scores and res.scores[0] >= 75:
            return self._ambiguous(query, res.ids, res.scores)
        return self._agency_not_found(query, res)

    def _residual_agency(self, parts: Parts) -> Answer | None:
        """Unrecognised words with no known piece: a name to fuzzy-match, or an unknown indicator."""
        words = parts.residual.split()
        query = " ".join(words)
        if not query:
            return None
        org = [w for w in words if ORG_SUFFIX.search(w)]
        is_ascii = bool(re.fullmatch(r"[a-z ]+", query))
        res = self.index.resolve_text(query)
        if (parts.mentions or parts.agency_names) and not org and not is_ascii:
            if res.status == "ok" and res.scores and res.scores[0] >= 90:
                pass  # a second, mistyped agency
            else:
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
            return self._ambiguous(query, res.ids, res.scores)
        if org or is_ascii or not parts.indicators:
            if not org and not is_ascii and not parts.indicators and suggestions(query):
                return None
            return self._agency_not_found(query, res)
        return None

    def _resolve_agencies(self, pq: ParsedQuestion, parts: Parts):
        """→ ((agency ids, place, notes, other bodies at the place), None) or (None, an Answer to return)."""
        notes = [n[5:] for n in parts.inherited if n.startswith("note:")]
        ids: list[int] = []
        place = ""
        others: list[int] = []
        region_intent = pq.rank or pq.total_strong or pq.avail_agencies
        for m in parts.mentions:
            weak_total = (
                pq.total_weak and m.place and "|" not in m.place and self.index.government_of(m.place) is None
            )
            if m.place and (region_intent or weak_total) and (len(parts.mentions) == 1):
                place = m.place
                continue
            res = (
                self.index.resolve_mention(m)
                if m.how != "fuzzy" or not m.place
                else self.index.resolve_place(m.place)
            )
            if m.how == "fuzzy" and not m.place:
                res = Resolution("ok", m.ids[:1], [100.0])
            if res.status == "ambiguous":
                if m.place and pq.total_weak and parts.indicators and len(parts.mentions) == 1:
                    place = m.place
                    continue
                # never pick for the user; but list first the bodies that have the year asked about
                order = sorted(
                    range(len(res.ids)),
                    key=lambda k: not any((res.ids[k], y) in self.reports for y in parts.years),
                )
                ids = [res.ids[k] for k in order]
                scores = [res.scores[k] for k in order] if len(res.scores) == len(res.ids) else res.scores
                return None, self._ambiguous(m.text, ids, scores, place=res.place)
            if res.status == "not_found":
                return None, self._agency_not_found(m.text, res)
            for a in res.ids:
                if a not in ids:
                    ids.append(a)
            if res.place and res.others:
                others = res.others
                gov = self.agencies[res.ids[0]].name
                notes.append(f"「{m.text}」按{gov}理解；该地还有 {len(res.others)} 个单位的报告。")
            elif res.place and m.how == "place" and not res.note:
                notes.append(
                    f"「{m.text}」按{self.agencies[res.ids[0]].name}理解（该地只有这一个单位的报告）。"
                )
        if not ids and not place:
            ids = [self.by_name[n] for n in parts.agency_names if n in self.by_name]
            place = parts.place if not ids else ""
        return (ids, place, notes, others), None

    def _ambiguous(self, text: str, ids: list[int], scores: list[float], place: str = "") -> Answer:
        ids = ids[:MAX_LIST]
        cands = [
            Candidate(self.agencies[a].name, "agency", self.agencies[a].name, float(s))
            for a, s in zip(ids, scores or [0.0] * len(ids), strict=False)
        ]
        where = f"（地区：{place.split('/')[-1]}）" if place and "|" not in place else ""
        lines = [f"「{text}」{where}对应多个单位，请选择一个（或写出全称）："]
        lines += [
            f"{i}. {c.label}{self._years_hint(a)}"
            for i, (c, a) in enumerate(zip(cands, ids, strict=False), 1)
        ]
        return Answer("ambiguous", "\n".join(lines), candidates=cands, intent="value")

    def _years_hint(self, aid: int) -> str:
        ys = self.years.get(aid, [])
        return f"（{fmt.year_list(ys)}）" if ys else "（暂无报告）"

    def _agency_not_found(self, text: str, res: Resolution | None = None) -> Answer:
        res = res or self.index.resolve_text(text)
        ids = [a for a in (res.ids or [])][:5]
        if not ids:
            ids = [aid for aid, _p, _s in self.index.fuzzy(text, limit=5) if aid >= 0][:5]
        cands = [Candidate(self.agencies[a].name, "agency", self.agencies[a].name) for a in ids]
        msg = f"没有找到「{text}」：库里没有这个单位的年度报告。"
        if cands:
            msg += "您是不是要找：" + "、".join(c.label for c in cands) + "？"
        else:
            msg += "发送“有哪些单位”查看已收录的单位。"
        return Answer("not_found", msg, candidates=cands, intent="value")

    # ================================================================== numbers
    def _evaluate(self, formula: Formula, vals: dict[str, ValueRec], template: str) -> Evaluated:
        if isinstance(formula, str):
            v = vals.get(formula)
            if v is not None:
                return Evaluated(v.value, [v])
            if formula == "litigation.total" and template in MODERN:
                return self._evaluate(
                    ("sum", ("litigation.direct.total", "litigation.after_review.total")), vals, template
                )
            return Evaluated(None, missing=[formula])
        if formula[0] == "sum":
            total = 0.0
            out = Evaluated(0.0)
            for part in formula[1]:
                e = self._evaluate(part, vals, template)
                out.parts += e.parts
                out.missing += e.missing
                if e.value is not None:
                    total += e.value
            out.value = None if out.missing else total
            return out
        if formula[0] == "ratio":
            num = self._evaluate(formula[1], vals, template)
            den = self._evaluate(formula[2], vals, template)
            out = Evaluated(None, num.parts + den.parts, num.missing + den.missing)
            if out.missing:
                return out
            if not den.value:
                out.zero_den = True
                return out
            out.value = round(100.0 * (num.value or 0.0) / den.value, 2)
            return out
        return Evaluated(None)

    def _gap_cells(self, agency_id: int, rep: ReportRec, m: IndicatorMatch) -> list[AnswerRow]:
        """The cells a question asked for that the report gives no number for, with their states."""
        formula = m.formula(rep.template)
        if formula is None:
            return []
        ev = self._evaluate(formula, self._report_values(rep.id), rep.template)
        if ev.value is not None or ev.zero_den or not ev.missing:
            return []
        keys = ev.missing[:3]
        title = rep.title or rep.file_name
        return cell_rows(
            self.agencies[agency_id].name,
            rep.year,
            keys,
            cell_states(self.engine, rep.id, keys),
            lambda no, text: Source(title, rep.file_name, no, text, template=rep.template),
        )

    def _row(
        self,
        agency_id: int,
        rep: ReportRec,
        m: IndicatorMatch,
        vals: dict[str, ValueRec] | None = None,
        findings: list[tuple[set[str], str]] | None = None,
    ) -> tuple[AnswerRow | None, str]:
        """One number with its source, or (None, why not)."""
        agency = self.agencies[agency_id].name
        formula = m.formula(rep.template)
        if formula is None:
            have = [template_name(t) for t in ("2008", "2019", "2021") if m.formula(t) is not None]
            if rep.template == "narrative":
                return None, f"{agency} {rep.year} 年度报告是文字版，没有写明「{m.label}」。"
            why = f"{agency} {rep.year} 年度报告用的是{template_name(rep.template)}，表中没有「{m.label}」这一项"
            return None, why + (f"（只有{'、'.join(have)}有）。" if have else "。")
        if vals is None:
            vals = self._report_values(rep.id)
        ev = self._evaluate(formula, vals, rep.template)
        if ev.value is None:
            if ev.zero_den:
                return (
                    None,
                    f"{agency} {rep.year} 年「{m.label}」无法计算：分母为 0（{_short_formula(formula, rep)}）。",
                )
            # only a blank printed cell is "空白"; a mark, an unreadable or a missing row is said as such
            states = cell_states(self.engine, rep.id, ev.missing[:3])
            return None, no_number_text(
                f"{agency} {rep.year} 年度报告中", ev.missing[:3], states, lambda k: _name(k, rep.template)
            )
        derived = not isinstance(formula, str) or (ev.parts and ev.parts[0].key != formula)
        if findings is None:
            findings = self._report_findings(rep.id)
        touched = set(keys_of(formula)) | {p.key for p in ev.parts}
        notes = [msg for keys, msg in findings if keys & touched]
        if not derived:
            v = ev.parts[0]
            d = definition(v.key, rep.template)
            src = Source(
                rep.title or rep.file_name,
                rep.file_name,
                v.line_no,
                v.line_text,
                v.section or (d.section if d else ""),
                v.row_label or (d.row_label if d else ""),
                v.column_label or (d.column_label if d else ""),
                v.origin,
                rep.template,
                notes,
            )
            unit = v.unit or (d.unit if d else "")
            key = v.key
            name = d.name_zh if d else m.label
            if m.concept.id.startswith("key:") is False and m.column is None and d is not None:
                name = d.name_zh
        else:
            first = ev.parts[0] if ev.parts else None
            lines = []
            for p in ev.parts:
                if p.line_text and p.line_text not in lines:
                    lines.append(p.line_text)
            shown = formula
            if isinstance(formula, str) and formula == "litigation.total":
                shown = ("sum", ("litigation.direct.total", "litigation.after_review.total"))
            src = Source(
                rep.title or rep.file_name,
                rep.file_name,
                first.line_no if first else 0,
                " | ".join(lines)[:1500],
                first.section if first else "",
                describe(shown, rep.template),
                "",
                "derived",
                rep.template,
                notes,
            )
            unit = m.concept.unit or (ev.parts[0].unit if ev.parts else "")
            key = (
                formula
                if isinstance(formula, str)
                else DERIVED_KEYS.get(m.concept.id, "derived." + m.concept.id)
            )
            name = m.label
        value: float | int = ev.value
        if float(value).is_integer() and unit != "%":
            value = int(value)
        return AnswerRow(agency, rep.year, key, value, unit, src, name), ""

    def _years_for(self, parts: Parts, agency_id: int | None) -> tuple[list[int], str]:
        """The years asked for this agency, and a note when we chose them (latest, 近N年)."""
        have = self.years.get(agency_id, []) if agency_id is not None else self.all_years
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

    def _values_answer(
        self,
        pq: ParsedQuestion,
        parts: Parts,
        agency_ids: list[int],
        notes: list[str],
        others: list[int],
        summary: bool = False,
    ) -> Answer:
        rows: list[AnswerRow] = []
        problems: list[str] = []
        year_notes: list[str] = []
        missing_years: dict[int, list[int]] = {}
        gaps: list[AnswerRow] = []  # asked-for cells with no number (blank, mark, unreadable, missing)
        multi_year = False
        plan: list[tuple[int, list[int]]] = []
        common: list[int] = []
        if len(agency_ids) > 1 and not (parts.years or parts.recent_n or parts.since_year or parts.all_years):
            common = sorted(set.intersection(*(set(self.years.get(a, [])) for a in agency_ids)))
        for aid in agency_ids:
            years, note = self._years_for(parts, aid)
            if common:
                years, note = [common[-1]], f"未指定年份，按这些单位都有的最新年份 {common[-1]} 年回答。"
            if note and note not in year_notes:
                year_notes.append(note)
            multi_year = multi_year or len(years) > 1
            plan.append((aid, years))
        self._prefetch([self.reports[(a, y)].id for a, ys in plan for y in ys if (a, y) in self.reports])
        for aid, years in plan:
            for y in years:
                rep = self.reports.get((aid, y))
                if rep is None:
                    missing_years.setdefault(aid, []).append(y)
                    continue
                for m in parts.indicators:
                    row, why = self._row(aid, rep, m)
                    if row is not None:
                        rows.append(row)
                    elif not summary:
                        problems.append(why)
                        gaps += self._gap_cells(aid, rep, m)
        intent = (
            "trend"
            if multi_year and len(agency_ids) == 1
            else ("compare" if len(agency_ids) > 1 else "value")
        )
        if multi_year and len(agency_ids) > 1:
            intent = "compare"
        ctx = self._context(pq, parts, intent, agency_ids, "")
        head = []
        for aid, ys in missing_years.items():
            have = self.years.get(aid, [])
            head.append(
                f"{self.agencies[aid].name} 没有 {fmt.year_list(ys)} 的年度报告。"
                + (f"库中已有：{fmt.year_list(have)}。" if have else "库中还没有它的任何报告。")
            )
        cands: list[Candidate] = []
        if not rows:
            if missing_years and not problems:
                for aid in missing_years:
                    cands += [Candidate(f"{y}年", "year", f"{y}年") for y in self.years.get(aid, [])[-8:]]
            text = "\n".join(notes + year_notes + head + problems) or "没有找到对应的数字。"
            return Answer("no_data", text, candidates=cands, intent=intent, context=ctx, cells=gaps)
        if summary:
            agency = self.agencies[agency_ids[0]].name
            title = f"{agency} {rows[0].year} 年主要数字（未指定指标）："
            text = fmt.render_rows(rows, header=title, notes=notes + year_notes + head)
        else:
            text = fmt.render_rows(
                rows,
                header=fmt.header(intent, rows, parts.indicators[0].label),
                notes=notes + year_notes + head + problems,
            )
        if others:
            text += (
                "\n该地其他单位："
                + "、".join(self.agencies[a].name for a in others[:8])
                + (" 等" if len(others) > 8 else "")
            )
            cands = [Candidate(self.agencies[a].name, "agency", self.agencies[a].name) for a in others[:8]]
        return Answer("ok", text, rows, cands, intent=intent, context=ctx, cells=gaps)

    def _scope(self, place: str) -> list[int]:
        if not place:
            return list(self.agencies)
        return list(dict.fromkeys(a for p in place.split("|") for a in self.index.under(p)))

    def _rank_year(self, parts: Parts, scope: list[int]) -> tuple[int | None, str]:
        if parts.years:
            return parts.years[-1], ""
        ys = sorted({y for a in scope for y in self.years.get(a, [])})
        if not ys:
            return None, ""
        return ys[-1], f"未指定年份，按最新的 {ys[-1]} 年回答。"

    def _collect(
        self, m: IndicatorMatch, year: int, scope: list[int], top: int | None = None, ascending: bool = False
    ) -> tuple[list[AnswerRow], list[str], list[str]]:
        """Rows for every body in scope with a report that year; names without a report; blank/absent ones.

        Every body is scored from bare numbers (one query over the year, cached); only the rows shown — the
        best `top`, or all without `top` — are read in full with their sources and findings. At 150,000
        bodies this turned a national ranking from ~54 s and 2.4 GB into a fraction of a second."""
        keys = sorted(
            {k for t in ("2008", "2019", "2021", "narrative") for k in keys_of(m.formula(t))}
            | {"litigation.direct.total", "litigation.after_review.total"}
        )
        reports = self.reports
        pairs = [(aid, reports.get((aid, year))) for aid in scope]
        rids = tuple(sorted(rep.id for _a, rep in pairs if rep is not None))
        numbers = self._year_numbers(year, tuple(keys), rids)
        no_report, blank = [], []
        scored: list[tuple[float, str, int, ReportRec]] = []
        for aid, rep in pairs:
            if rep is None:
                no_report.append(self.agencies[aid].name)
                continue
            f = m.formula(rep.template)
            ev = self._evaluate(f, numbers.get(rep.id, {}), rep.template) if f is not None else None
            if ev is None or ev.value is None:
                blank.append(self.agencies[aid].name)
            else:
                scored.append((ev.value if ascending else -ev.value, self.agencies[aid].name, aid, rep))
        if top is not None:
            scored.sort(key=lambda x: (x[0], x[1]))
            self._ranked_count = len(scored)
            self._ranked_sum = sum(abs(x[0]) for x in scored)
            scored = scored[:top]
        self._prefetch([rep.id for _v, _n, _aid, rep in scored])
        rows: list[AnswerRow] = []
        for _v, _n, aid, rep in scored:
            vals, finds = self._report(rep.id)
            row, _why = self._row(aid, rep, m, vals, finds)
            if row is not None:
                rows.append(row)
        return rows, no_report, blank

    def _year_numbers(self, year: int, keys: tuple[str, ...], rids: tuple[int, ...]) -> dict[int, dict[str, _Num]]:
        """report id → {indicator: number} for `keys` in `year`: bare numbers to score a ranking or total.

        A wide scope reads the whole year in one indexed join (report (year, agency_id), indicator_value
        (indicator, report_id) INCLUDE value); a small one asks for its reports only. Cached per scope."""
        wide = len(rids) > WIDE_SCOPE

        def load() -> dict[int, dict[str, _Num]]:
            out: dict[int, dict[str, _Num]] = {}
            kparams = {f"k{i}": k for i, k in enumerate(keys)}
            kmarks = ", ".join(f":k{i}" for i in range(len(keys)))
            with self.engine.connect() as c:
                if wide:
                    batches = [(
                        f"SELECT v.report_id, v.indicator, v.value FROM {T_VAL} v JOIN {T_REP} r ON r.id = v.report_id "
                        f"WHERE r.year = :y AND v.indicator IN ({kmarks})",
                        kparams | {"y": year},
                    )]
                else:
                    batches = []
                    for chunk in _chunks(list(rids), 500):
                        marks = ", ".join(f":r{i}" for i in range(len(chunk)))
                        batches.append((
                            f"SELECT report_id, indicator, value FROM {T_VAL} "
                            f"WHERE report_id IN ({marks}) AND indicator IN ({kmarks})",
                            kparams | {f"r{i}": r for i, r in enumerate(chunk)},
                        ))
                for query, params in batches:
                    for rid, key, value in c.execute(sql(query), params):
                        if value is not None:
                            out.setdefault(rid, {})[key] = _Num(value)
            return out

        return self._columns.get_or((year, keys, None if wide else hash(rids)), load)

    def _rank(self, pq: ParsedQuestion, parts: Parts, place: str, notes: list[str]) -> Answer:
        scope = self._scope(place)
        year, note = self._rank_year(parts, scope)
        where = self._place_label(place)
        ctx = self._context(pq, parts, "rank", [], place)
        if year is None:
            return Answer("no_data", f"{where}还没有任何年度报告。", intent="rank", context=ctx)
        m = parts.indicators[0]
        n = pq.top_n or DEFAULT_TOP
        self._ranked_count = 0
        rows, no_report, blank = self._collect(m, year, scope, top=n, ascending=pq.ascending)
        total_ranked = self._ranked_count
        if not rows:
            have = sorted({y for a in scope for y in self.years.get(a, [])})
            return Answer(
                "no_data",
                f"{where}{year} 年没有可排名的「{m.label}」数字。"
                + (f"有报告的年份：{fmt.year_list(have)}。" if have else ""),
                candidates=[Candidate(f"{y}年", "year", f"{y}年") for y in have[-8:]],
                intent="rank",
                context=ctx,
            )
        shown = rows[:n]
        order = "从少到多" if pq.ascending else "从多到少"
        head = (
            f"{where}{year} 年「{m.label}」排名（{order}，共 {total_ranked} 个单位有数字"
            + (f"，显示前 {len(shown)} 名" if total_ranked > len(shown) else "")
            + "）："
        )
        extra = []
        if blank:
            extra.append(f"报告中该项空白或没有这一项：{fmt.names(blank)}。")
        if no_report and place:
            extra.append(f"没有 {year} 年报告：{fmt.names(no_report)}。")
        text = fmt.render_rows(
            shown, header=head, notes=notes + ([note] if note else []) + extra, numbered=True
        )
        return Answer("ok", text, shown, intent="rank", context=ctx)

    def _total(self, pq: ParsedQuestion, parts: Parts, place: str, notes: list[str]) -> Answer:
        scope = self._scope(place)
        year, note = self._rank_year(parts, scope)
        where = self._place_label(place)
        ctx = self._context(pq, parts, "total", [], place)
        if year is None:
            return Answer("no_data", f"{where}还没有任何年度报告。", intent="total", context=ctx)
        m = parts.indicators[0]
        if m.concept.unit == "%":
            return Answer(
                "no_data", f"「{m.label}」是比例，不能相加；可以问各单位的排名。", intent="total", context=ctx
            )
        self._ranked_count, self._ranked_sum = 0, 0.0
        rows, no_report, blank = self._collect(m, year, scope, top=MAX_TEXT_ROWS)
        counted, total = self._ranked_count, self._ranked_sum
        if not rows:
            have = sorted({y for a in scope for y in self.years.get(a, [])})
            return Answer(
                "no_data",
                f"{where}{year} 年没有可合计的「{m.label}」数字。"
                + (f"有报告的年份：{fmt.year_list(have)}。" if have else ""),
                intent="total",
                context=ctx,
            )
        unit = rows[0].unit
        head = (
            f"{where}{year} 年「{m.label}」合计 {fmt.number(total, unit)}："
            f"计入 {counted} 份报告（共 {len(scope)} 个单位）。"
        )
        extra = []
        if no_report:
            extra.append(f"未计入（没有 {year} 年报告）：{fmt.names(no_report)}。")
        if blank:
            extra.append(f"未计入（该项空白或表中没有）：{fmt.names(blank)}。")
        if counted > len(rows):
            extra.append(
                f"以上列出数字最大的 {len(rows)} 个单位及其来源；其余 {counted - len(rows)} 个也已计入合计。"
            )
        text = fmt.render_rows(
            rows, header=head, notes=notes + ([note] if note else []) + extra, numbered=True
        )
        return Answer("ok", text, rows, intent="total", context=ctx)

    def _place_label(self, place: str) -> str:
        if not place:
            return "全库 "
        return "、".join(p.split("/")[-1] for p in place.split("|")) + " "

    # ================================================================== other intents
    def _availability(self, pq: ParsedQuestion, parts: Parts) -> Answer:
        ids: list[int] = []
        place = ""
        for m in parts.mentions:
            if m.place and pq.avail_agencies:
                place = m.place
                continue
            res = self.index.resolve_mention(m)
            if res.status == "ambiguous" and not m.place:
                return self._ambiguous(m.text, res.ids, res.scores)
            if m.place and res.status != "ok":
                place = m.place
                continue
            ids += [a for a in res.ids if a not in ids]
        if not ids and not place and parts.agency_names and pq.avail_years:
            ids = [self.by_name[n] for n in parts.agency_names if n in self.by_name]
        if pq.avail_years and ids:
            lines = []
            cands = []
            for a in ids:
                ys = self.years.get(a, [])
                lines.append(
                    f"{self.agencies[a].name}："
                    + (f"有 {fmt.year_list(ys)} 的年度报告（{len(ys)} 份）。" if ys else "还没有年度报告。")
                )
                cands += [Candidate(f"{y}年", "year", f"{y}年") for y in ys[-8:]]
            ctx = {"agencies": [self.agencies[a].name for a in ids], "intent": "availability"}
            return Answer("ok", "\n".join(lines), candidates=cands, intent="availability", context=ctx)
        if pq.avail_years and not place:
            ys = self.all_years
            return Answer(
                "ok",
                f"库中共有 {len(self.reports)} 份年度报告，年份：{fmt.year_list(ys)}。",
                intent="availability",
                context={"save": False},
            )
        scope = self._scope(place)
        where = self._place_label(place) if place else "库中"
        if parts.years:
            scope = [a for a in scope if any((a, y) in self.reports for y in parts.years)]
            where += f"有 {fmt.year_list(parts.years)}报告的"
        scope.sort(key=lambda a: (self.agencies[a].region_path, self.agencies[a].name))
        lines = [f"{where}共有 {len(scope)} 个单位的年度报告："]
        for a in scope[:MAX_LIST]:
            lines.append(f"· {self.agencies[a].name}（{fmt.year_list(self.years.get(a, []))}）")
        if len(scope) > MAX_LIST:
            lines.append(f"……另有 {len(scope) - MAX_LIST} 个，请加上地区缩小范围，例如“银川市有哪些单位”。")
        ctx = {"place": place, "intent": "availability"} if place else {"save": False}
        return Answer("ok", "\n".join(lines), intent="availability", context=ctx)

    def _help(self, prefix: str = "") -> Answer:
        text = (prefix + "\n" if prefix else "") + fmt.HELP
        return Answer("ok", text.strip(), intent="help", context={"save": False})


def _replace_mentions(parts: Parts, seg: Segment, new: Mention) -> None:
    """Put `new` in the first slot of the segment's mentions and empty the others.

    Slots are emptied, not removed, so the mention indices other segments hold stay valid until the
    segments are all judged (`_answer` drops the empty slots afterwards).
    """
    first, *rest = seg.mentions
    parts.mentions[first] = new
    for k in rest:
        parts.mentions[k] = None  # type: ignore[call-overload]
    seg.mentions = []


def _chunks(items: list, size: int):
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _json(v: Any) -> Any:
    if isinstance(v, str):
        import json

        try:
            return json.loads(v)
        except ValueError:
            return None
    return v


def _name(key: str, template: str) -> str:
    d = definition(key, template)
    return d.name_zh if d else key


def _short_formula(formula: Formula, rep: ReportRec) -> str:
    return describe(formula, rep.template)


__all__ = ["Answerer", "clean"]
