"""A request body must keep arriving: slow or stalled senders get a 408 and the connection ends.

Without this a client sending one byte a second (or nothing after the headers) holds a
connection, a task and, during an upload, a store's multipart upload open indefinitely. Each
wait for the next part of the body is bounded by an idle timeout, and once a grace period has
passed the body must have arrived at a minimum average rate. The handler sees `BodyTimeout`
from its read, exactly as for a client that went away, so an upload stores nothing; the answer
says `Connection: close`.
"""

from __future__ import annotations

import asyncio
import time

from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import ASGIApp, Receive, ReceiveMessage, Scope, Send

from grants.errors import DomainError
from grants.settings import Settings
from messages import define

TOO_SLOW = define(
    "http.body_too_slow",
    "The request body arrived too slowly (at least {rate} bytes a second after {grace} "
    "seconds, and never a pause over {idle} seconds); nothing was changed.",
)


class BodyTimeout(DomainError):
    status, code = 408, "request_timeout"


class BodyDeadlineMiddleware(AbstractMiddleware):
    scopes = {ScopeType.HTTP}  # noqa: RUF012 - Litestar's declared form

    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        super().__init__(app)
        self.idle = settings.request_body_idle_seconds
        self.grace = settings.request_body_grace_seconds
        self.rate = settings.request_body_min_bytes_per_second

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, self._bounded(receive), send)

    def _bounded(self, receive: Receive) -> Receive:
        start = time.monotonic()
        received = 0
        done = False

        async def bounded_receive() -> ReceiveMessage:
            nonlocal received, done
            if done:
                return await receive()
            now = time.monotonic()
            # The latest moment the next bytes may come: never after the idle timeout, nor
            # after the moment the average rate falls below the minimum.
            due = start + max(self.grace, (received + 1) / self.rate)
            try:
                message = await asyncio.wait_for(
                    receive(), timeout=max(0.0, min(self.idle, due - now))
                )
            except TimeoutError:
                raise self._timeout() from None
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                done = not message.get("more_body", False)
            else:
                done = True
            return message

        return bounded_receive

    def _timeout(self) -> BodyTimeout:
        detail = TOO_SLOW(rate=self.rate, grace=self.grace, idle=self.idle)
        return BodyTimeout(detail, headers={"Connection": "close"})
