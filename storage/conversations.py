"""Follow-up context per conversation, kept in the Conversation table so a restart keeps it.

Why in the store and not in memory: the bot may restart (deploy, crash) between "西夏区 2020 依申请数"
and "那2019年呢"; the terminal chat and the bot share the same table under different keys.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from storage.db import session_scope
from storage.models import Conversation, utcnow

MAX_KEY = 100


def load_context(engine: Engine, key: str) -> dict[str, Any]:
    """The stored context for `key` ({} when none or unreadable)."""
    if not key:
        return {}
    with session_scope(engine) as session:
        row = session.get(Conversation, key[:MAX_KEY])
        if row is None or not isinstance(row.context, dict):
            return {}
        return dict(row.context)


def save_context(engine: Engine, key: str, ctx: dict[str, Any]) -> None:
    """Replace the stored context for `key` (a new dict object so the JSON column is marked dirty)."""
    if not key:
        return
    with session_scope(engine) as session:
        row = session.get(Conversation, key[:MAX_KEY])
        if row is None:
            session.add(Conversation(chat_key=key[:MAX_KEY], context=dict(ctx), updated_at=utcnow()))
        else:
            row.context = dict(ctx)
            row.updated_at = utcnow()
            session.add(row)


def clear_context(engine: Engine, key: str) -> None:
    save_context(engine, key, {})
