"""Structured logs (one JSON object per line on stderr) that never contain a token or secret.

Why redact in the formatter and in a filter: secrets reach logs through many doors — httpx logs request URLs
that embed the bot token (https://api.telegram.org/bot<token>/getUpdates), PTB and SQLAlchemy put URLs into
exception messages, and a traceback can quote any of them. The filter rewrites each record once (so any
other handler, e.g. pytest's caplog, also sees the clean text); the formatter redacts the final line again,
including tracebacks and `extra=` fields, before it is encoded. Redaction covers:

- Telegram bot tokens (``123456:ABC…``) anywhere, and whatever follows ``/bot`` in a URL path;
- the password part of any ``scheme://user:password@host`` URL (database URLs);
- ``Authorization`` headers and ``X-Telegram-Bot-Api-Secret-Token`` headers;
- the literal values of TELEGRAM_BOT_TOKEN, WEBHOOK_SECRET, CALLBACK_SECRET and the DATABASE_URL password
  (from the environment / settings), plus anything registered with :func:`add_secret`.

Timestamps are ISO 8601 in Asia/Shanghai, the time zone every user of the bot lives in.
"""

from __future__ import annotations

import json as _json
import logging
import re
import sys
import traceback
from collections.abc import Iterable
from datetime import datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from service.redaction import (  # noqa: F401 - re-exported: the logs' public redaction API
    _MIN_SECRET_LEN,
    MASK,
    _extra_secrets,
    add_secret,
    db_password,
    env_secrets,
    redact_text,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
SENSITIVE_KEY_RE = re.compile(r"authorization|secret|password|passwd|token|cookie|api[-_]?key", re.IGNORECASE)

# Attributes every LogRecord has; anything else on a record came from `extra=` and is logged as a field.
_STANDARD_ATTRS = frozenset(vars(logging.LogRecord("x", 0, "x", 0, "x", None, None))) | {
    "message",
    "asctime",
    "taskName",
}
_OUR_HANDLER_FLAG = "_disclosure_bot_handler"


def known_secrets(settings: Any | None = None) -> list[str]:
    """Literal secret values from the environment, the given settings and add_secret(); longest first.

    The settings are the ones the caller read once (bot.settings.Settings); without them (invalid settings,
    or a caller that has none) only the environment's secrets are known."""
    values: set[str] = set(env_secrets())
    if settings is not None:
        values.update(
            {settings.telegram_bot_token, settings.webhook_secret, settings.callback_secret,
             db_password(settings.database_url) or ""}
        )
    return sorted((v for v in values if v and len(v) >= _MIN_SECRET_LEN), key=len, reverse=True)


def _redact_value(value: Any, secrets: list[str]) -> Any:
    if isinstance(value, str):
        return redact_text(value, secrets)
    if isinstance(value, bool | int | float) or value is None:
        return value
    if isinstance(value, dict):
        return {
            str(k): MASK if SENSITIVE_KEY_RE.search(str(k)) else _redact_value(v, secrets)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_redact_value(v, secrets) for v in value]
    return redact_text(repr(value) if not isinstance(value, str) else value, secrets)


class RedactingFilter(logging.Filter):
    """Rewrites a record's message (args merged in) and exception text with secrets masked."""

    def __init__(self, secrets: Iterable[str] | None = None) -> None:
        super().__init__()
        self._fixed = list(secrets) if secrets is not None else None

    def secrets(self) -> list[str]:
        """The fixed list (read once, at set-up: reading .env per record would be slow) + add_secret()."""
        if self._fixed is None:
            self._fixed = known_secrets()
        values = {v for v in self._fixed if v and len(v) >= _MIN_SECRET_LEN} | _extra_secrets
        return sorted(values, key=len, reverse=True)

    def filter(self, record: logging.LogRecord) -> bool:
        secrets = self.secrets()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken %-format must not drop the record
            message = f"{record.msg!r} % {record.args!r}"
        record.msg = redact_text(message, secrets)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if record.exc_text:
            record.exc_text = redact_text(record.exc_text, secrets)
        if record.stack_info:
            record.stack_info = redact_text(record.stack_info, secrets)
        for key, value in list(vars(record).items()):
            if key not in _STANDARD_ATTRS:
                setattr(record, key, MASK if SENSITIVE_KEY_RE.search(key) else _redact_value(value, secrets))
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts (Asia/Shanghai ISO), level, logger, msg, extra fields, exc."""

    def __init__(self, secrets: Iterable[str] | None = None) -> None:
        super().__init__()
        self._filter = RedactingFilter(secrets)

    def format(self, record: logging.LogRecord) -> str:
        secrets = self._filter.secrets()
        ts = datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="milliseconds")
        out: dict[str, Any] = {
            "ts": ts,
            "level": record.levelname,
            "logger": record.name,
            "msg": redact_text(record.getMessage(), secrets),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_ATTRS and not key.startswith("_") and key not in out:
                out[key] = MASK if SENSITIVE_KEY_RE.search(key) else _redact_value(value, secrets)
        exc_text = record.exc_text
        if record.exc_info and not exc_text:
            exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip()
        if exc_text:
            out["exc"] = redact_text(exc_text, secrets)
        if record.stack_info:
            out["stack"] = redact_text(record.stack_info, secrets)
        return _json.dumps(out, ensure_ascii=False, default=lambda v: redact_text(repr(v), secrets))


class TextFormatter(logging.Formatter):
    """Human-readable lines for a terminal, redacted the same way."""

    def __init__(self, secrets: Iterable[str] | None = None) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")
        self._filter = RedactingFilter(secrets)

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, SHANGHAI).isoformat(timespec="seconds")

    def format(self, record: logging.LogRecord) -> str:
        return redact_text(super().format(record), self._filter.secrets())


class _StderrHandler(logging.StreamHandler):
    """Writes to the *current* sys.stderr (or a fixed stream), so redirection and test capture work."""

    def __init__(self, stream: TextIO | None = None) -> None:
        super().__init__(stream or sys.stderr)
        self._fixed_stream = stream

    def emit(self, record: logging.LogRecord) -> None:
        if self._fixed_stream is None:
            self.stream = sys.stderr
        super().emit(record)


def setup_logging(
    level: str | int = "INFO",
    json: bool = True,
    *,
    stream: TextIO | None = None,
    secrets: Iterable[str] | None = None,
    settings: Any | None = None,
) -> logging.Handler:
    """Route every logger to one redacting stderr handler; quiet the chatty HTTP libraries.

    Calling it again replaces the handler it installed before (no duplicate lines). `secrets` fixes the
    literal values to mask (tests); by default they come from the environment and `settings`.
    """
    root = logging.getLogger()
    fixed = list(secrets) if secrets is not None else known_secrets(settings)
    for old in list(root.handlers):
        # Ours from an earlier call, or a plain console handler (basicConfig, the CLI's): replaced, so no
        # line is printed twice or unredacted. Any other handler (files, test capture) keeps working but
        # gets the redacting filter too.
        plain_console = type(old) is logging.StreamHandler and getattr(old, "stream", None) in (
            sys.stderr,
            sys.stdout,
            sys.__stderr__,
            sys.__stdout__,
        )
        if getattr(old, _OUR_HANDLER_FLAG, False) or plain_console:
            root.removeHandler(old)
            if getattr(old, _OUR_HANDLER_FLAG, False):
                old.close()
        elif not any(isinstance(f, RedactingFilter) for f in old.filters):
            old.addFilter(RedactingFilter(fixed))
    handler = _StderrHandler(stream)
    setattr(handler, _OUR_HANDLER_FLAG, True)
    handler.addFilter(RedactingFilter(fixed))
    handler.setFormatter(JsonFormatter(fixed) if json else TextFormatter(fixed))
    root.addHandler(handler)
    root.setLevel(level.upper() if isinstance(level, str) else level)
    # httpx logs every request URL at INFO, and Telegram URLs contain the token: keep it at WARNING
    # (and whatever still gets through is redacted by the handler above).
    for name in ("httpx", "httpcore", "apscheduler", "hpack"):
        logging.getLogger(name).setLevel(logging.WARNING)
    logging.captureWarnings(True)
    return handler
