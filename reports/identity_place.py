"""A body named without its place (市科委, 区人民政府, 本局办公室) gets the place the report prints, or none.

Why: two reports titled only "区人民政府" or "本局办公室" are different bodies; storing them under the
bare name would merge their numbers. A place-less name is completed only from the document itself (the
name printed with its place in front: "上海市科委", "兴庆区人民政府"); otherwise identify() refuses
with no_agency, and the user can name the body (`ingest --agency`).
"""

from __future__ import annotations

import csv
import re
from functools import cache
from importlib import resources

from reports.regions import is_place_only, place_prefix

_ADMIN = "省市区县镇乡州旗盟"
_SELF = re.compile(r"^(?:本|我|该)")
# whole names that say what kind of body, never which one
_GENERIC_BODIES = frozenset(
    "人民政府 政府 人民政府办公室 政府办公室 办公室 办公厅 局 委 委员会 管委会 中心 局办公室 政府办 街道办事处".split()
)
_NOT_PLACE_START = tuple("全本各我该此其")
# characters no place name is made of in running text before a name (由市科委, 在区政府, 年，上海市)
_NOT_IN_PLACE = re.compile(r"[^\u4e00-\u9fff]|[的了在由是和与及对为年报告本各全该我其此向从于将把被等]")


@cache
def body_short_forms() -> dict[str, str]:
    """Common short forms of department names (reports/data/body_short_forms.csv)."""
    text = resources.files("reports").joinpath("data/body_short_forms.csv").read_text(encoding="utf-8")
    return {r["short"]: r["full"] for r in csv.DictReader(text.splitlines())}


def placeless(name: str) -> bool:
    """True for a name that does not say which body: no place in front, and a bare level or 本/我."""
    if place_prefix(name):
        return False
    if _SELF.match(name):
        return True
    rest = name[1:] if name[:1] in _ADMIN else name
    return name[:1] in _ADMIN or rest in _GENERIC_BODIES


def expand_body(name: str) -> str:
    """上海市科委 → 上海市科学技术委员会 (the body part only, when it is a known short form)."""
    prefix = place_prefix(name)
    body = name[len(prefix) :]
    full = body_short_forms().get(body)
    return prefix + full if prefix and full else name


def _printed_place(name: str, text: str) -> str | None:
    """The place printed right before `name` in the text ("上海" + "市科委"), if exactly one."""
    found: set[str] = set()
    for m in re.finditer(re.escape(name), text):
        window = text[max(0, m.start() - 10) : m.start()]
        level = name[:1] if name[:1] in _ADMIN else ""
        for i in range(len(window)):
            cand = window[i:] + level
            if (
                3 <= len(cand) <= 10
                and not cand.startswith(_NOT_PLACE_START)
                and not _NOT_IN_PLACE.search(cand)
                and is_place_only(cand)
            ):
                found.add(cand)
                break
    return found.pop() if len(found) == 1 else None


def complete_place(name: str, text: str) -> str | None:
    """The full name of a place-less `name` as the text prints it, or None when the text never says."""
    bare = _SELF.sub("", name)
    if not bare or bare != name:
        return None  # 本局, 我委: only the document's own title could say which
    forms = [bare]
    if bare[:1] in _ADMIN and bare[1:] in body_short_forms():
        forms.append(bare[:1] + body_short_forms()[bare[1:]])
    for form in forms:
        place = _printed_place(form, text)
        if place is not None:
            return expand_body(place + form[1:] if form[:1] in _ADMIN else place + form)
    return None


def short_aliases(official: str) -> list[str]:
    """上海市科学技术委员会 → [上海市科委, 上海市科技委]: the short forms a report or a user may print."""
    prefix = place_prefix(official)
    body = official[len(prefix) :]
    if not prefix:
        return []
    return [prefix + short for short, full in body_short_forms().items() if full == body and short != body]
