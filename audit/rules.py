"""The audit's rules as data (audit/data/*.csv), loaded once: weights, severities, grades, thresholds,
sections, how parser findings map to checks, statements that must agree with the tables."""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

DATA = Path(__file__).with_name("data")
SEVERITY_ORDER = ("ok", "info", "minor", "major", "critical")


def _rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _keys(cell: str) -> tuple[str, ...]:
    return tuple(k for k in cell.split(";") if k)


# One frozen record per data file (same shape, different columns): each mirrors its CSV's header.
@dataclass(frozen=True)
class Weight:
    check: str
    weight: float
    label: str
    basis: str


@dataclass(frozen=True)
class Section:
    numeral: str
    title: str
    keywords: re.Pattern[str]
    indicators: tuple[str, ...]


@dataclass(frozen=True)
class FindingRule:
    prefix: str
    check: str
    kind: str
    label: str
    severity: str


@dataclass(frozen=True)
class Statement:
    id: str
    label: str
    pattern: re.Pattern[str]
    indicators: tuple[str, ...]
    severity: str


@cache
def weights() -> dict[str, Weight]:
    return {r["check"]: Weight(r["check"], float(r["weight"]), r["label_zh"], r["basis"])
            for r in _rows("weights.csv")}


@cache
def penalties() -> dict[str, float]:
    return {r["severity"]: float(r["penalty"]) for r in _rows("severities.csv")}


@cache
def severity_labels() -> dict[str, str]:
    return {r["severity"]: r["label_zh"] for r in _rows("severities.csv")}


@cache
def grades() -> list[tuple[str, float, str]]:
    """(grade, minimum score, label), best first."""
    rows = [(r["grade"], float(r["min_score"]), r["label_zh"]) for r in _rows("grades.csv")]
    return sorted(rows, key=lambda g: -g[1])


@cache
def thresholds(check: str, measure: str) -> list[tuple[float, str]]:
    """(at least, severity), highest first: the first one a measure reaches decides."""
    rows = [(float(r["at_least"]), r["severity"]) for r in _rows("thresholds.csv")
            if r["check"] == check and r["measure"] == measure]
    return sorted(rows, reverse=True)


def severity_for(check: str, measure: str, value: float) -> str:
    return next((sev for at_least, sev in thresholds(check, measure) if value >= at_least), "ok")


@cache
def sections() -> list[Section]:
    return [Section(r["numeral"], r["title_zh"], re.compile(r["keywords"]), _keys(r["indicators"]))
            for r in _rows("sections.csv")]


@cache
def finding_rules() -> list[FindingRule]:
    """Longest prefix first; the empty prefix (勾稽关系) catches the rest."""
    rows = [FindingRule(r["prefix"], r["check"], r["kind"], r["label_zh"], r["severity"])
            for r in _rows("findings.csv")]
    return sorted(rows, key=lambda r: -len(r.prefix))


def finding_rule(rule: str) -> FindingRule:
    return next(r for r in finding_rules() if rule.startswith(r.prefix))


@cache
def statements() -> list[Statement]:
    return [Statement(r["id"], r["label_zh"], re.compile(r["statement"]), _keys(r["indicators"]), r["severity"])
            for r in _rows("statements.csv")]


@cache
def template_sentences() -> list[re.Pattern[str]]:
    lines = (DATA / "template_sentences.txt").read_text(encoding="utf-8").splitlines()
    return [re.compile(ln.strip()) for ln in lines if ln.strip() and not ln.startswith("#")]


def worst(severities: list[str]) -> str:
    return max(severities, key=SEVERITY_ORDER.index, default="ok")


@dataclass(frozen=True, slots=True)
class HistoryRule:
    """A count watched against the body's own history (audit/data/history.csv): a jump of `jump_factor`
    times every other year (when it reaches `jump_floor`), or 0 after `zero_after` years of at least
    `zero_floor`."""

    key: str
    label: str
    jump_factor: float
    jump_floor: float
    zero_after: int
    zero_floor: float
    severity: str


@cache
def history_rules() -> list[HistoryRule]:
    return [HistoryRule(r["key"], r["label_zh"], float(r["jump_factor"]), float(r["jump_floor"]),
                        int(r["zero_after"]), float(r["zero_floor"]), r["severity"])
            for r in _rows("history.csv")]
