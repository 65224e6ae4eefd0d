"""Who reaches a call's assignments: co-funding officers change them, auditors and admins read
them, and a reviewer sees only their own assignments once invited. Anyone else gets 404, so
reviewer identities never leak to applicants. In parallel review an officer reaches only their
own agency's pool (`oversees_pool`), like the assignment binding: another agency's pool is
not theirs to see."""

from __future__ import annotations

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.access import roles_on
from grants.db.models import Call, Proposal, ReviewAssignment
from grants.errors import Forbidden, NotFound
from grants.reviews.scoring.access import oversees_pool
from grants.security.principal import Principal
from workflows.machines.review_assignment import AssignmentState
from workflows.roles import ADMIN, ASSIGNED_REVIEWER, AUDITOR, COFUNDING_OFFICER

READERS = frozenset({COFUNDING_OFFICER, AUDITOR, ADMIN})


async def call_for(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID, *, change: bool
) -> Call:
    """The call when the caller may read (or, with `change`, change) its assignments.

    Raises NotFound for a caller with no oversight of the call, Forbidden for a reader who
    may not change anything (auditor, admin).
    """
    call = await session.get(Call, call_id)
    roles = roles_on(principal, call) if call is not None else frozenset()
    if call is None or not roles & READERS:
        raise NotFound("Not found.")
    if change and COFUNDING_OFFICER not in roles:
        raise Forbidden("Only officers of the call's co-funding agencies assign reviewers.")
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
        raise NotFound("No such assignment.")
    roles = roles_on(principal, call)
    if not oversees_pool(principal, call, row.pool_agency_id):
        roles = roles - {COFUNDING_OFFICER}
    if row.reviewer_id == principal.user_id and row.state != AssignmentState.PROPOSED:
        roles = roles | {ASSIGNED_REVIEWER}
    if not roles & (READERS | {ASSIGNED_REVIEWER}):
        raise NotFound("No such assignment.")
    return row, proposal, call, roles


def pools_seen(principal: Principal, call: Call) -> frozenset[uuid.UUID] | None:
    """The pools whose assignments and loads the caller lists: every pool (None) for auditors
    and admins, else the pools the caller's agency oversees."""
    if principal.has(AUDITOR, ADMIN):
        return None
    return frozenset(
        t.agency_id for t in call.agencies if oversees_pool(principal, call, t.agency_id)
    )


def pool_run(principal: Principal, call: Call) -> uuid.UUID | None:
    """The pool an officer's solver run covers: their own agency's in parallel review (the
    other pool is behind its agency's wall), the whole call (None) in joint review, where
    the one pool is shared by every co-funder."""
    return principal.officer_agency_id if call.review_mode == "parallel" else None
