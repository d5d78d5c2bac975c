"""A polite HTTP client for government sites: robots.txt, per-host rate, retries, circuit breaker.

Why httpx + protego (not Scrapy): the frontier must live in our store (resumable, shared by workers
with SKIP LOCKED), and the fetched bytes go through our ingest use case; Scrapy would bring its own
scheduler, cache and reactor to bridge. httpx (already a dependency of python-telegram-bot) gives
async HTTP with redirects and timeouts; protego is Scrapy's robots.txt parser (wildcards, Crawl-delay).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx
from protego import Protego

USER_AGENT = "disclosure-bot-harvester/0.1 (+https://github.com/disclosure-bot/disclosure-bot; annual disclosure reports)"
RETRY_STATUS = frozenset({500, 502, 503, 504, 429})


@dataclass(slots=True)
class FetchPolicy:
    """Politeness settings; the defaults are the ones a public crawl should keep."""

    per_host_interval: float = 1.0  # seconds between two requests to one host (0 = no limit, benches only)
    retries: int = 2
    backoff: float = 0.5  # first retry waits this long, then doubles
    timeout: float = 15.0
    breaker_failures: int = 5  # consecutive failures that open a host's circuit …
    breaker_cooldown: float = 300.0  # … for this long
    user_agent: str = USER_AGENT
    max_bytes: int = 50 * 1024 * 1024


@dataclass(slots=True)
class FetchResult:
    url: str
    status: int | None
    data: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    final_url: str = ""
    error: str = ""
    not_modified: bool = False
    disallowed: bool = False
    breaker_open: bool = False


@dataclass(slots=True)
class RequestLog:
    """Every request sent (host, monotonic time, url, conditional?, bytes) — for tests and benches."""

    entries: list[tuple[str, float, str, bool, int]] = field(default_factory=list)

    def for_host(self, host: str) -> list[float]:
        return [t for h, t, _u, _c, _b in self.entries if h == host]


class PoliteClient:
    """One client per harvest run; safe to share between tasks."""

    def __init__(
        self,
        policy: FetchPolicy | None = None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.policy = policy or FetchPolicy()
        self.clock, self.sleep = clock, sleep
        self.log = RequestLog()
        self._client = httpx.AsyncClient(
            headers={"User-Agent": self.policy.user_agent},
            timeout=self.policy.timeout,
            follow_redirects=False,  # each hop waits its turn (see _send)
            transport=transport,
        )
        self._locks: dict[str, asyncio.Lock] = {}
        self._next_slot: dict[str, float] = {}
        self._interval: dict[str, float] = {}  # the interval of each host's last turn
        self._robots: dict[str, Protego | None] = {}
        self._failures: dict[str, int] = {}
        self._open_until: dict[str, float] = {}

    async def aclose(self) -> None:
        await self._client.aclose()

    async def __aenter__(self) -> PoliteClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.aclose()

    # ------------------------------------------------------------------ politeness
    async def _wait_turn(self, host: str) -> None:
        """At most one request per `per_host_interval` to a host (robots Crawl-delay if longer)."""
        lock = self._locks.setdefault(host, asyncio.Lock())
        async with lock:
            interval = self.policy.per_host_interval
            robots = self._robots.get(host)
            delay = robots.crawl_delay(self.policy.user_agent) if robots else None
            if delay and interval > 0:
                interval = max(interval, float(delay))
            wait = self._next_slot.get(host, 0.0) - self.clock()
            if wait > 0:
                await self.sleep(wait)
            self._next_slot[host] = self.clock() + interval
            self._interval[host] = interval

    def _sent(self, host: str) -> None:
        """Count the interval from the answer too: when the event loop was busy (parsing, storing) between
        the turn and the send, the next request still waits a full interval after this one went out."""
        interval = self._interval.get(host, 0.0)
        if interval > 0:
            self._next_slot[host] = max(self._next_slot.get(host, 0.0), self.clock() + interval)

    async def allowed(self, url: str) -> bool:
        """robots.txt of the URL's host (fetched once; a missing or broken one allows everything)."""
        parts = urlsplit(url)
        host = parts.netloc
        if host not in self._robots:
            robots_url = f"{parts.scheme}://{host}/robots.txt"
            res = await self._send(robots_url, host, {})
            ok = res.status == 200 and not res.error
            self._robots[host] = Protego.parse(res.data.decode("utf-8", "replace")) if ok else None
            delay = self._robots[host].crawl_delay(self.policy.user_agent) if self._robots[host] else None
            interval = self.policy.per_host_interval
            if delay and interval > 0 and float(delay) > interval:  # the robots.txt request itself counts
                self._next_slot[host] = self._next_slot.get(host, 0.0) - interval + float(delay)
        robots = self._robots[host]
        return robots is None or robots.can_fetch(url, self.policy.user_agent)

    def breaker_open(self, host: str) -> bool:
        return self._open_until.get(host, 0.0) > self.clock()

    def _record(self, host: str, ok: bool) -> None:
        if ok:
            self._failures[host] = 0
            return
        self._failures[host] = self._failures.get(host, 0) + 1
        if self._failures[host] >= self.policy.breaker_failures:
            self._open_until[host] = self.clock() + self.policy.breaker_cooldown
            self._failures[host] = 0

    # ------------------------------------------------------------------ requests
    async def _send(self, url: str, host: str, headers: dict[str, str], hops: int = 5) -> FetchResult:
        """One GET; redirects are followed here, hop by hop, each within the per-host rate."""
        await self._wait_turn(host)
        try:
            resp = await self._client.get(url, headers=headers)
        except httpx.HTTPError as err:
            self._sent(host)
            self.log.entries.append((host, self.clock(), url, bool(headers), 0))
            return FetchResult(url, None, error=f"{type(err).__name__}: {err}"[:300])
        self._sent(host)
        data = resp.content[: self.policy.max_bytes]
        self.log.entries.append((host, self.clock(), url, bool(headers), len(data)))
        location = resp.headers.get("location")
        if resp.is_redirect and location and hops > 0:
            target = str(resp.url.join(location))
            res = await self._send(target, urlsplit(target).netloc, headers, hops - 1)
            res.url = url
            return res
        return FetchResult(
            url,
            resp.status_code,
            data,
            {k.lower(): v for k, v in resp.headers.items()},
            str(resp.url),
            not_modified=resp.status_code == 304,
        )

    async def fetch(self, url: str, *, etag: str = "", last_modified: str = "") -> FetchResult:
        """GET with robots, rate, conditional headers, retries with backoff and the host's breaker."""
        host = urlsplit(url).netloc
        if self.breaker_open(host):
            return FetchResult(url, None, error="circuit open for this host", breaker_open=True)
        if not await self.allowed(url):
            return FetchResult(url, None, error="disallowed by robots.txt", disallowed=True)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        wait = self.policy.backoff
        for attempt in range(self.policy.retries + 1):
            res = await self._send(url, host, headers)
            transient = res.status is None or res.status in RETRY_STATUS
            if not transient or attempt == self.policy.retries:
                break
            await self.sleep(wait)
            wait *= 2
        self._record(host, not transient)
        return res
