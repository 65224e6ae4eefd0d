"""Turns a policy `Decision` into the error the caller receives (the policy itself stays free of
Litestar and of the error classes)."""

from __future__ import annotations

from grants.errors import HTTP_DETAILS, Conflict, Forbidden, NotFound
from grants.security.policy import Decision


def require(decision: Decision) -> frozenset[str]:
    """The caller's roles when allowed; raises NotFound, Forbidden or Conflict otherwise."""
    if decision.allowed:
        return decision.roles
    # Every refusal of the policy names its reason; the generic words only guard the type.
    detail = decision.detail or HTTP_DETAILS[403]()
    if decision.status == 404:
        raise NotFound(detail)
    if decision.status == 409:
        raise Conflict(detail)
    raise Forbidden(detail)
