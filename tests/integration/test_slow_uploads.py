"""A stalled upload, on SQLite and PostgreSQL: cut off with a 408 once the body stops coming,
with no row and no file left behind."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from grants.settings import Settings
from tests.factories_documents import PDF, document_rows, make_consortium, stored_files
from tests.factories_proposals import problem_of

Client = httpx.AsyncClient


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """The suite's settings with short body bounds: a pause over one second is too long."""
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="test-secret-key-not-for-production",
        request_body_idle_seconds=1.0,
        request_body_grace_seconds=1.0,
        request_body_min_bytes_per_second=100,
    )


async def _stalling(first: bytes) -> AsyncIterator[bytes]:
    yield first
    await asyncio.sleep(30)  # the client stops sending, connection open
    yield b"never sent"


async def test_a_stalled_upload_is_408_and_stores_nothing(
    client: Client, db: AsyncSession, tmp_path: Path
) -> None:
    team = await make_consortium(db)

    response = await asyncio.wait_for(
        client.post(
            team.documents_url,
            params={"kind": "project_description"},
            headers={**team.headers, "X-Filename": "plan.pdf"},
            content=_stalling(PDF[:200]),
        ),
        timeout=10,
    )

    assert (response.status_code, response.headers["connection"]) == (408, "close")
    assert problem_of(response) == {
        "type": "urn:cofund:problem:request_timeout",
        "title": "Request timeout",
        "status": 408,
        "detail": "The request body arrived too slowly (at least 100 bytes a second after 1 "
        "seconds, and never a pause over 1 seconds); nothing was changed.",
        "instance": team.documents_url,
        "code": "http.body_too_slow",
        "params": {"rate": 100, "grace": 1.0, "idle": 1.0},
    }
    assert await document_rows(db, team.proposal) == 0
    assert stored_files(tmp_path / "documents") == []
