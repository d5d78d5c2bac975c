"""Text clean-up shared by every template parser: one place that knows what layout noise looks like.

Lines keep their 1-based numbers from the decoded document so provenance points at the real line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from reports import exact
from reports.exact import Number

_MD_BOLD = re.compile(r"(\*\*|__)(.+?)\1")
_MD_LINK = re.compile(r"<((?:https?|ftp)://[^>\s]+)>")
_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_MD_BULLET = re.compile(r"^\s*[-*+]\s+(?=\S)")
_CELL_SPLIT = re.compile(r"\t|\s*\|\s*|\s{2,}")
_FOOTER = re.compile(
    r"^\s*(?:[-—–－‐]\s*\d{1,3}\s*[-—–－‐]|第\s*\d{1,3}\s*页(?:\s*[/,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$"
)
NUMBER = re.compile(r"^[+\-]?\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^[+\-]?\d+(?:\.\d+)?$")
_SPACE_RE = re.compile(r"\s+")
# Characters that differ between printings of the same label and carry no meaning.
_LABEL_NOISE = re.compile(r"[\s、，,。.:：;；()（）\[\]【】“”\"'‘’《》<>〈〉·•\-—_/|*]")


@dataclass(slots=True)
class Line:
    no: int  # 1-based line number in the decoded document
    raw: str  # the line as printed (for provenance)
    text: str  # cleaned: NFKC, Markdown artefacts removed, trimmed


def nfkc(s: str) -> str:
    """Full-width digits/letters/punctuation to ASCII (（一） → (一), １２ → 12, － → -)."""
    return unicodedata.normalize("NFKC", s)


def clean_line(raw: str) -> str:
    """Normalise one printed line: NFKC, strip Markdown artefacts, drop zero-width characters."""
    s = nfkc(raw).replace("\u200b", "").replace("\ufeff", "").replace("\xa0", " ")
    s = _MD_LINK.sub(r"\1", s)
    s = _MD_BOLD.sub(r"\2", s)
    s = s.replace("**", "")
    s = _MD_HEADING.sub("", s)
    if "\t" not in s and not _FOOTER.match(s):  # "- 4 -" is a page footer, not a Markdown bullet
        s = _MD_BULLET.sub("", s)
    return s.strip()


def to_lines(text: str) -> list[Line]:
    """Split a decoded document into numbered, cleaned lines (page footers kept, flagged by callers)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return [Line(i, raw, clean_line(raw)) for i, raw in enumerate(text.split("\n"), start=1)]


def is_page_footer(s: str) -> bool:
    """'- 3 -', '— 3 —', '第3页', '第 3 页 共 9 页', '3/9' alone on a line."""
    return bool(_FOOTER.match(nfkc(s)))


def split_cells(s: str) -> list[str]:
    """Cells of a table line split by tabs, '|' or runs of 2+ spaces; empty cells kept as ''."""
    s = s.strip()
    if s.startswith("|"):
        s = s[1:]
    if s.endswith("|"):
        s = s[:-1]
    return [c.strip() for c in _CELL_SPLIT.split(s)]


def parse_number(tok: str) -> Number | None:
    """'12' → 12, '+117' → 117, '-2'/'－2' → -2, '96171.6' → Decimal('96171.6'), '1,234' → 1234; else None.

    Exact (reports.exact): an int when printed without a point, else a Decimal of the printed digits."""
    t = nfkc(tok).strip().replace("−", "-").replace("–", "-")
    if not t or not NUMBER.match(t):
        return None
    return exact.parse(t)


def squash(s: str) -> str:
    """A label reduced for comparison: NFKC, no whitespace or punctuation ('（一）予以公开' → '一予以公开')."""
    return _LABEL_NOISE.sub("", nfkc(s))


def collapse_spaces(s: str) -> str:
    return _SPACE_RE.sub(" ", s).strip()


# ---------------------------------------------------------------------------------------------------
# Traditional → simplified: the one OpenCC converter of the project
# ---------------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _t2s():
    """The converter, built once (loading its dictionaries costs ~0.1 s)."""
    from opencc import OpenCC

    return OpenCC("t2s")


@lru_cache(maxsize=1)
def traditional_chars() -> frozenset[str]:
    """Characters written only in traditional script, from OpenCC's own t2s and s2t character tables
    (a character both scripts use, 於/后/干, is left out so plain simplified text never counts)."""
    base = resources.files("opencc") / "dictionary"

    def table(name: str) -> dict[str, str]:
        out = {}
        for line in (base / name).read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if len(key) == 1 and values:
                out[key] = values.split()[0]
        return out

    simplified = set(table("STCharacters.txt"))
    return frozenset(k for k, v in table("TSCharacters.txt").items() if v != k and k not in simplified)


def has_traditional(text: str) -> bool:
    """True when `text` has a character only traditional script uses (cheap: a set look-up per char)."""
    trad = traditional_chars()
    return any(ch in trad for ch in text)


def to_simplified(text: str) -> str:
    """Traditional → simplified (OpenCC t2s, phrases included); text that cannot be converted is kept."""
    if not text:
        return text
    try:
        return _t2s().convert(text)
    except Exception:  # noqa: BLE001 - a converter bug must not lose the text
        return text
