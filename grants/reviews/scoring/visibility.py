"""Who sees which submitted reviews of a proposal.

- Consortium members (PIs, co-investigators) see, once the proposal is decided (awarded or
  rejected), each review's scores, comments to applicants and recommendation — never the
  reviewer nor the confidential comments; before the decision the list is empty.
- Auditors and admins see every review, with reviewers' names.
- Officers of a co-funding agency see the reviews of their own agency's pool, with names; in
  joint review mode, or once the joint ranking is recorded, every pool's.
- A reviewer of the proposal sees the reviews of a round only after submitting their own in
  that round, without names, and in parallel mode only their own pool's until the joint
  ranking is recorded (each agency's wall).
- Anyone else gets 404. Drafts are never shown to anyone but their reviewer.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls.workflow import joint_ranking_recorded
from grants.common.pagination import Window
from grants.common.schemas import Page
from grants.db.models import Agency, Call, Proposal, Review, ReviewAssignment, User
from grants.errors import Conflict, NotFound
from grants.proposals.access import CONSORTIUM, roles_on
from grants.reviews.scoring.schemas import ApplicantReview, PanelReview
from grants.security.principal import Principal
from workflows.roles import ADMIN, AUDITOR, COFUNDING_OFFICER

DECIDED = ("awarded", "rejected")
ReviewItem = PanelReview | ApplicantReview


async def proposal_reviews(
    session: AsyncSession, principal: Principal, proposal_id: uuid.UUID, window: Window
) -> Page[ReviewItem]:
    """The submitted reviews of the proposal the caller may see (rules in the module doc), in
    round and submission order; a constant number of queries. Raises NotFound and Conflict
    (a reviewer who has not submitted their own review)."""
    proposal = await session.get(Proposal, proposal_id)
    if proposal is None:
        raise NotFound("No such proposal.")
    call = await session.get(Call, proposal.call_id)
    assert call is not None  # a foreign key guarantees it
    roles = roles_on(principal, proposal, call)
    if roles & CONSORTIUM:
        if proposal.state not in DECIDED:
            return Page.of([], 0, window)
        return await _page(session, _submitted(proposal.id), window, applicant=True)
    query, named = await _panel_query(session, principal, proposal, call, roles)
    return await _page(session, query, window, named=named)


async def _panel_query(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
) -> tuple[Select[Any], bool]:
    query = _submitted(proposal.id)
    if roles & {AUDITOR, ADMIN}:
        return query, True
    walled = call.review_mode == "parallel" and not await joint_ranking_recorded(session, call)
    if COFUNDING_OFFICER in roles and principal.officer_agency_id is not None:
        if walled:
            query = query.where(ReviewAssignment.pool_agency_id == principal.officer_agency_id)
        return query, True
    own = list(
        await session.scalars(
            select(ReviewAssignment).where(
                ReviewAssignment.proposal_id == proposal.id,
                ReviewAssignment.reviewer_id == principal.user_id,
                ReviewAssignment.state.in_(("accepted", "submitted")),
            )
        )
    )
    if not own:
        raise NotFound("No such proposal.")
    done = [a for a in own if a.state == "submitted"]
    if not done:
        raise Conflict("Submit your own review first; the others are shown after that.")
    query = query.where(ReviewAssignment.round.in_([a.round for a in done]))
    if walled:
        query = query.where(ReviewAssignment.pool_agency_id.in_([a.pool_agency_id for a in done]))
    return query, False


def _submitted(proposal_id: uuid.UUID) -> Select[Any]:
    return (
        select(Review, ReviewAssignment.round, Agency.code, User.display_name)
        .join(ReviewAssignment, ReviewAssignment.id == Review.assignment_id)
        .join(Agency, Agency.id == ReviewAssignment.pool_agency_id)
        .join(User, User.id == ReviewAssignment.reviewer_id)
        .where(ReviewAssignment.proposal_id == proposal_id, ReviewAssignment.state == "submitted")
        .order_by(ReviewAssignment.round, Review.submitted_at, Review.id)
    )


async def _page(
    session: AsyncSession,
    query: Select[Any],
    window: Window,
    *,
    applicant: bool = False,
    named: bool = False,
) -> Page[ReviewItem]:
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(window.limit).offset(window.offset))
    items: list[ReviewItem] = [
        _applicant(review, rnd) if applicant else _panel(review, rnd, code, name if named else None)
        for review, rnd, code, name in rows.tuples()
    ]
    return Page.of(items, int(total or 0), window)


def _applicant(review: Review, rnd: int) -> ApplicantReview:
    return ApplicantReview(
        round=rnd,
        scores=review.scores,
        comments_to_applicants=review.comments_to_applicants,
        recommendation=review.recommendation,
    )


def _panel(review: Review, rnd: int, code: str, name: str | None) -> PanelReview:
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
