"""Waiting for a condition in tests, never for a fixed time.

Why: a fixed sleep is either too short on a busy machine (a flaky test) or too long everywhere (a slow one).
These poll a condition with a deadline instead; the poll interval only sets how often the condition is
checked, not how long the test waits. Bot API stand-in tests have the same on the stand-in itself
(`api.wait_until` / `await api.await_until`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable


def wait_until(cond: Callable[[], object], timeout: float, what: str = "the condition",
               poll: float = 0.05) -> float:
    """Block until `cond()` is true; returns the seconds it took. For sync tests and other processes.

    The default poll is coarse on purpose: conditions that read a growing file or the store cost CPU that
    the processes under test (on a shared 2-core machine) need more."""
    start = time.monotonic()
    while not cond():
        if time.monotonic() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(poll)
    return time.monotonic() - start


async def until(cond: Callable[[], object], timeout: float, what: str = "the condition",
                poll: float = 0.01) -> float:
    """Wait on the event loop until `cond()` is true (the loop keeps running other tasks meanwhile)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    while not cond():
        if loop.time() - start > timeout:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(poll)
    return loop.time() - start
