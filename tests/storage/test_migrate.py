"""storage.migrate: Alembic creates exactly the models' schema, and a stale store is refused with a fix."""

from __future__ import annotations

import os
import shutil
import uuid
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, inspect, text
from sqlmodel import SQLModel

from storage import migrate
from storage.db import create_all, get_engine

HEAD = migrate.head_revision()  # the code's newest revision (each area's migration chains onto it)
EXTRA_REVISION = f'''"""test-only next revision"""
import sqlalchemy as sa
from alembic import op

revision = "9001"
down_revision = "{HEAD}"
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
    assert migrate.current_revision(eng) == migrate.head_revision() == HEAD
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
    assert migrate.upgrade(url) == HEAD


def test_create_all_store_is_adopted_by_stamp(sqlite_engine):
    create_all(sqlite_engine)
    assert "disclosure-bot migrate" in migrate.schema_problem(sqlite_engine)
    migrate.ensure_schema(sqlite_engine)
    assert migrate.current_revision(sqlite_engine) == HEAD


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
    (scripts / "versions" / "9001_note.py").write_text(EXTRA_REVISION)
    monkeypatch.setattr(migrate, "SCRIPTS", scripts)
    assert migrate.head_revision() == "9001"
    problem = migrate.schema_problem(sqlite_engine)
    assert problem == f"数据库结构版本落后 (schema at {HEAD}, code expects 9001): run `disclosure-bot migrate`"
    with pytest.raises(migrate.SchemaError, match=f"schema at {HEAD}, code expects 9001"):
        migrate.ensure_schema(sqlite_engine)
    assert migrate.migrate(sqlite_engine) == (HEAD, "9001")
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
    assert migrate.current_revision(pg_engine) == HEAD and migrate.schema_diff(pg_engine) == []


def _indexes(eng, table: str) -> dict[str, list[str]]:
    return {i["name"]: i["column_names"] for i in inspect(eng).get_indexes(table)}


def _upgrade_from_0001_with_data(eng) -> None:
    """0002 on a store at 0001 holding a report: the indexes change, the rows stay, downgrade restores 0001."""
    from alembic import command

    assert migrate.upgrade(eng, "0001") == "0001"
    with eng.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO agency (id, name, kind, region_path, region, source, created_at) "
                "VALUES (1, 'A', 'other', '', '', 'report', CURRENT_TIMESTAMP)"
            )
        )
        conn.execute(
            text(
                "INSERT INTO report (id, agency_id, year, template, title, file_name, file_hash, "
                "ingested_at, replaced_count, warnings) VALUES (1, 1, 2020, '2019', '', '', 'h', "
                "CURRENT_TIMESTAMP, 0, '[]')"
            )
        )
        conn.execute(
            text(
                "INSERT INTO indicator_value (report_id, indicator, value, unit, line_no, line_text, "
                "origin, section, row_label, column_label) VALUES (1, 'k', 3, '', 0, '', 'table', '', '', '')"
            )
        )
    assert "ix_indicator_value_report_id" in _indexes(eng, "indicator_value")
    assert migrate.migrate(eng) == ("0001", HEAD)
    assert migrate.schema_diff(eng) == []
    ix = _indexes(eng, "indicator_value")
    assert "ix_indicator_value_report_id" not in ix and ix["ix_value_indicator_report"] == [
        "indicator",
        "report_id",
    ]
    assert _indexes(eng, "report")["ix_report_year_agency"] == ["year", "agency_id"]
    assert _indexes(eng, "ingest_event")["ix_ingest_event_file_hash"] == ["file_hash"]
    with eng.connect() as conn:
        assert conn.execute(text("SELECT value FROM indicator_value WHERE report_id = 1")).scalar() == 3
    with eng.begin() as conn:
        command.downgrade(migrate._config(conn), "0001")
    assert migrate.current_revision(eng) == "0001"
    assert "ix_report_year" in _indexes(eng, "report") and "ix_report_year_agency" not in _indexes(
        eng, "report"
    )
    assert "ix_ingest_event_file_hash" not in _indexes(eng, "ingest_event")


def test_0002_upgrades_a_0001_sqlite_store_and_downgrades(sqlite_engine):
    _upgrade_from_0001_with_data(sqlite_engine)


def _pg_indexdefs(eng) -> dict[str, str]:
    """Index name → definition in the test's own schema (the database may hold other stores)."""
    with eng.connect() as conn:
        rows = conn.execute(
            text("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()")
        ).all()
    return dict(rows)


@pytest.mark.pg
def test_0002_upgrades_a_0001_postgresql_store_and_downgrades(pg_engine):
    _upgrade_from_0001_with_data(pg_engine)
    defs = _pg_indexdefs(pg_engine)
    assert "INCLUDE" not in defs["ix_value_indicator_report"] and "ix_report_year_agency" not in defs
    migrate.migrate(pg_engine)
    defs = _pg_indexdefs(pg_engine)
    assert defs["ix_value_indicator_report"].endswith("INCLUDE (value_text)")  # 0009: the exact text
    assert defs["ix_report_year_agency"].endswith("INCLUDE (id)")


def _0009_backfills_exact_text(eng) -> None:
    """0009 on a store at 0008 holding float values and a version: value_text is the float's shortest
    form (3.0 → 3, 0.69 → 0.69, 1e30 → 1 and 30 zeros), the version's JSON gets it too, downgrade drops it."""
    import json

    from alembic import command

    assert migrate.upgrade(eng, "0008") == "0008"
    with eng.begin() as conn:
        _one_report(conn)
        for i, (key, value) in enumerate((("a", 3.0), ("b", 0.69), ("c", 1e30), ("d", -2.0), ("e", 96171.6))):
            conn.execute(text(
                "INSERT INTO indicator_value (id, report_id, indicator, value, unit, line_no, line_text, "
                "origin, section, row_label, column_label) VALUES (:i, 1, :k, :v, '', 0, '', 'table', '', '', '')"
            ), {"i": i + 1, "k": key, "v": value})
        conn.execute(text(
            "INSERT INTO report_version (id, report_id, file_name, file_hash, text_hash, template, title, "
            "ingested_at, \"current\", \"values\", findings, warnings) VALUES (1, 1, '', 'h', 'h', '2019', '', "
            "CURRENT_TIMESTAMP, :cur, :vals, '[]', '[]')"
        ), {"cur": True, "vals": json.dumps([{"indicator": "b", "value": 0.69}, {"indicator": "c", "value": 1e30}])})
    assert migrate.migrate(eng) == ("0008", HEAD)
    assert migrate.schema_diff(eng) == []
    with eng.connect() as conn:
        got = dict(conn.execute(text("SELECT indicator, value_text FROM indicator_value")).all())
        version = conn.execute(text('SELECT "values" FROM report_version')).scalar()
    assert got == {"a": "3", "b": "0.69", "c": "1" + "0" * 30, "d": "-2", "e": "96171.6"}
    version = json.loads(version) if isinstance(version, str) else version
    assert [v["value_text"] for v in version] == ["0.69", "1" + "0" * 30]
    with eng.begin() as conn:
        command.downgrade(migrate._config(conn), "0008")
    assert "value_text" not in {c["name"] for c in inspect(eng).get_columns("indicator_value")}
    with eng.connect() as conn:
        version = conn.execute(text('SELECT "values" FROM report_version')).scalar()
    version = json.loads(version) if isinstance(version, str) else version
    assert all("value_text" not in v for v in version)


def test_0009_backfills_exact_text_on_sqlite(sqlite_engine):
    _0009_backfills_exact_text(sqlite_engine)


@pytest.mark.pg
def test_0009_backfills_exact_text_on_postgresql(pg_engine):
    _0009_backfills_exact_text(pg_engine)
    migrate.migrate(pg_engine)
    assert _pg_indexdefs(pg_engine)["ix_value_indicator_report"].endswith("INCLUDE (value_text)")


def _0011_backfills_exact_findings(eng) -> None:
    """0011 on a store at 0010 holding findings with float expected/actual and a version: the texts are the
    floats' shortest form (40.0 → 40, 0.3 → 0.3, 1e30 → 1 and 30 zeros, NULL stays NULL), the version's
    findings get them too, reads return them exact, downgrade drops them."""
    import json

    from alembic import command
    from sqlmodel import Session

    from storage.queries import findings_for

    assert migrate.upgrade(eng, "0010") == "0010"
    with eng.begin() as conn:
        _one_report(conn)
        rows = (("sum", 40.0, 38.0), ("staff", 0.3, 0.30000000000000004), ("huge", 1e30, -2.0), ("neg", None, -5.0))
        for i, (rule, expected, actual) in enumerate(rows):
            conn.execute(text(
                "INSERT INTO report_finding (id, report_id, rule, message, indicators, \"values\", expected, actual, "
                "line_no) VALUES (:i, 1, :r, '', '[]', '{}', :e, :a, NULL)"
            ), {"i": i + 1, "r": rule, "e": expected, "a": actual})
        kept = [{"rule": "huge", "expected": 1e30, "actual": 3.0}, {"rule": "neg", "expected": None, "actual": 0.5}]
        conn.execute(text(
            "INSERT INTO report_version (id, report_id, file_name, file_hash, text_hash, template, title, "
            "ingested_at, \"current\", \"values\", findings, warnings) VALUES (1, 1, '', 'h', 'h', '2019', '', "
            "CURRENT_TIMESTAMP, :cur, '[]', :found, '[]')"
        ), {"cur": True, "found": json.dumps(kept)})
    assert migrate.migrate(eng) == ("0010", HEAD)
    assert migrate.schema_diff(eng) == []
    with eng.connect() as conn:
        got = {r[0]: (r[1], r[2]) for r in conn.execute(
            text("SELECT rule, expected_text, actual_text FROM report_finding"))}
        version = conn.execute(text("SELECT findings FROM report_version")).scalar()
    assert got == {
        "sum": ("40", "38"), "staff": ("0.3", "0.30000000000000004"), "huge": ("1" + "0" * 30, "-2"),
        "neg": (None, "-5"),
    }
    version = json.loads(version) if isinstance(version, str) else version
    assert [(f["expected_text"], f["actual_text"]) for f in version] == [("1" + "0" * 30, "3"), (None, "0.5")]
    with Session(eng) as s:
        read = {f.rule: (f.expected, f.actual) for f in findings_for(s, 1)}
    assert read["huge"] == (10**30, -2) and type(read["huge"][0]) is int
    assert read["staff"][0] == Decimal("0.3") and read["neg"] == (None, -5)
    with eng.begin() as conn:
        command.downgrade(migrate._config(conn), "0010")
    assert not {"expected_text", "actual_text"} & {c["name"] for c in inspect(eng).get_columns("report_finding")}
    with eng.connect() as conn:
        version = conn.execute(text("SELECT findings FROM report_version")).scalar()
    version = json.loads(version) if isinstance(version, str) else version
    assert all("expected_text" not in f and "actual_text" not in f for f in version)


def _sqlite_triggers(eng) -> set[str]:
    with eng.connect() as conn:
        return set(conn.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).scalars())


def test_0011_backfills_exact_findings_on_sqlite(sqlite_engine):
    _0011_backfills_exact_findings(sqlite_engine)
    assert "store_gen_report_finding_insert" in _sqlite_triggers(sqlite_engine)  # downgrade's rebuild


def test_0011_restores_the_generation_triggers_0009_dropped_on_sqlite(sqlite_engine):
    """0009 rebuilt indicator_value (batch mode) and lost its store-generation triggers; 0011 puts them back."""
    from storage.generation import WATCHED

    migrate.migrate(sqlite_engine)
    want = {f"store_gen_{t}_{op}" for t in WATCHED for op in ("insert", "update", "delete")}
    assert want <= _sqlite_triggers(sqlite_engine)


@pytest.mark.pg
def test_0011_backfills_exact_findings_on_postgresql(pg_engine):
    _0011_backfills_exact_findings(pg_engine)


def _one_report(conn) -> None:  # noqa: ANN001 - a SQLAlchemy connection
    """Agency 1 with report 1 (2020), written in plain SQL: the columns as of 0008–0010, not the model's."""
    conn.execute(text(
        "INSERT INTO agency (id, name, kind, region_path, region, source, created_at) "
        "VALUES (1, 'A', 'other', '', '', 'report', CURRENT_TIMESTAMP)"
    ))
    conn.execute(text(
        "INSERT INTO report (id, agency_id, year, template, title, file_name, file_hash, ingested_at, "
        "replaced_count, warnings, source_kind, source_url) "
        "VALUES (1, 1, 2020, '2019', '', '', 'h', CURRENT_TIMESTAMP, 0, '[]', 'ingested', '')"
    ))
