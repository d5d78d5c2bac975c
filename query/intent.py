"""What a question asks, once read: the explicit Intent the answerers work from.

Why a dataclass: the interpreter decides (kind, bodies, years, indicators, scope, what came from the
remembered context) and the answerers only compute, so a reply can always say what it answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from query.agencies import Mention
from query.indicators import IndicatorMatch
from query.parse_question import ParsedQuestion


@dataclass
class Parts:
    """What a question (merged with its follow-up context) asks for."""

    mentions: list[Mention] = field(default_factory=list)
    agency_names: list[str] = field(default_factory=list)  # from context
    place: str = ""  # from context
    indicators: list[IndicatorMatch] = field(default_factory=list)
    years: list[int] = field(default_factory=list)
    recent_n: int | None = None
    since_year: int | None = None
    all_years: bool = False
    residual: str = ""
    which_year: str = ""  # "max"/"min": "哪一年最多/最少" ranks the years of one body, not bodies
    compare_with: list[str] = field(default_factory=list)  # "跟洪泽区比呢": the previous bodies, kept
    inherited: list[str] = field(default_factory=list)  # agency|place|year|indicator, and "note:…"


@dataclass
class Intent:
    """kind: value|summary|rank|position|total|availability|glossary|help|indicators|overview|published|findings|deadline."""

    kind: str
    pq: ParsedQuestion
    parts: Parts
    agency_ids: list[int] = field(default_factory=list)
    place: str = ""  # region path(s) "a/b|c/d" for rankings, totals, listings
    notes: list[str] = field(default_factory=list)
    others: list[int] = field(default_factory=list)  # other bodies at a place read as its government
    today: date | None = None  # the asker's date (Asia/Shanghai): "is it published", "is it due"

    @property
    def from_context(self) -> list[str]:
        """What this question took from the previous one (agency, place, year, indicator)."""
        return [k for k in self.parts.inherited if not k.startswith("note:")]

    def context(self, intent: str, names: list[str], place: str) -> dict[str, Any]:
        """The follow-up state to remember after answering this intent."""
        pq, parts = self.pq, self.parts
        ctx: dict[str, Any] = {
            "agencies": names,
            "place": place if not names else "",
            "years": list(parts.years),
            "indicators": [m.id for m in parts.indicators],
            "intent": intent,
        }
        extra = {"recent_n": parts.recent_n, "since_year": parts.since_year, "all_years": parts.all_years,
                 "top_n": pq.top_n, "ascending": pq.ascending}
        ctx.update({k: v for k, v in extra.items() if v})
        return ctx
