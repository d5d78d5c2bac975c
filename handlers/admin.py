"""/stats for admins: store sizes, recent ingests, questions answered since start."""

from __future__ import annotations

import asyncio
import time

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes

from handlers.answers import admin_service
from service import lookups
from service.format import Markup

NOT_ADMIN = "这个命令只对管理员开放。"


async def stats_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = await admin_service(update, context, NOT_ADMIN)
    if svc is None:
        return
    store = await asyncio.to_thread(lookups.store_stats, svc.engine)
    m = Markup(True)
    up = int(time.time() - svc.started)
    lines = [m.b("库"), *(f"• {m.t(k)}：{v}" for k, v in store.items()),
             "", m.b(f"运行（{up // 3600} 小时 {up % 3600 // 60} 分）"),
             *(f"• {m.t(k)}：{v}" for k, v in sorted(svc.counters.items()))]
    await update.effective_message.reply_text("\n".join(lines), parse_mode=ParseMode.HTML)
