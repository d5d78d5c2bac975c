"""The frontier in the store: workers share it without taking a row twice; lease; recheck."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from storage import harvest as frontier


def _urls(n: int) -> list[frontier.NewUrl]:
    return [frontier.NewUrl(f"http://h{i % 3}.example/p{i}.htm", f"h{i % 3}.example", "page") for i in range(n)]


@pytest.mark.pg
def test_workers_claim_disjoint_rows(engine):
    assert frontier.add_urls(engine, _urls(60)) == 60
    assert frontier.add_urls(engine, _urls(60)) == 0  # known URLs are not added twice

    def work(name: str) -> list[int]:
        got: list[int] = []
        while rows := frontier.claim(engine, name, limit=5):
            got.extend(r.id for r in rows)
            for r in rows:
                frontier.finish(engine, r.id, "done")
        return got

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(work, ["w1", "w2", "w3"]))
    claimed = [i for r in results for i in r]
    assert len(claimed) == len(set(claimed)) == 60


@pytest.mark.pg
def test_a_restarted_worker_takes_back_its_claims_others_wait_for_the_lapse(engine):
    frontier.add_urls(engine, _urls(4))
    held = frontier.claim(engine, "w1", limit=4, ttl=300)
    assert len(held) == 4
    assert frontier.claim(engine, "w2", limit=4) == []  # still claimed by w1 (not lapsed)
    assert len(frontier.claim(engine, "w1", limit=4)) == 4  # w1 after kill -9: its own rows at once


@pytest.mark.pg
def test_lease_one_holder_at_a_time(engine):
    assert frontier.acquire_lease(engine, "harvest", "a", 60)
    assert not frontier.acquire_lease(engine, "harvest", "b", 60)
    assert frontier.acquire_lease(engine, "harvest", "a", 60)  # renewal
    frontier.release_lease(engine, "harvest", "a")
    assert frontier.acquire_lease(engine, "harvest", "b", 60)
