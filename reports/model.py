"""Plain data a parser produces: what a report says, where it says it, and what does not add up.

Nothing here knows about storage or Telegram; `storage.ingest` turns a `ParsedReport` into rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from reports.exact import Number

Template = Literal["2008", "2019", "2021", "narrative"]
Origin = Literal["table", "prose", "derived"]
AgencyKind = Literal["people_gov", "department", "township", "devzone", "other"]


@dataclass(slots=True)
class ParsedValue:
    """One indicator cell with its provenance (line numbers are 1-based in the decoded text)."""

    key: str
    value: Number  # exact: int, or a Decimal of the printed digits (reports.exact)
    unit: str
    line_no: int
    line_text: str
    origin: Origin = "table"
    section: str = ""
    row_label: str = ""
    column_label: str = ""


@dataclass(slots=True)
class Finding:
    """A failed arithmetic identity (勾稽关系) or a table/prose disagreement; numbers are never changed."""

    rule: str  # short code, e.g. "apply.balance.natural_person"
    message: str  # human-readable Chinese sentence
    values: dict[str, Number | None] = field(default_factory=dict)  # indicator key → value involved
    expected: Number | None = None
    actual: Number | None = None
    line_no: int | None = None


CellStateKind = Literal["blank", "mark", "unreadable", "missing"]


@dataclass(slots=True)
class CellState:
    """A cell the report does not give as a number, and why (issue 13: never state what it does not say).

    blank: an empty cell printed in the table; mark: a printed "/", "—", "-" or "无" (kept in `mark`);
    unreadable: the row is there but its numbers cannot be placed in columns; missing: the row was not
    found — `line_no`..`end_line` is where it should have been (the section searched)."""

    key: str
    state: CellStateKind
    mark: str = ""
    line_no: int = 0
    line_text: str = ""
    end_line: int = 0


@dataclass(slots=True)
class ReportIdentity:
    """Who published the report and for which year."""

    agency: str  # full official name, e.g. 银川市兴庆区人民政府
    year: int
    title: str
    kind: AgencyKind = "other"
    region_path: list[str] = field(default_factory=list)  # ["宁夏回族自治区", "银川市", "兴庆区"]
    aliases: list[str] = field(default_factory=list)  # short forms seen in the text


@dataclass(slots=True)
class ParsedReport:
    identity: ReportIdentity
    template: Template
    values: list[ParsedValue]
    findings: list[Finding] = field(default_factory=list)
    file_name: str = ""
    file_hash: str = ""  # sha256 of the raw bytes
    warnings: list[str] = field(default_factory=list)
    # non-numeric cells (blank, mark, unreadable, missing)
    cells: list[CellState] = field(default_factory=list)
    # "provincial": a local 2008–2013 统计表, not the national 2014 one (its rows differ)
    variant: str = ""

    def value_map(self) -> dict[str, Number]:
        return {v.key: v.value for v in self.values}


class ReportError(ValueError):
    """A report that cannot be ingested; the message says why, in plain words, for the user."""

    def __init__(self, reason: str, code: str = "invalid") -> None:
        super().__init__(reason)
        self.reason = reason
        self.code = code
