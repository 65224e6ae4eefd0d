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
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.reviews.assignment import engine, events, queries, schemas, services
from grants.reviews.assignment.access import call_for, pool_run, pools_seen, visible_assignment
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings

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
        """Solve the caller's pool (parallel review) or the call (joint); replaces earlier runs."""
        call = await call_for(db_session, principal, call_id, change=True)
        pool, rid = pool_run(principal, call), request_id_of(request)
        return await engine.run(db_session, call, actor=principal.actor, pool=pool, request_id=rid)

    @post("/assignment/refill", name="assignments:refill", status_code=200)
    async def refill(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.AssignmentReport:
        """Fill empty slots (after declines) of the caller's pool or call, keeping the rest."""
        call = await call_for(db_session, principal, call_id, change=True)
        pool, rid = pool_run(principal, call), request_id_of(request)
        return await engine.run(
            db_session, call, actor=principal.actor, pool=pool, keep_proposed=True, request_id=rid
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
        """Invite every proposed assignment; refused ones are listed with their reasons."""
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
        assignment_state: str | None = Parameter(query="state", default=None, max_length=16),
    ) -> schemas.AssignmentPage:
        """The call's assignments with affinity and conflicts, and every reviewer's load."""
        call = await call_for(db_session, principal, call_id, change=False)
        pools = pools_seen(principal, call)
        query = queries.call_assignments(
            call,
            proposal_id=proposal_id,
            reviewer_id=reviewer_id,
            state=assignment_state,
            pools=pools,
        )
        rows, total = await fetch_page(db_session, query, window)
        items = await queries.views(db_session, rows)
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
        """Propose a reviewer by hand; pool, conflicts, caps and slots are checked."""
        call = await call_for(db_session, principal, call_id, change=True)
        row = await services.add(db_session, call, data, principal=principal)
        return (await queries.views(db_session, [row]))[0]

    @get(ONE, name="assignments:show")
    async def show(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        assignment_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.Assignment:
        """One assignment (officers; the reviewer once invited)."""
        row, *_ = await visible_assignment(db_session, principal, call_id, assignment_id)
        return (await queries.views(db_session, [row]))[0]

    @delete(ONE, name="assignments:withdraw")
    async def withdraw(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        assignment_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> None:
        """Withdraw a still-proposed assignment (never one the reviewer was told of)."""
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
        assignment_state: str | None = Parameter(query="state", default=None, max_length=16),
    ) -> Page[schemas.Assignment]:
        """The caller's review invitations and assignments (never mere proposals)."""
        query = queries.my_assignments(principal.user_id, assignment_state)
        rows, total = await fetch_page(db_session, query, window)
        items = await queries.views(db_session, rows)
        return Page.of(items, total, window)
