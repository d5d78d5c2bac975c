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
    """Replace the stored context for `key` in one statement (an upsert).

    Why one statement: two bot instances (or a retry after a lost connection) saving the first context
    of a chat at once must not collide on the primary key; the last write wins, as it would anyway.
    """
    if not key:
        return
    table = Conversation.__table__
    values = {"chat_key": key[:MAX_KEY], "context": dict(ctx), "updated_at": utcnow()}
    if engine.dialect.name in {"postgresql", "sqlite"}:
        if engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        stmt = insert(table).values(**values)
        stmt = stmt.on_conflict_do_update(index_elements=[table.c.chat_key],
                                          set_={"context": stmt.excluded.context,
                                                "updated_at": stmt.excluded.updated_at})
        with engine.begin() as conn:
            conn.execute(stmt)
        return
    with session_scope(engine) as session:  # other databases: read, then insert or update
        row = session.get(Conversation, key[:MAX_KEY])
        if row is None:
            session.add(Conversation(**values))
        else:
            row.context = values["context"]
            row.updated_at = values["updated_at"]
            session.add(row)


def clear_context(engine: Engine, key: str) -> None:
    save_context(engine, key, {})
