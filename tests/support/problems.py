"""Exact problem+json bodies for assertions (the request id differs on every request)."""

from __future__ import annotations

from typing import Any

import httpx


def problem(response: httpx.Response) -> dict[str, Any]:
    """The problem+json body without its per-request id."""
    return {k: v for k, v in response.json().items() if k != "request_id"}


def forbidden(
    instance: str, detail: str, errors: list[dict[str, str]] | None = None
) -> dict[str, Any]:
    """The body of a 403 on `instance` with `detail` and, when given, field `errors`."""
    body: dict[str, Any] = {
        "type": "urn:cofund:problem:forbidden",
        "title": "Forbidden",
        "status": 403,
        "detail": detail,
        "instance": instance,
    }
    return body | ({"errors": errors} if errors else {})
