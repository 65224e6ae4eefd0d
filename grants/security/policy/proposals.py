"""Proposals (and their documents and parts): who sees them, what they see, who edits them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from grants.security.policy.core import (
    CONSORTIUM,
    OVERSIGHT,
    Action,
    Decision,
    allow,
    conflict,
    forbidden,
    not_found,
    reads_everything,
)
from grants.security.principal import Principal
from messages import define
from workflows.machines.proposal import ProposalState
from workflows.roles import ASSIGNED_REVIEWER, COFUNDING_OFFICER, OFFICER, RESEARCHER

NO_SUCH_PROPOSAL = define("security.proposal.not_found", "No such proposal.")
CONSORTIUM_ONLY = define(
    "security.proposal.consortium_only",
    "Only the proposal's PIs and co-investigators may change it.",
)
DRAFT_ONLY = define(
    "security.proposal.draft_only",
    "The proposal is {state}; only a draft can be changed (reopen it first, before the deadline).",
)
PART_TEAM_ONLY = define(
    "security.part.team_only", "Only the {agency} side's PI and co-investigators edit that part."
)
PART_DRAFT_ONLY = define(
    "security.part.draft_only", "The proposal is {state}; only a draft can be changed."
)
RESEARCHERS_ONLY = define("security.proposal.researchers_only", "Only researchers draft proposals.")


@dataclass(frozen=True, slots=True)
class ProposalFacts:
    """A proposal's state, whether it was ever submitted, and the caller's roles on it (global
    ones plus `pi`, `coapplicant`, `cofunding_officer`, `assigned_reviewer`)."""

    state: str
    submitted_ever: bool
    roles: frozenset[str]


@dataclass(frozen=True, slots=True)
class ProposalListScope:
    """Which proposals a list shows besides the caller's own and those they review: every
    submitted one (`every_submitted`), or the submitted ones of calls `cofunded_by` co-funds."""

    every_submitted: bool
    cofunded_by: uuid.UUID | None


def _seen_by_oversight(facts: ProposalFacts) -> bool:
    """Past its draft and not a draft withdrawn before any submission."""
    never_submitted = facts.state == ProposalState.WITHDRAWN and not facts.submitted_ever
    return facts.state != ProposalState.DRAFT and not never_submitted


def decide_proposal(principal: Principal, action: Action, facts: ProposalFacts) -> Decision:
    """Consortium members always; oversight roles once it was submitted; an assigned reviewer
    on the same terms but on READ (the read endpoints) and FIRE (the machine, where they hold
    no role that fires) only. Anyone else 404."""
    roles = facts.roles
    readers = OVERSIGHT | {ASSIGNED_REVIEWER} if action in {Action.READ, Action.FIRE} else OVERSIGHT
    if roles & CONSORTIUM or (_seen_by_oversight(facts) and roles & readers):
        return allow(roles)
    return not_found(NO_SUCH_PROPOSAL())


def edit_decision(facts: ProposalFacts) -> Decision:
    """Only the consortium edits (403 for officers and assigned reviewers), and only a draft
    (409 otherwise: reopen it first, before the deadline)."""
    if not facts.roles & CONSORTIUM:
        return forbidden(CONSORTIUM_ONLY())
    if facts.state != ProposalState.DRAFT:
        return conflict(DRAFT_ONLY(state=facts.state))
    return allow(facts.roles)


def part_edit_decision(state: str, on_team: bool, agency_code: str) -> Decision:
    """A part is edited by its own side's team only, and only in a draft."""
    if not on_team:
        return forbidden(PART_TEAM_ONLY(agency=agency_code))
    if state != ProposalState.DRAFT:
        return conflict(PART_DRAFT_ONLY(state=state))
    return allow()


def hidden_fields(roles: frozenset[str]) -> frozenset[str]:
    """Fields of the proposal detail the caller must not see (shown as null): the
    duplicate-funding flags are for oversight roles only; the eligibility reason for the
    consortium and oversight roles, so an assigned reviewer reads the science without the
    officers' paperwork."""
    hidden = set() if roles & OVERSIGHT else {"duplicate_funding"}
    if not roles & (CONSORTIUM | OVERSIGHT):
        hidden.add("eligibility_reason")
    return frozenset(hidden)


def partner_contact_shown(roles: frozenset[str]) -> bool:
    """An enterprise partner's contact person is for the consortium and oversight roles (the
    co-funding officers among them); an assigned reviewer reads the partner without it."""
    return bool(roles & (CONSORTIUM | OVERSIGHT))


def proposal_roles(
    principal: Principal,
    relation: frozenset[str],
    cofunders: frozenset[uuid.UUID],
    *,
    assigned: bool = False,
) -> frozenset[str]:
    """The caller's global roles plus their relation to the proposal (`pi`, `coapplicant`),
    `cofunding_officer` when their agency co-funds its call, and `assigned_reviewer` when they
    review it (`assigned`)."""
    roles = principal.roles | relation
    if principal.officer_agency_id in cofunders:
        roles |= {COFUNDING_OFFICER}
    if assigned:
        roles |= {ASSIGNED_REVIEWER}
    return roles


def create_decision(principal: Principal) -> Decision:
    """Only researchers draft proposals."""
    if not principal.has(RESEARCHER):
        return forbidden(RESEARCHERS_ONLY())
    return allow()


def list_row_roles(principal: Principal, relation: frozenset[str]) -> frozenset[str]:
    """The caller's roles on a listed proposal (the list scope already limits an officer to
    the calls their agency co-funds, so an officer listing it is a co-funding officer)."""
    roles = principal.roles | relation
    if OFFICER in principal.roles and principal.officer_agency_id is not None:
        roles |= {COFUNDING_OFFICER}
    return roles


def proposal_list_scope(principal: Principal) -> ProposalListScope:
    """Everyone lists their own and those they review; auditors and admins every submitted
    one; an officer the submitted ones of the calls their agency co-funds."""
    if reads_everything(principal):
        return ProposalListScope(True, None)
    agency = principal.officer_agency_id if principal.has(OFFICER) else None
    return ProposalListScope(False, agency)
