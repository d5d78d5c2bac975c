"""The harvester against generated TRS- and Hanweb-style sites: finds every report, politely."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from harvest.fetch import FetchPolicy
from service.harvest import harvest, read_sites
from storage import harvest as frontier
from storage.models import Agency, Report

FAST = FetchPolicy(per_host_interval=0.05, backoff=0.01)


def _stored(engine) -> dict[tuple[str, int], Report]:
    with Session(engine) as s:
        rows = s.exec(select(Agency.name, Report).join(Report, Report.agency_id == Agency.id)).all()
    return {(name, rep.year): rep for name, rep in rows}


@pytest.mark.pg
@pytest.mark.asyncio
async def test_harvest_finds_every_report_and_nothing_disallowed(engine, sites, sites_csv, tmp_path):
    stats = await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    stored = _stored(engine)
    assert set(stored) == sites.expected, stats
    for rep in stored.values():
        assert rep.source_kind == "harvested" and rep.source_url.startswith("http://127.0.0.1:")
    # publication dates from PubDate metas / TRS and Hanweb URLs
    assert stored[("临江市河西区教育局", 2023)].published_on.isoformat() == "2024-02-05"
    assert stored[("白石市清水县人民政府", 2022)].published_on.isoformat() == "2023-01-15"
    assert all("/private/" not in p for p in sites.trs.paths())  # robots.txt honoured
    assert any(u.endswith("/private/t1.htm") for u in stats.disallowed)
    assert [u for u in stats.unsupported if u.endswith("/module/download/b.doc")]  # no LibreOffice here
    assert any(u.endswith("t20200101_404.htm") for u in stats.failed)
    # the duplicate posting was fetched once
    paths = sites.trs.paths()
    assert paths.count("/xxgk/ndbg/202201/t20220110_1000.htm") == 1
    # the audit scored it with the site's publication date
    from service.audit import card_of_report

    card = card_of_report(engine, stored[("临江市河西区教育局", 2023)].id)
    assert card is not None and card.date_source == "harvester" and card.published_on.isoformat() == "2024-02-05"
    # the raw store keeps every fetched file by its hash
    assert len(list((tmp_path / "raw").glob("*/*.bin"))) >= len(sites.expected)


@pytest.mark.asyncio
async def test_per_host_rate_is_never_exceeded(engine, sites, sites_csv, tmp_path):
    interval = 0.2
    await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FetchPolicy(per_host_interval=interval))
    for host in sites.hosts():
        times = sorted(h.at for h in host.log)
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        # measured at the server: arrival jitter on a loaded 2-core machine is a few ms, never a burst
        assert gaps and min(gaps) >= interval * 0.85, (host.name, min(gaps))
        assert (times[-1] - times[0]) / (len(times) - 1) >= interval * 0.98, host.name


@pytest.mark.asyncio
async def test_a_day_later_only_conditional_requests(engine, sites, sites_csv, tmp_path):
    await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    for host in sites.hosts():
        host.log.clear()
    stats = await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    hits = [h for host in sites.hosts() for h in host.log if h.path != "/robots.txt"]
    assert hits and all(h.conditional for h in hits if not h.path.endswith(".json")), hits
    assert stats.not_modified >= 3 and not [r for r in stats.reports if r[1] == "stored"]
    assert len(hits) <= 5  # one request per list page (+ the script list's API)


@pytest.mark.asyncio
async def test_a_report_published_later_is_found_by_the_next_run(engine, sites, sites_csv, tmp_path):
    await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    body, year = sites.publish_late(2025)
    stats = await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    assert (body, year) in _stored(engine)
    assert [r for r in stats.reports if r[1] == "stored"]


@pytest.mark.asyncio
async def test_one_run_at_a_time(engine, sites, sites_csv, tmp_path):
    assert frontier.acquire_lease(engine, "harvest", "other-host", 60)
    assert await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST) is None
    frontier.release_lease(engine, "harvest", "other-host")
    assert await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST) is not None


@pytest.mark.asyncio
async def test_reparse_from_the_raw_store_needs_no_network(engine, sites, sites_csv, tmp_path):
    from service.harvest import reparse_raw
    from tests.harvest import site

    await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    for host in sites.hosts():
        site.stop(host)
        host.log.clear()
    counts = reparse_raw(engine, tmp_path / "raw")
    assert counts.get("unchanged", 0) + counts.get("replaced", 0) >= len(sites.expected)
    assert "missing" not in counts and all(not host.log for host in sites.hosts())
    assert set(_stored(engine)) == sites.expected


def _is_qingshui_police_2022(data: bytes, name: str) -> bool:
    """清水县公安局's 2022 report page (its title is generic; its 2021 page only introduces a .doc)."""
    return "清水县公安局" in data.decode("utf-8", "ignore") and "2021" not in name


@pytest.mark.pg
@pytest.mark.asyncio
@pytest.mark.parametrize("code", ["internal", "store_down", "too_slow"])
async def test_a_report_whose_ingest_judged_nothing_is_tried_again(engine, sites, sites_csv, tmp_path, monkeypatch,
                                                                  code):
    """A parser worker that died, an unreachable store or a parse that overran on a busy machine says
    nothing about the file: the page is fetched and read again, not marked done and lost for good."""
    from service.ingest import IngestResult, pipeline

    real = pipeline.ingest_bytes
    failed: list[str] = []  # the name the page was ingested under, on its first attempt

    def flaky(eng, data, name, **options):
        if _is_qingshui_police_2022(data, name) and not failed:  # once
            failed.append(name)
            return IngestResult("rejected", "parser worker died", file_name=name, code=code)
        return real(eng, data, name, **options)

    monkeypatch.setattr("service.ingest.ingest_bytes", flaky)
    await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    assert failed and set(_stored(engine)) == sites.expected


@pytest.mark.asyncio
async def test_a_report_never_judged_stays_failed_not_done(engine, sites, sites_csv, tmp_path, monkeypatch):
    from harvest.crawl import INGEST_ATTEMPTS
    from service.ingest import IngestResult, pipeline

    real = pipeline.ingest_bytes
    tries: list[str] = []

    def broken(eng, data, name, **options):
        if _is_qingshui_police_2022(data, name):
            tries.append(name)
            return IngestResult("rejected", "parser worker died", file_name=name, code="internal")
        return real(eng, data, name, **options)

    monkeypatch.setattr("service.ingest.ingest_bytes", broken)
    stats = await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    assert len(tries) == INGEST_ATTEMPTS
    row = next(r for r in frontier.rows(engine) if r.url.endswith("/art/2023/1/20/art_1234_568.html"))
    assert row.state == "failed" and not row.content_hash
    assert set(_stored(engine)) == sites.expected - {("白石市清水县公安局", 2022)}
    assert stats is not None and row.url in stats.failed
    monkeypatch.setattr("service.ingest.ingest_bytes", real)  # the next day the parser is well again
    await harvest(engine, read_sites(sites_csv), tmp_path / "raw", policy=FAST)
    assert set(_stored(engine)) == sites.expected
