"""PNG charts for trends and comparisons (matplotlib, Agg backend, a CJK font when one is installed).

Why the fallback: many servers have no Chinese font; then labels use numbers (①②…) and the legend
below the chart repeats them with ASCII-safe text, while the full names are in the text reply.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Sequence
from functools import cache

import matplotlib

matplotlib.use("Agg")

from query.types import AnswerRow  # noqa: E402

log = logging.getLogger(__name__)
CJK_HINTS = ("Noto Sans CJK", "Noto Serif CJK", "Source Han", "WenQuanYi", "SimHei", "Microsoft YaHei",
             "PingFang", "Heiti", "Songti", "STHeiti", "AR PL", "Droid Sans Fallback", "Noto Sans SC")


@cache
def cjk_font() -> str | None:
    """Name of an installed font with Chinese glyphs, or None."""
    from matplotlib import font_manager

    names = sorted({f.name for f in font_manager.fontManager.ttflist})
    for hint in CJK_HINTS:
        for name in names:
            if hint.lower() in name.lower():
                return name
    return None


def _plain(text: str) -> str:
    """Text matplotlib draws as written: a `$` would otherwise start mathtext (and a bad formula fails the chart)."""
    return text.replace("$", r"\$")


def _label(text: str, index: int, have_cjk: bool) -> str:
    if have_cjk or text.isascii():
        return _plain(text if len(text) <= 14 else text[:13] + "…")
    return f"#{index}"


def render_chart(rows: Sequence[AnswerRow], intent: str) -> bytes | None:
    """A line chart (trend: value by year per agency) or a bar chart (compare/rank); None if < 2 numbers."""
    rows = [r for r in rows if r.value is not None]
    if len(rows) < 2:
        return None
    import warnings

    from matplotlib.figure import Figure

    font = cjk_font()
    fig = Figure(figsize=(8, 4.5), dpi=100)
    ax = fig.add_subplot(1, 1, 1)
    if font:
        matplotlib.rcParams["font.sans-serif"] = [font, "DejaVu Sans"]
        matplotlib.rcParams["axes.unicode_minus"] = False
    unit = rows[0].unit
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # missing glyph warnings when no CJK font
        agencies = list(dict.fromkeys(r.agency for r in rows))
        years = sorted({r.year for r in rows})
        if intent == "trend" and len(years) >= 2:
            for i, agency in enumerate(agencies, 1):
                pts = sorted((r.year, float(r.value)) for r in rows if r.agency == agency)  # type: ignore[arg-type]
                ax.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=_label(agency, i, bool(font)))
            ax.set_xticks(years)
            ax.set_xlabel("year")
            if len(agencies) > 1:
                ax.legend(fontsize=8)
        else:
            labels = [_label(f"{r.agency} {r.year}" if len(years) > 1 else r.agency, i, bool(font))
                      for i, r in enumerate(rows, 1)]
            values = [float(r.value) for r in rows]  # type: ignore[arg-type]
            bars = ax.bar(range(len(values)), values, color="#3b7dd8")
            ax.set_xticks(range(len(values)), labels, rotation=30 if len(values) > 4 else 0, ha="right", fontsize=8)
            ax.bar_label(bars, fmt="%g", fontsize=8)
        if unit and (font or unit.isascii()):
            ax.set_ylabel(_plain(unit))
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    return buf.getvalue()
