"""A lease dies with its holder: a kill -9'd leader's lease is free again within 5 s, not after its TTL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from storage.lease import Lease
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]
HOLDER = """
import sys, threading
from storage.db import get_engine
from storage.lease import Lease
lease = Lease(get_engine(sys.argv[1]), "child-holder", 600)
assert lease.try_acquire()
print("held", flush=True)
threading.Event().wait()
"""


@pytest.mark.pg
def test_killed_holder_frees_the_lease_within_5_seconds(engine):
    url = engine.url.render_as_string(hide_password=False)
    child = subprocess.Popen([sys.executable, "-c", HOLDER, url], cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "held"
        newcomer = Lease(engine, "newcomer", 60)
        assert newcomer.holder() == "child-holder"
        assert not newcomer.try_acquire()  # a live holder keeps its 600 s lease
        os.kill(child.pid, signal.SIGKILL)
        child.wait(10)
        took = wait_until(newcomer.try_acquire, 5.0, "the lease to be free")
        assert took < 5.0
        assert newcomer.holder() == "newcomer"
        newcomer.release()
    finally:
        if child.poll() is None:
            child.kill()
            child.wait(10)


@pytest.mark.pg
def test_a_live_holder_in_this_process_is_not_taken_over(engine):
    first, second = Lease(engine, "first", 600), Lease(engine, "second", 600)
    assert first.try_acquire()
    assert not second.try_acquire() and second.holder() == "first"
    first.release()
    assert second.try_acquire()
    second.release()


def test_foreign_host_lease_waits_for_its_expiry(engine):
    """On SQLite we can only see processes of this host: another host's lease is honoured until it lapses."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite holder check")
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import insert

    from storage.models import AppMeta

    expiry = (datetime.now(UTC) + timedelta(seconds=600)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    with engine.begin() as conn:
        conn.execute(insert(AppMeta.__table__).values(key="reminders.leader",
                                                      value=f"{expiry}|far|other-host|1|123"))
    assert not Lease(engine, "near", 60).try_acquire()
