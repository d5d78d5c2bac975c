"""Masking secrets in text that leaves the process: log lines, admin error reports, CLI errors.

Why below the front ends: the Telegram error handler, the logs (bot.logs) and the CLI all mask the same
way, and the handlers may not import bot/. Settings-derived secrets are passed in by the caller.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

MASK = "***"
SECRET_ENV_VARS = ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "CALLBACK_SECRET")
_MIN_SECRET_LEN = 4  # shorter literals would mangle ordinary words; the patterns below still apply

TOKEN_RE = re.compile(r"\d{6,}(?::|%3[Aa])[A-Za-z0-9_-]{30,}")  # also URL-encoded (httpx logs quote URLs)
BOT_PATH_RE = re.compile(r"(/(?:file/)?bot)(\d+(?::|%3[Aa])[^/\s\"'?#]+)")
URL_PASSWORD_RE = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*://[^\s:/@\"']*:)([^\s@/\"']+)(@)")
AUTH_HEADER_RE = re.compile(
    r"((?:authorization|proxy-authorization|x-telegram-bot-api-secret-token)[\"']?\s*[:=]\s*[\"']?)"
    r"(?:(bearer|basic|token)\s+)?([^\s\"',;}]+)",
    re.IGNORECASE,
)
SECRET_KV_RE = re.compile(
    r"((?:secret_token|webhook_secret|callback_secret|password|passwd|token)[\"']?\s*[:=]\s*[\"']?)"
    r"([^\s\"',;&}]+)",
    re.IGNORECASE,
)
_extra_secrets: set[str] = set()


def add_secret(value: str | None) -> None:
    """Register a literal that must never appear in a log line (e.g. a secret read from a file)."""
    if value and len(value) >= _MIN_SECRET_LEN:
        _extra_secrets.add(value)


def db_password(url: str | None) -> str | None:
    """The password in a database URL (None when none or unparseable)."""
    if not url:
        return None
    try:
        from sqlalchemy.engine import make_url

        return make_url(url).password
    except Exception:  # noqa: BLE001 - a malformed URL still gets the pattern-based redaction
        return None


def env_secrets() -> list[str]:
    """Literal secrets from the environment and add_secret(); longest first."""
    values: set[str] = set(_extra_secrets)
    for name in SECRET_ENV_VARS:
        values.add(os.environ.get(name, ""))
    values.add(db_password(os.environ.get("DATABASE_URL")) or "")
    return sorted((v for v in values if v and len(v) >= _MIN_SECRET_LEN), key=len, reverse=True)


def _spellings(value: str) -> list[str]:
    """A secret as written and as it appears inside a logged URL (percent-encoded, either hex case)."""
    if not value:
        return []
    forms = {value, quote(value, safe=""), quote_plus(value, safe="")}
    forms |= {re.sub(r"%[0-9A-F]{2}", lambda m: m.group(0).lower(), f) for f in list(forms)}
    return sorted(forms, key=len, reverse=True)


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` with every token, password, auth header and known secret value replaced by ***."""
    if not text:
        return text
    for value in secrets:
        for form in _spellings(value):
            if form in text:
                text = text.replace(form, MASK)
    text = URL_PASSWORD_RE.sub(lambda m: m.group(1) + MASK + m.group(3), text)
    text = TOKEN_RE.sub(MASK, text)
    text = BOT_PATH_RE.sub(lambda m: m.group(1) + MASK, text)
    text = AUTH_HEADER_RE.sub(lambda m: m.group(1) + (m.group(2) + " " if m.group(2) else "") + MASK, text)
    text = SECRET_KV_RE.sub(lambda m: m.group(1) + MASK, text)
    return text
