"""agency.site_url: the body's site or 年报 column, from the registry's `url` column (issue 16).

Why: `disclosure-bot harvest --region 银川市` runs over the registry; without a URL per body (or per
region portal: the people's government's site) there is nothing to crawl.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | Sequence[str] | None = "0011"  # chain: … → 0010 → 0011 → 0012
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # plain ALTER TABLE ADD COLUMN (no batch copy: SQLite would rebuild a table other tables reference)
    op.add_column("agency", sa.Column("site_url", sa.String(length=1000), nullable=False, server_default=""))


def downgrade() -> None:
    op.drop_column("agency", "site_url")  # SQLite 3.35+ drops a column in place
