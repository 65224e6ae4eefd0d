"""Who may see and change a proposal: the roles an actor holds on it, computed in one place.

Drafts are private to their consortium (PIs and co-investigators); once submitted, officers of
the co-funding agencies, auditors and admins see them too, and a reviewer assigned to the
proposal reads it in full on the read endpoints only (`visible_proposal(..., reading=True)`).
Anyone else gets 404, never 403, so the existence of someone else's draft is not revealed.
"""

from __future__ import annotations

import uuid

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Proposal, ProposalPart, ReviewAssignment
from grants.db.models import Conflict as ConflictOfInterest
from grants.db.models.reviews import ConflictStatus
from grants.errors import Conflict, Forbidden, NotFound
from grants.security.principal import Principal
from workflows.machines.proposal import ProposalState
from workflows.machines.review_assignment import AssignmentState
from workflows.roles import (
    ADMIN,
    ASSIGNED_REVIEWER,
    AUDITOR,
    COAPPLICANT,
    COFUNDING_OFFICER,
    OFFICER,
    PI,
)

CONSORTIUM = frozenset({PI, COAPPLICANT})
OVERSIGHT = frozenset({COFUNDING_OFFICER, AUDITOR, ADMIN})
REVIEWING_STATES = (AssignmentState.ACCEPTED, AssignmentState.SUBMITTED)


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
    roles = set(principal.roles)
    for part in proposal.parts:
        roles |= part_roles(principal, part)
    if principal.officer_agency_id in {a.agency_id for a in call.agencies}:
        roles.add(COFUNDING_OFFICER)
    if assigned:
        roles.add(ASSIGNED_REVIEWER)
    return frozenset(roles)


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


def can_view(roles: frozenset[str], proposal: Proposal, *, reading: bool = False) -> bool:
    """Consortium members always; oversight roles once the proposal was submitted and is not
    a draft again (a draft withdrawn before any submission stays private); an assigned
    reviewer on the same terms, but only on the read endpoints (`reading`: the proposal's
    detail and its documents), never on a write, an event, its transitions, its invitations
    or the applicants' exclusions."""
    if roles & CONSORTIUM:
        return True
    never_submitted = proposal.state == ProposalState.WITHDRAWN and proposal.submitted_at is None
    readers = OVERSIGHT | {ASSIGNED_REVIEWER} if reading else OVERSIGHT
    return proposal.state != ProposalState.DRAFT and not never_submitted and bool(roles & readers)


def hidden_fields(roles: frozenset[str]) -> frozenset[str]:
    """Fields of the proposal detail the caller must not see (shown as null): the
    duplicate-funding flags are for oversight roles only; the eligibility reason for the
    consortium and oversight roles, so an assigned reviewer reads the science without the
    officers' paperwork."""
    hidden = set() if roles & OVERSIGHT else {"duplicate_funding"}
    if not roles & (CONSORTIUM | OVERSIGHT):
        hidden.add("eligibility_reason")
    return frozenset(hidden)


def list_roles(principal: Principal, proposal: Proposal) -> frozenset[str]:
    """The caller's roles on a row of `queries.visible_query`, whose filter already limits an
    officer to the calls their agency co-funds."""
    roles = set(principal.roles)
    for part in proposal.parts:
        roles |= part_roles(principal, part)
    if OFFICER in principal.roles and principal.officer_agency_id is not None:
        roles.add(COFUNDING_OFFICER)
    return frozenset(roles)


async def visible_proposal(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, *, reading: bool = False
) -> tuple[Proposal, Call, frozenset[str]]:
    """The proposal, its call and the caller's roles on it; raises NotFound when the caller may
    not see it (or it does not exist). With `reading` (read endpoints only) an assigned
    reviewer sees it too; the assignment query runs only for a caller who would otherwise
    get 404, so other callers' query counts do not change."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    call = await session.scalar(select(Call).where(Call.id == proposal.call_id))
    assert call is not None  # a foreign key guarantees it
    roles = roles_on(principal, proposal, call)
    if reading and not can_view(roles, proposal):
        assigned = await assigned_to_review(session, principal, proposal.id)
        roles = roles_on(principal, proposal, call, assigned=assigned)
    if not can_view(roles, proposal, reading=reading):
        raise NotFound("No such proposal.")
    return proposal, call, roles


def require_editable(proposal: Proposal, roles: frozenset[str]) -> None:
    """Raises Forbidden for a non-member (officers and assigned reviewers never edit) and
    Conflict once the proposal is no longer a draft."""
    if not roles & CONSORTIUM:
        raise Forbidden("Only the proposal's PIs and co-investigators may change it.")
    if proposal.state != ProposalState.DRAFT:
        raise Conflict(
            f"The proposal is {proposal.state}; only a draft can be changed (reopen it first, "
            "before the deadline)."
        )


def require_part_editor(principal: Principal, part: ProposalPart, proposal: Proposal) -> None:
    """A part is edited by its own team only (each side fills in its own part)."""
    if not part_roles(principal, part):
        raise Forbidden(
            f"Only the {part.agency.code} side's PI and co-investigators edit that part."
        )
    if proposal.state != ProposalState.DRAFT:
        raise Conflict(f"The proposal is {proposal.state}; only a draft can be changed.")
