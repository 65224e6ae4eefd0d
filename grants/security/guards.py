"""Route guards: authentication and global roles. Entity scope is checked in services."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, cast

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler
from litestar.types import HTTPScope

from grants.errors import Forbidden, Unauthenticated
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
