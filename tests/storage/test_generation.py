"""The store generation counter: every kind of catalogue write bumps it, and the answer cache notices
each change with one primary-key read per check, never a count(*) over a table."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from alembic import command
from alembic.script import ScriptDirectory
from sqlalchemy import delete, event, insert, text, update
from sqlalchemy.engine import Engine

from query.cache import SIGNATURE_EVERY, ReadCache
from storage import migrate, queries
from storage.db import create_all, get_engine
from storage.models import Agency, AgencyAlias, IndicatorValue, Report, ReportFinding
from tests.query.store import FakeReport, write_reports

pytestmark = pytest.mark.pg


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """Every SQL statement the engine sends while the block runs (lower-cased)."""
    seen: list[str] = []

    def log(_conn, _cursor, statement, _params, _context, _many) -> None:
        seen.append(statement.lower())

    event.listen(engine, "before_cursor_execute", log)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", log)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class CountingCache(ReadCache):
    """A ReadCache that counts its reloads."""

    loads = 0

    def load(self) -> None:
        self.loads += 1
        super().load()


def _store(engine: Engine) -> None:
    finding = [("sum", "合计不符", ["requests.new"])]
    write_reports(engine, [FakeReport("银川市西夏区", 2020, "2020", {"requests.new": 5}, findings=finding),
                           FakeReport("中卫市", 2020, "2020", {"requests.new": 7}, aliases=["沙坡头"])])


def _first(engine: Engine, table, col="id") -> int:
    with engine.connect() as c:
        return int(c.execute(text(f"SELECT min({col}) FROM {table.__tablename__}")).scalar_one())


def _run(engine: Engine, stmt) -> None:
    with engine.begin() as c:
        c.execute(stmt)


def _changes(engine: Engine) -> dict[str, Callable[[], None]]:
    """One write of each kind the cache must notice (insert, update, delete across the watched tables)."""
    ag = lambda: _first(engine, Agency)  # noqa: E731
    rep = lambda: _first(engine, Report)  # noqa: E731
    return {
        "agency insert": lambda: _run(engine, insert(Agency).values(name="新机构", kind="other", region_path="")),
        "agency rename": lambda: _run(engine, update(Agency).where(Agency.id == ag()).values(name="改名机构")),
        "alias insert": lambda: _run(engine, insert(AgencyAlias).values(agency_id=ag(), alias="别名甲")),
        "alias delete": lambda: _run(engine, delete(AgencyAlias)),
        "report title": lambda: _run(engine, update(Report).where(Report.id == rep()).values(title="新标题")),
        "value update": lambda: _run(engine, update(IndicatorValue).values(value=99.0)),
        "finding delete": lambda: _run(engine, delete(ReportFinding)),
        "value delete": lambda: _run(engine, delete(IndicatorValue).where(IndicatorValue.report_id == rep())),
    }


def test_every_write_bumps_the_generation(engine):
    _store(engine)
    for name, change in _changes(engine).items():
        before = queries.store_generation(engine)
        change()
        assert queries.store_generation(engine) > before, name


def test_rolled_back_write_does_not_bump(engine):
    _store(engine)
    before = queries.store_generation(engine)
    with engine.connect() as c:
        c.execute(insert(Agency).values(name="回滚机构", kind="other", region_path=""))
        c.rollback()
    assert queries.store_generation(engine) == before


def test_cache_notices_each_change_without_counting(engine):
    _store(engine)
    clock = Clock()
    cache = CountingCache(engine, clock=clock)
    cache.ensure()
    for name, change in _changes(engine).items():
        change()
        clock.now += SIGNATURE_EVERY
        before = cache.loads
        with statements(engine) as seen:
            cache.ensure()
        assert cache.loads == before + 1, f"cache missed: {name}"
        assert not any("count(" in s for s in seen), (name, seen)


def test_idle_checks_are_one_primary_key_read(engine):
    _store(engine)
    clock = Clock()
    cache = ReadCache(engine, clock=clock)
    cache.ensure()
    with statements(engine) as seen:
        for _ in range(5):
            clock.now += SIGNATURE_EVERY
            cache.ensure()
        cache.ensure()  # within the interval: no read at all
    assert len(seen) == 5
    assert all("store_generation" in s and "count(" not in s and "max(" not in s for s in seen), seen


def test_store_without_counter_row_reloads_on_next_write(engine):
    _store(engine)
    _run(engine, text("DELETE FROM store_generation"))
    clock = Clock()
    cache = ReadCache(engine, clock=clock)
    cache.ensure()
    assert cache.loaded and len(cache.agencies) == 2
    _run(engine, insert(Agency).values(name="新机构", kind="other", region_path=""))
    assert queries.store_generation(engine) == 1  # the first write puts the row back
    clock.now += SIGNATURE_EVERY
    cache.ensure()
    assert len(cache.agencies) == 3


def test_migration_installs_and_removes_the_triggers(tmp_path):
    """A store built by Alembic (not create_all) counts writes too; downgrading below 0008 removes it all."""
    eng = get_engine(f"sqlite:///{tmp_path / 'mig.db'}")
    migrate.upgrade(eng, "head")
    assert queries.store_generation(eng) is None  # no write yet
    _run(eng, insert(Agency).values(name="新机构", kind="other", region_path=""))
    assert queries.store_generation(eng) == 1
    parent = ScriptDirectory.from_config(migrate._config()).get_revision("0008").down_revision
    with eng.begin() as conn:
        command.downgrade(migrate._config(conn), parent)
    assert not queries.has_generation_table(eng)
    # no trigger left behind (plain SQL: the model's later columns, such as 0012's site_url, are gone here)
    _run(
        eng,
        text(
            "INSERT INTO agency (name, kind, region_path, region, source, created_at) "
            "VALUES ('另一机构', 'other', '', '', 'report', '2026-01-01')"
        ),
    )
    eng.dispose()


def test_store_without_counter_table_uses_the_signature(tmp_path):
    """A store from before migration 0008 (no counter table) still answers and still notices changes."""
    eng = get_engine(f"sqlite:///{tmp_path / 'old.db'}")

    create_all(eng)
    _store(eng)
    _run(eng, text("DROP TABLE store_generation"))  # the triggers now fail: drop them too, as before 0008
    with eng.begin() as c:
        for (name,) in c.execute(text("SELECT name FROM sqlite_master WHERE type = 'trigger'")).all():
            c.execute(text(f'DROP TRIGGER "{name}"'))
    clock = Clock()
    cache = ReadCache(eng, clock=clock)
    cache.ensure()
    assert len(cache.agencies) == 2
    _run(eng, insert(Agency).values(name="新机构", kind="other", region_path=""))
    clock.now += SIGNATURE_EVERY
    cache.ensure()
    assert len(cache.agencies) == 3
    eng.dispose()
