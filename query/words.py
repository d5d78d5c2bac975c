"""Question words that decide an intent (概览, 发布了吗, 截止, 勾稽…) and colloquial rewrites, from data.

Why a data file (query/data/question_words.csv): people keep finding new ways to ask; adding one is a
line of CSV, not code. Indicator synonyms live with the indicator vocabulary; this file only holds what
the interpreter itself needs.
"""

from __future__ import annotations

import csv
import re
from functools import cache, lru_cache
from pathlib import Path

DATA = Path(__file__).with_name("data") / "question_words.csv"
KINDS = (
    "measure", "rewrite", "indicators", "overview", "published", "deadline", "findings", "change", "which_year",
    "sum", "negation",
)


@lru_cache(maxsize=1)
def _table() -> dict[str, list[tuple[str, str]]]:
    out: dict[str, list[tuple[str, str]]] = {k: [] for k in KINDS}
    with DATA.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            kind, word = row["kind"].strip(), row["word"].strip()
            if kind not in out or not word:
                raise ValueError(f"{DATA.name}: unknown kind {kind!r} or empty word")
            out[kind].append((word, (row.get("meaning") or "").strip()))
    for rows in out.values():
        rows.sort(key=lambda r: len(r[0]), reverse=True)  # longest first
    return out


@cache
def _pattern(kind: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(w) for w, _m in _table()[kind]))


def asks(kind: str, text: str) -> bool:
    """Does the (normalised) question use a word of this intent kind?"""
    return bool(_pattern(kind).search(text.replace(" ", "")))


def rewrite_at(text: str, i: int) -> tuple[str, int] | None:
    """A colloquial phrase at position i and the indicator words it means (被告了几次 → 行政诉讼), or None.

    Used by the scan only where no catalogue phrase or name starts, so 申请办结数 keeps its own meaning."""
    for word, meaning in _table()["rewrite"]:
        if text.startswith(word, i):
            return meaning, len(word)
    return None


def without_measures(residual: str) -> str:
    """Residual words minus count words (数量, 总数, 合计…) and change words (增加了多少: the trend says it)."""
    words = [_pattern("change").sub("", _pattern("measure").sub("", w)) for w in residual.split()]
    return " ".join(w for w in words if len(w) >= 2 or w == "率" or w in negations())


def negations() -> frozenset[str]:
    """One-character words that turn a question around (非自然人, 除了…): never dropped as noise."""
    return frozenset(w for w, _m in _table()["negation"] if len(w) == 1)


SPECIAL = ("deadline", "published", "findings", "overview", "indicators")  # first match wins


@lru_cache(maxsize=1)
def _special_words() -> list[tuple[str, str]]:
    return sorted(((w, k) for k in SPECIAL for w, _m in _table()[k]), key=lambda x: len(x[0]), reverse=True)


def special_at(text: str, i: int) -> tuple[str, int] | None:
    """An intent word at position i (截止 → deadline, 发布了吗 → published…) and its length, or None.

    Used by the scan only where no catalogue phrase or name starts, so 逾期不补正 keeps its own meaning."""
    for word, kind in _special_words():
        if text.startswith(word, i):
            return kind, len(word)
    return None


def first_kind(kinds: list[str]) -> str | None:
    """The intent kind that wins when a question uses words of several (deadline before published…)."""
    return next((k for k in SPECIAL if k in kinds), None)
