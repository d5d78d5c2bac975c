"""The harvest use case: read a sites file, seed the frontier, crawl, ingest what was found.

Why in service/: it wires harvest/ (fetching) to the ingest use case and to provenance (a harvested
report is tagged `harvested` with its public URL and publication date, shown in every answer).
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine

from harvest.crawl import Crawler, CrawlStats, file_name_for
from harvest.fetch import FetchPolicy, PoliteClient
from harvest.raw import RawStore
from reminders.calendar import today_in_shanghai
from reminders.published import plan_published
from storage import harvest as frontier
from storage.provenance import mark_source

LEASE = "harvest"
log = logging.getLogger(__name__)


@dataclass(slots=True)
class Site:
    name: str
    kind: str
    region: str
    url: str


class SitesError(ValueError):
    """A sites file that cannot be used; `problems` names each bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems[:5]))
        self.problems = problems


def read_sites(path: Path) -> list[Site]:
    """CSV with a header: name,kind,region,url (url: the site or its 年报 column). Bad lines are listed."""
    text = Path(path).read_bytes().decode("utf-8-sig")
    sites, problems = [], []
    for n, row in enumerate(csv.DictReader(io.StringIO(text)), 2):
        url = (row.get("url") or "").strip()
        name = (row.get("name") or "").strip()
        if not name or urlsplit(url).scheme not in ("http", "https"):
            problems.append(f"line {n}: need a name and an http(s) url (got {name!r}, {url!r})")
            continue
        sites.append(Site(name, (row.get("kind") or "other").strip(), (row.get("region") or "").strip(), url))
    if problems or not sites:
        raise SitesError(problems or [f"{path}: no sites"])
    return sites


def in_region(sites: list[Site], place: str) -> list[Site]:
    """The sites of one place: its region column names it, or the body's name contains it (银川市…)."""
    place = place.strip()
    return [s for s in sites if place and (place == s.region or place in s.region.split("/") or place in s.name)]


@dataclass(slots=True)
class RegionSites:
    """What `harvest --region` crawls for one place of the registry, and which bodies it cannot reach."""

    sites: list[Site]  # each body's own URL, plus the portals standing in for bodies without one
    own: list[str]  # bodies with a URL of their own
    via_portal: dict[str, list[str]]  # portal URL → the bodies without a URL it stands in for
    unreachable: list[str]  # bodies of the place with no URL and no portal above them
    bodies: int = 0


def registry_sites(engine: Engine, place: str) -> RegionSites:
    """The sites of one place from the stored registry (its `url` column, Agency.site_url).

    A body without a URL is looked for on its region's portal: the URL of the people's government
    (kind people_gov) of its innermost region with one, walking up the region path. City portals
    keep a 政府信息公开年报 column listing their departments' reports, reached from the portal by
    link text (the crawler's hops); a report found there is filed under the body its text names.
    """
    from reminders.registry import matches

    everyone = frontier.registry_bodies(engine)
    portals = {b.region: b for b in everyone if b.kind == "people_gov" and b.site_url}
    mine = [b for b in everyone if place.strip() and matches(b, "region", place.strip())]  # type: ignore[arg-type]
    out = RegionSites([], [], {}, [], len(mine))
    seen: set[str] = set()

    def add(body, url: str) -> None:
        if url not in seen:
            seen.add(url)
            out.sites.append(Site(body.name, body.kind, body.region_path, url))

    for body in mine:
        if body.site_url:
            add(body, body.site_url)
            out.own.append(body.name)
            continue
        portal = next((portals[r] for r in reversed(body.region_path.split("/")) if r in portals), None)
        if portal is None:
            out.unreachable.append(body.name)
            continue
        add(portal, portal.site_url)
        out.via_portal.setdefault(portal.site_url, []).append(body.name)
    return out


def seed(engine: Engine, sites: list[Site]) -> int:
    """Put each site's URL on the frontier (known URLs are kept as they are: resumable)."""
    return frontier.add_urls(
        engine, [frontier.NewUrl(s.url, urlsplit(s.url).netloc, "seed", s.name, s.region) for s in sites]
    )


# rejections that judge nothing about the file: the crawler fetches it again (harvest.crawl.INGEST_ATTEMPTS)
NOT_JUDGED = frozenset({"store_down", "internal", "too_slow"})


def make_ingest(engine: Engine):
    """The callback the crawler hands report bytes to: ingest, then tag the report as harvested."""
    from service.ingest import ingest_bytes

    def ingest(data: bytes, name: str, url: str, published: date | None) -> tuple[str, int | None, str]:
        result = ingest_bytes(engine, data, name)
        if result.outcome == "rejected" and result.code in NOT_JUDGED:
            return "retry", None, result.reason
        if result.outcome in ("stored", "replaced") and result.report_id is not None:
            mark_source(
                engine, [result.report_id], "harvested", url=url,
                published=published.isoformat() if published else "",
            )
            _score(engine, result.report_id, data, name, published)
        return result.outcome, result.report_id, result.reason

    return ingest


def _score(engine: Engine, report_id: int, data: bytes, name: str, published: date | None) -> None:
    """The audit scorecard, with the site's publication date (the audit's preferred date source)."""
    from reports.readers import read_document
    from service.audit import score_and_store

    try:
        score_and_store(engine, report_id, read_document(data, name), published_on=published)
    except Exception:  # noqa: BLE001 - the report is stored; its scorecard can be computed again
        log.exception("cannot score harvested report %s (%s)", report_id, name)


async def harvest(
    engine: Engine,
    sites: list[Site],
    raw_dir: Path,
    *,
    policy: FetchPolicy | None = None,
    transport=None,
    worker: str = "harvest",
    recheck: bool = True,
    lease_seconds: float = 600.0,
    today: date | None = None,
) -> CrawlStats | None:
    """One harvest run (None when another run holds the lease). `recheck` re-queues list pages, which
    are then fetched with conditional headers (a no-change day costs one request per list page).
    Newly stored reports of the season queue one 已发布 notice per subscribed chat."""
    if not frontier.acquire_lease(engine, LEASE, worker, lease_seconds):
        return None
    try:
        seed(engine, sites)
        if recheck and frontier.pending_count(engine) == 0:
            frontier.requeue_for_recheck(engine)
        async with PoliteClient(policy, transport=transport) as client:
            crawler = Crawler(engine, client, RawStore(raw_dir), make_ingest(engine), worker=worker)
            stats = await crawler.run(
                heartbeat=lambda: frontier.acquire_lease(engine, LEASE, worker, lease_seconds)
            )
            stats.requests = len(client.log.entries)
            stats.bytes = sum(e[4] for e in client.log.entries)
        new_ids = [rid for _u, outcome, rid in stats.reports if outcome == "stored" and rid is not None]
        if new_ids:
            stats.notices = plan_published(engine, new_ids, today or today_in_shanghai())
        return stats
    finally:
        frontier.release_lease(engine, LEASE, worker)


def reparse_raw(engine: Engine, raw_dir: Path) -> dict[str, int]:
    """Re-parse every harvested report from the raw store (no network), e.g. after a parser fix.
    Returns outcome → count (unchanged / replaced / rejected / missing raw file)."""
    from service.ingest import ingest_bytes

    raw = RawStore(raw_dir)
    counts: dict[str, int] = {}
    for row in frontier.rows(engine, state="done"):
        if row.kind not in ("page", "file") or not row.content_hash:
            continue
        path = raw.path(row.content_hash)
        if not path.exists():
            counts["missing"] = counts.get("missing", 0) + 1
            continue
        html = "html" in (row.content_type or "")
        result = ingest_bytes(engine, path.read_bytes(), file_name_for(row.url, row.title, html), reparse=True)
        if result.outcome in ("stored", "replaced") and result.report_id is not None:
            published = row.published_on.isoformat() if row.published_on else ""
            mark_source(engine, [result.report_id], "harvested", url=row.url, published=published)
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
    return counts
