"""Slash commands (menu registered in Chinese with setMyCommands)."""

from __future__ import annotations

import asyncio
import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers import callbacks
from handlers.answers import page_keyboard, respond, service
from reports.catalogue import catalogue, definition
from service import lookups, ui_state
from service.answers import chat_key_for
from service.format import (
    Markup,
    format_number,
    paginate,
    rows_from_json,
    rows_to_csv,
    source_blocks,
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
YEAR = re.compile(r"(19|20)\d{2}")


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


async def agencies_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    region = _args(context)
    found = await asyncio.to_thread(lookups.list_agencies, svc.engine, region)
    m = Markup(True)
    if not found:
        where = f"“{region}”下" if region else "库里"
        await update.effective_message.reply_text(f"{m.t(where)}还没有机关。", parse_mode=ParseMode.HTML)
        return
    title = m.b(f"机关（{len(found)} 个{'，' + region if region else ''}）")
    blocks = [title] + [
        f"• {m.t(a.name)}" + (f" — {m.t('、'.join(str(y) for y in a.years))}" if a.years else " — 暂无报告")
        for a in found
    ]
    await send_pages(update, context, ["\n".join(blocks[i:i + 40]) for i in range(0, len(blocks), 40)])


async def indicators_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    word = _args(context)
    seen: set[str] = set()
    m = Markup(True)
    lines = []
    for d in catalogue():
        if d.key in seen:
            continue
        if word and word not in d.name_zh and word not in d.key and word not in d.row_label:
            continue
        seen.add(d.key)
        lines.append(f"• {m.t(d.name_zh)}（{m.t(d.unit or '-')}）{m.code(d.key)}")
    if not lines:
        await update.effective_message.reply_text(f"没有包含“{m.t(word)}”的指标。", parse_mode=ParseMode.HTML)
        return
    head = m.b(f"指标（{len(lines)} 个）")
    blocks = [head] + ["\n".join(lines[i:i + 30]) for i in range(0, len(lines), 30)]
    await send_pages(update, context, blocks)


async def report_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    args = _args(context)
    match = YEAR.search(args)
    if not args or not match:
        await update.effective_message.reply_text("用法：/report 机关名称 年份，例如 /report 西夏区 2020")
        return
    year = int(match.group(0))
    name = (args[: match.start()] + " " + args[match.end():]).replace("年", " ").strip()
    m = Markup(True)
    found = await asyncio.to_thread(lookups.find_agencies, svc.engine, name)
    if not found:
        await update.effective_message.reply_text(f"没有找到机关“{m.t(name)}”。试试 /agencies 查看列表。",
                                                  parse_mode=ParseMode.HTML)
        return
    if len(found) > 1:
        names = "\n".join(f"• {m.t(a.name)}" for a in found)
        await update.effective_message.reply_text(f"“{m.t(name)}”对应多个机关，请写全称：\n{names}",
                                                  parse_mode=ParseMode.HTML)
        return
    card = await asyncio.to_thread(lookups.report_card, svc.engine, found[0].id, year)
    if card is None or not card.template:
        years_text = "、".join(str(y) for y in (card.other_years if card else [])) or "无"
        await update.effective_message.reply_text(
            f"{m.b(found[0].name)} 没有 {year} 年的报告。已有年份：{m.t(years_text)}", parse_mode=ParseMode.HTML)
        return
    lines = [f"{m.b(card.agency)} · {card.year} 年报告",
             f"标题：{m.t(card.title or card.file_name)}",
             f"模板：{m.t(card.template)} · 共 {card.value_count} 个数字"]
    for key, value, unit, line_no, _line in card.figures:
        d = definition(key, card.template)
        lines.append(f"• {m.t(d.name_zh if d else key)}：{m.b(format_number(value, unit))}（第 {line_no} 行）")
    if card.findings:
        lines.append("")
        lines.append(m.b(f"勾稽关系问题（{len(card.findings)}）"))
        lines.extend(f"⚠️ {m.t(f)}" for f in card.findings[:20])
    else:
        lines.append("✅ 勾稽关系检查未发现问题")
    for w in card.warnings[:5]:
        lines.append(f"注：{m.t(w)}")
    await send_pages(update, context, ["\n".join(lines)])


async def source_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    st = await svc.load_state(chat_key_for(update.effective_chat.id))
    last = st.get("last")
    if not last or not last.get("rows"):
        await update.effective_message.reply_text("还没有可以溯源的答案，先问一个问题吧。")
        return
    m = Markup(True)
    rows = rows_from_json(last["rows"])
    head = f"“{m.t(last.get('question', ''))}”的原文行："
    await send_pages(update, context, [head, *source_blocks(rows, m)])


async def export_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    st = await svc.load_state(chat_key_for(update.effective_chat.id))
    last = st.get("last")
    if not last or not last.get("rows"):
        await update.effective_message.reply_text("还没有可以导出的答案，先问一个问题吧。")
        return
    data = rows_to_csv(rows_from_json(last["rows"]))
    await update.effective_message.reply_document(document=data, filename="answer.csv",
                                                  caption=f"{len(last['rows'])} 行 · {last.get('question', '')}"[:1000])
