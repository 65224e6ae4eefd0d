"""Who reaches a review assignment, a call's scores and its rankings, decided in one place.

An assignment is reached by its reviewer (once invited) and by the officers who oversee its
pool: in parallel review mode the officers of the pool's agency, in joint mode every
co-funding agency's officers. Anyone else gets 404, never 403, so another reviewer's draft is
not revealed.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import visible_call
from grants.db.models import Agency, Call, Conflict, Proposal, ReviewAssignment
from grants.errors import Forbidden, NotFound
from grants.security.principal import Principal
from workflows.roles import ADMIN, ASSIGNED_REVIEWER, AUDITOR, COFUNDING_OFFICER


@dataclass(frozen=True, slots=True)
class AssignmentScope:
    """An assignment with its proposal and call, and the caller's roles on it."""

    assignment: ReviewAssignment
    proposal: Proposal
    call: Call
    roles: frozenset[str]


def oversees_pool(principal: Principal, call: Call, pool_agency_id: uuid.UUID) -> bool:
    """True for an officer of a co-funder who may see that pool's reviews right now (the
    parallel-mode wall; the joint ranking lifts it elsewhere)."""
    cofunders = {t.agency_id for t in call.agencies}
    agency = principal.officer_agency_id
    if agency is None or agency not in cofunders or not principal.officer_of(agency):
        return False
    return call.review_mode == "joint" or agency == pool_agency_id


async def assignment_scope(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID
) -> AssignmentScope:
    """The assignment and the caller's roles on it; raises NotFound for anyone but its
    reviewer (once invited) and the officers overseeing its pool."""
    assignment = await session.get(ReviewAssignment, assignment_id)
    if assignment is None:
        raise NotFound("No such assignment.")
    proposal = await session.get(Proposal, assignment.proposal_id)
    assert proposal is not None  # a foreign key guarantees it
    call = await session.get(Call, proposal.call_id)
    assert call is not None
    roles: set[str] = set()
    if assignment.reviewer_id == principal.user_id and assignment.state != "proposed":
        roles.add(ASSIGNED_REVIEWER)
    if oversees_pool(principal, call, assignment.pool_agency_id):
        roles.add(COFUNDING_OFFICER)
    if not roles:
        raise NotFound("No such assignment.")
    return AssignmentScope(assignment, proposal, call, frozenset(roles))


async def active_conflicts(session: AsyncSession, assignment: ReviewAssignment) -> list[str]:
    """Reasons of the unresolved conflicts between the assignment's reviewer and proposal."""
    rows = await session.scalars(
        select(Conflict.reason).where(
            Conflict.proposal_id == assignment.proposal_id,
            Conflict.reviewer_id == assignment.reviewer_id,
            Conflict.status == "active",
        )
    )
    return list(rows)


def agency_by_code(call: Call, code: str) -> Agency:
    """The co-funding agency of `call` with that code; raises NotFound otherwise."""
    for terms in call.agencies:
        if terms.agency.code == code.upper():
            return terms.agency
    raise NotFound(f"{code} does not co-fund this call.")


async def officer_call(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID
) -> tuple[Call, frozenset[str]]:
    """The call for a co-funding officer, auditor or admin; raises NotFound for a call the
    caller cannot see and Forbidden for other roles."""
    call, roles = await visible_call(session, principal, call_id)
    if not roles & {COFUNDING_OFFICER, AUDITOR, ADMIN}:
        raise Forbidden("Only the co-funding agencies' officers see scores and rankings.")
    return call, roles


def require_agency_officer(principal: Principal, agency: Agency) -> None:
    """Raises Forbidden unless the caller is an officer of `agency`."""
    if not principal.officer_of(agency.id):
        raise Forbidden(f"Only {agency.code}'s officers change {agency.code}'s ranking.")
