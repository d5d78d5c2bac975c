"""Turn report files into rows: one transaction per file, so a bad file never leaves anything behind.

Outcomes (each also recorded as an `IngestEvent`):
- stored     a new agency+year;
- unchanged  the same bytes are already stored (or are an older version that a later file replaced),
             so nothing but the event is written and the file is not even parsed;
- replaced   a new file for an agency+year already stored: the report row is kept (same id), its values
             and findings are swapped for the new ones, `replaced_count` goes up and the event keeps the
             previous hash;
- rejected   the parser refused the file (`ReportError`, or a parser crash): only the event is written.
- skipped    (ingest_paths only) a file in a folder that is not a report (README, manifest, hidden, …).

Files that move under our feet (ingest_paths): each file is read once, and the sha256 and the parse are
both of those very bytes. A file deleted after its folder was listed is rejected as vanished; a file
that changes while it is read (size or modification time differ before and after) is read again, and
rejected as changed if it keeps changing. Either way the rest of the batch goes on.

Speed (10,000 reports into SQLite within 2 minutes, parse included): rows are written with Core
statements built once and the values with one driver-level executemany per report; `ingest_paths` parses
large batches in worker processes while this process stores the results in input order.
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from storage.cells import replace_cells
from storage.history import history_findings
from storage.models import (
    Agency,
    AgencyAlias,
    IndicatorValue,
    IngestEvent,
    Report,
    ReportFinding,
)

log = logging.getLogger(__name__)

Parser = Callable[[bytes, str], Any]  # (data, file_name) -> reports.model.ParsedReport
DEFAULT_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".docx", ".pdf"})
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
# Below PARALLEL_MIN_FILES a process pool costs more than it saves (env DISCLOSURE_INGEST_PARALLEL_MIN).
PARALLEL_MIN_FILES = 64
READ_CHUNK = 1024 * 1024
READ_ATTEMPTS = 2  # a file that changes during both reads is refused as "changed"
MAX_WORKERS = 4
OUTCOME_ZH = {
    "stored": "已入库",
    "unchanged": "未变化",
    "replaced": "已替换",
    "rejected": "已拒绝",
    "skipped": "已跳过",
}


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


def _default_parser() -> Parser:
    """reports.parse.parse_bytes, imported late: the parsers are a separate feature and may be absent."""
    from reports.parse import parse_bytes

    return parse_bytes


def _report_error() -> type[Exception]:
    from reports.model import ReportError

    return ReportError


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

# Built once: constructing a statement costs more CPU than running it on SQLite.
_AGENCY_BY_NAME = select(AGENCY).where(AGENCY.c.name == bindparam("name"))
_REPORT_BY_AGENCY_YEAR = select(
    REPORT.c.id, REPORT.c.file_hash, REPORT.c.file_name, REPORT.c.replaced_count
).where(REPORT.c.agency_id == bindparam("agency_id"), REPORT.c.year == bindparam("year"))
_SUPERSEDED = (
    select(EVENT.c.id)
    .where(
        EVENT.c.report_id == bindparam("report_id"),
        EVENT.c.file_hash == bindparam("file_hash"),
        EVENT.c.outcome.in_(("stored", "replaced")),
    )
    .limit(1)
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
        value = float(v.value)
        if not math.isfinite(value):
            raise ValueError(f"{v.key}: not a finite number ({v.value!r})")
        rows[v.key] = {
            "report_id": report_id,
            "indicator": v.key[:120],
            "value": value,
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
    out = []
    for f in parsed.findings:
        values = {k: (None if x is None else float(x)) for k, x in (f.values or {}).items()}
        out.append(
            {
                "report_id": report_id,
                "rule": (f.rule or "")[:120],
                "message": (f.message or "")[:1000],
                "indicators": list(values),
                "values": values,
                "expected": None if f.expected is None else float(f.expected),
                "actual": None if f.actual is None else float(f.actual),
                "line_no": f.line_no,
            }
        )
    return out


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
    "unit",
    "line_no",
    "line_text",
    "origin",
    "section",
    "row_label",
    "column_label",
)
_FINDING_FIELDS = ("rule", "message", "indicators", "values", "expected", "actual", "line_no")


def _same_content(conn: Connection, report_id: int, values: list[dict], findings: list[dict]) -> bool:
    """Would re-writing this report change anything a user can see?"""
    have_v = sorted(
        tuple(r)
        for r in conn.execute(
            select(*[VALUE.c[f] for f in _VALUE_FIELDS]).where(VALUE.c.report_id == report_id)
        )
    )
    new_v = sorted(tuple(v[f] for f in _VALUE_FIELDS) for v in values)
    if have_v != new_v:
        return False
    have_f = [
        tuple(repr(x) for x in r)
        for r in conn.execute(
            select(*[FINDING.c[f] for f in _FINDING_FIELDS])
            .where(FINDING.c.report_id == report_id)
            .order_by(FINDING.c.id)
        )
    ]
    return have_f == [tuple(repr(f[k]) for k in _FINDING_FIELDS) for f in findings]


def store_parsed(
    session: Session, parsed: Any, *, now: datetime | None = None, reparse: bool = False
) -> IngestResult:
    """Write one ParsedReport inside the caller's transaction and record the IngestEvent.

    Returns an IngestResult whose `outcome` is stored, unchanged or replaced. The caller commits.
    Unchanged covers the same bytes, and an older file for this agency+year that a later file replaced
    (so re-running a folder holding both versions does not flip the store back and forth).
    `reparse=True` (after a parser upgrade): the same bytes re-parsed to different numbers are rewritten
    in place ("replaced", same hash, `replaced_count` unchanged since no new version was published).
    """
    now = now or _now()
    conn = session.connection()
    ident = parsed.identity
    file_name = (parsed.file_name or "")[:500]
    file_hash = parsed.file_hash or ""
    name = ident.agency.strip()[:200]
    if not name:
        raise ValueError("the parser returned no agency name")
    base = {
        "agency": name,
        "year": ident.year,
        "template": parsed.template,
        "file_name": file_name,
        "file_hash": file_hash,
    }
    existing = conn.execute(_AGENCY_BY_NAME, {"name": name}).first()
    if existing is None:
        # A name the registry lists as another form of a known body (curated, unlike learned short forms).
        ids = conn.execute(_REGISTRY_ALIAS, {"alias": name}).scalars().all()
        if len(set(ids)) == 1:
            existing = conn.execute(select(AGENCY).where(AGENCY.c.id == ids[0])).first()
            name = existing.name
            base["agency"] = name
    report = None
    if existing is not None:
        report = conn.execute(_REPORT_BY_AGENCY_YEAR, {"agency_id": existing.id, "year": ident.year}).first()
    reparsed = False
    if report is not None:
        reason = ""
        if report.file_hash == file_hash and reparse:
            values = _value_rows(int(report.id), parsed)
            findings = _finding_rows(int(report.id), parsed)
            if _same_content(conn, int(report.id), values, findings):
                reason = "重新解析，数值未变 (re-parsed: same values)"
            else:
                reparsed = True
        elif report.file_hash == file_hash:
            reason = SAME_FILE
        elif conn.execute(_SUPERSEDED, {"report_id": report.id, "file_hash": file_hash}).first():
            reason = f"旧版本，已被 {report.file_name or '新文件'} 替换 (older version; superseded by a newer file)"
        if reason:
            result = IngestResult("unchanged", reason, report.id, **base)
            _event(conn, result, now)
            return result

    agency_id = _upsert_agency(conn, ident, existing, now)
    _add_aliases(conn, agency_id, name, ident.aliases)
    fields = {
        "template": parsed.template,
        "title": (ident.title or "")[:500],
        "file_name": file_name,
        "file_hash": file_hash,
        "ingested_at": now,
        "warnings": [str(w) for w in (parsed.warnings or [])],
    }
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
                f"替换了旧版本 {report.file_name} (replaced the previous file, sha256 {previous_hash[:12]}…)"
            )
        conn.execute(delete(VALUE).where(VALUE.c.report_id == report_id))
        conn.execute(delete(FINDING).where(FINDING.c.report_id == report_id))
        count = (report.replaced_count or 0) + (0 if reparsed else 1)
        conn.execute(update(REPORT).where(REPORT.c.id == report_id).values(replaced_count=count, **fields))
    values = _value_rows(report_id, parsed)
    if values:
        _insert_many(conn, VALUE, values)
    findings = _finding_rows(report_id, parsed)
    findings += _finding_rows(report_id, _Found(history_findings(conn, agency_id, ident.year, parsed)))
    if findings:
        conn.execute(insert(FINDING), findings)
    replace_cells(conn, report_id, parsed)
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


# --------------------------------------------------------------------------- one file


def _unchanged_by_hash(conn: Connection, file_hash: str) -> IngestResult | None:
    """Same bytes as a current report → unchanged, without parsing (cheap: file_hash is indexed)."""
    row = conn.execute(_REPORT_BY_HASH, {"file_hash": file_hash}).first()
    if row is None:
        return None
    return IngestResult("unchanged", SAME_FILE, row.id, row.name, row.year, row.template, file_hash=file_hash)


def _record_event(engine: Engine, result: IngestResult, now: datetime) -> None:
    with engine.begin() as conn:
        _event(conn, result, now)


def _parse_safely(
    parse: Parser, data: bytes, file_name: str, file_hash: str
) -> tuple[Any, IngestResult | None]:
    """(ParsedReport, None) or (None, a rejected result). Never raises: a bad file is an outcome."""
    report_error = _report_error()
    try:
        parsed = parse(data, file_name)
    except report_error as err:
        return None, IngestResult(
            "rejected",
            getattr(err, "reason", str(err)),
            file_name=file_name,
            file_hash=file_hash,
            code=getattr(err, "code", "invalid"),
        )
    except Exception as err:  # noqa: BLE001 - a parser bug on one file must not stop a batch
        log.exception("parser failed on %s", file_name)
        return None, IngestResult(
            "rejected",
            f"解析出错 (internal parser error: {type(err).__name__}: {err})"[:1000],
            file_name=file_name,
            file_hash=file_hash,
            code="internal",
        )
    parsed.file_name = parsed.file_name or file_name
    parsed.file_hash = file_hash  # the hash of the bytes that were parsed, whatever the parser says
    return parsed, None


def _store(
    engine: Engine, parsed: Any, file_name: str, file_hash: str, now: datetime, reparse: bool = False
) -> IngestResult:
    """One transaction for one parsed report; a failure rolls it all back and the file is rejected."""
    for attempt in range(2):  # a concurrent writer may win the race for the same agency name
        try:
            with Session(engine, expire_on_commit=False) as session:
                with session.begin():
                    result = store_parsed(session, parsed, now=now, reparse=reparse)
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
        _record_event(engine, result, now)
        return result
    raise AssertionError("unreachable")


def _known(engine: Engine, file_hash: str, file_name: str, now: datetime) -> IngestResult | None:
    """Unchanged (and its event recorded) when these exact bytes are already a current report."""
    with engine.begin() as conn:
        known = _unchanged_by_hash(conn, file_hash)
        if known is not None:
            known.file_name = file_name
            _event(conn, known, now)
    return known


def ingest_bytes(
    engine: Engine,
    data: bytes,
    file_name: str,
    *,
    parser: Parser | None = None,
    now: datetime | None = None,
    reparse: bool = False,
) -> IngestResult:
    """Parse and store one file in one transaction. Never raises for a bad file: it is `rejected`.

    `reparse=True` parses even bytes already stored (after a parser upgrade); see `store_parsed`.
    """
    now = now or _now()
    file_name = (file_name or "")[:500]
    data = bytes(data)  # a snapshot: a bytearray the caller still holds cannot change between hash and parse
    file_hash = hashlib.sha256(data).hexdigest()
    known = None if reparse else _known(engine, file_hash, file_name, now)
    if known is not None:
        return known
    parsed, rejected = _parse_safely(parser or _default_parser(), data, file_name, file_hash)
    if rejected is not None:
        _record_event(engine, rejected, now)
        return rejected
    return _store(engine, parsed, file_name, file_hash, now, reparse)


# --------------------------------------------------------------------------- many files


@dataclass
class IngestSummary:
    """Everything one `ingest` run did, file by file."""

    results: list[IngestResult] = field(default_factory=list)

    def by(self, outcome: str) -> list[IngestResult]:
        return [r for r in self.results if r.outcome == outcome]

    @property
    def stored(self) -> list[IngestResult]:
        return self.by("stored")

    @property
    def unchanged(self) -> list[IngestResult]:
        return self.by("unchanged")

    @property
    def replaced(self) -> list[IngestResult]:
        return self.by("replaced")

    @property
    def rejected(self) -> list[IngestResult]:
        return self.by("rejected")

    @property
    def skipped(self) -> list[IngestResult]:
        return self.by("skipped")

    @property
    def flagged(self) -> list[IngestResult]:
        return [r for r in self.results if r.flagged]

    def counts(self) -> dict[str, int]:
        keys = ("stored", "unchanged", "replaced", "rejected", "skipped")
        out = {k: len(self.by(k)) for k in keys}
        out["flagged"] = len(self.flagged)
        out["values"] = sum(r.values for r in self.results)
        out["findings"] = sum(r.findings for r in self.results)
        return out

    @property
    def ok(self) -> bool:
        return not self.rejected

    def render(self, *, limit: int = 50) -> str:
        """A readable bilingual summary; reasons for every rejected file (up to `limit` lines each)."""
        c = self.counts()
        lines = [
            f"共处理 {len(self.results)} 个文件 (files): 入库 stored {c['stored']} · 替换 replaced {c['replaced']}"
            f" · 未变化 unchanged {c['unchanged']} · 拒绝 rejected {c['rejected']} · 跳过 skipped {c['skipped']}",
            f"写入数值 values {c['values']} · 勾稽问题 findings {c['findings']}（涉及 {c['flagged']} 份报告 reports flagged）",
        ]

        def block(title: str, items: list[IngestResult], fmt: Callable[[IngestResult], str]) -> None:
            if not items:
                return
            lines.append(title)
            for r in items[:limit]:
                lines.append("  - " + fmt(r))
            if len(items) > limit:
                lines.append(f"  … 另有 {len(items) - limit} 个 (and {len(items) - limit} more)")

        def who(r: IngestResult) -> str:
            return f"{r.file_name}: {r.agency} {r.year} ({r.template}, {r.values} 项)"

        block("已拒绝 rejected:", self.rejected, lambda r: f"{r.path or r.file_name}: {r.reason}")
        block("已替换 replaced:", self.replaced, who)
        block("有勾稽问题 flagged:", self.flagged, lambda r: f"{who(r)} — {r.findings} 处勾稽问题 findings")
        block("已跳过 skipped:", self.skipped, lambda r: f"{r.path or r.file_name}: {r.reason}")
        if self.stored and len(self.stored) <= 20:
            block("已入库 stored:", self.stored, who)
        return "\n".join(lines)


def _supported_suffixes() -> frozenset[str]:
    try:
        from reports.readers import SUPPORTED_SUFFIXES
    except Exception:  # noqa: BLE001 - readers are another feature; fall back to the documented list
        return DEFAULT_SUFFIXES
    return frozenset(s.lower() for s in SUPPORTED_SUFFIXES)


def _max_bytes() -> int:
    try:
        from reports.readers import MAX_BYTES
    except Exception:  # noqa: BLE001
        return DEFAULT_MAX_BYTES
    return int(MAX_BYTES)


def _skip_reason(path: Path) -> str | None:
    """Why a file found inside a folder is not a report (None = try it)."""
    name = path.name
    low = name.lower()
    if name.startswith(".") or name.startswith("~$"):
        return "隐藏或临时文件 (hidden/temporary file)"
    if low.startswith("readme"):
        return "说明文件 (README)"
    if low.endswith(".expected.json"):
        return "期望值文件 (expected values)"
    if low.startswith("manifest") or low in {"files.json", "index.json", "checksums.txt", "sha256sums"}:
        return "清单文件 (manifest)"
    if path.suffix.lower() not in _supported_suffixes():
        return f"不支持的文件类型 (unsupported type {path.suffix or 'without suffix'})"
    return None


def expand_paths(paths: Iterable[str | Path]) -> Iterator[tuple[Path, str | None]]:
    """(file, skip reason or None) for each file; folders recursively in sorted order, hidden dirs skipped."""
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p).parts
                if any(part.startswith(".") for part in rel[:-1]) or not child.is_file():
                    continue
                yield child, _skip_reason(child)
        else:
            yield p, None  # named explicitly: always offered to the parser (or reported missing)


def _worker_count(n_files: int, workers: int | None) -> int:
    """Parsing is CPU-bound and storing is not: big batches parse in worker processes."""
    if workers is None:
        env = os.environ.get("DISCLOSURE_INGEST_WORKERS", "")
        floor = os.environ.get("DISCLOSURE_INGEST_PARALLEL_MIN", "")
        threshold = int(floor) if floor.isdigit() else PARALLEL_MIN_FILES
        if env.isdigit():
            workers = int(env)
        else:
            workers = 1 if n_files < threshold else min(os.cpu_count() or 1, MAX_WORKERS)
    return max(1, workers)


def _parse_job(job: tuple[bytes, str, str, Parser | None]) -> tuple[Any, IngestResult | None]:
    """Runs in a worker process: parse one file (the result is pickled back to the parent)."""
    data, file_name, file_hash, parser = job
    return _parse_safely(parser or _default_parser(), data, file_name, file_hash)


def _forget_connections(engine: Engine) -> None:
    """In a forked worker: drop the parent's pooled connections without closing the parent's sockets."""
    engine.dispose(close=False)


class _Pending:
    """A file read, hashed and not yet known: waiting for its parse."""

    __slots__ = ("path", "data", "file_hash", "future")

    def __init__(self, path: Path, data: bytes, file_hash: str) -> None:
        self.path, self.data, self.file_hash, self.future = path, data, file_hash, None


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    progress: bool = True,
    *,
    parser: Parser | None = None,
    now: datetime | None = None,
    workers: int | None = None,
    reparse: bool = False,
) -> IngestSummary:
    """Ingest files and folders; every file gets its own transaction and one bad file never stops the rest.

    With many files, parsing runs in `workers` processes (default: up to 4, by CPU count; env
    DISCLOSURE_INGEST_WORKERS) while this process stores results in input order, one transaction each.
    `reparse=True` re-parses files already stored (after a parser upgrade) and rewrites changed ones.
    """
    paths = list(paths)
    named = {Path(p) for p in paths if not Path(p).is_dir()}  # the rest were found by listing a folder
    files = list(expand_paths(paths))
    summary = IngestSummary()
    max_bytes = _max_bytes()
    n_workers = _worker_count(sum(1 for _, skip in files if skip is None), workers)
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=len(files), unit="file", file=sys.stderr, desc="ingest", dynamic_ncols=True)

    def done(result: IngestResult) -> None:
        summary.results.append(result)
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(result.outcome, refresh=False)

    try:
        if n_workers > 1:
            _ingest_parallel(engine, files, max_bytes, parser, now, n_workers, done, reparse, named)
        else:
            for path, skip in files:
                pre = _precheck(engine, path, skip, max_bytes, now, path in named)
                if isinstance(pre, IngestResult):
                    done(pre)
                    continue
                data, file_hash = pre
                result = None if reparse else _known(engine, file_hash, path.name[:500], now or _now())
                if result is None:
                    parsed, result = _parse_safely(
                        parser or _default_parser(), data, path.name[:500], file_hash
                    )
                    if result is not None:
                        _record_event(engine, result, now or _now())
                    else:
                        result = _store(engine, parsed, path.name[:500], file_hash, now or _now(), reparse)
                result.path = str(path)
                done(result)
    finally:
        if bar is not None:
            bar.close()
    return summary


class _TooLarge(Exception):
    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _Changed(Exception):
    """The file kept changing while it was read."""


def _read_chunk(f: Any, size: int) -> bytes:
    """One read from an open report file (a seam: tests change the file between two reads here)."""
    return f.read(size)


def _same_version(before: os.stat_result, after: os.stat_result) -> bool:
    return (before.st_size, before.st_mtime_ns, before.st_ctime_ns) == (
        after.st_size,
        after.st_mtime_ns,
        after.st_ctime_ns,
    )


def read_stable(path: Path, max_bytes: int) -> bytes:
    """The file's bytes, read once through one descriptor and checked not to have changed meanwhile.

    Raises FileNotFoundError/OSError, _TooLarge (never reads more than max_bytes + one chunk) or _Changed
    (still changing after READ_ATTEMPTS reads). A file replaced by a rename while it is read is read
    whole in its old version (the open descriptor keeps it), which is consistent too.
    """
    for _ in range(READ_ATTEMPTS):
        with open(path, "rb") as f:
            before = os.fstat(f.fileno())
            if before.st_size > max_bytes:
                raise _TooLarge(before.st_size)
            chunks: list[bytes] = []
            total = 0
            while chunk := _read_chunk(f, READ_CHUNK):
                total += len(chunk)
                if total > max_bytes:  # grew past the limit while being read
                    raise _TooLarge(total)
                chunks.append(chunk)
            after = os.fstat(f.fileno())
        if _same_version(before, after) and total == after.st_size:
            return b"".join(chunks)
    raise _Changed()


def _precheck(
    engine: Engine,
    path: Path,
    skip: str | None,
    max_bytes: int,
    now: datetime | None,
    named: bool = True,
) -> IngestResult | tuple[bytes, str]:
    """Skipped / missing / vanished / too large / changing / unreadable as a result; else bytes and sha256.

    `named`: the path was given explicitly (a missing one is a typo, not an event); otherwise it was
    found by listing a folder, and its disappearance since then is recorded as "vanished".
    """
    if skip is not None:
        return IngestResult("skipped", skip, file_name=path.name, path=str(path))

    def reject(reason: str, code: str, record: bool = True) -> IngestResult:
        result = IngestResult("rejected", reason, file_name=path.name[:500], path=str(path), code=code)
        if record:
            _record_event(engine, result, now or _now())
        return result

    try:
        data = read_stable(path, max_bytes)
    except _TooLarge as big:
        # Never read past the limit: a huge file is refused before it costs memory.
        return reject(
            f"文件过大 ({big.size / 1048576:.1f} MB > {max_bytes // 1048576} MB) (file too large)",
            "too_large",
        )
    except _Changed:
        return reject(
            f"文件在读取时被改动，连续 {READ_ATTEMPTS} 次读取不一致 (file changed while being read; not stored)",
            "changed",
        )
    except FileNotFoundError:
        if named:
            return reject("文件不存在 (no such file)", "missing", record=False)
        return reject("文件在列出目录后消失 (file vanished after the folder was listed)", "vanished")
    except OSError as err:
        return reject(f"无法读取文件 (cannot read: {err.strerror or err})", "unreadable", record=False)
    return data, hashlib.sha256(data).hexdigest()


def _ingest_parallel(
    engine: Engine,
    files: list[tuple[Path, str | None]],
    max_bytes: int,
    parser: Parser | None,
    now: datetime | None,
    n_workers: int,
    done: Callable[[IngestResult], None],
    reparse: bool = False,
    named: frozenset[Path] | set[Path] = frozenset(),
) -> None:
    """Parse ahead in worker processes (a bounded window, so memory stays flat); store in input order."""
    import multiprocessing
    from collections import deque
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    # fork: workers start with the parsers already imported (forkserver/spawn re-import them: ~1 s each).
    # Children only parse and return data; logging re-creates its locks after fork.
    methods = multiprocessing.get_all_start_methods()
    method = "fork" if "fork" in methods else "spawn"
    window: deque[IngestResult | _Pending] = deque()
    limit = n_workers * 8
    extra: dict[str, Any] = (
        {"initializer": _forget_connections, "initargs": (engine,)} if method == "fork" else {}
    )
    try:
        pool: ProcessPoolExecutor | None = ProcessPoolExecutor(
            max_workers=n_workers, mp_context=multiprocessing.get_context(method), **extra
        )
        broken = False
    except Exception:  # noqa: BLE001 - no process support here (sandbox, no /dev/shm): parse in-process
        log.warning("cannot start parser workers; parsing in this process", exc_info=True)
        pool, broken = None, True

    def finish(item: IngestResult | _Pending) -> None:
        nonlocal broken
        if isinstance(item, IngestResult):
            done(item)
            return
        name = item.path.name[:500]
        at = now or _now()
        # Known bytes are answered here, not parsed (a re-run of a big folder costs only hashing).
        result = None if reparse else _known(engine, item.file_hash, name, at)
        if result is None:
            outcome = None
            if item.future is not None and not broken:
                try:
                    outcome = item.future.result()
                except BrokenProcessPool:
                    broken = True
                    log.warning("parser worker died; parsing the rest in this process")
                except Exception:  # noqa: BLE001 - e.g. a result that cannot be pickled: parse it here
                    log.warning("worker could not parse %s; parsing it in this process", name, exc_info=True)
            if outcome is None:
                outcome = _parse_safely(parser or _default_parser(), item.data, name, item.file_hash)
            parsed, result = outcome
            if result is not None:
                _record_event(engine, result, at)
            else:
                result = _store(engine, parsed, name, item.file_hash, at, reparse)
        result.path = str(item.path)
        done(result)

    try:
        for path, skip in files:
            pre = _precheck(engine, path, skip, max_bytes, now, path in named)
            if isinstance(pre, IngestResult):
                window.append(pre)
            else:
                item = _Pending(path, *pre)
                already = False
                if not reparse:
                    with engine.connect() as conn:
                        already = _unchanged_by_hash(conn, item.file_hash) is not None
                if pool is not None and not broken and not already:
                    try:
                        item.future = pool.submit(
                            _parse_job, (item.data, path.name[:500], item.file_hash, parser)
                        )
                    except Exception:  # noqa: BLE001 - broken pool, or no child processes allowed here
                        log.warning("parser workers unavailable; parsing in this process", exc_info=True)
                        broken = True
                window.append(item)
            while len(window) > limit:
                finish(window.popleft())
        while window:
            finish(window.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
