"""Tranches: who reaches a tranche and which roles the tranche machine sees (the rules are
stated in the package docstring)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from grants.security.policy.core import (
    CONSORTIUM,
    OVERSIGHT,
    Decision,
    allow,
    not_found,
)
from grants.security.principal import Principal
from messages import define
from workflows.roles import AGENCY_OFFICER, REQUESTER

NO_SUCH_TRANCHE = define("policy.tranche.not_found", "No such tranche.")


@dataclass(frozen=True, slots=True)
class TrancheFacts:
    """A tranche as the policy needs it: the caller's roles on its grant (`grant_roles`, from
    `grant_roles`), their relation to the part of the tranche's own side (`side_relation`:
    `pi` or `coapplicant`), the paying agency and who requested it."""

    grant_roles: frozenset[str]
    side_relation: frozenset[str]
    agency_id: uuid.UUID
    requested_by: uuid.UUID | None


def decide_tranche(principal: Principal, facts: TrancheFacts) -> Decision:
    """Whoever sees the grant sees its tranches (anyone else 404). The machine sees the
    caller's global roles, `pi`/`coapplicant` of the tranche's side only (the other side's PI
    requests nothing of this agency), `agency_officer` for an officer of the paying agency and
    `requester` for whoever requested it."""
    if not facts.grant_roles & (CONSORTIUM | OVERSIGHT):
        return not_found(NO_SUCH_TRANCHE())
    roles = principal.roles | facts.side_relation
    if principal.officer_of(facts.agency_id):
        roles |= {AGENCY_OFFICER}
    if facts.requested_by is not None and facts.requested_by == principal.user_id:
        roles |= {REQUESTER}
    return allow(roles)


def tranche_officers_shown(grant_roles: frozenset[str]) -> bool:
    """Oversight roles read which officer approved and disbursed a tranche; the consortium reads
    the amounts and dates, never the officers' names (as with funding decisions)."""
    return bool(grant_roles & OVERSIGHT)
