"""Test databases: a SQLite file, or a fresh PostgreSQL database created for the run."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_admin_url() -> str:
    return os.environ.get("TEST_DATABASE_URL", DEFAULT_POSTGRES)


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """Create an empty database on the test server, yield its URL, drop it afterwards.

    Skips when PostgreSQL cannot be reached, except on CI, where that is a failure.
    """
    admin_url = postgres_admin_url()
    try:
        admin = await asyncpg.connect(_dsn(admin_url), timeout=5)
    except (OSError, asyncpg.PostgresError) as exc:
        if on_ci():
            pytest.fail(f"PostgreSQL is required on CI and unreachable at {admin_url}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {admin_url}: {exc}")
    name = f"cofund_test_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'cofund-test.db'}"
