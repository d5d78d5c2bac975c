"""What to say when a report gives no number for a cell, by why (issue 13).

Only a blank printed cell is "空白，不按 0 计"; a printed mark is quoted; a row present but not
readable, or not found at all, is said to be unread, with the lines where it is (or should be).
A key with no stored state (a report stored before cell states, or a prose report) is "not read",
never blank.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from query.types import AnswerRow, Source
from storage.cells import CellRec

STATE_NONE = "not_read"  # no state stored: the parser did not find the cell


def state_of(rec: CellRec | None) -> str:
    return rec.state if rec is not None else STATE_NONE


def _where(rec: CellRec) -> str:
    if rec.state == "missing" and rec.end_line > rec.line_no:
        return f"第{rec.line_no}–{rec.end_line}行"
    return f"第{rec.line_no}行" if rec.line_no else ""


def no_number_text(
    head: str, keys: Sequence[str], states: dict[str, CellRec], name: Callable[[str], str]
) -> str:
    """One sentence per kind of gap, e.g. head = "某局 2020 年度报告中"."""
    groups: dict[str, list[str]] = {}
    for k in keys:
        groups.setdefault(state_of(states.get(k)), []).append(k)
    parts: list[str] = []
    for state, ks in groups.items():
        names = "、".join(name(k) for k in ks[:3])
        rec = states.get(ks[0])
        if state == "blank":
            parts.append(f"{head}「{names}」一栏是空白（未填写），无法给出数字——空白不按 0 计。")
        elif state == "mark" and rec is not None:
            parts.append(
                f"{head}「{names}」一栏印的是“{rec.mark}”（{_where(rec)}），没有给出数字，不按 0 计。"
            )
        elif state == "unreadable" and rec is not None:
            parts.append(
                f"{head}「{names}」这一行印在{_where(rec)}，但没能读出各栏的数字，请以原文为准：「{rec.line_text[:80]}」"
            )
        elif state == "missing" and rec is not None:
            where = f"（应在{_where(rec)}的表格中）" if rec.line_no else ""
            parts.append(f"{head}没有找到「{names}」这一行{where}，无法给出数字，请以原文为准。")
        else:
            parts.append(f"{head}没有读到「{names}」的数字（表中未找到该项），无法给出数字，请以原文为准。")
    return "".join(parts)


def cell_rows(
    agency: str, year: int, keys: Sequence[str], states: dict[str, CellRec], source: Callable[[int, str], Source]
) -> list[AnswerRow]:
    """Non-numeric cells as answer rows (value None, with their state) for `ask --json`."""
    out = []
    for k in keys:
        rec = states.get(k)
        row = AnswerRow(agency, year, k, None, "", source(rec.line_no if rec else 0, rec.line_text if rec else ""))
        row.state = state_of(rec)
        row.mark = rec.mark if rec is not None else ""
        out.append(row)
    return out
