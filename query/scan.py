"""Find agency forms, place names and indicator phrases in a question (longest match first).

Also returns the name-like segments: runs of agency mentions and unexplained characters between indicator
phrases and spaces, so "银川市西下区审批服务管理局" is judged as one (mistyped) name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from query.agencies import AgencyIndex, Mention
from query.indicators import IndicatorMatch, column_concept, combine, concept, phrase_table
from query.parse_question import ParsedQuestion, strip_fillers
from query.words import negations, rewrite_at, special_at

MAX_SCAN = 600  # characters of a question scanned for names and indicators (the bot caps questions at 500)
MAX_PHRASE = 48
CONNECTORS = frozenset("和与跟及同比、，,;；/")  # between two names: "A和B" is A and B ("A比B多多少" too)


@dataclass
class Segment:
    text: str = ""
    residual: str = ""
    mentions: list[int] = field(default_factory=list)


def meaningful(residual: str) -> str:
    """Residual characters minus fillers and digits; words of one CJK character are noise, except the
    ones that turn a question around (非, 除: "非自然人", "除了X"), which must stop an answer."""
    rest = strip_fillers(residual)
    keep = negations()
    return " ".join(w for w in rest.split() if len(w) >= 2 or re.fullmatch(r"[a-z]{2,}|率", w) or w in keep)


def _phrase_at(text: str, i: int, table: dict) -> tuple[str, int]:
    """The longest indicator phrase starting at i (it may span the spaces punctuation became)."""
    n = len(text)
    for j in range(min(n, i + MAX_PHRASE), i + 1, -1):
        if text[j - 1] == " ":
            continue
        piece = text[i:j].replace(" ", "")
        if piece in table:
            return piece, j - i
    return "", 0


def _add_match(matches: list[IndicatorMatch], table: dict, phrase: str, span: tuple[int, int]) -> None:
    cid, col = table[phrase]
    c = column_concept(col) if cid.startswith("column:") else concept(cid)
    if c is not None:
        matches.append(IndicatorMatch(c, col, span, [phrase]))


def scan(
    index: AgencyIndex, pq: ParsedQuestion
) -> tuple[list[Mention], list[IndicatorMatch], list[Segment], list[str]]:
    """Mentions, indicator matches, segments and intent kinds (query/words.py) of the question's rest."""
    text = pq.rest.replace("的", "")[:MAX_SCAN]
    table = phrase_table()
    mentions: list[Mention] = []
    matches: list[IndicatorMatch] = []
    segments: list[Segment] = []
    kinds: list[str] = []
    cur = Segment()

    def close() -> None:
        nonlocal cur
        if cur.text:
            segments.append(cur)
        cur = Segment()

    i, n = 0, len(text)
    while i < n:
        if text[i] == " ":
            close()
            i += 1
            continue
        m = index.match_at(text, i)
        best_phrase, best_len = _phrase_at(text, i, table)
        if text[i] in CONNECTORS and cur.mentions and not best_phrase:
            # "甲局和乙局": two names, not one mistyped name, even where a place starts with 和 ("和鸣乡")
            # (a 和 inside a name, 人力资源和社会保障局, was consumed with the name already)
            after = index.match_at(text, i + 1)
            if after is not None and (m is None or after.span[1] >= m.span[1]):
                close()
                i += 1
                continue
        said = rewrite_at(text, i)
        if said is not None and said[0] in table and said[1] > best_len and (m is None or said[1] > len(m.text)):
            best_phrase, best_len = said[0], said[1]  # a longer colloquial phrase (办结总计) beats its start (办结)
        if m is not None and (m.span[1] - m.span[0]) >= len(best_phrase):
            mentions.append(m)
            cur.text += m.text
            cur.mentions.append(len(mentions) - 1)
            i = m.span[1]
        elif best_phrase:
            close()
            _add_match(matches, table, best_phrase, (i, i + best_len))
            i += best_len
        elif said is not None and said[0] in table:
            close()
            _add_match(matches, table, said[0], (i, i + said[1]))
            i += said[1]
        elif (kind := special_at(text, i)) is not None:
            close()
            kinds.append(kind[0])
            i += kind[1]
        else:
            cur.text += text[i]
            cur.residual += text[i]
            i += 1
    close()
    for seg in segments:
        seg.residual = meaningful(seg.residual)
    return mentions, combine(matches), segments, kinds
