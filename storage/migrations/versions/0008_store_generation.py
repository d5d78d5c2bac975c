"""Store generation counter (issue 18): one row bumped by triggers on every catalogue write, so the
answer cache polls one primary-key row instead of count(*) over whole tables.

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage import generation

revision: str = "0008"
down_revision: str | Sequence[str] | None = "0004"  # chain: 0002 → 0006 → 0003 → 0005 → 0004 → 0008
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "store_generation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    generation.install(op.get_bind())


def downgrade() -> None:
    generation.uninstall(op.get_bind())
    op.drop_table("store_generation")
