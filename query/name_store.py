"""The agency index kept in the store, for national-scale stores (issue 18).

Why: building query/agencies.AgencyIndex in memory costs about 0.15 ms and 8 KB per body, so a store of
150,000 bodies took ~25 s and ~1.4 GB to start. Here the same forms, places, place members and fuzzy
corpus are computed by the same code (AgencyIndex._build_forms / fuzzy_corpus, per batch of agencies)
and written to the name_* tables (migration 0010); `StoreIndex` answers the same look-ups with indexed
reads: every substring of a question in one query, the members of a place, the fuzzy candidates of a
mistyped name from the character-bigram postings. `refresh` brings the tables up to date incrementally
(new agencies, new aliases) when the store generation changes; fewer agencies or aliases than recorded
(a deletion) rebuild them whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence

from sqlalchemy.engine import Engine

from query.agencies import AgencyIndex, AgencyRec, Mention, _grams, initials, pinyin, pinyin_variants
from storage import name_index as store

log = logging.getLogger(__name__)
BATCH = 5000  # agencies per build batch (an AgencyIndex of 5,000 bodies is small and fast)
GRAM_BUDGET = 6000  # posting entries a fuzzy look-up may read (as NgramIndex.candidates)
CANDIDATES = 200
MEMO = 50000  # remembered look-ups (forms, places, members) between store changes


def index_rows(recs: Sequence[AgencyRec], seen_places: set[tuple[str, str]] | None = None) -> dict[str, list[dict]]:
    """The name_* rows of these agencies, computed by AgencyIndex itself (so both indexes agree).

    `seen_places` (surface, path) pairs already emitted by earlier batches are skipped and extended."""
    seen = seen_places if seen_places is not None else set()
    idx = AgencyIndex.__new__(AgencyIndex)
    idx._build_forms(recs)
    rows: dict[str, list[dict]] = {t: [] for t in ("name_form", "name_place", "place_member", "name_fuzzy", "name_gram")}
    for form, cur in idx.forms.items():
        pairs = [(cur >> 3, cur & 7)] if isinstance(cur, int) else list(cur.items())
        rows["name_form"] += [{"form": form, "agency_id": a, "penalty": p} for a, p in pairs]
    for surface, paths in idx.places.items():
        for p in paths:
            if (surface, p) not in seen:
                seen.add((surface, p))
                rows["name_place"].append({"surface": surface, "path": p})
    for path, ids in idx.by_place.items():
        rows["place_member"] += [{"path": path, "agency_id": a} for a in dict.fromkeys(ids)]
    strings, targets = idx.fuzzy_corpus()
    for k, (s, (aid, path)) in enumerate(zip(strings, targets, strict=True)):
        if aid < 0 and ("fz", s, path) in seen:
            continue
        if aid < 0:
            seen.add(("fz", s, path))  # type: ignore[arg-type]
        ini = initials(s)
        rows["name_fuzzy"].append(
            {"id": k + 1, "text": s, "agency_id": aid, "path": path, "pinyin": pinyin(s),
             "initials": ini if len(ini) >= 2 else ""}
        )
        rows["name_gram"] += [{"gram": g, "fuzzy_id": k + 1} for g in _grams(s, 2)]
    return rows


def _longest(rows: dict[str, list[dict]]) -> int:
    """The longest form or place surface in a batch (how far a question is scanned from each character)."""
    return max([len(r["form"]) for r in rows["name_form"]] + [len(r["surface"]) for r in rows["name_place"]] + [2])


def _recs(rows: Iterable[store.AgencyRow]) -> list[AgencyRec]:
    return [AgencyRec(i, n, k, rp, al) for i, n, k, rp, al in rows]


# The rules that turn a name into the forms indexed (AgencyIndex._build_forms, short forms, name orders,
# central bodies): bump when they change what is written, so a store's index made by older rules is
# rebuilt whole at the next refresh (an incremental refresh only indexes new agencies).
FORMS_VERSION = 3


def build(engine: Engine, progress: Callable[[str], None] | None = None) -> dict[str, int]:
    """(Re)build the whole name index from agency/agencyalias, batch by batch; returns the marks."""
    marks = store.catalogue_marks(engine) | {"forms": FORMS_VERSION}
    ids = store.all_agency_ids(engine)
    seen: set = set()
    first = True
    marks["max_len"] = 2
    for k in range(0, max(len(ids), 1), BATCH):
        part = ids[k : k + BATCH]
        rows = index_rows(_recs(store.agencies_by_id(engine, part)), seen)
        marks["max_len"] = max(marks["max_len"], _longest(rows))
        store.write_rows(engine, None if first else part, rows, marks)
        first = False
        if progress:
            progress(f"  name index: {min(k + BATCH, len(ids))}/{len(ids)} agencies")
    store.analyze(engine)
    return marks


def refresh(engine: Engine) -> dict[str, int]:
    """Bring the name index up to the store: new agencies and aliases incrementally, a deletion by a rebuild."""
    marks = store.catalogue_marks(engine) | {"forms": FORMS_VERSION}
    state = store.index_state(engine)
    if state is not None and "max_len" in state:
        marks["max_len"] = state["max_len"]
    if state == marks and "max_len" in marks:
        return marks
    if (
        state is None
        or marks["agencies"] < state["agencies"]
        or marks["aliases"] < state["aliases"]
        or marks["max_agency"] < state["max_agency"]
        or "max_len" not in state
        or state.get("forms") != FORMS_VERSION
    ):
        log.info("name index: full rebuild (%s agencies)", marks["agencies"])
        return build(engine)
    changed = store.changed_agencies(engine, state["max_agency"], state["max_alias"])
    for k in range(0, len(changed), BATCH):
        part = changed[k : k + BATCH]
        rows = index_rows(_recs(store.agencies_by_id(engine, part)))
        marks["max_len"] = max(marks["max_len"], _longest(rows))
        store.write_rows(engine, part, rows, marks)
    if not changed:
        store.write_rows(engine, [], index_rows([]), marks)
    return marks


class _Memo(dict):
    """A dict that forgets everything when it grows past MEMO entries (look-ups are cheap to redo)."""

    def put(self, key: object, value: object) -> None:
        if len(self) >= MEMO:
            self.clear()
        self[key] = value


class _Places:
    """`index.places` of a StoreIndex: surface → set of region paths, read from name_place."""

    def __init__(self, owner: StoreIndex) -> None:
        self.owner = owner

    def get(self, surface: str, default: object = None) -> set[str] | object:
        got = self.owner._place_paths(surface)
        return got if got else default

    def __contains__(self, surface: object) -> bool:
        return isinstance(surface, str) and bool(self.owner._place_paths(surface))


class _LastSegment:
    """`index.place_names` of a StoreIndex: a region path's innermost place is its last segment."""

    def get(self, path: str, default: str | None = None) -> str | None:
        return path.rsplit("/", 1)[-1] if path else default


class StoreIndex(AgencyIndex):
    """AgencyIndex's look-ups over the name_* tables; `agencies` is the read cache's lazy agency mapping."""

    def __init__(self, engine: Engine, agencies: Mapping[int, AgencyRec], max_len: int) -> None:  # noqa: D107
        self.engine = engine
        self.agencies = agencies  # type: ignore[assignment]
        self.max_len = max_len
        self.places = _Places(self)  # type: ignore[assignment]
        self.place_names = _LastSegment()  # type: ignore[assignment]
        self._forms: _Memo = _Memo()  # form → (ids, penalty) | None
        self._paths: _Memo = _Memo()  # surface → set of paths
        self._members: _Memo = _Memo()  # path → agency ids
        self._govs: _Memo = _Memo()  # path → government id | None
        self._sound: _Memo = _Memo()  # ("p"|"i", key) → corpus ids
        self._fzrows: _Memo = _Memo()  # corpus id → (string, pinyin, target)
        self._prepared = ""

    # ------------------------------------------------------------------ forms and places
    def prepare(self, text: str) -> None:
        """Read every substring of `text` that could be a form or place (2..max_len chars) in two queries."""
        if text == self._prepared:
            return
        self._prepared = text
        subs = {
            text[i:j]
            for i in range(len(text))
            for j in range(i + 2, min(len(text), i + self.max_len) + 1)
            if " " not in text[i:j]
        }
        self._load(sorted(s for s in subs if s not in self._forms or s not in self._paths))

    def _load(self, strings: list[str]) -> None:
        if not strings:
            return
        found: dict[str, dict[int, int]] = {}
        forms, places = store.forms_and_places_in(self.engine, strings)
        for form, aid, pen in forms:
            found.setdefault(form, {})[aid] = pen
        paths: dict[str, set[str]] = {}
        for surface, path in places:
            paths.setdefault(surface, set()).add(path)
        for s in strings:
            got = found.get(s)
            if got:
                pen = min(got.values())
                self._forms.put(s, (sorted(a for a, p in got.items() if p == pen), pen))
            else:
                self._forms.put(s, None)
            self._paths.put(s, paths.get(s, set()))

    def best(self, form: str) -> tuple[list[int], int] | None:
        if form not in self._forms:
            self._load([form])
        return self._forms.get(form)

    def _place_paths(self, surface: str) -> set[str]:
        if surface not in self._paths:
            self._load([surface])
        return self._paths.get(surface) or set()

    def match_at(self, text: str, i: int) -> Mention | None:
        self.prepare(text)
        return super().match_at(text, i)

    def under(self, path: str) -> list[int]:
        got = self._members.get(path)
        if got is None:
            got = store.members(self.engine, path)
            self._members.put(path, got)
        return list(got)

    def government_of(self, path: str) -> int | None:
        if path in self._govs:
            return self._govs[path]
        from query.agencies import short_place

        place = path.rsplit("/", 1)[-1]
        sp = short_place(place)
        endings = [place + "人民政府"] + ([sp + "人民政府"] if sp else [])
        govs = store.governments_under(self.engine, path, endings)
        got = govs[0] if len(govs) == 1 else None
        self._govs.put(path, got)
        return got

    # ------------------------------------------------------------------ fuzzy corpus
    def _sound_variants(self, q: str) -> None:
        keys = [q] if q.isascii() else pinyin_variants(q)
        want_p = [k for k in keys if ("p", k) not in self._sound]
        want_i = [q] if q.isascii() and ("i", q) not in self._sound else []
        if not want_p and not want_i:
            return
        by_p, by_i = store.fuzzy_by_sound(self.engine, want_p, want_i)
        rows = store.fuzzy_rows(self.engine, by_p + by_i)
        self._keep_rows(rows)
        for k in want_p:
            self._sound.put(("p", k), [i for i in by_p if rows[i][4] == k])
        for k in want_i:
            self._sound.put(("i", k), list(by_i))

    def _keep_rows(self, rows: Mapping[int, store.FuzzyRow]) -> None:
        for i, (_id, text, aid, path, py) in rows.items():
            self._fzrows.put(i, (text, py, (aid, path)))

    def _pinyin_ids(self, key: str) -> Sequence[int]:
        return self._sound.get(("p", key), ())

    def _initials_ids(self, key: str) -> Sequence[int]:
        return self._sound.get(("i", key), ())

    def _pinyin_candidates(self, ascii_q: str) -> list[int]:
        """Names whose pinyin starts like the query's (a Latin query has no characters to match)."""
        ids = store.fuzzy_by_pinyin_prefix(self.engine, ascii_q[:4], CANDIDATES)
        self._need(ids)
        return ids

    def _char_candidates(self, q: str) -> list[int]:
        """Corpus strings sharing the most bigrams with `q`, rarest grams first within GRAM_BUDGET postings."""
        grams = _grams(q, 2)
        counts = store.gram_counts(self.engine, sorted(grams))
        chosen, used = [], 0
        for g in sorted(counts, key=lambda g: (counts[g], g)):
            if used and used + counts[g] > GRAM_BUDGET:
                break
            chosen.append(g)
            used += counts[g]
        ids = store.gram_postings(self.engine, chosen, CANDIDATES)
        self._need(ids)
        return ids

    def _need(self, ids: Iterable[int]) -> None:
        missing = [i for i in ids if i not in self._fzrows]
        if missing:
            self._keep_rows(store.fuzzy_rows(self.engine, missing))

    def _fz(self, i: int) -> tuple[str, str, tuple[int, str]]:
        if i not in self._fzrows:
            self._need([i])
        return self._fzrows[i]
