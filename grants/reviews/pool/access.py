"""Who reaches the pool's call-level endpoints: co-funding officers, and reviewers serving.

A reviewer reaches a proposal only through a call they serve on, and only once it has been
submitted; anyone else gets 404, so neither the proposal nor the service is revealed.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import visible_call
from grants.db.models import Call, CallReviewer, Proposal
from grants.errors import NotFound
from grants.reviews.pool.conflicts import REVIEWABLE_STATES
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define
from workflows.machines.call_service import ServiceState

NOT_SERVING = define("pool.service.not_serving", "You do not serve on this call.")
NO_SUCH_PROPOSAL = define("pool.proposal.not_found", "No such proposal.")


async def officer_call(session: AsyncSession, principal: Principal, call_id: uuid.UUID) -> Call:
    """The call when the caller is an officer of a co-funding agency; raises NotFound or
    Forbidden."""
    call, roles = await visible_call(session, principal, call_id)
    require(policy.call_pool_decision(roles, reading=False))
    return call


async def overseen_call(session: AsyncSession, principal: Principal, call_id: uuid.UUID) -> Call:
    """The call when the caller is a co-funding officer, an auditor or an admin."""
    call, roles = await visible_call(session, principal, call_id)
    require(policy.call_pool_decision(roles, reading=True))
    return call


async def service_of(
    session: AsyncSession,
    principal: Principal,
    call_id: uuid.UUID,
    states: Sequence[str] = (ServiceState.ACCEPTED,),
) -> CallReviewer:
    """The caller's service on the call in one of `states`; raises NotFound otherwise."""
    service = await session.scalar(
        select(CallReviewer).where(
            CallReviewer.call_id == call_id, CallReviewer.reviewer_id == principal.user_id
        )
    )
    if service is None or service.state not in states:
        raise NotFound(NOT_SERVING())
    return service


async def reviewer_proposal(
    session: AsyncSession,
    principal: Principal,
    proposal_id: uuid.UUID,
    states: Sequence[str] = (ServiceState.ACCEPTED,),
) -> tuple[Proposal, CallReviewer]:
    """A submitted-or-later proposal of a call the caller serves on; raises NotFound."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None or proposal.state not in REVIEWABLE_STATES:
        raise NotFound(NO_SUCH_PROPOSAL())
    try:
        service = await service_of(session, principal, proposal.call_id, states)
    except NotFound:
        raise NotFound(NO_SUCH_PROPOSAL()) from None
    return proposal, service
