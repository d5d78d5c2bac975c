"""Name index tables (issue 18): the agency forms, places and fuzzy corpus the answer engine used to
build in memory at start-up, kept in the store so a national store (150,000 bodies) starts in seconds.

Derived data: query/name_store.py fills them from agency/agencyalias on first use and keeps them
current (incrementally) when the store generation changes; no triggers bump the generation for them.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | Sequence[str] | None = "0009"  # chain: … → 0004 → 0008 → 0009 → 0010
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "name_form",
        sa.Column("form", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("penalty", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("form", "agency_id"),
    )
    op.create_table(
        "name_place",
        sa.Column("surface", sa.String(length=300), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("surface", "path"),
    )
    op.create_table(
        "place_member",
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("path", "agency_id"),
    )
    op.create_table(
        "name_fuzzy",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("agency_id", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(length=300), nullable=False),
        sa.Column("pinyin", sa.String(length=600), nullable=False),
        sa.Column("initials", sa.String(length=300), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_name_fuzzy_pinyin", "name_fuzzy", ["pinyin"])
    op.create_index("ix_name_fuzzy_initials", "name_fuzzy", ["initials"])
    op.create_index("ix_name_fuzzy_agency", "name_fuzzy", ["agency_id"])
    op.create_table(
        "name_gram",
        sa.Column("gram", sa.String(length=8), nullable=False),
        sa.Column("fuzzy_id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("gram", "fuzzy_id"),
    )


def downgrade() -> None:
    for t in ("name_gram", "name_fuzzy", "place_member", "name_place", "name_form"):
        op.drop_table(t)
