"""The polite client alone (httpx.MockTransport, injected clock): retries, breaker, robots, validators."""

from __future__ import annotations

import httpx
import pytest

from harvest.fetch import USER_AGENT, FetchPolicy, PoliteClient


class FakeClock:
    """Time that moves only when the client sleeps: no real waiting in these tests."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def _client(handler, clock: FakeClock, **policy) -> PoliteClient:
    return PoliteClient(FetchPolicy(**policy), transport=httpx.MockTransport(handler), clock=clock, sleep=clock.sleep)


@pytest.mark.asyncio
async def test_retries_5xx_with_backoff_then_succeeds():
    calls: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/robots.txt":
            return httpx.Response(404)
        calls.append(req)
        return httpx.Response(503 if len(calls) < 3 else 200, text="ok")

    clock = FakeClock()
    async with _client(handler, clock, per_host_interval=0, retries=3, backoff=0.5) as c:
        res = await c.fetch("http://a.example/x.htm")
    assert res.status == 200 and len(calls) == 3
    assert clock.sleeps == [0.5, 1.0]  # exponential backoff
    assert calls[0].headers["user-agent"] == USER_AGENT and "http" in USER_AGENT


@pytest.mark.asyncio
async def test_breaker_opens_after_consecutive_failures_and_closes_after_cooldown():
    hits: list[str] = []

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/robots.txt":
            return httpx.Response(200, text="")
        hits.append(req.url.path)
        raise httpx.ConnectTimeout("slow", request=req)

    clock = FakeClock()
    async with _client(handler, clock, per_host_interval=0, retries=0, breaker_failures=3,
                       breaker_cooldown=60) as c:
        for i in range(3):
            assert (await c.fetch(f"http://b.example/{i}")).error
        res = await c.fetch("http://b.example/later")
        assert res.breaker_open and len(hits) == 3  # no request while open
        clock.now += 61
        await c.fetch("http://b.example/again")
    assert hits[-1] == "/again"


@pytest.mark.asyncio
async def test_robots_crawl_delay_and_disallow_and_conditional_headers():
    seen: list[httpx.Request] = []

    def handler(req: httpx.Request) -> httpx.Response:
        if req.url.path == "/robots.txt":
            return httpx.Response(200, text="User-agent: *\nCrawl-delay: 3\nDisallow: /secret/\n")
        seen.append(req)
        if req.headers.get("if-none-match") == '"v1"':
            return httpx.Response(304)
        return httpx.Response(200, text="x", headers={"ETag": '"v1"'})

    clock = FakeClock()
    async with _client(handler, clock, per_host_interval=1.0) as c:
        assert (await c.fetch("http://c.example/secret/a")).disallowed
        first = await c.fetch("http://c.example/list")
        second = await c.fetch("http://c.example/list", etag=first.headers["etag"])
        times = c.log.for_host("c.example")
    assert second.not_modified and [r.url.path for r in seen] == ["/list", "/list"]
    gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
    assert min(gaps) >= 3.0  # robots Crawl-delay (3 s) beats the default 1 s
