"""The pure admission logic behind handlers.fairness: token bucket and per-user lanes."""

from __future__ import annotations

import asyncio

import pytest

from service.fairness import Lanes, TokenBucket, Verdict
from tests.waiting import until


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_bucket_admits_a_burst_then_warns_once_then_drops_and_refills():
    clock = Clock()
    bucket = TokenBucket(3, 0.5, warn_window=30, clock=clock)
    assert [bucket.admit(1) for _ in range(3)] == [Verdict.ADMIT] * 3
    assert bucket.admit(1) is Verdict.WARN
    assert [bucket.admit(1) for _ in range(50)] == [Verdict.DROP] * 50
    assert bucket.admit(2) is Verdict.ADMIT  # another user is untouched
    clock.now += 2  # 0.5/s: one token back
    assert bucket.admit(1) is Verdict.ADMIT
    assert bucket.admit(1) is Verdict.DROP  # still inside the warning window: silence
    clock.now += 31
    assert [bucket.admit(1) for _ in range(3)] == [Verdict.ADMIT] * 3  # refilled to the burst, no more
    assert bucket.admit(1) is Verdict.WARN  # a new window may warn again


def test_bucket_memory_stays_bounded():
    clock = Clock()
    bucket = TokenBucket(2, 1.0, clock=clock, max_keys=100)
    for user in range(1000):
        bucket.admit(user)
        clock.now += 5  # everyone before has refilled: forgettable
    assert len(bucket._buckets) <= 100


@pytest.mark.parametrize(("burst", "rate"), [(0, 1.0), (1, 0.0)])
def test_bucket_rejects_nonsense(burst, rate):
    with pytest.raises(ValueError):
        TokenBucket(burst, rate)


@pytest.mark.asyncio
async def test_lanes_serialise_one_key_bound_its_queue_and_leave_others_free():
    lanes = Lanes(depth=2)
    release = asyncio.Event()
    order: list[str] = []

    async def work(key: int, name: str) -> bool:
        async with lanes.enter(key) as admitted:
            if admitted:
                order.append(f"start {name}")
                await release.wait()
            return admitted

    flood = [asyncio.create_task(work(1, f"f{i}")) for i in range(6)]
    await until(lambda: lanes.load(1) >= 3, 5, "three flood tasks in lane 1", poll=0)
    other = asyncio.create_task(work(2, "other"))
    await until(lambda: "start other" in order, 5, "the other user's work to start", poll=0)
    assert order == ["start f0", "start other"]  # flooder runs one at a time; the other is not behind it
    release.set()
    results = await asyncio.gather(*flood, other)
    assert results == [True, True, True, False, False, False, True]
    assert lanes.load(1) == 0 and not lanes._locks
