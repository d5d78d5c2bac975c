"""A national-scale PostgreSQL store for bench/scale.py, written with COPY into the real schema.

Why COPY and not the report parser: the parser's speed is benchmarked in bench/parse.py; here the
question is how the store and the answer engine behave at 150,000 bodies × 5 years, so rows are built
directly (agencies over province › city › county › department/township from tools.generator, the real
indicator keys, labels and units of reports.catalogue, blank cells, missing years, findings, one ingest
event per report) and streamed into PostgreSQL with `cursor.copy`.

Each size lives in its own schema of one database (``scale_<n>``) with a marker row in app_meta, so a
built store is reused by later runs (``bench/scale.py --measure-only``).

Loading: the schema comes from Alembic (storage.migrate.ensure_schema); secondary indexes, unique and
foreign-key constraints are dropped before COPY and re-created afterwards from their own definitions
(what pg_dump does), so the final schema is exactly the migrated one.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import create_engine, text
from sqlalchemy.engine import Engine

YEARS = (2016, 2017, 2018, 2019, 2020)
MARKER = "bench.scale"
FORMAT = 3  # bump when the generated rows change, so an old store is rebuilt
BULK_TABLES = ("agency", "agencyalias", "report", "indicator_value", "report_finding", "ingest_event")
ROW_COLUMNS = (
    "natural_person",
    "commercial",
    "total",
)  # of the seven 2019 columns, the ones reports fill in most
NARRATIVE_KEYS = (
    "apply.received.total",
    "apply.result.granted.total",
    "review.total",
    "litigation.direct.total",
    "active.total",
)


def template_of(year: int) -> str:
    return "2008" if year <= 2018 else "2019"


def schema_name(n: int) -> str:
    return f"scale_{n}"


def schema_engine(url: str, schema: str) -> Engine:
    """An engine whose connections see only `schema` (plus pg_catalog)."""
    return create_engine(
        url, connect_args={"options": f"-csearch_path={schema}"}, pool_size=2, max_overflow=2
    )


@dataclass(frozen=True, slots=True)
class KeyDef:
    key: str
    stem: str  # the table row the key belongs to (keys of one row share a line)
    const: str  # the COPY tail: indicator, unit, origin, section, row_label, column_label
    label: str  # short row label for line_text


@dataclass
class Counts:
    agencies: int = 0
    aliases: int = 0
    reports: int = 0
    values: int = 0
    findings: int = 0
    events: int = 0
    seconds: dict[str, float] = field(default_factory=dict)


def _esc(s: str) -> str:
    return s.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def key_plan(template: str) -> list[KeyDef]:
    """The keys a report of this template stores when every cell is filled (2008: 58, 2019: ~100).

    2019: of the seven requester columns, natural person, commercial and total (the others are
    mostly blank in real reports); every one-column row (review, litigation, active disclosure)."""
    from reports.catalogue import catalogue

    out = []
    for d in catalogue():
        if template not in d.templates:
            continue
        parts = d.key.split(".")
        if template != "2008" and d.key.startswith("apply.") and parts[-1] not in ROW_COLUMNS:
            continue
        stem = ".".join(parts[:-1]) if template != "2008" and d.key.startswith("apply.") else d.key
        label = d.row_label.split("（")[0][:24] or d.row_label[:24]
        const = "\t".join(_esc(x) for x in (d.key, d.unit, "table", d.section, d.row_label, d.column_label))
        out.append(KeyDef(d.key, stem, const, label))
    return out


def _value(rng: random.Random, key: str, scale: float) -> int:
    """A plausible count: application rows scale with the body's size, reviews/suits stay small."""
    if key.startswith(("review.", "litigation.")):
        return int(rng.random() * scale / 40)
    if key.startswith("active."):
        return int(rng.random() * scale * 30)
    if key.startswith("apply."):
        share = 1.0 if ".total" in key or "received" in key else rng.random() * 0.4
        return int(rng.random() * scale * share)
    return int(rng.random() * 10)


def generate(n: int, seed: int, con, progress=print) -> Counts:
    """Write n agencies × YEARS into the tables of the connection's schema (psycopg connection)."""
    from tools.generator import generate_agencies

    rng = random.Random(f"scale:{seed}:{n}")
    gen = generate_agencies(n, seed)
    plans = {t: key_plan(t) for t in ("2008", "2019")}
    counts = Counts()
    now = datetime(2021, 3, 31, 2, 0, tzinfo=UTC).isoformat()
    cur = con.cursor()

    t0 = time.perf_counter()
    with cur.copy(
        "COPY agency (id, name, kind, region_path, region, first_year, source, created_at) FROM STDIN"
    ) as cp:
        buf = []
        for i, a in enumerate(gen, 1):
            buf.append(
                f"{i}\t{a.name}\t{a.kind}\t{'/'.join(a.region_path)}\t{a.region_path[-1]}\t{YEARS[0]}\treport\t{now}\n"
            )
        cp.write("".join(buf))
    counts.agencies = len(gen)
    with cur.copy("COPY agencyalias (id, agency_id, alias, source) FROM STDIN") as cp:
        buf = []
        k = 0
        for i, a in enumerate(gen, 1):
            # the short form ingest learns: the name without its city (county bodies), ~ every third body
            if len(a.region_path) >= 3 and rng.random() < 0.35 and a.name.startswith(a.region_path[1]):
                k += 1
                buf.append(f"{k}\t{i}\t{a.name[len(a.region_path[1]) :]}\tingest\n")
        cp.write("".join(buf))
    counts.aliases = k
    counts.seconds["agencies"] = time.perf_counter() - t0

    t0 = time.perf_counter()
    rid = vid = fid = 0
    rep_buf: list[str] = []
    ev_buf: list[str] = []
    fin_buf: list[str] = []
    with cur.copy(
        "COPY indicator_value (id, report_id, value, value_text, line_no, line_text, indicator, unit, origin, section, "
        "row_label, column_label) FROM STDIN"
    ) as cp:
        for aid, a in enumerate(gen, 1):
            scale = {"people_gov": 400, "department": 120, "township": 15}.get(a.kind, 60)
            scale *= 0.3 + rng.random() * 2
            blank = 0.02 + rng.random() * 0.25  # how careless this body is with its table
            first = YEARS[0] if rng.random() > 0.04 else rng.choice(YEARS[1:])  # some bodies start later
            for y in YEARS:
                if y < first or rng.random() < 0.01:  # a year not filed (or not collected)
                    continue
                rid += 1
                narrative = rng.random() < 0.03
                tpl = "narrative" if narrative else template_of(y)
                title = f"{a.name}{y}年政府信息公开工作年度报告"
                fhash = hashlib.sha256(f"{seed}:{aid}:{y}".encode()).hexdigest()
                fname = f"{a.name}_{y}.{'pdf' if rid % 3 == 0 else 'docx' if rid % 3 == 1 else 'html'}"
                rep_buf.append(f"{rid}\t{aid}\t{y}\t{tpl}\t{title}\t{fname}\t{fhash}\t{now}\t0\t[]\n")
                ev_buf.append(f"{rid}\t{now}\t{fname}\t{fhash}\tstored\t\t{rid}\n")
                lines: list[str] = []
                if narrative:
                    for j, key in enumerate(NARRATIVE_KEYS):
                        if rng.random() < 0.4:
                            continue
                        v = _value(rng, key, scale)
                        vid += 1
                        lines.append(
                            f"{vid}\t{rid}\t{v}\t{v}\t{12 + j * 3}\t本年度共{('受理', '公开', '办理', '应诉', '发布')[j]}"
                            f"相关事项{v}件，均已按期办结并答复申请人，未发生超期情况。\t{key}\t件\tprose\t\t\t\n"
                        )
                else:
                    row_vals: dict[str, list[int]] = {}
                    line_no = 18
                    last_stem = ""
                    for kd in plans[tpl]:
                        if kd.stem != last_stem:
                            line_no += 1
                            last_stem = kd.stem
                        if rng.random() < blank:
                            continue
                        v = _value(rng, kd.key, scale)
                        row_vals.setdefault(kd.stem, []).append(v)
                        vid += 1
                        nums = " ".join(str(x) for x in row_vals[kd.stem]) if tpl != "2008" else str(v)
                        lines.append(f"{vid}\t{rid}\t{v}\t{v}\t{line_no}\t{kd.label} {nums} 0 0 0\t{kd.const}\n")
                cp.write("".join(lines))
                if rng.random() < 0.05:
                    fid += 1
                    fin_buf.append(
                        f"{fid}\t{rid}\tapply.balance\t申请总数与办理结果总数不一致（相差 {rng.randint(1, 9)} 件）\t"
                        f'["apply.received.total", "apply.result.total.total"]\t{{}}\t\\N\t\\N\t\\N\n'
                    )
            if aid % 10000 == 0:
                progress(f"  {aid}/{len(gen)} agencies, {vid} values, {time.perf_counter() - t0:.0f}s")
    counts.reports, counts.values, counts.findings = rid, vid, fid
    counts.seconds["values"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    with cur.copy(
        "COPY report (id, agency_id, year, template, title, file_name, file_hash, ingested_at, replaced_count, "
        "warnings) FROM STDIN"
    ) as cp:
        for chunk in _chunks(rep_buf, 50000):
            cp.write("".join(chunk))
    with cur.copy(
        "COPY ingest_event (id, at, file_name, file_hash, outcome, reason, report_id) FROM STDIN"
    ) as cp:
        for chunk in _chunks(ev_buf, 50000):
            cp.write("".join(chunk))
    counts.events = len(ev_buf)
    with cur.copy(
        'COPY report_finding (id, report_id, rule, message, indicators, "values", expected, actual, line_no) '
        "FROM STDIN"
    ) as cp:
        cp.write("".join(fin_buf))
    counts.seconds["reports"] = time.perf_counter() - t0
    return counts


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def read_marker(engine: Engine) -> dict | None:
    try:
        with engine.connect() as c:
            v = c.execute(text("SELECT value FROM app_meta WHERE key = :k"), {"k": MARKER}).scalar()
    except Exception:  # noqa: BLE001 - no schema yet
        return None
    return json.loads(v) if v else None


def _bulk_ddl(c) -> tuple[list[str], list[str]]:
    """(drop, create) statements for the secondary indexes and non-PK constraints of the bulk tables."""
    drop, create = [], []
    tables = list(BULK_TABLES)
    cons = c.execute(
        text(
            "SELECT cl.relname, co.conname, pg_get_constraintdef(co.oid), co.contype FROM pg_constraint co "
            "JOIN pg_class cl ON cl.oid = co.conrelid JOIN pg_namespace ns ON ns.oid = cl.relnamespace "
            "WHERE ns.nspname = current_schema() AND cl.relname = ANY(:t) AND co.contype IN ('u', 'f')"
        ),
        {"t": tables},
    ).all()
    con_names = {r[1] for r in cons}
    for rel, name, _definition, _typ in cons:
        drop.append(f'ALTER TABLE {rel} DROP CONSTRAINT "{name}"')
    idx = c.execute(
        text(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(:t) AND indexname NOT LIKE '%_pkey'"
        ),
        {"t": tables},
    ).all()
    for _rel, name, definition in idx:
        if name in con_names:
            continue
        drop.append(f'DROP INDEX "{name}"')
        create.append(definition)
    # unique constraints first (they are indexes), foreign keys last (validated by one join each)
    create += [f'ALTER TABLE {r} ADD CONSTRAINT "{n}" {d}' for r, n, d, t in cons if t == "u"]
    create += [f'ALTER TABLE {r} ADD CONSTRAINT "{n}" {d}' for r, n, d, t in cons if t == "f"]
    return drop, create


def _ddl_name(stmt: str) -> str:
    m = re.search(r'(?:INDEX|CONSTRAINT) "?(\w+)"?', stmt)
    return m.group(1) if m else stmt[:40]


def build(url: str, n: int, seed: int, progress=print) -> dict:
    """(Re)create schema scale_<n>, load it, rebuild indexes, vacuum; returns and stores the marker."""
    from storage import migrate

    schema = schema_name(n)
    admin = create_engine(url)
    with admin.begin() as c:
        c.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        c.execute(text(f'CREATE SCHEMA "{schema}"'))
    admin.dispose()
    eng = schema_engine(url, schema)
    migrate.ensure_schema(eng)
    t_all = time.perf_counter()
    with eng.begin() as c:
        drop, create = _bulk_ddl(c)
        for s in drop:
            c.execute(text(s))
    raw = eng.raw_connection()
    try:
        con = raw.driver_connection
        counts = generate(n, seed, con, progress)
        con.commit()
        t0 = time.perf_counter()
        cur = con.cursor()
        cur.execute("SET maintenance_work_mem = '1GB'")
        cur.execute("SET max_parallel_maintenance_workers = 1")
        index_s: dict[str, float] = {}
        for s in create:
            t1 = time.perf_counter()
            cur.execute(s)
            con.commit()
            index_s[_ddl_name(s)] = round(time.perf_counter() - t1, 2)
        for table in BULK_TABLES:
            cur.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT coalesce(max(id), 1) FROM {table}))"
            )
        con.commit()
        counts.seconds["indexes"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        con.autocommit = True
        for table in BULK_TABLES:
            cur.execute(f"VACUUM (ANALYZE) {table}")
        counts.seconds["vacuum_analyze"] = time.perf_counter() - t0
    finally:
        raw.close()
    counts.seconds["total"] = time.perf_counter() - t_all
    marker = {
        "format": FORMAT,
        "agencies": n,
        "seed": seed,
        "years": list(YEARS),
        "built_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "counts": {
            "agencies": counts.agencies,
            "aliases": counts.aliases,
            "reports": counts.reports,
            "values": counts.values,
            "findings": counts.findings,
            "events": counts.events,
        },
        "build_seconds": {k: round(v, 1) for k, v in counts.seconds.items()},
        "index_seconds": index_s,
    }
    with eng.begin() as c:
        c.execute(
            text("INSERT INTO app_meta (key, value) VALUES (:k, :v)"),
            {"k": MARKER, "v": json.dumps(marker, ensure_ascii=False)},
        )
    eng.dispose()
    return marker


def ensure(url: str, n: int, seed: int, progress=print) -> tuple[dict, bool]:
    """The marker of a ready store of size n (built now when missing or of another format/seed)."""
    eng = schema_engine(url, schema_name(n))
    marker = read_marker(eng)
    eng.dispose()
    if marker and marker.get("format") == FORMAT and marker.get("seed") == seed:
        return marker, False
    return build(url, n, seed, progress), True
