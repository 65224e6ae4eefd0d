"""Fixtures for tests that commit for real on PostgreSQL (races between parallel clients): a
migrated database of their own, and an HTTP client on the app bound to it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from grants.app import create_app
from grants.db import migrate
from grants.db.engine import create_engine
from grants.settings import Settings
from storage.local import LocalDocumentStore
from tests.support.databases import fresh_postgres


@pytest.fixture
async def committed_engine() -> AsyncIterator[AsyncEngine]:
    async with fresh_postgres() as url:
        engine = create_engine(url)
        await migrate.upgrade(engine)
        yield engine
        await engine.dispose()


@pytest.fixture
async def http(committed_engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    from tests.conftest import running  # the lifespan helper lives with the other app fixtures

    settings = Settings(environment="test", var_dir=tmp_path, secret_key="committed-test-secret")
    app = create_app(settings, engine=committed_engine, document_store=LocalDocumentStore(tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with (
        running(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        yield client
