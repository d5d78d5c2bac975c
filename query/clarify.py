"""Replies that carry no number: which body did you mean, we do not know that name, help.

Why one module: the interpreter and the answerers both need them, and a clarification must look the
same wherever the doubt arose.
"""

from __future__ import annotations

from query import format as fmt
from query.agencies import Resolution
from query.cache import ReadCache
from query.types import Answer, Candidate

MAX_LIST = 60


def years_hint(cache: ReadCache, aid: int) -> str:
    ys = cache.years.get(aid, [])
    return f"（{fmt.year_list(ys)}）" if ys else "（暂无报告）"


def ambiguous(cache: ReadCache, text: str, ids: list[int], scores: list[float], place: str = "") -> Answer:
    """Several bodies fit `text`: list them (never pick for the user)."""
    ids = ids[:MAX_LIST]
    cands = [
        Candidate(cache.agencies[a].name, "agency", cache.agencies[a].name, float(s))
        for a, s in zip(ids, scores or [0.0] * len(ids), strict=False)
    ]
    where = f"（地区：{place.split('/')[-1]}）" if place and "|" not in place else ""
    lines = [f"「{text}」{where}对应多个单位，请选择一个（或写出全称）："]
    lines += [f"{i}. {c.label}{years_hint(cache, a)}" for i, (c, a) in enumerate(zip(cands, ids, strict=False), 1)]
    return Answer("ambiguous", "\n".join(lines), candidates=cands, intent="value")


def agency_not_found(cache: ReadCache, text: str, res: Resolution | None = None) -> Answer:
    """A name the question states and we cannot resolve: not_found with the nearest names, no wider scope."""
    res = res or cache.index.resolve_text(text)
    ids = list(res.ids or [])[:5]
    if not ids:
        ids = [aid for aid, _p, _s in cache.index.fuzzy(text, limit=5) if aid >= 0][:5]
    cands = [Candidate(cache.agencies[a].name, "agency", cache.agencies[a].name) for a in ids]
    msg = f"没有找到「{text}」：库里没有这个单位的年度报告。"
    if cands:
        msg += "您是不是要找：" + "、".join(c.label for c in cands) + "？"
    else:
        msg += "发送“有哪些单位”查看已收录的单位。"
    msg += fmt.HOW_TO_ADD
    return Answer("not_found", msg, candidates=cands, intent="value")


def help_answer(prefix: str = "", status: str = "ok") -> Answer:
    text = (prefix + "\n" if prefix else "") + fmt.HELP
    return Answer(status, text.strip(), intent="help", context={"save": False})  # type: ignore[arg-type]


def place_label(place: str) -> str:
    if not place:
        return "全库 "
    return "、".join(p.split("/")[-1] for p in place.split("|")) + " "


def place_not_found(cache: ReadCache, place: str) -> Answer:
    """A real place we hold no report from ("大武口 依申请数排名"): not_found with the nearest bodies we do
    hold, never a ranking or total of some wider scope."""
    ids = cache.index.nearby(place.split("|"))
    cands = [Candidate(cache.agencies[a].name, "agency", cache.agencies[a].name) for a in ids]
    name = "、".join(p.split("/")[-1] for p in place.split("|"))
    msg = f"库里还没有{name}任何单位的年度报告，所以无法排名或合计。"
    msg += ("附近已收录：" + "、".join(c.label for c in cands) + "。") if cands else "发送“有哪些单位”查看已收录的单位。"
    msg += fmt.HOW_TO_ADD
    return Answer("not_found", msg, candidates=cands, intent="value")
