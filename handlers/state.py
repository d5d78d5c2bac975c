"""Per-chat UI state kept in the store: the last answer (for /source and /export) and the menus behind
inline buttons (candidates, pages). Stored in the Conversation table under "tgui:<chat id>", next to
the answer engine's own follow-up context, so both survive a restart.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from sqlalchemy.engine import Engine

from query.types import Answer
from storage.db import session_scope
from storage.models import Conversation, utcnow

MAX_MENUS = 12
MENU_TTL_SECONDS = 7 * 24 * 3600


def ui_key(chat_key: str) -> str:
    return f"ui:{chat_key}"[:100]


def load(engine: Engine, chat_key: str) -> dict[str, Any]:
    with session_scope(engine) as session:
        row = session.get(Conversation, ui_key(chat_key))
        return dict(row.context) if row is not None and isinstance(row.context, dict) else {}


def save(engine: Engine, chat_key: str, state: dict[str, Any]) -> None:
    key = ui_key(chat_key)
    with session_scope(engine) as session:
        row = session.get(Conversation, key)
        if row is None:
            session.add(Conversation(chat_key=key, context=state, updated_at=utcnow()))
        else:
            row.context = dict(state)  # a new object so the JSON column is marked dirty
            row.updated_at = utcnow()
            session.add(row)


def answer_record(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "status": answer.status,
        "intent": answer.intent,
        "rows": [asdict(r) for r in answer.answers],
    }


def add_menu(state: dict[str, Any], nonce: str, menu: dict[str, Any], now: float | None = None) -> None:
    """Remember a menu; drop expired ones and keep only the newest MAX_MENUS."""
    now = time.time() if now is None else now
    menus = {k: v for k, v in (state.get("menus") or {}).items() if now - v.get("t", 0) < MENU_TTL_SECONDS}
    menus[nonce] = {**menu, "t": now}
    newest = sorted(menus.items(), key=lambda kv: kv[1]["t"])[-MAX_MENUS:]
    state["menus"] = dict(newest)


def get_menu(state: dict[str, Any], nonce: str) -> dict[str, Any] | None:
    menu = (state.get("menus") or {}).get(nonce)
    if menu is None or time.time() - menu.get("t", 0) >= MENU_TTL_SECONDS:
        return None
    return menu
