"""The ingest use case: files or uploaded bytes → read → (already stored?) → parse in a worker → store.

Why one pipeline: the CLI, the sample loader and admin uploads in the bot all take the same path, so a
limit, a retry or an identity check added here holds for every front end. Each file gets its own
transaction and an outcome (stored/unchanged/replaced/rejected/skipped); one bad file, one hostile file
or one dropped database connection never stops the rest, and the summary always comes at the end.

Speed: with many files, parsing runs ahead in up to MAX_WORKERS worker processes (env
DISCLOSURE_INGEST_WORKERS; DISCLOSURE_INGEST_PARALLEL_MIN files before more than one) while this
process stores results in input order, so a newer version later in a folder wins as before.
"""

from __future__ import annotations

import hashlib
import logging
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypedDict, TypeVar, Unpack

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError

from service.ingest import files as _files
from service.ingest.names import HOW_TO, generic_reason, identity_problem, with_agency
from service.ingest.summary import IngestSummary
from service.ingest.worker import Limits, ParseOutcome, ParserPool, Ticket
from storage.ingest import IngestResult, known, record_event, store

log = logging.getLogger(__name__)

Parser = Callable[[bytes, str], Any]
OnText = Callable[[IngestResult, str], None]  # a stored or replaced report and the text its worker decoded
PARALLEL_MIN_FILES = 64  # below this a second worker costs more than it saves
MAX_WORKERS = 4
T = TypeVar("T")


def _default_parser() -> Parser | None:
    """None: the project's parser (reports.readers + reports.parse), run in the worker."""
    return None


@dataclass
class Retry:
    """Backoff for a lost database connection: the file is retried on a fresh one, then given up."""

    attempts: int = 6
    first_delay: float = 0.2
    max_delay: float = 5.0
    sleep: Callable[[float], None] = time.sleep


class StoreDown(Exception):
    """The store stayed unreachable for every retry of one file."""


@dataclass
class Options:
    parser: Parser | None = None
    now: datetime | None = None
    reparse: bool = False
    force: bool = False  # an older version is made current again
    agency: str | None = None  # the operator's name for the body (`--agency`)
    limits: Limits = field(default_factory=Limits.from_env)
    retry: Retry = field(default_factory=Retry)
    on_text: OnText | None = None

    def at(self) -> datetime:
        return self.now or datetime.now(UTC)

    @property
    def may_skip_known(self) -> bool:
        return not (self.reparse or self.force or self.agency)


def _lost_connection(err: BaseException) -> bool:
    """A dropped or refused database connection (worth a retry on a fresh one), not bad data."""
    if isinstance(err, DBAPIError):
        return bool(err.connection_invalidated) or isinstance(err, OperationalError | InterfaceError)
    # raw DB-API errors (the COPY runs on the driver's own cursor) are not wrapped by SQLAlchemy
    return type(err).__name__ in {"OperationalError", "InterfaceError"}


def guarded(opts: Options, fn: Callable[[], T]) -> T:
    """fn(), retried with backoff while the database connection is lost; StoreDown when it stays lost."""
    delay = opts.retry.first_delay
    for attempt in range(opts.retry.attempts):
        try:
            return fn()
        except Exception as err:
            if not _lost_connection(err):
                raise
            if attempt == opts.retry.attempts - 1:
                raise StoreDown(str(getattr(err, "orig", None) or err).splitlines()[0][:200]) from err
            log.warning("store connection lost (%s); retrying in %.1f s", type(err).__name__, delay)
            opts.retry.sleep(delay)
            delay = min(delay * 2, opts.retry.max_delay)
    raise AssertionError("unreachable")


@dataclass
class _Item:
    """One file on its way: either already decided (`result`) or waiting for its parse (`ticket`)."""

    name: str
    path: str = ""
    file_hash: str = ""
    result: IngestResult | None = None
    ticket: Ticket | None = None


def _store_down(item: _Item, err: StoreDown) -> IngestResult:
    reason = f"数据库连接中断，重试后仍失败，文件未入库 (store unreachable after retries: {err})"
    return IngestResult("rejected", reason, file_name=item.name, file_hash=item.file_hash, code="store_down")


def _reject(
    engine: Engine, item: _Item, opts: Options, reason: str, code: str, record: bool = True
) -> IngestResult:
    result = IngestResult(
        "rejected", reason[:1000], file_name=item.name, file_hash=item.file_hash, code=code, path=item.path
    )
    if record:
        guarded(opts, lambda: record_event(engine, result, opts.at()))
    return result


def _submit(engine: Engine, item: _Item, data: bytes, pool: ParserPool, opts: Options) -> _Item:
    """Already stored (same bytes) → answered now; otherwise handed to a parser worker."""
    if opts.may_skip_known:
        item.result = guarded(opts, lambda: known(engine, item.file_hash, item.name, opts.at()))
    if item.result is None:
        item.ticket = pool.submit(data, item.name, item.file_hash, opts.agency or "")
    return item


def _settle(engine: Engine, item: _Item, outcome: ParseOutcome, opts: Options) -> IngestResult:
    """A parse outcome → the identity check → one store transaction (or a recorded rejection)."""
    parsed = outcome.parsed
    if parsed is not None:
        if opts.agency:
            parsed = with_agency(parsed, opts.agency)
        elif problem := identity_problem(parsed.identity):
            return _reject(engine, item, opts, f"{problem}；{HOW_TO}", "no_agency")
    if parsed is None:
        reason = outcome.reason
        if outcome.code == "no_agency":  # the parser found no name at all: say how to give it
            reason = f"{reason}；{HOW_TO}"
        return _reject(engine, item, opts, reason, outcome.code)
    return guarded(
        opts,
        lambda: store(
            engine,
            parsed,
            item.name,
            item.file_hash,
            opts.at(),
            opts.reparse,
            force=opts.force,
            text_hash=outcome.text_hash,
        ),
    )


def _pass_text(result: IngestResult, outcome: ParseOutcome, opts: Options) -> None:
    """Hand a stored report's decoded text on (the audit scores it); its failure never undoes the store."""
    if opts.on_text is None or not outcome.text or result.outcome not in ("stored", "replaced"):
        return
    try:
        opts.on_text(result, outcome.text)
    except Exception:  # noqa: BLE001 - the report is stored; what the callback adds can be redone
        log.exception("after storing %s", result.file_name)


def _finish(engine: Engine, item: _Item, pool: ParserPool, opts: Options) -> IngestResult:
    try:
        if item.result is None:
            assert item.ticket is not None
            outcome = pool.result(item.ticket)
            item.result = _settle(engine, item, outcome, opts)
            item.result.path = item.path or item.result.path
            _pass_text(item.result, outcome, opts)
    except StoreDown as err:
        item.result = _store_down(item, err)
    except Exception as err:  # noqa: BLE001 - a bug on one file must not stop the rest
        item.result = _internal_error(item, err)
    item.result.path = item.path or item.result.path
    return item.result


def _prepare(
    engine: Engine, path: Path, skip: str | None, named: bool, pool: ParserPool, opts: Options
) -> _Item:
    item = _Item(_files.shown(path.name)[:500], _files.shown(path))
    try:
        got = _files.read_file(path, skip, named)
        if isinstance(got, _files.Refused):
            if got.outcome == "skipped":
                item.result = IngestResult("skipped", got.reason, file_name=item.name, path=item.path)
            else:
                item.result = _reject(
                    engine, item, opts, got.reason, got.code, got.code not in _files.NOT_RECORDED
                )
            return item
        data, item.file_hash = got
        return _submit(engine, item, data, pool, opts)
    except StoreDown as err:
        item.result = _store_down(item, err)
    except Exception as err:  # noqa: BLE001 - a bug on one file must not stop the rest
        item.result = _internal_error(item, err)
    return item


def _internal_error(item: _Item, err: Exception) -> IngestResult:
    """A bug met on one file: logged with its traceback, the file `rejected` with the error's type."""
    log.exception("ingest failed on %s", item.name)
    return IngestResult("rejected", f"内部错误 (internal error: {type(err).__name__})", file_name=item.name,
                        code="internal")


def _worker_count(n_files: int, workers: int | None) -> int:
    """Parsing is CPU-bound and storing is not: big batches parse in several worker processes."""
    if workers is None:
        env = os.environ.get("DISCLOSURE_INGEST_WORKERS", "")
        floor = os.environ.get("DISCLOSURE_INGEST_PARALLEL_MIN", "")
        threshold = int(floor) if floor.isdigit() else PARALLEL_MIN_FILES
        if env.isdigit():
            workers = int(env)
        else:
            workers = 1 if n_files < threshold else min(os.cpu_count() or 1, MAX_WORKERS)
    return max(1, workers)


def check_agency(name: str | None) -> None:
    """An operator-given name must name someone (ValueError with the reason otherwise)."""
    if name is not None and (reason := generic_reason(name)):
        raise ValueError(reason)


class IngestOptions(TypedDict, total=False):
    """The keyword options of ingest_paths and ingest_bytes: a file on disk and an upload take the same.

    `reparse`: parse files already stored (after a parser upgrade); `force`: an older file becomes the
    current version again; `agency`: store under this name instead of the one the report prints.
    """

    parser: Parser | None
    now: datetime | None
    reparse: bool
    force: bool
    agency: str | None
    limits: Limits | None
    retry: Retry | None


def _options(given: IngestOptions) -> Options:
    """Options from the keywords; an unknown keyword is an error (a typo must not be ignored)."""
    unknown = sorted(set(given) - set(IngestOptions.__annotations__))
    if unknown:
        raise TypeError(f"unknown ingest option(s): {', '.join(unknown)}")
    check_agency(given.get("agency"))
    opts = Options(given.get("parser") or _default_parser(), given.get("now"), bool(given.get("reparse")),
                   bool(given.get("force")), given.get("agency"))
    opts.limits, opts.retry = given.get("limits") or opts.limits, given.get("retry") or opts.retry
    return opts


def ingest_paths(
    engine: Engine,
    paths: Iterable[str | Path],
    progress: bool = True,
    *,
    workers: int | None = None,
    on_result: Callable[[IngestResult], None] | None = None,
    on_text: OnText | None = None,
    **options: Unpack[IngestOptions],
) -> IngestSummary:
    """Ingest files and folders; every file gets an outcome, passed to `on_result` as it is decided, and
    each stored or replaced report with the text its worker read to `on_text` (the audit scores it)."""
    opts = _options(options)
    opts.on_text = on_text
    paths = list(paths)
    named = {Path(p) for p in paths if not Path(p).is_dir()}  # the rest were found by listing a folder
    found = list(_files.expand_paths(paths))
    n_workers = _worker_count(sum(1 for _, skip in found if skip is None), workers)
    summary = IngestSummary()
    bar = _progress_bar(len(found)) if progress else None

    def done(result: IngestResult) -> None:
        summary.results.append(result)
        if bar is not None:
            bar.update(1)
            bar.set_postfix_str(result.outcome, refresh=False)
        if on_result is not None:
            on_result(result)

    window: deque[_Item] = deque()
    try:
        with ParserPool(n_workers, opts.parser, opts.limits) as pool:
            for path, skip in found:
                window.append(_prepare(engine, path, skip, path in named, pool, opts))
                while len(window) > n_workers * 8:  # parse ahead, memory stays bounded
                    done(_finish(engine, window.popleft(), pool, opts))
            while window:
                done(_finish(engine, window.popleft(), pool, opts))
    finally:
        if bar is not None:
            bar.close()
    return summary


def _progress_bar(total: int) -> Any:
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: workers can then start by fork (see worker.py)
    return tqdm(total=total, unit="file", file=sys.stderr, desc="ingest", dynamic_ncols=True)


def ingest_bytes(engine: Engine, data: bytes, file_name: str, **options: Unpack[IngestOptions]) -> IngestResult:
    """One uploaded file, the same path as a file on disk (a worker with limits; never raises for a bad
    file: it is `rejected`)."""
    opts = _options(options)
    data = bytes(data)  # a snapshot: a bytearray the caller still holds cannot change between hash and parse
    item = _Item(_files.shown(file_name or "")[:500], file_hash=hashlib.sha256(data).hexdigest())
    with ParserPool(1, opts.parser, opts.limits) as pool:
        try:
            _submit(engine, item, data, pool, opts)
        except StoreDown as err:
            item.result = _store_down(item, err)
        result = _finish(engine, item, pool, opts)
    result.path = ""
    return result
