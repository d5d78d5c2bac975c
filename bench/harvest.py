"""Harvest throughput against the generated local government sites, and the cost of a no-change re-run.

Figures: pages/s and reports/s with the per-host rate limit off (what the harvester itself costs:
fetch, link reading, raw store, parse and ingest), and for a second run a day later with nothing new:
requests and bytes (target: one conditional request per list page, plus robots.txt and the JSON API).

    .venv/bin/python bench/harvest.py [--reports 200] [--quick] [--json out.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from harvest.fetch import FetchPolicy  # noqa: E402
from service.harvest import harvest, read_sites  # noqa: E402
from storage.db import create_all, get_engine  # noqa: E402
from tests.harvest import site  # noqa: E402


async def _measure(n_reports: int, work: Path) -> dict:
    family = site.build()
    try:
        list_pages = site.add_reports(family, n_reports)
        csv_path = work / "sites.csv"
        csv_path.write_text(family.sites_csv(), encoding="utf-8")
        engine = get_engine(f"sqlite:///{work / 'bench.db'}")
        create_all(engine)
        policy = FetchPolicy(per_host_interval=0.0, backoff=0.01)
        t0 = time.perf_counter()
        first = await harvest(engine, read_sites(csv_path), work / "raw", policy=policy, today=date(2026, 1, 10))
        elapsed = time.perf_counter() - t0
        stored = sum(1 for _u, o, _r in first.reports if o == "stored")
        second = await harvest(engine, read_sites(csv_path), work / "raw", policy=policy, today=date(2026, 1, 11))
        # robots.txt per host + every list page of both sites (TRS pages, the redirect, the Hanweb column)
        # + the JSON API + the two entry pages
        budget = list_pages + 2 + 1 + 1 + 2
        return {
            "metrics": {
                "pages_per_second": {"value": round(first.fetched / elapsed, 1), "unit": "/s"},
                "reports_per_second": {"value": round(stored / elapsed, 1), "unit": "/s"},
                "rerun_requests": {"value": second.requests, "unit": "requests", "target": f"<= {budget}"},
                "rerun_bytes": {"value": second.bytes, "unit": "B", "target": "<= 50000"},
                "first_run_requests": {"value": first.requests, "unit": "requests"},
                "first_run_bytes": {"value": first.bytes, "unit": "B"},
                "reports_stored": {"value": stored, "unit": "reports", "target": f">= {len(family.expected)}"},
            },
            "context": {"reports_on_sites": len(family.expected), "list_pages": list_pages, "seconds": elapsed},
        }
    finally:
        for host in family.hosts():
            site.stop(host)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--reports", type=int, default=200, help="extra generated reports on the TRS column")
    ap.add_argument("--quick", action="store_true", help="40 reports")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(_measure(40 if args.quick else args.reports, Path(tmp)))
    text = json.dumps(result, ensure_ascii=False)
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
