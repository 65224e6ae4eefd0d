"""Open data (360Giving, IATI): who fetches which agency's published grants (the rule is
stated in the package docstring)."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from dataclasses import dataclass

from grants.security.policy.core import Decision, allow, forbidden, reads_everything
from grants.security.principal import Principal, Role
from messages import define

PUBLISHERS_ONLY = define(
    "policy.open_data.publishers_only",
    "Open-data exports are for officers, auditors and admins.",
)
OWN_AGENCY_ONLY = define(
    "policy.open_data.own_agency_only",
    "An officer exports only their own agency's grants.",
)
OWN_CALLS_ONLY = define(
    "policy.open_data.own_calls_only",
    "An officer exports only the calls their agency co-funds.",
)


@dataclass(frozen=True, slots=True)
class OpenDataRequest:
    """The filters asked for: an agency (None: every one) and, with a call filter, the call's
    co-funding agencies (None: no call filter)."""

    agency_id: uuid.UUID | None
    call_agencies: Collection[uuid.UUID] | None = None


def open_data_decision(principal: Principal, request: OpenDataRequest) -> Decision:
    """Auditors and admins export every agency's grants; an officer exports their own
    agency's, filtering by another agency or by a call their agency does not co-fund is 403;
    anyone else 403."""
    if reads_everything(principal):
        return allow()
    if not principal.has(Role.OFFICER) or principal.officer_agency_id is None:
        return forbidden(PUBLISHERS_ONLY())
    own = principal.officer_agency_id
    if request.agency_id is not None and request.agency_id != own:
        return forbidden(OWN_AGENCY_ONLY())
    if request.call_agencies is not None and own not in request.call_agencies:
        return forbidden(OWN_CALLS_ONLY())
    return allow()


def open_data_agency(principal: Principal, requested: uuid.UUID | None) -> uuid.UUID | None:
    """The agency whose shares an allowed caller gets: an officer's own, else the one asked
    for (None: every agency)."""
    if reads_everything(principal):
        return requested
    return principal.officer_agency_id
