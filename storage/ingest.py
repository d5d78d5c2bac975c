"""Persistence of parsed reports: one transaction per file, so a bad file never leaves anything behind.

The ingest use case (finding files, reading them, parsing in workers, the summary) is service.ingest;
this module only writes a ParsedReport and its IngestEvent, and keeps every version of a report.

Outcomes (each also recorded as an `IngestEvent`):
- stored     a new agency+year;
- unchanged  the same bytes or the same decoded text are already the current version, or an older
             version that a later file replaced (unless forced), so nothing but the event is written;
- replaced   a new file for an agency+year already stored: the report row is kept (same id), its values
             and findings are swapped for the new ones, `replaced_count` goes up and the event keeps the
             previous hash; the previous version stays in report_version (nothing is ever lost);
- rejected   the parser refused the file, or its values cannot be stored: only the event is written.

Speed (10,000 reports into SQLite within 2 minutes, parse included): rows are written with Core
statements built once and the values with one driver-level executemany per report.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from reports import exact
from storage.cells import replace_cells
from storage.history import finding_row, history_findings
from storage.models import (
    Agency,
    AgencyAlias,
    IndicatorValue,
    IngestEvent,
    Report,
    ReportFinding,
    ReportVersion,
)

log = logging.getLogger(__name__)

MAX_VALUE_TEXT = 100  # indicator_value.value_text length: a longer "number" is refused, not cut

Parser = Callable[[bytes, str], Any]  # (data, file_name) -> reports.model.ParsedReport


@dataclass(eq=False)
class IngestResult:
    """What happened to one file. Compares equal to its outcome string, so `result == "stored"` works."""

    outcome: str  # stored|unchanged|replaced|rejected|skipped (skipped: never offered to the parser)
    reason: str = ""
    report_id: int | None = None
    agency: str | None = None
    year: int | None = None
    template: str | None = None
    values: int = 0
    findings: int = 0
    file_name: str = ""
    file_hash: str = ""
    code: str = ""  # ReportError.code for rejected files
    previous_hash: str | None = None
    path: str = ""

    def __eq__(self, other: object) -> bool:
        if isinstance(other, str):
            return self.outcome == other
        if isinstance(other, IngestResult):
            return self.__dict__ == other.__dict__
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    @property
    def flagged(self) -> bool:
        return self.outcome in {"stored", "replaced"} and self.findings > 0


def _now() -> datetime:
    return datetime.now(UTC)


# --------------------------------------------------------------------------- writing one parsed report
# Core statements on the session's connection: the ORM unit of work costs several ms per report, which
# matters at 10,000 reports. Same transaction either way.

AGENCY = Agency.__table__
ALIAS = AgencyAlias.__table__
REPORT = Report.__table__
VALUE = IndicatorValue.__table__
FINDING = ReportFinding.__table__
EVENT = IngestEvent.__table__
SAME_FILE = "同一文件已入库 (same file already stored)"
SAME_TEXT = "同一内容已入库（编码不同） (same text already stored, in another encoding)"

# Built once: constructing a statement costs more CPU than running it on SQLite.
_AGENCY_BY_NAME = select(AGENCY).where(AGENCY.c.name == bindparam("name"))
_REPORT_BY_AGENCY_YEAR = select(
    REPORT.c.id, REPORT.c.file_hash, REPORT.c.file_name, REPORT.c.replaced_count
).where(REPORT.c.agency_id == bindparam("agency_id"), REPORT.c.year == bindparam("year"))
VERSION = ReportVersion.__table__
# An older version of this report: its bytes or its decoded text (a replaced file is in report_version;
# one replaced before versions existed only in the event log).
_SUPERSEDED = (
    select(VERSION.c.id)
    .where(
        VERSION.c.report_id == bindparam("report_id"),
        (VERSION.c.file_hash == bindparam("file_hash")) | (VERSION.c.text_hash == bindparam("text_hash")),
    )
    .union_all(
        select(EVENT.c.id).where(
            EVENT.c.report_id == bindparam("report_id"),
            EVENT.c.file_hash == bindparam("file_hash"),
            EVENT.c.outcome.in_(("stored", "replaced")),
        )
    )
    .limit(1)
)
_CURRENT_TEXT_HASH = select(VERSION.c.text_hash).where(
    VERSION.c.report_id == bindparam("report_id"), VERSION.c.current.is_(True)
)
_INSERT_AGENCY = insert(AGENCY)
_INSERT_REPORT = insert(REPORT)
_INSERT_EVENT = insert(EVENT)
_REGISTRY_ALIAS = select(ALIAS.c.agency_id).where(
    ALIAS.c.alias == bindparam("alias"), ALIAS.c.source == "registry"
)
_ALIASES_OF = select(ALIAS.c.alias).where(ALIAS.c.agency_id == bindparam("agency_id"))
_REPORT_BY_HASH = (
    select(REPORT.c.id, REPORT.c.year, REPORT.c.template, AGENCY.c.name)
    .join(AGENCY, AGENCY.c.id == REPORT.c.agency_id)
    .where(REPORT.c.file_hash == bindparam("file_hash"))
    .limit(1)
)


def _agency_fields(identity: Any) -> dict[str, Any]:
    path = [p for p in (identity.region_path or []) if p]
    return {
        "name": identity.agency.strip()[:200],
        "kind": identity.kind or "other",
        "region_path": "/".join(path)[:300],
        "region": (path[-1] if path else "")[:100],
    }


def _upsert_agency(conn: Connection, identity: Any, existing: Any, now: datetime) -> int:
    """Insert the agency, or fill what an older row (registry, earlier report) lacks; never erase."""
    fields = _agency_fields(identity)
    if existing is None:
        res = conn.execute(
            _INSERT_AGENCY, {**fields, "first_year": identity.year, "source": "report", "created_at": now}
        )
        return int(res.inserted_primary_key[0])
    changes: dict[str, Any] = {}
    if fields["region_path"] and not existing.region_path:
        changes.update(region_path=fields["region_path"], region=fields["region"])
    if (not existing.kind or existing.kind == "other") and fields["kind"] != "other":
        changes["kind"] = fields["kind"]
    if existing.source == "report" and (existing.first_year is None or identity.year < existing.first_year):
        changes["first_year"] = identity.year
    if changes:
        conn.execute(update(AGENCY).where(AGENCY.c.id == existing.id).values(**changes))
    return int(existing.id)


def _add_aliases(conn: Connection, agency_id: int, name: str, aliases: Iterable[str]) -> None:
    wanted: list[str] = []
    for alias in aliases or []:
        alias = (alias or "").strip()[:200]
        if alias and alias != name and alias not in wanted:
            wanted.append(alias)
    if not wanted:
        return
    have = set(conn.execute(_ALIASES_OF, {"agency_id": agency_id}).scalars())
    rows = [{"agency_id": agency_id, "alias": a, "source": "ingest"} for a in wanted if a not in have]
    if rows:
        conn.execute(insert(ALIAS), rows)


def _value_rows(report_id: int, parsed: Any) -> list[dict[str, Any]]:
    rows: dict[str, dict[str, Any]] = {}
    for v in parsed.values:
        if v.value is None or v.key in rows:  # a blank cell is absent; first occurrence wins (parser order)
            continue
        number = exact.to_exact(v.value)  # raises for inf/nan/non-numbers: the report is rejected whole
        text = exact.text(number)
        if len(text) > MAX_VALUE_TEXT:
            raise ValueError(f"{v.key}: a number of {len(text)} characters (at most {MAX_VALUE_TEXT})")
        rows[v.key] = {
            "report_id": report_id,
            "indicator": v.key[:120],
            "value": exact.order_key(number),
            "value_text": text,
            "unit": (v.unit or "")[:12],
            "line_no": int(v.line_no or 0),
            "line_text": (v.line_text or "")[:2000],
            "origin": (v.origin or "table")[:10],
            "section": (v.section or "")[:200],
            "row_label": (v.row_label or "")[:300],
            "column_label": (v.column_label or "")[:200],
        }
    return list(rows.values())


@dataclass(slots=True)
class _Found:
    """Findings made at ingest (other years read from the store), shaped like a parsed report's."""

    findings: list[Any]


def _finding_rows(report_id: int, parsed: Any) -> list[dict[str, Any]]:
    return [finding_row(report_id, f) for f in parsed.findings]


_COLUMNS_SQL: dict[tuple[str, str, tuple[str, ...]], str] = {}


def _insert_many(conn: Connection, table: Any, rows: list[dict[str, Any]]) -> None:
    """executemany straight on the driver for plain columns (no JSON/dates): SQLAlchemy's per-row
    parameter processing was the largest CPU cost of an ingest. Same transaction as everything else."""
    cols = tuple(rows[0])
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg" and len(rows) > 8:
        _copy_rows(conn, table.name, cols, rows)
        return
    style = conn.dialect.paramstyle
    key = (table.name, style, cols)
    sql = _COLUMNS_SQL.get(key)
    if sql is None:
        mark = "?" if style == "qmark" else "%s" if style in {"format", "pyformat"} else None
        if mark is None:  # pragma: no cover - an unusual driver: let SQLAlchemy do it
            conn.execute(insert(table), rows)
            return
        quote = conn.dialect.identifier_preparer.quote
        sql = (
            f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in cols)}) "
            f"VALUES ({', '.join([mark] * len(cols))})"
        )
        _COLUMNS_SQL[key] = sql
    conn.exec_driver_sql(sql, list(map(itemgetter(*cols), rows)))


def _copy_rows(conn: Connection, table: str, cols: tuple[str, ...], rows: list[dict[str, Any]]) -> None:
    """PostgreSQL: COPY the rows in (one round trip instead of a pipelined INSERT per row; 2–3× faster
    ingest). Same connection, so same transaction as everything else."""
    quote = conn.dialect.identifier_preparer.quote
    cursor = conn.connection.dbapi_connection.cursor()
    try:
        with cursor.copy(f"COPY {quote(table)} ({', '.join(quote(c) for c in cols)}) FROM STDIN") as copy:
            for row in map(itemgetter(*cols), rows):
                copy.write_row(row)
    finally:
        cursor.close()


def _event(conn: Connection, result: IngestResult, now: datetime) -> None:
    conn.execute(
        _INSERT_EVENT,
        {
            "at": now,
            "file_name": (result.file_name or "")[:500],
            "file_hash": result.file_hash or "",
            "outcome": result.outcome,
            "reason": (result.reason or "")[:1000],
            "report_id": result.report_id,
            "previous_hash": result.previous_hash,
        },
    )


_VALUE_FIELDS = (
    "indicator",
    "value",
    "value_text",
    "unit",
    "line_no",
    "line_text",
    "origin",
    "section",
    "row_label",
    "column_label",
)
_FINDING_FIELDS = (
    "rule", "message", "indicators", "values", "expected", "actual", "expected_text", "actual_text", "line_no",
)
_FINDING_TEXTS = ("expected_text", "actual_text")


def _stored_value_rows(conn: Connection, report_id: int) -> list[dict[str, Any]]:
    """A report's stored value rows shaped as `_value_rows` makes them (value_text as its exact text:
    "3.30" and "3.3" differ, and the rows go back into JSON and the driver as text)."""
    rows = conn.execute(select(*[VALUE.c[f] for f in _VALUE_FIELDS]).where(VALUE.c.report_id == report_id))
    return [{**r._mapping, "value_text": exact.text(r.value_text)} for r in rows]


def _stored_finding_rows(conn: Connection, report_id: int) -> list[dict[str, Any]]:
    """A report's stored findings shaped as `_finding_rows` makes them (exact numbers as their text)."""
    rows = conn.execute(
        select(*[FINDING.c[f] for f in _FINDING_FIELDS])
        .where(FINDING.c.report_id == report_id)
        .order_by(FINDING.c.id)
    )
    return [
        {**r._mapping, **{k: None if r._mapping[k] is None else exact.text(r._mapping[k]) for k in _FINDING_TEXTS}}
        for r in rows
    ]


def _same_content(conn: Connection, report_id: int, values: list[dict], findings: list[dict]) -> bool:
    """Would re-writing this report change anything a user can see?"""
    have_v = sorted(tuple(r.values()) for r in _stored_value_rows(conn, report_id))
    new_v = sorted(tuple(v[f] for f in _VALUE_FIELDS) for v in values)
    if have_v != new_v:
        return False
    have_f = [tuple(repr(r[k]) for k in _FINDING_FIELDS) for r in _stored_finding_rows(conn, report_id)]
    return have_f == [tuple(repr(f[k]) for k in _FINDING_FIELDS) for f in findings]


def _target(conn: Connection, ident: Any) -> tuple[Any, Any, str]:
    """(agency row or None, current report row or None, stored name) for the parsed identity."""
    name = ident.agency.strip()[:200]
    if not name:
        raise ValueError("the parser returned no agency name")
    existing = conn.execute(_AGENCY_BY_NAME, {"name": name}).first()
    if existing is None:
        # A name the registry lists as another form of a known body (curated, unlike learned short forms).
        ids = conn.execute(_REGISTRY_ALIAS, {"alias": name}).scalars().all()
        if len(set(ids)) == 1:
            existing = conn.execute(select(AGENCY).where(AGENCY.c.id == ids[0])).first()
            name = existing.name
    report = None
    if existing is not None:
        report = conn.execute(_REPORT_BY_AGENCY_YEAR, {"agency_id": existing.id, "year": ident.year}).first()
    return existing, report, name


def _unchanged_reason(
    conn: Connection, report: Any, parsed: Any, text_hash: str, *, reparse: bool, force: bool
) -> tuple[str, bool]:
    """(why nothing is written, or "", whether this is a re-parse of the current file)."""
    report_id = int(report.id)
    current_text = conn.execute(_CURRENT_TEXT_HASH, {"report_id": report_id}).scalar()
    same = report.file_hash == parsed.file_hash or (bool(current_text) and current_text == text_hash)
    if same and reparse:
        values, findings = _value_rows(report_id, parsed), _finding_rows(report_id, parsed)
        if _same_content(conn, report_id, values, findings):
            return "重新解析，数值未变 (re-parsed: same values)", False
        return "", True
    if same:
        return SAME_FILE if report.file_hash == parsed.file_hash else SAME_TEXT, False
    if force:
        return "", False
    older = conn.execute(
        _SUPERSEDED, {"report_id": report_id, "file_hash": parsed.file_hash, "text_hash": text_hash}
    ).first()
    if older is not None:
        return (
            f"旧版本，已被 {report.file_name or '新文件'} 替换；要恢复它请用 --force 或 restore "
            "(older version; superseded by a newer file: use --force or restore to bring it back)",
            False,
        )
    return "", False


def _report_fields(parsed: Any, now: datetime) -> dict[str, Any]:
    return {
        "template": parsed.template,
        "title": (parsed.identity.title or "")[:500],
        "file_name": (parsed.file_name or "")[:500],
        "file_hash": parsed.file_hash or "",
        "ingested_at": now,
        "warnings": [str(w) for w in (parsed.warnings or [])],
    }


def store_parsed(
    session: Session,
    parsed: Any,
    *,
    now: datetime | None = None,
    reparse: bool = False,
    force: bool = False,
    text_hash: str = "",
) -> IngestResult:
    """Write one ParsedReport inside the caller's transaction and record the IngestEvent.

    Returns an IngestResult whose `outcome` is stored, unchanged or replaced. The caller commits.
    Unchanged covers the same bytes or decoded text (`text_hash`), and an older version that a later
    file replaced (so re-running a folder holding both does not flip the store back and forth) unless
    `force`, which makes the older file current again. `reparse=True` (after a parser upgrade): the same
    file re-parsed to different numbers is rewritten ("replaced", `replaced_count` unchanged).
    Every stored or replaced version is appended to report_version; nothing is deleted from it.
    """
    now = now or _now()
    conn = session.connection()
    ident = parsed.identity
    text_hash = text_hash or parsed.file_hash or ""
    existing, report, name = _target(conn, ident)
    base = {
        "agency": name,
        "year": ident.year,
        "template": parsed.template,
        "file_name": (parsed.file_name or "")[:500],
        "file_hash": parsed.file_hash or "",
    }
    reparsed = False
    if report is not None:
        reason, reparsed = _unchanged_reason(conn, report, parsed, text_hash, reparse=reparse, force=force)
        if reason:
            result = IngestResult("unchanged", reason, report.id, **base)
            _event(conn, result, now)
            return result
    agency_id = _upsert_agency(conn, ident, existing, now)
    _add_aliases(conn, agency_id, name, ident.aliases)
    fields = _report_fields(parsed, now)
    values = _value_rows(0, parsed)
    findings = _finding_rows(0, parsed)
    previous_hash: str | None = None
    if report is None:
        outcome, reason = "stored", ""
        res = conn.execute(
            _INSERT_REPORT, {"agency_id": agency_id, "year": ident.year, "replaced_count": 0, **fields}
        )
        report_id = int(res.inserted_primary_key[0])
    else:
        outcome, report_id, previous_hash = "replaced", int(report.id), report.file_hash
        if reparsed:
            reason = "用当前解析器重新解析，数值有变化 (re-parsed with the current parser: values changed)"
        else:
            reason = (
                f"替换了旧版本 {report.file_name} (replaced the previous file, sha256 {previous_hash[:12]}…；"
                "旧版本已保留，见 history)"
            )
        _keep_previous(conn, report)
        count = (report.replaced_count or 0) + (0 if reparsed else 1)
        conn.execute(update(REPORT).where(REPORT.c.id == report_id).values(replaced_count=count, **fields))
    findings += _finding_rows(0, _Found(history_findings(conn, agency_id, ident.year, parsed)))
    _write_rows(conn, report_id, values, findings)
    replace_cells(conn, report_id, parsed)
    _append_version(conn, report_id, fields, text_hash, values, findings)
    result = IngestResult(
        outcome,
        reason,
        report_id,
        values=len(values),
        findings=len(findings),
        previous_hash=previous_hash,
        **base,
    )
    _event(conn, result, now)
    return result


# --------------------------------------------------------------------------- versions


def _write_rows(conn: Connection, report_id: int, values: list[dict], findings: list[dict]) -> None:
    """Make these the report's current values and findings (the previous ones are in report_version)."""
    conn.execute(delete(VALUE).where(VALUE.c.report_id == report_id))
    conn.execute(delete(FINDING).where(FINDING.c.report_id == report_id))
    if values:
        _insert_many(conn, VALUE, [{**v, "report_id": report_id} for v in values])
    if findings:
        conn.execute(insert(FINDING), [{**f, "report_id": report_id} for f in findings])


def _snapshot(rows: list[dict]) -> list[dict]:
    return [{k: v for k, v in r.items() if k != "report_id"} for r in rows]


def _append_version(
    conn: Connection, report_id: int, fields: dict, text_hash: str, values: list[dict], findings: list[dict]
) -> int:
    """Append a version and mark it the only current one."""
    conn.execute(update(VERSION).where(VERSION.c.report_id == report_id).values(current=False))
    res = conn.execute(
        insert(VERSION),
        {
            "report_id": report_id,
            "file_name": fields["file_name"],
            "file_hash": fields["file_hash"],
            "text_hash": text_hash or fields["file_hash"],
            "template": fields["template"],
            "title": fields["title"],
            "ingested_at": fields["ingested_at"],
            "current": True,
            "values": _snapshot(values),
            "findings": _snapshot(findings),
            "warnings": fields["warnings"],
        },
    )
    return int(res.inserted_primary_key[0])


def _keep_previous(conn: Connection, report: Any) -> None:
    """A report stored before versions existed gets its current rows saved as a version first."""
    report_id = int(report.id)
    if conn.execute(select(VERSION.c.id).where(VERSION.c.report_id == report_id).limit(1)).first():
        return
    row = conn.execute(select(REPORT).where(REPORT.c.id == report_id)).one()
    values = _stored_value_rows(conn, report_id)
    findings = _stored_finding_rows(conn, report_id)
    fields = {
        k: row._mapping[k] for k in ("file_name", "file_hash", "template", "title", "ingested_at", "warnings")
    }
    _append_version(conn, report_id, fields, row.file_hash, values, findings)


# --------------------------------------------------------------------------- one file


def _unchanged_by_hash(conn: Connection, file_hash: str) -> IngestResult | None:
    """Same bytes as a current report → unchanged, without parsing (cheap: file_hash is indexed)."""
    row = conn.execute(_REPORT_BY_HASH, {"file_hash": file_hash}).first()
    if row is None:
        return None
    return IngestResult("unchanged", SAME_FILE, row.id, row.name, row.year, row.template, file_hash=file_hash)


def record_event(engine: Engine, result: IngestResult, now: datetime) -> None:
    with engine.begin() as conn:
        _event(conn, result, now)


def store(
    engine: Engine,
    parsed: Any,
    file_name: str,
    file_hash: str,
    now: datetime,
    reparse: bool = False,
    *,
    force: bool = False,
    text_hash: str = "",
) -> IngestResult:
    """One transaction for one parsed report; a failure rolls it all back and the file is rejected.

    A lost database connection (sqlalchemy OperationalError) is raised: the caller decides to retry."""
    for attempt in range(2):  # a concurrent writer may win the race for the same agency name
        try:
            with Session(engine, expire_on_commit=False) as session:
                with session.begin():
                    result = store_parsed(
                        session, parsed, now=now, reparse=reparse, force=force, text_hash=text_hash
                    )
            result.file_name = file_name
            return result
        except IntegrityError as err:
            if not attempt:
                continue
            reason, code = f"写入冲突 (database conflict: {err.orig})", "conflict"
        except (ValueError, TypeError, ArithmeticError) as err:
            # Parser output the schema cannot hold: the transaction is rolled back, the file is refused.
            log.exception("cannot store %s", file_name)
            reason, code = (
                f"数据无法入库 (cannot store parsed values: {type(err).__name__}: {err})",
                "invalid_values",
            )
        result = IngestResult("rejected", reason[:1000], file_name=file_name, file_hash=file_hash, code=code)
        record_event(engine, result, now)
        return result
    raise AssertionError("unreachable")


def known(engine: Engine, file_hash: str, file_name: str, now: datetime) -> IngestResult | None:
    """Unchanged (and its event recorded) when these exact bytes are already a current report."""
    with engine.begin() as conn:
        found = _unchanged_by_hash(conn, file_hash)
        if found is not None:
            found.file_name = file_name
            _event(conn, found, now)
    return found


def is_known(engine: Engine, file_hash: str) -> bool:
    """Are these exact bytes a current report (no event written)? Lets a caller skip parsing them."""
    with engine.connect() as conn:
        return conn.execute(_REPORT_BY_HASH, {"file_hash": file_hash}).first() is not None


# --------------------------------------------------------------------------- history and restore


@dataclass
class VersionInfo:
    """One stored version of a report, for `history`."""

    id: int
    ingested_at: datetime
    file_name: str
    file_hash: str
    text_hash: str
    values: int
    current: bool


class NoSuchReport(LookupError):
    """No report of that agency and year (or no such version)."""


def _report_id(conn: Connection, agency: str, year: int) -> int:
    name = agency.strip()
    ids = set(conn.execute(select(AGENCY.c.id).where(AGENCY.c.name == name)).scalars())
    if not ids:
        ids = set(conn.execute(select(ALIAS.c.agency_id).where(ALIAS.c.alias == name)).scalars())
    if len(ids) != 1:
        raise NoSuchReport(
            f"找不到机关 {name} (no such agency)" if not ids else f"{name} 指向多个机关 (ambiguous)"
        )
    rid = conn.execute(_REPORT_BY_AGENCY_YEAR, {"agency_id": ids.pop(), "year": year}).first()
    if rid is None:
        raise NoSuchReport(f"{name} 没有 {year} 年的报告 (no report for {year})")
    return int(rid.id)


def history(engine: Engine, agency: str, year: int) -> list[VersionInfo]:
    """Every version of one report, oldest first (the current one marked)."""
    with engine.connect() as conn:
        report_id = _report_id(conn, agency, year)
        rows = conn.execute(select(VERSION).where(VERSION.c.report_id == report_id).order_by(VERSION.c.id))
        out = [
            VersionInfo(r.id, r.ingested_at, r.file_name, r.file_hash, r.text_hash, len(r.values), r.current)
            for r in rows
        ]
        if not out:  # stored before versions existed: the report row is its only version
            r = conn.execute(select(REPORT).where(REPORT.c.id == report_id)).one()
            n = len(conn.execute(select(VALUE.c.id).where(VALUE.c.report_id == report_id)).all())
            out.append(VersionInfo(0, r.ingested_at, r.file_name, r.file_hash, r.file_hash, n, True))
    return out


def restore(
    engine: Engine, agency: str, year: int, version: str, *, now: datetime | None = None
) -> IngestResult:
    """Make an older version current again (by version id or a prefix of its file hash).

    Append-only: the restored version is copied as a new current version, so history shows the restore."""
    now = now or _now()
    with engine.begin() as conn:
        report_id = _report_id(conn, agency, year)
        query = select(VERSION).where(VERSION.c.report_id == report_id)
        if version.isdigit():
            query = query.where(VERSION.c.id == int(version))
        else:
            query = query.where(VERSION.c.file_hash.startswith(version.lower(), autoescape=True))
        rows = conn.execute(query.order_by(VERSION.c.id.desc())).all()
        if not rows or len({r.file_hash for r in rows}) > 1:
            raise NoSuchReport(f"找不到唯一的版本 {version} (no single version {version}; see history)")
        old = rows[0]
        report = conn.execute(select(REPORT).where(REPORT.c.id == report_id)).one()
        if old.current:
            result = IngestResult("unchanged", "已是当前版本 (already the current version)", report_id)
        else:
            fields = {
                "file_name": old.file_name,
                "file_hash": old.file_hash,
                "template": old.template,
                "title": old.title,
                "ingested_at": now,
                "warnings": list(old.warnings),
            }
            _keep_previous(conn, report)
            conn.execute(update(REPORT).where(REPORT.c.id == report_id).values(**fields))
            _write_rows(conn, report_id, list(old.values), list(old.findings))
            _append_version(conn, report_id, fields, old.text_hash, list(old.values), list(old.findings))
            result = IngestResult(
                "restored",
                f"恢复了版本 {old.id} (restored version {old.id}, sha256 {old.file_hash[:12]}…)",
                report_id,
                values=len(old.values),
                findings=len(old.findings),
                previous_hash=report.file_hash,
            )
        result.agency, result.year = agency, year
        result.template, result.file_name, result.file_hash = old.template, old.file_name, old.file_hash
        _event(conn, result, now)
    return result
