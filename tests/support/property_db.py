"""A migrated SQLite file database for hypothesis properties that call services directly.

Hypothesis runs each example in its own event loop (`asyncio.run`), so each example opens its
own engine on the shared file and works inside an outer transaction rolled back at the end,
like the `db` fixture of the HTTP tests.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from grants.db import migrate
from grants.db.engine import create_engine
from grants.settings import Settings


def migrated_sqlite(directory: Path) -> str:
    """The URL of a fresh SQLite file database under `directory`, migrated to head."""
    url = f"sqlite+aiosqlite:///{directory / 'property.db'}"

    async def build() -> None:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        await engine.dispose()

    asyncio.run(build())
    return url


@asynccontextmanager
async def rolled_back(url: str) -> AsyncIterator[AsyncSession]:
    """A session whose every write is rolled back when the block ends."""
    engine = create_engine(url)
    try:
        async with engine.connect() as conn:
            outer = await conn.begin()
            maker = async_sessionmaker(
                bind=conn, expire_on_commit=False, join_transaction_mode="create_savepoint"
            )
            async with maker() as session:
                yield session
            await outer.rollback()
    finally:
        await engine.dispose()


def property_settings(directory: Path) -> Settings:
    """Settings for services that need them (the invitation mail's links)."""
    return Settings(
        environment="test", var_dir=directory, secret_key="test-secret-key-not-for-production"
    )
