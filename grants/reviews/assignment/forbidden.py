"""Pairs that must never be assigned, and why: the pool package owns conflict detection and
`forbidden_pairs` (active conflicts and `conflict` bids); this module adds the reasons of one
pair, as the workflow guards and the hand-change checks show them."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Bid
from grants.reviews.pool.conflicts import active_conflicts, forbidden_pairs
from grants.reviews.pool.reasons import reason_of
from messages import Message, define

Pair = tuple[uuid.UUID, uuid.UUID]
BID_CONFLICT = define("assignment.conflict.bid", "The reviewer declared a conflict when bidding.")

__all__ = ["BID_CONFLICT", "Pair", "forbidden_pairs", "pair_conflicts"]


async def pair_conflicts(
    session: AsyncSession, proposal_id: uuid.UUID, reviewer_id: uuid.UUID
) -> tuple[Message, ...]:
    """The reasons the pair is forbidden, as messages shown in the reader's language: each
    active conflict's reason, and a conflict bid. A dismissed or waived conflict gives none."""
    conflicts = await active_conflicts(session, proposal_id, reviewer_id)
    bid = await session.scalar(
        select(Bid.id).where(
            Bid.proposal_id == proposal_id, Bid.reviewer_id == reviewer_id, Bid.level == "conflict"
        )
    )
    return (*(reason_of(c) for c in conflicts), *((BID_CONFLICT(),) if bid else ()))
