"""Schema migrations through Alembic, the only way the schema is created outside tests."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from advanced_alchemy.types import GUID
from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"


def compare_type(
    context: Any, _inspected_column: Any, _metadata_column: Any, inspected: Any, metadata: Any
) -> bool | None:
    """Alembic's type comparison, minus SQLite's reflection of BINARY(16) UUIDs as NUMERIC(16).

    SQLite reports a column's type affinity, not the declared BINARY, so the default comparison
    sees a change in every UUID column that is not there. None means "use the default".
    """
    if (
        context.dialect.name == "sqlite"
        and isinstance(metadata, GUID)
        and str(inspected) == "NUMERIC(16)"
    ):
        return False
    return None


def alembic_config(connection: Any = None) -> Config:
    """An Alembic config pointing at our migrations, optionally bound to a sync connection."""
    config = Config(str(MIGRATIONS_DIR / "alembic.ini"))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.attributes["connection"] = connection
    return config


async def upgrade(engine: AsyncEngine, revision: str = "head") -> None:
    """Apply migrations up to `revision` in one transaction."""
    await _migrate(engine, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, revision: str) -> None:
    """Revert migrations down to `revision` in one transaction."""
    await _migrate(engine, lambda config: command.downgrade(config, revision))


async def _migrate(engine: AsyncEngine, step: Callable[[Config], None]) -> None:
    """Run `step` in one transaction. On SQLite, foreign keys are off meanwhile: a migration
    that changes a constraint rebuilds the table (copy, drop, rename), and dropping a table that
    other rows point to would fail or cascade. As SQLite's own procedure for such changes asks,
    the keys are checked once the transaction committed, and any row left pointing nowhere
    fails the migration loudly."""
    sqlite = engine.dialect.name == "sqlite"
    async with engine.connect() as conn:
        if sqlite:  # a no-op inside a transaction: set on the bare connection, before BEGIN
            await conn.run_sync(lambda sync: _pragma(sync, "PRAGMA foreign_keys = OFF"))
        try:
            async with conn.begin():
                await conn.run_sync(lambda sync: step(alembic_config(sync)))
            if sqlite:
                broken = await conn.run_sync(lambda sync: _pragma(sync, "PRAGMA foreign_key_check"))
                if broken:
                    raise RuntimeError(f"the migration left rows pointing nowhere: {broken[:5]}")
        finally:
            if sqlite:
                await conn.run_sync(lambda sync: _pragma(sync, "PRAGMA foreign_keys = ON"))


def _pragma(sync: Any, statement: str) -> list[Any]:
    """Run `statement` on the DBAPI connection itself, outside SQLAlchemy's transaction
    (which would begin one)."""
    cursor = sync.connection.dbapi_connection.cursor()
    try:
        cursor.execute(statement)
        return list(cursor.fetchall())
    finally:
        cursor.close()


async def current_revision(engine: AsyncEngine) -> str | None:
    """The revision the database is at, or None when it was never migrated."""
    async with engine.connect() as conn:
        return await conn.run_sync(
            lambda sync: MigrationContext.configure(sync).get_current_revision()
        )


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The newest revision shipped with the code (fixed for the life of the process)."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


async def revision(engine: AsyncEngine, message: str) -> None:
    """Autogenerate a new migration from the models (developer command)."""
    async with engine.begin() as conn:
        await conn.run_sync(
            lambda sync: command.revision(alembic_config(sync), message=message, autogenerate=True)
        )
