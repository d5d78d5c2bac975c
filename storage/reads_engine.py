"""Reads of the answer engine (query/): the catalogue, one report's numbers, one indicator over a year.

Why here and not in query/: storage/ owns every SQL statement, so a schema change touches one package.
Why Core rows (tuples) and not ORM objects: the engine caches hundreds of thousands of numbers, and
a tuple per value is several times cheaper to build than an ORM instance. Re-exported by storage/queries.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any

from sqlalchemy import Numeric, and_, cast, func, inspect, or_, select
from sqlalchemy.engine import Engine

from reports import exact
from reports.exact import Number
from storage.models import Agency, AgencyAlias, IndicatorValue, Report, ReportFinding, StoreGeneration

AG, AL, REP = Agency.__table__.c, AgencyAlias.__table__.c, Report.__table__.c
VAL, FIND = IndicatorValue.__table__.c, ReportFinding.__table__.c
CHUNK = 500  # ids per IN list: well under every driver's parameter limit

AgencyTuple = tuple[int, str, str, str]  # id, name, kind, region_path
# id, agency_id, year, template, source_kind (title, file name, url, date: report_headers)
ReportTuple = tuple[int, int, int, str, str]
# report_id, indicator, value, unit, line_no, line_text, origin, section, row_label, column_label
ValueTuple = tuple[int, str, Number, str, int, str, str, str, str, str]
FindingTuple = tuple[int, str, str, Any, Any]  # report_id, rule, message, indicators, values


def store_signature(engine: Engine) -> tuple[str, ...]:
    """Counts and newest ids of the catalogue tables: changes whenever an ingest or edit lands."""
    parts = (
        select(func.count()).select_from(Agency.__table__).scalar_subquery(),
        select(func.max(AG.id)).scalar_subquery(),
        select(func.count()).select_from(AgencyAlias.__table__).scalar_subquery(),
        select(func.count()).select_from(Report.__table__).scalar_subquery(),
        select(func.max(REP.id)).scalar_subquery(),
        select(func.max(REP.ingested_at)).scalar_subquery(),
        select(func.max(VAL.id)).scalar_subquery(),
    )
    with engine.connect() as c:
        row = c.execute(select(*parts)).one()
    return tuple(str(x) for x in row)


def store_generation(engine: Engine) -> int | None:
    """The store's change counter (one primary-key row, bumped by triggers); None if the store has none."""
    gen = StoreGeneration.__table__.c
    with engine.connect() as c:
        return c.execute(select(gen.generation).where(gen.id == 1)).scalar_one_or_none()


def has_generation_table(engine: Engine) -> bool:
    """Does the store have the change counter (migration 0008)?"""
    return inspect(engine).has_table(StoreGeneration.__tablename__)


def has_store_tables(engine: Engine) -> bool:
    """Do our tables exist? (False: a fresh store; an error here is the outage it is.)"""
    return inspect(engine).has_table(Agency.__tablename__)


def catalogue(engine: Engine) -> tuple[list[tuple[int, str]], list[AgencyTuple], list[ReportTuple]]:
    """(agency_id, alias) pairs, every agency and every report's key fields: what the engine keeps in memory.

    Titles, file names, URLs and dates stay in the store (report_headers): at 150,000 bodies × 5 years they were most
    of the start-up memory; repeated short strings (kind, template) are interned."""
    with engine.connect() as c:
        aliases = [(int(a), s) for a, s in c.execute(select(AL.agency_id, AL.alias))]
        agencies = [
            (int(i), n, sys.intern(k or "other"), sys.intern(rp or ""))
            for i, n, k, rp in c.execute(select(AG.id, AG.name, AG.kind, AG.region_path))
        ]
        reports = [
            (int(i), int(a), int(y), sys.intern(t or ""), sys.intern(k or "ingested"))
            for i, a, y, t, k in c.execute(
                select(REP.id, REP.agency_id, REP.year, REP.template, REP.source_kind)
            )
        ]
    return aliases, agencies, reports


HeaderTuple = tuple[str, str, str, str]  # title, file_name, source_url, published_on (ISO date or "")


def report_headers(engine: Engine, report_ids: Sequence[int]) -> dict[int, HeaderTuple]:
    """report id → (title, file name, source url, published on): per-report text read on demand."""
    out: dict[int, HeaderTuple] = {}
    cols = (REP.id, REP.title, REP.file_name, REP.source_url, REP.published_on)
    with engine.connect() as c:
        for part in _chunks(list(report_ids)):
            for i, ti, f, u, p in c.execute(select(*cols).where(REP.id.in_(part))):
                out[int(i)] = (ti or "", f or "", u or "", str(p or "")[:10])
    return out


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


def report_contents(engine: Engine, report_ids: Sequence[int]) -> tuple[list[ValueTuple], list[FindingTuple]]:
    """Every stored value (with provenance) and every finding of these reports, CHUNK reports a query."""
    values: list[ValueTuple] = []
    findings: list[FindingTuple] = []
    cols = (VAL.report_id, VAL.indicator, VAL.value_text, VAL.unit, VAL.line_no, VAL.line_text, VAL.origin,
            VAL.section, VAL.row_label, VAL.column_label)
    with engine.connect() as c:
        for chunk in _chunks(report_ids):
            values += [tuple(r) for r in c.execute(select(*cols).where(VAL.report_id.in_(chunk)))]
            findings += [
                tuple(r)
                for r in c.execute(
                    select(FIND.report_id, FIND.rule, FIND.message, FIND.indicators, FIND["values"]).where(
                        FIND.report_id.in_(chunk)
                    )
                )
            ]
    return values, findings  # type: ignore[return-value]


def year_numbers(
    engine: Engine, year: int, keys: Sequence[str], report_ids: Sequence[int], *, whole_year: bool
) -> list[tuple[int, str, Number]]:
    """(report_id, indicator, value) for `keys`: over the whole year in one indexed join (a wide scope:
    report (year, agency_id), indicator_value (indicator, report_id) INCLUDE value_text) or for these reports; values exact."""
    keys = list(keys)
    with engine.connect() as c:
        if whole_year:
            stmt = (
                select(VAL.report_id, VAL.indicator, VAL.value_text)
                .join_from(IndicatorValue.__table__, Report.__table__, REP.id == VAL.report_id)
                .where(REP.year == year, VAL.indicator.in_(keys))
            )
            return [tuple(r) for r in c.execute(stmt)]  # type: ignore[misc]
        out: list[tuple[int, str, Number]] = []
        for chunk in _chunks(report_ids):
            stmt = select(VAL.report_id, VAL.indicator, VAL.value_text).where(
                VAL.report_id.in_(chunk), VAL.indicator.in_(keys)
            )
            out += [tuple(r) for r in c.execute(stmt)]  # type: ignore[misc]
        return out


def year_ranked(
    engine: Engine, year: int, keys: Mapping[str, str], top: int, ascending: bool
) -> tuple[int, Number, list[tuple[int, int, Number]], list[int], list[int]]:
    """One indicator (template → stored key) over every report of `year`, ranked in the store (a national
    ranking or total).

    Why: scoring 150,000 reports in Python took seconds. Returns (count, exact sum, candidates, blank
    agency ids, agency ids without a report). Candidates are (agency_id, report_id, value) of every row
    whose ordering value (the exact NUMERIC on PostgreSQL, the float copy on SQLite) reaches
    the top-th one — ties included, so the caller's exact ordering (value,
    then name) over them is the exact top. The sum is exact: NUMERIC on PostgreSQL, Python ints/Decimals
    on SQLite (no exact decimal type there). Ids come ordered by agency id."""
    stated = (REP.id == VAL.report_id, REP.year == year, *_key_of_template(keys))
    joined = IndicatorValue.__table__.join(Report.__table__, REP.id == VAL.report_id)
    with engine.connect() as c:
        count, total = _count_sum(c, engine, joined, stated)
        cands: list[tuple[int, int, Number]] = []
        if count and top > 0:
            # PostgreSQL orders by the exact text as NUMERIC: the covering index carries value_text, not value
            key = cast(VAL.value_text, Numeric) if engine.dialect.name == "postgresql" else VAL.value
            cut = c.execute(
                select(key).select_from(joined).where(*stated).order_by(key.asc() if ascending else key.desc())
                .offset(min(top, count) - 1).limit(1)
            ).scalar_one()
            near = select(REP.agency_id, REP.id, VAL.value_text).select_from(joined).where(
                *stated, key <= cut if ascending else key >= cut
            )
            cands = [(int(a), int(r), v) for a, r, v in c.execute(near)]
        has_value = select(VAL.id).where(*stated).exists()
        blank = c.execute(select(REP.agency_id).where(REP.year == year, ~has_value).order_by(REP.agency_id))
        blank_ids = [int(a) for a in blank.scalars()]
        has_report = select(REP.id).where(REP.agency_id == AG.id, REP.year == year).exists()
        missing = [int(a) for a in c.execute(select(AG.id).where(~has_report).order_by(AG.id)).scalars()]
    return count, total, cands, blank_ids, missing


def _key_of_template(keys: Mapping[str, str]) -> tuple:
    """The value rows a report states for the indicator: its template's key (one key: an index look-up)."""
    distinct = sorted(set(keys.values()))
    if len(distinct) == 1:
        return (VAL.indicator == distinct[0],)
    per_template = or_(*(and_(REP.template == t, VAL.indicator == k) for t, k in sorted(keys.items())))
    return (VAL.indicator.in_(distinct), per_template)


def _count_sum(c: Any, engine: Engine, joined: Any, stated: tuple) -> tuple[int, Number]:
    """How many reports of the year state the indicator, and their exact sum."""
    if engine.dialect.name == "postgresql":
        n, s = c.execute(
            select(func.count(), func.sum(cast(VAL.value_text, Numeric))).select_from(joined).where(*stated)
        ).one()
        return int(n), _exact_sum(s)
    vals = [v for (v,) in c.execute(select(VAL.value_text).select_from(joined).where(*stated))]
    return len(vals), exact.total(vals)


def _exact_sum(s: Any) -> Number:
    """A NUMERIC sum as the Python path would give it: an int when it has no fractional digits."""
    if s is None:
        return 0
    d = Decimal(s)
    return int(d) if d.as_tuple().exponent >= 0 else d  # type: ignore[operator]
