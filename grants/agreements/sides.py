"""One side of a grant the caller sees, named by its agency's code in the path."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.access import visible_grant
from grants.db.models import Grant, GrantSide
from grants.errors import NotFound
from grants.proposals.access import part_roles
from grants.security import policy
from grants.security.principal import Principal
from messages import define

NO_SUCH_SIDE = define("grant.side.not_found", "The grant has no side of {agency}.")


@dataclass(frozen=True, slots=True)
class SideAccess:
    """The grant, its side of `facts.agency`, the caller's relation to that side and their
    roles on the grant."""

    grant: Grant
    side: GrantSide
    facts: policy.SideFacts
    grant_roles: frozenset[str]


async def grant_side(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID, agency: str
) -> SideAccess:
    """The side of `agency` of a grant the caller sees; raises NotFound when the caller may not
    see the grant or it has no such side."""
    grant, proposal, _, roles = await visible_grant(session, principal, grant_id)
    side = next((s for s in grant.sides if s.agency.code == agency), None)
    if side is None:
        raise NotFound(NO_SUCH_SIDE(agency=agency))
    part = next(p for p in proposal.parts if p.id == side.part_id)
    facts = policy.SideFacts(part_roles(principal, part), side.agency_id, side.agency.code)
    return SideAccess(grant, side, facts, roles)
