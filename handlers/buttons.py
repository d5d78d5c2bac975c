"""Inline button taps: pick a candidate, turn a page, ask a /help example.

Every tap is answered (so the client's spinner stops); forged data, other chats' buttons and menus
that expired or were lost get a polite note instead of an action.
"""

from __future__ import annotations

import logging

from telegram import InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from handlers import audit, callbacks
from handlers.answers import page_keyboard, respond, service
from service.answers import chat_key_for
from service.format import esc, with_page_footer

log = logging.getLogger(__name__)
FORGED = "这个按钮无效，请重新提问。"
EXPIRED = "这个按钮已过期，请重新提问。"


def substitute(question: str, label: str, value: str) -> str:
    """The question with the ambiguous part replaced by the chosen candidate.

    The ambiguous part is the longest piece of the question that also occurs in the candidate's label
    (e.g. "兴庆区" in "银川市兴庆区人民政府"); without one, the choice is put in front.
    """
    best = ""
    for i in range(len(question)):
        for j in range(len(question), i + len(best), -1):
            piece = question[i:j]
            if piece.strip() and piece in label and len(piece.strip()) > len(best):
                best = piece.strip()
                break
    if len(best) >= 2:
        return " ".join(question.replace(best, f" {value} ", 1).split())
    return " ".join(f"{value} {question}".split())


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    if query is None or query.message is None:
        if query is not None:
            await query.answer(EXPIRED)
        return
    svc = service(context)
    chat_id = query.message.chat.id
    data = callbacks.verify(svc.settings.signing_key(), chat_id, query.data)
    if data is None:
        svc.counters["buttons_forged"] += 1
        await query.answer(FORGED, show_alert=False)
        return
    if data.kind == "a":
        await audit.on_evidence_button(update, context, data.arg)
        return
    if data.kind == "e":
        examples = context.application.bot_data.get("examples") or []
        if data.arg >= len(examples):
            await query.answer(EXPIRED)
            return
        await query.answer()
        await respond(update, context, examples[data.arg])
        return
    state = await svc.load_state(chat_key_for(chat_id))
    from service.ui_state import get_menu

    menu = get_menu(state, data.nonce)
    if menu is None:
        await query.answer(EXPIRED)
        return
    if data.kind == "g":
        pages = menu.get("p") or []
        if data.arg >= len(pages):
            await query.answer(EXPIRED)
            return
        await query.answer()
        markup = InlineKeyboardMarkup(page_keyboard(svc.settings.signing_key(), chat_id, data.nonce, data.arg,
                                                    len(pages)))
        try:
            await query.edit_message_text(with_page_footer(pages[data.arg], data.arg, len(pages)),
                                          parse_mode=ParseMode.HTML, reply_markup=markup,
                                          disable_web_page_preview=True)
        except BadRequest as err:  # "message is not modified" on a double tap
            log.debug("page edit: %s", err)
        return
    choices = menu.get("c") or []
    if data.arg >= len(choices):
        await query.answer(EXPIRED)
        return
    label, value = choices[data.arg][0], choices[data.arg][1]
    await query.answer(f"已选择：{label}"[:190])
    try:
        await query.edit_message_text(f"已选择：<b>{esc(label)}</b>", parse_mode=ParseMode.HTML)
    except BadRequest as err:
        log.debug("choice edit: %s", err)
    await respond(update, context, substitute(menu.get("q") or "", label, value))
