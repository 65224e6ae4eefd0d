"""Structured logs (structlog) with a request id on every line of a request."""

from __future__ import annotations

import logging
import time
import uuid
from typing import cast

import structlog
from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.middleware import AbstractMiddleware
from litestar.types import HTTPScope, Message, Receive, Scope, Send

from grants.common.request_ids import bound_request_id

REQUEST_ID_HEADER = "x-request-id"
log = structlog.get_logger("grants.http")


def configure_logging(level: str, *, json: bool) -> None:
    """Route stdlib and structlog output through one renderer at `level`."""
    renderer = (
        structlog.processors.JSONRenderer() if json else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(logging.getLevelName(level)),
        cache_logger_on_first_use=True,
    )
    logging.basicConfig(level=level, format="%(message)s")


class RequestIdMiddleware(AbstractMiddleware):
    """Tags the request with an id (the client's `X-Request-ID` or a new one) and logs it.

    The id is bound for the whole request (`grants.common.request_ids`): every audit event the
    request writes carries it, as the response's `X-Request-ID` header does.

    Only method, path, status and duration are logged: never bodies, so no password or token.
    """

    scopes = {ScopeType.HTTP}  # noqa: RUF012 - Litestar's declared form

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request_id = _incoming_id(scope) or uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        structlog.contextvars.bind_contextvars(request_id=request_id)
        started, status = time.perf_counter(), 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                MutableScopeHeaders.from_message(message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            with bound_request_id(request_id):
                await self.app(scope, receive, send_with_id)
        finally:
            log.info(
                "request",
                method=cast("HTTPScope", scope)["method"],
                path=scope["path"],
                status=status,
                ms=round((time.perf_counter() - started) * 1000, 1),
            )
            structlog.contextvars.unbind_contextvars("request_id")


def _incoming_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == b"x-request-id":
            text = value.decode("latin-1")[:64]
            return text if text.replace("-", "").isalnum() else None
    return None
