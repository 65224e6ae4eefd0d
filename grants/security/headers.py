"""Security headers on every response the app sends: pages, API answers, static files, errors
and 404s alike (a `before_send` hook sees every response start, routed or not).

Pages carry no inline script or style, so the policy allows scripts and styles from this origin
only; nothing may frame a page (clickjacking of the sign-in form). The API reference at
`/schema` gets its own policy (`SCHEMA_POLICY`): its vendored renderer injects `<style>` elements
at run time, so styles there may be inline; its scripts are still this origin's only.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from grants.security.principal import Principal
from grants.settings import Settings

POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'"
)
SCHEMA_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)
HSTS = "max-age=31536000; includeSubDomains"

Hook = Callable[[Any, Any], Awaitable[None]]


def security_headers(settings: Settings) -> Hook:
    """The `before_send` hook adding the headers; HSTS only when BASE_URL is https."""
    fixed = [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
    ]
    if settings.base_url.startswith("https://"):
        fixed.append((b"strict-transport-security", HSTS.encode()))

    async def add_headers(message: Any, scope: Any) -> None:
        if message.get("type") != "http.response.start":
            return
        headers = list(message.get("headers") or [])
        present = {name.lower() for name, _ in headers}
        policy = SCHEMA_POLICY if scope.get("path", "").startswith("/schema") else POLICY
        headers += [(n, v) for n, v in fixed if n not in present]
        if b"content-security-policy" not in present:
            headers.append((b"content-security-policy", policy.encode()))
        if _private(scope, present):
            # Someone's own data, or a response that signs in: never kept by any cache.
            headers = [(n, v) for n, v in headers if n.lower() != b"cache-control"]
            headers.append((b"cache-control", b"no-store"))
        message["headers"] = headers

    return add_headers


def _private(scope: Any, present: set[bytes]) -> bool:
    return isinstance(scope.get("user"), Principal) or b"set-cookie" in present
