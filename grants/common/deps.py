"""Dependencies every controller can ask for by name."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State

from grants.security.guards import principal_of
from grants.security.principal import Principal
from grants.settings import Settings


def provide_settings(state: State) -> Settings:
    return state["settings"]


def provide_principal(request: Request[Any, Any, Any]) -> Principal:
    return principal_of(request)


def request_id_of(request: Request[Any, Any, Any]) -> str | None:
    return request.scope.get("state", {}).get("request_id")


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"
