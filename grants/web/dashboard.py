"""The dashboard's lists: the reader's proposals and open invitations, each with its state,
read through the same queries and policy as `GET /api/proposals` and `GET /api/invitations`."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Call
from grants.proposals import invitations, queries, views
from grants.proposals.access import list_roles
from grants.security import policy
from grants.security.principal import Principal


async def dashboard(session: AsyncSession, principal: Principal) -> dict[str, Any]:
    """The reader's proposals (those the API's list shows them) and open invitations."""
    rows = list(await session.scalars(queries.visible_query(principal, call_id=None, state=None)))
    ids = {p.call_id for p in rows}
    found = await session.execute(select(Call.id, Call.code).where(Call.id.in_(ids)))
    codes = {row.id: row.code for row in found}
    proposals = [
        (views.proposal_view(p, policy.hidden_fields(list_roles(principal, p))), codes[p.call_id])
        for p in rows
    ]
    return {"proposals": proposals, "invitations": await invitations.pending(session, principal)}
