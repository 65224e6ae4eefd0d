"""`/health` and the settings wiring against a real S3 server (SeaweedFS)."""

from __future__ import annotations

from pathlib import Path

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.app import create_app
from grants.document_store import build_document_store
from grants.settings import Settings
from tests.conftest import running
from tests.support.seaweedfs import S3Endpoint


def _s3_settings(tmp_path: Path, s3: S3Endpoint, bucket: str) -> Settings:
    return Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="s3-test-secret",
        storage_backend="s3",
        s3_endpoint_url=s3.endpoint_url,
        s3_bucket=bucket,
        s3_region=s3.region,
        s3_access_key_id=s3.access_key,
        s3_secret_access_key=s3.secret_key,
    )


async def _health(
    settings: Settings, engine: AsyncEngine, maker: async_sessionmaker[AsyncSession]
) -> httpx.Response:
    app = create_app(settings, engine=engine, session_maker=maker)
    async with (
        running(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as http,
    ):
        return await http.get("/health")


async def test_health_with_s3_bucket_ok(
    tmp_path: Path,
    s3_server: S3Endpoint,
    s3_bucket: str,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    response = await _health(_s3_settings(tmp_path, s3_server, s3_bucket), engine, session_maker)

    assert response.status_code == 200
    assert response.json()["checks"]["storage"] == {"ok": True}


async def test_health_with_missing_bucket_is_503(
    tmp_path: Path,
    s3_server: S3Endpoint,
    engine: AsyncEngine,
    session_maker: async_sessionmaker[AsyncSession],
) -> None:
    response = await _health(
        _s3_settings(tmp_path, s3_server, "no-such-bucket-here"), engine, session_maker
    )

    assert response.status_code == 503
    assert response.json()["checks"]["storage"]["ok"] is False
    assert response.json()["checks"]["database"]["ok"] is True


def test_settings_choose_local_store_by_default(tmp_path: Path) -> None:
    store = build_document_store(Settings(environment="test", var_dir=tmp_path, secret_key="x"))

    assert type(store).__name__ == "LocalDocumentStore"
