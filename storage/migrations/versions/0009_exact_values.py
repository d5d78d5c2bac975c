"""Exact numbers (issue 15 item 7): indicator_value.value_text holds each number as the report prints it.

- indicator_value.value_text VARCHAR(100) NOT NULL: the exact digits (any integer, a decimal with its
  printed scale); reads return it as int/Decimal. `value` stays, a float copy for ordering only.
- Backfill: an existing row only has its float, so the text is the float's shortest form (3.0 → "3",
  96171.6 → "96171.6", 1e+30 → "1000000000000000000000000000000"): the best that can be recovered;
  digits a float already lost stay lost until the file is ingested again (`ingest --reparse`).
- report_version.values (JSON): every stored value dict gets its "value_text" the same way, so
  `restore` of an old version writes exact text too.
- The (indicator, report_id) index carries value_text instead of value (PostgreSQL INCLUDE), so rankings
  and totals stay index-only scans.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from reports import exact

revision: str = "0009"
down_revision: str | Sequence[str] | None = "0008"  # chain: … → 0004 → 0008 → 0009
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SAFE = 2**53  # below it an integral float is the integer it was parsed from
_VALUES = sa.table("indicator_value", sa.column("id", sa.Integer), sa.column("value", sa.Float),
                   sa.column("value_text", sa.String))
_VERSIONS = sa.table("report_version", sa.column("id", sa.Integer), sa.column("values", sa.JSON))


def _text_of(value: Any) -> str:
    return exact.text(exact.to_exact(value))


def _backfill_values(bind: sa.Connection) -> None:
    """Whole numbers in one UPDATE (most rows); the rest (fractions, huge floats) one by one."""
    as_int = "BIGINT" if bind.dialect.name == "postgresql" else "INTEGER"
    bind.execute(sa.text(
        f"UPDATE indicator_value SET value_text = CAST(CAST(value AS {as_int}) AS VARCHAR(100)) "
        f"WHERE value = CAST(value AS {as_int}) AND abs(value) < {_SAFE}"
    ))
    rest = bind.execute(sa.select(_VALUES.c.id, _VALUES.c.value).where(_VALUES.c.value_text.is_(None))).all()
    if rest:
        bind.execute(
            _VALUES.update().where(_VALUES.c.id == sa.bindparam("vid")).values(value_text=sa.bindparam("txt")),
            [{"vid": r.id, "txt": _text_of(r.value)} for r in rest],
        )


def _rewrite_versions(bind: sa.Connection, add: bool) -> None:
    """Add (or, going down, drop) "value_text" in every version's stored values."""
    for vid, values in bind.execute(sa.select(_VERSIONS.c.id, _VERSIONS.c["values"])).all():
        if not values:
            continue
        if add:
            new = [v if "value_text" in v else {**v, "value_text": _text_of(v["value"])} for v in values]
        else:
            new = [{k: x for k, x in v.items() if k != "value_text"} for v in values]
        if new != values:
            bind.execute(_VERSIONS.update().where(_VERSIONS.c.id == vid).values({"values": new}))


def upgrade() -> None:
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.add_column(sa.Column("value_text", sa.String(length=100), nullable=True))
    bind = op.get_bind()
    _backfill_values(bind)
    _rewrite_versions(bind, add=True)
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.alter_column("value_text", existing_type=sa.String(length=100), nullable=False)
        batch_op.drop_index("ix_value_indicator_report")
        batch_op.create_index(
            "ix_value_indicator_report", ["indicator", "report_id"], unique=False,
            postgresql_include=["value_text"],
        )


def downgrade() -> None:
    with op.batch_alter_table("indicator_value", schema=None) as batch_op:
        batch_op.drop_index("ix_value_indicator_report")
        batch_op.create_index(
            "ix_value_indicator_report", ["indicator", "report_id"], unique=False, postgresql_include=["value"]
        )
        batch_op.drop_column("value_text")
    _rewrite_versions(op.get_bind(), add=False)
