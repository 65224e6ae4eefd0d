"""Schema migrations through Alembic, the only way the schema is created outside tests."""

from __future__ import annotations

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
    async with engine.begin() as conn:
        await conn.run_sync(lambda sync: command.upgrade(alembic_config(sync), revision))


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
