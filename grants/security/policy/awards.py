"""Funding decisions and grants: who records a decision, who reads which decisions, who sees
a grant (the rules are stated in the package docstring)."""

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
    reads_everything,
)
from grants.security.principal import Principal
from messages import define
from workflows.machines.proposal import ProposalState
from workflows.roles import COFUNDING_OFFICER, OFFICER

SETTLED = (ProposalState.AWARDED, ProposalState.REJECTED)

OWN_SIDE_ONLY = define(
    "policy.decision.own_side_only",
    "Only {agency}'s officers record {agency}'s decision: each agency decides on its own side.",
)
OFFICERS_ONLY = define(
    "policy.decision.officers_only",
    "Only officers of the call's co-funding agencies record funding decisions.",
)
READERS_ONLY = define(
    "policy.decision.readers_only",
    "Funding decisions are read by the call's co-funding officers, auditors, admins and the "
    "proposal's consortium.",
)
NO_SUCH_GRANT = define("policy.grant.not_found", "No such grant.")


@dataclass(frozen=True, slots=True)
class DecisionsShown:
    """Which decisions of one proposal a caller reads: every agency's (`every_agency`), else
    only `own_agency`'s (None: none yet); `officers`: whether who decided is shown."""

    every_agency: bool
    own_agency: uuid.UUID | None
    officers: bool


def decision_record_decision(
    principal: Principal, roles: frozenset[str], agency_id: uuid.UUID, agency_code: str
) -> Decision:
    """An officer of a co-funding agency records their own agency's decision, never
    another's; nobody else records one."""
    if COFUNDING_OFFICER in roles and principal.officer_of(agency_id):
        return allow(roles)
    if COFUNDING_OFFICER in roles:
        return forbidden(OWN_SIDE_ONLY(agency=agency_code))
    return forbidden(OFFICERS_ONLY())


def decisions_read_decision(roles: frozenset[str]) -> Decision:
    """Oversight roles and the consortium read a proposal's decisions (what each sees is
    `decisions_shown`); anyone else who sees the proposal (an assigned reviewer) gets 403."""
    if roles & (OVERSIGHT | CONSORTIUM):
        return allow(roles)
    return forbidden(READERS_ONLY())


def decisions_shown(principal: Principal, roles: frozenset[str], state: str) -> DecisionsShown:
    """Auditors and admins read every decision. An officer reads their own agency's at once
    and the other agencies' once the proposal is settled (awarded or rejected), so no agency
    decides anchored on another's. The consortium reads every decision once settled, without
    the officers' names, and nothing before."""
    settled = state in SETTLED
    if reads_everything(principal):
        return DecisionsShown(True, None, True)
    if COFUNDING_OFFICER in roles:
        return DecisionsShown(settled, principal.officer_agency_id, True)
    return DecisionsShown(settled, None, False)


@dataclass(frozen=True, slots=True)
class GrantFacts:
    """The caller's roles on a grant (global ones plus `pi`, `coapplicant` from the proposal's
    parts and `cofunding_officer` for an officer of a co-funding agency of its call)."""

    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class GrantListScope:
    """Which grants a list shows: every one (`everything`), else the caller's own (`member`:
    on a part's team) and those of the calls `cofunded_by` co-funds."""

    everything: bool
    member: uuid.UUID
    cofunded_by: uuid.UUID | None


def grant_roles(
    principal: Principal, relation: frozenset[str], cofunders: frozenset[uuid.UUID]
) -> frozenset[str]:
    """The caller's global roles, their relation to the grant's consortium and
    `cofunding_officer` when their agency co-funds its call."""
    roles = principal.roles | relation
    if OFFICER in principal.roles and principal.officer_agency_id in cofunders:
        roles |= {COFUNDING_OFFICER}
    return roles


def decide_grant(facts: GrantFacts) -> Decision:
    """The consortium and oversight roles see a grant; anyone else 404."""
    if facts.roles & (CONSORTIUM | OVERSIGHT):
        return allow(facts.roles)
    return not_found(NO_SUCH_GRANT())


def grant_list_scope(principal: Principal) -> GrantListScope:
    """Auditors and admins list every grant; anyone else their own, and an officer the grants
    of the calls their agency co-funds."""
    agency = principal.officer_agency_id if OFFICER in principal.roles else None
    return GrantListScope(reads_everything(principal), principal.user_id, agency)
