"""Engine and sessions. The store is chosen by DATABASE_URL; default is a SQLite file under ./data/."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

DEFAULT_SQLITE_PATH = Path("data") / "disclosure.db"
_engines: dict[str, Engine] = {}


def database_url(url: str | None = None) -> str:
    """The URL to use: explicit argument, else $DATABASE_URL, else ./data/disclosure.db."""
    url = url or os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE_PATH}"
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def redact(url: str) -> str:
    """The URL with any password replaced, safe for logs."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:  # noqa: BLE001 - a malformed URL must still not leak
        return "<unparseable database url>"


def is_missing_schema(err: BaseException | None) -> bool:
    """The store answers but has no tables (`disclosure-bot migrate` was never run on it)."""
    from sqlalchemy.exc import DBAPIError

    while err is not None:
        if isinstance(err, DBAPIError):
            orig = err.orig
            if getattr(orig, "sqlstate", None) == "42P01" or "no such table" in str(orig):  # PG undefined_table
                return True
        err = err.__cause__ or err.__context__
    return False


def has_schema(engine: Engine) -> bool:
    """True when the store has our tables (False when it has none, or cannot be reached)."""
    from sqlalchemy import inspect
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return inspect(engine).has_table("report")
    except SQLAlchemyError:
        return False


def is_outage(err: BaseException | None) -> bool:
    """The store is unreachable or failing (connection refused or lost, server shutting down, pool
    exhausted, SQLite locked) — as opposed to a bug such as a bad query or a violated constraint.
    (A store without tables also counts here; front ends tell it apart with has_schema/is_missing_schema.)"""
    from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
    from sqlalchemy.exc import TimeoutError as PoolTimeout

    if isinstance(err, (OperationalError, InterfaceError, PoolTimeout)):
        return True
    return isinstance(err, DBAPIError) and err.connection_invalidated


def ping(engine: Engine) -> None:
    """One round trip to the store (raises SQLAlchemyError when it does not answer)."""
    from sqlalchemy import text

    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))


def _sqlite_pragmas(dbapi_conn, _record) -> None:  # pragma: no cover - trivial
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.close()


PG_CONNECT_TIMEOUT = 5  # seconds; a server that does not answer must not hold a question for minutes
PG_POOL_RECYCLE = 1800  # seconds; firewalls and proxies drop idle connections silently
PG_TCP_USER_TIMEOUT_MS = 15_000  # a query sent into a dead network fails after 15 s instead of minutes


def engine_options(url: str) -> dict:
    """create_engine options for `url`.

    PostgreSQL restarts (upgrades, failover, a crash) must cost a few error replies, not a stuck bot:
    pool_pre_ping replaces connections the restart killed before they are used, a disconnect error
    invalidates the whole pool (SQLAlchemy's default), connect_timeout bounds a connection attempt to
    an unreachable server, TCP keepalives notice a dead peer on a connection that waits, tcp_user_timeout
    fails a query whose packets nobody acknowledges (the network, not the server, is gone), and
    pool_recycle drops connections idle long enough for a firewall to have forgotten them.
    """
    if url.startswith("sqlite"):
        return {"connect_args": {"check_same_thread": False, "timeout": 30}}
    return {
        "pool_pre_ping": True,
        "pool_size": 5,
        "max_overflow": 10,
        "pool_timeout": 10,
        "pool_recycle": PG_POOL_RECYCLE,
        "connect_args": {"connect_timeout": PG_CONNECT_TIMEOUT, "keepalives": 1, "keepalives_idle": 30,
                         "keepalives_interval": 10, "keepalives_count": 3,
                         "tcp_user_timeout": PG_TCP_USER_TIMEOUT_MS},
    }


def new_engine(url: str) -> Engine:
    """An engine with engine_options (not cached; get_engine is the cached one)."""
    url = database_url(url)
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
    eng = create_engine(url, **engine_options(url))
    if url.startswith("sqlite"):
        event.listen(eng, "connect", _sqlite_pragmas)
    return eng


def get_engine(url: str | None = None) -> Engine:
    """A cached engine per URL; creates the SQLite folder if needed."""
    url = database_url(url)
    eng = _engines.get(url)
    if eng is None:
        eng = _engines[url] = new_engine(url)
    return eng


def dispose_all() -> None:
    for eng in _engines.values():
        eng.dispose()
    _engines.clear()


def create_all(engine: Engine) -> None:
    """Create every table (tests and first run); production upgrades go through Alembic."""
    from storage import models  # noqa: F401 - registers tables

    SQLModel.metadata.create_all(engine)


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on any error."""
    with Session(engine or get_engine(), expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
