"""Schema versions through Alembic: create a fresh store, upgrade an old one, refuse to run on a stale one.

Why a check at start-up: running new code on an old schema fails later with an obscure SQL error in the
middle of a chat; better to stop at once and say which command fixes it.

- empty database            → `ensure_schema` creates everything via `upgrade head`;
- tables but no version row → a store made by `create_all` (tests, early versions): if it matches the
                              models exactly it is stamped at head, otherwise the user is told to migrate;
- behind head               → `SchemaError` naming `disclosure-bot migrate`;
- ahead of head             → `SchemaError`: the program is older than the database.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection, Engine

HERE = Path(__file__).resolve().parent
INI = HERE / "alembic.ini"
SCRIPTS = HERE / "migrations"
VERSION_TABLE = "alembic_version"
LOCK_KEY = 0x0D15C105  # pg_advisory_lock key for schema changes ("disclos")


class SchemaError(RuntimeError):
    """The store's schema does not match this program; the message says what to run."""


def _config(connection: Connection | None = None) -> Config:
    cfg = Config(str(INI)) if INI.exists() else Config()
    cfg.set_main_option("script_location", str(SCRIPTS))
    cfg.attributes["configure_logging"] = False  # never reconfigure the application's logging
    if connection is not None:
        cfg.attributes["connection"] = connection
    return cfg


def _engine(engine_or_url: Engine | str | None) -> Engine:
    if isinstance(engine_or_url, Engine):
        return engine_or_url
    from storage.db import get_engine

    return get_engine(engine_or_url)


def head_revision() -> str:
    """The newest revision this code knows."""
    head = ScriptDirectory.from_config(_config()).get_current_head()
    if head is None:  # pragma: no cover - the package always ships 0001
        raise SchemaError("no Alembic revisions found in storage/migrations/versions")
    return head


def known_revisions() -> set[str]:
    return {s.revision for s in ScriptDirectory.from_config(_config()).walk_revisions()}


def current_revision(engine: Engine) -> str | None:
    """The revision stamped in the database (None when unversioned or empty)."""
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def _app_tables() -> set[str]:
    from sqlmodel import SQLModel

    from storage import models  # noqa: F401 - registers the tables

    return set(SQLModel.metadata.tables)


def _existing_tables(engine: Engine) -> set[str]:
    return set(inspect(engine).get_table_names())


def schema_diff(engine: Engine) -> list:
    """Alembic's autogenerate comparison of the database against storage.models ([] = identical)."""
    from alembic.autogenerate import compare_metadata
    from sqlmodel import SQLModel

    from storage import models  # noqa: F401

    with engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(ctx, SQLModel.metadata)


def upgrade(engine_or_url: Engine | str | None = None, revision: str = "head") -> str:
    """Upgrade (or create) the schema to `revision`; returns the revision now stamped."""
    engine = _engine(engine_or_url)
    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)
    return current_revision(engine) or ""


def stamp(engine: Engine, revision: str = "head") -> None:
    """Record a revision without running DDL (adopting a store created by create_all)."""
    with engine.begin() as conn:
        command.stamp(_config(conn), revision)


def schema_problem(engine: Engine) -> str | None:
    """None when the store is usable as is (at head, or empty and about to be created); else what to do."""
    tables = _existing_tables(engine)
    head = head_revision()
    if VERSION_TABLE not in tables:
        if not (tables & _app_tables()):
            return None  # empty: ensure_schema creates it
        return (
            f"数据库没有结构版本记录 (schema has no Alembic version, code expects {head}): "
            "run `disclosure-bot migrate`"
        )
    current = current_revision(engine)
    if current == head:
        return None
    if current is None:
        return (
            f"数据库结构版本为空 (schema version missing, code expects {head}): run `disclosure-bot migrate`"
        )
    if current not in known_revisions():
        return (
            f"数据库结构版本比程序新 (schema at {current}, this program knows up to {head}): "
            "upgrade disclosure-bot"
        )
    return f"数据库结构版本落后 (schema at {current}, code expects {head}): run `disclosure-bot migrate`"


def migrate(engine: Engine) -> tuple[str | None, str]:
    """What `disclosure-bot migrate` does: adopt an unversioned store that matches, else upgrade. (before, after)"""
    with _schema_lock(engine):
        return _migrate_locked(engine)


def _migrate_locked(engine: Engine) -> tuple[str | None, str]:
    before = current_revision(engine)
    tables = _existing_tables(engine)
    if VERSION_TABLE not in tables and tables & _app_tables():
        if _app_tables() <= tables and not schema_diff(engine):
            stamp(engine, "head")
            return before, head_revision()
        raise SchemaError(
            "数据库里已有表但没有版本记录，且与当前结构不一致 (unversioned tables that differ from the models); "
            "back it up and start from an empty database, or stamp it by hand with alembic"
        )
    return before, upgrade(engine)


@contextmanager
def _schema_lock(engine: Engine) -> Iterator[None]:
    """Serialise schema changes between processes (several bot instances starting on one PostgreSQL)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn.execute(text("SELECT pg_advisory_lock(:k)"), {"k": LOCK_KEY})
        try:
            yield
        finally:
            conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": LOCK_KEY})
            conn.commit()


def ensure_schema(engine: Engine) -> None:
    """Call before using the store: create an empty one, accept one at head, refuse anything else."""
    if schema_problem(engine) is None and VERSION_TABLE in _existing_tables(engine):
        return  # the common case, without taking a lock
    with _schema_lock(engine):
        _ensure_schema_locked(engine)


def _ensure_schema_locked(engine: Engine) -> None:
    tables = _existing_tables(engine)
    if VERSION_TABLE not in tables:
        if not (tables & _app_tables()):
            upgrade(engine)
            return
        if _app_tables() <= tables and not schema_diff(engine):
            stamp(engine, "head")  # made by create_all with the current models: adopt it
            return
    problem = schema_problem(engine)
    if problem:
        raise SchemaError(problem)
