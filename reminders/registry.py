"""Who is expected to report, and who has not filed yet.

Expected reporters = every Agency row: bodies learned from ingested reports (source "report") plus an
importable registry CSV (source "registry") with columns name, kind, region, first_year and optional
aliases (";"-separated other names the answer engine should know) and url (the body's site or its 年报
column; a people's government's url is its region's portal, used by `harvest --region` for bodies of
the region without a url of their own). An agency is
expected for report year Y when its first_year is unknown or <= Y. "Filed" means a Report row exists for
(agency, Y) in the store.

Why a strict CSV import: a registry with a typo in `kind` would silently move a body to the wrong due date,
so any bad row rejects the whole file and nothing is stored.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from sqlalchemy.engine import Engine
from sqlmodel import Session

from reminders.calendar import KIND_NAMES, DueDate, due_date
from storage import registry as store
from storage.models import Agency, AgencyAlias

KINDS = set(KIND_NAMES)
KIND_SYNONYMS = {
    "people_gov": "people_gov", "人民政府": "people_gov", "政府": "people_gov", "本级政府": "people_gov",
    "department": "department", "部门": "department", "政府部门": "department", "dept": "department",
    "township": "township", "乡镇": "township", "街道": "township", "乡镇街道": "township",
    "乡镇（街道）": "township", "devzone": "devzone", "开发区": "devzone", "开发区管委会": "devzone",
    "管委会": "devzone", "园区": "devzone", "other": "other", "其他": "other",
}
HEADER_SYNONYMS = {
    "name": "name", "名称": "name", "机关": "name", "机关名称": "name",
    "kind": "kind", "类型": "kind", "类别": "kind",
    "region": "region", "地区": "region", "区域": "region", "region_path": "region",
    "first_year": "first_year", "首年": "first_year", "起始年度": "first_year", "首个年度": "first_year",
    "aliases": "aliases", "别名": "aliases", "简称": "aliases",
    "url": "url", "site": "url", "site_url": "url", "网址": "url", "网站": "url", "门户": "url",
    "年报栏目": "url",
}


@dataclass
class ImportSummary:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def render(self) -> str:
        return (
            f"新增 {len(self.added)} 个机关，更新 {len(self.updated)} 个，未变 {len(self.unchanged)} 个 "
            f"(agencies: {len(self.added)} new, {len(self.updated)} updated, {len(self.unchanged)} unchanged)"
        )


class RegistryError(ValueError):
    """The CSV was rejected; `problems` lists every bad line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("registry CSV rejected, nothing stored:\n" + "\n".join(problems[:50]))
        self.problems = problems


def _decode(data: bytes) -> str:
    for enc in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(enc)
        except UnicodeDecodeError:
            continue
    raise RegistryError(["无法识别编码，请存为 UTF-8 (file is neither UTF-8 nor GBK/GB18030 text)"])


def _problem(line_no: int, zh: str, en: str) -> str:
    return f"第 {line_no} 行：{zh} (line {line_no}: {en})"


def parse_registry(text: str) -> list[dict]:
    """Validated rows {name, kind, region_path, region, first_year, aliases, site_url}; RegistryError on any
    bad row."""
    reader = csv.reader(io.StringIO(text))
    rows = [r for r in reader if any(c.strip() for c in r)]
    if not rows:
        raise RegistryError(["文件是空的 (empty file)"])
    header = [HEADER_SYNONYMS.get(h.strip().lower(), HEADER_SYNONYMS.get(h.strip(), "")) for h in rows[0]]
    if "name" not in header or "kind" not in header:
        raise RegistryError([_problem(1, f"表头应为 name,kind,region,first_year[,aliases,url]，实为 {rows[0]}",
                                      "header must name the columns name, kind, region, first_year")])
    problems: list[str] = []
    out: list[dict] = []
    seen: dict[str, int] = {}
    for line_no, raw in enumerate(rows[1:], start=2):
        rec = {header[i]: raw[i].strip() for i in range(min(len(header), len(raw))) if header[i]}
        name = rec.get("name", "")
        if not name:
            problems.append(_problem(line_no, "缺少 name", "name is empty"))
            continue
        if name in seen:
            problems.append(_problem(line_no, f"{name} 与第 {seen[name]} 行重复", f"{name} already on line {seen[name]}"))
            continue
        seen[name] = line_no
        kind = KIND_SYNONYMS.get(rec.get("kind", "").strip().lower(), KIND_SYNONYMS.get(rec.get("kind", "")))
        if kind is None:
            kind_raw = rec.get("kind", "")
            problems.append(_problem(line_no, f"kind {kind_raw!r} 无效，应为 {'/'.join(sorted(KINDS))} 或 "
                                     "人民政府/部门/乡镇/街道/开发区", f"unknown kind {kind_raw!r}"))
            continue
        first_year = None
        if rec.get("first_year"):
            try:
                first_year = int(rec["first_year"].rstrip("年"))
            except ValueError:
                problems.append(_problem(line_no, f"first_year {rec['first_year']!r} 不是年份",
                                         f"first_year {rec['first_year']!r} is not a year"))
                continue
            if not 1990 <= first_year <= 2200:
                problems.append(_problem(line_no, f"first_year {first_year} 不合理", f"first_year {first_year} is implausible"))
                continue
        url = rec.get("url", "")
        if url and urlsplit(url).scheme not in ("http", "https"):
            problems.append(_problem(line_no, f"url {url!r} 不是 http(s) 网址", f"url {url!r} is not an http(s) URL"))
            continue
        region_path = "/".join(p.strip() for p in rec.get("region", "").replace("›", "/").replace(">", "/")
                               .split("/") if p.strip())
        aliases = [a.strip() for a in rec.get("aliases", "").replace("；", ";").replace("|", ";").split(";")
                   if a.strip() and a.strip() != name]
        out.append({"name": name, "kind": kind, "region_path": region_path,
                    "region": region_path.rsplit("/", 1)[-1] if region_path else "", "first_year": first_year,
                    "aliases": list(dict.fromkeys(aliases)), "site_url": url[:1000]})
    if problems:
        raise RegistryError(problems)
    return out


def import_agencies(engine: Engine, csv_path: str | Path) -> ImportSummary:
    """Add/update agencies (and their aliases) from a registry CSV in one transaction (all rows or none)."""
    rows = parse_registry(_decode(Path(csv_path).read_bytes()))
    summary = ImportSummary()
    with Session(engine) as session:
        existing = store.agencies_by_name(session)
        for rec in rows:
            agency = existing.get(rec["name"])
            if agency is None:
                agency = Agency(name=rec["name"], kind=rec["kind"], region_path=rec["region_path"],
                                region=rec["region"], first_year=rec["first_year"], source="registry",
                                site_url=rec["site_url"])
                session.add(agency)
                session.flush()
                _add_aliases(session, agency, rec["aliases"])
                summary.added.append(rec["name"])
                continue
            changed = _add_aliases(session, agency, rec["aliases"])
            for key in ("kind", "region_path", "region", "first_year", "site_url"):
                value = rec[key]
                if value in (None, "") and key != "kind":
                    continue  # the registry does not blank out what reports taught us
                if getattr(agency, key) != value:
                    setattr(agency, key, value)
                    changed = True
            if changed:
                session.add(agency)
                summary.updated.append(rec["name"])
            else:
                summary.unchanged.append(rec["name"])
        session.commit()
    return summary


def _add_aliases(session: Session, agency: Agency, aliases: list[str]) -> bool:
    """Store the aliases the agency does not have yet; True when any was added."""
    have = store.alias_names(session, agency.id)
    new = [a for a in aliases if a not in have]
    for alias in new:
        session.add(AgencyAlias(agency_id=agency.id, alias=alias, source="registry"))
    return bool(new)


@dataclass(frozen=True)
class Outstanding:
    """An agency whose report for `due.report_year` is not in the store yet."""

    agency_id: int
    name: str
    kind: str
    region_path: str
    due: DueDate
    days_left: int  # negative: overdue by -days_left days

    @property
    def overdue(self) -> bool:
        return self.days_left < 0


def matches(agency: Agency, scope: str, target: str) -> bool:
    """Does a subscription (scope, target) cover this agency?"""
    if scope == "all":
        return True
    if scope == "agency":
        return agency.name == target
    if scope == "region":
        parts = [p for p in (agency.region_path or "").split("/") if p]
        return target in parts or agency.region == target or (bool(target) and target in agency.name)
    raise ValueError(f"unknown subscription scope {scope!r}")


def expected_agencies(session: Session, report_year: int) -> list[Agency]:
    agencies = store.agencies_sorted(session)
    return [a for a in agencies if a.first_year is None or a.first_year <= report_year]


def filed_ids(session: Session, report_year: int) -> set[int]:
    return store.filed_agency_ids(session, report_year)


def outstanding_from(agencies: Iterable[Agency], filed: set[int], report_year: int, scopes: Iterable[tuple[str, str]],
                     today: date, group: str | None = None) -> list[Outstanding]:
    """Pure part of `outstanding`: agencies covered by any of `scopes`, not filed, optionally one due group."""
    scopes = list(scopes)
    out = []
    for a in agencies:
        if a.id in filed or not any(matches(a, s, t) for s, t in scopes):
            continue
        due = due_date(report_year, a.kind)
        if group is not None and due.group != group:
            continue
        out.append(Outstanding(a.id, a.name, a.kind, a.region_path, due, due.days_left(today)))  # type: ignore[arg-type]
    return sorted(out, key=lambda o: (o.due.due, o.region_path, o.name))


def outstanding(engine: Engine, report_year: int, scope: str = "all", target: str = "",
                today: date | None = None, group: str | None = None) -> list[Outstanding]:
    """Expected agencies covered by (scope, target) without a report for `report_year`, with days left."""
    from reminders.calendar import today_in_shanghai

    today = today or today_in_shanghai()
    with Session(engine) as session:
        agencies = expected_agencies(session, report_year)
        filed = filed_ids(session, report_year)
    return outstanding_from(agencies, filed, report_year, [(scope, target)], today, group)


def progress(engine: Engine, report_year: int) -> tuple[int, int]:
    """(filed, expected) for a report year — the yearly summary waits until most are in."""
    with Session(engine) as session:
        agencies = expected_agencies(session, report_year)
        filed = filed_ids(session, report_year)
    return sum(1 for a in agencies if a.id in filed), len(agencies)
