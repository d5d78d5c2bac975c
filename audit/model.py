"""Plain data of an audit: the facts a check reads and the scorecard it writes (JSON-ready)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any


@dataclass(slots=True)
class Evidence:
    """One piece of proof: a line of the report (or of another report), its text and the numbers involved."""

    text: str
    line: int | None = None
    values: dict[str, Any] = field(default_factory=dict)  # exact: int, or a decimal's digits as text
    source: str = ""  # another report it points at (内容雷同), "" for this report


@dataclass(slots=True)
class Check:
    """One check's verdict: severity (ok|info|minor|major|critical), points earned of its weight, why."""

    key: str
    label: str
    severity: str
    summary: str
    evidence: list[Evidence] = field(default_factory=list)
    points: float = 0.0
    weight: float = 0.0
    problems: list[str] = field(default_factory=list)  # one short line per problem, worst first


@dataclass(slots=True)
class StoredFinding:
    """A finding the parser stored (reports/ checks): rule, message, values, line."""

    rule: str
    message: str
    values: dict[str, Any] = field(default_factory=dict)
    line: int | None = None


@dataclass(slots=True)
class Similarity:
    """内容雷同 measured by `audit.similarity`: shares of counted prose characters and shared passages."""

    counted_chars: int = 0
    previous_share: float | None = None  # None: no earlier report of the body
    previous_source: str = ""
    peer_share: float | None = None
    passages: list[Evidence] = field(default_factory=list)


@dataclass(slots=True)
class ReportFacts:
    """Everything the checks need about one report, loaded by the caller."""

    agency: str
    kind: str
    year: int
    template: str
    text: str
    values: dict[str, float] = field(default_factory=dict)
    findings: list[StoredFinding] = field(default_factory=list)
    published_on: date | None = None  # from the harvester, when it knows
    uploaded_on: date | None = None  # the day we stored it (Asia/Shanghai)
    similarity: Similarity | None = None
    history: dict[int, dict[str, float]] = field(default_factory=dict)  # other years: key → value (own body)


@dataclass(slots=True)
class Scorecard:
    agency: str
    year: int
    score: float
    grade: str
    published_on: date | None
    date_source: str  # harvester|signature|upload|none
    due: date
    days_late: int | None
    checks: list[Check] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["published_on"] = self.published_on.isoformat() if self.published_on else None
        out["due"] = self.due.isoformat()
        return out

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Scorecard:
        checks = [Check(**{**c, "evidence": [Evidence(**e) for e in c.get("evidence", [])]})
                  for c in data.get("checks", [])]
        pub = data.get("published_on")
        return cls(data["agency"], data["year"], data["score"], data["grade"],
                   date.fromisoformat(pub) if pub else None, data.get("date_source", "none"),
                   date.fromisoformat(data["due"]), data.get("days_late"), checks)

    def problems(self, limit: int = 3) -> list[str]:
        """The main problems, worst check first."""
        order = {"critical": 0, "major": 1, "minor": 2}
        ranked = sorted((c for c in self.checks if c.severity in order), key=lambda c: order[c.severity])
        return [p for c in ranked for p in c.problems][:limit]
