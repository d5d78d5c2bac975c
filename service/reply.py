"""ONE structured reply per answer, built once from the engine's Answer; every front end renders it.

Why: Telegram (HTML pages, buttons, a chart), the terminal chat (plain text), `ask` (the engine's text) and
`ask --json` must say the same numbers with the same sources. They all draw from this object
(service.render), never from each other's output.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from query.types import Answer, AnswerRow, Candidate

MAX_BUTTONS = 8
CHART_INTENTS = {"trend", "compare"}
NUMBERED_INTENTS = {"rank", "trend", "compare", "total"}


@dataclass
class AnswerReply:
    """What to say: status, a header, notes on how the question was read, numbered rows with their
    sources, the choices to offer as buttons, and the rows worth a chart."""

    status: str
    intent: str
    question: str
    text: str  # the engine's full plain text (what `ask` prints; `text` in `ask --json`)
    header: str = ""
    notes: list[str] = field(default_factory=list)
    rows: list[AnswerRow] = field(default_factory=list)
    numbered: bool = False
    choices: list[Candidate] = field(default_factory=list)  # buttons (ambiguous / not found only)
    candidates: list[Candidate] = field(default_factory=list)  # every candidate the engine named
    chart_rows: list[AnswerRow] = field(default_factory=list)
    answer: Answer | None = None

    @property
    def has_numbers(self) -> bool:
        return self.status == "ok" and bool(self.rows)


def build_reply(answer: Answer) -> AnswerReply:
    """The structured reply for `answer` (header and notes as the engine wrote them)."""
    rows = list(answer.answers) if answer.status == "ok" else []
    header, notes = _header_and_notes(answer, rows)
    choices = list(answer.candidates[:MAX_BUTTONS]) if answer.status in {"ambiguous", "not_found"} else []
    chart_rows: list[AnswerRow] = []
    if answer.status == "ok" and answer.intent in CHART_INTENTS:
        chart_rows = [r for r in rows if r.value is not None]
        if len(chart_rows) < 2:
            chart_rows = []
    return AnswerReply(
        status=answer.status, intent=answer.intent, question=answer.question, text=answer.text,
        header=header, notes=notes, rows=rows, numbered=len(rows) > 1 and answer.intent in NUMBERED_INTENTS,
        choices=choices, candidates=list(answer.candidates), chart_rows=chart_rows, answer=answer,
    )


def _header_and_notes(answer: Answer, rows: list[AnswerRow]) -> tuple[str, list[str]]:
    """The engine's header and notes (Answer.header / Answer.notes).

    An answerer that fills only `text` (test doubles, older engines) gets the same layout the engine's
    text has: a header on the first line above several numbers; notes above a single number.
    """
    if not rows:
        return "", []
    header = answer.header if len(rows) > 1 else ""
    notes = [ln.strip() for n in answer.notes for ln in str(n).splitlines() if ln.strip()]
    if header or notes or answer.header:
        return header, notes
    lines = [ln.strip() for ln in answer.text.strip().splitlines()]
    if len(rows) > 1:
        return (lines[0] if lines else ""), []
    before = []
    for line in lines:
        if line.startswith(rows[0].agency):
            break
        if line:
            before.append(line)
    return "", before
