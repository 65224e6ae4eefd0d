"""Who sees which submitted reviews of a proposal.

- Whoever may not read the proposal itself (`visible_proposal` on its read endpoints) gets
  404, as on every other sub-resource of a proposal: drafts stay private to their consortium.
- Consortium members (PIs, co-investigators) see, once the proposal is decided (awarded or
  rejected), each review's scores, comments to applicants and recommendation — never the
  reviewer nor the confidential comments; before the decision the list is empty.
- Auditors and admins see every review, with reviewers' names and confidential comments.
- Officers of a co-funding agency see the pools their agency may read (each agency's wall:
  `access.readable_pools`), with names and confidential comments.
- An assigned reviewer sees the reviews of a round only after submitting their own in that
  round, without names and without confidential comments (those are for the call's officers,
  auditors and admins), and in parallel mode only their own pool's until the joint ranking is
  recorded (`access.wall_stands`).
- Drafts of reviews are never shown to anyone but their reviewer.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import Window
from grants.common.schemas import Page
from grants.db.models import Agency, Review, ReviewAssignment, User
from grants.errors import Conflict
from grants.proposals.access import CONSORTIUM, OVERSIGHT, visible_proposal
from grants.reviews.scoring.access import readable_pools, wall_stands
from grants.reviews.scoring.schemas import ApplicantReview, PanelReview, PeerReview
from grants.security.principal import Principal
from workflows.machines.proposal import ProposalState
from workflows.machines.review_assignment import AssignmentState

DECIDED = (ProposalState.AWARDED, ProposalState.REJECTED)
ReviewItem = PanelReview | PeerReview | ApplicantReview
Row = tuple[Review, int, str, str]


async def proposal_reviews(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, window: Window
) -> Page[ReviewItem]:
    """The submitted reviews of the proposal the caller may see (rules in the module doc), in
    round and submission order; a constant number of queries. Raises NotFound and Conflict
    (a reviewer who has not submitted their own review)."""
    proposal, call, roles = await visible_proposal(session, principal, proposal_id, reading=True)
    query = _submitted(proposal.id)
    if roles & CONSORTIUM:
        if proposal.state not in DECIDED:
            return Page.of([], 0, window)
        return await _page(session, query, window, _applicant)
    if roles & OVERSIGHT:
        pools = await readable_pools(session, principal, call, roles)
        if pools is not None:
            query = query.where(ReviewAssignment.pool_agency_id.in_(pools))
        return await _page(session, query, window, _panel)
    # Only an assigned reviewer is left: `visible_proposal` let no one else through.
    done = list(
        await session.scalars(
            select(ReviewAssignment).where(
                ReviewAssignment.proposal_id == proposal.id,
                ReviewAssignment.reviewer_id == principal.user_id,
                ReviewAssignment.state == AssignmentState.SUBMITTED,
            )
        )
    )
    if not done:
        raise Conflict("Submit your own review first; the others are shown after that.")
    query = query.where(ReviewAssignment.round.in_([a.round for a in done]))
    if await wall_stands(session, call):
        query = query.where(ReviewAssignment.pool_agency_id.in_([a.pool_agency_id for a in done]))
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


def _applicant(row: Row) -> ApplicantReview:
    review, rnd, _, _ = row
    return ApplicantReview(
        round=rnd,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        recommendation=review.recommendation,
    )


def _peer(row: Row) -> PeerReview:
    review, rnd, code, _ = row
    return PeerReview(
        id=review.id,
        round=rnd,
        pool_agency=code,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        recommendation=review.recommendation,
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
        recommendation=review.recommendation,
        confidence=review.confidence,
        submitted_at=review.submitted_at,
    )
