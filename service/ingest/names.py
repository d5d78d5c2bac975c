"""Is a report's agency name an identity? A generic or partial name must never become one.

Why (issue 15.1): reports whose opening said only "本局办公室" or "区人民政府" were stored as one body and
the second silently replaced the first's values. A name is refused (`no_agency`) when it points at
whoever wrote the text (本局, 该局…), when nothing is left once the generic words of a body's type and
level are taken away (办公室, 政府办公室, 区人民政府), or when it names no place, the parser found none,
and it is not a national body (国家…/国务院… or a central body of reports/data/central_bodies.csv: 交通运输部,
审计署; never a form local bodies share, 统计局). The words live in data/agency_words.csv.
"""

from __future__ import annotations

import csv
import re
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any

from reports.central import central_body
from reports.model import ReportIdentity
from reports.regions import agency_kind, region_path

WORDS = Path(__file__).with_name("data") / "agency_words.csv"
HOW_TO = "请用 `disclosure-bot ingest --agency 机关全称 文件` 指明发布机关 (pass the name with --agency NAME)"


@cache
def _words() -> dict[str, tuple[str, ...]]:
    out: dict[str, list[str]] = {}
    with WORDS.open(encoding="utf-8", newline="") as f:
        for row in csv.DictReader(f):
            out.setdefault(row["kind"], []).append(row["word"].strip())
    # longest first, so 人民政府 is taken away before 政府
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@cache
def _generic_pattern() -> re.Pattern[str]:
    return re.compile("|".join(map(re.escape, _words()["generic"])))


def _clean(name: str) -> str:
    return re.sub(r"[\s\u3000()（）]+", "", name or "")


def _starts_with_division(name: str) -> bool:
    """Does the name start with a real division (贵阳市, 贵州, 本溪市), not a deictic word (贵局, 该县)?"""
    from reports.divisions import by_name
    from reports.regions import province_short

    names = by_name()
    return any(name[:k] in names or name[:k] in province_short() for k in range(2, min(len(name), 12) + 1))


def generic_reason(name: str) -> str | None:
    """Why this name says nothing about which body it is (None: it names someone)."""
    clean = _clean(name)
    if not clean:
        return "没有机关名称 (no agency name)"
    if clean.startswith(_words()["deictic"]) and not _starts_with_division(clean):  # 贵局; not 贵阳市…
        return f"“{clean}”只是指代，不是机关名称 (a reference, not a name)"
    if not _generic_pattern().sub("", clean):
        return f"“{clean}”只是机关类型，没有具体名称 (a type of body, not a name)"
    return None


def identity_problem(identity: ReportIdentity) -> str | None:
    """Why a parsed identity cannot be stored under its name, or None."""
    reason = generic_reason(identity.agency)
    if reason:
        return reason
    clean = _clean(identity.agency)
    if region_path(clean) or identity.region_path or clean.startswith(_words()["national"]):
        return None
    if central_body(clean) is not None:  # 交通运输部, 海关总署: national, no place to name
        return None
    return f"“{clean}”没有地名，无法确定是哪个机关 (no place in the name: which body is it?)"


def with_agency(parsed: Any, name: str) -> Any:
    """The parsed report under the name the operator gave (`--agency`), place and kind re-derived."""
    clean = _clean(name)
    ident = parsed.identity
    parsed.identity = replace(
        ident,
        agency=clean,
        region_path=region_path(clean) or list(ident.region_path or []),
        kind=agency_kind(clean),
        aliases=[],
    )
    return parsed
