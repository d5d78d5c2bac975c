"""The engine's read cache: agencies, reports and numbers loaded from the store, reloaded on change.

Why caches: agencies, aliases and the report list are small and read on every question, so they live
in memory (built on first use, rebuilt by `load()` or when the store's signature changes); the numbers
of a report (and, for rankings and totals, one indicator across a scope's reports of one year) are loaded
on demand and kept in LRU caches, so 3,000 agencies × 10 years answer in a few milliseconds.
Not thread-safe on its own: the service layer's one lock serialises questions.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Engine

from query.agencies import AgencyIndex, AgencyRec
from query.indicators import phrase_table
from reports.exact import Number
from storage import name_index, queries
from storage.cells import CellRec, cell_states

WIDE_SCOPE = 2000  # reports in a ranking's scope above which the whole year is read in one join
SIGNATURE_EVERY = 1.0  # seconds between checks (one primary-key read) that the store has not changed
LAZY_FROM = 20000  # agencies from which a PostgreSQL store is read per question (query/lazy.py) at start-up
Findings = list[tuple[set[str], str]]  # (indicator keys touched, message) per finding


class ReportRec:
    """One report's key fields, kept in memory for every report; title, file name, source URL and
    publication date are read on demand through the cache (`headers`): a national store holds 750,000."""

    __slots__ = ("id", "agency_id", "year", "template", "source_kind", "_headers")

    def __init__(
        self, id: int, agency_id: int, year: int, template: str, source_kind: str,
        headers: Callable[[int], tuple[str, str, str, str]],
    ) -> None:
        self.id, self.agency_id, self.year, self.template = id, agency_id, year, template
        self.source_kind = source_kind  # sample|starter|ingested|harvested (migration 0005)
        self._headers = headers

    @property
    def title(self) -> str:
        return self._headers(self.id)[0]

    @property
    def file_name(self) -> str:
        return self._headers(self.id)[1]

    @property
    def source_url(self) -> str:
        return self._headers(self.id)[2]

    @property
    def published_on(self) -> str:
        """ISO date or ""."""
        return self._headers(self.id)[3]

    def __repr__(self) -> str:
        return f"ReportRec(id={self.id}, agency_id={self.agency_id}, year={self.year}, template={self.template!r})"


@dataclass
class ValueRec:
    """One cached cell of one report. Not storage.queries.ValueRow (same provenance fields): a cached cell
    carries no agency/report columns, and 45,000 of them are kept per 3,000 reports."""

    key: str
    value: Number  # exact (int, or Decimal of the printed digits)
    unit: str
    line_no: int
    line_text: str
    origin: str
    section: str
    row_label: str
    column_label: str


class Num:
    """A bare number standing in for a ValueRec where only `.value` is read (scoring rankings and totals);
    exact, so a total of 10**30 and 1 is 10**30 + 1."""

    __slots__ = ("value",)

    def __init__(self, value: Number) -> None:
        self.value = value


@dataclass
class YearRanked:
    """A national ranking/total from the store: count, exact sum, (agency id, value) candidates for the top
    rows (ties included), and how many bodies are blank / without a report (their ids are read only for
    the names shown: `year_blank`, `year_missing`)."""

    count: int
    total: Number
    candidates: list[tuple[int, Number]]
    blank: int
    missing: int


class LRU(OrderedDict):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def get_or(self, key: Any, load: Callable[[], Any]) -> Any:
        if key in self:
            self.move_to_end(key)
            return self[key]
        val = load()
        self[key] = val
        if len(self) > self.size:
            self.popitem(last=False)
        return val


def _json(v: Any) -> Any:
    if isinstance(v, str):
        import json

        try:
            return json.loads(v)
        except ValueError:
            return None
    return v


class ReadCache:
    """What the answerers read: `agencies`, `reports[(agency_id, year)]`, `years[agency_id]`, `index`."""

    def __init__(self, engine: Engine, clock: Callable[[], float] = time.monotonic) -> None:
        self.engine = engine
        self.clock = clock
        self.loaded = False
        self.lazy = False
        self._all_years = None
        self._sig: tuple | None = None
        self._sig_checked = 0.0
        self._data = LRU(4000)  # report id → (values, findings)
        self._headers = LRU(4000)  # report id → (title, file name, source url, published on)
        self._cells = LRU(4000)  # report id → {indicator: CellRec}: cells without a number, read with values
        self._columns = LRU(16)  # (year, keys, scope) → bare numbers; a national year is ~450k of them
        self.scored = LRU(32)  # a ranking's or total's scored scope (query/answer_scope.collect)
        self.agencies: dict[int, AgencyRec] = {}
        self.reports: dict[tuple[int, int], ReportRec] = {}
        self.report_by_id: dict[int, ReportRec] = {}
        self.years: dict[int, list[int]] = {}
        self.all_years = []
        self.by_name: dict[str, int] = {}
        self.index = AgencyIndex([])

    def ensure(self) -> None:
        """Load on first use; reload when the store changed (checked at most every SIGNATURE_EVERY s)."""
        now = self.clock()
        if not self.loaded:
            self.load()
            return
        if now - self._sig_checked >= SIGNATURE_EVERY:
            self._sig_checked = now
            try:
                sig = self._version()
            except Exception:  # noqa: BLE001 - a failed check keeps the caches we have
                return
            if sig != self._sig:
                self.load()

    def _version(self) -> tuple:
        """The store's generation counter (one row, bumped by triggers on every catalogue write).

        No row yet means no write since the table was created (the triggers' upsert creates it): 0.
        A store without the table (created before migration 0008) falls back to the count signature."""
        try:
            gen = queries.store_generation(self.engine)
        except Exception:
            if queries.has_generation_table(self.engine):
                raise
            return queries.store_signature(self.engine)
        return ("generation", gen or 0)

    def load(self) -> None:
        """Read agencies, aliases and reports into memory (a national store: only counts, see `lazy`).

        A store without our tables is an empty store; any other store error (an outage) keeps the caches
        we had, marks them for reloading and propagates, so nobody is told "not found" by empty caches.
        """
        try:
            sig: tuple | None = self._version()
            if self._national():
                self._install_lazy()
                self._sig, self._sig_checked = sig, self.clock()
                return
            aliases, agencies, reports = queries.catalogue(self.engine)
        except Exception:
            if queries.has_store_tables(self.engine):
                self._sig = None  # reload at the next question
                raise
            sig, aliases, agencies, reports = None, [], [], []
        self.lazy = False
        self._sig = sig
        self._sig_checked = self.clock()
        self._install(aliases, agencies, reports)

    def _national(self) -> bool:
        """Is this a store read per question? PostgreSQL with at least LAZY_FROM agencies (small stores
        and SQLite keep the whole catalogue in memory: a few milliseconds faster per question);
        DISCLOSURE_LAZY_FROM overrides the threshold on any store."""
        import os

        forced = os.environ.get("DISCLOSURE_LAZY_FROM")  # set: any store of that size (tests compare modes)
        if not forced and self.engine.dialect.name != "postgresql":
            return False
        if forced:
            return name_index.agency_count(self.engine) >= int(forced)
        return name_index.agency_estimate(self.engine) >= LAZY_FROM

    def _install_lazy(self) -> None:
        from query import lazy, name_store

        marks = name_store.refresh(self.engine)
        self.agencies = lazy.LazyAgencies(self.engine, marks["agencies"])  # type: ignore[assignment]
        self.reports = lazy.LazyReports(  # type: ignore[assignment]
            self.engine, lambda: name_index.report_count(self.engine), lambda row: ReportRec(*row, self.headers)
        )
        self.agencies.reports, self.reports.agencies = self.reports, self.agencies  # type: ignore[attr-defined]
        self.years = lazy.LazyYears(self.reports)  # type: ignore[assignment]
        self.by_name = lazy.LazyNames(self.engine)  # type: ignore[assignment]
        self.report_by_id = {}
        self._all_years: list[int] | None = None
        self.index = name_store.StoreIndex(self.engine, self.agencies, marks["max_len"])
        self._data.clear()
        self._headers.clear()
        self._cells.clear()
        self._columns.clear()
        self.scored.clear()
        phrase_table()
        self.lazy = True
        self.loaded = True

    # ------------------------------------------------------------------ scopes (both modes)
    def first_agencies(self, n: int) -> list[AgencyRec]:
        """The first n agencies (a tiny store offers them as choices)."""
        if not self.lazy:
            return list(self.agencies.values())[:n]
        return [AgencyRec(i, nm, k, rp, al) for i, nm, k, rp, al in name_index.first_agencies(self.engine, n)]

    def prefetch_agencies(self, ids: list[int]) -> None:
        """Read the agencies and reports of many bodies in a few queries (a national store only)."""
        if self.lazy and ids:
            self.agencies.prefetch(ids)  # type: ignore[attr-defined]
            self.reports.prefetch(ids)  # type: ignore[attr-defined]

    def agency_recs(self, ids: list[int]) -> dict[int, AgencyRec]:
        """agency id → AgencyRec for many bodies at once (a national store reads them past the LRU)."""
        if not self.lazy:
            return {a: self.agencies[a] for a in ids}
        return {i: AgencyRec(i, n, k, rp, al) for i, n, k, rp, al in name_index.agencies_by_id(self.engine, ids)}

    def scope_reports(self, scope: list[int], year: int) -> list[tuple[int, ReportRec | None]]:
        """(agency id, its report of `year` or None) for every body in scope."""
        if self.lazy and self._most(len(scope)):
            got = self.reports.of_year(year)  # type: ignore[attr-defined]
            return [(aid, got.get(aid)) for aid in scope]
        if self.lazy:
            self.reports.prefetch(scope)  # type: ignore[attr-defined]
        return [(aid, self.reports.get((aid, year))) for aid in scope]

    def _most(self, n: int) -> bool:
        """Is a scope of n bodies (or reports) wide enough to read the whole year? In memory: above
        WIDE_SCOPE; read per question: above a third of the store (a province reads its own bodies)."""
        return n > WIDE_SCOPE and (not self.lazy or n > len(self.agencies) // 3)

    def scope_years(self, scope: list[int]) -> list[int]:
        """The years any body in scope has a report for."""
        if not self.lazy:
            return sorted({y for a in scope for y in self.years.get(a, [])})
        if len(scope) >= len(self.agencies):
            return self.all_years
        return name_index.report_years(self.engine, scope)

    @property
    def all_years(self) -> list[int]:
        if self.lazy and self._all_years is None:
            self._all_years = name_index.report_years(self.engine)
        return self._all_years if self.lazy else self._mem_years  # type: ignore[return-value]

    @all_years.setter
    def all_years(self, value: list[int]) -> None:
        self._mem_years = value

    def _install(self, aliases: list, agencies: list, reports: list) -> None:
        names: dict[int, list[str]] = {}
        for aid, alias in aliases:
            names.setdefault(aid, []).append(alias)
        self.agencies = {
            aid: AgencyRec(aid, name, kind, rp, tuple(names.get(aid, ()))) for aid, name, kind, rp in agencies
        }
        self.reports, self.report_by_id, self.years = {}, {}, {}
        for row in reports:
            rec = ReportRec(*row, self.headers)
            self.reports[(rec.agency_id, rec.year)] = rec
            self.report_by_id[rec.id] = rec
        for aid, y in self.reports:
            self.years.setdefault(aid, []).append(y)
        for v in self.years.values():
            v.sort()
        self.all_years = sorted({y for _a, y in self.reports})
        self.by_name = {a.name: a.id for a in self.agencies.values()}
        self.index = AgencyIndex(self.agencies.values())
        self._data.clear()
        self._headers.clear()
        self._cells.clear()
        self._columns.clear()
        self.scored.clear()
        phrase_table()
        self.loaded = True

    def headers(self, report_id: int) -> tuple[str, str, str, str]:
        """(title, file name, source url, published on) of one report, from the cache or the store (a store error propagates)."""
        return self._headers.get_or(
            report_id, lambda: queries.report_headers(self.engine, [report_id]).get(report_id, ("", "", "", ""))
        )

    # ------------------------------------------------------------------ numbers of reports
    def report(self, report_id: int) -> tuple[dict[str, ValueRec], Findings]:
        """The values and findings of one report, from the cache or the store."""
        hit = self._data.get(report_id)
        if hit is not None:
            self._data.move_to_end(report_id)
            return hit
        return self._fetch([report_id])[report_id]

    def prefetch(self, report_ids: list[int]) -> None:
        """Load several reports in a few queries (trend, compare) instead of one query each."""
        missing = [r for r in dict.fromkeys(report_ids) if r not in self._data]
        if len(missing) >= 2:
            self._fetch(missing)

    def _fetch(self, report_ids: list[int]) -> dict[int, tuple[dict[str, ValueRec], Findings]]:
        """The one loader of values and findings; the result is cached.

        A store error propagates (the caller answers with an error reply) and nothing half-read is cached.
        """
        vals: dict[int, dict[str, ValueRec]] = {r: {} for r in report_ids}
        finds: dict[int, Findings] = {r: [] for r in report_ids}
        got = queries.report_contents(self.engine, report_ids)
        values, findings = got.values, got.findings
        for rid, head in got.headers.items():  # the rows shown cite their report: read with the numbers
            self._headers.get_or(rid, lambda head=head: head)
        for rid, cells in got.cells.items():
            self._cells.get_or(rid, lambda cells=cells: cells)
        for r in values:
            if r[2] is not None:
                vals[r[0]][r[1]] = ValueRec(
                    r[1], r[2], r[3] or "", int(r[4] or 0), r[5] or "", r[6] or "table",
                    r[7] or "", r[8] or "", r[9] or "",
                )
        for rid, rule, message, inds, fvals in findings:
            fkeys = set(_json(inds) or []) | set((_json(fvals) or {}).keys())
            finds[rid].append((fkeys, message or rule))
        out = {r: (vals[r], finds[r]) for r in report_ids}
        for r, data in out.items():
            self._data.get_or(r, lambda data=data: data)
        return out

    def cell_states(self, report_id: int, keys: list[str]) -> dict[str, CellRec]:
        """The stored states of these cells of one report (read with its numbers; else from the store)."""
        got = self._cells.get(report_id)
        if got is None:
            return cell_states(self.engine, report_id, keys)
        return {k: got[k] for k in dict.fromkeys(keys) if k in got}

    def year_ranked(self, year: int, key: dict[str, str], top: int, ascending: bool) -> YearRanked:
        """One plain indicator over every report of `year`, counted, summed and ranked by the store."""
        got = queries.year_ranked(self.engine, year, key, top, ascending)
        missing = max(0, len(self.agencies) - got.reports)  # the agency count is known since the last reload
        return YearRanked(got.count, got.total, [(a, v) for a, _r, v in got.candidates], got.blank, missing)

    def year_blank(self, year: int, key: dict[str, str], limit: int) -> list[int]:
        """The first `limit` agency ids (by id) whose report of `year` states no value for `key`."""
        return queries.year_blank(self.engine, year, key, limit)

    def year_missing(self, year: int, limit: int) -> list[int]:
        """The first `limit` agency ids (by id) without a report of `year`."""
        return queries.year_missing(self.engine, year, limit)

    def year_numbers(self, year: int, keys: tuple[str, ...], rids: tuple[int, ...]) -> dict[int, dict[str, Num]]:
        """report id → {indicator: number} for `keys` in `year`: bare numbers to score a ranking or total.

        A wide scope reads the whole year in one indexed join; a small one asks for its reports only.
        Cached per scope."""
        wide = self._most(len(rids))

        def load() -> dict[int, dict[str, Num]]:
            out: dict[int, dict[str, Num]] = {}
            for rid, key, value in queries.year_numbers(self.engine, year, keys, rids, whole_year=wide):
                if value is not None:
                    out.setdefault(rid, {})[key] = Num(value)
            return out

        return self._columns.get_or((year, keys, None if wide else hash(rids)), load)
