"""The reminder sender never resends a call Telegram may have taken (read timeout, reset while waiting),
and still retries calls that certainly did not reach it (connect errors, error statuses)."""

from __future__ import annotations

from collections import Counter

import httpx
import pytest
from telegram.error import NetworkError, TimedOut

from reminders import delivery
from reminders.delivery import Planned
from reminders.sender import Broadcaster
from tests.reminders.conftest import fast_limiter

pytestmark = pytest.mark.pg


def _raise(err: Exception, cause: BaseException) -> None:
    raise err from cause


class FlakySend:
    """A SendFn failing each chat's first `n` attempts with that chat's error."""

    def __init__(self, failures: dict[int, tuple[int, Exception, BaseException]]) -> None:
        self.failures = failures
        self.calls: Counter[int] = Counter()

    async def __call__(self, row) -> int:
        self.calls[row.chat_id] += 1
        n, err, cause = self.failures.get(row.chat_id, (0, None, None))
        if self.calls[row.chat_id] <= n:
            _raise(err, cause)
        return 100 + row.chat_id


async def _no_sleep(_seconds: float) -> None:
    return None


@pytest.mark.asyncio
async def test_in_doubt_is_not_resent_but_not_taken_is(engine):
    delivery.plan(engine, [Planned(c, "reminder", "2020/jan/2021-01-15", f"提醒 {c}") for c in (1, 2, 3, 4)])
    send = FlakySend({
        1: (1, TimedOut("Timed out"), httpx.ReadTimeout("read")),  # Telegram may have delivered it
        2: (1, NetworkError("reset"), httpx.RemoteProtocolError("peer closed")),  # dropped while waiting
        3: (2, NetworkError("connect"), httpx.ConnectError("refused")),  # never reached Telegram
        4: (1, TimedOut("pool"), httpx.PoolTimeout("pool")),  # never sent
    })
    stats = await Broadcaster(engine, send, "T", limiter=fast_limiter(), sleep=_no_sleep).run()
    assert send.calls == Counter({1: 1, 2: 1, 3: 3, 4: 2})
    assert stats.in_doubt == 2 and stats.sent == 2 and stats.failed == 0
    assert delivery.status_counts(engine) == {"sent": 2, "skipped": 2}
