"""/check and /audit in Telegram (thin: the work is service.audit). /check shows one report's scorecard
with a button per check's evidence; /audit a region's table as text, an image and an XLSX file."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers import callbacks
from handlers.answers import service
from service import audit as audit_svc
from service import audit_render
from service.format import esc

CHECK_USAGE = "用法：/check 单位 年度，例如 /check 西夏区 2020（也可以问“西夏区 2020 年报有什么问题”）"
AUDIT_USAGE = "用法：/audit 地区 年度，例如 /audit 银川市 2025"
CHECKS_PER_CARD = 8  # button arg = report id × 8 + check index


def _keyboard(key: bytes, chat_id: int, report_id: int, card) -> InlineKeyboardMarkup:  # noqa: ANN001
    nonce = callbacks.new_nonce()
    buttons = [InlineKeyboardButton(f"{c.label} 证据", callback_data=callbacks.sign(
        key, chat_id, "a", nonce, report_id * CHECKS_PER_CARD + i)) for i, c in enumerate(card.checks)]
    return InlineKeyboardMarkup([buttons[i:i + 3] for i in range(0, len(buttons), 3)])


async def reply_check(update: Update, context: ContextTypes.DEFAULT_TYPE, who: str, year: int) -> None:
    svc = service(context)
    found = await asyncio.to_thread(audit_svc.find_card, svc.engine, who, year)
    message = update.effective_message
    if found.card is None or found.report_id is None:
        extra = "\n" + "\n".join(f"• {esc(c)}" for c in found.candidates) if found.candidates else ""
        await message.reply_text(esc(found.message) + extra, parse_mode=ParseMode.HTML)
        return
    markup = _keyboard(svc.settings.signing_key(), update.effective_chat.id, found.report_id, found.card)
    await message.reply_text(esc(audit_render.card_text(found.card)), parse_mode=ParseMode.HTML,
                             reply_markup=markup)


async def check_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parsed = audit_svc.parse_place_year(" ".join(context.args or []))
    if parsed is None:
        await update.effective_message.reply_text(CHECK_USAGE)
        return
    await reply_check(update, context, *parsed)


async def audit_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    parsed = audit_svc.parse_place_year(" ".join(context.args or []))
    message = update.effective_message
    if parsed is None:
        await message.reply_text(AUDIT_USAGE)
        return
    region, year = parsed
    svc = service(context)
    rows = await asyncio.to_thread(audit_svc.region_audit, svc.engine, region, year, svc.today())
    await message.reply_text(esc(audit_render.region_text(region, year, rows)), parse_mode=ParseMode.HTML)
    if not rows:
        return
    png = await asyncio.to_thread(audit_render.region_png, region, year, rows)
    await message.reply_photo(InputFile(png, filename=f"audit_{year}.png"))
    xlsx = await asyncio.to_thread(audit_render.region_xlsx, region, year, rows)
    await message.reply_document(InputFile(xlsx, filename=f"{region}_{year}_年报检查.xlsx"))


async def on_evidence_button(update: Update, context: ContextTypes.DEFAULT_TYPE, arg: int) -> None:
    """A tapped evidence button: that check's evidence as a new message."""
    query = update.callback_query
    svc = service(context)
    report_id, index = divmod(arg, CHECKS_PER_CARD)
    card = await asyncio.to_thread(audit_svc.card_of_report, svc.engine, report_id)
    if card is None or index >= len(card.checks):
        await query.answer("这份报告的体检结果已不存在，请重新 /check。")
        return
    await query.answer()
    text = audit_render.evidence_text(card, card.checks[index].key)
    await query.message.reply_text(esc(text)[:4000], parse_mode=ParseMode.HTML)
