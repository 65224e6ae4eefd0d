"""Engine creation with the per-dialect fixes CoFund relies on."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine


def create_engine(url: str, *, echo: bool = False) -> AsyncEngine:
    """Create the async engine for `url` (SQLite via aiosqlite, PostgreSQL via asyncpg)."""
    if url.startswith("sqlite"):
        engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
        install_sqlite_fixes(engine)
        return engine
    return create_async_engine(url, echo=echo, pool_pre_ping=True)


def install_sqlite_fixes(engine: AsyncEngine) -> None:
    """Make SQLite transactional the way the rest of the code assumes.

    pysqlite's own transaction handling defers BEGIN and breaks SAVEPOINTs, so SQLAlchemy's
    documented fix takes BEGIN over; `BEGIN IMMEDIATE` takes the write lock up front, so two
    writers queue on the busy timeout instead of one failing with "database is locked" when it
    upgrades a read lock. Foreign keys are off in SQLite unless asked for.
    """

    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
