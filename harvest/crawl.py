"""The crawl loop: claim frontier rows, fetch politely, keep the bytes, follow links, hand reports on.

Why this shape: the frontier is in the store (storage/harvest.py), so a killed run resumes where it
stopped and several workers share it; this module decides only what a fetched page means. Reports
are handed to an `ingest` callback (the service layer's ingest use case) so harvest/ stays below
service/.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from sqlalchemy.engine import Engine

from harvest.fetch import FetchResult, PoliteClient
from harvest.links import Link, is_report_title, read_api, read_page, words
from harvest.raw import RawStore
from storage import harvest as frontier

log = logging.getLogger(__name__)

# ingest(data, file_name, url, published) -> (outcome, report_id, reason); outcome "retry" when the
# file was not judged at all (store unreachable, parser worker died or overran on a busy machine)
Ingest = Callable[[bytes, str, str, date | None], tuple[str, int | None, str]]
MAX_HOPS = 3  # seed → … → the 年报 column
INGEST_ATTEMPTS = 3  # a report whose ingest was not judged is fetched again, at most this often
CONVERT_TIMEOUT = 180.0  # seconds for one LibreOffice conversion


@dataclass(slots=True)
class CrawlStats:
    fetched: int = 0
    not_modified: int = 0
    reports: list[tuple[str, str, int | None]] = field(default_factory=list)  # (url, outcome, report id)
    unsupported: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    disallowed: list[str] = field(default_factory=list)
    requests: int = 0  # HTTP requests sent (incl. robots.txt and retries)
    bytes: int = 0  # bytes received
    notices: int = 0  # 已发布 notices queued (service layer)


def _host(url: str) -> str:
    return urlsplit(url).netloc


def _is_html(res: FetchResult, url: str) -> bool:
    ctype = res.headers.get("content-type", "")
    return "html" in ctype or (not ctype and urlsplit(url).path.lower().endswith((".htm", ".html", "/")))


def file_name_for(url: str, title: str, html: bool) -> str:
    """The name a fetched report is ingested under (its title for HTML pages, else the URL's file)."""
    base = unquote(urlsplit(url).path.rsplit("/", 1)[-1]) or "index.html"
    if html and title:
        return f"{title[:80]}.html"
    return base


def libreoffice() -> str | None:
    """The LibreOffice binary on PATH (soffice or libreoffice), None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_legacy(data: bytes, suffix: str) -> bytes | None:
    """.doc/.wps/.xls → .docx/.xlsx text via LibreOffice headless when installed; None otherwise."""
    soffice = libreoffice()
    if not soffice:
        return None
    target = "docx" if suffix in (".doc", ".wps") else "xlsx"
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / f"in{suffix}"
        src.write_bytes(data)
        profile = Path(tmp) / "profile"  # a profile of its own: parallel conversions do not block each other
        # its own process group: on a timeout soffice.bin (a grandchild) is killed too, not left holding pipes
        proc = subprocess.Popen(
            [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", target,
             "--outdir", tmp, str(src)],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        try:
            proc.wait(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
            log.warning("LibreOffice did not convert a %s file within %s s", suffix, CONVERT_TIMEOUT)
            return None
        out = Path(tmp) / f"in.{target}"
        return out.read_bytes() if proc.returncode == 0 and out.exists() else None


class Crawler:
    def __init__(
        self, engine: Engine, client: PoliteClient, raw: RawStore, ingest: Ingest, *, worker: str = "harvest"
    ) -> None:
        self.engine, self.client, self.raw, self.ingest, self.worker = engine, client, raw, ingest, worker
        self.stats = CrawlStats()

    async def run(
        self, *, batch: int = 8, max_rows: int | None = None, heartbeat: Callable[[], bool] | None = None
    ) -> CrawlStats:
        """Work the frontier until nothing is pending (or `max_rows` rows were handled). `heartbeat` is
        called before each batch (renews the run's lease); when it returns False the run stops."""
        handled = 0
        while max_rows is None or handled < max_rows:
            if heartbeat is not None and not heartbeat():
                break
            rows = frontier.claim(self.engine, self.worker, limit=batch)
            if not rows:
                break
            by_host: dict[str, list[Any]] = {}
            for row in rows:
                by_host.setdefault(row.host, []).append(row)
            await asyncio.gather(*(self._host_rows(rs) for rs in by_host.values()))
            handled += len(rows)
        return self.stats

    async def _host_rows(self, rows: list[Any]) -> None:
        for row in rows:  # one host's rows in order (its rate limit serialises them anyway)
            try:
                await self.handle(row)
            except Exception as err:  # noqa: BLE001 - one bad page must not stop the crawl
                log.exception("harvest: %s failed", row.url)
                frontier.finish(self.engine, row.id, "failed", error=f"{type(err).__name__}: {err}")
                self.stats.failed.append(row.url)

    async def handle(self, row: Any) -> None:
        res = await self.client.fetch(row.url, etag=row.etag, last_modified=row.last_modified)
        if res.disallowed:
            self.stats.disallowed.append(row.url)
            frontier.finish(self.engine, row.id, "disallowed", error=res.error)
            return
        if res.status is None or (res.status >= 400 and res.status != 304):
            state = "gone" if res.status in (404, 410) else "failed"
            self.stats.failed.append(row.url)
            frontier.finish(
                self.engine, row.id, state, http_status=res.status, error=res.error or f"HTTP {res.status}",
                attempts=row.attempts + 1,
            )
            return
        self.stats.fetched += 1
        if res.not_modified:
            self.stats.not_modified += 1
            frontier.finish(self.engine, row.id, "done", http_status=304)
            return
        await self._fetched(row, res)

    async def _fetched(self, row: Any, res: FetchResult) -> None:
        html = _is_html(res, res.final_url or row.url)
        page = read_page(res.data.decode(_charset(res), "replace"), res.final_url or row.url) if html else None
        published = (page.published if page else None) or row.published_on
        digest = self.raw.put(res.data, url=row.url, headers=res.headers, published=published)
        title = (page.title if page else "") or row.link_text
        fields = {
            "http_status": res.status, "etag": res.headers.get("etag", ""),
            "last_modified": res.headers.get("last-modified", ""),
            "content_type": res.headers.get("content-type", "")[:200], "content_hash": digest,
            "size": len(res.data), "headers": res.headers, "fetched_at": _utcnow(), "title": title[:500],
            "published_on": published, "attempts": row.attempts + 1,
        }
        changed = digest != row.content_hash
        state, report_id = "done", None
        if page is not None:
            await self._follow(row, page)
        judged = True
        if row.kind in ("page", "file") and changed:
            state, report_id, judged = await self._ingest(row, res, title, html, published)
        if not judged:  # fetched in full and read again next time: nothing may say "already seen"
            fields.update(content_hash=row.content_hash, etag=row.etag, last_modified=row.last_modified)
        frontier.finish(self.engine, row.id, state, report_id=report_id, **fields)

    async def _ingest(
        self, row: Any, res: FetchResult, title: str, html: bool, published: date | None
    ) -> tuple[str, int | None, bool]:
        """(frontier state, report id, judged): not judged when the ingest said nothing about the file."""
        data = res.data
        name = file_name_for(row.url, title, html)
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix in words()["legacy"]:  # in a thread: a conversion takes seconds, other hosts go on
            converted = await asyncio.to_thread(convert_legacy, data, suffix)
            if converted is None:
                self.stats.unsupported.append(row.url)
                return "unsupported", None, True
            data, name = converted, name[: -len(suffix)] + (".docx" if suffix != ".xls" else ".xlsx")
        outcome, report_id, reason = self.ingest(data, name, row.url, published)
        if outcome == "retry":
            if row.attempts + 1 < INGEST_ATTEMPTS:
                log.warning("harvest: %s not ingested (%s); trying again", row.url, reason)
                return "pending", None, False
            self.stats.reports.append((row.url, "rejected", None))
            self.stats.failed.append(row.url)
            return "failed", None, False  # never "done": the next run tries it again (requeue_for_recheck)
        self.stats.reports.append((row.url, outcome, report_id))
        if outcome == "rejected" and row.kind == "page":
            return "done", None, True  # a page that only introduces its attachment: the attachment is the report
        return ("done" if outcome != "rejected" else "failed"), report_id, True

    async def _follow(self, row: Any, page: Any) -> None:
        links: list[Link] = list(page.links)
        for api in page.api_urls:  # a list rendered by script from a JSON search API
            res = await self.client.fetch(api)
            if res.status == 200:
                links.extend(read_api(res.data, api))
        new: list[frontier.NewUrl] = []
        for link in links:
            kind = self._child_kind(row, link)
            if kind:
                new.append(
                    frontier.NewUrl(
                        link.url, _host(link.url), kind, row.site, row.region, row.depth + 1, row.url,
                        link.text, link.published or (page.published if row.kind == "page" else None),
                    )
                )
        frontier.add_urls(self.engine, new)

    @staticmethod
    def _child_kind(row: Any, link: Link) -> str | None:
        if row.kind == "page":  # a report page: only its attachments
            return "file" if link.kind == "file" else None
        if row.kind == "file":
            return None
        if link.kind == "file":
            return "file" if is_report_title(link.text) else None
        if link.kind == "page":
            return "page"
        if link.kind == "list" and row.kind in ("list", "column", "seed"):
            return "list"
        if link.kind == "column":
            return "list" if row.depth < MAX_HOPS else None
        if link.kind == "hop" and row.kind in ("seed", "hop") and row.depth + 1 < MAX_HOPS:
            return "hop"
        return None


def _charset(res: FetchResult) -> str:
    """The page's encoding: the header's charset, else a <meta charset>, else UTF-8 (GBK sites say so)."""
    ctype = res.headers.get("content-type", "")
    m = re.search(r"charset=([\w-]+)", ctype) or re.search(rb'charset=["\']?([\w-]+)', res.data[:2048])
    name = m.group(1) if m else "utf-8"
    name = name.decode("ascii", "replace") if isinstance(name, bytes) else name
    return "gb18030" if name.lower() in ("gbk", "gb2312", "gb18030") else name


def _utcnow() -> datetime:
    return datetime.now(UTC)
