"""What the handlers share: the answer engine, the store, limits and counters.

Why a service object: handlers stay thin and testable, and the terminal front end uses the same ask
path. The engine is synchronous (SQLAlchemy), so calls run in a worker thread; one lock serialises
them because the engine keeps caches that are not promised to be thread-safe.

Store outages (PostgreSQL restarting, network gone): the answer engine swallows some store errors (a
failed follow-up load or save, a failed cache reload) and turns others into a "could not process"
answer. So the service watches the engine's own error events: when any store error happened while a
question was answered, the question fails as a whole with StoreUnavailable (the user is told to send it
again; nothing half-done is shown, and the follow-up context stays what the user last saw), and the
engine's caches are reloaded before the next question once the store answers again.
"""

from __future__ import annotations

import asyncio
import copy
import logging
import threading
import time
from collections import OrderedDict, defaultdict, deque
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from query.types import Answer
from service import ui_state
from service.reply import AnswerReply, build_reply
from storage.db import is_outage as store_outage
from storage.db import ping

log = logging.getLogger(__name__)
TZ = ZoneInfo("Asia/Shanghai")
STATE_CACHE_SIZE = 5000
DEFAULT_PER_MINUTE = 20  # bot.settings.Settings.questions_per_minute's default


STORE_DOWN_TEXT = "数据库暂时连不上（可能正在重启或维护），这条消息没有处理。请过几秒钟再发一次。"


class StoreUnavailable(RuntimeError):
    """The store failed while a question was being answered; the user should send it again."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(STORE_DOWN_TEXT + (f"（{detail}）" if detail else ""))
        self.detail = detail


_thread_errors = threading.local()


def is_outage(err: BaseException | None) -> bool:
    """A store outage (see storage.db.is_outage), or our own StoreUnavailable."""
    return isinstance(err, StoreUnavailable) or store_outage(err)


def _note_store_error(ctx: Any) -> None:
    """SQLAlchemy handle_error hook: count outage errors per thread (a failed pre-ping that reconnects is
    not one; neither is a bad query, which must not be reported as "database unreachable")."""
    if getattr(ctx, "is_pre_ping", False):
        return
    if not (ctx.is_disconnect or is_outage(ctx.sqlalchemy_exception)):
        return
    _thread_errors.count = getattr(_thread_errors, "count", 0) + 1
    _thread_errors.last = type(ctx.original_exception).__name__


def store_errors() -> int:
    """Store errors seen so far in this thread (compare before and after a call)."""
    return getattr(_thread_errors, "count", 0)


def watch_store_errors(engine: Engine) -> None:
    if isinstance(engine, Engine) and not event.contains(engine, "handle_error", _note_store_error):
        event.listen(engine, "handle_error", _note_store_error)


class AnswererLike(Protocol):
    def ask(self, question: str, *, today: date | None = None, chat_key: str | None = None,
            context: dict | None = None) -> Answer: ...


class RateLimiter:
    """Sliding one-minute window per user; `clock` is injectable for tests."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._hits: dict[int, deque[float]] = defaultdict(deque)
        self._warned: dict[int, float] = {}

    def check(self, user_id: int) -> float:
        """0 when allowed (and counted); otherwise seconds until the next question is allowed."""
        now = self.clock()
        hits = self._hits[user_id]
        while hits and now - hits[0] >= 60:
            hits.popleft()
        if len(hits) >= self.per_minute:
            return max(1.0, 60 - (now - hits[0]))
        hits.append(now)
        return 0.0

    def should_warn(self, user_id: int) -> bool:
        """Say "slow down" once per window, not once per extra message."""
        now = self.clock()
        last = self._warned.get(user_id)
        if last is not None and now - last < 60:
            return False
        self._warned[user_id] = now
        return True


class BotService:
    def __init__(self, settings: Any, engine: Engine, answerer: AnswererLike,
                 today: Callable[[], date] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.settings = settings
        self.engine = engine
        self.answerer = answerer
        self.today = today or (lambda: datetime.now(TZ).date())
        per_minute = getattr(settings, "questions_per_minute", DEFAULT_PER_MINUTE)
        self.limiter = RateLimiter(per_minute, clock)
        self.inline_limiter = RateLimiter(per_minute * 3, clock)  # one query per keystroke
        self._engine_lock = threading.Lock()
        self._chat_locks: dict[int, asyncio.Lock] = {}
        self.started = time.time()
        self.counters: dict[str, int] = defaultdict(int)
        self._state_cache: OrderedDict[str, dict[str, Any]] = OrderedDict()  # write-through; one bot process
        self._store_suspect = False  # a store error happened: reload the engine's caches when it is back
        watch_store_errors(engine)

    # ----------------------------------------------------------------- answers
    def ask_sync(self, question: str, chat_key: str | None, *, today: date | None = None,
                 context: dict | None = None) -> Answer:
        """The engine's answer; StoreUnavailable when the store failed on the way (see module docstring).
        `context` (a batch's own follow-up state, `ask` on stdin) is passed only when given."""
        extra = {} if context is None else {"context": context}
        with self._engine_lock:
            if self._store_suspect and not self._recover():
                self.counters["store_errors"] += 1
                raise StoreUnavailable("store not back yet")
            before = store_errors()
            try:
                answer = self.answerer.ask(question, today=today or self.today(), chat_key=chat_key, **extra)
            except SQLAlchemyError as err:
                if not is_outage(err):
                    raise
                self._store_failed(err)
                raise StoreUnavailable(type(err).__name__) from err
            if store_errors() != before:
                self._store_failed(None)
                raise StoreUnavailable(getattr(_thread_errors, "last", ""))
        if not answer.question:
            answer.question = question
        self.counters["questions"] += 1
        self.counters[f"status.{answer.status}"] += 1
        return answer

    def warm_sync(self) -> None:
        """Load what the first question would: the engine's caches and the national place names (3-4 s
        on a busy 2-core machine, all of it paid by whoever asked first after a start)."""
        from query.agencies import national_places

        cache = getattr(self.answerer, "cache", None)
        with self._engine_lock:  # a question asked meanwhile waits instead of loading the same a second time
            if callable(getattr(cache, "ensure", None)):
                cache.ensure()
            national_places()

    async def warm(self) -> None:
        """warm_sync on a worker thread; a failure only means the first question loads what is missing."""
        try:
            await asyncio.to_thread(self.warm_sync)
        except Exception as err:  # noqa: BLE001 - an optimisation; never a reason to stop the bot
            log.info("answer caches not warmed at start: %s", type(err).__name__)

    async def ask(self, question: str, chat_key: str | None) -> Answer:
        return await asyncio.to_thread(self.ask_sync, question, chat_key)

    def reply_sync(self, question: str, chat_key: str | None, *, today: date | None = None,
                   context: dict | None = None) -> AnswerReply:
        """THE answer path of every front end: the engine's answer (with outage handling) as the one
        structured reply that Telegram, `chat`, `ask` and `ask --json` render."""
        return build_reply(self.ask_sync(question, chat_key, today=today, context=context))

    async def reply(self, question: str, chat_key: str | None) -> AnswerReply:
        return await asyncio.to_thread(self.reply_sync, question, chat_key)

    def _store_failed(self, err: BaseException | None) -> None:
        self._store_suspect = True
        self.counters["store_errors"] += 1
        log.warning("store unavailable while answering: %s", err or getattr(_thread_errors, "last", "?"))

    def _recover(self) -> bool:
        """After a store error: True once the store answers and the engine's caches are reloaded (a reload
        that failed half-way may have left them empty or stale, so no answer comes from them before)."""
        before = store_errors()
        try:
            ping(self.engine)
        except SQLAlchemyError:
            return False
        refresh = getattr(self.answerer, "refresh", None)
        if callable(refresh):
            refresh()
        if store_errors() != before:
            return False
        self._store_suspect = False
        log.info("store is back; answer caches reloaded")
        return True

    def refresh(self) -> None:
        refresh = getattr(self.answerer, "refresh", None)
        if callable(refresh):
            with self._engine_lock:
                refresh()

    def chat_lock(self, chat_id: int) -> asyncio.Lock:
        """One update at a time per chat, so follow-ups keep their order while chats run concurrently."""
        lock = self._chat_locks.get(chat_id)
        if lock is None:
            if len(self._chat_locks) > 10_000:
                self._chat_locks = {k: v for k, v in self._chat_locks.items() if v.locked()}
            lock = self._chat_locks[chat_id] = asyncio.Lock()
        return lock

    # ----------------------------------------------------------------- UI state in the store
    async def load_state(self, chat_key: str) -> dict[str, Any]:
        """The chat's UI state; StoreUnavailable when it is not cached and the store is down."""
        cached = self._state_cache.get(chat_key)
        if cached is not None:
            self._state_cache.move_to_end(chat_key)
            return copy.deepcopy(cached)
        try:
            data = await asyncio.to_thread(ui_state.load, self.engine, chat_key)
        except SQLAlchemyError as err:
            if not is_outage(err):
                raise
            self._store_failed(err)
            raise StoreUnavailable(type(err).__name__) from err
        self._remember(chat_key, data)
        return copy.deepcopy(data)

    async def save_state(self, chat_key: str, data: dict[str, Any]) -> None:
        """Write-through; when the store is down the state is kept here (buttons keep working in this
        process) and the next successful save writes it, since a save always writes the whole state."""
        try:
            await asyncio.to_thread(ui_state.save, self.engine, chat_key, data)
        except SQLAlchemyError as err:
            if not is_outage(err):
                raise
            self._store_failed(err)
            log.warning("UI state of %s kept in memory only: %s", chat_key, type(err).__name__)
        self._remember(chat_key, copy.deepcopy(data))

    def _remember(self, chat_key: str, data: dict[str, Any]) -> None:
        self._state_cache[chat_key] = data
        self._state_cache.move_to_end(chat_key)
        while len(self._state_cache) > STATE_CACHE_SIZE:
            self._state_cache.popitem(last=False)

    def is_admin(self, user_id: int | None) -> bool:
        return self.settings is not None and self.settings.is_admin(user_id)


def chat_key_for(chat_id: int) -> str:
    return f"tg:{chat_id}"
