"""Central government bodies (国务院部门): their names, short forms and renamings, from data/central_bodies.csv.

Why: a central body's name carries no place (交通运输部, 审计署, 海关总署), so the place rule that refuses
部/局/署 without a place (宣传部, 统计局: whose?) refused them too. Only the names in the data file are
national bodies; a short form local bodies share (统计局, 卫健委) never names the central body alone.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "central_bodies.csv"


@dataclass(frozen=True, slots=True)
class CentralBody:
    """One central body; `until`/`successor` set when it was renamed or merged away."""

    name: str
    category: str
    short: tuple[str, ...]  # forms naming only this body
    shared: tuple[str, ...]  # forms local bodies use as well
    since: int | None
    until: int | None
    successor: str


def _year(cell: str) -> int | None:
    return int(cell) if cell.strip().isdigit() else None


def _split(cell: str) -> tuple[str, ...]:
    return tuple(p.strip() for p in (cell or "").split("|") if p.strip())


@lru_cache(maxsize=1)
def central_bodies() -> tuple[CentralBody, ...]:
    """Every body of the data file, in file order."""
    with _DATA.open(encoding="utf-8", newline="") as fh:
        rows = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    return tuple(
        CentralBody(
            r["name"].strip(), r["category"].strip(), _split(r["short"]), _split(r["shared"]),
            _year(r["since"]), _year(r["until"]), (r["successor"] or "").strip(),
        )
        for r in csv.DictReader(rows)
    )  # fmt: skip


@lru_cache(maxsize=1)
def _by_form() -> dict[str, CentralBody]:
    """Full name or own short form → body (a shared form is not in here)."""
    out: dict[str, CentralBody] = {}
    for b in central_bodies():
        for form in (b.name, *b.short):
            out.setdefault(form, b)
    return out


STATE_PREFIX = "中华人民共和国"  # 中华人民共和国交通运输部, 中华人民共和国海关总署: the same body, formally named


def central_body(name: str) -> CentralBody | None:
    """The central body a whole name (full or own short form, with or without 中华人民共和国) denotes;
    None for 统计局, 宣传部, 临江市…"""
    name = (name or "").strip()
    got = _by_form().get(name)
    if got is None and name.startswith(STATE_PREFIX):
        got = _by_form().get(name[len(STATE_PREFIX):])
    return got


def is_central(name: str) -> bool:
    """Is this the full name of a central body (as stored)?"""
    b = central_body(name)
    return b is not None and b.name == (name or "").strip()
