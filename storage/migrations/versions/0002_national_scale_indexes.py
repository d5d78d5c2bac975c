"""Indexes for a national store (150,000 bodies × 5–10 years; measured by bench/scale.py).

- ingest_event.file_hash: "was this file seen before" was a sequential scan of every ingest event;
- report (year, agency_id) INCLUDE (id) replaces report (year): one year's reports (rankings, totals,
  reminders) come from the index alone;
- indicator_value (indicator, report_id) INCLUDE (value): one indicator across a year's reports is an
  index-only scan (nation-wide ranking or total without reading the 40+ GB heap);
- indicator_value (report_id) is dropped: the unique (report_id, indicator) key already serves it.

INCLUDE is PostgreSQL-only; SQLite gets the same key columns. On PostgreSQL the two indicator_value
indexes are rebuilt (plain CREATE INDEX: writes wait, reads go on; ~3 min at 47 million values on two cores).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | Sequence[str] | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ingest_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_ingest_event_file_hash"), ["file_hash"], unique=False)

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(
            "ix_report_year_agency", ["year", "agency_id"], unique=False, postgresql_include=["id"]
        )
        batch_op.drop_index(batch_op.f("ix_report_year"))

    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_value_indicator_report")
        batch_op.create_index(
            "ix_value_indicator_report",
            ["indicator", "report_id"],
            unique=False,
            postgresql_include=["value"],
        )
        batch_op.drop_index(batch_op.f("ix_indicator_value_report_id"))


def downgrade() -> None:
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_indicator_value_report_id"), ["report_id"], unique=False)
        batch_op.drop_index("ix_value_indicator_report")
        batch_op.create_index("ix_value_indicator_report", ["indicator", "report_id"], unique=False)

    with op.batch_alter_table("report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_report_year"), ["year"], unique=False)
        batch_op.drop_index("ix_report_year_agency")

    with op.batch_alter_table("ingest_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ingest_event_file_hash"))
