"""The database side of a proposal's access: load it, compute the caller's relation to it
(PI, co-investigator, co-funding officer, assigned reviewer), ask the policy
(`grants.security.policy`, where the rules are) and raise what it decides."""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Proposal, ProposalPart, ReviewAssignment
from grants.db.models import Conflict as ConflictOfInterest
from grants.db.models.reviews import ConflictStatus
from grants.errors import NotFound
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define
from workflows.machines.review_assignment import AssignmentState
from workflows.roles import COAPPLICANT, PI

REVIEWING_STATES = (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED)
NO_SUCH_PROPOSAL = define("proposal.not_found", "No such proposal.")


def part_roles(principal: Principal, part: ProposalPart) -> frozenset[str]:
    """`pi` or `coapplicant` when the caller is on this part's team."""
    if part.pi_user_id == principal.user_id:
        return frozenset({PI})
    for member in part.members:
        if member.user_id == principal.user_id:
            return frozenset({PI}) if member.role == "pi" else frozenset({COAPPLICANT})
    return frozenset()


def roles_on(
    principal: Principal, proposal: Proposal, call: Call, *, assigned: bool = False
) -> frozenset[str]:
    """The caller's global roles plus the relational ones they hold on this proposal;
    `assigned` (from `assigned_to_review`) adds `assigned_reviewer`."""
    relation: frozenset[str] = frozenset()
    for part in proposal.parts:
        relation |= part_roles(principal, part)
    cofunders = frozenset(a.agency_id for a in call.agencies)
    return policy.proposal_roles(principal, relation, cofunders, assigned=assigned)


async def assigned_to_review(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID
) -> bool:
    """True when the caller reviews this proposal: an assignment of theirs to it was accepted
    (or its review submitted) and no conflict of interest between them is active (a dismissed
    or waived one does not count). A reviewer only invited, or who declined, is not assigned.
    One query."""
    conflicted = exists().where(
        ConflictOfInterest.proposal_id == proposal_id,
        ConflictOfInterest.reviewer_id == principal.user_id,
        ConflictOfInterest.status == ConflictStatus.ACTIVE,
    )
    assigned = exists().where(
        ReviewAssignment.proposal_id == proposal_id,
        ReviewAssignment.reviewer_id == principal.user_id,
        ReviewAssignment.state.in_(REVIEWING_STATES),
    )
    return bool(await session.scalar(select(assigned & ~conflicted)))


def proposal_facts(proposal: Proposal, roles: frozenset[str]) -> policy.ProposalFacts:
    """What the policy needs to know about the proposal and the caller's roles on it."""
    return policy.ProposalFacts(proposal.state, proposal.submitted_at is not None, roles)


def list_roles(principal: Principal, proposal: Proposal) -> frozenset[str]:
    """The caller's roles on a row of `queries.visible_query` (`policy.list_row_roles`)."""
    relation: frozenset[str] = frozenset()
    for part in proposal.parts:
        relation |= part_roles(principal, part)
    return policy.list_row_roles(principal, relation)


async def visible_proposal(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, *, reading: bool = False
) -> tuple[Proposal, Call, frozenset[str]]:
    """The proposal, its call and the caller's roles on it; raises NotFound when the caller may
    not see it (or it does not exist). With `reading` (read endpoints only) an assigned
    reviewer sees it too; the assignment query runs only for a caller who would otherwise
    get 404, so other callers' query counts do not change."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound(NO_SUCH_PROPOSAL())
    call = await session.scalar(select(Call).where(Call.id == proposal.call_id))
    assert call is not None  # a foreign key guarantees it
    action = policy.Action.READ if reading else policy.Action.WRITE
    roles = roles_on(principal, proposal, call)
    decision = policy.decide(principal, action, proposal_facts(proposal, roles))
    if reading and not decision.allowed:
        assigned = await assigned_to_review(session, principal, proposal.id)
        roles = roles_on(principal, proposal, call, assigned=assigned)
        decision = policy.decide(principal, action, proposal_facts(proposal, roles))
    return proposal, call, require(decision)


def require_editable(proposal: Proposal, roles: frozenset[str]) -> None:
    """Raises Forbidden for a non-member (officers and assigned reviewers never edit) and
    Conflict once the proposal is no longer a draft (`policy.edit_decision`)."""
    require(policy.edit_decision(proposal_facts(proposal, roles)))


def require_part_editor(principal: Principal, part: ProposalPart, proposal: Proposal) -> None:
    """A part is edited by its own team only (each side fills in its own part)."""
    on_team = bool(part_roles(principal, part))
    require(policy.part_edit_decision(proposal.state, on_team, part.agency.code))
