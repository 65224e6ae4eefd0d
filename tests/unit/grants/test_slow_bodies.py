"""The body deadline counts the client's time only: a handler busy before it reads, or between
two parts, never turns a prompt client into a slow one; a silent client is cut off."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from grants.security.slow_bodies import BodyDeadlineMiddleware, BodyTimeout
from grants.settings import Settings


def _middleware(app: Any, tmp_path: Path) -> BodyDeadlineMiddleware:
    settings = Settings(
        environment="test",
        var_dir=tmp_path,
        secret_key="unit",
        request_body_idle_seconds=0.5,
        request_body_grace_seconds=0.3,
        request_body_min_bytes_per_second=1000,
    )
    return BodyDeadlineMiddleware(app, settings)


async def _nothing(_: Any) -> None: ...


async def test_a_busy_handler_does_not_use_up_the_clients_time(tmp_path: Path) -> None:
    parts = [{"type": "http.request", "body": b"x" * 10, "more_body": True}] * 3 + [
        {"type": "http.request", "body": b"", "more_body": False}
    ]
    sent = iter(parts)
    read: list[Any] = []

    async def receive() -> Any:
        return next(sent)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        for _ in parts:
            await asyncio.sleep(0.4)  # the server's own work, past the grace each time
            read.append(await receive())

    await _middleware(app, tmp_path)({"type": "http"}, receive, _nothing)

    assert read == parts


async def test_a_silent_client_is_cut_off(tmp_path: Path) -> None:
    async def receive() -> Any:
        await asyncio.sleep(10)

    async def app(scope: Any, receive: Any, send: Any) -> None:
        await receive()

    with pytest.raises(BodyTimeout) as cut:
        await asyncio.wait_for(_middleware(app, tmp_path)({"type": "http"}, receive, _nothing), 3)

    assert (cut.value.status, cut.value.headers) == (408, {"Connection": "close"})
