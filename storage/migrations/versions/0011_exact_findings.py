"""Exact numbers in findings (issue 15 item 7, the last piece): report_finding.expected_text / actual_text.

- report_finding.expected_text, actual_text TEXT NULL: a finding's two numbers exactly (any integer, a
  decimal with its digits); reads return them as int/Decimal. `expected` / `actual` stay, float copies.
  TEXT, not VARCHAR(100) as value_text: a sum of many 100-character figures can be longer.
- Backfill: an existing row only has its floats, so the text is the float's shortest form (40.0 → "40",
  0.3 → "0.3", 1e+30 → "1" and 30 zeros): the best that can be recovered; digits a float already lost
  stay lost until the file is ingested again (`ingest --reparse`). NULL stays NULL.
- report_version.findings (JSON): every stored finding gets "expected_text"/"actual_text" the same way,
  so `restore` of an old version writes them too.
- The store-generation triggers are installed again (idempotent): on SQLite, 0009's batch rebuild of
  indicator_value dropped its triggers, so writes there no longer bumped the generation; this
  downgrade's rebuild of report_finding would drop its own.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-03
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

from reports import exact
from storage import generation

revision: str = "0011"
down_revision: str | Sequence[str] | None = "0010"  # chain: … → 0008 → 0009 → 0010 → 0011
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_SAFE = 2**53  # below it an integral float is the integer it was parsed from
_PAIRS = (("expected", "expected_text"), ("actual", "actual_text"))
_FINDINGS = sa.table(
    "report_finding", sa.column("id", sa.Integer), sa.column("expected", sa.Float), sa.column("actual", sa.Float),
    sa.column("expected_text", sa.Text), sa.column("actual_text", sa.Text),
)
_VERSIONS = sa.table("report_version", sa.column("id", sa.Integer), sa.column("findings", sa.JSON))


def _text_of(value: Any) -> str | None:
    return None if value is None else exact.text(exact.to_exact(value))


def _backfill_findings(bind: sa.Connection) -> None:
    """Whole numbers in one UPDATE per column (most rows); the rest (fractions, huge floats) one by one."""
    as_int = "BIGINT" if bind.dialect.name == "postgresql" else "INTEGER"
    for num, txt in _PAIRS:
        bind.execute(sa.text(
            f"UPDATE report_finding SET {txt} = CAST(CAST({num} AS {as_int}) AS VARCHAR(100)) "
            # CASE: PostgreSQL may evaluate an AND's sides in any order, and CAST(1e30 AS BIGINT) raises
            f"WHERE CASE WHEN abs({num}) < {_SAFE} THEN {num} = CAST({num} AS {as_int}) ELSE FALSE END"
        ))
        src, dst = _FINDINGS.c[num], _FINDINGS.c[txt]
        rest = bind.execute(sa.select(_FINDINGS.c.id, src).where(dst.is_(None), src.is_not(None))).all()
        if rest:
            bind.execute(
                _FINDINGS.update().where(_FINDINGS.c.id == sa.bindparam("fid")).values({txt: sa.bindparam("t")}),
                [{"fid": r[0], "t": _text_of(r[1])} for r in rest],
            )


def _with_texts(f: dict[str, Any]) -> dict[str, Any]:
    return {**f, **{txt: _text_of(f.get(num)) for num, txt in _PAIRS if txt not in f}}


def _rewrite_versions(bind: sa.Connection, add: bool) -> None:
    """Add (or, going down, drop) "expected_text"/"actual_text" in every version's stored findings."""
    texts = {txt for _num, txt in _PAIRS}
    for vid, findings in bind.execute(sa.select(_VERSIONS.c.id, _VERSIONS.c.findings)).all():
        if not findings:
            continue
        if add:
            new = [_with_texts(f) for f in findings]
        else:
            new = [{k: x for k, x in f.items() if k not in texts} for f in findings]
        if new != findings:
            bind.execute(_VERSIONS.update().where(_VERSIONS.c.id == vid).values(findings=new))


def _reinstall_generation_triggers(bind: sa.Connection) -> None:
    """generation.install once every watched table exists (a later revision may watch a newer table)."""
    if set(generation.WATCHED) <= set(sa.inspect(bind).get_table_names()):
        generation.install(bind)


def upgrade() -> None:
    with op.batch_alter_table("report_finding", schema=None) as batch_op:
        batch_op.add_column(sa.Column("expected_text", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("actual_text", sa.Text(), nullable=True))
    bind = op.get_bind()
    _backfill_findings(bind)
    _rewrite_versions(bind, add=True)
    _reinstall_generation_triggers(bind)


def downgrade() -> None:
    with op.batch_alter_table("report_finding", schema=None) as batch_op:
        batch_op.drop_column("actual_text")
        batch_op.drop_column("expected_text")
    _rewrite_versions(op.get_bind(), add=False)
    _reinstall_generation_triggers(op.get_bind())
