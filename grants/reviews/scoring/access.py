"""Who reaches a review assignment, a call's scores and its rankings, decided in one place.

An assignment is reached by its reviewer (once invited) and by the officers who oversee its
pool: in parallel review mode the officers of the pool's agency, in joint mode every
co-funding agency's officers. Anyone else gets 404, never 403, so another reviewer's draft is
not revealed.

Each agency's wall (`readable_pools`): in parallel review mode an agency's reviews, scores and
ranking are read by its own officers only (and auditors, admins) until the joint ranking is
recorded. An officer of the call asking for the other agency's pool gets 403 with
`WALL_DETAIL` on every endpoint (they know the call and its co-funders, so there is nothing to
hide by a 404 — the same answer as the surrounding officer-only endpoints).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import visible_call
from grants.calls.workflow import joint_ranking_recorded
from grants.db.models import Agency, Call, Conflict, Proposal, ReviewAssignment
from grants.db.models.reviews import ConflictStatus
from grants.errors import Forbidden, NotFound
from grants.security.principal import Principal
from workflows.machines.review_assignment import AssignmentState
from workflows.roles import ADMIN, ASSIGNED_REVIEWER, AUDITOR, COFUNDING_OFFICER

WALL_DETAIL = (
    "{code}'s reviews, scores and ranking stay behind its wall until the joint ranking is recorded."
)


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
    if assignment.reviewer_id == principal.user_id and assignment.state != AssignmentState.PROPOSED:
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
            Conflict.status == ConflictStatus.ACTIVE,
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


async def wall_stands(session: AsyncSession, call: Call) -> bool:
    """True while each agency's reviews, scores and ranking stay behind its own wall: in
    parallel review mode, until the joint ranking is recorded (approved by every co-funding
    agency, `joint_ranking_recorded`). Joint review mode has one pool and no wall. At most
    one query."""
    return call.review_mode == "parallel" and not await joint_ranking_recorded(session, call)


async def readable_pools(
    session: AsyncSession, principal: Principal, call: Call, roles: frozenset[str]
) -> frozenset[uuid.UUID] | None:
    """The agencies whose pool's reviews, scores and ranking the caller (an officer of the
    call, an auditor or an admin) may read; None means every agency's. Auditors and admins
    read every pool; a co-funding agency's officer reads every pool once the wall is down
    (`wall_stands`), before that only their own agency's."""
    if roles & {AUDITOR, ADMIN} or not await wall_stands(session, call):
        return None
    own = principal.officer_agency_id
    return frozenset({own}) if own is not None and COFUNDING_OFFICER in roles else frozenset()


def require_readable_pool(pools: frozenset[uuid.UUID] | None, agency: Agency) -> None:
    """Raises Forbidden (`WALL_DETAIL`) unless `agency`'s pool is among `pools`."""
    if pools is not None and agency.id not in pools:
        raise Forbidden(WALL_DETAIL.format(code=agency.code))


def require_agency_officer(principal: Principal, agency: Agency) -> None:
    """Raises Forbidden unless the caller is an officer of `agency`."""
    if not principal.officer_of(agency.id):
        raise Forbidden(f"Only {agency.code}'s officers change {agency.code}'s ranking.")
