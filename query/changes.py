"""What a trend or comparison means: change from year to year, and the difference between bodies.

Why computed here and not left to the reader: "趋势" asks how much it moved (absolute and %), "对比"
asks who has more and by how much; the rows carry the figures (`change`, `change_pct`) for every
front end, and these lines say them in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from query import format as fmt
from query.types import AnswerRow
from reports import exact
from reports.exact import Number


def _pct(delta: Number, base: Number) -> float | None:
    """The change in % of the base, to 0.1 (a ratio: computed in Decimal, kept as a float for display)."""
    return float(round(Decimal(100) * Decimal(delta) / Decimal(base), 1)) if base else None


def _signed(delta: Number, unit: str) -> str:
    return ("+" if delta > 0 else "−" if delta < 0 else "±") + fmt.number(abs(delta), unit)


def _said(delta: Number, pct: float | None, unit: str) -> str:
    return _signed(delta, unit) + (f"（{pct:+.1f}%）" if pct is not None else "（上一年为 0，无百分比）")


def trend_lines(rows: Sequence[AnswerRow]) -> list[str]:
    """Year-to-year change per body and indicator; sets row.change / row.change_pct."""
    lines: list[str] = []
    last: dict[tuple[str, str], AnswerRow] = {}
    for row in sorted(rows, key=lambda r: (r.agency, r.indicator, r.year)):
        prev = last.get((row.agency, row.indicator))
        last[(row.agency, row.indicator)] = row
        if prev is None or row.value is None or prev.value is None or row.unit != prev.unit:
            continue
        row.change = exact.diff(row.value, prev.value)
        row.change_pct = _pct(row.change, prev.value)
        gap = "" if row.year == prev.year + 1 else "（中间年份缺报告）"
        lines.append(f"{prev.year}→{row.year} 年{gap}：{_said(row.change, row.change_pct, row.unit)}")
    return ["逐年变化：" + "；".join(lines) + "。"] if lines else []


def compare_lines(rows: Sequence[AnswerRow]) -> list[str]:
    """Difference of each body to the first one named, same year and indicator; sets row.change."""
    lines: list[str] = []
    first: dict[tuple[int, str], AnswerRow] = {}
    for row in rows:
        base = first.setdefault((row.year, row.indicator), row)
        if base is row or row.value is None or base.value is None:
            continue
        row.change = exact.diff(row.value, base.value)
        row.change_pct = _pct(row.change, base.value)
        more = "多" if row.change > 0 else "少" if row.change < 0 else "持平"
        amount = "" if more == "持平" else fmt.number(abs(row.change), row.unit)
        lines.append(f"{row.year} 年 {row.agency} 比 {base.agency} {more}{amount}")
    return ["同年对比：" + "；".join(lines) + "。"] if lines else []


def best_year_lines(rows: Sequence[AnswerRow], which: str) -> list[str]:
    """"哪一年最多/最少": the year(s) with the highest (lowest) figure, per body and indicator."""
    if not which:
        return []
    lines = []
    groups: dict[tuple[str, str], list[AnswerRow]] = {}
    for row in rows:
        if row.value is not None:
            groups.setdefault((row.agency, row.indicator), []).append(row)
    for (agency, _key), items in groups.items():
        best = (max if which == "max" else min)(r.value for r in items)  # type: ignore[type-var]
        years = "、".join(str(r.year) for r in items if r.value == best)
        word = "最多" if which == "max" else "最少"
        lines.append(f"{agency} {word}的是 {years} 年（{fmt.number(best, items[0].unit)}，共比较 {len(items)} 个年份）。")
    return lines
