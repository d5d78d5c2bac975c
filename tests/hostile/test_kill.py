"""Issue 15.6 and the kill test of issue 15: kill -9 of an ingest (serial and parallel) at random points.

Must hold after every kill: no parser worker of the killed ingest is still running (checked in /proc);
the store is consistent (every report has exactly one current version whose values are the report's
rows); and a later full ingest leaves exactly the content a clean run gives. The short variant (2 kills
per mode) runs in `make test`; the full one (20 per mode) is marked slow.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlmodel import Session

from service.ingest import ingest_paths
from storage.models import IndicatorValue, Report, ReportVersion
from tests.hostile.conftest import content

pytestmark = pytest.mark.pg


def _script() -> list[str]:
    exe = Path(sys.executable).with_name("disclosure-bot")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "bot.cli"]


def _children(pid: int) -> set[int]:
    out = set()
    for d in Path("/proc").iterdir():
        if not d.name.isdigit():
            continue
        try:
            stat = (d / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[1]) == pid:
            out.add(int(d.name))
    return out


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def _wait_until(cond, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return True
        time.sleep(0.02)
    return cond()


def check_consistent(engine) -> None:
    with Session(engine) as s:
        for report in s.execute(select(Report)).scalars():
            current = (
                s.execute(
                    select(ReportVersion).where(ReportVersion.report_id == report.id, ReportVersion.current)
                )
                .scalars()
                .all()
            )
            assert len(current) == 1, report.id
            n = s.execute(select(func.count()).where(IndicatorValue.report_id == report.id)).scalar()
            assert n == len(current[0].values) and current[0].file_hash == report.file_hash


def kill_at_random(engine, samples: Path, workers: int, kills: int, seed: int) -> None:
    rng = random.Random(seed)
    env = {
        **os.environ,
        "DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "DISCLOSURE_INGEST_WORKERS": str(workers),
    }
    for _ in range(kills):
        proc = subprocess.Popen(
            [*_script(), "ingest", "--no-progress", "--json", str(samples)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        seen: set[int] = set()

        def started(proc=proc, seen=seen) -> bool:
            seen.update(_children(proc.pid))
            return bool(seen) or proc.poll() is not None

        _wait_until(started, 30)  # the first parser worker is up (imports done)
        at = time.monotonic() + rng.uniform(0.0, 3.0)

        def time_to_kill(proc=proc, seen=seen, at=at) -> bool:
            seen.update(_children(proc.pid))
            return time.monotonic() >= at or proc.poll() is not None

        _wait_until(time_to_kill, 10)
        killed_mid_run = proc.poll() is None
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
        assert _wait_until(lambda seen=seen: not any(_running(p) for p in seen), 5), "orphaned workers"
        check_consistent(engine)
        assert not killed_mid_run or seen, "the ingest ran without parser workers"


def _full_run(engine, samples, reference) -> None:
    summary = ingest_paths(engine, [samples], progress=False)
    assert {r.outcome for r in summary.results} <= {"stored", "unchanged", "skipped"}, summary.render()
    check_consistent(engine)
    assert content(engine) == reference


@pytest.mark.parametrize("workers", [1, 2])
def test_kill_ingest_leaves_a_consistent_store_and_no_orphans(engine, samples, reference, workers):
    kill_at_random(engine, samples, workers, kills=2, seed=workers)
    _full_run(engine, samples, reference)


@pytest.mark.slow
@pytest.mark.parametrize("workers", [1, 2])
def test_kill_ingest_twenty_times(engine, samples, reference, workers):
    kill_at_random(engine, samples, workers, kills=20, seed=100 + workers)
    _full_run(engine, samples, reference)
