"""How `grants serve` runs uvicorn: bounded connections, whatever the client does.

Uvicorn times out an idle keep-alive connection but not one whose request headers never finish
(it stops its keep-alive timer at the first byte): a client sending `GET / HTTP/1.1\\r\\nHost:`
and then nothing would hold the connection forever. `BoundedHttpProtocol` closes a connection
whose next request's headers are not complete within `HTTP_HEADERS_TIMEOUT_SECONDS` of the
connection opening or the previous response ending. Slow bodies are the app's
(`grants.security.slow_bodies`); the number of connections is capped by `limit_concurrency`
(503 beyond it).
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
