"""Which submitted reviews of a proposal the caller reads: the shape and the pools come from
the policy (`policy.review_shape`, `policy.readable_pools`, `policy.peer_pools`; rules in
`grants.security.policy`), this module runs the queries. Whoever may not read the proposal
itself gets 404; review drafts are never listed here."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any, cast

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import Window
from grants.common.schemas import Page
from grants.db.models import Agency, Call, Proposal, Review, ReviewAssignment, User
from grants.errors import Conflict
from grants.proposals.access import visible_proposal
from grants.reviews.assignment.inputs import SELECTION_ROUND
from grants.reviews.scoring.access import readable_pools, wall_stands
from grants.reviews.scoring.schemas import (
    ApplicantReview,
    PanelReview,
    PeerReview,
    Recommendation,
)
from grants.security import policy
from grants.security.principal import Principal
from messages import define
from workflows.machines.proposal import ProposalState
from workflows.machines.review_assignment import AssignmentState

DECIDED = (ProposalState.AWARDED, ProposalState.REJECTED)
ReviewItem = PanelReview | PeerReview | ApplicantReview
Row = tuple[Review, int, str, str]

OWN_FIRST = define(
    "review.own_first", "Submit your own review first; the others are shown after that."
)


async def proposal_reviews(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, window: Window
) -> Page[ReviewItem]:
    """The submitted reviews of the proposal's selection round the caller may see (rules in
    the module doc), in submission order; a constant number of queries. A progress report's
    round is read through its report (`round_reviews`). Raises NotFound and Conflict (a
    reviewer who has not submitted their own review)."""
    proposal, call, roles = await visible_proposal(session, principal, proposal_id, reading=True)
    decided = proposal.state in DECIDED
    return await round_reviews(
        session, principal, proposal, call, roles, SELECTION_ROUND, decided, window
    )


async def round_reviews(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    rnd: int,
    decided: bool,
    window: Window,
) -> Page[ReviewItem]:
    """The submitted reviews of one review round of the proposal, in the shape the caller's
    `roles` read (`policy.review_shape`; the consortium once the round is `decided`), of the
    pools behind no wall for them. The caller has been let in already."""
    query = _submitted(proposal.id).where(ReviewAssignment.round == rnd)
    shape = policy.review_shape(roles, decided)
    if shape == policy.ReviewShape.NONE:
        return Page.of([], 0, window)
    if shape == policy.ReviewShape.APPLICANT:
        return await _page(session, query, window, _applicant)
    if shape == policy.ReviewShape.PANEL:
        pools = await readable_pools(session, principal, call, roles)
        if pools is not None:
            query = query.where(ReviewAssignment.pool_agency_id.in_(pools))
        return await _page(session, query, window, _panel)
    # The peer shape: only a reviewer of this round is left (the doors let no one else in).
    done = list(
        await session.scalars(
            select(ReviewAssignment).where(
                ReviewAssignment.proposal_id == proposal.id,
                ReviewAssignment.reviewer_id == principal.user_id,
                ReviewAssignment.round == rnd,
                ReviewAssignment.state == AssignmentState.SUBMITTED,
            )
        )
    )
    if not done:
        raise Conflict(OWN_FIRST())
    own = frozenset(a.pool_agency_id for a in done)
    pools = policy.peer_pools(await wall_stands(session, call), own)
    if pools is not None:
        query = query.where(ReviewAssignment.pool_agency_id.in_(pools))
    return await _page(session, query, window, _peer)


def _submitted(proposal_id: uuid.UUID) -> Select[Any]:
    return (
        select(Review, ReviewAssignment.round, Agency.code, User.display_name)
        .join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
        .join(Agency, Agency.id == ReviewAssignment.pool_agency_id)
        .join(User, User.id == ReviewAssignment.reviewer_id)
        .where(
            ReviewAssignment.proposal_id == proposal_id,
            ReviewAssignment.state == AssignmentState.SUBMITTED,
        )
        .order_by(ReviewAssignment.round, Review.submitted_at, Review.id)
    )


async def _page(
    session: AsyncSession,
    query: Select[Any],
    window: Window,
    view: Callable[[Row], ReviewItem],
) -> Page[ReviewItem]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(window.limit).offset(window.offset))
    return Page.of([view(row) for row in rows.tuples()], int(total or 0), window)


def _recommendation(review: Review) -> Recommendation | None:
    # Stored only through ReviewUpdate, whose schema allows nothing else.
    return cast("Recommendation | None", review.recommendation)


def _applicant(row: Row) -> ApplicantReview:
    review, rnd, _, _ = row
    return ApplicantReview(
        round=rnd,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        recommendation=_recommendation(review),
    )


def _peer(row: Row) -> PeerReview:
    review, rnd, code, _ = row
    return PeerReview(
        id=review.id,
        round=rnd,
        pool_agency=code,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        recommendation=_recommendation(review),
        confidence=review.confidence,
        submitted_at=review.submitted_at,
    )


def _panel(row: Row) -> PanelReview:
    review, rnd, code, name = row
    return PanelReview(
        id=review.id,
        round=rnd,
        pool_agency=code,
        reviewer=name,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        confidential_comments=review.confidential_comments,
        recommendation=_recommendation(review),
        confidence=review.confidence,
        submitted_at=review.submitted_at,
    )
