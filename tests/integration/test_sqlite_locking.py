"""The embedded SQLite default under a writer: WAL mode, reads that never wait for the write
lock, writes that queue for it.

These tests commit for real and hold locks from a second connection, so they use a SQLite file
of their own rather than the per-test savepoint of tests/conftest.py.
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from grants.app import create_app
from grants.db import migrate
from grants.db.engine import create_engine, reads_only
from grants.db.models import Agency
from grants.settings import Settings
from storage.local import LocalDocumentStore
from tests.conftest import running
from tests.factories import AgencyFactory, bearer, make_user, persist

Client = httpx.AsyncClient
PROMPT = 5.0  # seconds; the busy timeout a blocked reader would wait is 30
NEW_AGENCY = {
    "code": "NRF",
    "name": "National Research Foundation of Korea",
    "country": "KR",
    "currency": "KRW",
    "fiscal_year_start_month": 1,
    "time_zone": "Asia/Seoul",
}


@pytest.fixture
def db_file(tmp_path: Path) -> Path:
    return tmp_path / "cofund.db"


@pytest.fixture
async def file_engine(db_file: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(f"sqlite+aiosqlite:///{db_file}")
    await migrate.upgrade(engine)
    yield engine
    await engine.dispose()


@pytest.fixture
async def http(file_engine: AsyncEngine, tmp_path: Path) -> AsyncIterator[Client]:
    settings = Settings(environment="test", var_dir=tmp_path, secret_key="sqlite-locking-secret")
    app = create_app(settings, engine=file_engine, document_store=LocalDocumentStore(tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with running(app), Client(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def writer(db_file: Path) -> Iterator[sqlite3.Connection]:
    """A second connection, as another process would open it; tests take its write lock."""
    connection = sqlite3.connect(db_file, isolation_level=None, timeout=0)
    yield connection
    if connection.in_transaction:
        connection.execute("ROLLBACK")
    connection.close()


async def _admin_and_agency(engine: AsyncEngine) -> dict[str, str]:
    async with async_sessionmaker(engine, expire_on_commit=False)() as db, db.begin():
        await persist(db, AgencyFactory(code="JST", name="Japan Science and Technology Agency"))
        return await bearer(db, await make_user(db, "admin"))


async def test_sqlite_file_database_journal_mode_is_wal(file_engine: AsyncEngine) -> None:
    async with file_engine.connect() as connection:
        mode = await connection.scalar(text("PRAGMA journal_mode"))

    assert mode == "wal"


async def test_sqlite_read_answers_while_a_writer_holds_the_lock(
    file_engine: AsyncEngine, http: Client, writer: sqlite3.Connection
) -> None:
    headers = await _admin_and_agency(file_engine)
    writer.execute("BEGIN IMMEDIATE")

    response = await asyncio.wait_for(http.get("/api/agencies", headers=headers), PROMPT)

    assert response.status_code == 200
    body = response.json()
    assert [a["code"] for a in body["items"]] == ["JST"]
    assert (body["total"], body["limit"], body["offset"]) == (1, 50, 0)


async def test_sqlite_write_waits_for_the_lock_then_succeeds(
    file_engine: AsyncEngine, http: Client, writer: sqlite3.Connection
) -> None:
    headers = await _admin_and_agency(file_engine)
    writer.execute("BEGIN IMMEDIATE")

    posting = asyncio.create_task(http.post("/api/agencies", headers=headers, json=NEW_AGENCY))
    await asyncio.sleep(0.5)
    waited = not posting.done()
    writer.execute("COMMIT")
    response = await asyncio.wait_for(posting, PROMPT)

    assert waited is True
    assert response.status_code == 201
    assert {k: response.json()[k] for k in NEW_AGENCY} == NEW_AGENCY
    async with async_sessionmaker(file_engine)() as db:
        codes = list(await db.scalars(select(Agency.code).order_by(Agency.code)))
    assert codes == ["JST", "NRF"]


async def test_sqlite_reading_transaction_takes_no_write_lock(
    file_engine: AsyncEngine, writer: sqlite3.Connection
) -> None:
    with reads_only():
        async with file_engine.begin() as connection:
            await connection.execute(text("SELECT count(*) FROM agencies"))
            writer.execute("BEGIN IMMEDIATE")  # timeout 0: raises if the reader held the lock
            writer.execute("ROLLBACK")

    async with file_engine.begin() as connection:
        with pytest.raises(sqlite3.OperationalError, match="database is locked"):
            writer.execute("BEGIN IMMEDIATE")
