"""SQLModel tables. One file so that Alembic sees the whole schema; queries live in `storage.queries`.

Kept portable between SQLite and PostgreSQL: JSON columns via SQLAlchemy's JSON type, timestamps
stored as timezone-aware UTC (`utcnow`), and no database-specific types.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Column, Index, LargeBinary, String, Text, UniqueConstraint, event
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from reports import exact


def utcnow() -> datetime:
    return datetime.now(UTC)


class ExactNumber(TypeDecorator):
    """A VARCHAR holding a number's exact printed digits, read back as int or Decimal (reports.exact).

    Why a type and not a conversion at each read: every select of the column, ORM or Core, gets the
    exact number, so no reader can forget and fall back to a float."""

    impl = String(100)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> str | None:
        return None if value is None else exact.text(exact.to_exact(value))

    def process_result_value(self, value: Any, dialect: Any) -> exact.Number | None:
        return None if value is None else exact.to_exact(value)


class ExactNumberText(ExactNumber):
    """ExactNumber without a length limit: a finding's sum of many ≤100-character figures (one of them with
    a long fraction) can be longer than any figure the report prints."""

    impl = Text
    cache_ok = True


class Agency(SQLModel, table=True):
    """A reporting body (行政机关). `region_path` is '/'-joined, province first."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(index=True, unique=True, max_length=200)
    kind: str = Field(default="other", max_length=20)  # people_gov|department|township|devzone|other
    region_path: str = Field(default="", index=True, max_length=300)  # 宁夏回族自治区/银川市/西夏区
    region: str = Field(default="", index=True, max_length=100)  # innermost place: 西夏区
    first_year: int | None = None
    source: str = Field(default="report", max_length=20)  # report|registry
    site_url: str = Field(default="", max_length=1000)  # its site or 年报 column (registry `url`): harvest --region
    created_at: datetime = Field(default_factory=utcnow)


class AgencyAlias(SQLModel, table=True):
    """Other names for an agency (short forms learned at ingest, registry aliases)."""

    __table_args__ = (UniqueConstraint("agency_id", "alias"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    alias: str = Field(index=True, max_length=200)
    source: str = Field(default="ingest", max_length=20)


class Report(SQLModel, table=True):
    """The current report of one agency for one year (a newer file replaces it; see IngestEvent)."""

    __table_args__ = (
        UniqueConstraint("agency_id", "year"),
        # one year's reports (rankings, totals, reminders) without touching the table: 0002
        Index("ix_report_year_agency", "year", "agency_id", postgresql_include=["id"]),
    )
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    year: int
    template: str = Field(max_length=12)  # 2008|2019|2021|narrative
    title: str = Field(default="", max_length=500)
    file_name: str = Field(default="", max_length=500)
    file_hash: str = Field(index=True, max_length=64)
    ingested_at: datetime = Field(default_factory=utcnow, index=True)
    replaced_count: int = 0
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    # where the report came from (0005): sample (fictional demo) | starter (shipped figures of public
    # reports) | ingested | harvested; answers say so, and show the public URL and publication date.
    source_kind: str = Field(default="ingested", max_length=12)
    source_url: str = Field(default="", max_length=1000)
    published_on: date | None = None


class IndicatorValue(SQLModel, table=True):
    """One number of one report, with where it came from.

    Exact numbers (issue 15 item 7, migration 0009): `value_text` holds the number exactly as the report
    prints it (an integer of any size, or a decimal with its printed digits: "3.30", never "1e+30") and is
    the only column reads return (as int/Decimal, reports.exact); `value` is a float copy kept for
    ordering and for SQL written by hand, never shown or summed. Why text and not NUMERIC: SQLite has no
    exact decimal type (NUMERIC affinity turns 12345678901234567.5 into a float), and one representation
    on both backends means one read path; the text is short (≤ 100 characters, else ingest rejects it).
    """

    __tablename__ = "indicator_value"
    __table_args__ = (
        UniqueConstraint("report_id", "indicator"),
        # one indicator over many reports (rankings, totals): the value rides in the index (0002; the exact
        # text since 0009), so
        # ranking a year nation-wide is an index-only scan; report_id alone is served by the unique key
        Index("ix_value_indicator_report", "indicator", "report_id", postgresql_include=["value_text"]),
    )
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    indicator: str = Field(max_length=120)
    value: float  # ordering copy only (see the class docstring)
    # the exact printed number: text in the store, int/Decimal in Python
    value_text: exact.Number = Field(sa_column=Column(ExactNumber(), nullable=False))
    unit: str = Field(default="", max_length=12)
    line_no: int = 0
    line_text: str = Field(default="", max_length=2000)
    origin: str = Field(default="table", max_length=10)  # table|prose|derived
    section: str = Field(default="", max_length=200)
    row_label: str = Field(default="", max_length=300)
    column_label: str = Field(default="", max_length=200)


class ReportFinding(SQLModel, table=True):
    """A failed 勾稽关系 check (or table/prose disagreement) of a report, as printed.

    Exact numbers (issue 15 item 7, migration 0011): `expected_text` / `actual_text` hold the two numbers
    exactly (10**30 + 1, 12345678901234567, "3.30"); reads return them as int/Decimal. `expected` /
    `actual` stay as float copies for SQL written by hand (and bulk loads that only fill them), never shown.
    """

    __tablename__ = "report_finding"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    rule: str = Field(max_length=120)
    message: str = Field(max_length=1000)
    indicators: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))
    values: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    expected: float | None = None  # float copy (see the class docstring)
    actual: float | None = None
    expected_text: exact.Number | None = Field(default=None, sa_column=Column(ExactNumberText(), nullable=True))
    actual_text: exact.Number | None = Field(default=None, sa_column=Column(ExactNumberText(), nullable=True))
    line_no: int | None = None


class IngestEvent(SQLModel, table=True):
    """Every ingest attempt: stored, unchanged, replaced or rejected, with the reason."""

    __tablename__ = "ingest_event"
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, index=True)
    file_name: str = Field(default="", max_length=500)
    file_hash: str = Field(default="", max_length=64, index=True)  # was this file seen before: 0002
    outcome: str = Field(max_length=12)  # stored|unchanged|replaced|rejected
    reason: str = Field(default="", max_length=1000)
    report_id: int | None = Field(default=None, index=True)
    previous_hash: str | None = Field(default=None, max_length=64)


class Conversation(SQLModel, table=True):
    """Follow-up context per chat (or terminal session), so a restart keeps it."""

    chat_key: str = Field(primary_key=True, max_length=100)
    context: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    updated_at: datetime = Field(default_factory=utcnow)


class Subscription(SQLModel, table=True):
    """A chat's interest: everything (scope=all), a region, or one agency."""

    __table_args__ = (UniqueConstraint("chat_id", "scope", "target"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    chat_type: str = Field(default="private", max_length=20)  # private|group|supergroup|channel
    scope: str = Field(default="all", max_length=10)  # all|region|agency
    target: str = Field(default="", max_length=200)
    digests: bool = True  # weekly / yearly summaries wanted (groups and channels)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow)


class ChatState(SQLModel, table=True):
    """What we know about a chat as a recipient: blocked, last error."""

    __tablename__ = "chat_state"
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    blocked_at: datetime | None = None
    last_error: str = Field(default="", max_length=500)


class Delivery(SQLModel, table=True):
    """One reminder or summary for one chat and period; claimed before sending, marked after."""

    __table_args__ = (UniqueConstraint("chat_id", "kind", "period"),)
    id: int | None = Field(default=None, primary_key=True)
    chat_id: int = Field(sa_column=Column(BigInteger, nullable=False, index=True))
    kind: str = Field(max_length=30)  # reminder|overdue|weekly_digest|yearly_summary
    period: str = Field(max_length=40)  # e.g. 2021-01-15/dept, 2021-W03, 2020
    text: str = Field(default="", max_length=20000)
    created_at: datetime = Field(default_factory=utcnow)
    claimed_at: datetime | None = None
    claimed_by: str | None = Field(default=None, max_length=100)
    sent_at: datetime | None = Field(default=None, index=True)
    message_id: int | None = None
    attempts: int = 0
    status: str = Field(default="pending", max_length=12)  # pending|claimed|sent|failed|skipped
    error: str = Field(default="", max_length=500)


class AppMeta(SQLModel, table=True):
    """Small key/value facts about the store (e.g. when the sample corpus was loaded)."""

    __tablename__ = "app_meta"
    key: str = Field(primary_key=True, max_length=100)
    value: str = Field(default="", max_length=2000)


# --- ingest ---


class ReportVersion(SQLModel, table=True):
    """Every version of a report ever stored, append-only; `current` marks the one queries read.

    Why: a newer file replaces a report's rows in indicator_value, and the replaced numbers must never be
    lost (issue 15): each version keeps its own values and findings, so `restore` can bring one back.
    `text_hash` is the sha256 of the decoded text: the same report re-saved in another encoding is the
    same version.
    """

    __tablename__ = "report_version"
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id", index=True)
    file_name: str = Field(default="", max_length=500)
    file_hash: str = Field(default="", max_length=64, index=True)
    text_hash: str = Field(default="", max_length=64, index=True)
    template: str = Field(default="", max_length=12)
    title: str = Field(default="", max_length=500)
    ingested_at: datetime = Field(default_factory=utcnow)
    current: bool = False
    values: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    findings: list[dict[str, Any]] = Field(
        default_factory=list, sa_column=Column(JSON, nullable=False, default=list)
    )
    warnings: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False, default=list))


# --- harvest ---
class HarvestUrl(SQLModel, table=True):
    """The harvester's frontier and fetch log: one row per URL (resumable; claims for several workers).

    state: pending|claimed|done|failed|disallowed|unsupported|gone. Fetched bytes live in the raw
    store under `content_hash` (sha256), so `ingest --reparse` works without the network.
    """

    __tablename__ = "harvest_url"
    id: int | None = Field(default=None, primary_key=True)
    url: str = Field(max_length=1000, unique=True)
    host: str = Field(default="", max_length=200, index=True)
    site: str = Field(default="", max_length=200)  # the body whose site this is (sites file / registry)
    region: str = Field(default="", max_length=100)
    kind: str = Field(default="page", max_length=10)  # seed|list|page|file
    depth: int = 0
    parent_url: str = Field(default="", max_length=1000)
    link_text: str = Field(default="", max_length=300)
    state: str = Field(default="pending", max_length=12, index=True)
    attempts: int = 0
    claimed_by: str | None = Field(default=None, max_length=100)
    claimed_until: datetime | None = None
    http_status: int | None = None
    etag: str = Field(default="", max_length=300)
    last_modified: str = Field(default="", max_length=100)
    content_type: str = Field(default="", max_length=200)
    content_hash: str = Field(default="", max_length=64, index=True)
    size: int = 0
    headers: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    fetched_at: datetime | None = None
    published_on: date | None = None
    title: str = Field(default="", max_length=500)
    error: str = Field(default="", max_length=500)
    report_id: int | None = None


class HarvestLease(SQLModel, table=True):
    """One harvest run at a time: a named lease with an expiry (a crashed holder's lease lapses)."""

    __tablename__ = "harvest_lease"
    name: str = Field(primary_key=True, max_length=50)
    holder: str = Field(default="", max_length=100)
    expires_at: datetime = Field(default_factory=utcnow)


# --- audit ---


class Scorecard(SQLModel, table=True):
    """A report's audit scorecard (audit.score_report), computed at ingest; `card` is its JSON."""

    __tablename__ = "scorecard"
    report_id: int = Field(foreign_key="report.id", primary_key=True)
    score: float = 0.0
    grade: str = Field(default="", max_length=4)
    published_on: date | None = None
    date_source: str = Field(default="none", max_length=12)  # harvester|signature|upload|none
    days_late: int | None = None
    card: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False, default=dict))
    computed_at: datetime = Field(default_factory=utcnow)


class ProseFingerprint(SQLModel, table=True):
    """MinHash signatures of a report's counted prose sentences (audit.fingerprint), not its text."""

    __tablename__ = "prose_fingerprint"
    __table_args__ = (Index("ix_prose_fingerprint_year_agency", "year", "agency_id"),)
    report_id: int = Field(foreign_key="report.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    year: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))


class DigestOption(SQLModel, table=True):
    """A chat's choice for the daily audit digest: attach the region's XLSX workbook or not."""

    __tablename__ = "digest_option"
    chat_id: int = Field(sa_column=Column(BigInteger, primary_key=True))
    xlsx: bool = False
    updated_at: datetime = Field(default_factory=utcnow)


# --- parsing ---


class CellStateRow(SQLModel, table=True):
    """A cell a report does not give as a number, and why (issue 13): the table is never silent.

    state: blank (empty cell printed) | mark (a printed "/", "—", "-", "无", kept in `mark`) |
    unreadable (row printed, numbers not placeable) | missing (row not found; `line_no`..`end_line` is
    where it was searched). Only `blank` may be answered "空白，不按 0 计"."""

    __tablename__ = "cell_state"
    __table_args__ = (UniqueConstraint("report_id", "indicator"),)
    id: int | None = Field(default=None, primary_key=True)
    report_id: int = Field(foreign_key="report.id")
    indicator: str = Field(max_length=120)
    state: str = Field(max_length=12)
    mark: str = Field(default="", max_length=20)
    line_no: int = 0
    end_line: int = 0
    line_text: str = Field(default="", max_length=2000)


# --- national ---


class StoreGeneration(SQLModel, table=True):
    """One row (id 1) counting catalogue changes; database triggers bump it (storage.generation)."""

    __tablename__ = "store_generation"
    id: int = Field(default=1, primary_key=True)
    generation: int = Field(default=0, sa_column=Column(BigInteger, nullable=False, default=0))


def _install_generation(target: Any, connection: Any, **kw: Any) -> None:
    from storage.generation import after_create

    after_create(target, connection, **kw)


event.listen(SQLModel.metadata, "after_create", _install_generation)


# --- name index (migration 0010) ---


class NameForm(SQLModel, table=True):
    """Every surface form an agency is found by (official name, aliases, names without outer places,
    abbreviations) with its penalty: the engine's name look-ups at national scale read this table by
    key instead of holding every form in memory. Derived from agency/agencyalias (query/name_store.py)."""

    __tablename__ = "name_form"
    form: str = Field(primary_key=True, max_length=300)
    agency_id: int = Field(primary_key=True)
    penalty: int = 0


class NamePlace(SQLModel, table=True):
    """A place surface (西夏区, 西夏, 银川西夏区) → one region path it names; derived like name_form."""

    __tablename__ = "name_place"
    surface: str = Field(primary_key=True, max_length=300)
    path: str = Field(primary_key=True, max_length=300)


class PlaceMember(SQLModel, table=True):
    """The agencies under a region path (every prefix of the body's place chain); derived like name_form."""

    __tablename__ = "place_member"
    path: str = Field(primary_key=True, max_length=300)
    agency_id: int = Field(primary_key=True)


class NameFuzzy(SQLModel, table=True):
    """One string of the fuzzy corpus (a name, a shortened name or a place name) with its pinyin and
    initials, for mistyped and romanised names; `agency_id` -1 marks a place (then `path` is set)."""

    __tablename__ = "name_fuzzy"
    __table_args__ = (
        Index("ix_name_fuzzy_pinyin", "pinyin"),
        Index("ix_name_fuzzy_initials", "initials"),
        Index("ix_name_fuzzy_agency", "agency_id"),
    )
    id: int = Field(primary_key=True)
    text: str = Field(max_length=300)
    agency_id: int = -1
    path: str = Field(default="", max_length=300)
    pinyin: str = Field(default="", max_length=600)
    initials: str = Field(default="", max_length=300)


class NameGram(SQLModel, table=True):
    """Character bigram postings of name_fuzzy.text: the candidate pre-filter for mistyped names."""

    __tablename__ = "name_gram"
    gram: str = Field(primary_key=True, max_length=8)
    fuzzy_id: int = Field(primary_key=True)
