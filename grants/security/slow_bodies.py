"""A request body must keep arriving: slow or stalled senders get a 408 and the connection ends.

Without this a client sending one byte a second (or nothing after the headers) holds a
connection, a task and, during an upload, a store's multipart upload open indefinitely. Each
wait for the next part of the body is bounded by an idle timeout, and once a grace period has
passed the body must have arrived at a minimum average rate. Only the time spent waiting for
the client counts: a handler that works before it reads, or between two parts (a store's slow
part upload), does not use up the client's time. The handler sees `BodyTimeout`
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


# Seconds to wait even when the client's time is up: a part it already sent is taken.
_TAKE_WHAT_IS_THERE = 0.1


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
        received = 0
        waited = 0.0  # time spent waiting for the client, never the server's own work
        done = False

        async def bounded_receive() -> ReceiveMessage:
            nonlocal received, waited, done
            if done:
                return await receive()
            # The client's time left: never more than the idle timeout, nor more than keeps
            # its average rate at the minimum; a part already received is always taken.
            budget = max(self.grace, (received + 1) / self.rate) - waited
            began = time.monotonic()
            try:
                message = await asyncio.wait_for(
                    receive(), timeout=max(_TAKE_WHAT_IS_THERE, min(self.idle, budget))
                )
            except TimeoutError:
                raise self._timeout() from None
            finally:
                waited += time.monotonic() - began
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
