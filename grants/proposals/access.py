"""Who may see and change a proposal: the roles an actor holds on it, computed in one place.

Drafts are private to their consortium (PIs and co-investigators); once submitted, officers of
the co-funding agencies, auditors and admins see them too. Anyone else gets 404, never 403, so
the existence of someone else's draft is not revealed.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call, Proposal, ProposalPart
from grants.errors import Conflict, Forbidden, NotFound
from grants.security.principal import Principal
from workflows.roles import ADMIN, AUDITOR, COAPPLICANT, COFUNDING_OFFICER, PI

CONSORTIUM = frozenset({PI, COAPPLICANT})
OVERSIGHT = frozenset({COFUNDING_OFFICER, AUDITOR, ADMIN})


def part_roles(principal: Principal, part: ProposalPart) -> frozenset[str]:
    """`pi` or `coapplicant` when the caller is on this part's team."""
    if part.pi_user_id == principal.user_id:
        return frozenset({PI})
    for member in part.members:
        if member.user_id == principal.user_id:
            return frozenset({PI}) if member.role == "pi" else frozenset({COAPPLICANT})
    return frozenset()


def roles_on(principal: Principal, proposal: Proposal, call: Call) -> frozenset[str]:
    """The caller's global roles plus the relational ones they hold on this proposal."""
    roles = set(principal.roles)
    for part in proposal.parts:
        roles |= part_roles(principal, part)
    if principal.officer_agency_id in {a.agency_id for a in call.agencies}:
        roles.add(COFUNDING_OFFICER)
    return frozenset(roles)


def can_view(roles: frozenset[str], proposal: Proposal) -> bool:
    """Consortium members always; oversight roles once the proposal was submitted and is not
    a draft again (a draft withdrawn before any submission stays private)."""
    if roles & CONSORTIUM:
        return True
    never_submitted = proposal.state == "withdrawn" and proposal.submitted_at is None
    return proposal.state != "draft" and not never_submitted and bool(roles & OVERSIGHT)


async def visible_proposal(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID
) -> tuple[Proposal, Call, frozenset[str]]:
    """The proposal, its call and the caller's roles on it; raises NotFound when the caller may
    not see it (or it does not exist)."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    call = await session.scalar(select(Call).where(Call.id == proposal.call_id))
    assert call is not None  # a foreign key guarantees it
    roles = roles_on(principal, proposal, call)
    if not can_view(roles, proposal):
        raise NotFound("No such proposal.")
    return proposal, call, roles


def require_editable(proposal: Proposal, roles: frozenset[str]) -> None:
    """Raises Forbidden for a non-member and Conflict once the proposal is no longer a draft."""
    if not roles & CONSORTIUM:
        raise Forbidden("Only the proposal's PIs and co-investigators may change it.")
    if proposal.state != "draft":
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
    if proposal.state != "draft":
        raise Conflict(f"The proposal is {proposal.state}; only a draft can be changed.")
