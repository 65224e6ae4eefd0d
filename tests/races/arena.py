"""The race harness: a PostgreSQL database of the test's own (cloned from a migrated
template, so a test costs a `CREATE DATABASE`, not a migration), the real app served over
loopback by uvicorn in a thread of its own, and `race()`: N clients, each with its own HTTP
connection (so its own request, token and database connection on the server), released
together by a barrier.

After the race the test checks its own outcome, then `Arena.check()` checks every invariant
of DESIGN.md over the whole database (`tests.races.invariants`).
"""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
import uvicorn
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from grants.app import create_app
from grants.db import migrate
from grants.db.engine import create_engine
from grants.settings import Settings
from tests.races.invariants import check_invariants
from tests.support.databases import on_ci, postgres_admin_url

WARM_UP = "/static/cofund.css"  # the cheapest request that opens a connection


@dataclass(frozen=True)
class Shot:
    """One racer's request."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    json: Any = None


def post(url: str, headers: dict[str, str], json: Any = None) -> Shot:
    return Shot("POST", url, headers, json)


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


class Templates:
    """A migrated template database for the session; each test gets a clone of it."""

    def __init__(self) -> None:
        self.admin_url = postgres_admin_url()
        self.name = f"cofund_race_tpl_{secrets.token_hex(4)}"
        self.ready = False

    async def admin(self) -> asyncpg.Connection:
        try:
            return await asyncpg.connect(_dsn(self.admin_url), timeout=5)
        except (OSError, asyncpg.PostgresError) as exc:
            if on_ci():
                pytest.fail(f"PostgreSQL is required on CI and unreachable: {exc}")
            pytest.skip(f"PostgreSQL unreachable at {self.admin_url}: {exc}")

    def url(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    async def _build(self, admin: asyncpg.Connection) -> None:
        await admin.execute(f'CREATE DATABASE "{self.name}"')
        engine = create_engine(self.url(self.name))
        try:
            await migrate.upgrade(engine)
        finally:
            await engine.dispose()
        self.ready = True

    @asynccontextmanager
    async def clone(self) -> AsyncIterator[str]:
        """A fresh migrated database's URL, dropped afterwards."""
        admin = await self.admin()
        try:
            if not self.ready:
                await self._build(admin)
            name = f"cofund_race_{secrets.token_hex(6)}"
            await admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.name}"')
            try:
                yield self.url(name)
            finally:
                await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()

    async def drop(self) -> None:
        if not self.ready:
            return
        admin = await self.admin()
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        finally:
            await admin.close()


@asynccontextmanager
async def arena_clock(seconds: float) -> AsyncIterator[Callable[[], bool]]:
    """A deadline for polling loops: yields a function telling whether it passed."""
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    yield lambda: loop.time() > end


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ThreadedServer:
    """The app served by uvicorn on loopback, in a thread with its own event loop (and so
    its own engine and connection pool, as a server process would have)."""

    def __init__(self, settings: Settings) -> None:
        self.port = free_port()
        config = uvicorn.Config(
            lambda: create_app(settings),
            factory=True,
            host="127.0.0.1",
            port=self.port,
            log_config=None,
            access_log=False,
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, name="race-server", daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    async def __aenter__(self) -> ThreadedServer:
        self.thread.start()
        while not self.server.started:
            if not self.thread.is_alive():
                raise RuntimeError("the race server did not start")
            await asyncio.sleep(0.02)
        return self

    async def __aexit__(self, *_: object) -> None:
        self.server.should_exit = True
        await asyncio.to_thread(self.thread.join, 30)


@dataclass
class Arena:
    """One race's world: its database (`engine` for arranging and checking), the served app
    (`url`) and the settings both share (the log's signing key lives under `settings.var_dir`)."""

    engine: AsyncEngine
    url: str
    settings: Settings

    def session(self) -> AsyncSession:
        return async_sessionmaker(self.engine, expire_on_commit=False)()

    @asynccontextmanager
    async def arrange(self) -> AsyncIterator[AsyncSession]:
        """A session whose work commits when the block ends (factories write through it)."""
        async with self.session() as session, session.begin():
            yield session

    def client(self, headers: dict[str, str] | None = None) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, headers=headers or {}, timeout=120)

    async def race(
        self, shots: Sequence[Shot], *, before_release: Callable[[], Awaitable[Any]] | None = None
    ) -> list[httpx.Response]:
        """Send every shot from its own client at once: each client first opens its
        connection (a GET of a static file); once all are open, `before_release` runs (to set
        a deadline at the instant of the race, say) and all fire together.
        Responses come back in the order of `shots`."""
        opened, go = asyncio.Barrier(len(shots) + 1), asyncio.Event()

        async def fire(shot: Shot) -> httpx.Response:
            async with self.client() as client:
                warm = await client.get(WARM_UP)
                assert warm.status_code == 200, warm.text
                await opened.wait()
                await go.wait()
                return await client.request(
                    shot.method, shot.url, headers=shot.headers, json=shot.json
                )

        racers = asyncio.gather(*(fire(s) for s in shots))
        await opened.wait()
        if before_release is not None:
            await before_release()
        go.set()  # wakes every racer in the same turn of the event loop
        return list(await racers)

    async def together(self, *jobs: Any) -> list[Any]:
        """Run coroutine functions (each taking no argument) released by one barrier: for
        racers that are not single requests (a witness's whole round, a batch of writes)."""
        barrier = asyncio.Barrier(len(jobs))

        async def run(job: Any) -> Any:
            await barrier.wait()
            return await job()

        return list(await asyncio.gather(*(run(j) for j in jobs)))

    async def check(self) -> None:
        """Every invariant of DESIGN.md over the whole database (see `check_invariants`)."""
        async with AsyncSession(self.engine) as session:
            await check_invariants(session, self.settings)


@asynccontextmanager
async def open_arena(templates: Templates, var_dir: Path) -> AsyncIterator[Arena]:
    async with templates.clone() as url:
        settings = Settings(
            environment="test",
            var_dir=var_dir,
            database_url=url,
            storage_dir=var_dir / "documents",
            secret_key="race-test-secret",
        )
        engine = create_engine(url)
        try:
            async with ThreadedServer(settings) as server:
                yield Arena(engine, server.url, settings)
        finally:
            await engine.dispose()
