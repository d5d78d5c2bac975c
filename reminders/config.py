"""Reminder settings (environment prefix REMINDER_), validated at start-up.

Why a plain model and not its own BaseSettings: the settings are read once, by bot.settings.Settings
(its `reminder` field, filled from REMINDER_* in the environment and .env) and passed down; the reminder
feature still owns its knobs here, and tests and benches build one with their own values.
"""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel, ConfigDict, Field, field_validator

from reminders.calendar import TZ, ReminderPlan


class ReminderConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")  # `_env_file=None` from older callers is ignored

    enabled: bool = True
    days: str = "1,15,25,31"  # days of the due month (31 Jan / 31 Mar) with a reminder
    overdue_every: int = Field(default=7, ge=0)  # then an overdue notice every N days (0: none)
    catchup_days: int = Field(default=6, ge=0)  # missed occasions are still sent this many days later
    run_time: str = "09:00"  # daily run, Asia/Shanghai
    digest_time: str = "09:05"  # weekly digest run on Mondays, Asia/Shanghai
    yearly_threshold: float = Field(default=0.8, gt=0, le=1)
    rate_overall: float = Field(default=30.0, gt=0)  # messages per second, all chats
    rate_per_chat_seconds: float = Field(default=1.0, ge=0)
    rate_group_per_minute: int = Field(default=20, ge=0)
    concurrency: int = Field(default=8, ge=1, le=64)
    max_attempts: int = Field(default=5, ge=1)
    backoff: float = Field(default=1.0, ge=0)
    lease_seconds: float = Field(default=60.0, gt=0)  # leader lease; a dead leader is replaced after this
    tick_seconds: float = Field(default=30.0, gt=0)  # standby check: take over / resume pending sends
    startup_delay: float = Field(default=2.0, ge=0)  # catch-up run this long after start
    in_doubt: str = "resend"  # resend (at-least-once) | skip (at-most-once); see reminders.delivery
    today: str = ""  # fixed date (YYYY-MM-DD) for demos and tests: the injectable clock from the env

    @field_validator("days")
    @classmethod
    def _days(cls, value: str) -> str:
        ReminderPlan.parse(value)
        return value

    @field_validator("run_time", "digest_time")
    @classmethod
    def _time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError as err:
            raise ValueError(f"time must be HH:MM, got {value!r}") from err
        return value

    @field_validator("in_doubt")
    @classmethod
    def _policy(cls, value: str) -> str:
        if value not in {"resend", "skip"}:
            raise ValueError("REMINDER_IN_DOUBT must be resend or skip")
        return value

    @field_validator("today")
    @classmethod
    def _today(cls, value: str) -> str:
        if value:
            date.fromisoformat(value)
        return value

    def plan(self) -> ReminderPlan:
        return ReminderPlan.parse(self.days, self.overdue_every, self.catchup_days)

    def clock(self):
        """now() in Asia/Shanghai; with REMINDER_TODAY set, that date at the run time."""
        if self.today:
            fixed = datetime.combine(date.fromisoformat(self.today), time.fromisoformat(self.run_time), TZ)
            return lambda: fixed
        return lambda: datetime.now(TZ)
