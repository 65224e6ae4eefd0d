"""Pairs that must never be assigned, read from the conflicts and bids of a call.

`forbidden_pairs` stands in for `grants.reviews.pool.conflicts.forbidden_pairs` (the pool
package's detection owns conflicts); it is the one function to swap when that exists.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Bid, Conflict, Proposal

Pair = tuple[uuid.UUID, uuid.UUID]
BID_CONFLICT = "The reviewer declared a conflict when bidding."


async def forbidden_pairs(session: AsyncSession, call_id: uuid.UUID) -> set[Pair]:
    """(proposal id, reviewer user id) pairs of the call with an active conflict or a
    `conflict` bid. A dismissed or waived conflict no longer forbids its pair."""
    in_call = select(Proposal.id).where(Proposal.call_id == call_id)
    conflicts = select(Conflict.proposal_id, Conflict.reviewer_id).where(
        Conflict.proposal_id.in_(in_call), Conflict.status == "active"
    )
    bids = select(Bid.proposal_id, Bid.reviewer_id).where(
        Bid.proposal_id.in_(in_call), Bid.level == "conflict"
    )
    rows = await session.execute(conflicts.union(bids))
    return {(p, r) for p, r in rows.tuples()}


async def pair_conflicts(
    session: AsyncSession, proposal_id: uuid.UUID, reviewer_id: uuid.UUID
) -> tuple[str, ...]:
    """The reasons the pair is forbidden: each active conflict's reason, and a conflict bid."""
    reasons = await session.scalars(
        select(Conflict.reason)
        .where(
            Conflict.proposal_id == proposal_id,
            Conflict.reviewer_id == reviewer_id,
            Conflict.status == "active",
        )
        .order_by(Conflict.created_at)
    )
    bid = await session.scalar(
        select(Bid.id).where(
            Bid.proposal_id == proposal_id, Bid.reviewer_id == reviewer_id, Bid.level == "conflict"
        )
    )
    declared = (BID_CONFLICT,) if bid else ()
    return (*reasons, *declared)
