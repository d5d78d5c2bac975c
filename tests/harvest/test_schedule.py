"""The scheduled harvest: season, one instance at a time, wiring into the bot's JobQueue."""

from __future__ import annotations

from datetime import date

import pytest

from bot.jobs_harvest import harvest_once, schedule_harvest
from harvest.config import HarvestConfig, season_bounds
from storage import harvest as frontier


def test_season_default_and_wrapping():
    cfg = HarvestConfig(sites_file="x.csv")
    assert cfg.in_season(date(2026, 1, 1)) and cfg.in_season(date(2026, 4, 30))
    assert not cfg.in_season(date(2026, 5, 1)) and not cfg.in_season(date(2025, 12, 31))
    wrap = HarvestConfig(sites_file="x.csv", season="12-01..02-28")
    assert wrap.in_season(date(2025, 12, 15)) and wrap.in_season(date(2026, 2, 1))
    assert not wrap.in_season(date(2026, 3, 1))
    with pytest.raises(ValueError):
        season_bounds("January to April")
    with pytest.raises(ValueError):
        HarvestConfig(season="02-30..13-01")


@pytest.mark.asyncio
async def test_harvest_once_in_and_out_of_season(engine, sites, sites_csv, tmp_path):
    cfg = HarvestConfig(sites_file=str(sites_csv), raw_dir=str(tmp_path / "raw"), per_host_interval=0.02)
    assert await harvest_once(engine, cfg, date(2026, 6, 1)) is None
    assert sites.trs.log == []  # nothing fetched out of season
    stats = await harvest_once(engine, cfg, date(2026, 1, 20))
    assert stats is not None and len([r for r in stats.reports if r[1] == "stored"]) == len(sites.expected)
    # another instance holds the lease: this one does nothing
    assert frontier.acquire_lease(engine, "harvest", "other-instance", 60)
    assert await harvest_once(engine, cfg, date(2026, 1, 21), worker="bot-2") is None


class _FakeJobQueue:
    def __init__(self) -> None:
        self.calls: list[dict] = []

    def run_daily(self, callback, **kwargs):
        self.calls.append({"callback": callback, **kwargs})
        return "job"


class _FakeApp:
    def __init__(self) -> None:
        self.job_queue = _FakeJobQueue()


def test_schedule_only_with_a_sites_file(engine):
    app = _FakeApp()
    assert schedule_harvest(app, engine, HarvestConfig(sites_file="")) is None and app.job_queue.calls == []
    assert schedule_harvest(app, engine, HarvestConfig(sites_file="s.csv", run_time="03:15")) == "job"
    call = app.job_queue.calls[0]
    assert call["name"] == "harvest-daily" and call["time"].hour == 3 and call["time"].minute == 15
    assert str(call["time"].tzinfo) == "Asia/Shanghai" and call["job_kwargs"]["max_instances"] == 1
