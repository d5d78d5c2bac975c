"""Agency resolver: from what people type to the stored reporting bodies.

Why an index of surface forms: users write 西夏区, 西夏区审批局, 银川审批局, xixiaqu, xxq, 西厦区 or
traditional characters for 银川市西夏区审批服务管理局. Every agency contributes a handful of forms
(official name, aliases, the name without outer places, abbreviations) to one dict, so a question is
scanned with plain dict look-ups. Only what the dict cannot explain goes to fuzzy matching, and that
runs on a small candidate set pre-filtered by a character n-gram index, so 150,000 names stay fast.
A form that several agencies share is never resolved silently: the caller gets all of them.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from rapidfuzz import fuzz, process

from reports.central import STATE_PREFIX, central_body
from reports.divisions import divisions
from reports.regions import plausible_stem, region_path
from reports.shortnames import body_short_forms, rearranged
from reports.text import has_traditional


def _place_words(kind: str) -> tuple[str, ...]:
    """Words of one kind from query/data/place_words.csv (suffix / not_place / generic_stem), in file order."""
    path = Path(__file__).resolve().parent / "data" / "place_words.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(ln for ln in fh if ln.strip() and not ln.startswith("#"))
        return tuple(r["word"] for r in rows if r["kind"] == kind)


PLACE_SUFFIXES = _place_words("suffix")  # longest first where one ends another (自治区 before 区)
_PLACE_TOKEN = re.compile(r"^([\u4e00-\u9fff]{1,8}?(?:" + "|".join(PLACE_SUFFIXES) + "))")
NOT_PLACES = frozenset(_place_words("not_place"))
GENERIC_SHORT = frozenset(_place_words("generic_stem"))

NOT_ALONE = frozenset({"人民政府", "政府", "办公室", "政府办", "街道", "办事处", "街道办"})  # no body alone
LEVEL_CHARS = frozenset("省市区县州旗盟")  # a place's level alone before a body's short form ("市科委")
PENALTY_EXACT, PENALTY_STRIP, PENALTY_ABBR, PENALTY_SKIP, PENALTY_CORE = 0, 1, 2, 4, 6


@dataclass
class AgencyRec:
    id: int
    name: str
    kind: str = "other"
    region_path: str = ""
    aliases: tuple[str, ...] = ()

    @property
    def places(self) -> list[str]:
        return [p for p in self.region_path.split("/") if p]


@dataclass
class Mention:
    """A piece of the question that names an agency or a place."""

    span: tuple[int, int]
    text: str
    ids: list[int]  # agencies the form points at (best penalty first)
    place: str = ""  # region path when the mention is a place name
    penalty: int = 0
    how: str = "exact"  # exact|form|place|fuzzy|pinyin|central


@dataclass
class Resolution:
    status: str  # ok|ambiguous|not_found
    ids: list[int] = field(default_factory=list)  # ok: the agency (one); ambiguous: the candidates
    scores: list[float] = field(default_factory=list)
    place: str = ""  # a region path when the user named a place
    note: str = ""  # how we read it ("按拼音理解为 …")
    others: list[int] = field(default_factory=list)  # ok via a place: other bodies there


@lru_cache(maxsize=1)
def english_bodies() -> tuple[tuple[str, tuple[str, ...]], ...]:
    """English words for kinds of bodies → Chinese body words (query/data/english_bodies.csv), longest first."""
    path = Path(__file__).resolve().parent / "data" / "english_bodies.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        rows = csv.DictReader(ln for ln in fh if ln.strip() and not ln.startswith("#"))
        out = {re.sub(r"[^a-z]", "", r["english"].lower()): tuple(r["chinese"].split("|")) for r in rows}
    return tuple(sorted(out.items(), key=lambda kv: -len(kv[0])))


@lru_cache(maxsize=1)
def national_places() -> dict[str, str]:
    """Every place in the country by the names people write → its region path ('|' between several).

    Full names of every division, and short forms that cannot be ordinary words: provinces' and cities'
    (宁夏, 银川) and counties' of three characters or more (大武口, 清江浦); a two-character county stem
    (西夏, 平潭) is only a place where the stored reports make it one."""
    paths: dict[str, set[str]] = defaultdict(set)
    for d in divisions():
        path = "/".join(d.path)
        if (len(d.name) >= 3 or d.name.endswith("县")) and d.name not in NOT_PLACES:  # 郏县, 歙县 too
            paths[d.name].add(path)
        short = d.short
        if short and short != d.name and short not in GENERIC_SHORT and (len(short) >= 3 or d.level < 3):
            paths[short].add(path)
    return {k: "|".join(sorted(v)) for k, v in paths.items()}


@lru_cache(maxsize=1)
def own_level_words() -> frozenset[str]:
    """Words for a place's own body (本级), from query/data/own_level_words.txt."""
    path = Path(__file__).resolve().parent / "data" / "own_level_words.txt"
    lines = path.read_text(encoding="utf-8").splitlines()
    return frozenset(ln.strip() for ln in lines if ln.strip() and not ln.startswith("#"))


@lru_cache(maxsize=1)
def successors() -> dict[str, str]:
    """Retired division path → the current division that took its place: same parent, same short form
    (洪泽县 → 洪泽区, 县改区/县改市 keep the name's stem). Paths as region paths ('/' between places)."""
    current: dict[tuple[tuple[str, ...], str], str] = {}
    for d in divisions():
        if d.current and d.short:
            current.setdefault((d.path[:-1], d.short), "/".join(d.path))
    out = {}
    for d in divisions():
        if not d.current and d.short:
            new = current.get((d.path[:-1], d.short))
            if new and new != "/".join(d.path):
                out["/".join(d.path)] = new
    return out


@lru_cache(maxsize=1)
def national_pinyin() -> dict[str, str]:
    """Pinyin of every place name in national_places() ("dawukouqu", "dawukou") → its region path(s)."""
    out: dict[str, set[str]] = defaultdict(set)
    for surface, paths in national_places().items():
        out[pinyin(surface)].update(paths.split("|"))
    return {k: "|".join(sorted(v)) for k, v in out.items() if len(k) >= 4}


@lru_cache(maxsize=200000)
def short_place(token: str) -> str:
    """银川市 → 银川, 宁夏回族自治区 → 宁夏, 西夏区 → 西夏 (empty when too short or generic).

    A division of the national dataset takes the dataset's short form, which drops the ethnic names of
    autonomous places as people do (景谷傣族彝族自治县 → 景谷, 延边朝鲜族自治州 → 延边)."""
    by_suffix = ""
    for suf in PLACE_SUFFIXES:
        if token.endswith(suf) and len(token) > len(suf):
            s = token[: -len(suf)]
            by_suffix = s if len(s) >= 2 and s not in GENERIC_SHORT else ""
            break
    known = _dataset_short(token)
    if known and by_suffix:  # 浦东新区: 浦东 (not the dataset's 浦东新); 景谷…自治县: 景谷
        return min(known, by_suffix, key=len)
    return known or by_suffix


@lru_cache(maxsize=1)
def _dataset_shorts() -> dict[str, str]:
    """Full division name → the dataset's short form, where every division of that name agrees."""
    out: dict[str, str] = {}
    for d in divisions():
        short = d.short if d.short and d.short != d.name else ""
        if short and (len(short) < 2 or short in GENERIC_SHORT or not d.name.startswith(short)):
            short = ""
        out[d.name] = short if out.get(d.name, short) == short else ""
    return out


def _dataset_short(token: str) -> str | None:
    """The dataset's short form of a division name ('' for none), or None when it is no division."""
    return _dataset_shorts().get(token)


@lru_cache(maxsize=1)
def _divisions_by_first_char() -> dict[str, tuple[str, ...]]:
    """Full division names (3+ characters, not ordinary words) by first character, longest first."""
    out: dict[str, set[str]] = defaultdict(set)
    for d in divisions():
        if len(d.name) >= 3 and d.name not in NOT_PLACES:
            out[d.name[0]].add(d.name)
    return {k: tuple(sorted(v, key=len, reverse=True)) for k, v in out.items()}


def _division_at(rest: str) -> str:
    """The longest division name that starts `rest` and leaves a body after it (武乡县, not 武乡 + 县…)."""
    for name in _divisions_by_first_char().get(rest[:1], ()):
        if len(rest) > len(name) and rest.startswith(name):
            return name
    return ""


@lru_cache(maxsize=1)
def _division_tails() -> frozenset[str]:
    """Division names and short forms of 2–4 characters ending with a level character (莱州, 全州, 郏县)."""
    out = set()
    for d in divisions():
        for name in (d.name, d.short):
            if 2 <= len(name) <= 4 and name[-1] in LEVEL_CHARS and name not in NOT_PLACES:
                out.add(name)
    return frozenset(out)


def _place_ends_at(text: str, end: int) -> bool:
    """Does a division name of two or more characters end at text[end - 1] (and start before it)?"""
    return any(text[max(0, end - k) : end] in _division_tails() for k in (2, 3, 4) if end - k >= 0)


def split_places(name: str, known: Sequence[str] = ()) -> tuple[list[str], str]:
    """Leading place tokens of an agency name and the rest ("银川市西夏区审批服务管理局" → [银川市, 西夏区], 审批…)."""
    tokens: list[str] = []
    rest = name
    while rest:
        hit = ""
        for k in known:
            if k and rest.startswith(k) and len(k) > len(hit) and len(rest) > len(k):
                hit = k
        if not hit:
            hit = _division_at(rest)
        if not hit:
            m = _PLACE_TOKEN.match(rest)
            if (
                m
                and m.group(1) not in NOT_PLACES
                and len(rest) > len(m.group(1))
                and plausible_stem(m.group(1)[:-1])  # 住房和城乡建设局: 住房和城乡 is no place
            ):
                hit = m.group(1)
        if not hit:
            break
        tokens.append(hit)
        rest = rest[len(hit) :]
    return tokens, rest


_NAME_NOISE = re.compile(r"[\s,，、;；:：!！?？。\"'“”‘’()（）\[\]【】{}<>《》〈〉|/\\·•*#@$%^&_=+`…的]+")


def clean_name(name: str) -> str:
    """A stored name as the reader sees it (NFKC, no spaces/punctuation/的); stored names are already
    simplified, so the slower traditional→simplified step is skipped when the name is plain CJK."""
    import unicodedata

    text = unicodedata.normalize("NFKC", name).lower()
    if not text.isascii() and has_traditional(text):
        from query.indicators import clean

        return clean(text)
    return _NAME_NOISE.sub("", text)


def abbreviations(core: str) -> set[str]:
    """Short forms of a body's name without its places (rules in reports/data/short_forms.csv)."""
    return set(body_short_forms(core))


@lru_cache(maxsize=20000)
def _char_pinyin(ch: str) -> str:
    from pypinyin import lazy_pinyin

    try:
        return "".join(lazy_pinyin(ch)) or ch
    except Exception:  # noqa: BLE001
        return ch


@lru_cache(maxsize=20000)
def _char_readings(ch: str) -> tuple[str, ...]:
    from pypinyin import Style
    from pypinyin import pinyin as _py

    try:
        got = _py(ch, style=Style.NORMAL, heteronym=True)[0]
    except Exception:  # noqa: BLE001
        got = []
    first = _char_pinyin(ch)
    return tuple(dict.fromkeys([first] + [g for g in got if g.isascii()]))[:3]


def pinyin_variants(text: str, limit: int = 16) -> list[str]:
    """Every reading of a name with polyphonic characters (厦: sha/xia), capped at `limit`."""
    out = [""]
    for ch in text:
        if ch.isspace():
            continue
        reads = _char_readings(ch) if "\u4e00" <= ch <= "\u9fff" else (ch,)
        out = [o + r for o in out for r in reads][:limit]
    return out


def pinyin(text: str) -> str:
    """Toneless pinyin without spaces ("西夏区" → "xixiaqu"); ASCII letters pass through."""
    return "".join(_char_pinyin(ch) if "\u4e00" <= ch <= "\u9fff" else ch for ch in text if not ch.isspace())


def initials(text: str) -> str:
    return "".join(_char_pinyin(ch)[0] for ch in text if "\u4e00" <= ch <= "\u9fff")


def _grams(text: str, n: int) -> set[str]:
    if len(text) < n:
        return {text} if text else set()
    return {text[i : i + n] for i in range(len(text) - n + 1)}


class NgramIndex:
    """Character n-gram postings for pre-filtering fuzzy matches (rarest grams first, capped work)."""

    def __init__(self, strings: Sequence[str], n: int) -> None:
        import numpy as np

        self.n = n
        self.strings = list(strings)
        post: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.strings):
            for g in _grams(s, n):
                post[g].append(i)
        self.post = {g: np.asarray(lst, dtype=np.int32) for g, lst in post.items()}

    def candidates(self, query: str, limit: int = 200, budget: int = 6000) -> list[int]:
        """Strings sharing the most (rarest-first) grams with `query`; common grams are skipped once
        rarer ones have been counted, so a query costs at most ~`budget` posting entries (numpy counts)."""
        import numpy as np

        grams = sorted(_grams(query, self.n), key=lambda g: len(self.post.get(g, ())))
        chosen = []
        used = 0
        for g in grams:
            plist = self.post.get(g)
            if plist is None or not len(plist):
                continue
            if used and used + len(plist) > budget:
                break
            if not used and len(plist) > budget:
                plist = plist[:budget]
            chosen.append(plist)
            used += len(plist)
        if not chosen:
            return []
        ids, counts = np.unique(np.concatenate(chosen), return_counts=True)
        if len(ids) <= limit:
            return ids[np.argsort(-counts, kind="stable")].tolist()
        top = np.argpartition(-counts, limit)[:limit]
        top = top[np.argsort(-counts[top], kind="stable")]
        return ids[top].tolist()


class AgencyIndex:
    """Built once from the stored agencies; `scan` finds exact forms, `fuzzy` the rest."""

    def __init__(self, agencies: Iterable[AgencyRec]) -> None:
        import gc

        was_enabled = gc.isenabled()
        gc.disable()  # millions of small objects: collections during the build only cost time
        try:
            self._build(agencies)
        finally:
            if was_enabled:
                gc.enable()
        # a big index lives as long as the process: keep the collector from rescanning millions of its
        # objects on every full collection (pauses of seconds otherwise); small stores do not need it
        if len(self.agencies) >= 50000:
            gc.freeze()

    def _build(self, agencies: Iterable[AgencyRec]) -> None:
        self._build_forms(agencies)
        self.fz_strings, self.fz_targets = self.fuzzy_corpus()
        self._build_fuzzy()

    def _build_forms(self, agencies: Iterable[AgencyRec]) -> None:
        """Forms, places and place members of every agency (also what query/name_store.py stores)."""
        self.agencies: dict[int, AgencyRec] = {a.id: a for a in agencies}
        # form → agency_id * 8 + penalty (one agency) or {agency_id: penalty} (shared form)
        self.forms: dict[str, int | dict[int, int]] = {}
        self._best: dict[str, tuple[list[int], int]] = {}
        self.places: dict[str, set[str]] = defaultdict(set)  # surface → region paths
        self.by_place: dict[str, list[int]] = defaultdict(list)  # region path (and prefixes) → agencies
        self.place_names: dict[str, str] = {}  # region path → innermost name
        self.max_len = 2
        for a in self.agencies.values():
            self._add_agency(a)
        for surface in list(self.places):
            self.max_len = max(self.max_len, len(surface))

    def fuzzy_corpus(self) -> tuple[list[str], list[tuple[int, str]]]:
        """The fuzzy corpus: official names, names without outer places, and place names, with their
        targets (agency id or -1, place path)."""
        strings: list[str] = []
        targets: list[tuple[int, str]] = []
        for a in self.agencies.values():
            strings.append(a.name)
            targets.append((a.id, ""))
            tokens, core = split_places(a.name, self._known_for(a))
            if tokens and len(tokens) >= 2:
                strings.append("".join(tokens[-1:]) + core)
                targets.append((a.id, ""))
            sp = short_place(tokens[-1]) if tokens and core else ""
            if sp:  # 浙江财政厅 (浙江财正厅: same sound; 文山可学技术局: one character off)
                strings.append(sp + core)
                targets.append((a.id, ""))
        for surface, paths in self.places.items():
            for p in paths:
                if surface == self.place_names.get(p):
                    strings.append(surface)
                    targets.append((-1, p))
        return strings, targets

    def _build_fuzzy(self) -> None:
        self.char_index = NgramIndex(self.fz_strings, 2)
        self.fz_pinyin = [pinyin(s) for s in self.fz_strings]
        self._pinyin_index: NgramIndex | None = None  # built on the first Latin-letter query
        self.pinyin_exact: dict[str, list[int]] = defaultdict(list)
        self.initials_exact: dict[str, list[int]] = defaultdict(list)
        for i, s in enumerate(self.fz_strings):
            self.pinyin_exact[self.fz_pinyin[i]].append(i)
            ini = initials(s)
            if len(ini) >= 2:
                self.initials_exact[ini].append(i)
        # the pinyin n-grams serve Latin-letter queries only; a big index builds them in the background
        if len(self.fz_pinyin) <= 30000:
            self._pinyin_index = NgramIndex(self.fz_pinyin, 3)
        else:
            import threading

            threading.Thread(target=lambda: self.pinyin_index, name="pinyin-index", daemon=True).start()

    @property
    def pinyin_index(self) -> NgramIndex:
        if self._pinyin_index is None:
            self._pinyin_index = NgramIndex(self.fz_pinyin, 3)
        return self._pinyin_index

    # ------------------------------------------------------------------ building
    def _known_for(self, a: AgencyRec) -> list[str]:
        known: list[str] = []
        for p in a.places:
            known.append(p)
            sp = short_place(p)
            if sp:
                known.append(sp)
        return known

    def _add_form(self, form: str, agency_id: int, penalty: int) -> None:
        if len(form) < 2:
            return
        cur = self.forms.get(form)
        if cur is None:
            self.forms[form] = agency_id * 8 + penalty
            if len(form) > self.max_len:
                self.max_len = len(form)
        elif isinstance(cur, int):
            if cur >> 3 == agency_id:
                if penalty < cur & 7:
                    self.forms[form] = agency_id * 8 + penalty
            else:
                self.forms[form] = {cur >> 3: cur & 7, agency_id: penalty}
        else:
            old = cur.get(agency_id)
            if old is None or penalty < old:
                cur[agency_id] = penalty

    def best(self, form: str) -> tuple[list[int], int] | None:
        """The agencies a form names with the lowest penalty, and that penalty (None: not a form)."""
        cur = self.forms.get(form)
        if cur is None:
            return None
        if isinstance(cur, int):
            return [cur >> 3], cur & 7
        got = self._best.get(form)
        if got is None:
            pen = min(cur.values())
            got = self._best[form] = (sorted(a for a, p in cur.items() if p == pen), pen)
        return got

    def _add_agency(self, a: AgencyRec) -> None:
        name = clean_name(a.name)
        self._add_form(name, a.id, PENALTY_EXACT)
        for al in a.aliases:
            self._add_form(clean_name(al), a.id, PENALTY_EXACT)
        self._add_name_forms(a, name)
        self._add_central_forms(a, name)
        for alt in rearranged(name):  # 国家税务总局深圳市税务局 → 深圳市税务局, …公安局和平分局 → 和平区公安分局
            self._add_form(alt, a.id, PENALTY_STRIP)
            # a name printed with no place first has no stored path: take the rearranged name's own
            placed = a if a.places else AgencyRec(a.id, a.name, a.kind, "/".join(region_path(alt)), a.aliases)
            self._add_name_forms(placed, alt)

    def _add_central_forms(self, a: AgencyRec, name: str) -> None:
        """A central body's own short forms (交通部, 国家卫健委) name it; forms local bodies share (卫健委,
        统计局) list it beside them, at the penalty a local body's abbreviation has."""
        body = central_body(name)
        if body is None or body.name != name:
            return
        for form in body.short:
            self._add_form(form, a.id, PENALTY_STRIP)
        self._add_form(STATE_PREFIX + name, a.id, PENALTY_EXACT)  # 中华人民共和国交通运输部
        for form in (f for f in body.shared if len(f) >= 3):  # 民委, 台办 sit inside other words
            self._add_form(form, a.id, PENALTY_CORE + (0 if len(form) >= 3 and form.endswith("局") else 1))

    def _add_name_forms(self, a: AgencyRec, name: str) -> None:
        """Places of a name (into the place index) and its forms: without outer places, short places,
        short forms of the body."""
        tokens, core = split_places(name, self._known_for(a))
        chain = list(a.places)
        for t in tokens:
            if t not in chain and not any(short_place(p) == t for p in chain):
                chain.append(t)
        path = ""
        for p in chain:
            path = f"{path}/{p}" if path else p
            self.by_place[path].append(a.id)
            self.place_names[path] = p
            self.places[p].add(path)
            sp = short_place(p)
            if sp:
                self.places[sp].add(path)
        for j in range(1, len(chain)):  # 银川市西夏区, 宁夏银川市, 银川西夏区 …
            sub_path = "/".join(chain[: j + 1])
            for i in range(0, j):
                joined = "".join(chain[i : j + 1])
                self.places[joined].add(sub_path)
                sp = short_place(chain[i])
                if sp:
                    self.places[sp + "".join(chain[i + 1 : j + 1])].add(sub_path)
        if not core:
            return
        cores = {core: 0} | {ab: 1 for ab in abbreviations(core)}
        for c, extra in cores.items():
            if extra:
                self._add_form("".join(tokens) + c, a.id, PENALTY_ABBR)
            for i in range(1, len(tokens) + 1):
                tail = tokens[i:]
                if tail:
                    self._add_form("".join(tail) + c, a.id, PENALTY_STRIP + extra)
                    sp = short_place(tail[0])
                    if sp:
                        self._add_form(sp + "".join(tail[1:]) + c, a.id, PENALTY_STRIP + extra)
            if tokens:
                first = tokens[0]
                sp = short_place(first)
                for lead in {first, sp} - {""}:
                    if len(tokens) >= 2 and not extra:
                        continue  # 银川市人民政府 is the city's own body, never 银川市兴庆区人民政府
                    pen = (PENALTY_STRIP if len(tokens) == 1 else PENALTY_SKIP) + extra
                    self._add_form(lead + c, a.id, pen)
                if len(tokens) >= 2:
                    last = tokens[-1]
                    for lead in {last, short_place(last)} - {""}:
                        self._add_form(lead + c, a.id, PENALTY_STRIP + extra)
                    if short_place(last):  # 重庆市万州人社局: the outer places whole, the inner one short
                        self._add_form("".join(tokens[:-1]) + short_place(last) + c, a.id, PENALTY_STRIP + extra)
            if (len(c) >= 3 or (extra and len(c) == 2)) and c not in NOT_ALONE:
                self._add_form(c, a.id, PENALTY_CORE + extra)
            if extra and tokens and tokens[-1][-1] in LEVEL_CHARS:  # 市科委 (within 上海市: 上海市市科委)
                level = tokens[-1][-1]
                self._add_form(level + c, a.id, PENALTY_CORE + extra)
                self._add_form("".join(tokens) + level + c, a.id, PENALTY_ABBR)

    # ------------------------------------------------------------------ look-ups
    def under(self, path: str) -> list[int]:
        return list(self.by_place.get(path, ()))

    def government_of(self, path: str) -> int | None:
        """The people's government of a place, if stored (its name ends with 人民政府 and it sits there)."""
        place = self.place_names.get(path, "")
        govs = []
        for aid in self.by_place.get(path, ()):
            a = self.agencies[aid]
            sp = short_place(place)
            if a.name.endswith(place + "人民政府") or (sp and a.name.endswith(sp + "人民政府")):
                govs.append(aid)
        return govs[0] if len(govs) == 1 else None

    def match_at(self, text: str, i: int) -> Mention | None:
        """The longest agency form or place name starting at text[i]."""
        n = len(text)
        for j in range(min(n, i + self.max_len), i + 1, -1):
            piece = text[i:j]
            if " " in piece:
                continue
            hit = self.best(piece)
            if hit and piece[0] in LEVEL_CHARS and _place_ends_at(text, i + 1):
                hit = None  # 莱州住建局: the 州 ends a place we hold nothing from, it is no 州住建局
            if hit:
                ids, best = hit
                return Mention((i, j), piece, list(ids), penalty=best, how="exact" if best == 0 else "form")
            paths = self.places.get(piece)
            if paths:
                if len(paths) == 1:
                    path = next(iter(paths))
                    return Mention((i, j), piece, self.under(path), place=path, how="place")
                ids = sorted({a for p in paths for a in self.under(p)})
                return Mention((i, j), piece, ids, place="|".join(sorted(paths)), how="place")
            national = national_places().get(piece)
            renamed = successors().get(national or "")
            held = [p for p in self.places.get(renamed.rsplit("/", 1)[-1], ()) if p.endswith(renamed)] if renamed else []
            if len(held) == 1:  # 洪泽县 (renamed 洪泽区 in 2016): its successor's bodies, said so
                return Mention((i, j), piece, self.under(held[0]), place=held[0], how="renamed")
            if national:  # a real place we hold no report from: named, so never dropped (→ not_found)
                return Mention((i, j), piece, [], place=national, how="place")
            if central_body(piece) is not None:  # 交通运输部 we hold nothing from: never a local 交通运输局
                return Mention((i, j), piece, [], how="central")
        return None

    def resolve_place(self, path: str) -> Resolution:
        """A bare place: its people's government when stored, its only body, or a choice."""
        if "|" in path:
            paths = path.split("|")
            ids = sorted({a for p in paths for a in self.under(p)})
            if not ids:
                return Resolution("not_found", self.nearby(paths), place=path)
            return Resolution("ambiguous", ids, [90.0] * len(ids), place=path)
        ids = self.under(path)
        gov = self.government_of(path)
        if gov is not None:
            return Resolution("ok", [gov], [100.0], place=path, others=[a for a in ids if a != gov])
        if len(ids) == 1:
            return Resolution("ok", ids, [100.0], place=path)
        if not ids:
            return Resolution("not_found", self.nearby([path]), place=path)
        return Resolution("ambiguous", ids, [90.0] * len(ids), place=path)

    def nearby(self, paths: Sequence[str], limit: int = 5) -> list[int]:
        """Stored bodies to suggest for a place we hold no report from: the government (or first bodies) of
        the nearest enclosing place we do hold (大武口区 → bodies of 石嘴山市)."""
        out: list[int] = []
        for path in paths:
            parts = path.split("/")
            for k in range(len(parts) - 1, 0, -1):
                for p in {"/".join(parts[:k]), "/".join(parts[1:k])} - {""}:
                    found = self.under(p)
                    if found:
                        gov = self.government_of(p)
                        out.extend([gov] if gov is not None else [])
                        out.extend(a for a in found if a != gov)
                        break
                if out:
                    break
        return list(dict.fromkeys(out))[:limit]

    def resolve_mention(self, m: Mention) -> Resolution:
        if m.place:
            return self.resolve_place(m.place)
        if not m.ids:  # a central body named whole that the store does not hold
            return Resolution("not_found")
        if len(m.ids) == 1:
            return Resolution("ok", m.ids, [100.0 - m.penalty])
        return Resolution("ambiguous", m.ids, [100.0 - m.penalty] * len(m.ids))

    # fuzzy-corpus primitives (query/name_store.py reads them from the store instead)
    def _pinyin_ids(self, key: str) -> Sequence[int]:
        return self.pinyin_exact.get(key, ())

    def _initials_ids(self, key: str) -> Sequence[int]:
        return self.initials_exact.get(key, ())

    def _pinyin_candidates(self, ascii_q: str) -> list[int]:
        return self.pinyin_index.candidates(ascii_q)

    def _char_candidates(self, q: str) -> list[int]:
        return self.char_index.candidates(q)

    def _fz(self, i: int) -> tuple[str, str, tuple[int, str]]:
        """(string, pinyin, target) of corpus entry i."""
        return self.fz_strings[i], self.fz_pinyin[i], self.fz_targets[i]

    def _sound_variants(self, q: str) -> None:
        """Hook: the readings `fuzzy` will look up (a store-backed index fetches them in one query)."""

    def fuzzy(self, query: str, limit: int = 8) -> list[tuple[int, str, float]]:
        """(agency id or -1, place path, score 0–100) for a name we could not find exactly."""
        from query.indicators import clean

        q = clean(query)
        if not q:
            return []
        scores: dict[int, float] = {}
        ascii_q = re.sub(r"[^a-z]", "", q.lower())
        latin = bool(ascii_q) and ascii_q == q.replace(" ", "")
        self._sound_variants(ascii_q if latin else q)
        if latin:
            for i in self._pinyin_ids(ascii_q):
                scores[i] = max(scores.get(i, 0), 97.0)
            for i in self._initials_ids(ascii_q):
                scores[i] = max(scores.get(i, 0), 92.0)
            if len(ascii_q) >= 3:
                cand = self._pinyin_candidates(ascii_q)
                if cand:
                    got = process.extract(
                        ascii_q, [self._fz(i)[1] for i in cand], scorer=fuzz.ratio, limit=limit, score_cutoff=60
                    )
                    for _s, sc, k in got:
                        i = cand[k]
                        scores[i] = max(scores.get(i, 0), sc * 0.95)
        else:  # Chinese text: homophones from the exact readings, typos from the character n-grams
            for variant in pinyin_variants(q):
                for i in self._pinyin_ids(variant):
                    scores[i] = max(scores.get(i, 0), 95.0)  # homophone: same sound, other characters
            cand = self._char_candidates(q)
            if cand:
                got = process.extract(
                    q, [self._fz(i)[0] for i in cand], scorer=fuzz.ratio, limit=limit * 2, score_cutoff=45
                )
                for _s, sc, k in got:
                    i = cand[k]
                    scores[i] = max(scores.get(i, 0), float(sc))
        # a name whose places match none of the candidate's is another body ("北京市朝阳区人民政府")
        q_places = [t for t in split_places(q)[0]] if not latin else []
        if q_places:
            exact_sound = set()
            for variant in pinyin_variants(q):
                exact_sound.update(self._pinyin_ids(variant))
            for i in list(scores):
                if i in exact_sound:
                    continue
                cand_s = self._fz(i)[0]
                if not any(t in cand_s or (short_place(t) and short_place(t) in cand_s) for t in q_places):
                    scores[i] = min(scores[i], 60.0)
        best: dict[tuple[int, str], float] = {}
        for i, sc in scores.items():
            target = self._fz(i)[2]
            if sc > best.get(target, -1):
                best[target] = sc
        ranked = sorted(best.items(), key=lambda kv: -kv[1])[:limit]
        return [(aid, path, sc) for (aid, path), sc in ranked]

    def resolve_text(
        self, query: str, ok_score: float = 80.0, margin: float = 6.0, floor: float = 70.0
    ) -> Resolution:
        """Resolve a whole string (exact form, place, then fuzzy); never picks between close scores."""
        from query.indicators import clean

        q = clean(query)
        hit = self.best(q)
        if hit:
            return self.resolve_mention(Mention((0, len(q)), q, list(hit[0]), penalty=hit[1]))
        english = self._english_body(q) if q.isascii() else None
        if english is not None:
            return english
        paths = self.places.get(q)
        if paths:
            return self.resolve_place("|".join(sorted(paths)))
        held = self._held_pinyin_place(q)
        if held is not None:
            return held
        found = self.fuzzy(q)
        if not found:
            return self._national_pinyin(q) or Resolution("not_found")
        # merge targets that mean the same agency (a place whose only body is that agency)
        merged: dict[int, float] = {}
        place_of: dict[int, str] = {}
        for aid, path, sc in found:
            if aid >= 0:
                targets = [aid]
            else:
                pres = self.resolve_place(path)
                targets = pres.ids[:1] if pres.status == "ok" else self.under(path)[:5]
                for t in targets:
                    place_of.setdefault(t, path)
            for t in targets:
                if sc > merged.get(t, -1):
                    merged[t] = sc
        ranked = sorted(merged.items(), key=lambda kv: -kv[1])
        named, core = self._named_body(q)
        if core:  # a place and a body's name: only a body that fits both is that body
            fits = [(a, s) for a, s in ranked if self._fits(a, named, core)]
            if not fits or fits[0][1] < floor:
                return Resolution("not_found", [a for a, _s in ranked][:5], [s for _a, s in ranked][:5])
            if len(fits) == 1 or fits[0][1] - fits[1][1] > margin:
                aid = fits[0][0]
                return Resolution("ok", [aid], [fits[0][1]], note=f"按「{self.agencies[aid].name}」理解")
            ranked = fits
        ids = [a for a, _s in ranked]
        scores = [s for _a, s in ranked]
        top = scores[0]
        close = [a for a, s in ranked if s >= top - margin]
        if top >= ok_score and len(close) == 1:
            aid = ids[0]
            if aid in place_of:
                path = place_of[aid]
                res = self.resolve_place(path)
                if res.status == "ok" and res.ids == [aid]:
                    res.note = f"按地名「{self.place_names.get(path, path)}」理解"
                    res.scores = [top]
                    return res
            return Resolution("ok", [aid], [top], note=f"按「{self.agencies[aid].name}」理解")
        if top >= floor:
            # an exact reading (huaian = 淮安) leaves out names that only sound alike (huatai)
            keep = [(i, s) for i, s in ranked if s >= top - (margin if top >= 95 else 15)]
            if len(keep) == 1:  # one candidate is no choice: take it when the name fits it, saying so
                aid = keep[0][0]
                if not (core or self._place_only(q)):  # 洪泽区人口 is no body's name
                    return Resolution("not_found", [aid], [top])
                return Resolution("ok", [aid], [top], note=f"「{query}」只与{self.agencies[aid].name}相近，按它理解")
            return Resolution("ambiguous", [i for i, _s in keep], [s for _i, s in keep])
        return self._national_pinyin(q) or Resolution("not_found", ids[:5], scores[:5])

    def _named_body(self, q: str) -> tuple[list[str], str]:
        """The places and the body's own name a query states ("安溪市定庆区教育局" → [安溪市, 定庆区], 教育局);
        no core when it names no place or the rest is no body (本级, 一个词)."""
        from query.parse_question import BODY_SUFFIXES

        tokens, core = split_places(q)
        if not tokens or not core or not core.endswith((*BODY_SUFFIXES, "政府")):
            return [], ""
        return tokens, core

    @staticmethod
    def _place_only(q: str) -> bool:
        """Places and nothing else, or places and a word for the place's own body (淮安市本级)."""
        tokens, rest = split_places(q)
        return q.isascii() or (bool(tokens) and (not rest or rest in own_level_words()))

    def _fits(self, aid: int, named: list[str], core: str) -> bool:
        """Could this body be the one named? Its innermost place is the named innermost place (or one
        mistyped character off), and its kind of body is the named one (政府 is 人民政府)."""
        a = self.agencies[aid]
        tokens, own = split_places(a.name, self._known_for(a))
        inner = tokens[-1] if tokens else ""
        want = named[-1]
        same_place = inner == want or want in own or (
            len(inner) == len(want) and sum(x != y for x, y in zip(inner, want, strict=True)) <= 1 and inner[-1] == want[-1]
        ) or (short_place(inner) and short_place(inner) == short_place(want))
        kind = core[-2:] if core.endswith("政府") else core[-1]
        if core == "政府":
            core = "人民政府"
        extra = len(core) - len(own) if core.endswith(own) else 0  # 康滨甲商务局: a place before 商务局
        short = len(core) == 1 and own.startswith(core)  # 街道办 → 街道办事处
        close = own.endswith(core) or short or want in own or (extra < 2 and fuzz.ratio(core, own) >= 75)
        return bool(same_place) and (own.endswith(kind) or short) and close  # 政府 is no 政府办公室

    def _english_body(self, q: str) -> Resolution | None:
        """A place in pinyin, then English words for the body: "Fengnan district housing bureau" (the reader
        made it "fengnanqu housing bureau") → 丰南区住建局; a real place we hold nothing from → not_found."""
        squashed = re.sub(r"[^a-z]", "", q.lower())
        found = next(((e, w) for e, w in english_bodies() if squashed.endswith(e) and len(squashed) > len(e)), None)
        if found is None:
            return None
        english, words = found
        place = squashed[: -len(english)]
        paths: list[str] = []
        for key in (place, *(place + kind for kind in ("shi", "qu", "xian", "sheng"))):  # "Tianjin": 天津市
            self._sound_variants(key)
            paths = sorted({self._fz(i)[2][1] for i in self._pinyin_ids(key) if self._fz(i)[2][0] < 0})
            if paths:
                break
        if not paths:
            return self._national_pinyin(place)
        ids: list[int] = []
        for word in words:  # in the file's order: the first word naming a body there wins (公安局 before 公安分局)
            for path in paths:
                name = self.place_names.get(path) or path.rsplit("/", 1)[-1]
                members = set(self.under(path))
                for lead in [x for x in dict.fromkeys([name, short_place(name)]) if x]:
                    got = self.best(lead + word)
                    ids += [a for a in (got[0] if got else ()) if a in members]
            if ids:
                break
        ids = list(dict.fromkeys(ids))
        if len(ids) == 1:
            return Resolution("ok", ids, [95.0], note=f"按英文理解为「{self.agencies[ids[0]].name}」")
        if ids:
            return Resolution("ambiguous", ids, [90.0] * len(ids))
        return Resolution("not_found", self.under(paths[0])[:5], place="|".join(paths))

    def _held_pinyin_place(self, q: str) -> Resolution | None:
        """A place we hold typed in pinyin ("huaian", "HUAIAN"): that place, never names that only sound
        alike (huatai)."""
        if not q.isascii():
            return None
        paths = national_pinyin().get(re.sub(r"[^a-z]", "", q.lower()), "")
        held = [p for p in paths.split("|") if p and self.under(p)]
        if not held:
            return None
        res = self.resolve_place("|".join(held))
        name = held[0].rsplit("/", 1)[-1]
        res.note = res.note or f"按拼音理解为「{name}」"
        return res

    def _national_pinyin(self, q: str) -> Resolution | None:
        """A real place typed in pinyin that we hold no report from ("xixiaqu", "Dawukou district")."""
        if not q.isascii():
            return None
        paths = national_pinyin().get(re.sub(r"[^a-z]", "", q.lower()))
        if not paths:
            return None
        name = paths.split("|")[0].rsplit("/", 1)[-1]
        return Resolution(
            "not_found", self.nearby(paths.split("|")), place=paths, note=f"按拼音理解为「{name}」"
        )
