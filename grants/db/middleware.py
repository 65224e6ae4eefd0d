"""Safe requests read in a deferred SQLite transaction, so they never wait for a writer."""

from __future__ import annotations

from typing import cast

from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import HTTPScope, Receive, Scope, Send

from grants.db.engine import reads_only

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ReadOnlyTransactionsMiddleware(AbstractMiddleware):
    """Marks GET/HEAD/OPTIONS requests as readers before any session of theirs begins.

    It must run before the authentication middleware, whose lookup begins the request's
    transaction. Unsafe methods keep `BEGIN IMMEDIATE` (writers queue on the busy timeout).
    """

    scopes = {ScopeType.HTTP}  # noqa: RUF012 - Litestar's declared form

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        with reads_only(cast("HTTPScope", scope)["method"] in SAFE_METHODS):
            await self.app(scope, receive, send)
