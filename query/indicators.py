"""User words → catalogue keys, for every report format.

Why concepts rather than a flat synonym → key map: the same question ("依申请数", "予以公开", "诉讼")
points at different rows in the 2008 table and the 2019/2021 tables, and some answers are computed
(litigation total in 2019+, correction rate, share granted). A `Concept` says, per template, which key
or formula answers it; the engine picks the one that exists for the report at hand.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from query.vocabulary import Formula, column_words, concept_rows, generic_words, key_words, weak_column_words
from reports.catalogue import by_key, catalogue, definition

TEMPLATES = ("2008", "2019", "2021", "narrative")
MODERN = ("2019", "2021")


@dataclass(frozen=True)
class Concept:
    id: str
    name: str  # how the reply names it
    words: tuple[str, ...]  # what users type (simplified, no punctuation)
    formulas: dict[str, Formula]  # template → formula; "*" = every template
    unit: str = ""  # for derived ratios ("%")
    explain: str = ""  # glossary text
    modifiable: bool = False  # 2019+ applicant columns (自然人, 商业企业 …) apply
    priority: int = 0

    def formula(self, template: str) -> Formula | None:
        return self.formulas.get(template, self.formulas.get("*"))

    @property
    def templates(self) -> list[str]:
        if "*" in self.formulas:
            return list(TEMPLATES)
        return [t for t in TEMPLATES if t in self.formulas]


# applicant columns of the 2019/2021 tables and columns of tables 二 and 四: word → (key suffix, label)
COLUMNS: dict[str, tuple[str, str]] = column_words("applicant")
WEAK_COLUMNS = weak_column_words()
ORG_PARTS = ("commercial", "research", "social", "legal", "other_org")  # 法人或其他组织 (2019/2021): a stated sum
KEY_COLUMNS: dict[str, tuple[str, str]] = column_words("key")

_C: list[Concept] = [
    Concept(r.id, r.name, r.words, r.formulas, r.unit, r.explain, r.modifiable, r.priority)
    for r in concept_rows()
]

CONCEPTS: dict[str, Concept] = {c.id: c for c in _C}

_NUMBERING = re.compile(r"^(?:[一二三四五六七八九十]+、|\(?[一二三四五六七八九十]+\)|\d+[.、])")
_PAREN_TAIL = re.compile(r"\([^()]*\)$")
_KEY_CONCEPTS: dict[str, str] = {}


def clean(text: str) -> str:
    """A phrase as matched: simplified, no spaces/punctuation, no 的 (the reader drops it too)."""
    from query.parse_question import normalize

    return normalize(text).replace(" ", "").replace("的", "")


@lru_cache(maxsize=1)
def phrase_table() -> dict[str, tuple[str, str | None]]:
    """phrase → (concept id, column suffix or None). Catalogue names are concepts of one key each."""
    table: dict[str, tuple[str, str | None]] = {}
    # catalogue-derived phrases first, so hand-written words win on conflicts
    seen: dict[str, set[str]] = {}
    for d in catalogue():
        base = clean(_PAREN_TAIL.sub("", _NUMBERING.sub("", d.name_zh.replace("（", "(").replace("）", ")"))))
        col = None
        m = re.search(r"\(([^()]*)\)$", d.name_zh.replace("（", "(").replace("）", ")"))
        if m and d.key.startswith("apply.") and not d.key.endswith(".total"):
            col = m.group(1)
        if not d.key.endswith(".total") and col:
            continue  # applicant columns come from base phrase + column word
        for phrase in {clean(d.name_zh), base, re.sub(r"(数量|数|总计)$", "", base)}:
            if len(phrase) >= 4:
                seen.setdefault(phrase, set()).add(d.key)
    owner: dict[str, str] = {}
    for c in _C:
        for f in c.formulas.values():
            if isinstance(f, str):
                owner.setdefault(f, c.id)
    for phrase, keys in seen.items():
        if len(keys) == 1:
            key = next(iter(keys))
            table[phrase] = (owner.get(key, f"key:{key}"), None)
    for c in _C:
        for w in c.words:
            w = clean(w)
            table[w] = (c.id, None)
            if w.startswith(("复议", "诉讼")):
                table["行政" + w] = (c.id, None)
    for cid, words in key_words().items():  # one catalogue row by the words people use ("涉密")
        for w in words:
            table.setdefault(clean(w), (cid, None))
    for w, (suffix, _label) in COLUMNS.items():
        table.setdefault(clean(w), ("column:" + suffix, suffix))
    for w, (suffix, _label) in KEY_COLUMNS.items():
        table.setdefault(clean(w), ("column:k:" + suffix, "k:" + suffix))
    for c in _C:  # pinyin of every Chinese word ("yishenqing"); never over a written word
        for w in c.words:
            py = word_pinyin(clean(w))
            if len(py) >= MIN_PINYIN:
                table.setdefault(py, (c.id, None))
    return table


MIN_PINYIN = 6  # shorter pinyin ("susong", "fuyi") would hide inside names typed in pinyin


def word_pinyin(word: str) -> str:
    """Toneless pinyin of an all-Chinese word ('依申请' → 'yishenqing'); '' for anything else."""
    if not word or not all("\u4e00" <= ch <= "\u9fff" for ch in word):
        return ""
    from pypinyin import lazy_pinyin

    return "".join(lazy_pinyin(word))


def concept(cid: str) -> Concept | None:
    """A concept by id; `key:<catalogue key>` is a one-key concept made on the fly."""
    c = CONCEPTS.get(cid)
    if c is not None:
        return c
    if cid.startswith("key:"):
        key = cid[4:]
        defs = by_key().get(key)
        if not defs:
            return None
        formulas = {t: key for d in defs for t in d.templates}
        if key in {"apply.received.total", "review.total", "litigation.total", "complaints.total"}:
            formulas["narrative"] = key
        return Concept(cid, defs[0].name_zh, (), formulas)
    return None


@dataclass
class IndicatorMatch:
    concept: Concept
    column: str | None = None  # applicant column suffix (2019+)
    span: tuple[int, int] = (0, 0)
    words: list[str] = field(default_factory=list)

    @property
    def id(self) -> str:
        return self.concept.id + (f"@{self.column}" if self.column else "")

    @property
    def label(self) -> str:
        if self.column and self.column.startswith("k:"):
            col = next(
                (lbl for _w, (suf, lbl) in KEY_COLUMNS.items() if suf == self.column[2:]), self.column[2:]
            )
            return f"{self.concept.name}（{col}）"
        if self.column:
            col = next((lbl for _w, (suf, lbl) in COLUMNS.items() if suf == self.column), self.column)
            return f"{self.concept.name}（{col}）"
        return self.concept.name

    def formula(self, template: str) -> Formula | None:
        f = self.concept.formula(template)
        if f is None:
            return None
        if self.column and self.column.startswith("k:"):
            if not isinstance(f, str) or template not in MODERN:
                return None
            if f == "litigation.total":  # 2019+: 诉讼维持 = 直接起诉 + 复议后起诉, stated as derived
                both = tuple(f"litigation.{way}.{self.column[2:]}" for way in ("direct", "after_review"))
                return ("sum", both) if all(definition(k, template) for k in both) else None
            f = f.rsplit(".", 1)[0] + "." + self.column[2:]
            d = definition(f, template)
            return f if d is not None and template in d.templates else None
        if self.column:
            if not (
                isinstance(f, str) and f.startswith("apply.") and f.endswith(".total") and template in MODERN
            ):
                return None
            base = f[: -len("total")]
            if self.column == "org":  # stated as derived: the five columns summed
                parts = tuple(base + c for c in ORG_PARTS)
                return ("sum", parts) if all(definition(k, template) for k in parts) else None
            f = base + self.column
            if definition(f, template) is None:
                return None
        return f


SUM_PREFIX = "sum:"


def sum_of(matches: list[IndicatorMatch]) -> IndicatorMatch | None:
    """"复议加诉讼", "企业和律所一共": several indicators asked as one sum, stated as derived (a ＋ b).

    Only counts add up: a ratio among them, or a template lacking one part, leaves that template without
    the sum (its reports answer "no such item"), never a partial sum."""
    if len(matches) < 2 or any(m.concept.unit == "%" for m in matches):
        return None
    formulas: dict[str, Formula] = {}
    for t in TEMPLATES:
        parts = [m.formula(t) for m in matches]
        if all(f is not None for f in parts):
            formulas[t] = ("sum", tuple(parts))  # type: ignore[arg-type]
    if not formulas:
        return None
    cid = SUM_PREFIX + "+".join(m.id for m in matches)
    name = "＋".join(m.label for m in matches)
    return IndicatorMatch(Concept(cid, name, (), formulas))


SHARE_PREFIX = "share:"


def share_of(m: IndicatorMatch) -> IndicatorMatch | None:
    """"企业申请占比", "不予公开占比": a part over the total of its table, stated as derived (a ÷ total).

    An applicant column is over that row's 总计 column; a row of the 办理结果 table over 办理结果总计.
    Anything else has no total it belongs to: None (the reply gives no number)."""
    if m.concept.unit == "%" or (m.column or "").startswith("k:"):
        return None
    whole = IndicatorMatch(m.concept) if m.column else IndicatorMatch(CONCEPTS["apply_answered"])
    formulas: dict[str, Formula] = {}
    for t in TEMPLATES:
        part, total = m.formula(t), whole.formula(t)
        in_results = all(k.startswith(("apply.result.", "apply.answered.")) for k in keys_of(part))
        if part is None or total is None or part == total or not (m.column or in_results):
            continue
        formulas[t] = ("ratio", part, total)
    if not formulas:
        return None
    name = f"{m.label}占{whole.label}的比例"
    return IndicatorMatch(Concept(SHARE_PREFIX + m.id, name, (), formulas, "%", "由表内数字推算：部分 ÷ 所在表的总计。"))


def from_id(match_id: str) -> IndicatorMatch | None:
    """Rebuild a match from its id (follow-up context)."""
    if match_id.startswith(SHARE_PREFIX):
        got = from_id(match_id[len(SHARE_PREFIX):])
        return share_of(got) if got else None
    if match_id.startswith(SUM_PREFIX):
        got = [from_id(part) for part in match_id[len(SUM_PREFIX):].split("+")]
        return sum_of([m for m in got if m is not None]) if all(got) else None
    cid, _, col = match_id.partition("@")
    c = concept(cid)
    return IndicatorMatch(c, col or None) if c else None


def keys_of(formula: Formula | None) -> list[str]:
    """Every catalogue key a formula reads."""
    if formula is None:
        return []
    if isinstance(formula, str):
        return [formula]
    if formula[0] == "sum":
        return [k for part in formula[1] for k in keys_of(part)]
    if formula[0] == "ratio":
        return keys_of(formula[1]) + keys_of(formula[2])
    return []


GENERIC_APPLY_WORDS = generic_words()


def combine(matches: list[IndicatorMatch]) -> list[IndicatorMatch]:
    """Attach applicant-column words to the neighbouring row concept (自然人予以公开 → granted@natural_person)."""
    out: list[IndicatorMatch] = []
    columns = [
        m for m in matches if m.concept.id.startswith("column:") and not m.concept.id.startswith("column:k:")
    ]
    kcols = [m for m in matches if m.concept.id.startswith("column:k:")]
    rows = [m for m in matches if not m.concept.id.startswith("column:")]
    if kcols and rows:
        took = [r for r in rows if any(IndicatorMatch(r.concept, kcols[0].column).formula(t) for t in MODERN)]
        for r in took or rows:  # no row has that column: asked anyway, so the reply says "no such item"
            r.column = kcols[0].column
    strong = [c for c in columns if not (c.words and c.words[0] in WEAK_COLUMNS)]
    if columns and not rows and not strong:
        columns = []
    if columns:
        # "企业和律所申请": every column named is asked (one row each), never only the first
        cols = list(dict.fromkeys(c.column for c in (strong or columns)))
        if not rows:
            rows = [IndicatorMatch(CONCEPTS["apply_received"], span=columns[0].span)]
        out = []
        for r in rows:
            if (r.concept.modifiable or _modifiable_key(r.concept)) and not r.column:
                out += [IndicatorMatch(r.concept, col, r.span, r.words) for col in cols]
            elif r.concept.unit == "%" and strong and not r.column:  # "律所予以公开占比": never the overall rate
                out.append(IndicatorMatch(r.concept, cols[0], r.span, r.words))
            else:
                out.append(r)
    else:
        out = rows
    # "政府信息公开申请予以公开率": the generic "申请" words only set the context of a more specific one
    specific = [
        m
        for m in out
        if m.concept.id != "apply_received"
        and any(k.startswith("apply.") for t in MODERN + ("2008",) for k in keys_of(m.concept.formula(t)))
    ]
    if specific:
        out = [
            m
            for m in out
            if not (m.concept.id == "apply_received" and m.words and clean(m.words[0]) in GENERIC_APPLY_WORDS)
        ]
    # a parent row named as context ("本年度办理结果/（一）予以公开", "不予公开/1.属于国家秘密") yields to its child
    if len(out) > 1:
        keysets = {
            id(m): set(
                keys_of(m.concept.formula("2019"))
                or keys_of(m.concept.formula("2021"))
                or keys_of(m.concept.formula("2008"))
            )
            for m in out
        }
        drop = set()
        for a in out:
            for b in out:
                if a is b:
                    continue
                ka, kb = keysets[id(a)], keysets[id(b)]
                parent_sum = len(ka) > 1 and kb and kb < ka
                answered_parent = a.concept.id == "apply_answered" and any(
                    k.startswith("apply.result.") for k in kb
                )
                if parent_sum or answered_parent:
                    drop.add(id(a))
        out = [m for m in out if id(m) not in drop] or out
    uniq: dict[str, IndicatorMatch] = {}
    for m in out:
        uniq.setdefault(m.id, m)
    return list(uniq.values())


def _modifiable_key(c: Concept) -> bool:
    f = c.formulas.get("2019") or c.formulas.get("2021")
    return isinstance(f, str) and f.startswith("apply.") and f.endswith(".total")


def column_concept(suffix: str) -> Concept:
    return Concept("column:" + suffix, suffix, (), {})


def glossary(match: IndicatorMatch) -> str:
    """What an indicator means and which official rows answer it in each format."""
    c = match.concept
    lines = [f"「{match.label}」"]
    if c.explain:
        lines.append(c.explain)
    for t in ("2008", "2019", "2021", "narrative"):
        f = match.formula(t)
        if f is None:
            continue
        lines.append(f"· {template_name(t)}：{describe(f, t)}")
    missing = [template_name(t) for t in ("2008", "2019", "2021") if match.formula(t) is None]
    if missing:
        lines.append("· " + "、".join(missing) + "没有这一项。")
    return "\n".join(lines)


def template_name(t: str) -> str:
    return {
        "2008": "2008 版统计表（2008–2018 年度）",
        "2019": "2019 版表格（2019–2020 年度）",
        "2021": "2021 版表格（2021 年度起）",
        "narrative": "文字版报告",
    }.get(t, t)


def describe(formula: Formula, template: str) -> str:
    """'表三 …「予以公开」行「总计」列' for a key; 'a ＋ b' / 'a ÷ b' for formulas."""
    if isinstance(formula, str):
        d = definition(formula, template)
        if d is None:
            return formula
        where = f"{d.section}：" if d.section and template != "2008" else ""
        col = f"「{d.column_label}」列" if d.column_label and d.column_label != "统计数" else ""
        return f"{where}「{d.row_label}」行{col}（{d.unit}）" if d.row_label else f"{d.name_zh}（{d.unit}）"
    if formula[0] == "sum":
        return " ＋ ".join(_short(p, template) for p in formula[1])
    if formula[0] == "ratio":
        return f"（{_short(formula[1], template)}）÷（{_short(formula[2], template)}）"
    return str(formula)


def _short(formula: Formula, template: str) -> str:
    if isinstance(formula, str):
        d = definition(formula, template)
        return d.name_zh if d else formula
    if formula[0] == "sum":
        return " ＋ ".join(_short(p, template) for p in formula[1])
    return describe(formula, template)


def suggestions(text: str, limit: int = 5) -> list[str]:
    """Indicator words close to `text` ("did you mean"), one canonical word per concept."""
    from rapidfuzz import fuzz, process

    text = clean(text)
    if not text:
        return []
    table = phrase_table()
    choices = [w for w, (cid, _c) in table.items() if not cid.startswith(("column:", "key:"))]
    got = process.extract(text, choices, scorer=fuzz.ratio, limit=limit * 6, score_cutoff=50)
    out: list[str] = []
    seen: set[str] = set()
    for w, _s, _i in got:
        c = CONCEPTS.get(table[w][0])
        if c is None or c.id in seen:
            continue
        seen.add(c.id)
        out.append(c.words[0])
        if len(out) >= limit:
            break
    return out


def typo_fix(text: str, floor: float = 74.0, margin: float = 8.0) -> tuple[Concept, str] | None:
    """The one indicator a mistyped word clearly means ("依申情数" → 依申请数), else None.

    Only same-length-ish words count (a ratio, not a partial match), and the runner-up concept must
    score clearly lower, so a guess between two indicators is never made."""
    from rapidfuzz import fuzz, process

    text = clean(text)
    if len(text) < 2:
        return None
    table = phrase_table()
    choices = [w for w, (cid, _c) in table.items() if cid in CONCEPTS]
    got = process.extract(text, choices, scorer=fuzz.ratio, limit=12, score_cutoff=50)
    best: dict[str, tuple[float, str]] = {}
    for w, sc, _i in got:
        cid = table[w][0]
        if sc > best.get(cid, (0.0, ""))[0]:
            best[cid] = (sc, w)
    ranked = sorted(best.items(), key=lambda kv: -kv[1][0])
    if not ranked or ranked[0][1][0] < floor:
        return None
    if len(ranked) > 1 and ranked[1][1][0] > ranked[0][1][0] - margin:
        return None
    c = CONCEPTS[ranked[0][0]]
    return c, c.words[0]
