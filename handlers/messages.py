"""Plain messages: every text in a private chat is a question; in groups only @mentions and replies to
the bot are (privacy mode — never chatter); channel posts are ignored (the bot only posts there).
"""

from __future__ import annotations

import re

from telegram import Message, MessageEntity, Update
from telegram.ext import ContextTypes, filters

from handlers.answers import respond
from handlers.audit import reply_check
from service.audit import parse_check_question


class AddressedToBot(filters.MessageFilter):
    """A group message that @mentions this bot or replies to one of its messages."""

    def filter(self, message: Message) -> bool:
        bot = message.get_bot()
        reply = message.reply_to_message
        if reply is not None and reply.from_user is not None and reply.from_user.id == bot.id:
            return True
        username = (bot.username or "").lower()
        for entity, text in message.parse_entities([MessageEntity.MENTION, MessageEntity.TEXT_MENTION]).items():
            if entity.type == MessageEntity.MENTION and text.lstrip("@").lower() == username:
                return True
            if entity.type == MessageEntity.TEXT_MENTION and entity.user and entity.user.id == bot.id:
                return True
        return False


ADDRESSED = AddressedToBot()
PRIVATE_TEXT = filters.UpdateType.MESSAGE & filters.ChatType.PRIVATE & filters.TEXT & ~filters.COMMAND
GROUP_TEXT = filters.UpdateType.MESSAGE & filters.ChatType.GROUPS & filters.TEXT & ~filters.COMMAND & ADDRESSED


def strip_mention(text: str, username: str) -> str:
    if not username:
        return text.strip()
    return re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE).strip()


async def _respond(update: Update, context: ContextTypes.DEFAULT_TYPE, text: str) -> None:
    """"西夏区 2020 年报有什么问题" is /check; everything else a question."""
    asked = parse_check_question(text)
    if asked is not None:
        await reply_check(update, context, *asked)
        return
    await respond(update, context, text)


async def on_private_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    await _respond(update, context, update.effective_message.text or "")


async def on_group_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    text = strip_mention(update.effective_message.text or "", context.bot.username or "")
    if not text:
        await update.effective_message.reply_text("请在 @我 后面写问题，例如：西夏区 2020 依申请数")
        return
    await _respond(update, context, text)
