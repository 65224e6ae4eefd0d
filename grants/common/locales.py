"""The reader's language for a request: their saved locale, else `Accept-Language`, else
English (`messages.negotiate`)."""

from __future__ import annotations

from typing import Any

from litestar.connection import ASGIConnection

from messages import negotiate


def request_locale(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    principal = connection.scope.get("user")
    saved = getattr(principal, "locale", None)
    return negotiate(saved, connection.headers.get("accept-language"))
