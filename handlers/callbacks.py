"""Compact, signed callback data for inline buttons (Telegram allows at most 64 bytes).

Format: "<kind>|<nonce>|<arg>|<mac>" where the MAC is a truncated HMAC-SHA256 over the chat id and the
payload. Why signed: callback data comes back from the client, so a forged or replayed button (another
chat, edited data) must be recognised and refused politely instead of being trusted.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from dataclasses import dataclass

MAX_BYTES = 64
KINDS = {"p", "g", "e", "a"}  # p: pick a candidate, g: go to page, e: ask a /help example, a: audit evidence


@dataclass(frozen=True, slots=True)
class ButtonData:
    kind: str
    nonce: str
    arg: int


def new_nonce() -> str:
    return secrets.token_urlsafe(6)[:8]


def _mac(key: bytes, chat_id: int, payload: str) -> str:
    digest = hmac.new(key, f"{chat_id}|{payload}".encode(), hashlib.sha256).digest()[:8]
    return base64.urlsafe_b64encode(digest).decode().rstrip("=")


def sign(key: bytes, chat_id: int, kind: str, nonce: str, arg: int) -> str:
    if kind not in KINDS or "|" in nonce or arg < 0:
        raise ValueError(f"bad button payload {kind!r} {nonce!r} {arg!r}")
    payload = f"{kind}|{nonce}|{arg}"
    data = f"{payload}|{_mac(key, chat_id, payload)}"
    if len(data.encode()) > MAX_BYTES:
        raise ValueError("callback data over 64 bytes")
    return data


def verify(key: bytes, chat_id: int, data: str | None) -> ButtonData | None:
    """The parsed button, or None when the data is malformed or not signed by us for this chat."""
    if not data or len(data.encode()) > MAX_BYTES:
        return None
    parts = data.split("|")
    if len(parts) != 4:
        return None
    kind, nonce, arg, mac = parts
    if kind not in KINDS or not arg.isdigit():
        return None
    if not hmac.compare_digest(mac, _mac(key, chat_id, f"{kind}|{nonce}|{arg}")):
        return None
    return ButtonData(kind, nonce, int(arg))
