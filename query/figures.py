"""Rankings and totals over a set of bodies, for digests and summaries: the answer engine's own code.

Why here: the weekly digest, the yearly summary and its chart rank and sum the same figures the bot
answers for 「2020年依申请数最多的前5个单位」 and 「…合计」. They call answer_scope.collect (the ranking and
total answerers' scoring) over the engine's read cache, so a digest can never disagree with an answer
(same formulas per template, same blanks left out, same order on ties).
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy.engine import Engine

from query.answer_scope import Scored, collect
from query.cache import ReadCache
from query.indicators import CONCEPTS, IndicatorMatch


class ScopeFigures:
    """Ranking and total of one indicator concept over given bodies and a year, from one read cache."""

    def __init__(self, source: Engine | ReadCache) -> None:
        self.cache = source if isinstance(source, ReadCache) else ReadCache(source)

    def scored(self, concept: str, year: int, agency_ids: Iterable[int], top: int = 10) -> Scored:
        """The bodies (of `agency_ids`) with a figure that year: `total` and `counted` over all of them,
        the best `top` as rows with their sources (the ranking)."""
        self.cache.ensure()
        scope = [a for a in dict.fromkeys(agency_ids) if a in self.cache.agencies]
        return collect(self.cache, IndicatorMatch(CONCEPTS[concept]), year, scope, top)


def figures_of(source: Engine | ReadCache | ScopeFigures) -> ScopeFigures:
    return source if isinstance(source, ScopeFigures) else ScopeFigures(source)
