"""The read cache's catalogue for national-scale stores: agencies and reports read per question, kept in LRUs.

Why: the in-memory catalogue (every agency, alias and report) made start-up time and memory grow with the
store (8.4 s and 486 MB at 50,000 bodies). These mappings answer the same look-ups the answerers make
(`agencies[aid]`, `reports.get((aid, year))`, `years.get(aid)`, `name in by_name`) from the store by key,
so start-up reads nothing per body; bulk helpers (`prefetch`, `of_year`) serve scopes of many bodies.
"""

from __future__ import annotations

from array import array
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.engine import Engine

from query.agencies import AgencyRec
from storage import name_index as store

AGENCY_LRU = 50000  # agencies kept (≈ 200 bytes each)
TOGETHER = 64  # up to this many bodies, their agency rows and reports are read in one statement
YEAR_SLICES = 3  # whole years of report keys kept for national rankings (150,000 rows each)


class _Lru(OrderedDict):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: Any, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class LazyAgencies(Mapping[int, AgencyRec]):
    """agency id → AgencyRec, read from the store on demand."""

    def __init__(self, engine: Engine, count: int) -> None:
        self.engine, self.count = engine, count
        self._recs: _Lru = _Lru(AGENCY_LRU)
        self._ids: array | None = None

    reports: LazyReports | None = None  # set by the read cache: a few bodies are read with their reports

    def prefetch(self, ids: Iterable[int]) -> None:
        missing = [i for i in ids if i not in self._recs]
        if self.reports is not None and 0 < len(missing) <= TOGETHER:
            read_bodies(self, self.reports, missing)
            return
        self.put(missing, store.agencies_by_id(self.engine, missing))

    def put(self, ids: list[int], rows: Iterable[store.AgencyRow]) -> None:
        """Keep these rows; ids without a row are remembered as absent."""
        for i, n, k, rp, al in rows:
            self._recs.put(i, AgencyRec(i, n, k, rp, al))
        for i in ids:
            if i not in self._recs:
                self._recs.put(i, None)

    def get(self, aid: int, default: Any = None) -> Any:  # type: ignore[override]
        if aid not in self._recs:
            self.prefetch([aid])
        rec = self._recs.get(aid)
        return default if rec is None else rec

    def __getitem__(self, aid: int) -> AgencyRec:
        rec = self.get(aid)
        if rec is None:
            raise KeyError(aid)
        return rec

    def __contains__(self, aid: object) -> bool:
        return isinstance(aid, int) and self.get(aid) is not None

    def __iter__(self) -> Iterator[int]:
        if self._ids is None:  # a national scope: every id, kept compactly until the store changes
            self._ids = array("i", store.all_agency_ids(self.engine))
        return iter(self._ids)

    def __len__(self) -> int:
        return self.count


class LazyReports(Mapping[tuple[int, int], Any]):
    """(agency id, year) → ReportRec, read per agency (all its years at once) on demand."""

    def __init__(self, engine: Engine, count: Callable[[], int], make: Callable[[tuple], Any]) -> None:
        self.engine, self._count, self.make = engine, count, make
        self.count: int | None = None  # read when first asked for (a count over every report)
        self._by_agency: _Lru = _Lru(AGENCY_LRU)  # agency id → {year: ReportRec}
        self._years: _Lru = _Lru(YEAR_SLICES)  # year → {agency id: ReportRec}

    agencies: LazyAgencies | None = None  # set by the read cache (see LazyAgencies.reports)

    def prefetch(self, agency_ids: Iterable[int]) -> None:
        missing = [a for a in dict.fromkeys(agency_ids) if a not in self._by_agency]
        if not missing:
            return
        if self.agencies is not None and len(missing) <= TOGETHER:
            read_bodies(self.agencies, self, missing)
            return
        self.put(missing, store.reports_of_agencies(self.engine, missing))

    def put(self, agency_ids: list[int], rows: Iterable[store.ReportRow]) -> None:
        """Keep every report of these agencies (an agency without a row has none)."""
        got: dict[int, dict[int, Any]] = {a: {} for a in agency_ids}
        for row in rows:
            got[row[1]][row[2]] = self.make(row)
        for a, reps in got.items():
            self._by_agency.put(a, reps)

    def has(self, aid: int) -> bool:
        return aid in self._by_agency

    def of_agency(self, aid: int) -> dict[int, Any]:
        if aid not in self._by_agency:
            self.prefetch([aid])
        return self._by_agency.get(aid) or {}

    def of_year(self, year: int) -> dict[int, Any]:
        """agency id → that year's report, for every body (one indexed scan, kept for the next ranking)."""
        got = self._years.get(year)
        if got is None:
            got = {row[1]: self.make(row) for row in store.reports_of_year(self.engine, year)}
            self._years.put(year, got)
        return got

    def get(self, key: tuple[int, int], default: Any = None) -> Any:  # type: ignore[override]
        return self.of_agency(key[0]).get(key[1], default)

    def __getitem__(self, key: tuple[int, int]) -> Any:
        rep = self.get(key)
        if rep is None:
            raise KeyError(key)
        return rep

    def __contains__(self, key: object) -> bool:
        return isinstance(key, tuple) and self.get(key) is not None  # type: ignore[arg-type]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        raise TypeError("a national store's reports are not listed one by one")

    def __len__(self) -> int:
        if self.count is None:
            self.count = self._count()
        return self.count


def read_bodies(agencies: LazyAgencies, reports: LazyReports, ids: list[int]) -> None:
    """A few bodies' agency rows (with aliases) and reports, in one statement, into both LRUs."""
    ids = [i for i in dict.fromkeys(ids) if i not in agencies._recs or not reports.has(i)]
    if ids:
        rows, reps = store.agencies_with_reports(agencies.engine, ids)
        agencies.put(ids, rows)
        reports.put(ids, reps)


class LazyYears:
    """`years.get(aid, default)`: the sorted years an agency has reports for."""

    def __init__(self, reports: LazyReports) -> None:
        self.reports = reports

    def get(self, aid: int, default: Any = None) -> Any:
        ys = sorted(self.reports.of_agency(aid))
        return ys if ys else default


class LazyNames:
    """`name in by_name`, `by_name[name]`: official name → agency id, from the store."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._ids: _Lru = _Lru(AGENCY_LRU)

    def _look(self, name: str) -> int | None:
        if name not in self._ids:
            self._ids.put(name, store.agency_ids_by_name(self.engine, [name]).get(name))
        return self._ids[name]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and self._look(name) is not None

    def __getitem__(self, name: str) -> int:
        got = self._look(name)
        if got is None:
            raise KeyError(name)
        return got

    def get(self, name: str, default: Any = None) -> Any:
        got = self._look(name)
        return default if got is None else got


class NameList(Sequence[str]):
    """The names of agencies in order, read only for the items shown (a national list may hold 100,000)."""

    def __init__(self, agencies: Mapping[int, AgencyRec], ids: list[int]) -> None:
        self.agencies, self.ids = agencies, ids

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, k):  # type: ignore[override]
        if isinstance(k, slice):
            part = self.ids[k]
            if isinstance(self.agencies, LazyAgencies):
                self.agencies.prefetch(part)
            return [self.agencies[a].name for a in part]
        return self.agencies[self.ids[k]].name

    def __iter__(self) -> Iterator[str]:
        return iter(self[:])

    def __deepcopy__(self, memo: dict) -> NameList:
        return self  # never changed after it is made; a copy would copy the agency mapping


class CountedNames(Sequence[str]):
    """Names of agencies whose number the store counted, read only as far as they are shown.

    Why: a national ranking's blank bodies or bodies without a report can be tens of thousands; the answer
    shows how many and the first few (format.names), so the store counts them and `read(n)` reads the
    first n ids (by agency id, as the Python scoring lists them) when a slice is asked for."""

    def __init__(self, agencies: Mapping[int, AgencyRec], count: int, read: Callable[[int], list[int]]) -> None:
        self.agencies, self.count, self.read = agencies, count, read
        self._ids: list[int] = []

    def __len__(self) -> int:
        return self.count

    def _names(self, ids: list[int]) -> list[str]:
        if isinstance(self.agencies, LazyAgencies):
            self.agencies.prefetch(ids)
        return [self.agencies[a].name for a in ids]

    def __getitem__(self, k):  # type: ignore[override]
        part = k if isinstance(k, slice) else slice(k, k + 1 if k != -1 else None)
        start, stop, _step = part.indices(self.count)
        if stop > len(self._ids):
            self._ids = self.read(stop)
        names = self._names(self._ids[part])
        return names if isinstance(k, slice) else names[0]

    def __iter__(self) -> Iterator[str]:
        return iter(self[:])

    def __deepcopy__(self, memo: dict) -> CountedNames:
        return self  # read-only once made (the ids read are the same for every copy)


class WholeStore(Sequence[int]):
    """Every agency of a national store as a ranking's scope, without reading 150,000 ids to say so.

    Iterated (a derived formula scored in Python), it reads the ids as `LazyAgencies` does."""

    def __init__(self, agencies: Mapping[int, AgencyRec]) -> None:
        self.agencies = agencies

    def __len__(self) -> int:
        return len(self.agencies)

    def __iter__(self) -> Iterator[int]:
        return iter(self.agencies)

    def __getitem__(self, k):  # type: ignore[override]
        return list(self)[k]
