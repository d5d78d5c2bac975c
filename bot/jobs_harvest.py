"""The scheduled harvest: daily in season, one run at a time across instances (lease in the store).

Why in bot/: it is wiring (settings, JobQueue, clock). The 已发布 notices it queues are Delivery rows;
the reminder runner's standby tick sends them like any reminder.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from harvest.config import HarvestConfig
from harvest.fetch import FetchPolicy
from reminders.calendar import TZ, today_in_shanghai

log = logging.getLogger(__name__)


async def harvest_once(
    engine: Engine, config: HarvestConfig, today: date, *, worker: str = "bot", transport: Any = None
) -> Any:
    """One scheduled run: skipped out of season; None when another instance holds the lease."""
    if not config.in_season(today):
        log.info("harvest: %s is out of season (%s)", today, config.season)
        return None
    from service.harvest import harvest, read_sites

    sites = read_sites(Path(config.sites_file))
    policy = FetchPolicy(per_host_interval=config.per_host_interval)
    stats = await harvest(
        engine, sites, Path(config.raw_dir), policy=policy, worker=worker, transport=transport,
        lease_seconds=config.lease_seconds, today=today,
    )
    if stats is not None:
        log.info("harvest: %d requests, %d reports, %d notices", stats.requests, len(stats.reports), stats.notices)
    return stats


def schedule_harvest(
    application: Any, engine: Engine, config: HarvestConfig | None = None,
    today: Callable[[], date] = today_in_shanghai, worker: str = "bot",
) -> Any | None:
    """Add the daily harvest job to the Application's JobQueue (nothing when no sites file is set)."""
    config = config or HarvestConfig()
    if not config.enabled:
        log.info("harvest not scheduled (HARVEST_SITES_FILE unset)")
        return None
    jq = application.job_queue
    if jq is None:
        log.warning("no JobQueue; the harvest will not run")
        return None

    async def daily(_context: Any) -> None:
        try:
            await harvest_once(engine, config, today(), worker=worker)
        except Exception:  # noqa: BLE001 - a failed run must not stop the bot; next day retries
            log.exception("harvest run failed")

    kwargs = {"misfire_grace_time": 6 * 3600, "coalesce": True, "max_instances": 1}
    return jq.run_daily(
        daily, time=config.run_time.replace(tzinfo=TZ), name="harvest-daily", job_kwargs=kwargs
    )
