"""How `grants serve` runs: uvicorn in one process (the default), or Granian with several
worker processes (`--workers N`); connections bounded either way, whatever the client does.

Uvicorn times out an idle keep-alive connection but not one whose request headers never finish
(it stops its keep-alive timer at the first byte): a client sending `GET / HTTP/1.1\\r\\nHost:`
and then nothing would hold the connection forever. `BoundedHttpProtocol` closes a connection
whose next request's headers are not complete within `HTTP_HEADERS_TIMEOUT_SECONDS` of the
connection opening or the previous response ending. Slow bodies are the app's
(`grants.security.slow_bodies`); the number of connections is capped by `limit_concurrency`
(503 beyond it).

Granian (`granian_server`, a Rust HTTP server, about 2.5 times uvicorn's throughput here) runs
`--workers N` processes sharing the listening socket. Its HTTP/1 `header_read_timeout` bounds
the wait for a request's headers, from the connection opening and between keep-alive requests,
so unfinished headers and idle connections are closed after `HTTP_HEADERS_TIMEOUT_SECONDS`; it
has no separate keep-alive timeout (`HTTP_KEEP_ALIVE_SECONDS=0` turns keep-alive off). Its
`backpressure` caps the requests each worker runs at once at `HTTP_MAX_CONNECTIONS / N`; the
connections beyond wait in the listen backlog instead of getting a 503.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.config import Config
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from grants.settings import Settings


class BoundedHttpProtocol(HttpToolsProtocol):
    """Uvicorn's httptools protocol, closing connections whose headers stall."""

    headers_timeout = 10.0

    def __init__(self, config: Config, *args: Any, **kwargs: Any) -> None:
        super().__init__(config, *args, **kwargs)
        self._headers_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_headers_timer()

    def on_headers_complete(self) -> None:
        self._disarm_headers_timer()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # Armed only when uvicorn waits for a next request (no pipelined one is running).
        if self.timeout_keep_alive_task is not None:
            self._arm_headers_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_headers_timer()
        super().connection_lost(exc)

    def _arm_headers_timer(self) -> None:
        self._disarm_headers_timer()
        self._headers_timer = self.loop.call_later(self.headers_timeout, self._headers_too_slow)

    def _disarm_headers_timer(self) -> None:
        if self._headers_timer is not None:
            self._headers_timer.cancel()
            self._headers_timer = None

    def _headers_too_slow(self) -> None:
        self._headers_timer = None
        if not self.transport.is_closing():
            self.transport.close()


def uvicorn_options(settings: Settings) -> dict[str, Any]:
    """The uvicorn.run keyword arguments bounding connections."""
    protocol = type(
        "ConfiguredHttpProtocol",
        (BoundedHttpProtocol,),
        {"headers_timeout": settings.http_headers_timeout_seconds},
    )
    return {
        "http": protocol,
        "timeout_keep_alive": settings.http_keep_alive_seconds,
        "limit_concurrency": settings.http_max_connections,
    }


APP_FACTORY = "grants.app:create_app"


def granian_server(
    settings: Settings, *, host: str, port: int, workers: int, factory: str = APP_FACTORY
) -> Any:
    """A Granian server for the app `factory` with `workers` processes, bounded as above."""
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.server import Server

    cap = settings.http_max_connections
    return Server(
        factory,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
        http=HTTPModes.http1,
        http1_settings=HTTP1Settings(
            header_read_timeout=max(1, round(settings.http_headers_timeout_seconds * 1000)),
            keep_alive=settings.http_keep_alive_seconds > 0,
        ),
        backpressure=max(1, cap // workers) if cap else None,
        websockets=False,
        log_access=False,
        respawn_failed_workers=True,
    )


BACKGROUND_ENV = "GRANTS_BACKGROUND"
APP_WITH_WORKER_FACTORY = "grants.serving:create_app_with_worker"


def create_app_with_worker() -> Any:
    """The app, with the background worker (`grants.worker`) running in this process from
    startup to shutdown: the embedded default, no `grants worker` process needed. Each server
    process runs one; their claims keep them from doing the same work twice."""
    from sqlalchemy.ext.asyncio import async_sessionmaker

    from grants.app import create_app
    from grants.db.engine import create_engine
    from grants.settings import get_settings
    from grants.worker import Worker

    settings = get_settings()
    app = create_app(settings)
    running: dict[str, Any] = {}

    async def start() -> None:
        engine = create_engine(settings.database_url)
        stop = asyncio.Event()
        worker = Worker(async_sessionmaker(engine, expire_on_commit=False), settings)
        running.update(engine=engine, stop=stop, task=asyncio.create_task(worker.run_forever(stop)))

    async def finish() -> None:
        if not running:
            return
        running["stop"].set()
        await running["task"]
        await running["engine"].dispose()

    app.on_startup.append(start)
    app.on_shutdown.insert(0, finish)
    return app
