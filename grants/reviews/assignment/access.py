"""The database side of a call's assignments: load the call or the assignment, build its
facts and ask the policy (`grants.security.policy`: co-funding officers change assignments,
auditors and admins read them, a reviewer sees their own once invited, each officer only the
pools they oversee; anyone else 404)."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import call_facts
from grants.db.models import Call, Proposal, ReviewAssignment
from grants.errors import NotFound
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define

NO_SUCH_CALL = define("assignment.call.not_found", "Not found.")
NO_SUCH_ASSIGNMENT = define("assignment.not_found", "No such assignment.")


def assignment_facts(call: Call, row: ReviewAssignment, via: policy.Via) -> policy.AssignmentFacts:
    """What the policy needs to know about the assignment reached through `via`."""
    return policy.AssignmentFacts(
        call_facts(call), row.pool_agency_id, row.reviewer_id, row.state, via
    )


async def call_for(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID, *, change: bool
) -> Call:
    """The call when the caller may read (or, with `change`, change) its assignments.

    Raises NotFound for a caller with no oversight of the call, Forbidden for a reader who
    may not change anything (auditor, admin).
    """
    call = await session.get(Call, call_id)
    if call is None:
        raise NotFound(NO_SUCH_CALL())
    action = policy.Action.WRITE if change else policy.Action.READ
    require(policy.decide(principal, action, policy.CallAssignmentsFacts(call_facts(call))))
    return call


async def visible_assignment(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID, assignment_id: uuid.UUID
) -> tuple[ReviewAssignment, Proposal, Call, frozenset[str]]:
    """The assignment, its proposal and call, and the caller's roles on it.

    Raises NotFound when it is not in that call or the caller may not see it: a reviewer sees
    their own from the invitation on, never a mere proposal nor anyone else's.
    """
    row = await session.get(ReviewAssignment, assignment_id)
    proposal = await session.get(Proposal, row.proposal_id) if row else None
    call = await session.get(Call, call_id)
    if row is None or proposal is None or call is None or proposal.call_id != call.id:
        raise NotFound(NO_SUCH_ASSIGNMENT())
    facts = assignment_facts(call, row, policy.Via.CALL)
    return row, proposal, call, require(policy.decide(principal, policy.Action.READ, facts))


def pools_seen(principal: Principal, call: Call) -> frozenset[uuid.UUID] | None:
    """The pools whose assignments and loads the caller lists (`policy.assignment_pools_seen`)."""
    return policy.assignment_pools_seen(principal, call_facts(call))


def pool_run(principal: Principal, call: Call) -> uuid.UUID | None:
    """The pool an officer's solver run covers (`policy.pool_run`)."""
    return policy.pool_run(principal, call_facts(call))
