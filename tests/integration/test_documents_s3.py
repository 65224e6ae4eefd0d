"""Documents in a real S3 server (SeaweedFS): upload, presigned download, nothing left behind."""

from __future__ import annotations

import asyncio
import hashlib
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.app import create_app
from grants.settings import Settings
from storage.s3 import MIN_PART_SIZE, S3DocumentStore
from tests.conftest import running
from tests.factories_documents import (
    ELF,
    MIB,
    PDF,
    chunked,
    document_rows,
    failing_after,
    make_consortium,
    pdf_of,
    s3_leftovers,
)
from tests.support.seaweedfs import S3Endpoint

Client = httpx.AsyncClient
KIND = {"kind": "project_description"}
JAPANESE = "研究計画書 第2版.pdf"


@asynccontextmanager
async def _http_on(
    bucket: str,
    tmp_path: Path,
    s3_server: S3Endpoint,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
    secret_key: str | None = None,
) -> AsyncIterator[Client]:
    store = S3DocumentStore(
        bucket,
        endpoint_url=s3_server.endpoint_url,
        region=s3_server.region,
        access_key=s3_server.access_key,
        secret_key=secret_key or s3_server.secret_key,
        part_size=MIN_PART_SIZE,
    )
    settings = Settings(environment="test", var_dir=tmp_path, secret_key="s3-documents-test")
    app = create_app(settings, engine=engine, session_maker=session_maker, document_store=store)
    transport = httpx.ASGITransport(app=app)
    async with running(app), Client(transport=transport, base_url="http://t") as http:
        yield http


@pytest.fixture
async def s3_http(
    tmp_path: Path,
    s3_server: S3Endpoint,
    s3_bucket: str,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
) -> AsyncIterator[Client]:
    """An HTTP client on an app whose documents go to this test's bucket (5 MiB parts, so a
    few MiB already take the multipart path)."""
    async with _http_on(s3_bucket, tmp_path, s3_server, engine, session_maker) as http:
        yield http


def _named(name: str, headers: dict[str, str]) -> dict[str, str]:
    return {**headers, "X-Filename": f"UTF-8''{quote(name)}"}


def _fetch(url: str) -> tuple[bytes, str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - loopback test server
        return response.read(), response.headers["Content-Disposition"]


async def test_s3_round_trip_with_presigned_download(
    s3_http: Client, db: AsyncSession, s3_client: Any, s3_bucket: str
) -> None:
    team = await make_consortium(db, max_bytes=20 * MIB)
    body = pdf_of(12 * MIB)  # three parts: a multipart upload

    first = await s3_http.post(
        team.documents_url, params=KIND, headers=_named(JAPANESE, team.headers), content=body
    )
    second = await s3_http.post(
        team.documents_url,
        params=KIND,
        headers=_named("v2.pdf", team.headers),
        content=chunked(pdf_of(1000)),
    )

    assert (first.status_code, second.status_code) == (201, 201), first.text
    created = first.json()
    assert (created["version"], second.json()["version"]) == (1, 2)
    assert (created["size"], created["sha256"]) == (len(body), hashlib.sha256(body).hexdigest())
    assert (created["content_type"], created["original_name"]) == ("application/pdf", JAPANESE)
    assert s3_leftovers(s3_client, s3_bucket) == (2, 0)
    redirect = await s3_http.get(
        f"{team.documents_url}/{created['id']}/content", headers=team.headers
    )
    assert redirect.status_code == 307
    content, disposition = await asyncio.to_thread(_fetch, redirect.headers["location"])
    assert hashlib.sha256(content).hexdigest() == created["sha256"]
    assert disposition.startswith("attachment;")
    assert f"filename*=UTF-8''{quote(JAPANESE)}" in disposition


async def test_s3_over_limit_midway_is_413_and_leaves_nothing(
    s3_http: Client, db: AsyncSession, s3_client: Any, s3_bucket: str
) -> None:
    team = await make_consortium(db, max_bytes=8 * MIB)

    response = await s3_http.post(
        team.documents_url,
        params=KIND,
        headers=_named("big.pdf", team.headers),
        content=chunked(pdf_of(16 * MIB), MIB),  # past one part before the limit trips
    )

    assert response.status_code == 413
    assert await document_rows(db, team.proposal) == 0
    assert s3_leftovers(s3_client, s3_bucket) == (0, 0)


async def test_s3_renamed_executable_is_415_and_leaves_nothing(
    s3_http: Client, db: AsyncSession, s3_client: Any, s3_bucket: str
) -> None:
    team = await make_consortium(db)

    response = await s3_http.post(
        team.documents_url, params=KIND, headers=_named("thesis.pdf", team.headers), content=ELF
    )

    assert response.status_code == 415
    assert "application/x-executable" in response.json()["detail"]
    assert await document_rows(db, team.proposal) == 0
    assert s3_leftovers(s3_client, s3_bucket) == (0, 0)


async def test_s3_client_failing_midway_leaves_no_object_nor_upload(
    s3_http: Client, db: AsyncSession, s3_client: Any, s3_bucket: str
) -> None:
    team = await make_consortium(db, max_bytes=50 * MIB)

    response = await s3_http.post(
        team.documents_url,
        params=KIND,
        headers=_named("cut.pdf", team.headers),
        content=failing_after(pdf_of(12 * MIB), MIB),
    )

    assert response.status_code == 500
    assert await document_rows(db, team.proposal) == 0
    assert s3_leftovers(s3_client, s3_bucket) == (0, 0)


async def test_s3_refusing_the_store_is_503_and_no_row(
    tmp_path: Path,
    s3_server: S3Endpoint,
    s3_bucket: str,
    s3_client: Any,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
    db: AsyncSession,
) -> None:
    team = await make_consortium(db)

    async with _http_on(
        s3_bucket, tmp_path, s3_server, engine, session_maker, secret_key="wrong-secret"
    ) as http:
        response = await http.post(
            team.documents_url, params=KIND, headers=_named("a.pdf", team.headers), content=PDF
        )

    assert response.status_code == 503
    assert response.json()["title"] == "Document storage unavailable"
    assert await document_rows(db, team.proposal) == 0
    assert s3_leftovers(s3_client, s3_bucket) == (0, 0)
