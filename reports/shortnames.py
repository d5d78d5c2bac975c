"""Short forms of body names as people write them (科委, 发改委, 人社局, 地税局, 审批局 …).

Why rules and not lists of bodies: a question may name any body in the country by its short form before
we hold its report. The rules live in reports/data/short_forms.csv (full piece → short piece); on top of
them the general pattern of such abbreviations (first character of each two-character word, then the
kind of body: 卫生健康委员会 → 卫健委, 发展和改革局 → 发改局) covers names no rule lists.
"""

from __future__ import annotations

import csv
from functools import lru_cache
from pathlib import Path

_DATA = Path(__file__).resolve().parent / "data" / "short_forms.csv"
# kind of body → the character the short form ends with
_KIND_ENDINGS = (("委员会", "委"), ("办公室", "办"), ("局", "局"), ("厅", "厅"))


@lru_cache(maxsize=1)
def rules() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """(full piece, short pieces) from the data file, longest full piece first."""
    with _DATA.open(encoding="utf-8", newline="") as fh:
        rows = [ln for ln in fh if ln.strip() and not ln.startswith("#")]
    table: dict[str, list[str]] = {}
    for row in csv.DictReader(rows):
        full, short = row["full"].strip(), row["short"].strip()
        if full and short and full != short and short not in table.setdefault(full, []):
            table[full].append(short)
    for full, short in [(f, s) for f, shorts in table.items() for s in shorts]:
        for other_full, other_short in _other_kinds(full, short):
            if short_of_kind := table.setdefault(other_full, []):
                if other_short in short_of_kind:
                    continue
            table[other_full].append(other_short)
    return tuple(sorted(((f, tuple(s)) for f, s in table.items()), key=lambda t: -len(t[0])))


# The same department at another level of government: 局 (city, county), 厅 (province), 部 (the State
# Council), 委员会 → 委. A rule written for one (人力资源和社会保障局 → 人社局) holds for the others
# (人社厅, 人社部); a rule the data file states for a kind itself wins (it is listed first).
_KINDS = (("局", "局"), ("厅", "厅"), ("部", "部"), ("委员会", "委"))


def _other_kinds(full: str, short: str) -> list[tuple[str, str]]:
    """(full, short) of the same rule for the other kinds of body, when both end with the same kind."""
    for ending, mark in _KINDS:
        if full.endswith(ending) and short.endswith(mark) and len(short) > len(mark):
            stem, short_stem = full[: -len(ending)], short[: -len(mark)]
            if len(stem) < 2 or len(short_stem) < 2 or stem.endswith(("分", "总")):  # 科委 is no 科局
                return []
            return [(stem + e, short_stem + m) for e, m in _KINDS if e != ending]
    return []


def pattern_form(body: str) -> str:
    """The general first-character abbreviation of a department's name, or '' when it does not apply.

    卫生健康委员会 → 卫健委, 发展和改革局 → 发改局, 科学技术委员会 → 科技委; words must be two characters
    each (人力资源和社会保障局 has four-character words: its short form 人社局 comes from the rules)."""
    for ending, mark in _KIND_ENDINGS:
        if body.endswith(ending) and len(body) > len(ending):
            stem = body[: -len(ending)]
            words = [w for w in stem.split("和") if w]
            if not words or any(len(w) % 2 or len(w) > 4 for w in words):
                return ""
            chunks = [w[i : i + 2] for w in words for i in range(0, len(w), 2)]
            if len(chunks) < 2:
                return ""
            return "".join(c[0] for c in chunks) + mark
    return ""


@lru_cache(maxsize=20000)
def body_short_forms(body: str) -> tuple[str, ...]:
    """Every short form of a body's name without its places (each rule replaces its piece once)."""
    out: list[str] = []
    for full, shorts in rules():
        if full in body:
            for s in shorts:
                form = body.replace(full, s, 1)
                if form != body and form not in out:
                    out.append(form)
    general = (
        "" if out else pattern_form(body)
    )  # a rule knows better than the pattern (人社局, not 人资社保局)
    if general and general != body:
        out.append(general)
    return tuple(out)


@lru_cache(maxsize=1)
def name_pieces() -> frozenset[str]:
    """Pieces that belong to a name and must be read whole: every division's name and short form (2+
    characters) and every full or short piece of the rules. A question reader keeps their characters
    even when one of them alone is a filler word (上海市科委: 上; 平潭地税局: 地)."""
    from reports.divisions import divisions

    pieces = {p for d in divisions() for p in (d.name, d.short) if len(p) >= 2}
    pieces |= {p for full, shorts in rules() for p in (full, *shorts)}
    return frozenset(pieces)


def protected_spans(text: str, longest: int = 12) -> list[tuple[int, int]]:
    """Non-overlapping spans of `text` that are name pieces (longest match first, left to right)."""
    pieces = name_pieces()
    spans: list[tuple[int, int]] = []
    i, n = 0, len(text)
    while i < n:
        for j in range(min(n, i + longest), i + 1, -1):
            if text[i:j] in pieces:
                spans.append((i, j))
                i = j
                break
        else:
            i += 1
    return spans


@lru_cache(maxsize=1)
def _orders() -> dict[str, tuple[str, ...]]:
    """kind → words of reports/data/name_orders.csv (longest first)."""
    path = _DATA.parent / "name_orders.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(ln for ln in fh if ln.strip() and not ln.startswith("#")))
    out: dict[str, list[str]] = {}
    for r in rows:
        out.setdefault(r["kind"], []).append(r["word"])
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


@lru_cache(maxsize=1)
def _by_stem() -> dict[str, list[tuple[str, tuple[str, ...]]]]:
    """Division stems (full name, the dataset's short, the name before 区/新区) → (name, path), current first."""
    from reports.divisions import divisions

    out: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    for d in divisions():
        if len(d.path) < 2:
            continue
        for stem in {d.name, d.short, d.name.removesuffix("新区"), d.name.removesuffix("区")} - {""}:
            out.setdefault(stem, []).append((d.name, d.path))
    return out


def _district(outer: str, stem: str) -> str:
    """The full name of the division `stem` names inside the place printed as `outer` (和平 → 和平区)."""
    for name, path in _by_stem().get(stem, ()):
        if any(p and p in outer for p in path[:-1]):
            return name
    return ""


@lru_cache(maxsize=50000)
def rearranged(name: str) -> tuple[str, ...]:
    """The same body's name in the order people type it: 国家税务总局深圳市税务局 → 深圳市税务局,
    天津市公安局和平分局 → 天津市和平区公安分局 (patterns in reports/data/name_orders.csv)."""
    out: list[str] = []
    for prefix in _orders().get("prefix", ()):
        if name.startswith(prefix) and len(name) > len(prefix) + 2:
            out.append(name[len(prefix) :])
            break
    if name.endswith("分局"):
        for organ in _orders().get("branch", ()):
            at = name.find(organ)
            if at <= 0 or at + len(organ) >= len(name) - 2:
                continue
            outer, place = name[:at], name[at + len(organ) : -2]
            full = place if place.endswith(("区", "县", "市", "旗")) else _district(outer, place)
            if full:
                out.append(outer + full + organ[:-1] + "分局")
            break
    return tuple(out)
