"""Issue 15.4: connections to PostgreSQL dropped every 0.3 s during an ingest.

Must hold: every file gets an outcome, streamed one by one as it is decided (the `on_result` order is
the summary's order); the run ends with the summary; and once the drops stop, a re-run leaves exactly
the content of a clean run (nothing half-written, nothing lost). Runs only with TEST_DATABASE_URL.
"""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.engine import make_url

from service.ingest import Retry, ingest_paths
from storage.db import get_engine
from tests.hostile.conftest import content
from tests.pgproxy import TcpProxy

pytestmark = pytest.mark.pg


def test_dropped_connections_cost_nothing(engine, samples, reference):
    if engine.dialect.name != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL (PostgreSQL)")
    url = make_url(engine.url.render_as_string(hide_password=False))
    proxy = TcpProxy(url.port or 5432, url.host or "127.0.0.1").start()
    stop = threading.Event()

    def drop() -> None:
        while not stop.wait(0.3):
            proxy.refuse()
            proxy.accept()

    dropper = threading.Thread(target=drop, daemon=True)
    streamed = []
    try:
        flaky = get_engine(url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False))
        dropper.start()
        summary = ingest_paths(
            flaky,
            [samples],
            progress=False,
            retry=Retry(attempts=12, first_delay=0.05, max_delay=0.5),
            on_result=streamed.append,
        )
    finally:
        stop.set()
        dropper.join(5)
    assert proxy.resets > 0  # connections really were dropped
    proxy.stop()
    assert streamed == summary.results and len(summary.results) == len(list(samples.iterdir()))
    assert not [r for r in summary.results if r.code == "store_down"], summary.render()
    assert "共处理" in summary.render()
    again = ingest_paths(engine, [samples], progress=False)
    assert {r.outcome for r in again.results} <= {"stored", "unchanged", "skipped"}, again.render()
    assert content(engine) == reference
