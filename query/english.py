"""English questions: telling them apart, and the bilingual help they get when we cannot read them.

Why its own module: the words themselves (English indicator words, English kinds of places) are in the
vocabulary files; what is left is the decision "this is an English question we did not understand", which
must end in a help text in both languages, never in numbers and never in "没有找到「what is the weather」".
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

_WORD = re.compile(r"[A-Za-z]{2,}")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def is_english(question: str) -> bool:
    """True for a question written in Latin letters (English words or pinyin) with no Chinese character."""
    return bool(_WORD.search(question or "")) and not _CJK.search(question or "")


@lru_cache(maxsize=1)
def english_help() -> str:
    """The Chinese/English help for an English question we could not read (query/data/help_en.txt)."""
    return (Path(__file__).resolve().parent / "data" / "help_en.txt").read_text(encoding="utf-8").strip()
