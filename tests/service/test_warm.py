"""BotService.warm: the engine's caches and the place names are loaded at start, on a worker thread, so
the first question after a start does not pay for them; a failure there never stops anything."""

from __future__ import annotations

import pytest
from sqlalchemy.exc import OperationalError

from bot.settings import Settings
from query import agencies
from service.answers import BotService

pytestmark = pytest.mark.asyncio


class Cache:
    def __init__(self, fail: bool = False) -> None:
        self.fail = fail
        self.loads = 0

    def ensure(self) -> None:
        if self.fail:
            raise OperationalError("SELECT 1", {}, Exception("store down"))
        self.loads += 1


class Answerer:
    def __init__(self, cache: Cache) -> None:
        self.cache = cache


async def test_warm_loads_the_engine_cache_and_the_place_names(engine):
    agencies.national_places.cache_clear()
    service = BotService(Settings(_env_file=None), engine, Answerer(cache := Cache()))
    await service.warm()
    assert cache.loads == 1
    assert agencies.national_places.cache_info().currsize == 1


async def test_a_failed_warm_up_is_only_logged(engine):
    service = BotService(Settings(_env_file=None), engine, Answerer(Cache(fail=True)))
    await service.warm()  # no exception: the first question will load what is missing
    assert not service.counters.get("errors")


async def test_an_answerer_without_a_cache_is_fine(engine):
    service = BotService(Settings(_env_file=None), engine, object())
    await service.warm()
