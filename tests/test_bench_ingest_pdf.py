"""bench/ingest_pdf.py's own logic, without making or reading PDFs: the corpus mixes what the issue asks
for, a run cut short by the time budget says so in its figure names, and the sample check finds a wrong
stored value."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def bench():
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        import ingest_pdf as module

        yield module
    finally:
        sys.path.remove(str(ROOT / "bench"))


def test_the_quick_corpus_mixes_formats_table_styles_and_levels(bench):
    entries = bench.plan(3)
    quick = entries[: bench.QUICK_N]
    assert set(Counter(template for _a, _y, template, _s in quick)) == {"2008", "2019", "2021", "narrative"}
    assert {bench._style(k) for k in range(bench.QUICK_N)} == {"text", "grid", "positions"}
    assert len({len(a.region_path) for a, *_ in quick}) >= 3  # city, county and town bodies
    assert any(len(a.region_path) == 1 for a, *_ in entries)  # province bodies in the full corpus
    assert len({(a.name, y) for a, y, *_ in entries}) == bench.CORPUS  # every file a new agency+year


def _got(done: int, **over) -> dict:
    got = {
        "done": done,
        "wall_s": 100.0,
        "ingest_s": 100.0,
        "score_after_s": 0.0,
        "scorecards": done,
        "counts": {"stored": done - 1, "rejected": 1},
        "stats": {"values": 10 * done, "reports": done - 1},
        "workers": 4,
        "parent_cpu_s": 10.0,
        "workers_cpu_s": 90.0,
        "parent_peak_rss_mb": 140.0,
        "worker_peak_rss_mb": 0.0,
        "worker_hwm_mb": 130.0,
        "worker_time": {"cpu_pct": 50.0, "waiting_for_cpu_pct": 40.0, "idle_pct": 10.0},
        "parent_time": {"cpu_pct": 10.0, "waiting_for_cpu_pct": 5.0, "idle_pct": 85.0},
        "load_average_start": 1.0,
    }
    return {**got, **over}


def test_a_run_cut_short_names_what_was_measured_and_projects_the_rest(bench):
    sample = {"checked": 50, "values_compared": 5000, "mismatches": 0, "bad": []}
    m = bench.figures_for("sqlite", 10_000, _got(300), sample, cores=2, scoring="during")
    assert m["sqlite_300_of_10000.reports_per_s"]["value"] == 3.0
    assert m["sqlite_300_of_10000.reports_per_s_per_core"]["value"] == 1.5  # 4 workers on 2 CPUs: 2 cores
    assert m["sqlite_10000.wall_s_projected"]["value"] == pytest.approx(3333.3)
    assert m["sqlite_300_of_10000.rejected"] == {"value": 1, "unit": "reports", "target": "== 0"}
    assert m["sqlite_300_of_10000.stored"]["target"] == "== 300"
    assert m["sqlite_300_of_10000.worker_peak_rss_mb"]["value"] == 130.0
    assert m["sqlite_300_of_10000.reports_per_cpu_s"]["value"] == 3.0
    whole = bench.figures_for("postgresql", 300, _got(300), sample, cores=2, scoring="after")
    assert "postgresql_300_scoring_after.wall_s" in whole
    assert not any(k.endswith("_projected") for k in whole)


def test_the_sample_check_finds_a_stored_value_that_differs_from_the_generator(bench, tmp_path):
    from sqlalchemy import func, select, update

    from service.ingest import ingest_bytes
    from storage.db import create_all, get_engine
    from storage.models import IndicatorValue

    url = f"sqlite:///{tmp_path / 's.db'}"
    engine = get_engine(url)
    create_all(engine)
    entries = bench.plan(3)[:6]
    for k, entry in enumerate(entries):  # the reports as text: the same numbers, read in milliseconds
        assert ingest_bytes(engine, bench.expected(k, entry).text.encode(), f"{k}.txt") == "stored"
    clean = bench.check_sample(url, entries, done=6, size=6, seed=3)
    assert clean["checked"] == 6 and clean["mismatches"] == 0 and clean["values_compared"] > 300
    with engine.begin() as conn:  # one figure the parser read (derived ones are not compared)
        first = conn.execute(
            select(func.min(IndicatorValue.id)).where(IndicatorValue.origin != "derived")
        ).scalar_one()
        conn.execute(update(IndicatorValue).where(IndicatorValue.id == first).values(value=-1.0, value_text=-1))
    found = bench.check_sample(url, entries, done=6, size=6, seed=3)
    assert found["mismatches"] == 1 and found["bad"][0]["differ"]
    engine.dispose()
