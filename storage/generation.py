"""The store generation: one counter row bumped by the database itself whenever the catalogue changes.

Why triggers and not a call in every writer: the answer cache must notice EVERY change to agencies,
aliases, reports, values and findings (ingest, admin edits, bulk COPY loads, manual SQL), and a trigger
runs in the writer's own transaction, so the bump commits (or rolls back) with the write. Readers then
poll one primary-key row instead of count(*) over whole tables. On PostgreSQL the triggers are
per statement (one bump per COPY or bulk insert) and also NOTIFY the channel `store_generation`;
SQLite has only row triggers.
"""

from __future__ import annotations

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

TABLE = "store_generation"
CHANNEL = "store_generation"
WATCHED = ("agency", "agencyalias", "report", "indicator_value", "report_finding")
# An upsert, so a store whose counter row was truncated (tests, manual resets) gets it back on the next write.
_BUMP = (
    f"INSERT INTO {TABLE} (id, generation) VALUES (1, 1) "
    f"ON CONFLICT (id) DO UPDATE SET generation = {TABLE}.generation + 1"
)

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION store_generation_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    {_BUMP};
    PERFORM pg_notify('{CHANNEL}', '');
    RETURN NULL;
END $$
"""


def _statements(dialect: str) -> list[str]:
    """The DDL that installs the counter row and the triggers for one dialect."""
    out: list[str] = []  # no seed row: an empty store stays empty; the first write creates row 1
    if dialect == "postgresql":
        out.append(_PG_FUNCTION)
        out += [
            f"CREATE OR REPLACE TRIGGER store_gen_{t} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION store_generation_bump()"
            for t in WATCHED
        ]
    else:
        out += [
            f"CREATE TRIGGER IF NOT EXISTS store_gen_{t}_{op.lower()} AFTER {op} ON {t} BEGIN {_BUMP}; END"
            for t in WATCHED
            for op in ("INSERT", "UPDATE", "DELETE")
        ]
    return out


def install(conn: Connection) -> None:
    """(Re)create the triggers; idempotent. Used by create_all and migration 0008."""
    for stmt in _statements(conn.dialect.name):
        conn.execute(text(stmt))


def uninstall(conn: Connection) -> None:
    """Drop the triggers (migration 0008's downgrade); the table is dropped by the caller."""
    for t in WATCHED:
        if conn.dialect.name == "postgresql":
            conn.execute(text(f"DROP TRIGGER IF EXISTS store_gen_{t} ON {t}"))
        else:
            for op in ("insert", "update", "delete"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS store_gen_{t}_{op}"))
    if conn.dialect.name == "postgresql":
        conn.execute(text("DROP FUNCTION IF EXISTS store_generation_bump()"))


def after_create(target, connection: Connection, **kw) -> None:
    """metadata after_create hook: install the triggers once every watched table exists."""
    have = set(inspect(connection).get_table_names())
    if have.issuperset((TABLE, *WATCHED)):
        install(connection)
