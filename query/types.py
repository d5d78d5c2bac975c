"""What an answer looks like, for every front end (Telegram, CLI, terminal chat).

The engine returns structure, not prose to be re-read: rows with their sources, a header, notes (how the
question was read, said before the numbers), a footer (what the numbers mean, said after them) and, for a
question read two ways, one labelled part per reading. `text` is only what the engine says where no row
carries the answer (help, listings, why nothing was found). Every front end renders the text from this
structure through service/render.py.

`Answer.to_json()` is the structural part of the `ask --json` contract:
{status: ok|ambiguous|not_found|no_data, answers: [{agency, year, indicator, value, unit, source, state}],
 cells: [{agency, year, indicator, value: null, state, mark, source}], candidates: [...], text: "..."}
(service.render.json_record replaces `text` by the rendered reply).
`state` is "number" for every answer; `cells` lists asked-for cells the report gives no number for, with
why: blank | mark | unreadable | missing | not_read (only "blank" is "空白，不按 0 计").
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from reports import exact
from reports.exact import Number

Status = Literal["ok", "ambiguous", "not_found", "no_data"]


@dataclass(slots=True)
class Source:
    """Where a number came from: enough to find the line in the published report."""

    report_title: str
    file_name: str
    line_no: int
    line_text: str
    section: str = ""
    row_label: str = ""
    column_label: str = ""
    origin: str = "table"  # table|prose|derived
    template: str = ""
    findings: list[str] = field(default_factory=list)  # arithmetic findings touching this number
    source_kind: str = "ingested"  # sample (fictional demo) | starter | ingested | harvested
    url: str = ""  # where the report is published, when known
    published: str = ""  # publication date (YYYY-MM-DD), when known


@dataclass(slots=True)
class AnswerRow:
    agency: str
    year: int
    indicator: str
    value: Number | None  # exact: int, or Decimal of the printed digits (a ratio: Decimal to 0.01)
    unit: str
    source: Source | None = None
    indicator_name: str = ""
    derived_from: list[str] = field(default_factory=list)  # names of the cells summed/divided (derived rows)
    change: Number | None = None  # trend/compare: difference to the row before (same body) or the first body
    change_pct: float | None = None  # that difference in % of the earlier/first value (None when it was 0)
    reading: str = ""  # which reading of an ambiguous question this row answers ("本级报告", "在库单位合计")
    # number | blank (empty cell printed) | mark (a printed "/", "—", "-", "无": see `mark`) |
    # unreadable (row printed, numbers not readable) | missing (row not found) | not_read (no state stored)
    state: str = "number"
    mark: str = ""


@dataclass(slots=True)
class Candidate:
    """An option offered when the question is ambiguous or unknown ("did you mean")."""

    label: str  # what to show, e.g. 银川市兴庆区人民政府
    kind: str = "agency"  # agency|indicator|year
    value: str = ""  # what to substitute when chosen (defaults to label)
    score: float = 0.0


@dataclass(slots=True)
class Answer:
    status: Status
    text: str  # the engine's words where no row carries the answer; "" when `answers` say it
    answers: list[AnswerRow] = field(default_factory=list)
    candidates: list[Candidate] = field(default_factory=list)
    intent: str = "value"  # value|trend|compare|rank|total|availability|glossary|help|indicators|overview|
    # published|findings|deadline
    context: dict[str, Any] = field(default_factory=dict)  # follow-up state to keep for this chat
    question: str = ""
    header: str = ""  # the line above the numbers
    notes: list[str] = field(default_factory=list)  # what we chose or assumed, in words for users
    footer: list[str] = field(default_factory=list)  # what the numbers mean (changes, differences), after them
    parts: list[tuple[str, Answer]] = field(default_factory=list)  # (label, answer) per reading of the question
    context_kept: list[str] = field(default_factory=list)  # what came from the previous question ("宁夏", "2017年")
    cells: list[AnswerRow] = field(default_factory=list)  # asked-for cells with no number, and why

    def to_json(self) -> dict[str, Any]:
        def num(v: Number | float | None) -> Number | None:
            """Exact for JSON: a Decimal stays a Decimal (written with its digits by reports.exact.dumps)."""
            return None if v is None else exact.to_exact(v)

        return {
            "status": self.status,
            "answers": [
                {
                    "agency": a.agency,
                    "year": a.year,
                    "indicator": a.indicator,
                    "value": num(a.value),
                    "unit": a.unit,
                    "source": asdict(a.source) if a.source else None,
                    "state": a.state,
                }
                for a in self.answers
            ],
            "cells": [
                {
                    "agency": c.agency,
                    "year": c.year,
                    "indicator": c.indicator,
                    "value": None,
                    "state": c.state,
                    "mark": c.mark,
                    "source": asdict(c.source) if c.source else None,
                }
                for c in self.cells
            ],
            "candidates": [c.label for c in self.candidates],
            "text": self.text,
        }
