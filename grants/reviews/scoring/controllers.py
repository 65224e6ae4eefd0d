"""HTTP API of online scoring: a reviewer's review of an assignment and the reviews of a
proposal each caller may see."""

from __future__ import annotations

import uuid

from litestar import Controller, get, put
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import Window, provide_window
from grants.common.schemas import Page
from grants.reviews.scoring import reviews, schemas
from grants.reviews.scoring.access import assignment_scope
from grants.reviews.scoring.visibility import ReviewItem, proposal_reviews
from grants.security.guards import authenticated
from grants.security.principal import Principal


class ReviewController(Controller):
    path = "/api/assignments/{assignment_id:uuid}"
    tags = ["reviews"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/review", name="reviews:show")
    async def show(
        self, principal: Principal, assignment_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.ReviewForm:
        """The caller's draft, or an empty form with the call's rubric (creates nothing).

        Only the assignment's reviewer (404 for anyone else: review drafts are never shown to
        anyone but their reviewer). Changes nothing.
        """
        scope = await assignment_scope(db_session, principal, assignment_id)
        return await reviews.open_form(db_session, scope)

    @put("/review", name="reviews:save")
    async def save(
        self,
        principal: Principal,
        assignment_id: uuid.UUID,
        data: schemas.ReviewUpdate,
        db_session: AsyncSession,
    ) -> schemas.ReviewForm:
        """Save the draft as typed so far, with the assignment's version you saw.

        Only the assignment's reviewer (404 for anyone else), once they accepted and with no
        conflict of interest (409), while the review is not submitted (409). Scores must be on the
        rubric's scales (422). Moves the assignment's version on (the answer carries it);
        submitting is the assignment's `submit` event (`POST /api/assignments/{id}/events/submit`)
        with that version. Audited.
        """
        scope = await assignment_scope(db_session, principal, assignment_id)
        return await reviews.save_draft(db_session, principal, scope, data)


class ProposalReviewsController(Controller):
    path = "/api/proposals/{proposal_id:uuid}/reviews"
    tags = ["reviews"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="reviews:of-proposal")
    async def list_reviews(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        db_session: AsyncSession,
        window: Window,
    ) -> Page[ReviewItem]:
        """Submitted reviews of the proposal the caller may see (see `visibility`).

        The consortium (after the decision: scores, comments to applicants and recommendation,
        never names or confidential comments; an empty list before); oversight roles of the pools
        they may read (with names and confidential comments); an assigned reviewer after submitting
        their own (409 before; no names). Anyone else 404. Changes nothing.
        """
        return await proposal_reviews(db_session, principal, proposal_id, window)
