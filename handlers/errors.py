"""The error handler: the user gets a short apology with an error id; admins get the details.

Why an id: a user can quote it, and the same id is in the log line with the traceback.

Three kinds of failure are told apart:

* **The store is down** (StoreUnavailable, a lost or refused connection — PostgreSQL restarting): the user
  gets a plain Chinese message saying the database is briefly unreachable and to send the message again;
  admins get at most one notice per STORE_NOTICE_EVERY seconds, not a traceback per question.
* **A Bot API call is in doubt** (DeliveryInDoubt: the request reached Telegram, the answer did not come
  back, so the message may have been delivered): logged with its error id, nothing else is sent — an
  apology next to an answer the user may already have is noise, and a resend would be a duplicate.
* **Anything else**: the apology with an error id, the traceback to admins — redacted like the logs
  (service.redaction.redact_text): exception messages quote URLs with the token or the database password.

Sending itself (handlers.delivery): 429 with retry_after, 5xx and connection failures before the request
was sent are retried with backoff a bounded number of times; after a read timeout nothing is resent.
"""

from __future__ import annotations

import html
import logging
import secrets
import time
import traceback
from typing import Any

from telegram import InlineQueryResultsButton, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden, NetworkError, TelegramError
from telegram.ext import ContextTypes

from handlers.delivery import DeliveryInDoubt
from service.answers import STORE_DOWN_TEXT, is_outage
from service.redaction import db_password, env_secrets, redact_text

log = logging.getLogger(__name__)
STORE_NOTICE_EVERY = 300.0  # seconds between admin notices about an unreachable store
_last_store_notice = [float("-inf")]


def _secrets(settings: Any) -> list[str]:
    """Literal secrets to mask in admin reports: the running settings' (bot.settings.Settings, passed down
    in bot_data; tests and callers may pass them directly, so the environment does not know them) plus the
    environment's and every add_secret() literal."""
    values = {settings.telegram_bot_token, settings.webhook_secret, settings.callback_secret,
              db_password(settings.database_url), *env_secrets()}
    if settings.webhook_mode:
        values.add(settings.effective_webhook_secret())
    return sorted((v for v in values if v and len(v) >= 4), key=len, reverse=True)


def _describe(update: object) -> str:
    if isinstance(update, Update):
        chat = update.effective_chat
        user = update.effective_user
        msg = update.effective_message
        text = (msg.text or msg.caption or "") if msg else ""
        return (f"chat={chat.id if chat else '-'} ({chat.type if chat else '-'}) user={user.id if user else '-'} "
                f"text={text[:200]!r}")
    return repr(update)[:300]


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    err = context.error
    error_id = secrets.token_hex(4)
    if isinstance(err, NetworkError) and not isinstance(update, Update):
        log.warning("network error (id %s): %s", error_id, err)  # polling hiccup: PTB retries by itself
        return
    service = context.application.bot_data.get("service")
    if isinstance(err, DeliveryInDoubt):
        log.warning("delivery in doubt (error id %s) while handling %s: not resent, no apology", err.error_id,
                    _describe(update))
        if service is not None:
            service.counters["delivery_in_doubt"] += 1
        return
    store_down = is_outage(err)
    if store_down:
        log.warning("store unavailable (id %s) while handling %s: %s", error_id, _describe(update), err)
        text = f"{STORE_DOWN_TEXT}（错误编号 {error_id}）"
    else:
        log.error("error %s while handling %s", error_id, _describe(update), exc_info=err)
        text = f"抱歉，处理时出错了（错误编号 {error_id}），管理员已收到通知。请稍后再试。"
    if service is not None:
        service.counters["store_down" if store_down else "errors"] += 1
    if isinstance(update, Update) and update.effective_chat is not None and not isinstance(err, Forbidden):
        try:
            if update.callback_query is not None:
                await update.callback_query.answer(f"出错了（错误编号 {error_id}）")
            await context.bot.send_message(update.effective_chat.id, text)
            if service is not None and store_down:
                service.counters["store_down_replies"] += 1
        except TelegramError:
            log.warning("could not tell the user about error %s", error_id)
    elif isinstance(update, Update) and update.inline_query is not None and store_down:
        try:  # no chat to write to: an empty result list with a note instead of a silent spinner
            await update.inline_query.answer(
                [], cache_time=0, button=InlineQueryResultsButton(text="数据库暂时连不上，请过几秒钟再试",
                                                                  start_parameter="retry"))
        except TelegramError:
            log.warning("could not tell the inline user about error %s", error_id)
    admins = sorted(service.settings.admin_ids) if service is not None else []
    if not admins:
        return
    if store_down:
        now = time.monotonic()
        if now - _last_store_notice[0] < STORE_NOTICE_EVERY:
            return
        _last_store_notice[0] = now
    secrets_ = _secrets(service.settings)
    tb = "".join(traceback.format_exception(type(err), err, err.__traceback__)) if err else "no exception"
    tb = redact_text(tb, secrets_)
    head = f"⚠️ 错误 <code>{error_id}</code>\n{html.escape(redact_text(_describe(update), secrets_))}\n"
    budget = 4000 - len(head) - 20
    detail = html.escape(tb[-budget:]) if len(html.escape(tb)) > budget else html.escape(tb)
    while len(detail) > budget:  # escaping can lengthen; trim from the front, away from the cause
        detail = detail[len(detail) - budget:]
        detail = detail[detail.find("\n") + 1:] if "\n" in detail else detail
    text = f"{head}<pre>{detail}</pre>"
    for admin in admins:
        try:
            await context.bot.send_message(admin, text, parse_mode=ParseMode.HTML)
        except TelegramError:
            log.warning("could not notify admin %s about error %s", admin, error_id)
