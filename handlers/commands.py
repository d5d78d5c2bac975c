"""Slash commands (menu registered in Chinese with setMyCommands)."""

from __future__ import annotations

import asyncio

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers import callbacks
from handlers.answers import page_keyboard, respond, service
from service import listings, lookups, ui_state
from service.answers import chat_key_for
from service.format import (
    Markup,
    paginate,
    with_page_footer,
)

# (command, description) — the menu users see; admin-only ones say so.
COMMANDS: list[tuple[str, str]] = [
    ("start", "开始使用"),
    ("help", "用法和示例"),
    ("ask", "提问，例如 /ask 西夏区 2020 依申请数"),
    ("agencies", "机关列表，可加地区"),
    ("indicators", "指标列表，可加关键词"),
    ("report", "某机关某年报告概览：/report 机关 年份"),
    ("compare", "对比多个机关：/compare 甲 乙 2020 依申请数"),
    ("top", "排名：/top 2020 依申请数"),
    ("trend", "历年趋势：/trend 西夏区 依申请数"),
    ("source", "上一个答案的原文行"),
    ("export", "上一个答案导出为 CSV"),
    ("ingest", "上传报告入库（管理员）"),
    ("stats", "运行统计（管理员）"),
    ("check", "某机关某年报告体检：/check 西夏区 2020"),
    ("audit", "某地区某年全部机关检查（文字、图片、XLSX）：/audit 银川市 2025"),
]
FALLBACK_EXAMPLES = ["西夏区 2020 依申请数", "2020年依申请数排名", "西夏区 依申请数 趋势"]


def _args(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


async def send_pages(update: Update, context: ContextTypes.DEFAULT_TYPE, blocks: list[str]) -> None:
    """Send listing blocks as one message with page buttons (pages kept in the store)."""
    svc = service(context)
    chat_id = update.effective_chat.id
    pages = paginate(blocks)
    markup = None
    if len(pages) > 1:
        nonce = callbacks.new_nonce()
        key = chat_key_for(chat_id)
        st = await svc.load_state(key)
        ui_state.add_menu(st, nonce, {"p": pages})
        await svc.save_state(key, st)
        markup = InlineKeyboardMarkup(page_keyboard(svc.settings.signing_key(), chat_id, nonce, 0, len(pages)))
    await update.effective_message.reply_text(with_page_footer(pages[0], 0, len(pages)), parse_mode=ParseMode.HTML,
                                              reply_markup=markup, disable_web_page_preview=True)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    name = update.effective_user.first_name if update.effective_user else ""
    m = Markup(True)
    text = (f"你好，{m.t(name)}！我可以查询政府信息公开工作年度报告里的数字，并告诉你出自哪份报告的哪一行。\n\n"
            "直接发问题即可，例如：" + m.code("西夏区 2020 依申请数") + "\n发送 /help 查看更多用法。")
    await update.effective_message.reply_text(text, parse_mode=ParseMode.HTML)


async def help_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    try:
        examples = await asyncio.to_thread(lookups.example_questions, svc.engine)
    except Exception:  # noqa: BLE001 - examples are a nicety
        examples = []
    examples = examples or FALLBACK_EXAMPLES
    context.application.bot_data["examples"] = examples
    key = svc.settings.signing_key()
    chat_id = update.effective_chat.id
    buttons = [[InlineKeyboardButton(q[:60], callback_data=callbacks.sign(key, chat_id, "e", "x", i))]
               for i, q in enumerate(examples)]
    m = Markup(True)
    lines = [
        m.b("怎么问"),
        "机关（可简称）+ 年份 + 指标，例如 " + m.code(examples[0]),
        "追问可以省略：先问 " + m.code("西夏区 2020 依申请数") + "，再问 " + m.code("2019 呢"),
        "",
        m.b("命令"),
        *[f"/{c} — {m.t(d)}" for c, d in COMMANDS],
        "",
        "在群里请 @我 或回复我的消息；点下面的示例直接提问：",
    ]
    await update.effective_message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML,
                                              reply_markup=InlineKeyboardMarkup(buttons))


def question_command(suffix: str, usage: str):
    """A command that is a question with a word added (/trend X → "X 趋势"), so all of them share one answer path."""

    async def command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        q = _args(context)
        if not q:
            await update.effective_message.reply_text(f"用法：{usage}")
            return
        await respond(update, context, f"{q} {suffix}".strip())

    return command


# command → (word added to the question, usage); the terminal chat reads the same table
QUESTION_COMMANDS: dict[str, tuple[str, str]] = {
    "ask": ("", "/ask 西夏区 2020 依申请数"),
    "compare": ("对比", "/compare 兴庆区 西夏区 2020 依申请数"),
    "top": ("排名", "/top 2020 依申请数"),
    "trend": ("趋势", "/trend 西夏区 依申请数"),
}
ask_command = question_command(*QUESTION_COMMANDS["ask"])
compare_command = question_command(*QUESTION_COMMANDS["compare"])
top_command = question_command(*QUESTION_COMMANDS["top"])
trend_command = question_command(*QUESTION_COMMANDS["trend"])


async def _send_listing(update: Update, context: ContextTypes.DEFAULT_TYPE, listing: listings.Listing) -> None:
    if listing.paged:
        await send_pages(update, context, listing.blocks)
    else:
        await update.effective_message.reply_text(listing.blocks[0], parse_mode=ParseMode.HTML)


async def agencies_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    listing = await asyncio.to_thread(listings.agencies, svc.engine, _args(context), Markup(True))
    await _send_listing(update, context, listing)


async def indicators_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _send_listing(update, context, listings.indicators(_args(context), Markup(True)))


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    listing = await asyncio.to_thread(listings.report, svc.engine, _args(context), Markup(True))
    await _send_listing(update, context, listing)


async def source_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    st = await svc.load_state(chat_key_for(update.effective_chat.id))
    await _send_listing(update, context, listings.source(st.get("last"), Markup(True)))


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    st = await svc.load_state(chat_key_for(update.effective_chat.id))
    last = st.get("last")
    data = listings.export_csv(last)
    if data is None:
        await update.effective_message.reply_text(listings.NO_EXPORT)
        return
    await update.effective_message.reply_document(document=data, filename="answer.csv",
                                                  caption=f"{len(last['rows'])} 行 · {last.get('question', '')}"[:1000])
