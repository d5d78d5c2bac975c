"""Reads of the answer engine (query/): the catalogue, one report's numbers, one indicator over a year.

Why here and not in query/: storage/ owns every SQL statement, so a schema change touches one package.
Why Core rows (tuples) and not ORM objects: the engine caches hundreds of thousands of numbers, and
a tuple per value is several times cheaper to build than an ORM instance. Re-exported by storage/queries.py.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    Integer,
    Numeric,
    String,
    and_,
    any_,
    cast,
    func,
    inspect,
    literal,
    null,
    or_,
    select,
    type_coerce,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.engine import Connection, Engine

from reports import exact
from reports.exact import Number
from storage.cells import CellRec
from storage.models import (
    Agency,
    AgencyAlias,
    CellStateRow,
    IndicatorValue,
    Report,
    ReportFinding,
    StoreGeneration,
)

AG, AL, REP = Agency.__table__.c, AgencyAlias.__table__.c, Report.__table__.c
VAL, FIND, CELL = IndicatorValue.__table__.c, ReportFinding.__table__.c, CellStateRow.__table__.c
CHUNK = 500  # ids per IN list: well under every driver's parameter limit
WORK_MEM = "64MB"  # a national ranking's hash of one year's reports (150,000 bodies: ~8 MB) stays in memory

AgencyTuple = tuple[int, str, str, str]  # id, name, kind, region_path
# id, agency_id, year, template, source_kind (title, file name, url, date: report_headers)
ReportTuple = tuple[int, int, int, str, str]
# report_id, indicator, value, unit, line_no, line_text, origin, section, row_label, column_label
ValueTuple = tuple[int, str, Number, str, int, str, str, str, str, str]
FindingTuple = tuple[int, str, str, Any, Any]  # report_id, rule, message, indicators, values


def reading(engine: Engine) -> Connection:
    """A connection for reads, outside a transaction (AUTOCOMMIT).

    Why: a read in a transaction costs three round trips (BEGIN, the statement, the ROLLBACK when the
    connection goes back to the pool); a national store is read per question, several statements per
    answer. Under READ COMMITTED every statement takes its own snapshot anyway, so nothing a reader sees
    changes."""
    return engine.connect().execution_options(isolation_level="AUTOCOMMIT")


def among(engine: Engine | Connection, col: Any, values: Iterable[Any]) -> Any:
    """`col IN (values)`; on PostgreSQL `col = ANY(:array)`: one parameter however many values.

    Why: a question's names are looked up as every substring (100–700 strings); as an IN list of as many
    parameters the look-up took 4× the time (wall and CPU, measured at 10,000 bodies) of one array, and
    each list length was another statement to compile and plan."""
    values = list(values)
    if engine.dialect.name == "postgresql":
        return col == any_(literal(values, ARRAY(col.type)))
    return col.in_(values)


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
    with reading(engine) as c:
        row = c.execute(select(*parts)).one()
    return tuple(str(x) for x in row)


def store_generation(engine: Engine) -> int | None:
    """The store's change counter (one primary-key row, bumped by triggers); None if the store has none."""
    gen = StoreGeneration.__table__.c
    with reading(engine) as c:
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
    with reading(engine) as c:
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
    with reading(engine) as c:
        for part in _chunks(list(report_ids)):
            for i, ti, f, u, p in c.execute(select(*cols).where(among(engine, REP.id, part))):
                out[int(i)] = (ti or "", f or "", u or "", str(p or "")[:10])
    return out


def _chunks(items: Sequence[int], size: int = CHUNK) -> Iterator[list[int]]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


@dataclass
class Contents:
    """What an answer reads of some reports: values (with provenance), findings, headers (title, file
    name, url, date) and the states of the cells without a number (storage.cells), per report id."""

    values: list[ValueTuple]
    findings: list[FindingTuple]
    headers: dict[int, HeaderTuple]
    cells: dict[int, dict[str, CellRec]]


def report_contents(engine: Engine, report_ids: Sequence[int]) -> Contents:
    """Every stored value, finding, header and cell state of these reports: ONE statement per CHUNK
    reports (a UNION ALL of the four, tagged).

    Why one: an answer shows a report's numbers with its findings, cites its title and says why a cell has
    no number; four reads (and, for a trend, a header and a cell read per year) were most of a
    single-body answer's round trips."""
    out = Contents([], [], {}, {r: {} for r in report_ids})
    with reading(engine) as c:
        for chunk in _chunks(report_ids):
            for tag, rid, no, *t in c.execute(_contents_statement(engine, chunk)).all():  # fetchall: one C loop
                rid, no = int(rid), int(no or 0)
                if tag == "v":
                    out.values.append((rid, t[0], exact.to_exact(t[1]), t[2], no, *t[3:]))
                elif tag == "f":
                    out.findings.append((rid, t[0], t[1], t[2], t[3]))
                elif tag == "c":
                    out.cells[rid][t[0]] = CellRec(t[0], t[1], t[2] or "", no, int(t[3] or 0), t[4] or "")
                else:
                    out.headers[rid] = (t[0] or "", t[1] or "", t[2] or "", str(t[3] or "")[:10])
    return out


def _contents_statement(engine: Engine, chunk: list[int]) -> Any:
    """(tag, report id, line no, 8 texts) rows: 'v' values, 'f' findings, 'h' the report's header, 'c' cells."""
    txt = [type_coerce(col, String) for col in (VAL.indicator, VAL.value_text, VAL.unit, VAL.line_text,
                                                 VAL.origin, VAL.section, VAL.row_label, VAL.column_label)]
    none = null().cast(String)
    return union_all(
        select(literal("v"), VAL.report_id, VAL.line_no, *txt).where(among(engine, VAL.report_id, chunk)),
        select(literal("f"), FIND.report_id, null().cast(Integer), FIND.rule, FIND.message,
               cast(FIND.indicators, String), cast(FIND["values"], String), none, none, none, none)
        .where(among(engine, FIND.report_id, chunk)),
        select(literal("h"), REP.id, null().cast(Integer), REP.title, REP.file_name, REP.source_url,
               cast(REP.published_on, String), none, none, none, none).where(among(engine, REP.id, chunk)),
        select(literal("c"), CELL.report_id, CELL.line_no, CELL.indicator, CELL.state, CELL.mark,
               cast(CELL.end_line, String), CELL.line_text, none, none, none).where(among(engine, CELL.report_id, chunk)),
    )


def year_numbers(
    engine: Engine, year: int, keys: Sequence[str], report_ids: Sequence[int], *, whole_year: bool
) -> list[tuple[int, str, Number]]:
    """(report_id, indicator, value) for `keys`: over the whole year in one indexed join (a wide scope:
    report (year, agency_id), indicator_value (indicator, report_id) INCLUDE value_text) or for these reports; values exact."""
    keys = list(keys)
    with reading(engine) as c:
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


@dataclass
class Ranked:
    """A national ranking/total counted by the store: stated rows, their exact sum, the candidates for the
    top rows (agency_id, report_id, value; ties at the cut included), and how many reports that year there
    are (blank = reports − stated; without a report = agencies − reports, as report is unique per
    (agency_id, year) and its agency_id a foreign key: the caller knows the agency count)."""

    count: int
    total: Number
    candidates: list[tuple[int, int, Number]]
    reports: int

    @property
    def blank(self) -> int:
        return self.reports - self.count


def year_ranked(engine: Engine, year: int, keys: Mapping[str, str], top: int, ascending: bool) -> Ranked:
    """One indicator (template → stored key) over every report of `year`, ranked in the store (a national
    ranking or total), in ONE statement.

    Why one: scoring 150,000 reports in Python took seconds, and three scans of the year plus two
    anti-joins returning id lists took most of a second. PostgreSQL reads the year's reports joined to
    their stated values once (a CTE over report LEFT JOIN indicator_value: one index-only scan each) and
    returns the report count, the stated count, the exact NUMERIC sum and every row whose exact value
    reaches the top-th one (ties included), so the caller's exact ordering (value, then name) over those
    few is the exact top. SQLite (no exact decimal type) reads the same rows and does the rest in Python
    with exact ints/Decimals. Which bodies are blank or without a report is read only for the names shown
    (`year_blank`, `year_missing`)."""
    joined = Report.__table__.outerjoin(IndicatorValue.__table__, and_(REP.id == VAL.report_id, *_key_of_template(keys)))
    if engine.dialect.name != "postgresql":
        with reading(engine) as c:
            got = c.execute(select(REP.agency_id, REP.id, VAL.value_text).select_from(joined).where(REP.year == year))
            rows = [(int(a), int(r), v) for a, r, v in got]
        stated = [x for x in rows if x[2] is not None]
        return Ranked(len(stated), exact.total(v for _a, _r, v in stated), _top_ties(stated, top, ascending), len(rows))
    with engine.connect() as c:  # a transaction, for SET LOCAL: the year's reports hash past 4 MB
        c.exec_driver_sql(f"SET LOCAL work_mem = '{WORK_MEM}'")
        got = c.execute(_ranked_statement(joined, year, top, ascending)).all()
    reps, n, s = got[0][:3]
    cands = [(int(a), int(r), v) for *_x, a, r, v in got if a is not None]
    return Ranked(int(n), _exact_sum(s), cands, int(reps))


def _ranked_statement(joined: Any, year: int, top: int, ascending: bool) -> Any:
    """PostgreSQL: the year's reports with their stated value once (CTE); counts and the exact sum; the
    rows reaching the top-th exact value."""
    key = cast(VAL.value_text, Numeric)
    rows = (
        select(REP.agency_id.label("a"), REP.id.label("r"), VAL.value_text.label("t"), key.label("k"))
        .select_from(joined).where(REP.year == year).cte("year_rows").prefix_with("MATERIALIZED")
    )
    totals = select(func.count().label("reports"), func.count(rows.c.k).label("n"), func.sum(rows.c.k).label("s"))
    totals = totals.subquery("totals")
    best = select(rows.c.k).where(rows.c.k.is_not(None)).order_by(rows.c.k.asc() if ascending else rows.c.k.desc())
    best = best.limit(max(top, 0)).subquery("best")
    cut = select(func.max(best.c.k) if ascending else func.min(best.c.k)).scalar_subquery()
    near = rows.c.k <= cut if ascending else rows.c.k >= cut
    return select(totals.c.reports, totals.c.n, totals.c.s, rows.c.a, rows.c.r, rows.c.t).select_from(
        totals.outerjoin(rows, near)
    )


def _top_ties(rows: list[tuple[int, int, Number]], top: int, ascending: bool) -> list[tuple[int, int, Number]]:
    """Every row whose value reaches the top-th one (ties included), in the store's row order."""
    if not rows or top <= 0:
        return []
    order = sorted((v for _a, _r, v in rows), reverse=not ascending)
    cut = order[min(top, len(order)) - 1]
    return [x for x in rows if (x[2] <= cut if ascending else x[2] >= cut)]


def year_blank(engine: Engine, year: int, keys: Mapping[str, str], limit: int) -> list[int]:
    """The first `limit` agencies (by id) whose report of `year` states no value for the indicator: an
    anti-join that stops after `limit` (only the names shown are read)."""
    has_value = select(VAL.id).where(REP.id == VAL.report_id, *_key_of_template(keys)).exists()
    stmt = select(REP.agency_id).where(REP.year == year, ~has_value).order_by(REP.agency_id).limit(limit)
    with reading(engine) as c:
        return [int(a) for a in c.execute(stmt).scalars()]


def year_missing(engine: Engine, year: int, limit: int) -> list[int]:
    """The first `limit` agencies (by id) without a report of `year`."""
    has_report = select(REP.id).where(REP.agency_id == AG.id, REP.year == year).exists()
    stmt = select(AG.id).where(~has_report).order_by(AG.id).limit(limit)
    with reading(engine) as c:
        return [int(a) for a in c.execute(stmt).scalars()]


def _key_of_template(keys: Mapping[str, str]) -> tuple:
    """The value rows a report states for the indicator: its template's key (one key: an index look-up)."""
    distinct = sorted(set(keys.values()))
    if len(distinct) == 1:
        return (VAL.indicator == distinct[0],)
    per_template = or_(*(and_(REP.template == t, VAL.indicator == k) for t, k in sorted(keys.items())))
    return (VAL.indicator.in_(distinct), per_template)


def _exact_sum(s: Any) -> Number:
    """A NUMERIC sum as the Python path would give it: an int when it has no fractional digits."""
    if s is None:
        return 0
    d = Decimal(s)
    return int(d) if d.as_tuple().exponent >= 0 else d  # type: ignore[operator]
