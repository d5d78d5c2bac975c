"""The indicator vocabulary, read once from the CSV files in query/data/.

Why data files: the words people type for an indicator ("依申请数", "被告了几次", "requests received",
"yishenqing") change far more often than the code that matches them, and a maintainer should be able to
add one without reading Python. Four files, one job each:

- indicator_concepts.csv: concept id, the name a reply uses, unit, flags, glossary text;
- indicator_formulas.csv: per report template, the catalogue key or formula that answers the concept
  (``key``, ``sum(a, b, …)`` or ``ratio(x, y)``, nested);
- indicator_words.csv: what users type, one word per line, the first of a concept is its canonical word;
- indicator_columns.csv: column words of the 2019/2021 tables (applicant columns, table 二/四 columns).
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# A formula: a catalogue key (str), ("sum", (formula, ...)) or ("ratio", numerator, denominator).
Formula = str | tuple


class VocabularyError(ValueError):
    """A data file that cannot be read as the vocabulary (names the file and the line)."""


def read_rows(name: str) -> list[dict[str, str]]:
    """Rows of a CSV in query/data (UTF-8, header line; blank lines and lines starting with # skipped)."""
    path = DATA / name
    with path.open(encoding="utf-8", newline="") as fh:
        lines = [ln for ln in fh if ln.strip() and not ln.lstrip().startswith("#")]
    return [{k: (v or "").strip() for k, v in row.items()} for row in csv.DictReader(lines)]


_TOKEN = re.compile(r"\s*(sum|ratio)\s*\(|\s*([A-Za-z0-9_.]+)\s*|\s*([,)])\s*")


def parse_formula(text: str) -> Formula:
    """'a.b' → 'a.b'; 'sum(a, b)' → ("sum", ("a", "b")); 'ratio(x, y)' → ("ratio", x, y)."""
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise VocabularyError(f"cannot read formula {text!r} at {pos}")
        if m.group(1):
            tokens.append(("op", m.group(1)))
        elif m.group(2):
            tokens.append(("key", m.group(2)))
        else:
            tokens.append(("sym", m.group(3)))
        pos = m.end()
    formula, rest = _expr(tokens, text)
    if rest:
        raise VocabularyError(f"trailing text in formula {text!r}")
    return formula


def _expr(tokens: list[tuple[str, str]], text: str) -> tuple[Formula, list[tuple[str, str]]]:
    if not tokens:
        raise VocabularyError(f"incomplete formula {text!r}")
    kind, value = tokens[0]
    if kind == "key":
        return value, tokens[1:]
    if kind != "op":
        raise VocabularyError(f"unexpected {value!r} in formula {text!r}")
    args: list[Formula] = []
    rest = tokens[1:]
    while True:
        arg, rest = _expr(rest, text)
        args.append(arg)
        if not rest:
            raise VocabularyError(f"unclosed {value}( in formula {text!r}")
        sym = rest[0]
        rest = rest[1:]
        if sym == ("sym", ")"):
            break
        if sym != ("sym", ","):
            raise VocabularyError(f"expected , or ) in formula {text!r}")
    if value == "ratio":
        if len(args) != 2:
            raise VocabularyError(f"ratio takes two parts: {text!r}")
        return ("ratio", args[0], args[1]), rest
    return ("sum", tuple(args)), rest


@dataclass(frozen=True)
class ConceptRow:
    id: str
    name: str
    unit: str
    modifiable: bool
    priority: int
    explain: str
    formulas: dict[str, Formula]
    words: tuple[str, ...]


@lru_cache(maxsize=1)
def concept_rows() -> tuple[ConceptRow, ...]:
    """Every concept with its formulas and words, in file order (earlier concepts win phrase clashes)."""
    formulas: dict[str, dict[str, Formula]] = {}
    for row in read_rows("indicator_formulas.csv"):
        formulas.setdefault(row["concept"], {})[row["template"]] = parse_formula(row["formula"])
    words: dict[str, list[str]] = {}
    for row in read_rows("indicator_words.csv"):
        words.setdefault(row["concept"], []).append(row["word"])
    out = []
    for row in read_rows("indicator_concepts.csv"):
        cid = row["concept"]
        if cid not in formulas:
            raise VocabularyError(f"indicator_formulas.csv has no formula for concept {cid!r}")
        out.append(
            ConceptRow(
                cid,
                row["name"],
                row["unit"],
                row["modifiable"] == "1",
                int(row["priority"] or 0),
                row["explain"],
                formulas[cid],
                tuple(words.get(cid, ())),
            )
        )
    unknown = (set(words) | set(formulas)) - {c.id for c in out} - set(key_words())
    if unknown:
        raise VocabularyError(f"words or formulas for unknown concepts: {sorted(unknown)}")
    return tuple(out)


@lru_cache(maxsize=1)
def generic_words() -> frozenset[str]:
    """Words marked `generic`: they only set the context of a more specific indicator ("申请")."""
    return frozenset(r["word"] for r in read_rows("indicator_words.csv") if r["note"] == "generic")


@lru_cache(maxsize=1)
def column_words(table: str) -> dict[str, tuple[str, str]]:
    """word → (key suffix, label) for the applicant columns (`applicant`) or table 二/四 columns (`key`)."""
    return {
        r["word"]: (r["suffix"], r["label"])
        for r in read_rows("indicator_columns.csv")
        if r["table"] == table
    }


@lru_cache(maxsize=1)
def weak_column_words() -> frozenset[str]:
    """Column words that name a column only next to a row phrase ("其他")."""
    return frozenset(r["word"] for r in read_rows("indicator_columns.csv") if r["note"] == "weak")


@lru_cache(maxsize=1)
def key_words() -> dict[str, tuple[str, ...]]:
    """Words for single catalogue rows: concept `key:<catalogue key>` → words ("涉密" → 属于国家秘密)."""
    out: dict[str, list[str]] = {}
    for row in read_rows("indicator_words.csv"):
        if row["concept"].startswith("key:"):
            out.setdefault(row["concept"], []).append(row["word"])
    return {k: tuple(v) for k, v in out.items()}
