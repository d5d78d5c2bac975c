"""Admins upload reports: /ingest explains, then every DOCX/PDF/HTML/TXT file sent in a private chat
(or with an /ingest caption in a group) is stored through service.ingest.ingest_bytes.

The reply lists what happened per file: stored, replaced, unchanged, flagged (stored with arithmetic
findings) or rejected with the reason. Non-admins are refused; nothing is downloaded for them.

Size limit (MAX_UPLOAD_MB): a document whose size Telegram announces (in the message, else in getFile)
above the limit is refused before it is downloaded; without an announced size the download is streamed
and cut off as soon as it passes the limit, so a large file never sits in memory whole.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import PurePath

import httpx
from telegram import Update
from telegram.constants import ParseMode
from telegram.error import BadRequest
from telegram.ext import ContextTypes, filters

from handlers.answers import admin_service, service
from service.format import Markup
from storage.queries import finding_count

log = logging.getLogger(__name__)
SUFFIXES = {".txt", ".md", ".html", ".htm", ".docx", ".pdf"}
NOT_ADMIN = "只有管理员可以上传报告入库。"
OUTCOME_ZH = {"stored": "已入库", "replaced": "已替换旧版本", "unchanged": "未变化（同一文件已入库）",
              "rejected": "已拒绝", "flagged": "已入库，但有勾稽关系问题"}

DOWNLOAD_TIMEOUT = 120.0  # seconds for the whole file (50 MB at the largest setting)


class TooLarge(Exception):
    """The download passed the upload limit and was abandoned."""


class DownloadFailed(Exception):
    """The file could not be fetched (the message never carries the URL: it contains the bot token)."""


def _http_client() -> httpx.AsyncClient:
    """A client for one download (a seam for tests: a transport that streams without Content-Length)."""
    return httpx.AsyncClient(timeout=DOWNLOAD_TIMEOUT)


async def download_capped(tg_file, limit: int) -> bytes:
    """The file's bytes, reading at most `limit` + one chunk; TooLarge past the limit."""
    url = tg_file.file_path or ""
    if not url.startswith(("http://", "https://")):  # a local Bot API server in --local mode: a path
        data = bytes(await tg_file.download_as_bytearray())
        if len(data) > limit:
            raise TooLarge
        return data
    chunks: list[bytes] = []
    total = 0
    try:
        async with _http_client() as client, client.stream("GET", url) as resp:
            if resp.status_code != 200:
                raise DownloadFailed(f"HTTP {resp.status_code}")
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > limit:
                raise TooLarge
            async for chunk in resp.aiter_bytes():
                total += len(chunk)
                if total > limit:
                    raise TooLarge
                chunks.append(chunk)
    except httpx.HTTPError as err:
        raise DownloadFailed(type(err).__name__) from None  # str(err) may hold the URL, i.e. the token
    return b"".join(chunks)


DOCUMENTS = filters.UpdateType.MESSAGE & filters.Document.ALL & (
    filters.ChatType.PRIVATE | filters.CaptionRegex(r"^/ingest\b"))


async def ingest_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    svc = await admin_service(update, context, NOT_ADMIN)
    if svc is None:
        return
    mb = svc.settings.max_upload_mb
    await update.effective_message.reply_text(
        f"请直接发送报告文件（DOCX、PDF、HTML、TXT，单个不超过 {mb} MB，可一次多个），我会逐个入库并报告结果。")


def _findings(engine, report_id: int | None) -> int:
    if report_id is None:
        return 0
    return finding_count(engine, report_id)


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
    limit = svc.settings.max_upload_bytes
    too_large = f"{m.t(name)}：{OUTCOME_ZH['rejected']} — 文件超过 {svc.settings.max_upload_mb} MB。"
    if doc.file_size and doc.file_size > limit:
        svc.counters["upload_too_large"] += 1
        await message.reply_text(too_large, parse_mode=ParseMode.HTML)
        return
    try:
        tg_file = await doc.get_file()
    except BadRequest as err:  # the cloud Bot API serves files up to 20 MB only: "file is too big"
        log.warning("getFile for %s refused: %s", name, err)
        big = "too big" in str(err).lower()
        reason = "Telegram 不允许机器人下载超过 20 MB 的文件" if big else "Telegram 拒绝提供这个文件"
        await message.reply_text(f"{m.t(name)}：{OUTCOME_ZH['rejected']} — {reason}。", parse_mode=ParseMode.HTML)
        return
    if tg_file.file_size and tg_file.file_size > limit:  # the message did not say; getFile does
        svc.counters["upload_too_large"] += 1
        await message.reply_text(too_large, parse_mode=ParseMode.HTML)
        return
    try:
        data = await download_capped(tg_file, limit)
    except TooLarge:
        svc.counters["upload_too_large"] += 1
        await message.reply_text(too_large, parse_mode=ParseMode.HTML)
        return
    except DownloadFailed as err:
        log.warning("download of %s failed: %s", name, err)
        await message.reply_text(f"{m.t(name)}：下载失败（{m.t(err)}），请重新发送。", parse_mode=ParseMode.HTML)
        return
    from service.audit import score_result
    from service.ingest import ingest_bytes

    outcome = await asyncio.to_thread(ingest_bytes, svc.engine, data, name)
    kind = outcome.outcome
    findings = 0
    if kind in {"stored", "replaced"}:
        findings = await asyncio.to_thread(_findings, svc.engine, outcome.report_id)
        await asyncio.to_thread(score_result, svc.engine, outcome, data)
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
