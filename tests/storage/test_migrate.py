"""storage.migrate: Alembic creates exactly the models' schema, and a stale store is refused with a fix."""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from storage import migrate
from storage.db import create_all, get_engine

EXTRA_REVISION = '''"""test-only second revision"""
import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("app_meta") as batch:
        batch.add_column(sa.Column("note", sa.String(length=20), nullable=True))


def downgrade():
    with op.batch_alter_table("app_meta") as batch:
        batch.drop_column("note")
'''


@pytest.fixture
def sqlite_engine(tmp_path):
    eng = get_engine(f"sqlite:///{tmp_path / 'm.db'}")
    yield eng
    eng.dispose()


@pytest.fixture
def pg_engine():
    """A throw-away schema in the PostgreSQL test database (search_path), dropped afterwards."""
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        pytest.skip("TEST_DATABASE_URL not set")
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    admin = create_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    eng = create_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        yield eng
    finally:
        eng.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _fresh_store_matches_models(eng) -> None:
    assert migrate.schema_problem(eng) is None  # empty: fine, about to be created
    migrate.ensure_schema(eng)
    assert migrate.current_revision(eng) == migrate.head_revision() == "0001"
    assert migrate.schema_diff(eng) == []
    tables = set(inspect(eng).get_table_names())
    assert set(SQLModel.metadata.tables) | {"alembic_version"} == tables
    assert migrate.schema_problem(eng) is None
    migrate.ensure_schema(eng)  # idempotent


def test_upgrade_on_empty_sqlite_creates_exactly_the_models(sqlite_engine):
    _fresh_store_matches_models(sqlite_engine)


@pytest.mark.pg
def test_upgrade_on_empty_postgresql_creates_exactly_the_models(pg_engine):
    _fresh_store_matches_models(pg_engine)


def test_upgrade_accepts_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'u.db'}"
    assert migrate.upgrade(url) == "0001"


def test_create_all_store_is_adopted_by_stamp(sqlite_engine):
    create_all(sqlite_engine)
    assert "disclosure-bot migrate" in migrate.schema_problem(sqlite_engine)
    migrate.ensure_schema(sqlite_engine)
    assert migrate.current_revision(sqlite_engine) == "0001"


def test_unversioned_store_that_differs_is_refused(sqlite_engine):
    with sqlite_engine.begin() as conn:
        conn.execute(text("CREATE TABLE agency (id INTEGER PRIMARY KEY, name TEXT)"))
    with pytest.raises(migrate.SchemaError, match="disclosure-bot migrate"):
        migrate.ensure_schema(sqlite_engine)
    with pytest.raises(migrate.SchemaError):
        migrate.migrate(sqlite_engine)


def test_behind_head_is_refused_then_migrate_fixes_it(sqlite_engine, tmp_path, monkeypatch):
    migrate.upgrade(sqlite_engine)
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.SCRIPTS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    (scripts / "versions" / "0002_note.py").write_text(EXTRA_REVISION)
    monkeypatch.setattr(migrate, "SCRIPTS", scripts)
    assert migrate.head_revision() == "0002"
    problem = migrate.schema_problem(sqlite_engine)
    assert problem == "数据库结构版本落后 (schema at 0001, code expects 0002): run `disclosure-bot migrate`"
    with pytest.raises(migrate.SchemaError, match="schema at 0001, code expects 0002"):
        migrate.ensure_schema(sqlite_engine)
    assert migrate.migrate(sqlite_engine) == ("0001", "0002")
    assert migrate.schema_problem(sqlite_engine) is None
    assert "note" in {c["name"] for c in inspect(sqlite_engine).get_columns("app_meta")}


def test_store_newer_than_code_is_refused(sqlite_engine):
    migrate.upgrade(sqlite_engine)
    with sqlite_engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    problem = migrate.schema_problem(sqlite_engine)
    assert "9999" in problem and "upgrade disclosure-bot" in problem
    with pytest.raises(migrate.SchemaError):
        migrate.ensure_schema(sqlite_engine)


def test_packaged_files_exist():
    assert migrate.INI.is_file()
    assert (migrate.SCRIPTS / "env.py").is_file()
    assert list((migrate.SCRIPTS / "versions").glob("0001_*.py"))


@pytest.mark.pg
def test_concurrent_start_on_empty_postgresql_creates_the_schema_once(pg_engine):
    """Several bot instances starting together on one empty PostgreSQL: an advisory lock serialises them."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(3) as pool:
        results = list(pool.map(lambda _: migrate.ensure_schema(pg_engine), range(3)))
    assert results == [None, None, None]
    assert migrate.current_revision(pg_engine) == "0001" and migrate.schema_diff(pg_engine) == []
