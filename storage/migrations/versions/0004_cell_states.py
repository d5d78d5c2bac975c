"""Cell states: blank, printed mark, unreadable row, missing row (issue 13).

A cell a report does not give as a number is stored with why, so an answer never calls a row the
parser did not find "空白". One row per (report, indicator); reports stored before this revision have
none (answers then say the value was not read, not that it is blank).

Revision ID: 0004
Revises: 0006 (audit; originally 0002, chained when merging main)
Create Date: 2026-12-03
"""

# generated boilerplate, kept as Alembic writes it.
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | Sequence[str] | None = "0005"  # chain: 0002 → 0006 → 0003 → 0005 → 0004 → 0008
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "cell_state",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("report_id", sa.Integer(), nullable=False),
        sa.Column("indicator", sa.String(length=120), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("mark", sa.String(length=20), nullable=False),
        sa.Column("line_no", sa.Integer(), nullable=False),
        sa.Column("end_line", sa.Integer(), nullable=False),
        sa.Column("line_text", sa.String(length=2000), nullable=False),
        sa.ForeignKeyConstraint(["report_id"], ["report.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("report_id", "indicator"),
    )


def downgrade() -> None:
    op.drop_table("cell_state")
