"""service.ingest when files move under it: deleted after the folder was listed, rewritten while being
read, rewritten between the read and the parse. Faults are injected deterministically (a wrapped folder
listing, the `_read_chunk` seam, a parser with a side effect), never by racing a timer.

What must hold every time: the rest of the batch is stored; a file is either stored with the hash and
the values of the SAME bytes, or rejected with a reason; the other tables stay exactly as they were.
Both the in-process path and the worker-process path (many files) are covered, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlmodel import Session

from service.ingest import IngestResult, ingest_bytes, ingest_paths, pipeline, worker
from service.ingest import files as ingest
from storage.models import Agency, IndicatorValue, IngestEvent, Report, ReportFinding
from tests.storage.conftest import fake_parse, fake_report
from tests.storage.test_ingest import dump, events

pytestmark = pytest.mark.pg

AT = datetime(2021, 3, 1, tzinfo=UTC)
# Kept in the environment at import, before any worker starts: a worker started by forkserver or spawn
# re-imports this module, and os.getpid() there would name the worker itself.
PARENT_PID = int(os.environ.setdefault("DISCLOSURE_TEST_PARENT_PID", str(os.getpid())))
MODES = ["serial", "workers"]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def report(agency: str, n: int) -> bytes:
    return fake_report(agency, 2020, values={"apply.received.total": n, "review.total": n % 7})


@pytest.fixture(params=MODES)
def mode(request, monkeypatch) -> str:
    """serial: one worker process, started by forkserver (as in the threaded bot, where the module and
    its state are re-imported); workers: several, started by the default method for this process."""
    monkeypatch.delenv("DISCLOSURE_INGEST_WORKERS", raising=False)
    if request.param == "workers":
        monkeypatch.setenv("DISCLOSURE_INGEST_PARALLEL_MIN", "2")
        if (os.cpu_count() or 1) < 2:
            monkeypatch.setenv("DISCLOSURE_INGEST_WORKERS", "2")
        assert pipeline._worker_count(3, None) > 1
    else:
        monkeypatch.setenv("DISCLOSURE_INGEST_PARALLEL_MIN", "100000")
        assert pipeline._worker_count(1000, None) == 1
        if "forkserver" in worker.multiprocessing.get_all_start_methods():
            monkeypatch.setattr(worker, "_start_method", lambda: "forkserver")
    return request.param


def write_folder(root: Path, files: dict[str, bytes]) -> dict[str, Path]:
    root.mkdir(parents=True, exist_ok=True)
    out = {}
    for name, data in files.items():
        (root / name).write_bytes(data)
        out[name] = root / name
    return out


def assert_consistent(engine, expected: dict[str, bytes]) -> None:
    """The store holds exactly one report per agency in `expected`, with that file's hash and values."""
    with Session(engine) as s:
        rows = s.execute(
            select(Agency.name, Report.id, Report.file_hash).join(Report, Report.agency_id == Agency.id)
        ).all()
        assert sorted(name for name, _, _ in rows) == sorted(expected)
        report_ids = {rid for _, rid, _ in rows}
        value_report_ids = set(s.execute(select(IndicatorValue.report_id)).scalars())
        finding_report_ids = set(s.execute(select(ReportFinding.report_id)).scalars())
        assert value_report_ids <= report_ids and finding_report_ids <= report_ids  # nothing orphaned
        for name, rid, file_hash in rows:
            data = expected[name]
            assert file_hash == sha(data), name
            stored = dict(
                s.execute(
                    select(IndicatorValue.indicator, IndicatorValue.value).where(
                        IndicatorValue.report_id == rid
                    )
                ).all()
            )
            assert stored == {v.key: v.value for v in fake_parse(data, "x").values}, name


def by_name(summary) -> dict[str, IngestResult]:
    return {r.file_name: r for r in summary.results}


# --------------------------------------------------------------------------- module-level parsers
# Module level so that they can be sent to worker processes. Their state lives in files, so that a
# side effect in a worker is seen by the parent and by other workers. The paths themselves travel in a
# file named by the test process's pid: a worker started by forkserver or spawn re-imports this module
# and would see an empty dict.

STATE_FILE = Path(tempfile.gettempdir()) / f"disclosure-ingest-faults-{PARENT_PID}.json"


class SharedState(dict):
    """A dict the test process writes through to STATE_FILE on every change."""

    def __setitem__(self, key: str, value: str) -> None:
        super().__setitem__(key, value)
        STATE_FILE.write_text(json.dumps(self), encoding="utf-8")

    def update(self, *args, **kwargs) -> None:
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def clear(self) -> None:
        super().clear()
        STATE_FILE.unlink(missing_ok=True)


STATE = SharedState()


def _state() -> dict[str, str]:
    """The test's state: the live dict in the test process, the written file in a worker."""
    if os.getpid() == PARENT_PID:
        return STATE
    return json.loads(STATE_FILE.read_text(encoding="utf-8"))


def logging_parser(data: bytes, name: str):
    """fake_parse, and one line per parse: pid and sha256 of exactly the bytes that were parsed."""
    with open(_state()["log"], "a", encoding="utf-8") as fh:
        fh.write(f"{os.getpid()} {name} {sha(data)}\n")
    return fake_parse(data, name)


def rewriting_parser(data: bytes, name: str):
    """Rewrites the file it is parsing on disk (once), after ingest has read and hashed it."""
    state = _state()
    target = Path(state["target"])
    marker = Path(state["marker"])
    if name == target.name and not marker.exists():
        marker.write_text("done")
        target.write_bytes(Path(state["replacement"]).read_bytes())
    return logging_parser(data, name)


def parsed_log() -> list[tuple[int, str, str]]:
    path = Path(STATE["log"])
    if not path.exists():
        return []
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        pid, name, digest = line.split(" ")
        out.append((int(pid), name, digest))
    return out


@pytest.fixture
def state(tmp_path):
    STATE.clear()
    STATE["log"] = str(tmp_path / "parsed.log")
    yield STATE
    STATE.clear()


def check_worker_path(mode: str) -> None:
    """Parses really ran in worker processes (not the in-process fallback): one worker when serial,
    so every file is parsed under the time and memory limits (issue 15.5)."""
    pids = {pid for pid, _, _ in parsed_log()}
    assert pids and PARENT_PID not in pids, pids
    if mode == "serial":
        assert len(pids) == 1, pids


# --------------------------------------------------------------------------- deleted after listing


def test_file_deleted_after_listing_is_rejected_as_vanished_and_the_rest_is_stored(
    engine, tmp_path, monkeypatch, mode, state
):
    ingest_bytes(engine, report("银川市旧局", 1), "old.txt", parser=fake_parse, now=AT)
    before = dump(engine, skip=("ingest_event",))
    files = {f"{i}.txt": report(f"银川市{i}局", 10 + i) for i in range(4)}
    paths = write_folder(tmp_path / "in", files)
    victim = paths["1.txt"]
    listing = ingest.expand_paths

    def list_then_delete(raw):
        found = list(listing(raw))  # the folder is listed while the file is still there …
        assert victim in [p for p, _ in found]
        victim.unlink()  # … and it disappears before it is read
        yield from found

    monkeypatch.setattr(ingest, "expand_paths", list_then_delete)
    summary = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=logging_parser, now=AT)
    results = by_name(summary)
    assert [r.file_name for r in summary.results] == sorted(files)  # input order kept
    gone = results["1.txt"]
    assert (gone.outcome, gone.code) == ("rejected", "vanished")
    assert "vanished" in gone.reason and "消失" in gone.reason and gone.path == str(victim)
    assert [results[n].outcome for n in ("0.txt", "2.txt", "3.txt")] == ["stored"] * 3
    assert "1.txt" in summary.render() and "vanished" in summary.render()
    assert all(name != "1.txt" for _, name, _ in parsed_log())  # never offered to the parser
    check_worker_path(mode)
    stored = {f"银川市{i}局": files[f"{i}.txt"] for i in (0, 2, 3)}
    assert_consistent(engine, {"银川市旧局": report("银川市旧局", 1), **stored})
    ev = [e for e in events(engine) if e.file_name == "1.txt"]
    assert [(e.outcome, e.report_id) for e in ev] == [("rejected", None)] and "vanished" in ev[0].reason
    # Only the three good files were added: the rows from before are untouched.
    after = dump(engine, skip=("ingest_event",))
    for table, rows in before.items():
        assert after[table][: len(rows)] == rows, table


def test_a_vanished_file_alone_changes_nothing_but_the_event_log(engine, tmp_path, monkeypatch):
    ingest_bytes(engine, report("银川市旧局", 1), "old.txt", parser=fake_parse, now=AT)
    before = dump(engine, skip=("ingest_event",))
    n_events = len(events(engine))
    paths = write_folder(tmp_path / "in", {"only.txt": report("银川市新局", 5)})
    listing = ingest.expand_paths

    def list_then_delete(raw):
        found = list(listing(raw))
        paths["only.txt"].unlink()
        yield from found

    monkeypatch.setattr(ingest, "expand_paths", list_then_delete)
    summary = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=fake_parse, now=AT)
    assert [(r.outcome, r.code) for r in summary.results] == [("rejected", "vanished")]
    assert dump(engine, skip=("ingest_event",)) == before
    assert len(events(engine)) == n_events + 1


def test_a_named_file_that_does_not_exist_is_still_missing_not_vanished(engine, tmp_path):
    summary = ingest_paths(engine, [tmp_path / "typo.txt"], progress=False, parser=fake_parse)
    assert [(r.outcome, r.code) for r in summary.results] == [("rejected", "missing")]
    assert events(engine) == []  # a typo on the command line is not an ingest event


# --------------------------------------------------------------------------- changed while being read


def _rewrite(path: Path, data: bytes, mtime_ns: int | None = None) -> None:
    with open(path, "wb") as fh:  # in place: same inode, like an editor or a copy still running
        fh.write(data)
    if mtime_ns is not None:
        os.utime(path, ns=(mtime_ns, mtime_ns))


def test_file_rewritten_during_the_first_read_is_read_again_and_stored_consistently(
    engine, tmp_path, monkeypatch, mode, state
):
    old, new = report("银川市甲局", 3), report("银川市甲局", 123456)
    files = {"a.txt": old, "b.txt": report("银川市乙局", 7), "c.txt": report("银川市丙局", 8)}
    paths = write_folder(tmp_path / "in", files)
    monkeypatch.setattr(ingest, "READ_CHUNK", 8)  # several reads per file
    reads: list[str] = []
    real_read = ingest._read_chunk

    def changing_read(fh, size):
        chunk = real_read(fh, size)
        reads.append(Path(fh.name).name)
        if Path(fh.name) == paths["a.txt"] and reads.count("a.txt") == 1:
            _rewrite(paths["a.txt"], new)  # after the first chunk of the first read
        return chunk

    monkeypatch.setattr(ingest, "_read_chunk", changing_read)
    summary = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=logging_parser, now=AT)
    assert [r.outcome for r in summary.results] == ["stored"] * 3
    a = by_name(summary)["a.txt"]
    assert a.file_hash == sha(new)  # the second, stable read was stored …
    parsed = {name: digest for _, name, digest in parsed_log()}
    assert parsed["a.txt"] == sha(new)  # … and it is exactly what was parsed
    check_worker_path(mode)
    assert_consistent(engine, {"银川市甲局": new, "银川市乙局": files["b.txt"], "银川市丙局": files["c.txt"]})


@pytest.mark.parametrize("how", ["truncate", "same_size"])
def test_file_that_keeps_changing_is_rejected_and_nothing_of_it_is_stored(
    engine, tmp_path, monkeypatch, mode, state, how
):
    ingest_bytes(engine, report("银川市旧局", 1), "old.txt", parser=fake_parse, now=AT)
    v1 = report("银川市甲局", 1000)
    v2 = report("银川市甲局", 2000) if how == "same_size" else report("银川市甲局", 2)[:-4]
    assert (len(v1) == len(v2)) == (how == "same_size")
    files = {"a.txt": v1, "b.txt": report("银川市乙局", 7)}
    paths = write_folder(tmp_path / "in", files)
    monkeypatch.setattr(ingest, "READ_CHUNK", 8)
    flips = []
    real_read = ingest._read_chunk

    def always_changing(fh, size):
        chunk = real_read(fh, size)
        if Path(fh.name) == paths["a.txt"] and fh.tell() == len(chunk):  # first chunk of every read
            flips.append(1)
            # A same-size rewrite within one clock tick would keep the mtime: set it, as a writer would.
            stamp = os.stat(paths["a.txt"]).st_mtime_ns + 1_000_000 * len(flips)
            _rewrite(paths["a.txt"], v2 if len(flips) % 2 else v1, stamp if how == "same_size" else None)
        return chunk

    monkeypatch.setattr(ingest, "_read_chunk", always_changing)
    before = dump(engine, skip=("ingest_event",))
    summary = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=logging_parser, now=AT)
    a, b = summary.results
    assert (a.file_name, a.outcome, a.code) == ("a.txt", "rejected", "changed")
    assert "changed while being read" in a.reason and len(flips) == ingest.READ_ATTEMPTS
    assert b.outcome == "stored"
    assert all(name != "a.txt" for _, name, _ in parsed_log())  # a torn read is never parsed
    assert_consistent(engine, {"银川市旧局": report("银川市旧局", 1), "银川市乙局": files["b.txt"]})
    after = dump(engine, skip=("ingest_event",))
    for table, rows in before.items():
        assert after[table][: len(rows)] == rows, table
    assert not any(r[1] == "银川市甲局" for r in after["agency"])
    with Session(engine) as s:
        ev = s.execute(select(IngestEvent).where(IngestEvent.file_name == "a.txt")).scalars().all()
    assert [(e.outcome, e.report_id) for e in ev] == [("rejected", None)]


def test_file_growing_past_the_limit_while_read_is_refused_without_reading_on(engine, tmp_path, monkeypatch):
    paths = write_folder(tmp_path / "in", {"a.txt": report("银川市甲局", 1)})
    monkeypatch.setattr(ingest, "READ_CHUNK", 8)
    monkeypatch.setattr(ingest, "_max_bytes", lambda: 64)
    real_read = ingest._read_chunk
    reads = []

    def growing(fh, size):
        reads.append(size)
        if len(reads) == 1:
            with open(paths["a.txt"], "ab") as out:
                out.write(b"x" * 10_000)
        return real_read(fh, size)

    monkeypatch.setattr(ingest, "_read_chunk", growing)
    summary = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=fake_parse)
    assert [(r.outcome, r.code) for r in summary.results] == [("rejected", "too_large")]
    assert len(reads) <= 64 // 8 + 1  # stopped at the limit, not at the end of the file
    assert_consistent(engine, {})


# --------------------------------------------------------------------------- changed between hash and parse


def test_file_rewritten_after_it_was_read_stores_the_bytes_that_were_read(engine, tmp_path, mode, state):
    """The parse never goes back to the disk: hash and values both come from the one read."""
    old, new = report("银川市甲局", 3), report("银川市甲局", 4444)
    files = {"a.txt": old, "b.txt": report("银川市乙局", 7), "c.txt": report("银川市丙局", 8)}
    paths = write_folder(tmp_path / "in", files)
    (tmp_path / "new.bin").write_bytes(new)
    STATE.update(
        target=str(paths["a.txt"]), marker=str(tmp_path / "marker"), replacement=str(tmp_path / "new.bin")
    )
    summary = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=rewriting_parser, now=AT)
    assert [r.outcome for r in summary.results] == ["stored"] * 3
    assert paths["a.txt"].read_bytes() == new  # the file really changed during the run
    a = by_name(summary)["a.txt"]
    assert a.file_hash == sha(old)
    assert {name: digest for _, name, digest in parsed_log()}["a.txt"] == sha(old)
    check_worker_path(mode)
    assert_consistent(engine, {"银川市甲局": old, "银川市乙局": files["b.txt"], "银川市丙局": files["c.txt"]})
    # The next run sees the new version and replaces the report in one step.
    again = ingest_paths(engine, [tmp_path / "in"], progress=False, parser=fake_parse, now=AT)
    assert [r.outcome for r in again.results] == ["replaced", "unchanged", "unchanged"]
    assert again.results[0].previous_hash == sha(old)
    assert_consistent(engine, {"银川市甲局": new, "银川市乙局": files["b.txt"], "银川市丙局": files["c.txt"]})


def test_a_parser_claiming_another_hash_cannot_split_hash_and_values(engine):
    """The stored hash is the hash of the bytes parsed, whatever the parser object carries."""
    data = report("银川市甲局", 5)

    def lying(d, name):
        parsed = fake_parse(d, name)
        parsed.file_hash = "0" * 64
        return parsed

    result = ingest_bytes(engine, data, "a.txt", parser=lying)
    assert result.outcome == "stored" and result.file_hash == sha(data)
    assert_consistent(engine, {"银川市甲局": data})
    assert ingest_bytes(engine, data, "again.txt", parser=lying).outcome == "unchanged"


def test_ingest_bytes_snapshots_a_buffer_the_caller_changes_during_the_parse(engine):
    old, new = report("银川市甲局", 3), report("银川市甲局", 9)
    buf = bytearray(old)

    def meddling(d, name):
        buf[:] = new  # the caller's buffer changes after the hash was taken
        return fake_parse(bytes(d), name)

    result = ingest_bytes(engine, buf, "a.txt", parser=meddling)
    assert result.outcome == "stored" and result.file_hash == sha(old)
    assert_consistent(engine, {"银川市甲局": old})
