"""Follow-up context of a conversation around one question: load before, save after.

Why apart from the answerers: what a chat remembers is persistence (storage/conversations.py), and a
failure there must never change the answer; only a store outage propagates.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Engine

from query.types import Answer
from storage.conversations import load_context, save_context
from storage.db import is_outage


def load(engine: Engine, chat_key: str | None, given: dict | None) -> dict[str, Any]:
    """The context to answer with: the one given, else the stored one ({} when unreadable)."""
    if given is None and chat_key:
        try:
            given = load_context(engine, chat_key)
        except Exception as err:  # noqa: BLE001 - a bad saved context is dropped, an outage is not
            if is_outage(err):
                raise
            given = {}
    return dict(given or {})


def keep(engine: Engine, chat_key: str | None, answer: Answer, before: dict[str, Any]) -> None:
    """Remember an answered question's context; a clarification keeps the previous context."""
    save = answer.context.pop("save", True)
    if answer.status not in {"ok", "no_data"}:
        answer.context = before
        return
    if not (chat_key and save):
        return
    try:
        save_context(engine, chat_key, answer.context)
    except Exception as err:  # noqa: BLE001 - the answer stands; only the follow-up is lost
        if is_outage(err):
            raise
