"""Engine creation with the per-dialect fixes CoFund relies on."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine

BUSY_TIMEOUT_MS = 30_000

# Whether transactions begun in this context only read. The default (False) is the safe one for
# CLI commands and background work: they take SQLite's write lock up front. The HTTP layer
# sets it for GET/HEAD/OPTIONS (see grants/db/middleware.py).
_reads_only: ContextVar[bool] = ContextVar("cofund_reads_only", default=False)


@contextmanager
def reads_only(flag: bool = True) -> Iterator[None]:
    """Within the block, SQLite transactions begin deferred (a read snapshot, no write lock)
    when `flag` is true. No effect on PostgreSQL, whose readers never wait for writers."""
    token = _reads_only.set(flag)
    try:
        yield
    finally:
        _reads_only.reset(token)


def reads_from_sqlite_snapshot(session: AsyncSession) -> bool:
    """True inside `reads_only()` on SQLite: the session's transaction is a deferred one, so a
    write in it would not queue for the lock but fail at once ("database is locked") while a
    writer holds it. Code that may write incidentally (bookkeeping) skips the write then."""
    return _reads_only.get() and session.get_bind().dialect.name == "sqlite"


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for `url` (SQLite via aiosqlite, PostgreSQL via asyncpg)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        install_sqlite_fixes(engine, wal=_is_file_database(url))
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


def _is_file_database(url: str) -> bool:
    parsed = make_url(url)
    database = parsed.database or ""
    return database not in ("", ":memory:") and parsed.query.get("mode") != "memory"


def install_sqlite_fixes(engine: AsyncEngine, *, wal: bool = False) -> None:
    """Make SQLite transactional the way the rest of the code assumes.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs, so SQLAlchemy's
    documented fix takes BEGIN over. A writing transaction begins with `BEGIN IMMEDIATE`: it
    takes the write lock up front, so two writers queue on the busy timeout instead of one
    failing with "database is locked" when it upgrades a read lock. A reading one (inside
    `reads_only()`) begins deferred: in WAL mode (`wal`, file databases) it reads its snapshot
    while a writer holds the lock. Foreign keys are off in SQLite unless asked for.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if wal:  # persistent in the file; repeating it on a WAL database is a no-op
            cursor.execute("PRAGMA journal_mode = WAL")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN" if _reads_only.get() else "BEGIN IMMEDIATE")
