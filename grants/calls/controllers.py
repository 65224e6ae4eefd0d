"""HTTP API of calls: officers of the co-funding agencies set them up and move them along."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.calls import schemas, services
from grants.calls.access import calls_query, visible_call
from grants.calls.responses import call_detail, call_view
from grants.calls.services import Author
from grants.common.filters import checked, one_of
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.security.guards import authenticated, requires
from grants.security.principal import Principal, Role
from workflows.machines.call import CallState


class CallController(Controller):
    path = "/api/calls"
    tags = ["calls"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="calls:list")
    async def list_calls(
        self,
        principal: Principal,
        db_session: AsyncSession,
        window: Window,
        call_state: str | None = one_of("state", CallState),
        agency: str | None = Parameter(query="agency", default=None, max_length=32),
        q: str | None = Parameter(query="q", default=None, max_length=100),
    ) -> Page[schemas.Call]:
        """Calls the caller may see, filtered by state, co-funding agency code or text.

        Any signed-in user: calls past their draft, plus the drafts one's own agency co-funds
        (auditors and admins: every call). A page (`limit`, `offset`). Changes nothing.
        """
        state = checked("state", call_state, CallState)  # an empty one too, like every list
        query = calls_query(principal, state=state, agency=agency, q=q)
        rows, total = await fetch_page(db_session, query, window)
        items = [call_view(c) for c in rows]
        return Page.of(items, total, window)

    @post("/", name="calls:create", guards=[requires(Role.OFFICER)])
    async def create(
        self, principal: Principal, data: schemas.CallCreate, db_session: AsyncSession
    ) -> schemas.CallDetail:
        """Set up a draft call that the caller's agency co-funds.

        Officers of an agency that co-funds the new call (an officer whose agency is not among
        `agencies` gets 422; other roles 403). The call starts as a draft, seen only by its co-
        funders' officers, auditors and admins; publishing needs every co-funding agency's
        `approve` event. 409 when the code is taken. Audited as `call.create`.
        """
        call = await services.create_call(db_session, data, author=Author.of(principal))
        return call_detail(call, principal.locale)

    @get("/{call_id:uuid}", name="calls:show")
    async def show(
        self, principal: Principal, call_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.CallDetail:
        """One call, its deadline in every co-funder's zone and amounts in the caller's locale.

        Any signed-in user for a call past its draft; a draft only for its co-funding officers,
        auditors and admins (404 for anyone else). Changes nothing.
        """
        call, _ = await visible_call(db_session, principal, call_id)
        return call_detail(call, principal.locale)

    @patch("/{call_id:uuid}", name="calls:update")
    async def update(
        self,
        principal: Principal,
        call_id: uuid.UUID,
        data: schemas.CallUpdate,
        db_session: AsyncSession,
    ) -> schemas.CallDetail:
        """Merge-patch a draft call (send the version you saw); each agency edits its own terms.

        Officers of a co-funding agency, while the call is a draft (409 otherwise, or when the
        version is stale). Each agency changes only its own entry in `agencies` (currency, caps,
        envelope, rules); another agency's entry must come back unchanged (403). Shared terms
        (texts, dates, rubric, documents, modes) any co-funding officer edits. Audited as
        `call.update`.
        """
        call, _ = await visible_call(db_session, principal, call_id)
        call = await services.update_call(db_session, call, data, principal=principal)
        return call_detail(call, principal.locale)
