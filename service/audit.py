"""The audit use cases no front end owns: score a report at ingest and store its card, look a card up
(/check), audit a region's year (/audit, `disclosure-bot audit`), and render them as text, XLSX and PNG.
"""

from __future__ import annotations

import logging
import re
import weakref
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from audit import ReportFacts, Scorecard, score_report
from audit.fingerprint import Fingerprint, fingerprint
from audit.model import StoredFinding
from audit.rules import history_rules
from audit.similarity import YearIndex, measure
from reminders.calendar import due_date
from reports.readers import read_document
from storage import scorecards as store
from storage.queries import AgencyInfo, agencies_in_region, get_agency, list_agencies

TZ = ZoneInfo("Asia/Shanghai")
log = logging.getLogger(__name__)
_indexes: weakref.WeakKeyDictionary[Engine, dict[int, YearIndex]] = weakref.WeakKeyDictionary()


def forget_indexes(engine: Engine) -> None:
    """Drop the in-memory year indexes of `engine`: the store was emptied or restored under this process
    (a test's TRUNCATE, `restore`), so reports the indexes still hold may be gone."""
    _indexes.pop(engine, None)


def year_index(engine: Engine, year: int) -> YearIndex:
    """The year's fingerprints in memory, loaded once per process and kept up to date by `score_and_store`."""
    per_engine = _indexes.setdefault(engine, {})
    if year not in per_engine:
        index = YearIndex(year)
        with Session(engine) as session:
            for report_id, agency_id, name, data in store.fingerprints_of_year(session, year):
                index.add(report_id, agency_id, f"{name} {year}", Fingerprint.from_bytes(data))
        per_engine[year] = index
    return per_engine[year]


def score_and_store(engine: Engine, report_id: int, text: str, *, published_on: date | None = None,
                    now: datetime | None = None) -> Scorecard:
    """Compute the report's scorecard from its stored facts and its text, and store card and fingerprint."""
    with Session(engine) as session:
        row = store.report_row(session, report_id)
        if row is None:
            raise LookupError(f"no report {report_id}")
        prev = store.previous_fingerprint(session, row.agency_id, row.year)
        history = store.history_values(session, row.agency_id, [r.key for r in history_rules()])
    fp = fingerprint(text)
    index = year_index(engine, row.year)
    previous = Fingerprint.from_bytes(prev[1]) if prev else None
    sim = measure(fp, row.agency_id, index, previous, f"{row.agency} {prev[0]}" if prev else "")
    facts = ReportFacts(
        row.agency, row.kind, row.year, row.template, text, row.values,
        [StoredFinding(f.rule, f.message, f.values, f.line_no) for f in row.findings],
        published_on=published_on, uploaded_on=row.ingested_at.astimezone(TZ).date() if row.ingested_at.tzinfo
        else row.ingested_at.date(), similarity=sim, history=history)
    card = score_report(facts)
    fields = {"score": card.score, "grade": card.grade, "published_on": card.published_on,
              "date_source": card.date_source, "days_late": card.days_late}
    with Session(engine) as session, session.begin():
        store.save(session, report_id, fields, card.to_json(), (row.agency_id, row.year, fp.to_bytes()), now=now)
    index.add(report_id, row.agency_id, f"{row.agency} {row.year}", fp)
    return card


def score_result(  # noqa: ANN001 - result: IngestResult
    engine: Engine, result, data: bytes | None = None, *, text: str | None = None
) -> Scorecard | None:
    """Score one ingest result (`IngestResult`) when it stored a report (or met an unchanged one without a
    card); the text is `text` (as the parser worker read it), else decoded from `data`, else read again
    from `result.path`. A report that cannot be scored is logged, never lost."""
    if result.outcome not in ("stored", "replaced", "unchanged") or result.report_id is None:
        return None
    if result.outcome == "unchanged" and card_of_report(engine, result.report_id) is not None:
        return None  # scored before; an unchanged file that predates the audit gets its first card now
    try:
        if text is None:
            if data is None:
                data = Path(result.path).read_bytes()
            text = read_document(data, result.file_name or Path(result.path).name)
        return score_and_store(engine, result.report_id, text)
    except Exception:  # noqa: BLE001 - the report is stored; its scorecard can be computed again
        log.exception("cannot score report %s (%s)", result.report_id, result.file_name)
        return None


def score_results(engine: Engine, results: list) -> int:  # noqa: ANN001 - IngestResult
    """After an ingest run: score every stored or replaced report (files read again from their paths)."""
    return sum(score_result(engine, r) is not None for r in results)


class IngestScoring:
    """Scorecards while an ingest runs, from the text its parser workers already read (`on_text` of
    service.ingest.ingest_paths), then `rest` for what that did not cover.

    Why: scoring after the run read every file again, one after another in one process; for PDFs that
    was ~0.3 s a file, more than the parallel ingest itself took."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.scored: set[int] = set()  # report ids with a fresh card

    def __call__(self, result, text: str) -> None:  # noqa: ANN001 - IngestResult
        if score_result(self.engine, result, text=text) is not None:
            self.scored.add(result.report_id)

    def rest(self, results: list) -> int:  # noqa: ANN001 - IngestResult
        """Score the results not scored during the run (unchanged files without a card, parsers that
        keep no text); returns how many reports were scored in all."""
        left = [r for r in results if r.report_id not in self.scored]
        return len(self.scored) + score_results(self.engine, left)


# --------------------------------------------------------------------------- look-ups


@dataclass(slots=True)
class Lookup:
    card: Scorecard | None = None
    report_id: int | None = None
    message: str = ""  # why there is no card
    candidates: list[str] = field(default_factory=list)


def _match(session: Session, text: str) -> list[AgencyInfo]:
    exact = get_agency(session, text)
    if exact is not None:
        return [exact]
    found = [a for a in list_agencies(session, with_years=False) if text in a.name or a.region == text]
    gov = [a for a in found if a.kind == "people_gov" and a.region == text]
    return gov if len(gov) == 1 else found


def find_card(engine: Engine, agency_text: str, year: int) -> Lookup:
    """The stored scorecard of one body's report (/check 西夏区 2020)."""
    with Session(engine) as session:
        bodies = _match(session, agency_text.strip())
        if not bodies:
            return Lookup(message=f"没有找到「{agency_text}」：库里没有这个单位的年度报告。")
        if len(bodies) > 1:
            return Lookup(message=f"「{agency_text}」对应多个单位，请写全称：",
                          candidates=sorted(a.name for a in bodies)[:10])
        body = bodies[0]
        cards = store.cards_of_year(session, year, [body.id])
        filed = body.id in store.filed_ids(session, year)
    if body.id not in cards:
        return Lookup(message=f"{body.name} {year} 年度报告{UNSCORED if filed else '还没有入库。'}")
    return Lookup(Scorecard.from_json(cards[body.id].card), cards[body.id].report_id)


def card_of_report(engine: Engine, report_id: int) -> Scorecard | None:
    with Session(engine) as session:
        data = store.card_of_report(session, report_id)
    return Scorecard.from_json(data) if data else None


_CHECK_Q = re.compile(r"^\s*(?P<who>\S.*?)\s*(?P<year>(?:19|20)\d{2})\s*年?(?:度)?\s*(?:的)?\s*"
                      r"(?:年报|年度报告|报告)?\s*(?:有什么问题|有哪些问题|有问题吗|存在什么问题|体检|评分|打分)\s*[？?。]?\s*$")
_ARGS = re.compile(r"^\s*(?P<who>\S.*?)\s*(?P<year>(?:19|20)\d{2})\s*年?\s*$")


def parse_check_question(text: str) -> tuple[str, int] | None:
    """"西夏区 2020 年报有什么问题" → ("西夏区", 2020); None for any other question."""
    m = _CHECK_Q.match(text)
    return (m["who"], int(m["year"])) if m else None


def parse_place_year(text: str) -> tuple[str, int] | None:
    """Command arguments "西夏区 2020" (or "西夏区2020年") → ("西夏区", 2020)."""
    m = _ARGS.match(text)
    return (m["who"], int(m["year"])) if m else None


# --------------------------------------------------------------------------- region audit


@dataclass(slots=True)
class AuditRow:
    agency: str
    kind: str
    published: bool
    due: date
    days_late: int | None  # published late, or overdue as of today when not published
    score: float | None
    grade: str
    problems: list[str]
    card: Scorecard | None = None

    def sort_key(self) -> tuple:
        return (self.published, -(self.days_late or 0) if not self.published else 0,
                self.score if self.score is not None else 0, self.agency)


UNSCORED = "已入库但未评分：库里只有它的数字，没有原文（例如起步数据）；用 disclosure-bot ingest 导入原文件即可评分"


def region_audit(engine: Engine, region: str, year: int, today: date) -> list[AuditRow]:
    """Every body of the region expected to report for `year`, worst first."""
    with Session(engine) as session:
        bodies = [a for a in agencies_in_region(session, region) if a.first_year is None or a.first_year <= year]
        cards = store.cards_of_year(session, year, [a.id for a in bodies])
        filed = store.filed_ids(session, year)
    rows = []
    for a in bodies:
        due = due_date(year, a.kind).due
        c = cards.get(a.id)
        if c is None and a.id in filed:  # stored without its text (the starter dataset): no card to show
            rows.append(AuditRow(a.name, a.kind, True, due, None, None, "—", [UNSCORED]))
            continue
        if c is None:
            late = (today - due).days
            rows.append(AuditRow(a.name, a.kind, False, due, late if late > 0 else None, None, "—",
                                 [f"未公布（已逾期 {late} 天）" if late > 0 else "未公布（未到期）"]))
            continue
        card = Scorecard.from_json(c.card)
        rows.append(AuditRow(a.name, a.kind, True, due, c.days_late, c.score, c.grade, card.problems(), card))
    return sorted(rows, key=AuditRow.sort_key)
