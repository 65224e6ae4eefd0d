"""An open-data download writes its audit event: on the embedded SQLite it queues for the
write lock like any writer (a deferred read transaction would fail at once under a writer)."""

from __future__ import annotations

import asyncio
import sqlite3

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from grants.db.models import AuditEvent
from tests.factories import bearer, make_user
from tests.integration.test_sqlite_locking import PROMPT, Client, db_file, file_engine, http, writer

__all__ = ["db_file", "file_engine", "http", "writer"]  # the fixtures, shared


async def test_a_download_waits_for_the_write_lock_then_is_audited(
    file_engine: AsyncEngine, http: Client, writer: sqlite3.Connection
) -> None:
    async with async_sessionmaker(file_engine, expire_on_commit=False)() as db, db.begin():
        headers = await bearer(db, await make_user(db, "auditor"))
    writer.execute("BEGIN IMMEDIATE")

    download = asyncio.create_task(http.get("/api/open-data/iati.xml", headers=headers))
    await asyncio.sleep(0.5)
    waited = not download.done()
    writer.execute("COMMIT")
    response = await asyncio.wait_for(download, PROMPT)

    assert waited is True
    assert response.status_code == 200
    assert response.text.startswith("<?xml version='1.0' encoding='utf-8'?>\n<iati-activities")
    async with async_sessionmaker(file_engine)() as db:
        actions = list(await db.scalars(select(AuditEvent.action)))
    assert actions == ["open_data.exported"]
