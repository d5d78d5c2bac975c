"""ONE structured reply per answer, built once from the engine's Answer; every front end renders it.

Why: Telegram (HTML pages, buttons, a chart), the terminal chat, `ask` and `ask --json` must say the same
numbers with the same sources. They all draw from this object (service.render), never from each other's
output, and nothing here re-reads prose: header, notes, rows and footer are the engine's structure.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from query.types import Answer, AnswerRow, Candidate

MAX_BUTTONS = 8
CHART_INTENTS = {"trend", "compare"}
NUMBERED_INTENTS = {"rank", "trend", "compare", "total"}


@dataclass
class AnswerReply:
    """What to say: status, what was kept from the previous question, a header, notes on how the question
    was read, numbered rows with their sources, what the numbers mean (footer), one labelled sub-reply per
    reading of an ambiguous question, the choices to offer as buttons, and the rows worth a chart."""

    status: str
    intent: str
    question: str
    text: str  # the engine's words where no row carries the answer (help, listings, why nothing was found)
    header: str = ""
    notes: list[str] = field(default_factory=list)
    rows: list[AnswerRow] = field(default_factory=list)
    numbered: bool = False
    footer: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)  # what came from the previous question
    parts: list[tuple[str, AnswerReply]] = field(default_factory=list)
    choices: list[Candidate] = field(default_factory=list)  # buttons (ambiguous / not found only)
    candidates: list[Candidate] = field(default_factory=list)  # every candidate the engine named
    chart_rows: list[AnswerRow] = field(default_factory=list)
    answer: Answer | None = None

    @property
    def has_numbers(self) -> bool:
        return self.status == "ok" and bool(self.rows)


def _lines(items: list[str]) -> list[str]:
    return [ln.strip() for n in items for ln in str(n).splitlines() if ln.strip()]


def build_reply(answer: Answer) -> AnswerReply:
    """The structured reply for `answer` (header, notes and footer as the engine wrote them)."""
    rows = list(answer.answers) if answer.status == "ok" else []
    choices = list(answer.candidates[:MAX_BUTTONS]) if answer.status in {"ambiguous", "not_found"} else []
    chart_rows: list[AnswerRow] = []
    if answer.status == "ok" and answer.intent in CHART_INTENTS:
        chart_rows = [r for r in rows if r.value is not None]
        if len(chart_rows) < 2:
            chart_rows = []
    return AnswerReply(
        status=answer.status, intent=answer.intent, question=answer.question, text=answer.text,
        header=answer.header, notes=_lines(answer.notes), rows=rows,
        numbered=len(rows) > 1 and answer.intent in NUMBERED_INTENTS, footer=_lines(answer.footer),
        kept=list(answer.context_kept), parts=[(label, build_reply(part)) for label, part in answer.parts],
        choices=choices, candidates=list(answer.candidates), chart_rows=chart_rows, answer=answer,
    )
