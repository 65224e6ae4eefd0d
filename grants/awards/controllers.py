"""HTTP API of funding decisions and grants."""

from __future__ import annotations

import uuid
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import queries, schemas
from grants.awards.access import visible_grant
from grants.awards.decision_views import decisions
from grants.awards.recording import record_decision
from grants.awards.views import grant_detail, grant_view
from grants.common.deps import request_id_of
from grants.common.filters import checked, one_of
from grants.common.pagination import Window, provide_window
from grants.common.schemas import Page
from grants.proposals.access import visible_proposal
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from grants.tranches import schemas as tranche_schemas
from grants.tranches.views import grant_tranches
from workflows.machines.grant import GrantState


class DecisionController(Controller):
    path = "/api/proposals/{proposal_id:uuid}/decisions"
    tags = ["decisions"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="decisions:list")
    async def list_decisions(
        self, principal: Principal, proposal_id: uuid.UUID, db_session: AsyncSession, window: Window
    ) -> Page[schemas.Decision]:
        """The proposal's funding decisions the caller may read, in the call's agency order.

        An officer of a co-funding agency: their own agency's decision, and the others' once the
        proposal is awarded or rejected (no agency decides anchored on another's). Auditors and
        admins: every decision. The consortium: every decision once settled, without who decided
        (an empty list before). An assigned reviewer 403; anyone else 404. Changes nothing.
        """
        proposal, call, roles = await visible_proposal(
            db_session, principal, proposal_id, reading=True
        )
        require(policy.decisions_read_decision(roles))
        shown = policy.decisions_shown(principal, roles, proposal.state)
        found = await decisions(db_session, proposal, call, shown)
        page = found[window.offset : window.offset + window.limit]
        return Page.of(page, len(found), window)

    @post("/", name="decisions:record", status_code=201)
    async def record(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        proposal_id: uuid.UUID,
        data: schemas.DecisionCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.DecisionOutcome:
        """Record your agency's funding decision on its own side of a reviewed proposal.

        An officer of the agency named in `agency` (another agency's officer 403), while the
        call is deciding and the proposal reviewed (409), once per agency (409). An approval
        states the approved budget per project year and category: each line at most what was
        requested, each year within the agency's yearly cap and the total within its project cap
        (422, every line named, e.g. `budget[3].amount`), and the agency's approvals in the call
        within its envelope (409 with what remains). In `shared` co-funding mode every agency
        approves the lead part's one joint budget, in the lead agency's currency, the same grid
        as any earlier approval (409 otherwise); the award splits it by the call's percentages
        and converts each share with the latest recorded rate (409 without one, or when a share
        does not fit in its agency's envelope). The last approval awards the proposal and
        creates its grant; a rejection rejects it. The `decide` event of the proposal machine,
        audited as `proposal.decide` (and `proposal.award` with `grant.create`, or
        `proposal.reject`), all in one transaction.
        """
        return await record_decision(
            db_session,
            principal,
            proposal_id,
            data,
            settings=settings,
            request_id=request_id_of(request),
        )


class GrantController(Controller):
    path = "/api/grants"
    tags = ["grants"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="grants:list")
    async def list_grants(
        self,
        principal: Principal,
        db_session: AsyncSession,
        window: Window,
        grant_state: str | None = one_of("state", GrantState),
    ) -> Page[schemas.Grant]:
        """Grants the caller may see, newest first, optionally in one state.

        The consortium its own grants; an officer the grants of the calls their agency
        co-funds; auditors and admins every grant. A page (`limit`, `offset`), in a constant
        number of queries. Changes nothing.
        """
        query = queries.visible_query(principal, state=checked("state", grant_state, GrantState))
        rows, total = await queries.fetch_rows(db_session, query, window)
        return Page.of([grant_view(*row) for row in rows], total, window)

    @get("/{grant_id:uuid}", name="grants:show")
    async def show(
        self, principal: Principal, grant_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.GrantDetail:
        """The grant with each agency's number, awarded total and approved grid, and the
        consortium.

        The consortium, the officers of the call's co-funding agencies, auditors and admins;
        anyone else 404. Changes nothing.
        """
        grant, proposal, call, _ = await visible_grant(db_session, principal, grant_id)
        return await grant_detail(db_session, grant, proposal, call)

    @get("/{grant_id:uuid}/tranches", name="grants:tranches")
    async def tranches(
        self, principal: Principal, grant_id: uuid.UUID, db_session: AsyncSession, window: Window
    ) -> Page[tranche_schemas.Tranche]:
        """The grant's tranche schedule: each agency's tranches, one per fiscal year of its
        calendar that overlaps the project, with their states and steps (act on one through
        `/api/tranches/{id}/events/…`).

        Whoever sees the grant (anyone else 404); the consortium without the names of the
        officers who approved and disbursed. A constant number of queries. Changes nothing.
        """
        _, _, _, roles = await visible_grant(db_session, principal, grant_id)
        officers = policy.tranche_officers_shown(roles)
        found = await grant_tranches(db_session, grant_id, officers=officers)
        return Page.of(found[window.offset : window.offset + window.limit], len(found), window)
