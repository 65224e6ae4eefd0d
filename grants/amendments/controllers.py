"""HTTP API of amendments: requested on a grant, read one by one; decided through the
amendment machine's events (`/api/amendments/{id}/events/…`)."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import schemas, services
from grants.common.deps import request_id_of
from grants.common.pagination import Window, provide_window
from grants.common.problems import problem_responses
from grants.common.schemas import Page
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings


class GrantAmendmentController(Controller):
    path = "/api/grants/{grant_id:uuid}/amendments"
    tags = ["amendments"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="amendments:list")
    async def list_amendments(
        self, principal: Principal, grant_id: uuid.UUID, db_session: AsyncSession, window: Window
    ) -> Page[schemas.Amendment]:
        """The grant's amendments, oldest first, with proposed and approved values and each
        deciding agency's answer.

        Whoever sees the grant (the officers' ids for officers, auditors and admins, never for
        the consortium); anyone else 404. A constant number of queries. Changes nothing.
        """
        return await services.list_amendments(db_session, principal, grant_id, window)

    @post(
        "/",
        name="amendments:request",
        status_code=201,
        responses=problem_responses(
            s401="Not signed in.",
            s403="Not a PI of the project (a budget move: not the PI of its side).",
            s404="No such grant for you.",
            s409="The grant is not active, or an extension is already requested.",
            s422="Every reason the amendment is refused, each field named.",
        ),
    )
    async def request_amendment(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        grant_id: uuid.UUID,
        data: schemas.AmendmentCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.Amendment:
        """Request an amendment: a budget move of your side's grid, or a no-cost extension.

        A budget move: its side's PI; every move within the project's years, from a line that
        holds it, in years no tranche past `planned` pays, and the grid after it within the
        agency's caps and indirect-cost share (422, every reason). Under the agency's
        `budget_move_threshold_percent` of each source year's direct costs it is recorded at
        once (state `recorded`, the grid and the planned tranches changed); otherwise it waits
        for the agency's officer. An extension: either PI; the new end date 1 to 12 whole months
        after the current end; both agencies decide. Audited as `amendment.request`.
        """
        return await services.request_amendment(
            db_session,
            principal,
            grant_id,
            data,
            settings=settings,
            request_id=request_id_of(request),
        )


class AmendmentController(Controller):
    path = "/api/amendments"
    tags = ["amendments"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/{amendment_id:uuid}", name="amendments:show")
    async def show(
        self, principal: Principal, amendment_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.Amendment:
        """One amendment, with proposed and approved values and each deciding agency's answer.

        Whoever sees its grant (the officers' ids for officers, auditors and admins, never for
        the consortium); anyone else 404. Decide, withdraw or record it through
        `/api/amendments/{id}/events/…`. Changes nothing.
        """
        return await services.show_amendment(db_session, principal, amendment_id)
