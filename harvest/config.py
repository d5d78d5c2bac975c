"""Harvest settings (environment prefix HARVEST_), validated at start-up.

Read once, by bot.settings.Settings (its `harvest` field, from HARVEST_* in the environment and .env),
and passed down.

Why its own settings: the scheduled harvest is off unless a sites file is named, and its season
(default 1 January – 30 April, when the reports come out) and politeness are the operator's choice.
"""

from __future__ import annotations

from datetime import date, time

from pydantic import BaseModel, ConfigDict, Field, field_validator


class HarvestConfig(BaseModel):
    model_config = ConfigDict(extra="ignore")

    sites_file: str = ""  # CSV name,kind,region,url; empty → no scheduled harvest
    raw_dir: str = "data/raw"
    season: str = "01-01..04-30"  # MM-DD..MM-DD, Asia/Shanghai, both ends included
    run_time: time = time(2, 30)  # daily, Asia/Shanghai (a quiet hour for government sites); "HH:MM"
    per_host_interval: float = Field(default=1.0, ge=0)  # seconds between requests to one host
    lease_seconds: float = Field(default=600.0, gt=0)

    @field_validator("season")
    @classmethod
    def _season(cls, value: str) -> str:
        season_bounds(value)
        return value

    @property
    def enabled(self) -> bool:
        return bool(self.sites_file.strip())

    def in_season(self, day: date) -> bool:
        start, end = season_bounds(self.season)
        key = (day.month, day.day)
        return start <= key <= end if start <= end else key >= start or key <= end


def season_bounds(text: str) -> tuple[tuple[int, int], tuple[int, int]]:
    """'01-01..04-30' → ((1, 1), (4, 30)); a season may wrap the new year ('12-01..04-30')."""
    try:
        a, b = (part.strip() for part in text.split(".."))
        start = tuple(int(x) for x in a.split("-"))
        end = tuple(int(x) for x in b.split("-"))
        for m, d in (start, end):
            date(2024, m, d)  # a leap year: 02-29 is a valid bound
    except (ValueError, TypeError) as err:
        raise ValueError(f"HARVEST_SEASON must look like 01-01..04-30, got {text!r}") from err
    return start, end  # type: ignore[return-value]
