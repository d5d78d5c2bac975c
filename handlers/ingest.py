"""Admins upload reports: /ingest explains, then every DOCX/PDF/HTML/TXT file sent in a private chat
(or with an /ingest caption in a group) is stored through storage.ingest.ingest_bytes.

The reply lists what happened per file: stored, replaced, unchanged, flagged (stored with arithmetic
findings) or rejected with the reason. Non-admins are refused; nothing is downloaded for them.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath

from sqlmodel import func, select
from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import ContextTypes, filters

from handlers.answers import service
from handlers.format import Markup
from storage.db import session_scope
from storage.models import ReportFinding

log = logging.getLogger(__name__)
SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
NOT_ADMIN = "只有管理员可以上传报告入库。"
OUTCOME_ZH = {"stored": "已入库", "replaced": "已替换旧版本", "unchanged": "未变化（同一文件已入库）",
              "rejected": "已拒绝", "flagged": "已入库，但有勾稽关系问题"}

DOCUMENTS = filters.UpdateType.MESSAGE & filters.Document.ALL & (
    filters.ChatType.PRIVATE | filters.CaptionRegex(r"^/ingest\b"))


async def ingest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    user = update.effective_user
    if not svc.is_admin(user.id if user else None):
        await update.effective_message.reply_text(NOT_ADMIN)
        return
    mb = svc.settings.max_upload_mb
    await update.effective_message.reply_text(
        f"请直接发送报告文件（DOCX、PDF、HTML、TXT，单个不超过 {mb} MB，可一次多个），我会逐个入库并报告结果。")


def _findings(engine, report_id: int | None) -> int:
    if report_id is None:
        return 0
    with session_scope(engine) as s:
        return int(s.exec(select(func.count()).select_from(ReportFinding)
                          .where(ReportFinding.report_id == report_id)).one())


async def on_document(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = service(context)
    message = update.effective_message
    user = update.effective_user
    doc = message.document
    if doc is None:
        return
    if not svc.is_admin(user.id if user else None):
        svc.counters["upload_refused"] += 1
        await message.reply_text(NOT_ADMIN)
        return
    m = Markup(True)
    name = doc.file_name or "report"
    suffix = PurePath(name).suffix.lower()
    if suffix not in SUFFIXES:
        await message.reply_text(f"{m.t(name)}：{OUTCOME_ZH['rejected']} — 不支持的文件类型，请发送 DOCX/PDF/HTML/TXT。",
                                 parse_mode=ParseMode.HTML)
        return
    if doc.file_size and doc.file_size > svc.settings.max_upload_bytes:
        await message.reply_text(f"{m.t(name)}：{OUTCOME_ZH['rejected']} — 文件超过 {svc.settings.max_upload_mb} MB。",
                                 parse_mode=ParseMode.HTML)
        return
    tg_file = await doc.get_file()
    data = bytes(await tg_file.download_as_bytearray())
    if len(data) > svc.settings.max_upload_bytes:
        await message.reply_text(f"{m.t(name)}：{OUTCOME_ZH['rejected']} — 文件过大。", parse_mode=ParseMode.HTML)
        return
    from storage.ingest import ingest_bytes

    outcome = await asyncio.to_thread(ingest_bytes, svc.engine, data, name)
    kind = outcome.outcome
    findings = 0
    if kind in {"stored", "replaced"}:
        findings = await asyncio.to_thread(_findings, svc.engine, outcome.report_id)
        svc.refresh()
    svc.counters[f"ingest.{kind}"] += 1
    label = OUTCOME_ZH.get(kind, kind)
    if findings:
        label = f"{label}；{OUTCOME_ZH['flagged'].split('，')[1]}（{findings} 处，/report 查看）"
    who = ""
    if getattr(outcome, "agency", None):
        who = f"\n{m.b(outcome.agency)} {outcome.year or ''} 年"
    reason = f"\n原因：{m.t(outcome.reason)}" if getattr(outcome, "reason", "") else ""
    await message.reply_text(f"{m.t(name)}：{m.t(label)}{who}{reason}", parse_mode=ParseMode.HTML)
