"""内容雷同 detection speed (issue 17): ms per report to measure a new report's copied share against its
body's previous report (read from the store) and against every other body's report of the same year
(the year's LSH index in memory), with 10 years × 3,000 bodies of generated prose stored.

Target: ≤ 50 ms per report (median and p95). Each body writes 20 sentences of its own a year plus 5 of
a pool of common wording; 10% copy their previous year at 90%, 5% copy another body at 60%. Detection
quality is reported too: mean measured share of the planted 90% copies (should be ~0.9) and of the
originals (should be ~0).

    .venv/bin/python bench/audit.py [--quick] [--json PATH]
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _prose(sentences: list[str]) -> str:
    return "一、总体情况\n" + "\n".join("".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))


def _plan(bodies: int, years: list[int], seed: int):
    """(agency index, year) → sentences, and which were planted as copies."""
    from tools.generator import copied_sentences, novel_sentences

    rng = random.Random(seed)
    common = novel_sentences(seed, 12)
    texts: dict[tuple[int, int], list[str]] = {}
    planted: dict[tuple[int, int], str] = {}
    for year in years:
        for b in range(bodies):
            own = novel_sentences(seed * 1_000_003 + year * 10_007 + b, 20)
            roll = rng.random()
            if roll < 0.10 and (b, year - 1) in texts:
                own = copied_sentences(texts[(b, year - 1)][5:], 0.9, seed=b + year)
                planted[(b, year)] = "previous"
            elif roll < 0.15 and b > 0:
                own = copied_sentences(texts[(b - 1, year)][5:], 0.6, seed=b + year)
                planted[(b, year)] = "peer"
            texts[(b, year)] = rng.sample(common, 5) + own
    return texts, planted


def run(bodies: int, n_years: int, queries: int, seed: int = 7) -> dict:
    from sqlalchemy.orm import Session

    from audit.fingerprint import Fingerprint, fingerprint
    from audit.similarity import YearIndex, measure
    from storage import scorecards as store
    from storage.db import create_all, get_engine
    from storage.models import Agency, ProseFingerprint, Report

    years = list(range(2015, 2015 + n_years))
    t0 = time.perf_counter()
    texts, planted = _plan(bodies, years, seed)
    gen_s = time.perf_counter() - t0
    tmp = tempfile.mkdtemp(prefix="bench_audit_")
    engine = get_engine(f"sqlite:///{tmp}/audit.db")
    create_all(engine)
    last = years[-1]
    rng = random.Random(seed)
    query_keys = rng.sample([k for k in texts if k[1] == last], min(queries, bodies))
    t0 = time.perf_counter()
    with Session(engine) as session, session.begin():
        session.add_all([Agency(id=b + 1, name=f"第{b}局") for b in range(bodies)])
        session.flush()
        rid, prints = 0, []
        for (b, year), sents in texts.items():
            if (b, year) in query_keys:
                continue  # the reports being scored arrive now
            rid += 1
            session.add(Report(id=rid, agency_id=b + 1, year=year, template="2021", file_hash=f"{rid}"))
            prints.append(ProseFingerprint(report_id=rid, agency_id=b + 1, year=year,
                                           data=fingerprint(_prose(sents)).to_bytes()))
        session.flush()  # reports before their fingerprints (foreign keys)
        session.add_all(prints)
    store_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    index = YearIndex(last)
    with Session(engine) as session:
        for report_id, agency_id, name, data in store.fingerprints_of_year(session, last):
            index.add(report_id, agency_id, name, Fingerprint.from_bytes(data))
    load_s = time.perf_counter() - t0
    times, copies, originals = [], [], []
    for b, year in query_keys:
        text = _prose(texts[(b, year)])
        s = time.perf_counter()
        with Session(engine) as session:
            prev = store.previous_fingerprint(session, b + 1, year)
        sim = measure(fingerprint(text), b + 1, index, Fingerprint.from_bytes(prev[1]) if prev else None, "prev")
        times.append(time.perf_counter() - s)
        kind = planted.get((b, year))
        if kind == "previous":
            copies.append(sim.previous_share or 0.0)
        elif kind is None:
            originals.append(max(sim.previous_share or 0.0, sim.peer_share or 0.0))
    times.sort()
    ms = [t * 1000 for t in times]
    return {
        "metrics": {
            "copy_detect_median_ms": {"value": round(statistics.median(ms), 2), "unit": "ms", "target": "<= 50"},
            "copy_detect_p95_ms": {"value": round(ms[int(0.95 * (len(ms) - 1))], 2), "unit": "ms", "target": "<= 50"},
            "planted_90pct_copy_share": {"value": round(statistics.mean(copies), 3) if copies else None,
                                         "unit": "share", "target": ">= 0.8"},
            "original_report_share": {"value": round(statistics.mean(originals), 3) if originals else None,
                                      "unit": "share", "target": "<= 0.1"},
        },
        "context": {"bodies": bodies, "years": n_years, "stored_reports": len(texts) - len(query_keys),
                    "queries": len(query_keys), "year_index_load_s": round(load_s, 2),
                    "generate_s": round(gen_s, 1), "store_s": round(store_s, 1)},
    }


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quick", action="store_true", help="300 bodies × 3 years")
    p.add_argument("--json", default=None, help="write the figures here")
    p.add_argument("--bodies", type=int, default=3000)
    p.add_argument("--years", type=int, default=10)
    p.add_argument("--queries", type=int, default=200)
    a = p.parse_args()
    out = run(300, 3, 100) if a.quick else run(a.bodies, a.years, a.queries)
    text = json.dumps(out, ensure_ascii=False, indent=1)
    if a.json:
        Path(a.json).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
