"""Settings from the environment (and an optional .env file), validated once at start-up.

Why pydantic-settings: a typo in ADMIN_IDS or PORT should stop the bot with a clear message instead of
surfacing as a strange failure hours later. Read once per process and passed down: the reminder and
harvest knobs are nested models here (REMINDER_* → `reminder`, HARVEST_* → `harvest`; the environment names
are the ones their features always had).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Annotated

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from harvest.config import HarvestConfig
from reminders.config import ReminderConfig

TELEGRAM_BASE_URL = "https://api.telegram.org/bot"
TELEGRAM_BASE_FILE_URL = "https://api.telegram.org/file/bot"
WEBHOOK_SECRET_RE = re.compile(r"[A-Za-z0-9_-]{1,256}")
WEBHOOK_SECRET_LABEL = b"disclosure-bot webhook secret_token"


class Settings(BaseSettings):
    """Every knob of the bot. Environment names are the upper-case field names."""

    # REMINDER_RUN_TIME → reminder.run_time: split once at the first "_" after a nested model's name
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore",
                                      env_nested_delimiter="_", env_nested_max_split=1)

    telegram_bot_token: str = ""
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_url: str | None = None
    telegram_base_url: str = TELEGRAM_BASE_URL
    telegram_base_file_url: str = TELEGRAM_BASE_FILE_URL
    webhook_url: str = ""  # set → webhook mode; empty → long polling
    webhook_secret: str = ""  # Telegram's secret_token; derived from the token when empty
    webhook_listen: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    log_level: str = "INFO"
    max_upload_mb: int = Field(default=20, ge=1, le=50)
    questions_per_minute: int = Field(default=20, ge=1)
    callback_secret: str = ""  # signs button data; derived from the token when empty
    polling_timeout: int = Field(default=30, ge=0, le=50)  # getUpdates long-poll seconds
    rate_overall_per_second: float = Field(default=30.0, gt=0)  # Telegram's flood limits (AIORateLimiter)
    rate_group_per_minute: float = Field(default=20.0, gt=0)
    concurrent_updates: int = Field(default=32, ge=1)
    # Every update per user (commands, taps, inline queries, messages): a burst, then a steady rate;
    # at most update_queue_depth wait behind the one running (handlers.fairness).
    updates_burst: int = Field(default=20, ge=1)
    updates_per_second: float = Field(default=1.0, gt=0)
    update_queue_depth: int = Field(default=3, ge=0)
    # False: no per-user bucket or lane at all (PTB's plain concurrent processing); only for measuring
    # what the fairness layer buys (bench/flood.py) — one user's flood then delays everybody.
    fair_updates: bool = True
    # Bot API calls (not getUpdates): seconds to wait for Telegram's answer before a sent call is "in doubt"
    # and never resent (handlers.delivery), and seconds to wait for a connection (then it is safely retried).
    telegram_read_timeout: float = Field(default=15.0, gt=0)
    telegram_connect_timeout: float = Field(default=5.0, gt=0)
    reminder: ReminderConfig = Field(default_factory=ReminderConfig)  # REMINDER_*
    harvest: HarvestConfig = Field(default_factory=HarvestConfig)  # HARVEST_*

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """ADMIN_IDS="123, 456" or "123 456" → {123, 456}; a non-number is an error, not ignored."""
        if isinstance(value, str):
            parts = [p for p in value.replace(",", " ").replace(";", " ").split() if p]
            try:
                return frozenset(int(p) for p in parts)
            except ValueError as err:
                raise ValueError(f"ADMIN_IDS must be numeric Telegram user ids, got {value!r}") from err
        if isinstance(value, int):
            return frozenset({value})
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret_token(cls, value: str) -> str:
        """Telegram accepts 1–256 characters of A-Z a-z 0-9 _ -; anything else fails setWebhook at start."""
        if value and not WEBHOOK_SECRET_RE.fullmatch(value):
            raise ValueError("WEBHOOK_SECRET must be 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("log_level")
    @classmethod
    def _level(cls, value: str) -> str:
        level = value.strip().upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
            raise ValueError(f"LOG_LEVEL must be DEBUG/INFO/WARNING/ERROR/CRITICAL, got {value!r}")
        return level

    @property
    def max_upload_bytes(self) -> int:
        return self.max_upload_mb * 1024 * 1024

    @property
    def webhook_mode(self) -> bool:
        return bool(self.webhook_url)

    def store_url(self, override: str | None = None) -> str:
        """The store to use: `override` (--database-url), else DATABASE_URL (environment, then .env), else
        the default file; resolved and normalised by the one resolver, storage.db.database_url."""
        from storage.db import database_url

        return database_url(override or self.database_url)

    def is_admin(self, user_id: int | None) -> bool:
        return user_id is not None and user_id in self.admin_ids

    def signing_key(self) -> bytes:
        """Key for callback-data signatures: CALLBACK_SECRET, else derived from the bot token."""
        seed = self.callback_secret or ("callback:" + self.telegram_bot_token)
        return hashlib.sha256(seed.encode("utf-8")).digest()

    def effective_webhook_secret(self) -> str:
        """WEBHOOK_SECRET, else one derived from the bot token, so webhook mode never runs unauthenticated.

        Why derive instead of refusing to start: the token is already a secret only Telegram and we know, and
        an HMAC of it (hex, 64 characters, within Telegram's secret_token alphabet) reveals nothing about it.
        """
        if self.webhook_secret:
            return self.webhook_secret
        key = self.telegram_bot_token.encode("utf-8")
        return hmac.new(key, WEBHOOK_SECRET_LABEL, hashlib.sha256).hexdigest()
