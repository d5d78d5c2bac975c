"""Reads and writes of the name index (migration 0010) and the per-question catalogue reads of a large store.

Why: at national scale (150,000 bodies × 5 years) the engine no longer holds every agency, alias, form and
report in memory (query/name_store.py); it asks the store by key — the forms found in one question, the
agencies and reports of the bodies it names, the reports of one year for a ranking. Every statement is
an indexed look-up or one indexed scan of a year, so start-up no longer grows with the number of bodies.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator, Sequence

from sqlalchemy import Integer, String, delete, func, insert, literal, null, select, text, union_all
from sqlalchemy.engine import Connection, Engine

from storage.models import (
    Agency,
    AgencyAlias,
    AppMeta,
    NameForm,
    NameFuzzy,
    NameGram,
    NamePlace,
    PlaceMember,
    Report,
)
from storage.reads_engine import among, reading

AG, AL, REP = Agency.__table__.c, AgencyAlias.__table__.c, Report.__table__.c
FORM, PLACE, MEMBER = NameForm.__table__.c, NamePlace.__table__.c, PlaceMember.__table__.c
FUZ, GRAM, META = NameFuzzy.__table__.c, NameGram.__table__.c, AppMeta.__table__.c
STATE_KEY = "name_index"
INDEX_TABLES = (NameForm, NamePlace, PlaceMember, NameFuzzy, NameGram)

AgencyRow = tuple[int, str, str, str, tuple[str, ...]]  # id, name, kind, region_path, aliases
ReportRow = tuple[int, int, int, str, str]  # id, agency_id, year, template, source_kind


def _chunk_size(engine: Engine | Connection) -> int:
    """Values per IN list: SQLite's parameter limit is low, PostgreSQL's is 65,535."""
    return 10000 if engine.dialect.name == "postgresql" else 500


def _chunks(items: Sequence, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield list(items[i : i + size])


# ---------------------------------------------------------------------------------------------- state
def catalogue_marks(engine: Engine) -> dict[str, int]:
    """Counts and newest ids of agency and agencyalias: what the index was built from."""
    with reading(engine) as c:
        row = c.execute(
            select(
                select(func.count()).select_from(Agency.__table__).scalar_subquery(),
                select(func.coalesce(func.max(AG.id), 0)).scalar_subquery(),
                select(func.count()).select_from(AgencyAlias.__table__).scalar_subquery(),
                select(func.coalesce(func.max(AL.id), 0)).scalar_subquery(),
            )
        ).one()
    return {"agencies": int(row[0]), "max_agency": int(row[1]), "aliases": int(row[2]), "max_alias": int(row[3])}


def agency_count(engine: Engine) -> int:
    with reading(engine) as c:
        return int(c.execute(select(func.count()).select_from(Agency.__table__)).scalar_one())


def agency_estimate(engine: Engine) -> int:
    """About how many agencies the store holds, without counting them: PostgreSQL's planner statistics
    (pg_class.reltuples, kept by ANALYZE/autovacuum; 0 before the first); elsewhere an exact count."""
    if engine.dialect.name != "postgresql":
        return agency_count(engine)
    with reading(engine) as c:
        est = c.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('agency')")).scalar()
    return max(int(est or 0), 0)


def index_state(engine: Engine) -> dict | None:
    """The marks the name index was last brought up to (None: never built, or no index tables)."""
    with reading(engine) as c:
        v = c.execute(select(META.value).where(META.key == STATE_KEY)).scalar_one_or_none()
    return json.loads(v) if v else None


def changed_agencies(engine: Engine, max_agency: int, max_alias: int) -> list[int]:
    """Agencies added after `max_agency`, or that got an alias after `max_alias`."""
    with reading(engine) as c:
        new = c.execute(select(AG.id).where(AG.id > max_agency)).scalars().all()
        aliased = c.execute(select(AL.agency_id).where(AL.id > max_alias)).scalars().all()
    return sorted({int(a) for a in (*new, *aliased)})


def all_agency_ids(engine: Engine) -> list[int]:
    with reading(engine) as c:
        return [int(a) for a in c.execute(select(AG.id).order_by(AG.id)).scalars()]


# ---------------------------------------------------------------------------------------------- agencies
def agencies_by_id(engine: Engine, ids: Iterable[int]) -> list[AgencyRow]:
    """The agencies with these ids, with their aliases (kind and region path interned)."""
    ids = list(dict.fromkeys(ids))
    rows: dict[int, list] = {}
    with reading(engine) as c:  # one round trip per chunk: the aliases ride on an outer join
        for part in _chunks(ids, _chunk_size(engine)):
            stmt = (
                select(AG.id, AG.name, AG.kind, AG.region_path, AL.alias)
                .select_from(Agency.__table__.outerjoin(AgencyAlias.__table__, AL.agency_id == AG.id))
                .where(among(engine, AG.id, part))
                .order_by(AG.id, AL.id)
            )
            for i, n, k, rp, alias in c.execute(stmt):
                row = rows.get(int(i))
                if row is None:
                    row = rows[int(i)] = [int(i), n, sys.intern(k or "other"), sys.intern(rp or ""), []]
                if alias is not None:
                    row[4].append(alias)
    return [(r[0], r[1], r[2], r[3], tuple(r[4])) for r in (rows[i] for i in ids if i in rows)]


def agencies_with_reports(engine: Engine, ids: Iterable[int]) -> tuple[list[AgencyRow], list[ReportRow]]:
    """`agencies_by_id` and `reports_of_agencies` of a few bodies in ONE statement (a tagged UNION ALL).

    Why: a single-body answer needs the body (name, aliases) and its reports (which years); two round trips
    per body named were a fifth of its reads."""
    ids = list(dict.fromkeys(ids))
    none_i, none_s = null().cast(Integer), null().cast(String)
    stmt = union_all(
        select(literal("a"), AG.id, AL.id, none_i, AG.name, AG.kind, AG.region_path, AL.alias)
        .select_from(Agency.__table__.outerjoin(AgencyAlias.__table__, AL.agency_id == AG.id))
        .where(among(engine, AG.id, ids)),
        select(literal("r"), REP.id, REP.agency_id, REP.year, REP.template, REP.source_kind, none_s, none_s)
        .where(among(engine, REP.agency_id, ids)),
    ).order_by(text("1, 2, 3"))
    agencies: dict[int, list] = {}
    reports: list[ReportRow] = []
    with reading(engine) as c:
        for tag, i, j, y, s1, s2, s3, alias in c.execute(stmt).all() if ids else ():
            if tag == "r":
                reports.append(_report((i, j, y, s1, s2)))
                continue
            row = agencies.get(int(i))
            if row is None:
                row = agencies[int(i)] = [int(i), s1, sys.intern(s2 or "other"), sys.intern(s3 or ""), []]
            if alias is not None:
                row[4].append(alias)
    return [(r[0], r[1], r[2], r[3], tuple(r[4])) for r in (agencies[i] for i in ids if i in agencies)], reports


def agency_ids_by_name(engine: Engine, names: Iterable[str]) -> dict[str, int]:
    """Official name → agency id, for the names that exist."""
    names = list(dict.fromkeys(names))
    out: dict[str, int] = {}
    with reading(engine) as c:
        for part in _chunks(names, _chunk_size(engine)):
            out |= {n: int(i) for n, i in c.execute(select(AG.name, AG.id).where(among(engine, AG.name, part)))}
    return out


def first_agencies(engine: Engine, limit: int) -> list[AgencyRow]:
    """The first `limit` agencies by id (a store of a handful of bodies offers them as choices)."""
    with reading(engine) as c:
        ids = [int(i) for i in c.execute(select(AG.id).order_by(AG.id).limit(limit)).scalars()]
    return agencies_by_id(engine, ids)


# ---------------------------------------------------------------------------------------------- reports
def _report(row) -> ReportRow:
    i, a, y, t, k = row
    return (int(i), int(a), int(y), sys.intern(t or ""), sys.intern(k or "ingested"))


REPORT_COLS = (REP.id, REP.agency_id, REP.year, REP.template, REP.source_kind)


def reports_of_agencies(engine: Engine, agency_ids: Iterable[int]) -> list[ReportRow]:
    """Every report of these agencies (key fields only)."""
    ids = list(dict.fromkeys(agency_ids))
    out: list[ReportRow] = []
    with reading(engine) as c:
        for part in _chunks(ids, _chunk_size(engine)):
            out += [_report(r) for r in c.execute(select(*REPORT_COLS).where(among(engine, REP.agency_id, part)))]
    return out


def reports_of_year(engine: Engine, year: int) -> list[ReportRow]:
    """Every report of one year (the ix_report_year_agency index): a national ranking's scope."""
    with reading(engine) as c:
        return [_report(r) for r in c.execute(select(*REPORT_COLS).where(REP.year == year))]


def report_years(engine: Engine, agency_ids: Sequence[int] | None = None) -> list[int]:
    """The years with at least one report (of these agencies, or of the whole store)."""
    with reading(engine) as c:
        if agency_ids is None:
            return sorted(int(y) for y in c.execute(select(REP.year).distinct()).scalars())
        got: set[int] = set()
        for part in _chunks(list(agency_ids), _chunk_size(engine)):
            got |= {int(y) for y in c.execute(select(REP.year).where(among(engine, REP.agency_id, part)).distinct()).scalars()}
        return sorted(got)


def report_count(engine: Engine) -> int:
    with reading(engine) as c:
        return int(c.execute(select(func.count()).select_from(Report.__table__)).scalar_one())


# ---------------------------------------------------------------------------------------------- look-ups
def forms_in(engine: Engine, strings: Sequence[str]) -> list[tuple[str, int, int]]:
    """(form, agency id, penalty) for every stored form among `strings`."""
    out: list[tuple[str, int, int]] = []
    with reading(engine) as c:
        for part in _chunks(list(strings), _chunk_size(engine)):
            stmt = select(FORM.form, FORM.agency_id, FORM.penalty).where(among(engine, FORM.form, part))
            out += [(f, int(a), int(p)) for f, a, p in c.execute(stmt)]
    return out


def forms_and_places_in(
    engine: Engine, strings: Sequence[str]
) -> tuple[list[tuple[str, int, int]], list[tuple[str, str]]]:
    """`forms_in` and `places_in` in one round trip per chunk (a UNION ALL): a question's names and places
    are looked up together."""
    forms: list[tuple[str, int, int]] = []
    places: list[tuple[str, str]] = []
    with reading(engine) as c:
        for part in _chunks(list(strings), _chunk_size(engine)):
            stmt = union_all(
                select(FORM.form, FORM.agency_id, FORM.penalty, literal("").label("path")).where(among(engine, FORM.form, part)),
                select(PLACE.surface, literal(-1), literal(0), PLACE.path).where(among(engine, PLACE.surface, part)),
            )
            for f, a, p, path in c.execute(stmt).all():  # fetchall: one C loop, not a fetchone per row
                if int(a) < 0:
                    places.append((f, path))
                else:
                    forms.append((f, int(a), int(p)))
    return forms, places


def places_in(engine: Engine, strings: Sequence[str]) -> list[tuple[str, str]]:
    """(surface, region path) for every stored place surface among `strings`."""
    out: list[tuple[str, str]] = []
    with reading(engine) as c:
        for part in _chunks(list(strings), _chunk_size(engine)):
            out += [tuple(r) for r in c.execute(select(PLACE.surface, PLACE.path).where(among(engine, PLACE.surface, part)))]
    return out  # type: ignore[return-value]


def members(engine: Engine, path: str) -> list[int]:
    """The agencies under one region path, in id order."""
    with reading(engine) as c:
        stmt = select(MEMBER.agency_id).where(MEMBER.path == path).order_by(MEMBER.agency_id)
        return [int(a) for a in c.execute(stmt).scalars()]


def governments_under(engine: Engine, path: str, endings: Sequence[str]) -> list[int]:
    """Agencies under `path` whose name ends with one of `endings` (…人民政府), in id order."""
    if not endings:
        return []
    from sqlalchemy import or_

    with reading(engine) as c:
        stmt = (
            select(AG.id)
            .join_from(PlaceMember.__table__, Agency.__table__, AG.id == MEMBER.agency_id)
            .where(MEMBER.path == path, or_(*(AG.name.like("%" + e) for e in endings)))
            .order_by(AG.id)
        )
        return [int(a) for a in c.execute(stmt).scalars()]


FuzzyRow = tuple[int, str, int, str, str]  # id, text, agency_id, path, pinyin


def fuzzy_rows(engine: Engine, ids: Sequence[int]) -> dict[int, FuzzyRow]:
    out: dict[int, FuzzyRow] = {}
    with reading(engine) as c:
        for part in _chunks(list(ids), _chunk_size(engine)):
            stmt = select(FUZ.id, FUZ.text, FUZ.agency_id, FUZ.path, FUZ.pinyin).where(among(engine, FUZ.id, part))
            out |= {int(r[0]): (int(r[0]), r[1], int(r[2]), r[3], r[4]) for r in c.execute(stmt)}
    return out


def fuzzy_by_sound(engine: Engine, pinyins: Sequence[str], initials: Sequence[str]) -> tuple[list[int], list[int]]:
    """Fuzzy-corpus ids whose pinyin is one of `pinyins`, and those whose initials are one of `initials`."""
    with reading(engine) as c:
        a = [int(i) for i in c.execute(select(FUZ.id).where(among(engine, FUZ.pinyin, list(pinyins)))).scalars()] if pinyins else []
        b = [int(i) for i in c.execute(select(FUZ.id).where(among(engine, FUZ.initials, list(initials)))).scalars()] if initials else []
    return a, b


def fuzzy_by_pinyin_prefix(engine: Engine, prefix: str, limit: int) -> list[int]:
    """Fuzzy-corpus ids whose pinyin starts with `prefix` (Latin-letter queries at national scale)."""
    with reading(engine) as c:
        stmt = select(FUZ.id).where(FUZ.pinyin >= prefix, FUZ.pinyin < prefix + "\x7f").limit(limit)
        return [int(i) for i in c.execute(stmt).scalars()]


def gram_counts(engine: Engine, grams: Sequence[str]) -> dict[str, int]:
    """How many corpus strings hold each gram (rarest grams are read first)."""
    with reading(engine) as c:
        stmt = select(GRAM.gram, func.count()).where(among(engine, GRAM.gram, list(grams))).group_by(GRAM.gram)
        return {g: int(n) for g, n in c.execute(stmt)}


def gram_postings(engine: Engine, grams: Sequence[str], limit: int) -> list[int]:
    """Corpus ids sharing the most of `grams`, best first (ties by id), at most `limit`."""
    if not grams:
        return []
    with reading(engine) as c:
        n = func.count().label("n")
        stmt = (
            select(GRAM.fuzzy_id, n)
            .where(among(engine, GRAM.gram, list(grams)))
            .group_by(GRAM.fuzzy_id)
            .order_by(n.desc(), GRAM.fuzzy_id)
            .limit(limit)
        )
        return [int(i) for i, _n in c.execute(stmt)]


# ---------------------------------------------------------------------------------------------- writes
def write_rows(
    engine: Engine,
    replaced: Sequence[int] | None,
    rows: dict[str, list[dict]],
    marks: dict[str, int],
) -> None:
    """Replace the index rows of agencies `replaced` (None: the whole index) and record `marks`, in one
    transaction; places and place fuzzy strings are shared, so they are inserted only when new."""
    size = _chunk_size(engine)
    with engine.begin() as c:
        if replaced is None:
            for t in reversed(INDEX_TABLES):
                c.execute(delete(t.__table__))
        else:
            for part in _chunks(list(replaced), size):
                old = select(FUZ.id).where(FUZ.agency_id.in_(part))
                c.execute(delete(NameGram.__table__).where(GRAM.fuzzy_id.in_(old)))
                c.execute(delete(NameFuzzy.__table__).where(FUZ.agency_id.in_(part)))
                c.execute(delete(NameForm.__table__).where(FORM.agency_id.in_(part)))
                c.execute(delete(PlaceMember.__table__).where(MEMBER.agency_id.in_(part)))
            rows = _only_new(c, rows)
        base = int(c.execute(select(func.coalesce(func.max(FUZ.id), 0))).scalar_one())
        for r in rows["name_fuzzy"]:
            r["id"] += base
        for r in rows["name_gram"]:
            r["fuzzy_id"] += base
        for model in INDEX_TABLES:
            _insert(c, model, rows[model.__tablename__])
        value = json.dumps(marks)
        if c.execute(select(META.key).where(META.key == STATE_KEY)).first():
            c.execute(AppMeta.__table__.update().where(META.key == STATE_KEY).values(value=value))
        else:
            c.execute(insert(AppMeta.__table__).values(key=STATE_KEY, value=value))


def analyze(engine: Engine) -> None:
    """Refresh the planner's statistics of the index tables after a bulk write (PostgreSQL): without
    them a freshly COPYed name_form is read by a sequential scan (~0.6 s at 150,000 bodies) instead of
    its primary key (~1 ms)."""
    if engine.dialect.name != "postgresql":
        return
    with engine.connect() as c:
        c.execute(text("ANALYZE " + ", ".join(t.__tablename__ for t in INDEX_TABLES)))
        c.commit()


def _insert(c: Connection, model: type, rows: list[dict]) -> None:
    """Insert rows: COPY on PostgreSQL (a national index is millions of rows), executemany elsewhere."""
    if not rows:
        return
    if c.dialect.name != "postgresql":
        for part in _chunks(rows, 20000):
            c.execute(insert(model.__table__), part)
        return
    cols = list(rows[0])
    cur = c.connection.driver_connection.cursor()
    with cur.copy(f"COPY {model.__tablename__} ({', '.join(cols)}) FROM STDIN") as cp:
        for r in rows:
            cp.write_row([r[k] for k in cols])


def _only_new(c: Connection, rows: dict[str, list[dict]]) -> dict[str, list[dict]]:
    """Drop shared rows already stored (place surfaces, place fuzzy strings) from an incremental batch."""
    have = {
        (s, p)
        for part in _chunks(list({r["surface"] for r in rows["name_place"]}), 500)
        for s, p in c.execute(select(PLACE.surface, PLACE.path).where(PLACE.surface.in_(part)))
    }
    places = {(r["path"]) for r in rows["name_fuzzy"] if r["agency_id"] < 0}
    have_fz = {
        p
        for part in _chunks(list(places), 500)
        for p in c.execute(select(FUZ.path).where(FUZ.agency_id == -1, FUZ.path.in_(part))).scalars()
    }
    drop_ids = {r["id"] for r in rows["name_fuzzy"] if r["agency_id"] < 0 and r["path"] in have_fz}
    return rows | {
        "name_place": [r for r in rows["name_place"] if (r["surface"], r["path"]) not in have],
        "name_fuzzy": [r for r in rows["name_fuzzy"] if r["id"] not in drop_ids],
        "name_gram": [r for r in rows["name_gram"] if r["fuzzy_id"] not in drop_ids],
    }
