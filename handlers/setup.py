"""Wire every handler into an Application (order matters: commands before free text)."""

from __future__ import annotations

from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    filters,
)

from handlers import admin, audit, commands, ingest, inline, messages
from handlers.buttons import on_button
from handlers.errors import on_error

COMMAND_FUNCS = {
    "start": commands.start,
    "help": commands.help_command,
    "ask": commands.ask_command,
    "agencies": commands.agencies_command,
    "indicators": commands.indicators_command,
    "report": commands.report_command,
    "compare": commands.compare_command,
    "top": commands.top_command,
    "trend": commands.trend_command,
    "source": commands.source_command,
    "export": commands.export_command,
    "ingest": ingest.ingest_command,
    "stats": admin.stats_command,
    "check": audit.check_command,
    "audit": audit.audit_command,
}
ONLY_MESSAGES = filters.UpdateType.MESSAGE  # not edited messages, not channel posts


def register_handlers(application: Application) -> None:
    for name, func in COMMAND_FUNCS.items():
        application.add_handler(CommandHandler(name, func, filters=ONLY_MESSAGES))
    application.add_handler(MessageHandler(ingest.DOCUMENTS, ingest.on_document))
    application.add_handler(MessageHandler(messages.PRIVATE_TEXT, messages.on_private_text))
    application.add_handler(MessageHandler(messages.GROUP_TEXT, messages.on_group_text))
    application.add_handler(CallbackQueryHandler(on_button))
    application.add_handler(InlineQueryHandler(inline.on_inline_query))
    application.add_error_handler(on_error)
