"""The database side of a grant's access: load it with its proposal and call, compute the
caller's relation to it and ask the policy (`grants.security.policy`, where the rules are)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Grant, Proposal
from grants.errors import NotFound
from grants.proposals.access import part_roles
from grants.security import policy
from grants.security.enforce import require
from grants.security.policy.awards import NO_SUCH_GRANT
from grants.security.principal import Principal


async def visible_grant(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID
) -> tuple[Grant, Proposal, Call, frozenset[str]]:
    """The grant, its proposal and call, and the caller's roles on it; raises NotFound when
    the caller may not see it (or it does not exist)."""
    grant = await session.get(Grant, grant_id)
    if grant is None:
        raise NotFound(NO_SUCH_GRANT())
    proposal = await session.get(Proposal, grant.proposal_id)
    call = await session.scalar(select(Call).where(Call.id == grant.call_id))
    assert proposal is not None  # a foreign key guarantees it
    assert call is not None
    relation: frozenset[str] = frozenset()
    for part in proposal.parts:
        relation |= part_roles(principal, part)
    cofunders = frozenset(t.agency_id for t in call.agencies)
    roles = policy.grant_roles(principal, relation, cofunders)
    decision = policy.decide(principal, policy.Action.READ, policy.GrantFacts(roles))
    return grant, proposal, call, require(decision)
