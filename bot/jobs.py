"""Scheduled reminder and summary runs (PTB JobQueue / APScheduler) with leader election and catch-up.

Jobs (Asia/Shanghai):
- daily at REMINDER_RUN_TIME (09:00): plan today's reminders (+ yearly summary when due) and broadcast;
- Mondays at REMINDER_DIGEST_TIME (09:05): plan last week's digest and broadcast;
- once shortly after start-up: the catch-up run. APScheduler keeps jobs in memory, so a run missed while
  the bot was down is not "misfired" — it simply never existed. The catch-up therefore recomputes what
  should have been sent from the calendar (occasions of the last REMINDER_CATCHUP_DAYS days) and from the
  Delivery rows (what was planned but not sent), and plans/sends the difference. Periodic jobs also get a
  large misfire_grace_time with coalesce=True, so a run delayed by a busy loop or a suspended host is
  run once late instead of silently dropped (APScheduler's default grace is one second);
- every REMINDER_TICK_SECONDS: the standby check — whoever holds (or can take) the leader lease resumes any
  pending deliveries and makes sure today's plan exists. This is how a second instance takes over when
  the leader dies mid-broadcast. It also re-plans today's reminders when the subscriptions changed since
  they were planned, so a chat that subscribes after the day's run gets that day's reminder on the next
  tick — exactly what a restart's catch-up would give it (same result with or without a restart).

Leader election: a lease row in AppMeta (storage/lease.py) acquired or renewed with one conditional UPDATE
(expired or mine); it also dies with its holder (PostgreSQL advisory lock on a dedicated connection; on
SQLite a pid + start-time check on this host), so a restarted bot resumes within seconds, not one TTL.
Only the lease holder plans and sends; it renews before every claim and stops when renewal fails. A new
leader first runs delivery.recover() for rows a dead leader left claimed (policy REMINDER_IN_DOUBT).
Even without the lease, claims are atomic (FOR UPDATE SKIP LOCKED on PostgreSQL), so two instances can
never send the same row; the lease just keeps one sender (and one flood budget) per bot.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import socket
from collections.abc import Callable
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.engine import Engine

from reminders import delivery
from reminders.calendar import TZ, today_in_shanghai
from reminders.config import ReminderConfig
from reminders.planner import SendTimeText
from reminders.sender import Broadcaster, BroadcastStats, FloodLimiter, Limits, SendFn
from storage.lease import LEASE_KEY, Lease  # noqa: F401 - LEASE_KEY re-exported

log = logging.getLogger(__name__)
BIG_GRACE = 24 * 3600  # seconds: a late periodic run still happens (once, coalesced)


def new_owner() -> str:
    raw = f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"
    return re.sub(r"[^A-Za-z0-9.-]", "-", raw)[:90]


class ReminderRunner:
    """One process's reminder machinery: lease, planning, broadcasting. Clock and sender are injectable."""

    def __init__(self, engine: Engine, send: SendFn, config: ReminderConfig | None = None, *,
                 clock: Callable[[], datetime] | None = None, owner: str | None = None,
                 limiter: FloodLimiter | None = None) -> None:
        self.engine = engine
        self.send = send
        self.config = config or ReminderConfig()
        self.clock = clock or self.config.clock()
        self.owner = owner or new_owner()
        self.lease = Lease(engine, self.owner, self.config.lease_seconds)
        self.limiter = limiter or FloodLimiter(Limits(self.config.rate_overall, self.config.rate_per_chat_seconds,
                                                      self.config.rate_group_per_minute))
        self._lock = asyncio.Lock()
        self._recovered = False
        self._planned: set[tuple[str, str]] = set()  # (what, date) planned by this process
        self._subs_planned: tuple[str, int] | None = None  # (date, subscriptions fingerprint) last planned for
        self.history: list[dict[str, Any]] = []
        self.ticks = 0  # standby checks so far
        self._task: asyncio.Task | None = None

    def today(self):
        return today_in_shanghai(self.clock)

    def plan_date(self):
        """The day whose runs are due: today from REMINDER_RUN_TIME (09:00) on, else yesterday. So a start-up
        or standby check at 03:00 neither sends today's reminders early nor re-plans yesterday's."""
        now = self.clock()
        if now.tzinfo is not None:
            now = now.astimezone(TZ)
        run = time.fromisoformat(self.config.run_time)
        return now.date() if now.time().replace(tzinfo=None) >= run else now.date() - timedelta(days=1)

    async def _leader(self) -> bool:
        ok = await asyncio.to_thread(self.lease.try_acquire)
        if ok and not self._recovered:
            ids = await asyncio.to_thread(delivery.recover, self.engine, self.owner, self.config.in_doubt)
            if ids:
                log.warning("took over %d in-doubt deliveries from a previous leader (policy %s): %s",
                            len(ids), self.config.in_doubt, ids[:20])
            self._recovered = True
        if not ok:
            self._recovered = False  # if we become leader later, recover again
        return ok

    def plan(self, what: str = "all") -> dict[str, Any]:
        """Plan rows for today (sync; idempotent). what: all|reminders|digest."""
        from reminders.digest import plan_weekly_digest, plan_yearly_summary
        from reminders.planner import plan_reminders
        from service.digest import plan_daily_digest

        today = self.plan_date()
        out: dict[str, Any] = {"today": today.isoformat()}
        if what in {"all", "reminders"}:
            self._subs_planned = (today.isoformat(), self._subs_fingerprint())
            out["reminders"] = plan_reminders(self.engine, today, self.config.plan()).as_dict()
            out["yearly_summary"] = plan_yearly_summary(self.engine, today, threshold=self.config.yearly_threshold)
            out["audit_daily"] = plan_daily_digest(self.engine, today)
        if what in {"all", "digest"}:
            out["weekly_digest"] = plan_weekly_digest(self.engine, today, catchup_days=self.config.catchup_days)
        self._planned.add((what, today.isoformat()))
        return out

    def _subs_fingerprint(self) -> int:
        """Changes whenever a chat subscribes, unsubscribes or changes scope (so the tick re-plans today)."""
        from reminders.subscriptions import active_by_chat

        subs = active_by_chat(self.engine)
        return hash(tuple(sorted((chat, tuple(sorted((s.scope, s.target) for s in views)))
                                 for chat, views in subs.items())))

    async def run_cycle(self, what: str = "all", reason: str = "manual") -> dict[str, Any]:
        """Plan (if leader) and broadcast everything pending; safe to call concurrently and repeatedly."""
        async with self._lock:
            if not await self._leader():
                holder = await asyncio.to_thread(self.lease.holder)
                log.info("reminder run (%s) skipped: leader is %s", reason, holder)
                return {"leader": False, "holder": holder, "reason": reason}
            planned = await asyncio.to_thread(self.plan, what)
            stats = await self.broadcast()
            result = {"leader": True, "reason": reason, **planned, "stats": stats.as_dict()}
            self.history.append(result)
            log.info("reminder run (%s): %s", reason, {k: v for k, v in result.items() if k != "stats"} | {
                "sent": stats.sent, "failed": stats.failed})
            return result

    async def broadcast(self) -> BroadcastStats:
        sender = Broadcaster(self.engine, self.send, self.owner, limiter=self.limiter,
                             concurrency=self.config.concurrency, max_attempts=self.config.max_attempts,
                             backoff=self.config.backoff, heartbeat=max(0.2, self.config.lease_seconds / 3),
                             prepare=SendTimeText(self.engine, self.today()))
        return await sender.run(keep_going=self._leader)

    async def tick(self, wait: bool = False) -> dict[str, Any] | None:
        """Standby check: resume pending sends / make sure today's plan exists, if we are (or become) leader.

        The cycle runs as a background task (unless `wait`), so the periodic job itself returns at once and
        APScheduler never has to skip it for "maximum number of running instances reached".
        """
        self.ticks += 1  # observable progress (tests wait for ticks instead of sleeping)
        if self._lock.locked():
            return None
        today = self.plan_date().isoformat()
        need_plan = ("all", today) not in self._planned
        late_subscriber = not need_plan and self._subs_planned != (
            today, await asyncio.to_thread(self._subs_fingerprint))
        pending = await asyncio.to_thread(delivery.pending_count, self.engine)
        if not need_plan and not late_subscriber and not pending:
            return None
        what = "all" if need_plan else "reminders" if late_subscriber else "none"
        cycle = self.run_cycle(what, reason="tick")
        if wait:
            return await cycle
        self._task = asyncio.create_task(cycle, name="reminders-tick")
        return None

    async def stop(self) -> None:
        if self._task is not None and not self._task.done():
            self._task.cancel()
        try:
            await asyncio.to_thread(self.lease.release)
        except Exception:  # noqa: BLE001 - best effort on shutdown
            log.debug("lease release failed", exc_info=True)


def schedule(application, runner: ReminderRunner, config: ReminderConfig) -> list[Any]:
    """Add the daily, weekly, catch-up and standby jobs to the Application's JobQueue."""
    jq = application.job_queue
    if jq is None:
        log.warning("no JobQueue (install python-telegram-bot[job-queue]); reminders will not run")
        return []
    kwargs = {"misfire_grace_time": BIG_GRACE, "coalesce": True, "max_instances": 1}

    async def daily(_context) -> None:
        await runner.run_cycle("reminders", reason="daily")

    async def weekly(_context) -> None:
        await runner.run_cycle("digest", reason="weekly")

    async def catch_up(_context) -> None:
        await runner.run_cycle("all", reason="startup catch-up")

    async def standby(_context) -> None:
        await runner.tick()

    jobs = [
        jq.run_daily(daily, time=time.fromisoformat(config.run_time).replace(tzinfo=TZ), name="reminders-daily",
                     job_kwargs=kwargs),
        jq.run_daily(weekly, time=time.fromisoformat(config.digest_time).replace(tzinfo=TZ), days=(1,),
                     name="digest-weekly", job_kwargs=kwargs),
        jq.run_once(catch_up, when=config.startup_delay, name="reminders-catchup",
                    job_kwargs={"misfire_grace_time": BIG_GRACE}),
        jq.run_repeating(standby, interval=config.tick_seconds, first=config.startup_delay + config.tick_seconds,
                         name="reminders-standby", job_kwargs=kwargs),
    ]
    return jobs
