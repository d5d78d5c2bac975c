"""Inline mode: "@bot 西夏区 2020 依申请数" in any chat offers the answer as results."""

from __future__ import annotations

import hashlib

from telegram import InlineQueryResultArticle, InputTextMessageContent, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.answers import service
from service.format import Markup, format_number, indicator_label, row_block
from service.render import reply_pages, terminal_text

MAX_RESULTS = 10


async def on_inline_query(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.inline_query
    if query is None:
        return
    text = query.query.strip()
    if not text:
        await query.answer([], cache_time=5, is_personal=True)
        return
    svc = service(context)
    if svc.inline_limiter.check(query.from_user.id):
        await query.answer([], cache_time=5, is_personal=True)
        return
    structured = await svc.reply(text[:300], None)  # inline has no chat: no follow-up context
    answer = structured.answer
    reply = reply_pages(structured, use_html=True)
    m = Markup(True)
    said = terminal_text(structured).strip()[:200]  # the description: the same words as the message
    results = []
    seed = hashlib.sha1(text.encode()).hexdigest()[:16]
    if answer.status == "ok" and answer.answers:
        full = reply.pages[0]
        title = text if len(answer.answers) > 1 else (
            f"{answer.answers[0].agency} {answer.answers[0].year}：{format_number(answer.answers[0].value, answer.answers[0].unit)}")
        results.append(InlineQueryResultArticle(
            id=f"{seed}-all", title=title[:100], description=said,
            input_message_content=InputTextMessageContent(full, parse_mode=ParseMode.HTML)))
        for i, row in enumerate(answer.answers[: MAX_RESULTS - 1]):
            if len(answer.answers) == 1:
                break
            body = row_block(row, m)  # the same block as in the full answer (service.format)
            results.append(InlineQueryResultArticle(
                id=f"{seed}-{i}", title=f"{row.agency} {row.year}"[:100],
                description=f"{indicator_label(row)}：{format_number(row.value, row.unit)}"[:200],
                input_message_content=InputTextMessageContent(body, parse_mode=ParseMode.HTML)))
    else:
        results.append(InlineQueryResultArticle(
            id=f"{seed}-msg", title={"ambiguous": "需要选择", "not_found": "没有找到", "no_data": "没有数据"}.get(
                answer.status, "回答"),
            description=said,
            input_message_content=InputTextMessageContent(reply.pages[0], parse_mode=ParseMode.HTML)))
    await query.answer(results, cache_time=30, is_personal=False)
