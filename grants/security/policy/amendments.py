"""Amendments: who requests one, who reaches it and which roles the amendment machine sees
(the rules are stated in the package docstring)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from grants.security.policy.core import (
    CONSORTIUM,
    OVERSIGHT,
    Decision,
    allow,
    forbidden,
    not_found,
)
from grants.security.principal import Principal
from messages import define
from workflows.roles import AGENCY_OFFICER, PI, REQUESTER

NO_SUCH_AMENDMENT = define("policy.amendment.not_found", "No such amendment.")
PI_ONLY = define(
    "policy.amendment.pi_only",
    "Only a PI of the project requests an amendment; a budget move only the PI of its side.",
)


@dataclass(frozen=True, slots=True)
class AmendmentFacts:
    """An amendment as the policy needs it: the caller's roles on its grant (`grant_roles`),
    the agencies that decide it (a budget move's side's agency, or every co-funder for an
    extension) and who requested it."""

    grant_roles: frozenset[str]
    deciding_agencies: frozenset[uuid.UUID]
    requested_by: uuid.UUID


def amendment_request_decision(grant_roles: frozenset[str], relation: frozenset[str]) -> Decision:
    """A PI requests an amendment: `relation` is the caller's relation to the side a budget
    move changes, or to any side for an extension. Others who see the grant get 403."""
    if PI in relation:
        return allow(grant_roles)
    return forbidden(PI_ONLY())


def decide_amendment(principal: Principal, facts: AmendmentFacts) -> Decision:
    """Whoever sees the grant sees its amendments (anyone else 404). The machine sees the
    caller's global roles, `agency_officer` for an officer of a deciding agency and `requester`
    for whoever requested it."""
    if not facts.grant_roles & (CONSORTIUM | OVERSIGHT):
        return not_found(NO_SUCH_AMENDMENT())
    roles = set(principal.roles)
    if any(principal.officer_of(agency) for agency in facts.deciding_agencies):
        roles.add(AGENCY_OFFICER)
    if facts.requested_by == principal.user_id:
        roles.add(REQUESTER)
    return allow(frozenset(roles))
