"""Charts: drawn for two or more numbers, with names taken literally (no mathtext from a `$`)."""

from __future__ import annotations

import pytest

from query.types import AnswerRow
from service import charts


def _rows(names: list[str], years: list[int]) -> list[AnswerRow]:
    return [AnswerRow(n, y, "apply.received.total", float(i + j), "件") for i, n in enumerate(names)
            for j, y in enumerate(years)]


@pytest.mark.parametrize("have_cjk", [False, True])
@pytest.mark.parametrize("intent", ["trend", "compare"])
def test_dollar_signs_in_names_do_not_break_the_chart(monkeypatch, have_cjk, intent):
    monkeypatch.setattr(charts, "cjk_font", lambda: "DejaVu Sans" if have_cjk else None)
    rows = _rows(["a$\\frac{$b", "Agency $x^$", "甲$乙$局"], [2019, 2020])
    png = charts.render_chart(rows, intent)
    assert png is not None and png.startswith(b"\x89PNG")


def test_labels_keep_the_dollar_literally():
    assert charts._label("a$b$c", 1, True) == r"a\$b\$c"
    assert charts._label("甲局", 2, False) == "#2"  # no CJK font: a number, the names are in the text reply


def test_fewer_than_two_numbers_draw_nothing():
    assert charts.render_chart(_rows(["甲"], [2020]), "compare") is None
    assert charts.render_chart([AnswerRow("甲", 2020, "k", None, ""), *_rows(["乙"], [2020])], "compare") is None
