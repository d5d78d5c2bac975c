"""bot.logs: JSON lines on stderr, and no token or secret in any line — messages, extras, tracebacks,
httpx request logs and PTB errors included."""

from __future__ import annotations

import io
import json
import logging
from datetime import datetime

import httpx
import pytest

from bot.logs import add_secret, redact_text, setup_logging

TOKEN = "7123456789:AAHk3x_Zq-9vLmNoPqRsTuVwXyZ0123456789ab"
WEBHOOK_SECRET = "wh-Secret_value_42"
CALLBACK_SECRET = "cb-signing-key-0815"
DB_PASSWORD = "s3cr3t-pg-pass"
DB_URL = f"postgresql+psycopg://bot:{DB_PASSWORD}@db.internal:5432/disclosure"
SECRETS = (TOKEN, WEBHOOK_SECRET, CALLBACK_SECRET, DB_PASSWORD)


@pytest.fixture
def restore_logging():
    """Put the root logger and the library loggers back as they were."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    libs = {n: logging.getLogger(n).level for n in ("httpx", "httpcore", "apscheduler", "hpack", "telegram")}
    yield
    for h in list(root.handlers):
        if h not in saved[0]:
            root.removeHandler(h)
    root.setLevel(saved[1])
    for name, level in libs.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)


@pytest.fixture
def secret_env(monkeypatch):
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setenv("CALLBACK_SECRET", CALLBACK_SECRET)
    monkeypatch.setenv("DATABASE_URL", DB_URL)


@pytest.fixture
def logged(restore_logging, secret_env):
    """setup_logging() reading the secrets from the environment; returns a function giving the lines."""
    buf = io.StringIO()
    setup_logging("DEBUG", stream=buf)

    def lines() -> list[str]:
        return [ln for ln in buf.getvalue().splitlines() if ln.strip()]

    return lines


def assert_clean(lines: list[str]) -> None:
    assert lines, "nothing was logged"
    for line in lines:
        for secret in SECRETS:
            assert secret not in line, f"secret leaked: {line}"
        # the secret-free parts of the token must not survive either
        assert TOKEN.split(":")[1] not in line
        json.loads(line)  # every line stays valid JSON


def test_json_line_shape(logged):
    logging.getLogger("disclosure.test").info("问题 %s 已回答", "西夏区", extra={"chat_id": 42, "ms": 12.5})
    (line,) = logged()
    rec = json.loads(line)
    assert rec["level"] == "INFO"
    assert rec["logger"] == "disclosure.test"
    assert rec["msg"] == "问题 西夏区 已回答"
    assert rec["chat_id"] == 42 and rec["ms"] == 12.5
    ts = datetime.fromisoformat(rec["ts"])
    assert ts.utcoffset().total_seconds() == 8 * 3600  # Asia/Shanghai


def test_ordinary_text_is_left_alone():
    text = "西夏区 2020 依申请数 12 件; see https://example.org/botany/page and 12:30"
    assert redact_text(text) == text


def test_token_in_message_args_and_urls(logged):
    log = logging.getLogger("telegram.ext.Updater")
    log.warning("calling https://api.telegram.org/bot%s/getUpdates", TOKEN)
    log.warning("file at https://api.telegram.org/file/bot%s/documents/file_1.pdf", TOKEN)
    log.error("token was %s", TOKEN[:-1] + "X")  # a token-shaped value we do not know literally
    lines = logged()
    assert_clean(lines)
    assert all("***" in ln for ln in lines)
    assert "/bot***/getUpdates" in lines[0]
    assert TOKEN[:-1] not in lines[2]


def test_secrets_in_extra_fields_and_headers(logged):
    log = logging.getLogger("handlers.webhook")
    log.warning(
        "incoming",
        extra={
            "headers": {
                "X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET,
                "Authorization": "Bearer abc.def.ghi",
            },
            "db": DB_URL,
            "key": CALLBACK_SECRET,
            "api_token": "plain-unknown-value",
        },
    )
    log.info("Authorization: Basic dXNlcjpwYXNz and secret_token=%s", "zzz-unregistered-secret")
    lines = logged()
    assert_clean(lines)
    assert "abc.def.ghi" not in lines[0] and "plain-unknown-value" not in lines[0]
    assert "dXNlcjpwYXNz" not in lines[1] and "zzz-unregistered-secret" not in lines[1]
    rec = json.loads(lines[0])
    assert rec["db"] == "postgresql+psycopg://bot:***@db.internal:5432/disclosure"


def test_database_url_password_in_message(logged):
    logging.getLogger("storage").error("cannot connect to %s", DB_URL.replace(DB_PASSWORD, "other-pass"))
    (line,) = logged()
    assert "other-pass" not in line and "bot:***@db.internal" in line


def test_exception_traceback_is_redacted(logged):
    log = logging.getLogger("bot.app")
    try:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage failed; db={DB_URL}")
    except RuntimeError:
        log.exception("send failed")
    try:
        secret_local = WEBHOOK_SECRET  # noqa: F841 - appears in the source line of the traceback
        raise ValueError(f"bad secret {WEBHOOK_SECRET} / {CALLBACK_SECRET}")
    except ValueError as err:
        log.error("webhook rejected", exc_info=err, stack_info=True)
    lines = logged()
    assert_clean(lines)
    recs = [json.loads(ln) for ln in lines]
    assert "RuntimeError" in recs[0]["exc"] and "Traceback" in recs[0]["exc"]
    assert "ValueError" in recs[1]["exc"] and "stack" in recs[1]


def test_httpx_request_log_is_redacted_even_when_enabled(logged):
    """httpx logs every request URL (with the token) at INFO; we set it to WARNING and still redact."""
    assert logging.getLogger("httpx").level == logging.WARNING
    logging.getLogger("httpx").setLevel(logging.DEBUG)  # someone turns it back on
    transport = httpx.MockTransport(lambda req: httpx.Response(200, json={"ok": True, "result": []}))
    with httpx.Client(transport=transport) as client:
        client.post(f"https://api.telegram.org/bot{TOKEN}/getUpdates", json={"timeout": 0})
    lines = [ln for ln in logged() if json.loads(ln)["logger"] == "httpx"]
    assert lines, "httpx did not log the request (the test would prove nothing)"
    assert_clean(lines)


def test_ptb_network_error_is_redacted(logged):
    from telegram.error import NetworkError

    try:
        raise NetworkError(f"httpx.ConnectError: https://api.telegram.org/bot{TOKEN}/getMe")
    except NetworkError:
        logging.getLogger("telegram.ext.Application").exception("No error handlers are registered")
    assert_clean(logged())


def test_add_secret_and_fixed_secrets(restore_logging):
    buf = io.StringIO()
    setup_logging("INFO", stream=buf, secrets=["explicit-secret-1"])
    add_secret("runtime-secret-2")
    logging.getLogger("x").warning("explicit-secret-1 and runtime-secret-2 and %s", "visible")
    out = buf.getvalue()
    assert "explicit-secret-1" not in out and "runtime-secret-2" not in out and "visible" in out


def test_setup_twice_does_not_duplicate(restore_logging):
    buf = io.StringIO()
    setup_logging("INFO", stream=buf, secrets=[])
    setup_logging("INFO", stream=buf, secrets=[])
    logging.getLogger("x").info("once")
    assert len(buf.getvalue().splitlines()) == 1


def test_text_mode_is_redacted_too(restore_logging, secret_env):
    buf = io.StringIO()
    setup_logging("INFO", json=False, stream=buf)
    logging.getLogger("x").warning("token %s secret %s", TOKEN, WEBHOOK_SECRET)
    out = buf.getvalue()
    assert out.strip() and TOKEN not in out and WEBHOOK_SECRET not in out
    assert "+08:00" in out


def test_plain_console_handlers_are_replaced_and_others_redacted(restore_logging, secret_env):
    """A basicConfig/CLI console handler would print unredacted duplicates: setup_logging takes it over."""
    console = logging.StreamHandler(io.StringIO())
    console.stream = __import__("sys").stderr  # what basicConfig installs
    other_buf = io.StringIO()
    other = logging.StreamHandler(other_buf)
    root = logging.getLogger()
    root.addHandler(console)
    root.addHandler(other)
    buf = io.StringIO()
    setup_logging("INFO", stream=buf)
    assert console not in root.handlers
    assert other in root.handlers
    logging.getLogger("x").warning("token %s", TOKEN)
    assert TOKEN not in other_buf.getvalue() and "***" in other_buf.getvalue()
    assert len(buf.getvalue().splitlines()) == 1


@pytest.mark.pg
@pytest.mark.asyncio
async def test_no_secret_in_the_logs_of_a_real_bot_session(restore_logging, secret_env, engine):
    """The real Application polling the Bot API stand-in, httpx at DEBUG, a failing send: no token leaks."""
    from bot.app import build_application, start, stop
    from bot.settings import Settings
    from tests.botapi import BotApiStandin

    buf = io.StringIO()
    setup_logging("DEBUG", stream=buf)
    for name in ("httpx", "httpcore", "telegram"):
        logging.getLogger(name).setLevel(logging.DEBUG)  # the most a careless operator could turn on
    with BotApiStandin() as api:
        settings = Settings(
            _env_file=None,
            telegram_bot_token=TOKEN,
            telegram_base_url=api.base_url,
            telegram_base_file_url=api.base_file_url,
            polling_timeout=1,
            webhook_secret=WEBHOOK_SECRET,
            callback_secret=CALLBACK_SECRET,
        )

        app = build_application(settings, engine=engine)
        await start(app, timeout=1)
        try:
            api.inject(status=500, method="sendMessage", count=1)
            api.push_message(501, "西夏区 2020 依申请数")
            api.push_message(502, "/help")
            await api.await_for(lambda c: c.method == "sendMessage" and c.ok, timeout=30)
        finally:
            await stop(app)
    lines = [ln for ln in buf.getvalue().splitlines() if ln.strip()]
    assert any("/bot***/" in ln for ln in lines), "no request URL was logged: the test proves nothing"
    assert_clean(lines)


def test_url_encoded_token_and_secrets_are_redacted():
    """httpx logs request URLs percent-encoded: the ':' of a token becomes %3A (or %3a)."""
    from urllib.parse import quote

    from bot.logs import redact_text

    token = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
    secret = "s3cr3t/with+plus&amp"
    line = (f"POST https://api.telegram.org/bot{token.replace(':', '%3A')}/sendMessage "
            f"bot{token.replace(':', '%3a')} secret={quote(secret, safe='')} "
            f"q={quote(secret, safe='').lower()}")
    out = redact_text(line, [secret])
    assert "AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw" not in out
    assert "s3cr3t" not in out


def test_secrets_come_from_the_settings_passed_down(restore_logging, monkeypatch):
    """The settings are read once and passed down: a token that is only in them (not in the environment)
    is masked, and nothing reads the settings a second time."""
    from bot.settings import Settings

    for name in ("TELEGRAM_BOT_TOKEN", "WEBHOOK_SECRET", "CALLBACK_SECRET", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    settings = Settings(_env_file=None, telegram_bot_token=TOKEN)
    buf = io.StringIO()
    setup_logging("INFO", stream=buf, settings=settings)
    logging.getLogger("t").info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    assert TOKEN not in buf.getvalue() and "***" in buf.getvalue()
    from bot.logs import known_secrets

    assert TOKEN in known_secrets(settings) and TOKEN not in known_secrets()  # it came from the settings
