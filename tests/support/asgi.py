"""Driving the app as an ASGI server would when a client goes away mid-body: a few body chunks,
then `http.disconnect` (httpx's transport cannot send that message)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from litestar import Litestar


@dataclass
class Answer:
    status: int
    body: dict[str, Any]


async def disconnecting(
    app: Litestar, method: str, path: str, headers: dict[str, str], chunks: list[bytes]
) -> Answer:
    """Send `chunks` (each announcing more to come), then disconnect; the app's answer."""
    raw_path, _, query = path.partition("?")
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": raw_path,
        "raw_path": raw_path.encode(),
        "query_string": query.encode(),
        "root_path": "",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    pending = [{"type": "http.request", "body": c, "more_body": True} for c in chunks]
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return pending.pop(0) if pending else {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    await app(scope, receive, send)  # type: ignore[arg-type]
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return Answer(sent[0]["status"], json.loads(body))
