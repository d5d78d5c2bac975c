"""A report's prose as counted sentences: tables, headings, titles and the template's fixed wording left out.

Why normalise: a copied report usually changes only the year and the figures, so digits become "#" and
spaces go before sentences are compared; what remains is the wording a body wrote (or copied).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from audit.rules import template_sentences

_NUM = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"[\s\u3000\xa0]+")
_SPLIT = re.compile(r"(?<=[。！？；!?;])")
_HAN = re.compile(r"[\u4e00-\u9fff]")
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+[、.．]|[（(][一二三四五六七八九十\d]+[)）]|\d+[、.．])")
_TABLE_SEP = re.compile(r"[|\t]|\s{2,}")
MIN_HAN = 8  # shorter sentences ("无。", "详见下表。") say nothing a body could copy


@dataclass(frozen=True, slots=True)
class Sentence:
    line: int  # 1-based line of the report text
    text: str  # as printed (spaces trimmed)
    norm: str  # digits → "#", no spaces


def normalise(s: str) -> str:
    return _NUM.sub("#", _SPACE.sub("", s))


@lru_cache(maxsize=8192)  # three checks read the same lines
def is_table_line(line: str) -> bool:
    """A row of a table: several cells (tabs, pipes, wide gaps) with numbers, or mostly numbers."""
    s = line.strip()
    if not s:
        return False
    cells = [c for c in _TABLE_SEP.split(s) if c.strip()]
    numbers = len(_NUM.findall(s))
    if len(cells) >= 3 and numbers >= 2:
        return True
    digits = sum(ch.isdigit() for ch in s)
    return digits >= 0.3 * len(s.replace(" ", ""))


def _is_template(norm: str) -> bool:
    return any(p.search(norm) for p in template_sentences())


def sentences(text: str) -> list[Sentence]:
    """The counted prose sentences of `text`, in order."""
    out: list[Sentence] = []
    for i, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or is_table_line(line):
            continue
        if _HEADING.match(line) and not re.search(r"[。！？；]", line):
            continue  # a heading, not prose
        for part in _SPLIT.split(line):
            part = part.strip()
            norm = normalise(part)
            if len(_HAN.findall(norm)) < MIN_HAN or _is_template(norm):
                continue
            out.append(Sentence(i, part, norm))
    return out
