"""Audit scorecards (issue 17): one scorecard per report, the MinHash fingerprint of its prose, and a
chat's choice of an XLSX with the daily audit digest.

Revision ID: 0006
Revises: 0002
Create Date: 2026-12-03
"""

# The revision header and create_table calls have the shape of every Alembic revision (0001, 0002):
# generated boilerplate, kept as Alembic writes it.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scorecard",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("grade", sa.String(length=4), nullable=False),
        sa.Column("published_on", sa.Date(), nullable=True),
        sa.Column("date_source", sa.String(length=12), nullable=False),
        sa.Column("days_late", sa.Integer(), nullable=True),
        sa.Column("card", sa.JSON(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )
    op.create_table(
        "prose_fingerprint",
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"]),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("report_id"),
    )
    with op.batch_alter_table("prose_fingerprint", schema=None) as batch_op:
        batch_op.create_index("ix_prose_fingerprint_year_agency", ["year", "agency_id"], unique=False)
    op.create_table(
        "digest_option",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("xlsx", sa.Boolean(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id"),
    )


def downgrade() -> None:
    op.drop_table("digest_option")
    with op.batch_alter_table("prose_fingerprint", schema=None) as batch_op:
        batch_op.drop_index("ix_prose_fingerprint_year_agency")
    op.drop_table("prose_fingerprint")
    op.drop_table("scorecard")
