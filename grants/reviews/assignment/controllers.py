"""HTTP API of reviewer assignment: run the solver, inspect, change by hand, invite, and the
reviewer's answer."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, delete, get, post
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.deps import request_id_of
from grants.common.filters import checked, one_of
from grants.common.locales import request_locale
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.reviews.assignment import engine, events, queries, schemas, services
from grants.reviews.assignment.access import call_for, pool_run, pools_seen, visible_assignment
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from workflows.machines.review_assignment import AssignmentState

ONE = "/assignments/{assignment_id:uuid}"


class AssignmentController(Controller):
    path = "/api/calls/{call_id:uuid}"
    tags = ["reviewer assignment"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @post("/assignment/run", name="assignments:run", status_code=200)
    async def run(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.AssignmentReport:
        """Solve the caller's pool (parallel review) or the call (joint); replaces earlier runs.

        The call's co-funding officers, for the pools they oversee (auditors and admins 403; anyone
        else 404). Replaces earlier proposed assignments of that scope with the solver's (409 when
        no assignment satisfies the constraints); audited row by row.
        """
        call = await call_for(db_session, principal, call_id, change=True)
        pool, rid = pool_run(principal, call), request_id_of(request)
        return await engine.run(
            db_session,
            call,
            actor=principal.actor,
            pool=pool,
            request_id=rid,
            locale=request_locale(request),
        )

    @post("/assignment/refill", name="assignments:refill", status_code=200)
    async def refill(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.AssignmentReport:
        """Fill empty slots (after declines) of the caller's pool or call, keeping the rest.

        The call's co-funding officers, for the pools they oversee (auditors and admins 403; anyone
        else 404). New assignments are `proposed`; audited row by row.
        """
        call = await call_for(db_session, principal, call_id, change=True)
        pool, rid = pool_run(principal, call), request_id_of(request)
        return await engine.run(
            db_session,
            call,
            actor=principal.actor,
            pool=pool,
            keep_proposed=True,
            request_id=rid,
            locale=request_locale(request),
        )

    @post("/assignment/invite", name="assignments:invite-all", status_code=200)
    async def invite_all(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        settings: Settings,
        call_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.InvitationRound:
        """Invite every proposed assignment; refused ones are listed with their reasons.

        The call's co-funding officers, for the pools they oversee (auditors and admins 403; anyone
        else 404). Each proposed assignment moves to `invited` and the reviewer is mailed; audited
        row by row.
        """
        call = await call_for(db_session, principal, call_id, change=True)
        rid = request_id_of(request)
        return await events.invite_all(db_session, principal, settings, call, rid)

    @get("/assignments", name="assignments:list")
    async def list_assignments(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
        window: Window,
        proposal_id: uuid.UUID | None = Parameter(query="proposal_id", default=None),
        reviewer_id: uuid.UUID | None = Parameter(query="reviewer_id", default=None),
        assignment_state: str | None = one_of("state", AssignmentState),
    ) -> schemas.AssignmentPage:
        """The call's assignments with affinity and conflicts, and every reviewer's load.

        The call's co-funding officers (their own pool in parallel review, every pool in joint
        review), auditors and admins; anyone else 404. Changes nothing.
        """
        state = checked("state", assignment_state, AssignmentState)
        call = await call_for(db_session, principal, call_id, change=False)
        pools = pools_seen(principal, call)
        query = queries.call_assignments(
            call, proposal_id=proposal_id, reviewer_id=reviewer_id, state=state, pools=pools
        )
        rows, total = await fetch_page(db_session, query, window)
        items = await queries.views(db_session, rows, principal.locale)
        loads = await queries.loads(db_session, call, pools)
        return schemas.AssignmentPage(
            items=items, total=total, limit=window.limit, offset=window.offset, loads=loads
        )

    @post("/assignments", name="assignments:create")
    async def create(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        data: schemas.AssignmentCreate,
        db_session: AsyncSession,
    ) -> schemas.Assignment:
        """Propose a reviewer by hand; pool, conflicts, caps and slots are checked.

        Officers overseeing the reviewer's pool on the call (403 for another agency's pool,
        auditors and admins; anyone else 404). The assignment is `proposed` (not yet told to the
        reviewer); 409 when the pair is forbidden (conflict, exclusion), the reviewer is at
        capacity or the proposal's slots are full. Audited.
        """
        call = await call_for(db_session, principal, call_id, change=True)
        row = await services.add(db_session, call, data, principal=principal)
        return (await queries.views(db_session, [row], principal.locale))[0]

    @get(ONE, name="assignments:show")
    async def show(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        assignment_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.Assignment:
        """One assignment (officers; the reviewer once invited).

        The officers overseeing its pool, auditors, admins, and its reviewer once invited; anyone
        else 404 (reviewer identities never leak). Changes nothing.
        """
        row, *_ = await visible_assignment(db_session, principal, call_id, assignment_id)
        return (await queries.views(db_session, [row], principal.locale))[0]

    @delete(ONE, name="assignments:withdraw")
    async def withdraw(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        assignment_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> None:
        """Withdraw a still-proposed assignment (never one the reviewer was told of).

        Officers overseeing its pool (auditors and admins 403; anyone else 404), while it is still
        `proposed` (409 once the reviewer was invited: then the reviewer declines or the officer
        uses the assignment's events). Audited.
        """
        await call_for(db_session, principal, call_id, change=True)
        row, *_ = await visible_assignment(db_session, principal, call_id, assignment_id)
        await services.withdraw(db_session, row, actor=principal.actor)


class MyAssignmentController(Controller):
    path = "/api/me/review-assignments"
    tags = ["reviewer assignment"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="me:review-assignments")
    async def mine(
        self,
        principal: Principal,
        db_session: AsyncSession,
        window: Window,
        assignment_state: str | None = one_of("state", AssignmentState),
    ) -> Page[schemas.Assignment]:
        """The caller's review invitations and assignments (never mere proposals).

        Any signed-in user: only their own assignments from the invitation on. Changes nothing.
        """
        state = checked("state", assignment_state, AssignmentState)
        query = queries.my_assignments(principal.user_id, state)
        rows, total = await fetch_page(db_session, query, window)
        items = await queries.views(db_session, rows, principal.locale)
        return Page.of(items, total, window)
