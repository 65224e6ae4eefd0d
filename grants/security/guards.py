"""Route guards: authentication and global roles. Entity scope is checked in services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, cast
from urllib.parse import urlsplit

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import HTTPScope

from grants.errors import FieldError, Forbidden, Unauthenticated, UnsupportedContentType
from grants.security import policy
from grants.security.principal import Principal
from messages import Message, define

UNAUTHENTICATED = define("security.unauthenticated", "Sign in, or send a bearer API token.")
CSRF_REFUSED = define(
    "security.csrf.refused",
    "The CSRF token is missing or wrong; send it in the X-CSRF-Token header.",
)
ROLE_NEEDED = define("security.role.needed", "This needs the role {role}.")
EITHER_ROLE_NEEDED = define("security.role.either_needed", "This needs the role {role} or {other}.")
ANY_ROLE_NEEDED = define("security.role.any_needed", "This needs one of these roles: {roles}.")

JSON_ONLY = define(
    "security.login.json_only",
    "Sign in with a JSON body sent as Content-Type: application/json.",
)
JSON_ONLY_FIELD = define("security.login.json_only_field", "must be application/json, not {sent}")
CROSS_SITE = define(
    "security.login.cross_site",
    "Signing in from another site is refused; sign in on this site's own page.",
)
CROSS_SITE_FIELD = define("security.login.cross_site_field", "another site: {sent}")

CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
CSRF_EXEMPT = frozenset({"/api/auth/login"})

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The caller, or Unauthenticated when there is none."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthenticated(UNAUTHENTICATED())
    return user


def authenticated(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    principal_of(connection)


def csrf_protect(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Unsafe API requests made with a session cookie must echo the session's CSRF token.

    Bearer-token requests need none (a browser never adds that header by itself); web forms
    carry the token in a form field, checked by their view; signing in replaces any session.
    """
    user = connection.scope.get("user")
    path = connection.scope["path"]
    if not isinstance(user, Principal) or user.auth_kind != "session":
        return
    if (
        cast("HTTPScope", connection.scope)["method"] in SAFE_METHODS
        or not path.startswith("/api")
        or path in CSRF_EXEMPT
    ):
        return
    sent = connection.headers.get(CSRF_HEADER, "")
    if not secrets.compare_digest(sent, user.csrf_token or "-"):
        raise Forbidden(CSRF_REFUSED())


def same_site_json(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    """Sign-in takes JSON from this site only (415 for any other body type, 403 when the browser
    says the request comes from another site).

    Login needs no CSRF token (there is no session yet), so without this a page elsewhere could
    post a `text/plain` body that is JSON and sign the victim's browser into the attacker's
    account. A browser cannot send `application/json` across sites without a CORS preflight,
    which CoFund never grants; `Origin` and `Sec-Fetch-Site` catch the rest. Scripts send
    neither header and are not affected.
    """
    sent = connection.headers.get("content-type", "")
    if sent.split(";", 1)[0].strip().lower() != "application/json":
        raise UnsupportedContentType(
            JSON_ONLY(), errors=[FieldError("content-type", JSON_ONLY_FIELD(sent=sent or "none"))]
        )
    fetch_site = connection.headers.get("sec-fetch-site", "").lower()
    if fetch_site in ("cross-site", "same-site"):
        raise Forbidden(
            CROSS_SITE(), errors=[FieldError("sec-fetch-site", CROSS_SITE_FIELD(sent=fetch_site))]
        )
    origin = connection.headers.get("origin")
    if origin is not None and origin.rstrip("/") not in _own_origins(connection):
        raise Forbidden(CROSS_SITE(), errors=[FieldError("origin", CROSS_SITE_FIELD(sent=origin))])


def _own_origins(connection: ASGIConnection[Any, Any, Any, Any]) -> set[str]:
    base = str(connection.base_url).rstrip("/")
    origins = {base}
    settings = connection.app.state.get("settings")
    if settings is not None:
        configured = urlsplit(settings.base_url)
        origins.add(f"{configured.scheme}://{configured.netloc}")
    return origins


def roles_needed(roles: tuple[str, ...]) -> Message:
    """The refusal naming the roles that would have been admitted (role names as the API
    spells them). "Or" is spelled out: a list parameter renders as the language's "and" list."""
    if len(roles) == 1:
        return ROLE_NEEDED(role=roles[0])
    if len(roles) == 2:
        return EITHER_ROLE_NEEDED(role=roles[0], other=roles[1])
    return ANY_ROLE_NEEDED(roles=list(roles))


def requires(*roles: str) -> Guard:
    """A guard admitting callers holding at least one of `roles`."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not principal_of(connection).has(*roles):
            raise Forbidden(roles_needed(roles))

    return guard


def requires_or_audits(*roles: str) -> Guard:
    """A guard admitting holders of one of `roles`, and auditors on reads (GET, HEAD) only:
    auditors read everything and write nothing (grants.security.policy.may_reach)."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        method = cast("HTTPScope", connection.scope)["method"]
        if not policy.may_reach(principal_of(connection), method, roles):
            raise Forbidden(roles_needed(roles))

    return guard
