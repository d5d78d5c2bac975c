"""Fair admission of updates per user: a token bucket and a bounded per-user lane (no Telegram here).

Why: one user's flood of commands, button taps or inline queries must neither get a reply each nor
delay anyone else. The bucket decides ADMIT / WARN (the first refusal in a window: one polite reply)
/ DROP (silence); the lanes run one update per user at a time with at most `depth` waiting, so a
flooder holds at most `depth + 1` of the shared processing slots.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Hashable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from enum import Enum


class Verdict(Enum):
    ADMIT = "admit"
    WARN = "warn"  # refused; tell the user once per window
    DROP = "drop"  # refused silently


@dataclass
class _Bucket:
    tokens: float
    stamp: float
    warned_at: float | None = None


class TokenBucket:
    """Per-key token bucket: `burst` updates at once, then `rate` per second; `clock` injectable."""

    def __init__(self, burst: int, rate: float, *, warn_window: float = 30.0,
                 clock: Callable[[], float] = time.monotonic, max_keys: int = 50_000) -> None:
        if burst < 1 or rate <= 0:
            raise ValueError("burst must be >= 1 and rate > 0")
        self.burst, self.rate, self.warn_window = burst, rate, warn_window
        self.clock = clock
        self.max_keys = max_keys
        self._buckets: dict[Hashable, _Bucket] = {}

    def admit(self, key: Hashable) -> Verdict:
        now = self.clock()
        bucket = self._buckets.get(key)
        if bucket is None:
            if len(self._buckets) >= self.max_keys:
                self._forget_full(now)
            bucket = self._buckets[key] = _Bucket(float(self.burst), now)
        bucket.tokens = min(float(self.burst), bucket.tokens + (now - bucket.stamp) * self.rate)
        bucket.stamp = now
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Verdict.ADMIT
        if bucket.warned_at is None or now - bucket.warned_at >= self.warn_window:
            bucket.warned_at = now
            return Verdict.WARN
        return Verdict.DROP

    def _forget_full(self, now: float) -> None:
        """Keep memory bounded: a bucket that has refilled carries no state worth keeping."""
        self._buckets = {k: b for k, b in self._buckets.items()
                         if b.tokens + (now - b.stamp) * self.rate < self.burst}


class Lanes:
    """One update at a time per key, at most `depth` waiting behind it; `enter` yields False when full."""

    def __init__(self, depth: int = 3) -> None:
        if depth < 0:
            raise ValueError("depth must be >= 0")
        self.depth = depth
        self._locks: dict[Hashable, asyncio.Lock] = {}
        self._load: dict[Hashable, int] = {}

    def load(self, key: Hashable) -> int:
        """Updates of `key` running or waiting."""
        return self._load.get(key, 0)

    @asynccontextmanager
    async def enter(self, key: Hashable) -> AsyncIterator[bool]:
        if self.load(key) > self.depth:
            yield False
            return
        self._load[key] = self.load(key) + 1
        lock = self._locks.setdefault(key, asyncio.Lock())
        try:
            async with lock:
                yield True
        finally:
            self._load[key] -= 1
            if not self._load[key]:
                del self._load[key]
                self._locks.pop(key, None)
