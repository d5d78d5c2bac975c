"""The answer engine: question in, sourced `Answer` out. Knows nothing of Telegram.

One question goes: read cache (query/cache.py) → interpreter (query/interpret.py: an Intent, or a reply
without numbers) → one answerer per intent kind (answer_values, answer_scope, answer_listing) → the
conversation keeps what a follow-up needs (query/conversation.py). Not thread-safe by itself: the
service layer's one lock serialises questions (the CLI and terminal chat ask one at a time).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine

from query import conversation
from query.answer_listing import availability_answer, glossary_answer
from query.answer_position import position_answer
from query.answer_report import findings_answer, indicators_answer, overview_answer, published_answer
from query.answer_scope import both_answer, rank_answer, total_answer
from query.answer_values import values_answer
from query.cache import ReadCache
from query.clarify import help_answer
from query.indicators import clean
from query.intent import Intent
from query.interpret import interpret
from query.types import Answer
from storage.db import is_outage

TZ = ZoneInfo("Asia/Shanghai")
ANSWERERS: dict[str, Callable[[ReadCache, Intent], Answer]] = {
    "value": values_answer,
    "summary": values_answer,
    "rank": rank_answer,
    "position": position_answer,
    "total": total_answer,
    "both": both_answer,
    "availability": availability_answer,
    "glossary": lambda _cache, intent: glossary_answer(intent),
    "help": lambda _cache, _intent: help_answer(),
    "indicators": indicators_answer,
    "overview": overview_answer,
    "published": published_answer,
    "findings": findings_answer,
    "deadline": lambda _cache, _intent: Answer(
        "not_found", "年报截止日期和未交名单请发送 /due（命令行：disclosure-bot due）查看。", intent="deadline"
    ),
}
Answerer_ = Callable[[ReadCache, Intent], Answer]


class Answerer:
    """`ask(question)` → Answer; `refresh()` after ingest."""

    def __init__(self, engine: Engine, answerers: dict[str, Answerer_] | None = None) -> None:
        """`answerers` adds or replaces answerers for intent kinds the query layer cannot answer itself
        (the service wires "deadline" to service/deadlines.py, which reads the reminder calendar)."""
        self.engine = engine
        self.cache = ReadCache(engine)
        self.answerers = {**ANSWERERS, **(answerers or {})}

    @property
    def agencies(self) -> dict:
        return self.cache.agencies

    def refresh(self) -> None:
        """Reload agencies/reports and drop cached numbers (call after ingest)."""
        self.cache.load()

    def ask(
        self,
        question: str,
        *,
        today: date | None = None,
        chat_key: str | None = None,
        context: dict | None = None,
    ) -> Answer:
        """The answer to one question; `chat_key` loads and keeps the follow-up context of a chat."""
        today = today or datetime.now(TZ).date()
        self.cache.ensure()
        ctx = conversation.load(self.engine, chat_key, context)
        try:
            answer = self._answer(question, today, ctx)
        except Exception as err:  # noqa: BLE001 - the user gets a plain message, never a traceback
            if is_outage(err):
                raise  # "the store is down, send it again" is the caller's to say, not "rephrase"
            answer = Answer(
                "not_found",
                f"抱歉，这个问题没能处理（{type(err).__name__}）。请换个说法再试，或发送“帮助”。",
                intent="help",
            )
        answer.question = question if isinstance(question, str) else str(question)
        conversation.keep(self.engine, chat_key, answer, ctx)
        return answer

    def _answer(self, question: str, today: date, ctx: dict[str, Any]) -> Answer:
        intent = interpret(self.cache, question, today, ctx)
        if isinstance(intent, Answer):
            return intent
        answer = self.answerers[intent.kind](self.cache, intent)
        kept = kept_from_context(intent)
        answer.context_kept = kept  # the renderer says it first ("沿用上一问：…")
        return answer


def kept_from_context(intent: Intent) -> list[str]:
    """What the reply took from the previous question, in words ("宁夏", "2017年", "行政复议数")."""
    parts, took = intent.parts, set(intent.from_context)
    kept: list[str] = []
    if "agency" in took and intent.kind not in {"rank", "total"}:  # a ranking does not use the body
        kept += parts.agency_names
    if "place" in took and parts.place:
        kept += [p.split("/")[-1] for p in parts.place.split("|")]
    if "year" in took and parts.years:
        kept.append("、".join(str(y) for y in parts.years) + "年")
    if "indicator" in took:
        kept += [m.label for m in parts.indicators]
    return kept


__all__ = ["Answerer", "clean"]
