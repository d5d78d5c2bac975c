"""Issue 15.5: a time and memory limit per file; one bomb does not hold up a folder.

Must hold: each bomb (a PDF stream inflating to 200 MB, a DOCX of huge XML, a text of a million lines)
is rejected `too_big` within a few seconds by the readers' guard; with the guard switched off, the
worker's limits alone stop it (`too_big` or `too_slow`) within the wall bound; the other files of the
folder are stored; the parent process does not grow by the bomb's size; admin uploads take the same path.
"""

from __future__ import annotations

import resource
import time

import pytest

from service.ingest import Limits, ingest_bytes, ingest_paths
from tests.hostile import corpus

SMALL = Limits(seconds=3, memory_mb=300)


@pytest.fixture(scope="module")
def bombs(tmp_path_factory):
    d = tmp_path_factory.mktemp("bombs")
    (d / "stream.pdf").write_bytes(corpus.pdf_bomb(200))
    (d / "huge.docx").write_bytes(corpus.docx_bomb(40))
    (d / "lines.txt").write_bytes(corpus.million_lines())
    return d


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("name", ["stream.pdf", "huge.docx", "lines.txt"])
def test_bomb_is_refused_by_the_guard_quickly(engine, bombs, name):
    start = time.monotonic()
    result = ingest_paths(engine, [bombs / name], progress=False).results[0]
    assert (result.outcome, result.code) == ("rejected", "too_big"), result.reason
    assert time.monotonic() - start < 15


@pytest.mark.parametrize("name", ["stream.pdf", "huge.docx", "lines.txt"])
def test_without_the_guard_the_worker_limits_stop_the_bomb(engine, bombs, name, monkeypatch):
    from reports import limits

    monkeypatch.setattr(limits, "check", lambda data, kind: None)
    rss = _rss_mb()
    start = time.monotonic()
    result = ingest_paths(engine, [bombs / name], progress=False, limits=SMALL).results[0]
    elapsed = time.monotonic() - start
    assert result.outcome == "rejected" and result.code in {"too_big", "too_slow"}, result.reason
    assert elapsed < SMALL.wall_seconds + 6
    assert _rss_mb() - rss < 200  # the parent never held the inflated content


def test_one_bomb_does_not_hold_up_a_folder(engine, bombs, reports, tmp_path, monkeypatch):
    from reports import limits

    monkeypatch.setattr(limits, "check", lambda data, kind: None)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a_bomb.txt").write_bytes((bombs / "lines.txt").read_bytes())
    for i, (data, _, _) in enumerate(reports[:10]):
        (folder / f"r{i:02}.txt").write_bytes(data)
    start = time.monotonic()
    summary = ingest_paths(engine, [folder], progress=False, limits=SMALL)
    assert summary.results[0].code in {"too_big", "too_slow"}
    assert [r.outcome for r in summary.results[1:]].count("rejected") == 0, summary.render()
    assert time.monotonic() - start < SMALL.wall_seconds + 30


def _sleeper(data: bytes, name: str):
    while True:  # burns CPU: RLIMIT_CPU ends it
        pass


def _hog(data: bytes, name: str):
    hoard = []
    while True:
        hoard.append(bytearray(50 * 1024 * 1024))


@pytest.mark.parametrize(("parser", "code"), [(_sleeper, "too_slow"), (_hog, "too_big")])
def test_admin_upload_takes_the_same_limited_path(engine, parser, code):
    start = time.monotonic()
    result = ingest_bytes(engine, b"x", "a.txt", parser=parser, limits=Limits(seconds=1, memory_mb=200))
    assert (result.outcome, result.code) == ("rejected", code), result.reason
    assert time.monotonic() - start < 10
