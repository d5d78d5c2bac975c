"""Settings are read once: the reminder and harvest knobs are part of bot.settings.Settings (REMINDER_*,
HARVEST_* as before), validated with the rest at start-up and passed down; their models read nothing."""

from __future__ import annotations

from datetime import time

import pytest
from pydantic import ValidationError
from pydantic_settings import BaseSettings

from bot.settings import Settings
from harvest.config import HarvestConfig
from reminders.config import ReminderConfig


def test_reminder_and_harvest_variables_reach_the_one_settings(monkeypatch, tmp_path):
    monkeypatch.setenv("REMINDER_RUN_TIME", "10:30")
    monkeypatch.setenv("REMINDER_IN_DOUBT", "skip")
    monkeypatch.setenv("HARVEST_SITES_FILE", "sites.csv")
    env_file = tmp_path / ".env"
    env_file.write_text("REMINDER_DAYS=1,31\nHARVEST_RUN_TIME=03:15\nREMINDER_RUN_TIME=08:00\n", encoding="utf-8")
    s = Settings(_env_file=env_file)
    assert s.reminder.run_time == "10:30"  # the environment beats .env, as for every other setting
    assert s.reminder.in_doubt == "skip" and s.reminder.days == "1,31"
    assert s.harvest.enabled and s.harvest.run_time == time(3, 15)
    assert Settings(_env_file=None).reminder.days == ReminderConfig().days  # no .env: the default


def test_a_bad_reminder_setting_stops_the_one_settings(monkeypatch):
    monkeypatch.setenv("REMINDER_IN_DOUBT", "maybe")
    with pytest.raises(ValidationError, match="REMINDER_IN_DOUBT"):
        Settings(_env_file=None)


def test_feature_models_read_no_environment(monkeypatch):
    monkeypatch.setenv("REMINDER_RUN_TIME", "10:30")
    monkeypatch.setenv("HARVEST_SITES_FILE", "sites.csv")
    assert ReminderConfig().run_time == "09:00" and not HarvestConfig().enabled
    assert not issubclass(ReminderConfig, BaseSettings) and not issubclass(HarvestConfig, BaseSettings)
