"""Parsing in worker processes with a time and a memory limit per file, workers that die with us.

Why (issue 15.5/15.6): one hostile file (a PDF stream inflating to 200 MB, a DOCX of 198 MB of XML, a
text of a million lines) held a whole folder up for minutes and took gigabytes; and kill -9 of an
ingest left its parser workers running. Here every file is parsed in a worker process:
- memory: RLIMIT_AS caps the worker at its size when started plus `memory_mb`; a parse that needs more
  gets MemoryError (or dies) and the file is rejected `too_big`;
- time: RLIMIT_CPU is re-armed before each file (CPU used so far + `seconds`), and the parent kills a
  worker whose file takes longer than twice that in wall time; the file is rejected `too_slow`;
- a dead worker is replaced and the other files go on;
- workers ask the kernel for SIGKILL when their parent dies (PR_SET_PDEATHSIG) and check the parent
  is still there right after, so kill -9 of an ingest leaves none behind.
The same pool parses one admin upload in the bot (one worker, started for that file).
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib
import logging
import math
import multiprocessing
import os
import resource
import signal
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from typing import Any

from reports.model import ReportError

log = logging.getLogger(__name__)

Parser = Callable[[bytes, str], Any]  # (data, file_name) -> reports.model.ParsedReport
PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class Limits:
    """Per-file parse limits (env DISCLOSURE_INGEST_SECONDS, DISCLOSURE_INGEST_MEMORY_MB)."""

    seconds: float = 60.0
    memory_mb: int = 1024

    @classmethod
    def from_env(cls) -> Limits:
        sec = os.environ.get("DISCLOSURE_INGEST_SECONDS", "")
        mem = os.environ.get("DISCLOSURE_INGEST_MEMORY_MB", "")
        return cls(
            seconds=float(sec) if sec.replace(".", "", 1).isdigit() else cls.seconds,
            memory_mb=int(mem) if mem.isdigit() else cls.memory_mb,
        )

    @property
    def wall_seconds(self) -> float:
        return self.seconds * 2 + 2


@dataclass
class ParseOutcome:
    """A parsed report, or why the file was refused (reason, code). `text_hash`: of the decoded text;
    `text`: the decoded text itself, so the audit's scorecard need not read the file a second time (a PDF
    costs ~0.3 s to read, in the parent, one file after another)."""

    parsed: Any = None
    reason: str = ""
    code: str = ""
    text_hash: str = ""
    text: str = ""


def too_slow(limits: Limits) -> ParseOutcome:
    return ParseOutcome(
        reason=f"解析超时（超过 {limits.seconds:g} 秒），已中止 (parsing took too long; stopped)",
        code="too_slow",
    )


def too_big(limits: Limits) -> ParseOutcome:
    return ParseOutcome(
        reason=f"解析所需内存超过 {limits.memory_mb} MB，已中止 (parsing needed too much memory; stopped)",
        code="too_big",
    )


def text_hash(text: str) -> str:
    """The same report saved in another encoding or with other line ends hashes the same."""
    norm = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n")).strip()
    return hashlib.sha256(norm.encode("utf-8")).hexdigest()


def default_parse(data: bytes, file_name: str) -> ParseOutcome:
    """The project's parser, keeping the decoded text's hash."""
    from reports.parse import parse_text
    from reports.readers import read_document

    text = read_document(data, file_name)
    return ParseOutcome(parse_text(text, file_name=file_name), text_hash=text_hash(text), text=text)


def parse_safely(
    parser: Parser | None, data: bytes, file_name: str, file_hash: str, limits: Limits, hint: str = ""
) -> ParseOutcome:
    """Never raises: a refused file, a parser bug or a MemoryError is an outcome.

    `hint`: the operator's name for the body (`--agency`), offered to the parser the way a file name
    offers one, so a report that prints no name at all can still be read."""
    name = f"{hint}_{file_name}" if hint else file_name
    try:
        got = default_parse(data, name) if parser is None else parser(data, name)
    except ReportError as err:
        if _ran_out_of_memory(err):  # a reader wrapped the MemoryError as "damaged"
            return too_big(limits)
        return ParseOutcome(reason=getattr(err, "reason", str(err)), code=getattr(err, "code", "invalid"))
    except MemoryError:
        return too_big(limits)
    except Exception as err:  # noqa: BLE001 - a parser bug on one file must not stop a batch
        log.exception("parser failed on %s", file_name)
        return ParseOutcome(
            reason=f"解析出错 (internal parser error: {type(err).__name__}: {err})"[:1000], code="internal"
        )
    out = got if isinstance(got, ParseOutcome) else ParseOutcome(got)
    if hint or not out.parsed.file_name:
        out.parsed.file_name = file_name
    out.parsed.file_hash = file_hash  # the hash of the bytes that were parsed, whatever the parser says
    return out


def _ran_out_of_memory(err: BaseException) -> bool:
    seen: set[int] = set()
    cur: BaseException | None = err
    while cur is not None and id(cur) not in seen:
        if isinstance(cur, MemoryError):
            return True
        seen.add(id(cur))
        cur = cur.__cause__ or cur.__context__
    return False


# --------------------------------------------------------------------------- inside a worker


def die_with_parent(parent_pid: int) -> None:
    """SIGKILL this process when its parent dies (Linux), and leave now if it already has.

    With forkserver the parent is the fork server, which itself exits when the ingest process dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the parent-watch below still covers it
        pass
    if os.getppid() != parent_pid:
        os._exit(1)


def _vm_bytes() -> int:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _limit_memory(limits: Limits) -> None:
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    soft = _vm_bytes() + limits.memory_mb * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _arm_cpu(limits: Limits) -> None:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    soft = math.ceil(usage.ru_utime + usage.ru_stime + limits.seconds)
    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard != resource.RLIM_INFINITY:
        soft = min(soft, hard)
    resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))


def _watch_parent(parent_pid: int) -> None:
    """Where PR_SET_PDEATHSIG does not exist: a thread that exits when the parent is gone."""
    while os.getppid() == parent_pid:
        time.sleep(0.5)
    os._exit(1)


def _serve(conn: Connection, parser: Parser | None, limits: Limits, parent_pid: int | None) -> None:
    """The worker's loop: one job at a time, until told to stop or the pipe closes."""
    parent_pid = parent_pid or os.getppid()
    die_with_parent(parent_pid)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _limit_memory(limits)
    base = _peak_mb()
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        data, file_name, file_hash, hint = job
        _arm_cpu(limits)
        outcome = parse_safely(parser, data, file_name, file_hash, limits, hint)
        del data, job
        grown = _peak_mb() - base
        if (
            outcome.parsed is None
            and outcome.code not in {"too_big", "too_slow"}
            and grown > 0.8 * limits.memory_mb
        ):
            outcome = too_big(limits)  # an allocation failed inside a library that called it "damaged"
        try:
            conn.send(outcome)
        except MemoryError:
            conn.send(too_big(limits))
        except Exception as err:  # noqa: BLE001 - e.g. a result that cannot be pickled
            conn.send(
                ParseOutcome(reason=f"解析结果无法传回 (result not transferable: {err})", code="internal")
            )


# --------------------------------------------------------------------------- in the parent


@dataclass
class Ticket:
    """One file submitted to the pool."""

    job: tuple[bytes, str, str, str]  # data, file name, sha256, agency hint
    outcome: ParseOutcome | None = None


@dataclass
class _Worker:
    process: Any
    conn: Connection
    ticket: Ticket | None = None
    deadline: float = 0.0


# What a worker needs to read any file, imported before it starts: the readers import the PDF, DOCX and
# HTML libraries lazily, and a worker started for one upload (the harvester, the bot) would otherwise pay
# their imports (~0.4 s quiet, seconds on a busy machine) for every file.
PRELOAD = (
    "reports.parse",
    "reports.readers",
    "reports.pdf_text",
    "reports.pdfium_pages",
    "pdfplumber",
    "pdfplumber.page",
    "pypdfium2",
    "pypdfium2.raw",
    "docx",
    "bs4",
    "charset_normalizer",
)


def _import_readers() -> None:
    for name in PRELOAD:
        importlib.import_module(name)


def _start_method() -> str:
    """fork (parsers already imported) when this is the only thread; forkserver in the threaded bot."""
    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


@dataclass
class ParserPool:
    """`size` worker processes, started on first use; results are collected per ticket."""

    size: int = 1
    parser: Parser | None = None
    limits: Limits = field(default_factory=Limits)
    method: str = field(default_factory=_start_method)
    clock: Callable[[], float] = time.monotonic
    _idle: list[_Worker] = field(default_factory=list)
    _busy: list[_Worker] = field(default_factory=list)
    _queue: deque[Ticket] = field(default_factory=deque)
    _started: int = 0
    _broken: bool = False

    def _spawn(self) -> _Worker | None:
        ctx = multiprocessing.get_context(self.method)
        if self.method == "forkserver":  # workers start with the parsers imported (once per server)
            # this module (the worker's code) and "__main__" too: else every worker imports them again
            # (the packages above this one and the console script import the whole bot: ~1 s a file)
            ctx.set_forkserver_preload(["__main__", __name__, *PRELOAD])
        elif self.method == "fork":  # … or inherit them from this process
            _import_readers()
        parent, child = ctx.Pipe()
        try:
            proc = ctx.Process(
                target=_serve,
                args=(child, self.parser, self.limits, os.getpid() if self.method == "fork" else None),
                daemon=True,
            )
            proc.start()
        except Exception:  # noqa: BLE001 - no process support here (sandbox, unpicklable parser)
            log.warning("cannot start a parser worker; parsing in this process", exc_info=True)
            self._broken = True
            parent.close()
            return None
        finally:
            child.close()
        return _Worker(proc, parent)

    def submit(self, data: bytes, file_name: str, file_hash: str, hint: str = "") -> Ticket:
        ticket = Ticket((data, file_name, file_hash, hint))
        self._queue.append(ticket)
        self._dispatch()
        return ticket

    def _dispatch(self) -> None:
        while self._queue and not self._broken:
            if not self._idle and self._started < self.size:
                worker = self._spawn()
                if worker is None:
                    break
                self._started += 1
                self._idle.append(worker)
            if not self._idle:
                return
            worker = self._idle.pop()
            ticket = self._queue.popleft()
            try:
                worker.conn.send(ticket.job)
            except (OSError, ValueError):  # the worker died while idle: replace it, retry the ticket
                self._queue.appendleft(ticket)
                self._retire(worker)
                continue
            worker.ticket, worker.deadline = ticket, self.clock() + self.limits.wall_seconds
            self._busy.append(worker)
        if self._broken:  # no workers possible: parse what is queued here, without limits
            while self._queue:
                t = self._queue.popleft()
                data, name, digest, hint = t.job
                t.outcome = parse_safely(self.parser, data, name, digest, self.limits, hint)

    def result(self, ticket: Ticket) -> ParseOutcome:
        """Wait for this ticket (serving the others' results meanwhile)."""
        while ticket.outcome is None:
            self._pump()
        return ticket.outcome

    def _pump(self) -> None:
        if not self._busy:
            self._dispatch()
            return
        timeout = max(0.0, min(w.deadline for w in self._busy) - self.clock())
        ready = set(wait([w.conn for w in self._busy] + [w.process.sentinel for w in self._busy], timeout))
        for worker in list(self._busy):
            if worker.conn in ready:
                try:
                    self._finish(worker, worker.conn.recv())
                    continue
                except (EOFError, OSError):
                    pass  # died while answering: judged by its exit code below
            if worker.conn in ready or worker.process.sentinel in ready:
                worker.process.join(1)
                self._finish(worker, self._death(worker.process.exitcode), dead=True)
            elif self.clock() >= worker.deadline:
                worker.process.kill()
                worker.process.join(5)
                self._finish(worker, too_slow(self.limits), dead=True)
        self._dispatch()

    def _death(self, exitcode: int | None) -> ParseOutcome:
        if exitcode == -signal.SIGXCPU:
            return too_slow(self.limits)
        if exitcode in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGABRT):
            return too_big(self.limits)  # the kernel's OOM killer, or an allocation that failed in C
        return ParseOutcome(reason=f"解析进程意外退出 (parser worker died: exit {exitcode})", code="internal")

    def _finish(self, worker: _Worker, outcome: ParseOutcome, dead: bool = False) -> None:
        assert worker.ticket is not None
        worker.ticket.outcome = outcome
        worker.ticket = None
        self._busy.remove(worker)
        if dead:
            self._retire(worker)
        else:
            self._idle.append(worker)

    def _retire(self, worker: _Worker) -> None:
        worker.conn.close()
        if worker.process.is_alive():
            worker.process.kill()
        worker.process.join(5)
        self._started -= 1

    def pids(self) -> list[int]:
        return [w.process.pid for w in self._idle + self._busy]

    def close(self) -> None:
        """Stop every worker (a busy one is killed: its file is abandoned)."""
        for worker in self._idle:
            try:
                worker.conn.send(None)
            except (OSError, ValueError):
                pass
        for worker in self._idle + self._busy:
            worker.process.join(0 if worker in self._busy else 2)
            if worker.process.is_alive():
                worker.process.kill()
                worker.process.join(5)
            worker.conn.close()
        self._idle.clear()
        self._busy.clear()
        self._started = 0

    def __enter__(self) -> ParserPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
