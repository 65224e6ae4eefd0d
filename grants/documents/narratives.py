"""A progress report's narrative: a document of kind `progress_report` uploaded to the grant's
proposal after the award, by the same streaming path as the proposal's documents (counted,
hashed, sniffed). The kind is the application's, not the call's, so its terms are fixed here;
the grant, not the proposal's draft state, decides whether it may be uploaded."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Grant, Proposal
from grants.security import policy
from grants.security.enforce import require

NARRATIVE_KIND = "progress_report"
NARRATIVE_MAX_BYTES = 20 * 1024 * 1024
"""A narrative of 20 MiB is already a long report; a call's own kinds set their own limits."""
NARRATIVE_TYPES = frozenset({"application/pdf"})


async def require_narrative_upload(
    session: AsyncSession, proposal: Proposal, roles: frozenset[str]
) -> None:
    """Raises Forbidden unless the caller is a PI of the proposal, Conflict unless its grant is
    active (`policy.narrative_upload_decision`). One query."""
    state = await session.scalar(select(Grant.state).where(Grant.proposal_id == proposal.id))
    require(policy.narrative_upload_decision(roles, state))
