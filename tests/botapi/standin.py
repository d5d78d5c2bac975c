"""A local Telegram Bot API stand-in: real HTTP on 127.0.0.1, the Bot API's JSON, no Telegram.

Why: end-to-end tests and benches must drive python-telegram-bot's real Application and its real
HTTPXRequest, and Telegram is unreachable here. This server speaks enough of the Bot API for that.

Stable API (used by tests/bot, tests/reminders and bench/; keep it backwards compatible)
-------------------------------------------------------------------------------------------
    api = BotApiStandin(bot_username="disclosure_test_bot")   # port=0 → a random free port
    api.start()                      # serves in a background thread; usable from sync and async tests
    api.base_url                     # "http://127.0.0.1:PORT/bot"       → Application.builder().base_url()
    api.base_file_url                # "http://127.0.0.1:PORT/file/bot"  → .base_file_url()
    api.stop()                       # also wakes long-polling getUpdates; `with BotApiStandin() as api:` works

  Incoming updates (each returns the update dict; ids are allocated by the stand-in):
    api.push_message(chat_id, text, chat_type="private", user_id=None, reply_to_bot=False,
                     entities=None, username=None, chat_title=None)
        user_id defaults to chat_id for private chats; commands (/x) and @mentions get entities
        automatically unless `entities` is given; reply_to_bot=True makes it a reply to the bot's last
        message in that chat (or to a made-up bot message if none).
    api.push_channel_post(chat_id, text)
    api.push_callback(chat_id, user_id, data, message_id=None)   → a tap on a button of a bot message
        (default: the bot's last message in that chat that had a reply_markup)
    api.push_inline_query(user_id, query, offset="")
    api.push_document(chat_id, user_id, file_name, data, caption=None, chat_type="private",
                      mime_type=None)                 → served by getFile + GET /file/bot<token>/<path>
    api.push_update(update_dict)                      → anything else (update_id filled in)

  What the bot did:
    api.sent                         list[Call] of every call except getUpdates (in arrival order)
    Call: method, params (decoded: ints and JSON fields parsed, text left as str), files
          {field: (file_name, bytes)}, status (HTTP), ok, at (monotonic), result (the JSON result)
          call.chat_id, call.text (text or caption), call.reply_markup, call.buttons (flat list of
          inline buttons' dicts)
    api.calls(method=None, chat_id=None, ok=None) → filtered list
    api.messages(chat_id=None)       successful sendMessage/sendDocument/sendPhoto/editMessageText calls
    api.mark() -> int ; api.since(mark) -> list[Call]     (calls after a mark)
    api.wait_for(pred, timeout=5.0, since=0) -> Call      blocking; for sync tests / other threads
    await api.await_for(pred, timeout=5.0, since=0)       same, without blocking the event loop
    api.wait_until(cond, timeout) / await api.await_until(cond, timeout)   cond() -> bool
    api.commands                     the last setMyCommands list (per scope key "default" etc.)
    api.webhook                      {"url", "secret_token", ...} after setWebhook, {} after deleteWebhook
    api.pending_updates()            number of queued, not yet confirmed updates
    api.subscribe(fn)                fn(call) runs in the server thread after each recorded call (benches)
    api.on_delivery(fn)              fn(updates, at) runs in the server thread (outside the lock) when a
                                     getUpdates answer hands out updates for the first time; `at` is the
                                     monotonic time it did (benches: "delivered → answered" latency)

  Fault injection (all thread-safe):
    api.inject(status=429, method=None, chat_id=None, count=1, retry_after=1, description=None)
        the next `count` matching calls fail with that status (429 carries retry_after; 403/400/500
        plain Bot API errors). method=None matches every method except getUpdates/getMe.
    api.block_chat(chat_id) / api.unblock_chat(chat_id)
        sending to that chat → 403 "Forbidden: bot was blocked by the user" until unblocked
    api.set_delay(seconds, method=None)   sleep before answering (method=None → all but getUpdates)
    api.slow(seconds, method=None, chat_id=None, count=1)
        the next `count` matching calls sleep `seconds` before being handled (and recorded); when the
        bot has given up waiting by then, the call is still carried out: "Telegram delivered, the
        answer never arrived"
    api.drop(method=None, chat_id=None, count=1, deliver=True)
        the next `count` matching calls get no HTTP answer: the connection is reset after the request
        was read. deliver=True carries the call out first (recorded with status 200: delivered, answer
        lost); deliver=False drops it unprocessed (recorded with status 0, not ok)
    api.clear_faults()

  Webhook mode: after setWebhook, pushed updates are POSTed to the webhook URL (with the
  X-Telegram-Bot-Api-Secret-Token header) instead of being queued for getUpdates;
  api.post_webhook(update, secret=...) posts one by hand and returns the HTTP status.

Separate process (crash tests):
    python -m tests.botapi.standin --port N [--state-file F] [--username U]
  prints "standin listening on http://127.0.0.1:PORT" on stdout, then serves until SIGTERM/SIGINT.
  With --state-file every successful message-sending call (sendMessage, sendDocument, sendPhoto,
  sendMediaGroup, copyMessage, forwardMessage) is appended as one JSON line
  {"method", "chat_id", "text", "message_id", "at"} and flushed, so a test can count deliveries
  across a SIGKILLed bot. Remote control over HTTP: POST /_control/<name> with a JSON object of
  keyword arguments calls the method of the same name (push_message, push_callback,
  push_inline_query, push_document with data_b64, push_channel_post, push_update, inject, block_chat,
  unblock_chat, set_delay, clear_faults, reset); GET /_control/sent returns the recorded calls.
  StandinClient(base="http://127.0.0.1:PORT") wraps this with the same method names.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import itertools
import json
import signal
import socket
import struct
import sys
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.parser import BytesParser
from email.policy import HTTP as HTTP_POLICY
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

BOT_ID = 7_000_000_001
JSON_FIELDS = {
    "reply_markup",
    "entities",
    "caption_entities",
    "results",
    "commands",
    "allowed_updates",
    "link_preview_options",
    "reply_parameters",
    "scope",
    "media",
    "button",
    "reaction",
}
INT_FIELDS = {
    "chat_id",
    "message_id",
    "offset",
    "limit",
    "timeout",
    "user_id",
    "from_chat_id",
    "cache_time",
    "max_connections",
    "reply_to_message_id",
}
SENDING = {
    "sendMessage",
    "sendDocument",
    "sendPhoto",
    "sendMediaGroup",
    "copyMessage",
    "forwardMessage",
    "sendAnimation",
    "sendVideo",
    "sendAudio",
    "sendVoice",
    "sendSticker",
    "sendLocation",
}
QUIET = {"getUpdates", "getMe"}


def utf16_len(text: str) -> int:
    """Telegram counts entity offsets in UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


@dataclass
class Call:
    """One request the bot made to the stand-in."""

    method: str
    params: dict[str, Any]
    files: dict[str, tuple[str, bytes]] = field(default_factory=dict)
    status: int = 200
    result: Any = None
    at: float = 0.0
    token: str = ""

    @property
    def ok(self) -> bool:
        return self.status == 200

    @property
    def chat_id(self) -> int | None:
        value = self.params.get("chat_id")
        return value if isinstance(value, int) else None

    @property
    def text(self) -> str:
        return str(self.params.get("text") or self.params.get("caption") or "")

    @property
    def reply_markup(self) -> dict | None:
        markup = self.params.get("reply_markup")
        return markup if isinstance(markup, dict) else None

    @property
    def buttons(self) -> list[dict]:
        markup = self.reply_markup or {}
        return [b for row in markup.get("inline_keyboard", []) for b in row]

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method,
            "params": self.params,
            "status": self.status,
            "at": self.at,
            "files": {k: [name, base64.b64encode(data).decode()] for k, (name, data) in self.files.items()},
        }


@dataclass
class _Fault:
    status: int
    method: str | None
    chat_id: int | None
    count: int
    retry_after: int
    description: str | None
    delay: float = 0.0  # kind "slow"
    kind: str = "status"  # "status" | "slow" | "drop" | "drop-deliver"

    def matches(self, method: str, chat_id: Any) -> bool:
        return self.count > 0 and self.method in (None, method) and self.chat_id in (None, chat_id)


DROP = -1  # handle() status meaning "reset the connection instead of answering"


def _decode_value(name: str, raw: str) -> Any:
    if name in JSON_FIELDS:
        try:
            return json.loads(raw)
        except ValueError:
            return raw
    if name in INT_FIELDS:
        try:
            return int(raw)
        except ValueError:
            return raw
    if raw in {"true", "false"}:
        return raw == "true"
    return raw


def _parse_body(content_type: str, body: bytes) -> tuple[dict[str, Any], dict[str, tuple[str, bytes]]]:
    """Form-encoded or multipart parameters (PTB sends JSON-encoded values as form fields)."""
    params: dict[str, Any] = {}
    files: dict[str, tuple[str, bytes]] = {}
    ctype = (content_type or "").lower()
    if ctype.startswith("multipart/form-data"):
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        msg = BytesParser(policy=HTTP_POLICY).parsebytes(head + body)
        for part in msg.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True) or b""
            filename = part.get_filename()
            if filename is not None:
                files[name] = (filename, payload)
            else:
                params[name] = _decode_value(name, payload.decode("utf-8"))
    elif ctype.startswith("application/json"):
        params = json.loads(body or b"{}")
    elif body:
        for name, raw in urllib.parse.parse_qsl(body.decode("utf-8"), keep_blank_values=True):
            params[name] = _decode_value(name, raw)
    return params, files


class BotApiStandin:
    """The stand-in server. See the module docstring for the stable API."""

    def __init__(
        self,
        port: int = 0,
        *,
        bot_username: str = "disclosure_test_bot",
        token: str | None = None,
        state_file: str | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.requested_port = port
        self.bot_username = bot_username
        self.token = token  # when set, other tokens get 401
        self.state_file = state_file
        self.clock = clock
        self._cond = threading.Condition()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._stopping = False
        self.reset()

    # ------------------------------------------------------------------ lifecycle
    def reset(self) -> None:
        """Forget updates, calls, files, faults and webhook (keeps the server running)."""
        with getattr(self, "_cond", threading.Condition()):
            self._updates: list[dict] = []
            self._update_ids = itertools.count(1)
            self._message_ids = itertools.count(1)
            self._callback_ids = itertools.count(1)
            self._file_ids = itertools.count(1)
            self.sent: list[Call] = []
            self.files: dict[str, tuple[str, bytes]] = {}  # file_id -> (file_path, data)
            self.bot_messages: dict[tuple[int, int], dict] = {}
            self.commands: dict[str, list[dict]] = {}
            self.webhook: dict[str, Any] = {}
            self._faults: list[_Fault] = []
            self._blocked: set[int] = set()
            self._delays: dict[str | None, float] = {}
            self.get_updates_calls = 0
            self._listeners: list[Callable[[Call], None]] = []
            self._delivery_listeners: list[Callable[[list[dict], float], None]] = []
            self._last_delivered = 0  # highest update_id already handed out by getUpdates

    def start(self) -> BotApiStandin:
        handler = _make_handler(self)
        self._server = ThreadingHTTPServer(("127.0.0.1", self.requested_port), handler)
        self._server.daemon_threads = True
        self._stopping = False
        self._thread = threading.Thread(target=self._server.serve_forever, name="botapi-standin", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> BotApiStandin:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._server is not None, "stand-in not started"
        return self._server.server_address[1]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    # ------------------------------------------------------------------ identities
    def bot_user(self) -> dict[str, Any]:
        return {
            "id": BOT_ID,
            "is_bot": True,
            "first_name": "Disclosure Bot",
            "username": self.bot_username,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    @staticmethod
    def _user(user_id: int, username: str | None = None) -> dict[str, Any]:
        user = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "zh-hans"}
        if username:
            user["username"] = username
        return user

    @staticmethod
    def _chat(chat_id: int, chat_type: str, title: str | None = None) -> dict[str, Any]:
        chat: dict[str, Any] = {"id": chat_id, "type": chat_type}
        if chat_type == "private":
            chat["first_name"] = f"User{chat_id}"
        else:
            chat["title"] = title or f"Chat {chat_id}"
        return chat

    # ------------------------------------------------------------------ incoming updates
    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        with self._cond:
            update = {
                "update_id": next(self._update_ids),
                **{k: v for k, v in update.items() if k != "update_id"},
            }
            webhook = dict(self.webhook)
            if not webhook.get("url"):
                self._updates.append(update)
                self._cond.notify_all()
        if webhook.get("url"):
            threading.Thread(target=self.post_webhook, args=(update,), daemon=True).start()
        return update

    def _auto_entities(self, text: str) -> list[dict[str, Any]]:
        entities = []
        if text.startswith("/"):
            word = text.split(maxsplit=1)[0]
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(word)})
        mention = f"@{self.bot_username}"
        start = text.find(mention)
        while start >= 0:
            if not (entities and start < entities[0]["length"]):  # not inside /cmd@bot
                entities.append(
                    {"type": "mention", "offset": utf16_len(text[:start]), "length": utf16_len(mention)}
                )
            start = text.find(mention, start + 1)
        return entities

    def _base_message(
        self,
        chat_id: int,
        chat_type: str,
        user_id: int | None,
        chat_title: str | None,
        username: str | None = None,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "message_id": next(self._message_ids),
            "date": int(self.clock()),
            "chat": self._chat(chat_id, chat_type, chat_title),
        }
        if chat_type != "channel":
            uid = user_id if user_id is not None else chat_id
            msg["from"] = self._user(uid, username)
        return msg

    def push_message(
        self,
        chat_id: int,
        text: str,
        chat_type: str = "private",
        user_id: int | None = None,
        reply_to_bot: bool = False,
        entities: list[dict] | None = None,
        username: str | None = None,
        chat_title: str | None = None,
    ) -> dict[str, Any]:
        with self._cond:
            msg = self._base_message(chat_id, chat_type, user_id, chat_title, username)
            if reply_to_bot:
                msg["reply_to_message"] = self._last_bot_message(chat_id) or {
                    "message_id": next(self._message_ids),
                    "date": int(self.clock()),
                    "chat": msg["chat"],
                    "from": self.bot_user(),
                    "text": "…",
                }
        msg["text"] = text
        ents = self._auto_entities(text) if entities is None else entities
        if ents:
            msg["entities"] = ents
        return self.push_update({"message": msg})

    def push_channel_post(self, chat_id: int, text: str, chat_title: str | None = None) -> dict[str, Any]:
        with self._cond:
            msg = self._base_message(chat_id, "channel", None, chat_title)
        msg["text"] = text
        return self.push_update({"channel_post": msg})

    def _last_bot_message(self, chat_id: int, with_markup: bool = False) -> dict | None:
        for (cid, _mid), msg in sorted(self.bot_messages.items(), key=lambda kv: kv[0][1], reverse=True):
            if cid == chat_id and (not with_markup or msg.get("reply_markup")):
                return msg
        return None

    def push_callback(
        self, chat_id: int, user_id: int, data: str, message_id: int | None = None, chat_type: str = "private"
    ) -> dict[str, Any]:
        with self._cond:
            if message_id is None:
                message = self._last_bot_message(chat_id, with_markup=True)
            else:
                message = self.bot_messages.get((chat_id, message_id))
            if message is None:  # a button on a message we never saw: still a valid Telegram update
                message = {
                    "message_id": message_id or next(self._message_ids),
                    "date": int(self.clock()),
                    "chat": self._chat(chat_id, chat_type),
                    "from": self.bot_user(),
                    "text": "…",
                }
            query = {
                "id": str(next(self._callback_ids)),
                "from": self._user(user_id),
                "message": message,
                "chat_instance": str(chat_id),
                "data": data,
            }
        return self.push_update({"callback_query": query})

    def push_inline_query(self, user_id: int, query: str, offset: str = "") -> dict[str, Any]:
        with self._cond:
            qid = str(next(self._callback_ids))
        return self.push_update(
            {
                "inline_query": {
                    "id": qid,
                    "from": self._user(user_id),
                    "query": query,
                    "offset": offset,
                    "chat_type": "sender",
                }
            }
        )

    def push_document(
        self,
        chat_id: int,
        user_id: int,
        file_name: str,
        data: bytes,
        caption: str | None = None,
        chat_type: str = "private",
        mime_type: str | None = None,
    ) -> dict[str, Any]:
        with self._cond:
            n = next(self._file_ids)
            file_id = f"DOC{n:06d}"
            self.files[file_id] = (f"documents/file_{n}{_suffix(file_name)}", bytes(data))
            msg = self._base_message(chat_id, chat_type, user_id, None)
        msg["document"] = {
            "file_id": file_id,
            "file_unique_id": f"U{file_id}",
            "file_name": file_name,
            "mime_type": mime_type or "application/octet-stream",
            "file_size": len(data),
        }
        if caption:
            msg["caption"] = caption
            ents = self._auto_entities(caption)
            if ents:
                msg["caption_entities"] = ents
        return self.push_update({"message": msg})

    def pending_updates(self) -> int:
        with self._cond:
            return len(self._updates)

    # ------------------------------------------------------------------ faults
    def inject(
        self,
        status: int = 429,
        method: str | None = None,
        chat_id: int | None = None,
        count: int = 1,
        retry_after: int = 1,
        description: str | None = None,
    ) -> None:
        with self._cond:
            self._faults.append(_Fault(status, method, chat_id, count, retry_after, description))

    def slow(self, seconds: float, method: str | None = None, chat_id: int | None = None, count: int = 1) -> None:
        with self._cond:
            self._faults.append(_Fault(0, method, chat_id, count, 0, None, float(seconds), "slow"))

    def drop(self, method: str | None = None, chat_id: int | None = None, count: int = 1,
             deliver: bool = True) -> None:
        with self._cond:
            self._faults.append(_Fault(0, method, chat_id, count, 0, None, 0.0,
                                       "drop-deliver" if deliver else "drop"))

    def block_chat(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.add(int(chat_id))

    def unblock_chat(self, chat_id: int) -> None:
        with self._cond:
            self._blocked.discard(int(chat_id))

    def set_delay(self, seconds: float, method: str | None = None) -> None:
        with self._cond:
            self._delays[method] = float(seconds)

    def subscribe(self, listener: Callable[[Call], None]) -> None:
        """Call `listener(call)` (in the server thread, outside the lock) after every recorded call."""
        with self._cond:
            self._listeners.append(listener)

    def on_delivery(self, listener: Callable[[list[dict], float], None]) -> None:
        """Call `listener(updates, at)` when getUpdates first hands out `updates` (see the module docstring)."""
        with self._cond:
            self._delivery_listeners.append(listener)

    def clear_faults(self) -> None:
        with self._cond:
            self._faults.clear()
            self._blocked.clear()
            self._delays.clear()

    def _fault_for(self, method: str, params: dict[str, Any]) -> tuple[int, dict] | None:
        chat_id = params.get("chat_id")
        if method in SENDING or method.startswith(("send", "edit", "copy", "forward")):
            if isinstance(chat_id, int) and chat_id in self._blocked:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
        if method in QUIET:
            return None
        for fault in self._faults:
            if fault.kind != "status" or not fault.matches(method, chat_id):
                continue
            fault.count -= 1
            if fault.status == 429:
                return 429, {
                    "ok": False,
                    "error_code": 429,
                    "parameters": {"retry_after": fault.retry_after},
                    "description": fault.description or f"Too Many Requests: retry after {fault.retry_after}",
                }
            text = fault.description or {
                403: "Forbidden: bot was blocked by the user",
                400: "Bad Request: chat not found",
                500: "Internal Server Error",
            }.get(fault.status, "Error")
            return fault.status, {"ok": False, "error_code": fault.status, "description": text}
        return None

    # ------------------------------------------------------------------ queries for tests
    def calls(
        self, method: str | None = None, chat_id: int | None = None, ok: bool | None = None
    ) -> list[Call]:
        with self._cond:
            found = list(self.sent)
        return [
            c
            for c in found
            if (method is None or c.method == method)
            and (chat_id is None or c.chat_id == chat_id)
            and (ok is None or c.ok == ok)
        ]

    def messages(self, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in self.calls(chat_id=chat_id, ok=True)
            if c.method in SENDING or c.method.startswith("edit")
        ]

    def mark(self) -> int:
        with self._cond:
            return len(self.sent)

    def since(self, mark: int) -> list[Call]:
        with self._cond:
            return list(self.sent[mark:])

    def _match(self, pred: Callable[[Call], bool], since: int) -> Call | None:
        with self._cond:
            calls = list(self.sent[since:])
        return next((c for c in calls if pred(c)), None)

    def wait_for(self, pred: Callable[[Call], bool], timeout: float = 5.0, since: int = 0) -> Call:
        """Block until a recorded call satisfies `pred` (do not call from the bot's event loop)."""
        deadline = time.monotonic() + timeout
        with self._cond:
            while True:
                hit = next((c for c in self.sent[since:] if pred(c)), None)
                if hit is not None:
                    return hit
                left = deadline - time.monotonic()
                if left <= 0:
                    raise TimeoutError(
                        f"no matching call within {timeout}s; got {[c.method for c in self.sent[since:]]}"
                    )
                self._cond.wait(min(left, 0.1))

    async def await_for(self, pred: Callable[[Call], bool], timeout: float = 5.0, since: int = 0) -> Call:
        """Like wait_for, but yields to the event loop while waiting."""
        deadline = time.monotonic() + timeout
        while True:
            hit = self._match(pred, since)
            if hit is not None:
                return hit
            if time.monotonic() > deadline:
                raise TimeoutError(
                    f"no matching call within {timeout}s; got {[c.method for c in self.since(since)]}"
                )
            await asyncio.sleep(0.01)

    def wait_until(self, cond: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            time.sleep(0.01)

    async def await_until(self, cond: Callable[[], bool], timeout: float = 5.0) -> None:
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError(f"condition not met within {timeout}s")
            await asyncio.sleep(0.01)

    # ------------------------------------------------------------------ webhook delivery
    def post_webhook(self, update: dict[str, Any], secret: str | None = None) -> int:
        """POST one update to the registered webhook; returns the HTTP status (0 on connection error)."""
        url = self.webhook.get("url")
        if not url:
            raise RuntimeError("no webhook set")
        token = self.webhook.get("secret_token") if secret is None else secret
        headers = {"Content-Type": "application/json"}
        if token:
            headers["X-Telegram-Bot-Api-Secret-Token"] = token
        req = urllib.request.Request(url, data=json.dumps(update).encode(), headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=10) as resp:
                return resp.status
        except urllib.error.HTTPError as err:
            return err.code
        except OSError:
            return 0

    # ------------------------------------------------------------------ the Bot API itself
    def handle(
        self, token: str, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]
    ) -> tuple[int, dict[str, Any]]:
        if self.token is not None and token != self.token:
            return 401, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        if method == "getUpdates":
            updates = self._get_updates(params)
            self._tell_delivery(updates)
            return 200, {"ok": True, "result": updates}
        delay = self._delays.get(method, self._delays.get(None, 0.0)) if method not in QUIET else 0.0
        delay += self._take(method, params, "slow")
        if delay:
            time.sleep(delay)
        with self._cond:
            drop = self._take(method, params, "drop", "drop-deliver")
            fault = None if drop else self._fault_for(method, params)
            if drop == "drop":
                status, body, result = 0, {}, None
            elif fault is not None:
                status, body = fault
                result = None
            else:
                status, result = 200, self._result(method, params, files)
                body = {"ok": True, "result": result}
            call = None
            if method not in QUIET:
                call = Call(method, params, files, status, result, time.monotonic(), token)
                self.sent.append(call)
                if status == 200 and self.state_file and method in SENDING:
                    self._append_state(call)
            self._cond.notify_all()
            listeners = list(self._listeners) if call is not None else []
        for listener in listeners:
            listener(call)  # type: ignore[arg-type]
        return (DROP, {}) if drop else (status, body)

    def _take(self, method: str, params: dict[str, Any], *kinds: str) -> Any:
        """Consume one matching one-shot slow/drop fault: its delay (slow) or its kind (drop), else 0/None."""
        if method in QUIET:
            return 0.0 if kinds == ("slow",) else None
        with self._cond:
            for fault in self._faults:
                if fault.kind in kinds and fault.matches(method, params.get("chat_id")):
                    fault.count -= 1
                    return fault.delay if fault.kind == "slow" else fault.kind
        return 0.0 if kinds == ("slow",) else None

    def _append_state(self, call: Call) -> None:
        line = {
            "method": call.method,
            "chat_id": call.params.get("chat_id"),
            "text": call.text,
            "message_id": (call.result or {}).get("message_id") if isinstance(call.result, dict) else None,
            "at": self.clock(),
        }
        with open(self.state_file, "a", encoding="utf-8") as fh:  # type: ignore[arg-type]
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
            fh.flush()

    def _tell_delivery(self, updates: list[dict]) -> None:
        """Run the delivery listeners on the updates handed out for the first time (not re-deliveries)."""
        if not updates or not self._delivery_listeners:
            return
        with self._cond:
            fresh = [u for u in updates if u["update_id"] > self._last_delivered]
            if fresh:
                self._last_delivered = fresh[-1]["update_id"]
            listeners = list(self._delivery_listeners)
        if fresh:
            at = time.monotonic()
            for listener in listeners:
                listener(fresh, at)

    def _get_updates(self, params: dict[str, Any]) -> list[dict]:
        offset = params.get("offset") if isinstance(params.get("offset"), int) else 0
        limit = params.get("limit") if isinstance(params.get("limit"), int) else 100
        timeout = params.get("timeout") if isinstance(params.get("timeout"), int) else 0
        deadline = time.monotonic() + max(0, min(timeout, 50))
        with self._cond:
            self.get_updates_calls += 1
            if offset:
                self._updates = [u for u in self._updates if u["update_id"] >= offset]
            while not self._updates and not self._stopping:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                self._cond.wait(min(left, 0.25))
            return list(self._updates[: max(1, min(limit, 100))])

    def _result(self, method: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> Any:
        chat_id = params.get("chat_id")
        if method == "getMe":
            return self.bot_user()
        if method in {"sendMessage", "sendDocument", "sendPhoto"} or (
            method in SENDING and chat_id is not None
        ):
            msg = {
                "message_id": next(self._message_ids),
                "date": int(self.clock()),
                "chat": self._chat(
                    chat_id, "private" if isinstance(chat_id, int) and chat_id > 0 else "group"
                ),
                "from": self.bot_user(),
            }
            if "text" in params:
                msg["text"] = params["text"]
            if "caption" in params:
                msg["caption"] = params["caption"]
            if isinstance(params.get("reply_markup"), dict):
                msg["reply_markup"] = params["reply_markup"]
            if method == "sendDocument":
                name, data = files.get("document", ("document", b""))
                fid = self._store_file(name, data)
                msg["document"] = {
                    "file_id": fid,
                    "file_unique_id": f"U{fid}",
                    "file_name": name,
                    "file_size": len(data),
                }
            if method == "sendPhoto":
                name, data = files.get("photo", ("photo.png", b""))
                fid = self._store_file(name, data)
                msg["photo"] = [
                    {
                        "file_id": fid,
                        "file_unique_id": f"U{fid}",
                        "width": 800,
                        "height": 600,
                        "file_size": len(data),
                    }
                ]
            self.bot_messages[(int(chat_id), msg["message_id"])] = msg  # type: ignore[arg-type]
            return msg
        if method in {"editMessageText", "editMessageReplyMarkup", "editMessageCaption"}:
            if "inline_message_id" in params:
                return True
            key = (params.get("chat_id"), params.get("message_id"))
            msg = dict(
                self.bot_messages.get(key)
                or {  # type: ignore[arg-type]
                    "message_id": params.get("message_id"),
                    "date": int(self.clock()),
                    "chat": self._chat(chat_id, "private"),
                    "from": self.bot_user(),
                }
            )
            if "text" in params:
                msg["text"] = params["text"]
            if "caption" in params:
                msg["caption"] = params["caption"]
            msg["edit_date"] = int(self.clock())
            if isinstance(params.get("reply_markup"), dict):
                msg["reply_markup"] = params["reply_markup"]
            else:
                msg.pop("reply_markup", None)
            self.bot_messages[key] = msg  # type: ignore[index]
            return msg
        if method == "getFile":
            file_id = str(params.get("file_id"))
            if file_id not in self.files:
                return None
            path, data = self.files[file_id]
            return {
                "file_id": file_id,
                "file_unique_id": f"U{file_id}",
                "file_size": len(data),
                "file_path": path,
            }
        if method == "setMyCommands":
            scope = (
                (params.get("scope") or {}).get("type", "default")
                if isinstance(params.get("scope"), dict)
                else "default"
            )
            self.commands[scope] = list(params.get("commands") or [])
            return True
        if method == "getMyCommands":
            scope = (
                (params.get("scope") or {}).get("type", "default")
                if isinstance(params.get("scope"), dict)
                else "default"
            )
            return self.commands.get(scope, [])
        if method == "deleteMyCommands":
            self.commands.pop("default", None)
            return True
        if method == "setWebhook":
            self.webhook = {
                "url": params.get("url", ""),
                "secret_token": params.get("secret_token"),
                "allowed_updates": params.get("allowed_updates"),
            }
            return True
        if method == "deleteWebhook":
            self.webhook = {}
            if params.get("drop_pending_updates"):
                self._updates.clear()
            return True
        if method == "getWebhookInfo":
            return {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
        if method == "getChat":
            return self._chat(
                int(chat_id), "private" if isinstance(chat_id, int) and chat_id > 0 else "group"
            )
        return True  # answerCallbackQuery, answerInlineQuery, sendChatAction, close, logOut, anything else

    def _store_file(self, name: str, data: bytes) -> str:
        n = next(self._file_ids)
        fid = f"BOT{n:06d}"
        self.files[fid] = (f"sent/file_{n}{_suffix(name)}", data)
        return fid

    def file_by_path(self, path: str) -> bytes | None:
        with self._cond:
            for file_path, data in self.files.values():
                if file_path == path:
                    return data
        return None

    # ------------------------------------------------------------------ remote control
    CONTROL = {
        "push_message",
        "push_callback",
        "push_inline_query",
        "push_document",
        "push_channel_post",
        "push_update",
        "inject",
        "block_chat",
        "unblock_chat",
        "set_delay",
        "slow",
        "drop",
        "clear_faults",
        "reset",
        "pending_updates",
    }

    def control(self, name: str, kwargs: dict[str, Any]) -> Any:
        if name == "sent":
            return [c.to_json() for c in self.calls()]
        if name not in self.CONTROL:
            raise KeyError(name)
        if name == "push_document" and "data_b64" in kwargs:
            kwargs = dict(kwargs)
            kwargs["data"] = base64.b64decode(kwargs.pop("data_b64"))
        return getattr(self, name)(**kwargs)


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:] if 0 <= dot and len(name) - dot <= 6 else ""


def _make_handler(api: BotApiStandin) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_args: object) -> None:  # quiet
            return

        def _send(self, status: int, body: bytes, ctype: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def _json(self, status: int, obj: Any) -> None:
            self._send(status, json.dumps(obj, ensure_ascii=False).encode("utf-8"))

        def _body(self) -> bytes:
            length = int(self.headers.get("Content-Length") or 0)
            return self.rfile.read(length) if length else b""

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            path = urllib.parse.urlsplit(self.path).path
            if path.startswith("/file/bot"):
                rest = urllib.parse.unquote(path[len("/file/bot") :])
                _token, _, file_path = rest.partition("/")
                data = api.file_by_path(file_path)
                if data is None:
                    self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                else:
                    self._send(200, data, "application/octet-stream")
                return
            if path == "/_control/sent":
                self._json(200, {"ok": True, "result": api.control("sent", {})})
                return
            self._dispatch(path, {}, {})

        def do_POST(self) -> None:  # noqa: N802
            path = urllib.parse.urlsplit(self.path).path
            body = self._body()
            if path.startswith("/_control/"):
                try:
                    kwargs = json.loads(body or b"{}")
                    result = api.control(path[len("/_control/") :], kwargs)
                    self._json(200, {"ok": True, "result": result})
                except Exception as err:  # noqa: BLE001 - report any control error to the caller
                    self._json(400, {"ok": False, "description": repr(err)})
                return
            try:
                params, files = _parse_body(self.headers.get("Content-Type", ""), body)
            except Exception as err:  # noqa: BLE001
                self._json(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {err}"})
                return
            query = dict(urllib.parse.parse_qsl(urllib.parse.urlsplit(self.path).query))
            for k, v in query.items():
                params.setdefault(k, _decode_value(k, v))
            self._dispatch(path, params, files)

        def _dispatch(self, path: str, params: dict[str, Any], files: dict[str, tuple[str, bytes]]) -> None:
            if not path.startswith("/bot") or "/" not in path[4:]:
                self._json(404, {"ok": False, "error_code": 404, "description": "Not Found"})
                return
            token, _, method = path[4:].partition("/")
            status, body = api.handle(token, method, params, files)
            if status == DROP:  # reset: the request was read, no answer ever comes
                self.close_connection = True
                self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                return
            try:
                self._json(status, body)
            except (BrokenPipeError, ConnectionResetError):
                pass

    return Handler


class StandinClient:
    """Drives a stand-in running in another process through its /_control endpoints."""

    def __init__(self, base: str) -> None:
        self.base = base.rstrip("/")

    def _post(self, name: str, **kwargs: Any) -> Any:
        req = urllib.request.Request(
            f"{self.base}/_control/{name}",
            data=json.dumps(kwargs).encode(),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            return json.loads(resp.read())["result"]

    def sent(self) -> list[dict]:
        with urllib.request.urlopen(f"{self.base}/_control/sent", timeout=30) as resp:
            return json.loads(resp.read())["result"]

    def push_document(self, chat_id: int, user_id: int, file_name: str, data: bytes, **kw: Any) -> Any:
        return self._post(
            "push_document",
            chat_id=chat_id,
            user_id=user_id,
            file_name=file_name,
            data_b64=base64.b64encode(data).decode(),
            **kw,
        )

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name in BotApiStandin.CONTROL:
            return lambda **kw: self._post(name, **kw)
        raise AttributeError(name)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Local Telegram Bot API stand-in (tests only)")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--state-file", default=None, help="append every sent message as a JSON line")
    parser.add_argument("--username", default="disclosure_test_bot")
    args = parser.parse_args(argv)
    api = BotApiStandin(args.port, bot_username=args.username, state_file=args.state_file).start()
    print(f"standin listening on {api.url}", flush=True)
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    done.wait()
    api.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
