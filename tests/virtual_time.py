"""A virtual-time event loop for tests: time jumps to the next timer instead of passing.

Why: pacing tests (flood limits over thousands of sends, stalls longer than a second) would take minutes in
real time and would measure the machine's load rather than the code. Tests marked `virtual_time` run on
this loop through pytest-asyncio's `pytest_asyncio_loop_factories` hook (tests/reminders/conftest.py); inside
them `asyncio.get_running_loop().time()` is the virtual clock and `asyncio.sleep` costs no real time."""

from __future__ import annotations

import asyncio
import selectors
from typing import Any


class _VirtualSelector:
    """Never blocks while a timer is pending: instead the loop's clock jumps to that timer."""

    def __init__(self, loop: VirtualLoop) -> None:
        self._sel = selectors.DefaultSelector()
        self._loop = loop

    def select(self, timeout: float | None = None):
        if timeout is None:  # no timer at all: only real I/O can wake us (none here: a deadlock, fail)
            ready = self._sel.select(5.0)
            if not ready:
                raise RuntimeError("virtual loop: nothing scheduled and nothing ready (deadlock)")
            return ready
        ready = self._sel.select(0)
        if not ready and timeout > 0:
            self._loop.now += timeout
        return ready

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sel, name)


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self.now = 1000.0
        super().__init__(selector=_VirtualSelector(self))

    def time(self) -> float:
        return self.now
