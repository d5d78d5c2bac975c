"""Per-chat UI state kept in the store: the last answer (for /source and /export) and the menus behind
inline buttons (candidates, pages). Stored in the Conversation table under "ui:<chat key>", next to
the answer engine's own follow-up context, so both survive a restart.

Saving is one upsert (storage.conversations.save_context): two updates saving a chat's first state at
once must not collide on the primary key.
"""

from __future__ import annotations

import time
from dataclasses import asdict
from typing import Any

from sqlalchemy.engine import Engine

from query.types import Answer, AnswerRow
from reports import exact
from storage.conversations import load_context, save_context

MAX_MENUS = 12
MENU_TTL_SECONDS = 7 * 24 * 3600


def ui_key(chat_key: str) -> str:
    return f"ui:{chat_key}"[:100]


def load(engine: Engine, chat_key: str) -> dict[str, Any]:
    return load_context(engine, ui_key(chat_key))


def save(engine: Engine, chat_key: str, state: dict[str, Any]) -> None:
    save_context(engine, ui_key(chat_key), state)


def answer_record(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "status": answer.status,
        "intent": answer.intent,
        "rows": [row_record(r) for r in answer.answers],
    }


def row_record(row: AnswerRow) -> dict[str, Any]:
    """asdict(row) for a JSON column: exact numbers as JSON-safe values (a Decimal as its digits, an int
    as an int), read back exactly by service.format.rows_from_json."""
    out = asdict(row)
    out["value"] = exact.json_safe(row.value)
    out["change"] = exact.json_safe(row.change)
    return out


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
