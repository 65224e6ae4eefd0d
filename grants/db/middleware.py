"""Safe requests read in a deferred SQLite transaction, so they never wait for a writer;
a safe route that writes what it was asked (an audited download) says so with the handler
option `WRITES` and queues for the lock as any writer does."""

from __future__ import annotations

from typing import cast

from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import HTTPScope, Receive, Scope, Send

from grants.db.engine import reads_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
WRITES = "writes"
"""Handler option (`opt={WRITES: True}`): this GET writes (an audit event of the download),
so on SQLite its transaction begins immediate, never deferred (a deferred one would fail at
once, "database is locked", while another writer holds the lock)."""


class ReadOnlyTransactionsMiddleware(AbstractMiddleware):
    """Marks GET/HEAD/OPTIONS requests as readers before any session of theirs begins.

    It must run before the authentication middleware, whose lookup begins the request's
    transaction. Unsafe methods keep `BEGIN IMMEDIATE` (writers queue on the busy timeout).
    """

    scopes = {ScopeType.HTTP}  # noqa: RUF012 - Litestar's declared form

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        http = cast("HTTPScope", scope)
        handler = http.get("route_handler")
        writes = bool(handler is not None and handler.opt.get(WRITES))
        with reads_only(http["method"] in SAFE_METHODS and not writes):
            await self.app(scope, receive, send)
