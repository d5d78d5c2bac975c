"""kill -9 in the middle of a harvest, then re-run: it continues from the stored frontier."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter
from pathlib import Path

from sqlmodel import Session, select

from storage import harvest as frontier
from storage.db import get_engine
from storage.models import Agency, Report
from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from bot.cli import main; raise SystemExit(main())", *args]


def test_kill_9_then_rerun_fetches_nothing_twice(sites, sites_csv, tmp_path):
    url = f"sqlite:///{tmp_path / 'h.db'}"
    args = ("--database-url", url, "harvest", "--sites", str(sites_csv), "--raw", str(tmp_path / "raw"),
            "--interval", "0.1")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen(_cli(*args), cwd=tmp_path, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    wait_until(lambda: len(sites.trs.log) + len(sites.hanweb.log) >= 8, 60, "8 requests in the sites' logs",
               poll=0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    first = len(sites.trs.log) + len(sites.hanweb.log)
    done = subprocess.run(_cli(*args), cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    assert len(sites.trs.log) + len(sites.hanweb.log) > first  # the re-run did the rest
    for host in sites.hosts():
        ok = Counter(h.path for h in host.log if h.status == 200 and h.path != "/robots.txt")
        # at most the one row in hand at the kill (a list page and the JSON API it is drawn from are one row)
        twice = [p for p, n in ok.items() if n > 1 and "/module/api/" not in p]
        assert len(twice) <= 1, (host.name, twice)
    eng = get_engine(url)
    with Session(eng) as s:
        found = {(n, y) for n, y in s.exec(select(Agency.name, Report.year).join(Report)).all()}
    assert found == sites.expected, (
        [(r.kind, r.state, r.url.rsplit("/", 1)[-1], r.error) for r in frontier.rows(eng)],
        done.stderr[-2000:],
    )
