"""Shared fixtures: a fresh store per test on SQLite, and on PostgreSQL when TEST_DATABASE_URL is set.

Tests that must also run on PostgreSQL use the `engine` fixture and carry `@pytest.mark.pg`;
`.ci/run` runs `pytest -m pg` a second time with TEST_DATABASE_URL pointing at a fresh database.
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings
from sqlalchemy import text
from sqlmodel import SQLModel

from storage.db import create_all, dispose_all, get_engine

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
SHARED_REPORTS = SHARED / "reports"
SHARED_GOLD = SHARED / "gold"
SHARED_SPEC = SHARED / "spec"
IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}

# Hypothesis profiles. "default" keeps the fuzz tests (tests/*/test_fuzz*.py) to well under a minute in
# `make test` on 2 cores (~20 s); "full" (HYPOTHESIS_PROFILE=full, used by `make bench`) runs 10x more
# examples, ~3 min for `pytest -m fuzz` so it fits the bench's fuzz reserve.
# No deadline in either: a loaded machine must not turn a slow example into a failure (speed is
# measured by bench/, not here). 100 is Hypothesis's own default, so other property tests are unchanged;
# tests that set their own max_examples keep them.
settings.register_profile(
    "default",
    max_examples=100,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile(
    "full",
    max_examples=1000,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))


def require_shared() -> Path:
    """The shared reports folder; a CI run fails (not skips) when it is missing."""
    if not SHARED_REPORTS.is_dir():
        if IN_CI:
            pytest.fail(f"../shared/reports is missing ({SHARED_REPORTS}) and CI=true")
        pytest.skip("../shared/reports not present")
    return SHARED_REPORTS


@pytest.fixture
def shared_reports() -> Path:
    return require_shared()


@pytest.fixture
def today() -> date:
    return date(2021, 1, 31)


def _pg_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL")


@pytest.fixture
def engine(tmp_path):
    """An empty store with every table: PostgreSQL if TEST_DATABASE_URL is set, else a SQLite file."""
    url = _pg_url()
    if url:
        eng = get_engine(url)
        create_all(eng)
        names = ", ".join(f'"{t.name}"' for t in reversed(SQLModel.metadata.sorted_tables))
        with eng.begin() as conn:
            conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))
        from service.audit import forget_indexes

        forget_indexes(eng)  # the engine is cached per URL: its audit year indexes held the last test's reports
        yield eng
    else:
        eng = get_engine(f"sqlite:///{tmp_path / 'test.db'}")
        create_all(eng)
        yield eng
        eng.dispose()
        from storage import db as _db

        _db._engines.pop(str(eng.url), None)


@pytest.fixture(scope="session", autouse=True)
def _dispose_engines():
    yield
    dispose_all()
