"""Telegram side of reminders: /subscribe /unsubscribe /subscriptions /due /summary and the scheduled jobs.

`register(application, settings)` is called by bot.app.build_application. Buttons carry signed data
"rm|<nonce>|<index>|<mac>" (HMAC over chat id + payload, like handlers.callbacks) pointing at a menu kept in
the chat's UI state, so taps survive a restart and forged/expired taps are refused politely.
In groups only admins (bot admins from ADMIN_IDS or the group's administrators) change subscriptions or ask
for /summary; in channels every post comes from an admin.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ChatMemberStatus, ChatType, ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    filters,
)

from handlers import callbacks
from reminders import subscriptions as subs_mod
from service import ui_state
from service.answers import chat_key_for
from service.format import esc

log = logging.getLogger(__name__)
COMMANDS: list[tuple[str, str]] = [
    ("subscribe", "订阅年报到期提醒：/subscribe 地区或机关"),
    ("unsubscribe", "退订提醒"),
    ("subscriptions", "查看本聊天的订阅"),
    ("due", "尚未公布年报的机关和剩余天数"),
    ("summary", "年报汇总（群内限管理员）"),
    ("digest", "年报体检日报附 XLSX：/digest xlsx；只要文字：/digest text"),
]
NOT_ADMIN = "在群组里只有管理员可以这样做。"
EXPIRED = "这个按钮已过期，请重新发送命令。"
MSG_OR_POST = filters.UpdateType.MESSAGE | filters.UpdateType.CHANNEL_POST
MAX_CHOICES = 10


# ----------------------------------------------------------------- helpers
def _svc(context: ContextTypes.DEFAULT_TYPE):
    return context.application.bot_data["service"]


def _mac(key: bytes, chat_id: int, payload: str) -> str:
    digest = hmac.new(key, f"rm|{chat_id}|{payload}".encode(), hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(key: bytes, chat_id: int, nonce: str, index: int) -> str:
    payload = f"{nonce}|{index}"
    return f"rm|{payload}|{_mac(key, chat_id, payload)}"


def verify(key: bytes, chat_id: int, data: str | None) -> tuple[str, int] | None:
    parts = (data or "").split("|")
    if len(parts) != 4 or parts[0] != "rm" or not parts[2].isdigit():
        return None
    if not hmac.compare_digest(parts[3], _mac(key, chat_id, f"{parts[1]}|{parts[2]}")):
        return None
    return parts[1], int(parts[2])


async def _is_admin(update: Update, context: ContextTypes.DEFAULT_TYPE) -> bool:
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE or chat.type == ChatType.CHANNEL:
        return True
    user = update.effective_user
    if user is None:
        return False
    if _svc(context).is_admin(user.id):
        return True
    try:
        member = await context.bot.get_chat_member(chat.id, user.id)
    except (TelegramError, Exception):  # noqa: BLE001 - unknown means no
        return False
    return member.status in {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def _reply(update: Update, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
    msg = update.effective_message
    if msg is None:
        return
    await msg.reply_text(text, parse_mode=ParseMode.HTML, reply_markup=markup, disable_web_page_preview=True)


async def _menu(update: Update, context: ContextTypes.DEFAULT_TYPE, options: list[tuple[str, str, str, str]]
                ) -> InlineKeyboardMarkup:
    """Buttons for (label, action, scope, target) options; the options are kept in the chat's UI state."""
    svc = _svc(context)
    chat_id = update.effective_chat.id
    nonce = callbacks.new_nonce()
    key = chat_key_for(chat_id)
    st = await svc.load_state(key)
    ui_state.add_menu(st, nonce, {"rm": [[a, s, t] for _label, a, s, t in options]})
    await svc.save_state(key, st)
    signing = svc.settings.signing_key()
    rows = [[InlineKeyboardButton(label[:40], callback_data=sign(signing, chat_id, nonce, i))]
            for i, (label, _a, _s, _t) in enumerate(options)]
    return InlineKeyboardMarkup(rows)


def _today(context: ContextTypes.DEFAULT_TYPE):
    runner = context.application.bot_data.get("reminders")
    if runner is not None and runner.config.today:
        return runner.today()
    return _svc(context).today()


def _args(context: ContextTypes.DEFAULT_TYPE) -> str:
    return " ".join(context.args or []).strip()


# ----------------------------------------------------------------- commands
async def subscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _is_admin(update, context):
        await _reply(update, NOT_ADMIN)
        return
    svc = _svc(context)
    arg = _args(context)
    if not arg:
        regions = await asyncio.to_thread(_popular_regions, svc.engine)
        options = [("全部机关", "sub", "all", "")] + [(f"地区：{r}", "sub", "region", r) for r in regions]
        text = ("要订阅哪些机关的年报提醒？点下面的按钮，或发送\n"
                "<code>/subscribe 地区名</code>（如 西夏区）或 <code>/subscribe 机关名</code>。")
        await _reply(update, text, await _menu(update, context, options))
        return
    if arg in {"全部", "all", "所有", "全部机关"}:
        await _do_subscribe(update, context, "all", "")
        return
    region_names = await asyncio.to_thread(subs_mod.regions, svc.engine)
    if arg in region_names:
        await _do_subscribe(update, context, "region", arg)
        return
    agencies = await asyncio.to_thread(subs_mod.resolve_agency, svc.engine, arg)
    if len(agencies) == 1:
        await _do_subscribe(update, context, "agency", agencies[0])
        return
    near_regions = [r for r in region_names if arg in r or r in arg]
    options = [(f"地区：{r}", "sub", "region", r) for r in near_regions[:3]]
    options += [(a, "sub", "agency", a) for a in agencies[: MAX_CHOICES - len(options)]]
    if not options:
        await _reply(update, f"没有找到与“{esc(arg)}”相符的地区或机关。发送 /agencies 查看机关列表。")
        return
    await _reply(update, f"“{esc(arg)}”有多个可能，请选择要订阅的：", await _menu(update, context, options))


def _popular_regions(engine, limit: int = 8) -> list[str]:
    from collections import Counter

    from storage.queries import region_paths

    paths = region_paths(engine)
    counts = Counter(p for path in paths for p in (path or "").split("/") if p)
    return [r for r, _n in counts.most_common(limit)]


async def _do_subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE, scope: str, target: str) -> str:
    svc = _svc(context)
    chat = update.effective_chat
    try:
        sub, created = await asyncio.to_thread(subs_mod.subscribe, svc.engine, chat.id, chat.type, scope, target)
    except subs_mod.SubscriptionError as err:
        text = esc(str(err))
        if err.candidates:
            text += "\n" + "\n".join(f"• {esc(c)}" for c in err.candidates)
        await _reply(update, text)
        return text
    text = (f"✅ 已订阅：{esc(sub.label())}。每年 1 月、3 月截止前会提醒尚未公布年报的机关；"
            "发送 /due 随时查看，/unsubscribe 退订。") if created else f"已经订阅过：{esc(sub.label())}。"
    if chat.type != ChatType.PRIVATE and created:
        text += "\n本群还会收到每周年报摘要和年度汇总。"
    await _reply(update, text)
    return text


async def unsubscribe_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await _is_admin(update, context):
        await _reply(update, NOT_ADMIN)
        return
    svc = _svc(context)
    chat_id = update.effective_chat.id
    current = await asyncio.to_thread(subs_mod.list_subscriptions, svc.engine, chat_id)
    if not current:
        await _reply(update, "本聊天没有订阅。发送 /subscribe 订阅。")
        return
    arg = _args(context)
    if arg in {"全部", "all", "所有"}:
        n = await asyncio.to_thread(subs_mod.unsubscribe, svc.engine, chat_id)
        await _reply(update, f"已全部退订（{n} 项）。")
        return
    if arg:
        hits = [s for s in current if s.target == arg or (s.scope == "all" and arg in {"全部机关"})]
        hits = hits or [s for s in current if arg and arg in s.target]
        if len(hits) == 1:
            await asyncio.to_thread(subs_mod.unsubscribe, svc.engine, chat_id, hits[0].scope, hits[0].target)
            await _reply(update, f"已退订：{esc(hits[0].label())}。")
            return
    options = [(f"退订 {s.label()}", "unsub", s.scope, s.target) for s in current[:MAX_CHOICES]]
    if len(current) > 1:
        options.append(("全部退订", "unsub_all", "", ""))
    await _reply(update, "要退订哪一项？", await _menu(update, context, options))


async def subscriptions_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = _svc(context)
    current = await asyncio.to_thread(subs_mod.list_subscriptions, svc.engine, update.effective_chat.id)
    if not current:
        await _reply(update, "本聊天还没有订阅。发送 /subscribe 订阅年报到期提醒。")
        return
    lines = [f"<b>本聊天的订阅（{len(current)} 项）</b>", *(f"• {esc(s.label())}" for s in current)]
    if any(s.digests for s in current) and update.effective_chat.type != ChatType.PRIVATE:
        lines.append("另含：每周年报摘要、年度汇总")
    lines.append("提醒日：截止月的 1、15、25 日和截止日，逾期后每周一次（北京时间 9:00）。")
    await _reply(update, "\n".join(lines))


async def due_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from reminders.planner import due_text

    svc = _svc(context)
    today = _today(context)
    arg = _args(context)
    if arg:
        region_names = await asyncio.to_thread(subs_mod.regions, svc.engine)
        if arg in region_names:
            text = await asyncio.to_thread(due_text, svc.engine, today, scope="region", target=arg)
        else:
            found = await asyncio.to_thread(subs_mod.resolve_agency, svc.engine, arg)
            if len(found) != 1:
                names = "\n".join(f"• {esc(n)}" for n in found[:MAX_CHOICES])
                await _reply(update, f"“{esc(arg)}”对应多个机关，请写全称：\n{names}" if found
                             else f"没有找到“{esc(arg)}”。")
                return
            text = await asyncio.to_thread(due_text, svc.engine, today, scope="agency", target=found[0])
    else:
        current = await asyncio.to_thread(subs_mod.list_subscriptions, svc.engine, update.effective_chat.id)
        text = await asyncio.to_thread(due_text, svc.engine, today, current or None)
    await _reply(update, text)


async def summary_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    from reminders.digest import summary_now
    from service.digest import yearly_chart

    if not await _is_admin(update, context):
        await _reply(update, NOT_ADMIN)
        return
    svc = _svc(context)
    today = _today(context)
    current = await asyncio.to_thread(subs_mod.list_subscriptions, svc.engine, update.effective_chat.id)
    scopes = [(s.scope, s.target) for s in current] or None
    text = await asyncio.to_thread(summary_now, svc.engine, today, scopes)
    chart = await asyncio.to_thread(yearly_chart, svc.engine, today.year - 1)
    if chart and update.effective_message is not None:
        try:
            await update.effective_message.reply_photo(chart, caption=f"{today.year - 1} 年度收到申请数排名（前十）")
        except TelegramError as err:
            log.warning("summary chart not sent: %s", err)
    await _reply(update, text)


async def digest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/digest xlsx|text: attach the region's workbook to the daily audit digest, or not."""
    from service.digest import set_xlsx

    choice = _args(context).lower()
    if choice not in {"xlsx", "text"}:
        await _reply(update, "用法：/digest xlsx（日报附 XLSX 表格）或 /digest text（只要文字）")
        return
    if not await _is_admin(update, context):
        await _reply(update, NOT_ADMIN)
        return
    await asyncio.to_thread(set_xlsx, _svc(context).engine, update.effective_chat.id, choice == "xlsx")
    await _reply(update, "好的，年报体检日报将附上 XLSX 表格。" if choice == "xlsx" else "好的，年报体检日报只发文字。")


async def on_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Taps on our buttons; stops other callback handlers from seeing them."""
    query = update.callback_query
    svc = _svc(context)
    chat = update.effective_chat
    parsed = verify(svc.settings.signing_key(), chat.id, query.data) if chat else None
    if parsed is None:
        await query.answer("这个按钮无效。")
        raise ApplicationHandlerStop
    if not await _is_admin(update, context):
        await query.answer(NOT_ADMIN, show_alert=True)
        raise ApplicationHandlerStop
    nonce, index = parsed
    st = await svc.load_state(chat_key_for(chat.id))
    menu = ui_state.get_menu(st, nonce)
    options = (menu or {}).get("rm") or []
    if index >= len(options):
        await query.answer(EXPIRED)
        raise ApplicationHandlerStop
    action, scope, target = options[index]
    if action == "sub":
        try:
            sub, created = await asyncio.to_thread(subs_mod.subscribe, svc.engine, chat.id, chat.type, scope, target)
            text = f"✅ 已订阅：{esc(sub.label())}" if created else f"已经订阅过：{esc(sub.label())}"
        except subs_mod.SubscriptionError as err:
            text = esc(str(err))
    elif action == "unsub":
        n = await asyncio.to_thread(subs_mod.unsubscribe, svc.engine, chat.id, scope, target)
        label = subs_mod.SubView(chat.id, chat.type, scope, target, False).label()
        text = f"已退订：{esc(label)}" if n else f"本来就没有订阅：{esc(label)}"
    else:
        n = await asyncio.to_thread(subs_mod.unsubscribe, svc.engine, chat.id)
        text = f"已全部退订（{n} 项）。"
    await query.answer()
    try:
        await query.edit_message_text(text, parse_mode=ParseMode.HTML)
    except TelegramError:
        await context.bot.send_message(chat.id, text, parse_mode=ParseMode.HTML)
    raise ApplicationHandlerStop


# ----------------------------------------------------------------- wiring
def register(application: Application) -> None:
    """Commands and buttons (the jobs and the broadcast sender are wired by bot.reminder_wiring)."""
    funcs = {"subscribe": subscribe_command, "unsubscribe": unsubscribe_command,
             "subscriptions": subscriptions_command, "due": due_command, "summary": summary_command,
             "digest": digest_command}
    for name, func in funcs.items():
        application.add_handler(CommandHandler(name, func, filters=MSG_OR_POST))
    application.add_handler(CallbackQueryHandler(on_button, pattern=r"^rm\|"), group=-1)
    extra = list(application.bot_data.get("extra_commands") or [])
    application.bot_data["extra_commands"] = extra + [c for c in COMMANDS if c not in extra]
