"""Turns a policy `Decision` into the error the caller receives (the policy itself stays free of
Litestar and of the error classes)."""

from __future__ import annotations

from grants.errors import Conflict, Forbidden, NotFound
from grants.security.policy import Decision


def require(decision: Decision) -> frozenset[str]:
    """The caller's roles when allowed; raises NotFound, Forbidden or Conflict otherwise."""
    if decision.allowed:
        return decision.roles
    if decision.status == 404:
        raise NotFound(decision.detail)
    if decision.status == 409:
        raise Conflict(decision.detail)
    raise Forbidden(decision.detail)
