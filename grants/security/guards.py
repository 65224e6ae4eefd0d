"""Route guards: authentication and global roles. Entity scope is checked in services."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from litestar.connection import ASGIConnection
from litestar.handlers.base import BaseRouteHandler

from grants.errors import Forbidden, Unauthenticated
from grants.security.principal import Principal

Guard = Callable[[ASGIConnection[Any, Any, Any, Any], BaseRouteHandler], None]


def principal_of(connection: ASGIConnection[Any, Any, Any, Any]) -> Principal:
    """The caller, or Unauthenticated when there is none."""
    user = connection.scope.get("user")
    if not isinstance(user, Principal):
        raise Unauthenticated("Sign in, or send a bearer API token.")
    return user


def authenticated(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
    principal_of(connection)


def requires(*roles: str) -> Guard:
    """A guard admitting callers holding at least one of `roles`."""

    def guard(connection: ASGIConnection[Any, Any, Any, Any], _: BaseRouteHandler) -> None:
        if not principal_of(connection).has(*roles):
            raise Forbidden(f"This needs the role {' or '.join(roles)}.")

    return guard
