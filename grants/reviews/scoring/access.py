"""The database side of reviews, scores and rankings: load the assignment or the call, compute
whether each agency's wall still stands, and ask the policy (`grants.security.policy`: who
reaches an assignment's review, who reads scores and rankings, which pools' reviews behind the
wall) for every decision."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import visible_call
from grants.calls.workflow import joint_ranking_recorded
from grants.db.models import Agency, Call, Conflict, Proposal, ReviewAssignment
from grants.db.models.reviews import ConflictStatus
from grants.errors import NotFound
from grants.reviews.assignment.access import NO_SUCH_ASSIGNMENT, assignment_facts
from grants.reviews.pool.reasons import reason_of
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import Message, define
from workflows.roles import ADMIN, AUDITOR

NOT_COFUNDING = define(
    "score.agency.not_cofunding",
    "{agency} does not co-fund this call; its co-funders are {cofunders}.",
)


@dataclass(frozen=True, slots=True)
class AssignmentScope:
    """An assignment with its proposal and call, and the caller's roles on it."""

    assignment: ReviewAssignment
    proposal: Proposal
    call: Call
    roles: frozenset[str]


async def assignment_scope(
    session: AsyncSession, principal: Principal, assignment_id: uuid.UUID
) -> AssignmentScope:
    """The assignment and the caller's roles on it; raises NotFound for anyone but its
    reviewer (once invited) and the officers overseeing its pool."""
    assignment = await session.get(ReviewAssignment, assignment_id)
    if assignment is None:
        raise NotFound(NO_SUCH_ASSIGNMENT())
    proposal = await session.get(Proposal, assignment.proposal_id)
    assert proposal is not None  # a foreign key guarantees it
    call = await session.get(Call, proposal.call_id)
    assert call is not None
    facts = assignment_facts(call, assignment, policy.Via.REVIEW)
    roles = require(policy.decide(principal, policy.Action.WRITE, facts))
    return AssignmentScope(assignment, proposal, call, roles)


async def active_conflicts(session: AsyncSession, assignment: ReviewAssignment) -> list[Message]:
    """Reasons of the unresolved conflicts between the assignment's reviewer and proposal, as
    messages shown in the reader's language."""
    rows = await session.scalars(
        select(Conflict)
        .where(
            Conflict.proposal_id == assignment.proposal_id,
            Conflict.reviewer_id == assignment.reviewer_id,
            Conflict.status == ConflictStatus.ACTIVE,
        )
        .order_by(Conflict.created_at)
    )
    return [reason_of(c) for c in rows]


def agency_by_code(call: Call, code: str) -> Agency:
    """The co-funding agency of `call` with that code; raises NotFound otherwise."""
    for terms in call.agencies:
        if terms.agency.code == code.upper():
            return terms.agency
    cofunders = [terms.agency.code for terms in call.agencies]
    raise NotFound(NOT_COFUNDING(agency=code.upper(), cofunders=cofunders))


async def officer_call(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID
) -> tuple[Call, frozenset[str]]:
    """The call for a co-funding officer, auditor or admin; raises NotFound for a call the
    caller cannot see and Forbidden for other roles."""
    call, roles = await visible_call(session, principal, call_id)
    return call, require(policy.decide_scores(roles))


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
    if roles & {AUDITOR, ADMIN}:  # no query: they read every pool whatever the wall
        return None
    return policy.readable_pools(principal, roles, await wall_stands(session, call))


def require_readable_pool(pools: frozenset[uuid.UUID] | None, agency: Agency) -> None:
    """Raises Forbidden (`WALL_DETAIL`) unless `agency`'s pool is among `pools`."""
    require(policy.pool_decision(pools, agency.id, agency.code))


def require_agency_officer(principal: Principal, agency: Agency) -> None:
    """Raises Forbidden unless the caller is an officer of `agency`."""
    require(policy.ranking_change_decision(principal, agency.id, agency.code))
