"""Shared fixtures: each integration test runs on SQLite and on PostgreSQL, inside an outer
transaction that is rolled back afterwards (the app's commits become savepoint releases)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from advanced_alchemy.extensions.litestar import SQLAlchemyAsyncConfig
from litestar import Litestar
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession, async_sessionmaker

from grants.app import create_app
from grants.db import migrate
from grants.db.engine import create_engine
from grants.settings import Settings
from storage.local import LocalDocumentStore
from tests.support.databases import fresh_postgres, sqlite_url

pytest_plugins = ["tests.support.s3_fixtures", "tests.support.committed_pg"]

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="session")
async def engine(
    backend: str, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[AsyncEngine]:
    """A migrated database per backend for the whole run (built by Alembic, as in production)."""
    if backend == "sqlite":
        created = create_engine(sqlite_url(tmp_path_factory.mktemp("sqlite")))
        await migrate.upgrade(created)
        yield created
        await created.dispose()
        return
    async with fresh_postgres() as url:
        created = create_engine(url)
        await migrate.upgrade(created)
        yield created
        await created.dispose()


@pytest.fixture
async def connection(engine: AsyncEngine) -> AsyncIterator[AsyncConnection]:
    async with engine.connect() as conn:
        outer = await conn.begin()
        yield conn
        await outer.rollback()


@pytest.fixture
def session_maker(connection: AsyncConnection) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(
        bind=connection, expire_on_commit=False, join_transaction_mode="create_savepoint"
    )


@pytest.fixture
async def db(session_maker: async_sessionmaker[AsyncSession]) -> AsyncIterator[AsyncSession]:
    """A session for arranging and checking data, in the same outer transaction as the app."""
    async with session_maker() as session:
        yield session


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        login_free_failures=3,
        login_max_failures_per_address=6,
    )


@pytest.fixture
def app(
    settings: Settings,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
) -> Iterator[Litestar]:
    yield create_app(
        settings,
        engine=engine,
        session_maker=session_maker,
        document_store=LocalDocumentStore(tmp_path / "documents"),
    )
    # advanced-alchemy keeps every config's keys in class-wide registries and finds a free one
    # by recursing once per key taken: a few thousand apps in one process exceed Python's
    # recursion limit. Each test's app is gone after it, so its keys are free again.
    for registry in (
        "_SESSION_SCOPE_KEY_REGISTRY",
        "_ENGINE_APP_STATE_KEY_REGISTRY",
        "_SESSIONMAKER_APP_STATE_KEY_REGISTRY",
    ):
        getattr(SQLAlchemyAsyncConfig, registry).clear()


@pytest.fixture
async def client(app: Litestar) -> AsyncIterator[httpx.AsyncClient]:
    """An HTTP client calling the app in the test's own event loop.

    Litestar's AsyncTestClient runs the app on a portal thread with another loop, which the
    asyncpg connection of the outer transaction cannot be used from.
    """
    transport = httpx.ASGITransport(app=app)
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as http,
    ):
        yield http


@asynccontextmanager
async def running(app: Litestar) -> AsyncIterator[None]:
    """Run the app's lifespan in a task of its own: it holds an anyio task group, which must be
    left by the task that entered it (pytest-asyncio tears fixtures down in another task)."""
    started, stop = asyncio.Event(), asyncio.Event()

    async def lifespan() -> None:
        async with app.lifespan():
            started.set()
            await stop.wait()

    task = asyncio.create_task(lifespan())
    waiter = asyncio.create_task(started.wait())
    await asyncio.wait({task, waiter}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        waiter.cancel()
        task.result()
    try:
        yield
    finally:
        stop.set()
        await task


class QueryCounter:
    """Counts SQL statements sent while active (for constant-queries-per-list tests)."""

    def __init__(self) -> None:
        self.count = 0
        self.active = False

    def __call__(self, *_: Any) -> None:
        if self.active:
            self.count += 1


@pytest.fixture
def queries(engine: AsyncEngine) -> Iterator[QueryCounter]:
    counter = QueryCounter()
    event.listen(engine.sync_engine, "before_cursor_execute", counter)
    yield counter
    event.remove(engine.sync_engine, "before_cursor_execute", counter)
