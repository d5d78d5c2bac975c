"""The indicator catalogue (keys from shared/spec/indicators.csv, extended in-project)."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import cache
from importlib import resources


@dataclass(frozen=True, slots=True)
class IndicatorDef:
    key: str
    templates: tuple[str, ...]  # e.g. ("2019", "2021")
    section: str
    row_label: str
    column_label: str
    unit: str
    name_zh: str


@cache
def catalogue() -> tuple[IndicatorDef, ...]:
    """All rows of the catalogue; one key may appear once per template family."""
    text = resources.files("reports").joinpath("data/indicators.csv").read_text(encoding="utf-8")
    rows = []
    for r in csv.DictReader(text.splitlines()):
        rows.append(
            IndicatorDef(
                key=r["key"],
                templates=tuple(r["templates"].split()),
                section=r["section"],
                row_label=r["row_label"],
                column_label=r["column_label"],
                unit=r["unit"],
                name_zh=r["name_zh"],
            )
        )
    return tuple(rows)


@cache
def by_key() -> dict[str, list[IndicatorDef]]:
    out: dict[str, list[IndicatorDef]] = {}
    for d in catalogue():
        out.setdefault(d.key, []).append(d)
    return out


def definition(key: str, template: str | None = None) -> IndicatorDef | None:
    """The catalogue row for `key`, preferring the one for `template` (2008/2019/2021)."""
    defs = by_key().get(key)
    if not defs:
        return None
    if template:
        for d in defs:
            if template in d.templates:
                return d
    return defs[0]


def unit_of(key: str, template: str | None = None) -> str:
    d = definition(key, template)
    return d.unit if d else ""


def all_keys() -> list[str]:
    return list(by_key())
