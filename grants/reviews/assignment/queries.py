"""Read side of assignments: the call's list, views with names and conflicts, and loads; each
in a fixed number of queries whatever the page size."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from typing import cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Bid, Call, Conflict, Proposal, ReviewAssignment, User
from grants.db.models.reviews import ConflictStatus
from grants.reviews.assignment import schemas
from grants.reviews.assignment.forbidden import BID_CONFLICT
from grants.reviews.assignment.inputs import SELECTION_ROUND, cofunders, serving_reviewers
from grants.reviews.pool.reasons import shown
from messages import render
from workflows.machines.review_assignment import AssignmentState


def call_assignments(
    call: Call,
    *,
    proposal_id: uuid.UUID | None = None,
    reviewer_id: uuid.UUID | None = None,
    state: str | None = None,
    pools: Collection[uuid.UUID] | None = None,
) -> Select[tuple[ReviewAssignment]]:
    """The call's selection-round assignments, by proposal then creation, filtered (`pools`:
    only those pools' assignments; None for every pool)."""
    query = (
        select(ReviewAssignment)
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id, ReviewAssignment.round == SELECTION_ROUND)
        .order_by(Proposal.number, ReviewAssignment.created_at, ReviewAssignment.id)
    )
    if proposal_id is not None:
        query = query.where(ReviewAssignment.proposal_id == proposal_id)
    if reviewer_id is not None:
        query = query.where(ReviewAssignment.reviewer_id == reviewer_id)
    if state is not None:
        query = query.where(ReviewAssignment.state == state)
    if pools is not None:
        query = query.where(ReviewAssignment.pool_agency_id.in_(pools))
    return query


def my_assignments(
    reviewer_id: uuid.UUID, state: str | None = None
) -> Select[tuple[ReviewAssignment]]:
    """A reviewer's assignments from the invitation on (never mere proposals), newest first."""
    query = (
        select(ReviewAssignment)
        .where(
            ReviewAssignment.reviewer_id == reviewer_id,
            ReviewAssignment.state != AssignmentState.PROPOSED,
        )
        .order_by(ReviewAssignment.created_at.desc(), ReviewAssignment.id)
    )
    return query if state is None else query.where(ReviewAssignment.state == state)


async def views(
    session: AsyncSession, rows: Sequence[ReviewAssignment], locale: str
) -> list[schemas.Assignment]:
    """Rows with proposal reference, reviewer name, pool code and live conflict reasons (in
    `locale`; a person's words as written)."""
    if not rows:
        return []
    proposals, reviewers = {r.proposal_id for r in rows}, {r.reviewer_id for r in rows}
    refs = {
        p: (ref, call)
        for p, ref, call in await session.execute(
            select(Proposal.id, Proposal.reference, Proposal.call_id).where(
                Proposal.id.in_(proposals)
            )
        )
    }
    names = dict(
        (await session.execute(select(User.id, User.display_name).where(User.id.in_(reviewers))))
        .tuples()
        .all()
    )
    codes = dict((await session.execute(select(Agency.id, Agency.code))).tuples().all())
    conflicts = await _conflicts(session, proposals, reviewers, locale)
    return [
        schemas.Assignment(
            id=r.id,
            call_id=refs[r.proposal_id][1],
            proposal_id=r.proposal_id,
            proposal_reference=refs[r.proposal_id][0],
            reviewer_id=r.reviewer_id,
            reviewer_name=names.get(r.reviewer_id, ""),
            pool=codes.get(r.pool_agency_id, ""),
            round=r.round,
            state=AssignmentState(r.state),
            version=r.version,
            affinity=r.affinity,
            source=cast("schemas.AssignmentSource", r.source),
            decline_reason=r.decline_reason,
            conflicts=conflicts.get((r.proposal_id, r.reviewer_id), []),
            created_at=r.created_at,
        )
        for r in rows
    ]


async def _conflicts(
    session: AsyncSession, proposals: set[uuid.UUID], reviewers: set[uuid.UUID], locale: str
) -> dict[tuple[uuid.UUID, uuid.UUID], list[str]]:
    found: dict[tuple[uuid.UUID, uuid.UUID], list[str]] = {}
    active = await session.scalars(
        select(Conflict)
        .where(Conflict.proposal_id.in_(proposals), Conflict.reviewer_id.in_(reviewers))
        .where(Conflict.status == ConflictStatus.ACTIVE)
        .order_by(Conflict.created_at)
    )
    for c in active:
        found.setdefault((c.proposal_id, c.reviewer_id), []).append(shown(c, locale))
    bids = await session.execute(
        select(Bid.proposal_id, Bid.reviewer_id).where(
            Bid.proposal_id.in_(proposals), Bid.reviewer_id.in_(reviewers), Bid.level == "conflict"
        )
    )
    declared = render(BID_CONFLICT(), locale)
    for p, r in bids.tuples():
        found.setdefault((p, r), []).append(declared)
    return found


async def load_counts(session: AsyncSession, call: Call) -> dict[uuid.UUID, int]:
    """Per reviewer, their assignments in the call that hold a slot (every state but declined)."""
    rows = await session.execute(
        select(ReviewAssignment.reviewer_id, func.count())
        .join(Proposal, Proposal.id == ReviewAssignment.proposal_id)
        .where(Proposal.call_id == call.id, ReviewAssignment.round == SELECTION_ROUND)
        .where(ReviewAssignment.state != AssignmentState.DECLINED)
        .group_by(ReviewAssignment.reviewer_id)
    )
    return {r: int(n) for r, n in rows.tuples()}


async def loads(
    session: AsyncSession, call: Call, pools: Collection[uuid.UUID] | None = None
) -> list[schemas.ReviewerLoad]:
    """Every serving reviewer's load in the call against their cap (`pools`: only theirs)."""
    agencies = cofunders(call)
    codes = {a.id: a.code for a in agencies}
    counts = await load_counts(session, call)
    return [
        schemas.ReviewerLoad(
            reviewer_id=r.user_id,
            reviewer_name=r.name,
            pool=codes[r.pool_agency_id],
            load=counts.get(r.user_id, 0),
            cap=r.load_cap,
        )
        for r in await serving_reviewers(session, call, agencies)
        if pools is None or r.pool_agency_id in pools
    ]
