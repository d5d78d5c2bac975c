"""Where a report's sections 一–六 start (the 2019/2021 formats' six headings), from data/sections.csv.

A heading is found by its words, whatever numeral it carries, so a report that swaps two sections is told
so ("printed as 五") instead of being told that both are missing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from audit.prose import is_table_line
from audit.rules import sections

_HEAD = re.compile(r"^\s*([一二三四五六七八九十]+)\s*[、.．]\s*(.{2,40})$")


@dataclass(frozen=True, slots=True)
class Found:
    line: int  # 1-based line of the heading
    printed: str  # the numeral the report printed


def section_starts(lines: list[str]) -> dict[str, Found]:
    """Section numeral (official) → where its heading is; the first heading that fits each section wins."""
    found: dict[str, Found] = {}
    for i, line in enumerate(lines, 1):
        m = _HEAD.match(line.strip())
        if not m or is_table_line(line):
            continue
        for s in sections():
            if s.numeral not in found and s.keywords.search(m[2]):
                found[s.numeral] = Found(i, m[1])
                break
    return found


def section_bodies(lines: list[str]) -> dict[str, tuple[int, list[str]]]:
    """Numeral → (heading line, the non-empty lines up to the next found heading)."""
    starts = sorted((f.line, num) for num, f in section_starts(lines).items())
    out = {}
    for k, (ln, num) in enumerate(starts):
        end = starts[k + 1][0] - 1 if k + 1 < len(starts) else len(lines)
        out[num] = (ln, [s.strip() for s in lines[ln:end] if s.strip()])
    return out
