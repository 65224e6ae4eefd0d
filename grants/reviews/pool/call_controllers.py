"""HTTP API of a call's reviewers: service, conflicts, bidding lists, bids and exclusions."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post, put
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.filters import checked, one_of
from grants.common.locales import request_locale
from grants.common.pagination import Window, provide_window
from grants.common.schemas import Page
from grants.db.models.reviews import ConflictStatus
from grants.proposals.access import require_editable, visible_proposal
from grants.reviews.pool import decisions, schemas, serving, sovereignty
from grants.reviews.pool.access import (
    officer_call,
    overseen_call,
    reviewer_proposal,
    service_of,
)
from grants.reviews.pool.conflicts import detect_conflicts
from grants.security.guards import authenticated, requires
from grants.security.principal import Principal, Role
from workflows.machines.call_service import ServiceState


class CallPoolController(Controller):
    path = "/api/calls/{call_id:uuid}"
    tags = ["reviewers"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @post("/conflicts/detect", name="conflicts:detect", status_code=200)
    async def detect(
        self, principal: Principal, call_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.DetectionResult:
        """Detect conflicts for every submitted proposal × pooled reviewer of the call.

        The call's co-funding officers (403 for other roles). Records each detected conflict (co-
        authorship, same institution, declared) for the reviewers of their own pool; audited row by
        row.
        """
        call = await officer_call(db_session, principal, call_id)
        return await detect_conflicts(db_session, call, actor=principal.actor)

    @get("/conflicts", name="conflicts:list")
    async def conflicts(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
        window: Window,
        status: str | None = one_of("status", ConflictStatus),
        source: str | None = one_of("source", schemas.CONFLICT_SOURCES),
    ) -> Page[schemas.ConflictDetail]:
        """The call's conflicts of reviewers the caller sees, with reason, status and decision.

        The call's co-funding officers (the reviewers of their own pool), auditors and admins;
        others who see the call 403. Changes nothing.
        """
        status = checked("status", status, ConflictStatus)
        source = checked("source", source, schemas.CONFLICT_SOURCES)
        await overseen_call(db_session, principal, call_id)
        query = decisions.call_conflicts_query(call_id, status=status, source=source)
        query = query.where(sovereignty.reviewers_visible_on_call(principal, call_id))
        rows, total = await serving.page_of(db_session, query, window)
        locale = request_locale(request)
        items = [decisions.conflict_detail(c, e, n, ref, locale) for c, e, n, ref in rows]
        return Page.of(items, total, window)

    @post("/reviewers", name="call-reviewers:invite")
    async def invite(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        data: schemas.ServeInvite,
        db_session: AsyncSession,
    ) -> schemas.CallService:
        """Ask a reviewer of the caller's agency's pool to serve on the call.

        Officers of a co-funding agency, for reviewers of their own agency's pool (403 otherwise).
        409 when the reviewer was already asked. Creates the service in `invited` (the reviewer
        answers with `POST /api/call-reviewers/{service_id}/events/accept` or `decline`) and mails
        them. Audited.
        """
        call = await officer_call(db_session, principal, call_id)
        await sovereignty.require_invite(db_session, principal, call, data.agency)
        service = await serving.invite(db_session, call, data, actor=principal.actor)
        return await serving.view_of(db_session, service)

    @get("/reviewers", name="call-reviewers:list")
    async def reviewers(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
        window: Window,
        service_state: str | None = one_of("state", ServiceState),
    ) -> Page[schemas.CallService]:
        """Reviewers asked to serve on the call for agencies the caller sees, filtered by state
        (invited/accepted/declined).

        The call's co-funding officers (their own pool's services), auditors and admins; others who
        see the call 403. Changes nothing.
        """
        state = checked("state", service_state, ServiceState)
        await overseen_call(db_session, principal, call_id)
        query = serving.call_services_query(call_id, state)
        query = query.where(sovereignty.serving_visible(principal))
        rows, total = await serving.page_of(db_session, query, window)
        items = [serving.service_view(*row) for row in rows]
        return Page.of(items, total, window)

    @get("/biddable", name="bids:biddable", guards=[requires(Role.REVIEWER)])
    async def biddable(
        self, principal: Principal, call_id: uuid.UUID, db_session: AsyncSession, window: Window
    ) -> Page[schemas.BiddableProposal]:
        """Proposals the caller may bid on: none they have an active conflict with.

        Reviewers serving on the call (accepted; 404 when only invited or not asked). Changes
        nothing.
        """
        await service_of(db_session, principal, call_id)
        query = serving.biddable_query(call_id, principal.user_id)
        rows, total = await serving.page_of(db_session, query, window)
        items = [serving.biddable_view(p, level) for p, level in rows]
        return Page.of(items, total, window)


class ConflictController(Controller):
    path = "/api/conflicts/{conflict_id:uuid}"
    tags = ["reviewers"]  # noqa: RUF012
    guards = [requires(Role.OFFICER)]  # noqa: RUF012

    @post("/dismiss", name="conflicts:dismiss", status_code=200)
    async def dismiss(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        conflict_id: uuid.UUID,
        data: schemas.ConflictDecision,
        db_session: AsyncSession,
    ) -> schemas.ConflictView:
        """Dismiss a false positive: the pair is no longer forbidden.

        Officers of the agency whose pool the reviewer serves on that call (403 otherwise); 409
        when already decided. Audited.
        """
        found = await decisions.decide(db_session, principal, conflict_id, "dismiss", data.reason)
        return decisions.conflict_view(found, request_locale(request))

    @post("/waive", name="conflicts:waive", status_code=200)
    async def waive(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        conflict_id: uuid.UUID,
        data: schemas.ConflictDecision,
        db_session: AsyncSession,
    ) -> schemas.ConflictView:
        """Waive a known conflict: the pair is allowed on purpose.

        Officers of the agency whose pool the reviewer serves on that call (403 otherwise); 409
        when already decided. Audited.
        """
        found = await decisions.decide(db_session, principal, conflict_id, "waive", data.reason)
        return decisions.conflict_view(found, request_locale(request))


class ProposalPoolController(Controller):
    path = "/api/proposals/{proposal_id:uuid}"
    tags = ["reviewers"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @post("/conflict-declaration", name="conflicts:declare", guards=[requires(Role.REVIEWER)])
    async def declare(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        proposal_id: uuid.UUID,
        data: schemas.Declaration,
        db_session: AsyncSession,
    ) -> schemas.ConflictView:
        """Declare one's own conflict (or co-authorship) with a proposal of a call one serves.

        Reviewers asked to serve on the proposal's call (403 for other roles, 404 when not asked).
        Records a declared conflict, which forbids the pair; audited as `conflict.declare`.
        """
        proposal, _ = await reviewer_proposal(
            db_session, principal, proposal_id, (ServiceState.INVITED, ServiceState.ACCEPTED)
        )
        found = await decisions.declare(
            db_session, proposal, principal.user_id, data, actor=principal.actor
        )
        return decisions.conflict_view(found, request_locale(request))

    @put("/bid", name="bids:place", guards=[requires(Role.REVIEWER)])
    async def bid(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        data: schemas.BidBody,
        db_session: AsyncSession,
    ) -> schemas.BidView:
        """Bid on a proposal of a call one accepted to serve on.

        Reviewers serving on the proposal's call (accepted; 404 otherwise), on a submitted proposal
        without an active conflict (409). Replaces the caller's earlier bid; audited as
        `bid.place`.
        """
        proposal, _ = await reviewer_proposal(db_session, principal, proposal_id)
        placed = await serving.place_bid(
            db_session, proposal, principal.user_id, data.level, actor=principal.actor
        )
        return schemas.BidView.model_validate(placed)

    @get("/exclusions", name="exclusions:list")
    async def exclusions(
        self, principal: Principal, proposal_id: uuid.UUID, db_session: AsyncSession
    ) -> list[schemas.ExclusionView]:
        """The applicants' non-preferred reviewers (consortium and oversight roles).

        The consortium and oversight roles (co-funding officers, auditors, admins); anyone else
        404, reviewers included. Changes nothing.
        """
        await visible_proposal(db_session, principal, proposal_id)
        rows = await serving.exclusions_of(db_session, proposal_id)
        return [schemas.ExclusionView.model_validate(r) for r in rows]

    @put("/exclusions", name="exclusions:replace")
    async def replace_exclusions(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        data: list[schemas.Exclusion],
        db_session: AsyncSession,
    ) -> list[schemas.ExclusionView]:
        """Name up to three non-preferred reviewers of a draft.

        The consortium, while the proposal is a draft (409 otherwise); others who see it 403,
        anyone else 404. Replaces the list. Audited as `proposal.exclusions`.
        """
        proposal, _, roles = await visible_proposal(db_session, principal, proposal_id)
        require_editable(proposal, roles)
        rows = await serving.replace_exclusions(db_session, proposal, data, actor=principal.actor)
        return [schemas.ExclusionView.model_validate(r) for r in rows]
