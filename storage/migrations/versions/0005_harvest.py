"""Report provenance (source_kind, source_url, published_on) and the harvester's frontier and lease.

Revision ID: 0005
Revises: 0006 (chained after the audit scorecards when merged with main)
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (no batch copy: SQLite would rebuild a table other tables reference)
    op.add_column(
        "report", sa.Column("source_kind", sa.String(length=12), nullable=False, server_default="ingested")
    )
    op.add_column("report", sa.Column("source_url", sa.String(length=1000), nullable=False, server_default=""))
    op.add_column("report", sa.Column("published_on", sa.Date(), nullable=True))

    op.create_table(
        "harvest_url",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("url", sa.String(length=1000), nullable=False),
        sa.Column("host", sa.String(length=200), nullable=False),
        sa.Column("site", sa.String(length=200), nullable=False),
        sa.Column("region", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("depth", sa.Integer(), nullable=False),
        sa.Column("parent_url", sa.String(length=1000), nullable=False),
        sa.Column("link_text", sa.String(length=300), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("claimed_by", sa.String(length=100), nullable=True),
        sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("etag", sa.String(length=300), nullable=False),
        sa.Column("last_modified", sa.String(length=100), nullable=False),
        sa.Column("content_type", sa.String(length=200), nullable=False),
        sa.Column("content_hash", sa.String(length=64), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("headers", sa.JSON(), nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("title", sa.String(length=500), nullable=False),
        sa.Column("error", sa.String(length=500), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("url"),
    )
    with op.batch_alter_table("harvest_url", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_harvest_url_host"), ["host"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_url_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_harvest_url_content_hash"), ["content_hash"], unique=False)

    op.create_table(
        "harvest_lease",
        sa.Column("name", sa.String(length=50), nullable=False),
        sa.Column("holder", sa.String(length=100), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("name"),
    )


def downgrade() -> None:
    op.drop_table("harvest_lease")
    with op.batch_alter_table("harvest_url", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_harvest_url_content_hash"))
        batch_op.drop_index(batch_op.f("ix_harvest_url_state"))
        batch_op.drop_index(batch_op.f("ix_harvest_url_host"))
    op.drop_table("harvest_url")
    for column in ("published_on", "source_url", "source_kind"):
        op.drop_column("report", column)  # SQLite 3.35+ drops a column in place
