"""What the assignment of one call is computed from, loaded in a fixed number of queries.

Proposals: states `eligible` and `under_review`, plus `submitted` once the call is no longer
open (eligibility checks may still be under way when officers first look at a draft assignment).
Reviewers: those who accepted to serve on the call (`CallReviewer` accepted), each in the pool
they accepted for; while nobody has accepted yet, every active reviewer in a co-funding
agency's pool, in the pool of their own country's agency when they are in several.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from grants.db.models import (
    Agency,
    Bid,
    Call,
    CallReviewer,
    Proposal,
    ReviewAssignment,
    ReviewerPool,
    ReviewerProfile,
    User,
)
from grants.errors import Conflict
from grants.reviews.assignment.forbidden import Pair, forbidden_pairs
from messages import define
from workflows.machines.account import AccountState
from workflows.machines.call import CallState
from workflows.machines.call_service import ServiceState
from workflows.machines.proposal import ProposalState
from workflows.machines.review_assignment import AssignmentState

RUNNABLE_CALL_STATES = (CallState.OPEN, CallState.CLOSED, CallState.REVIEWING)
ASSIGNABLE_STATES = (ProposalState.ELIGIBLE, ProposalState.UNDER_REVIEW)
KEPT_STATES = (AssignmentState.INVITED, AssignmentState.ACCEPTED, AssignmentState.SUBMITTED)
SELECTION_ROUND = 0

NOT_RUNNABLE = define(
    "assignment.call.not_runnable",
    "The call is {state}; reviewers are assigned only in the states {states}.",
)


@dataclass(frozen=True, slots=True)
class Serving:
    """A reviewer serving on the call, in one pool."""

    user_id: uuid.UUID
    name: str
    email: str
    country: str
    load_cap: int
    expertise: str
    keywords: tuple[str, ...]
    pool_agency_id: uuid.UUID


@dataclass(frozen=True, slots=True)
class CallInputs:
    """Everything the solver needs about one call, as loaded from the database."""

    call: Call
    agencies: list[Agency]
    proposals: list[Proposal]
    reviewers: list[Serving]
    bids: dict[Pair, str]
    forbidden: set[Pair]
    existing: list[ReviewAssignment]


def cofunders(call: Call) -> list[Agency]:
    """The call's co-funding agencies in their order (pool 0, 1, …)."""
    return [terms.agency for terms in call.agencies]


async def lock_for_assignment(session: AsyncSession, call: Call) -> None:
    """Take the call row's lock until the transaction ends, so solver runs and hand changes of
    one call queue instead of racing on loads and slots; raises Conflict unless the call is
    in a state where reviewers are assigned."""
    await session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    require_runnable(call)


def require_runnable(call: Call) -> None:
    """Raises Conflict unless the call is in a state where reviewers are assigned."""
    if call.state not in RUNNABLE_CALL_STATES:
        states = [str(s) for s in RUNNABLE_CALL_STATES]
        raise Conflict(NOT_RUNNABLE(state=call.state, states=states))


def serving_pool(pools: set[uuid.UUID], country: str, agencies: list[Agency]) -> uuid.UUID | None:
    """The co-funding pool a reviewer serves in: their own country's agency first."""
    mine = [a.id for a in agencies if a.id in pools]
    own = [a.id for a in agencies if a.id in pools and a.country == country]
    return next(iter(own or mine), None)


async def load_inputs(session: AsyncSession, call: Call) -> CallInputs:
    """Proposals, serving reviewers, bids, forbidden pairs and existing assignments."""
    agencies = cofunders(call)
    proposals = await assignable_proposals(session, call)
    reviewers = await serving_reviewers(session, call, agencies)
    in_call = select(Proposal.id).where(Proposal.call_id == call.id)
    bids = await session.execute(
        select(Bid.proposal_id, Bid.reviewer_id, Bid.level).where(Bid.proposal_id.in_(in_call))
    )
    existing = await session.scalars(
        select(ReviewAssignment)
        .where(ReviewAssignment.proposal_id.in_(in_call))
        .where(ReviewAssignment.round == SELECTION_ROUND)
        .order_by(ReviewAssignment.created_at, ReviewAssignment.id)
    )
    return CallInputs(
        call=call,
        agencies=agencies,
        proposals=proposals,
        reviewers=reviewers,
        bids={(p, r): level for p, r, level in bids.tuples()},
        forbidden=await forbidden_pairs(session, call.id),
        existing=list(existing),
    )


def assignable_states(call: Call) -> list[str]:
    """The states of the call's proposals that get reviewers (submitted ones too once the
    call is closed)."""
    closed = call.state != CallState.OPEN
    return [*ASSIGNABLE_STATES, *((ProposalState.SUBMITTED,) if closed else ())]


async def assignable_proposals(session: AsyncSession, call: Call) -> list[Proposal]:
    """The call's proposals that get reviewers, by reference number."""
    rows = await session.scalars(
        select(Proposal)
        .where(Proposal.call_id == call.id, Proposal.state.in_(assignable_states(call)))
        .order_by(Proposal.number, Proposal.id)
    )
    return list(rows)


async def serving_reviewers(
    session: AsyncSession, call: Call, agencies: list[Agency], only: uuid.UUID | None = None
) -> list[Serving]:
    """The reviewers serving on the call (or just `only`), ordered by name."""
    accepted = dict(
        (
            await session.execute(
                select(CallReviewer.reviewer_id, CallReviewer.agency_id).where(
                    CallReviewer.call_id == call.id, CallReviewer.state == ServiceState.ACCEPTED
                )
            )
        )
        .tuples()
        .all()
    )
    query = _profiles(accepted, agencies)
    if only is not None:
        query = query.where(ReviewerProfile.user_id == only)
    result = []
    for profile, user in (await session.execute(query)).tuples():
        pools = {pool.agency_id for pool in profile.pools}
        pool = accepted.get(user.id)
        if pool not in {a.id for a in agencies}:  # no service, or for a non-co-funder
            pool = serving_pool(pools, profile.country, agencies)
        if pool is not None:
            result.append(_serving(profile, user, pool))
    return result


def _profiles(
    accepted: dict[uuid.UUID, uuid.UUID], agencies: list[Agency]
) -> Select[tuple[ReviewerProfile, User]]:
    query = (
        select(ReviewerProfile, User)
        .join(User, User.id == ReviewerProfile.user_id)
        .options(selectinload(ReviewerProfile.pools))
        .where(User.state == AccountState.ACTIVE)
        .order_by(User.display_name, User.id)
    )
    if accepted:
        return query.where(ReviewerProfile.user_id.in_(list(accepted)))
    pooled = select(ReviewerPool.profile_id).where(
        ReviewerPool.agency_id.in_([a.id for a in agencies])
    )
    return query.where(ReviewerProfile.id.in_(pooled))


def _serving(profile: ReviewerProfile, user: User, pool: uuid.UUID) -> Serving:
    return Serving(
        user_id=user.id,
        name=user.display_name,
        email=user.email,
        country=profile.country,
        load_cap=profile.load_cap,
        expertise=profile.expertise,
        keywords=tuple(profile.keywords or ()),
        pool_agency_id=pool,
    )
