"""The answer path for Telegram: limit → ask → reply pages, buttons, chart; remember for /source.

Used by private messages, group mentions/replies, /ask and friends, and button taps.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from handlers import callbacks
from query.types import Answer
from service import ui_state
from service.answers import BotService, chat_key_for
from service.format import Reply, with_page_footer
from service.render import reply_pages
from service.reply import AnswerReply, build_reply

log = logging.getLogger(__name__)
BUTTON_LABEL_MAX = 40  # characters; Telegram shows longer button texts cut off by the client anyway
ELLIPSIS = "…"


def service(context: ContextTypes.DEFAULT_TYPE) -> BotService:
    return context.application.bot_data["service"]


async def admin_service(update: Update, context: ContextTypes.DEFAULT_TYPE, refusal: str) -> BotService | None:
    """The service when the sender is an admin; otherwise `refusal` is the reply and None comes back."""
    svc = service(context)
    user = update.effective_user
    if svc.is_admin(user.id if user else None):
        return svc
    await update.effective_message.reply_text(refusal)
    return None


def page_keyboard(key: bytes, chat_id: int, nonce: str, index: int, total: int) -> list[list[InlineKeyboardButton]]:
    if total <= 1:
        return []
    row = []
    if index > 0:
        row.append(InlineKeyboardButton("« 上一页", callback_data=callbacks.sign(key, chat_id, "g", nonce, index - 1)))
    if index < total - 1:
        row.append(InlineKeyboardButton("下一页 »", callback_data=callbacks.sign(key, chat_id, "g", nonce, index + 1)))
    return [row]


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def _short_label(label: str, others: list[str], limit: int) -> str:
    """`label` in at most `limit` characters, keeping its start and the part where it differs from `others`.

    Why not a plain prefix: candidate names often share a long start ("宁夏回族自治区银川市…") and differ near
    the end ("…西夏区审批服务管理局" / "…兴庆区审批服务管理局"); cut to a prefix, their buttons look the same.
    """
    if len(label) <= limit:
        return label
    split = max((_shared_prefix(label, o) for o in others if o != label), default=0)
    if split < limit - 1:  # the plain prefix already tells it apart
        return label[: limit - 1] + ELLIPSIS
    head = max(1, limit // 3)
    room = limit - head - 1  # characters after the first "…"
    if len(label) - split <= room:  # the difference is in the tail that fits
        return label[:head] + ELLIPSIS + label[len(label) - room:]
    start = max(head, split - 2)  # a little context before the first differing character
    return label[:head] + ELLIPSIS + label[start:start + room - 1] + ELLIPSIS


def button_labels(labels: list[str], limit: int = BUTTON_LABEL_MAX) -> list[str]:
    """Distinct button texts of at most `limit` characters; the full names are in the message text above.

    Look-alike names are middle-elided around where they differ; any texts still equal (the same name twice)
    are numbered.
    """
    short = [_short_label(label, labels[:i] + labels[i + 1:], limit) for i, label in enumerate(labels)]
    if len(set(short)) == len(short):
        return short
    out = []
    for i, text in enumerate(short):
        if short.count(text) == 1:
            out.append(text)
            continue
        number = f"{i + 1}. "
        full = labels[i]
        room = limit - len(number)
        out.append(number + (full if len(full) <= room else _short_label(full, [], room)))
    return out


def choice_keyboard(key: bytes, chat_id: int, nonce: str, reply: Reply) -> list[list[InlineKeyboardButton]]:
    labels = button_labels([cand.label for cand in reply.choices])
    return [[InlineKeyboardButton(label, callback_data=callbacks.sign(key, chat_id, "p", nonce, i))]
            for i, label in enumerate(labels)]


async def respond(update: Update, context: ContextTypes.DEFAULT_TYPE, question: str) -> None:
    """Answer `question` in the update's chat, within the user's question budget."""
    svc = service(context)
    message = update.effective_message
    chat = update.effective_chat
    user = update.effective_user
    if message is None or chat is None:
        return
    question = question.strip()
    if not question:
        await message.reply_text("请直接输入问题，例如：西夏区 2020 依申请数。发送 /help 查看更多用法。")
        return
    if len(question) > 500:
        await message.reply_text("问题太长了，请控制在 500 字以内。")
        return
    if user is not None:
        wait = svc.limiter.check(user.id)
        if wait:
            svc.counters["rate_limited"] += 1
            if svc.limiter.should_warn(user.id):
                await message.reply_text(f"提问有点快了，请约 {int(wait) + 1} 秒后再试。每分钟最多 {svc.limiter.per_minute} 个问题。")
            return
    async with svc.chat_lock(chat.id):
        typing = asyncio.get_running_loop().create_task(_typing_later(context, chat.id))
        try:
            reply = await svc.reply(question, chat_key_for(chat.id))
        finally:
            typing.cancel()
        await send_answer(context, chat.id, reply, reply_to=message)


async def _typing_later(context: ContextTypes.DEFAULT_TYPE, chat_id: int, delay: float = 0.4) -> None:
    """Show "typing…" only when the answer is slow: a quick answer needs no extra API call."""
    await asyncio.sleep(delay)
    try:
        await context.bot.send_chat_action(chat_id, ChatAction.TYPING)
    except TelegramError:
        pass


async def send_answer(context: ContextTypes.DEFAULT_TYPE, chat_id: int, structured: AnswerReply | Answer,
                      reply_to: Message | None = None) -> Message:
    """Send the first page (with candidate/page buttons), store menus and the last answer, then the chart."""
    svc = service(context)
    key = svc.settings.signing_key()
    if isinstance(structured, Answer):
        structured = build_reply(structured)
    answer = structured.answer or Answer(structured.status, structured.text, question=structured.question)
    reply = reply_pages(structured, use_html=True)
    chat_key = chat_key_for(chat_id)
    state = await svc.load_state(chat_key)
    nonce = callbacks.new_nonce()
    menu: dict[str, Any] = {}
    keyboard = []
    if reply.choices:
        menu["q"] = answer.question
        menu["c"] = [[c.label, c.value or c.label, c.kind] for c in reply.choices]
        keyboard += choice_keyboard(key, chat_id, nonce, reply)
    if len(reply.pages) > 1:
        menu["p"] = reply.pages
        keyboard += page_keyboard(key, chat_id, nonce, 0, len(reply.pages))
    if menu:
        ui_state.add_menu(state, nonce, menu)
    if answer.status == "ok" and answer.answers:
        state["last"] = ui_state.answer_record(answer)
    if menu or "last" in state:
        await svc.save_state(chat_key, state)
    text = with_page_footer(reply.pages[0], 0, len(reply.pages))
    markup = InlineKeyboardMarkup(keyboard) if keyboard else None
    if reply_to is not None and reply_to.chat.type != "private":
        sent = await reply_to.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                         disable_web_page_preview=True)
    else:
        sent = await context.bot.send_message(chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                                              disable_web_page_preview=True)
    svc.counters["answers_sent"] += 1
    if reply.chart_rows:
        await send_chart(context, chat_id, reply)
    return sent


async def send_chart(context: ContextTypes.DEFAULT_TYPE, chat_id: int, reply: Reply) -> bool:
    """The PNG chart next to the text; the text alone stands if drawing or sending fails."""
    from service.charts import render_chart

    try:
        png = await asyncio.to_thread(render_chart, reply.chart_rows, reply.intent)
    except Exception:  # noqa: BLE001 - a chart is a bonus, never a reason to fail the answer
        log.exception("chart rendering failed")
        return False
    if png is None:
        return False
    try:
        await context.bot.send_photo(chat_id, photo=png, caption="图表（数字见上方文字）")
        return True
    except TelegramError as err:
        log.warning("sending chart failed: %s", err)
        service(context).counters["chart_failed"] += 1
        return False
