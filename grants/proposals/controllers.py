"""HTTP API of proposals: drafts, shared fields, workflow events, invitations."""

from __future__ import annotations

import uuid

from litestar import Controller, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.filters import checked, one_of
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.proposals import invitations, queries, schemas, services, views
from grants.proposals.access import list_roles, roles_on, visible_proposal
from grants.security import policy
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings
from workflows.machines.proposal import ProposalState


class ProposalController(Controller):
    path = "/api/proposals"
    tags = ["proposals"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="proposals:list")
    async def list_proposals(
        self,
        principal: Principal,
        db_session: AsyncSession,
        window: Window,
        call_id: uuid.UUID | None = Parameter(query="call_id", default=None),
        proposal_state: str | None = one_of("state", ProposalState),
    ) -> Page[schemas.Proposal]:
        """Proposals the caller may see, filtered by call and state.

        Any signed-in user: their own proposals and those they review; officers also the submitted
        proposals of calls their agency co-funds; auditors and admins every submitted one. A page
        (`limit`, `offset`). Changes nothing.
        """
        state = checked("state", proposal_state, ProposalState)
        query = queries.visible_query(principal, call_id=call_id, state=state)
        rows, total = await fetch_page(db_session, query, window)
        items = [
            views.proposal_view(p, policy.hidden_fields(list_roles(principal, p))) for p in rows
        ]
        return Page.of(items, total, window)

    @post("/", name="proposals:create")
    async def create(
        self, principal: Principal, data: schemas.ProposalCreate, db_session: AsyncSession
    ) -> schemas.ProposalDetail:
        """Draft a proposal in an open call; the caller becomes PI of their country's part.

        Researchers, in a call open for proposals (409 otherwise). The caller becomes the PI of
        their own agency's part; the other parts wait for their PIs' invitations. Audited as
        `proposal.create`.
        """
        proposal, call = await services.create(db_session, principal, data)
        roles = roles_on(principal, proposal, call)
        return await services.detail(db_session, principal, proposal, call, roles)

    @get("/{proposal_id:uuid}", name="proposals:show")
    async def show(
        self, principal: Principal, proposal_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.ProposalDetail:
        """The proposal with its parts, members, budgets and documents.

        The consortium; once submitted, the call's co-funding officers, auditors, admins and
        reviewers assigned to it (accepted, without a conflict). Anyone else 404. Duplicate-funding
        flags are shown to oversight roles only. Changes nothing.
        """
        proposal, call, roles = await visible_proposal(
            db_session, principal, proposal_id, reading=True
        )
        return await services.detail(db_session, principal, proposal, call, roles)

    @patch("/{proposal_id:uuid}", name="proposals:update")
    async def update(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        data: schemas.ProposalUpdate,
        db_session: AsyncSession,
    ) -> schemas.ProposalDetail:
        """Change the shared fields of a draft.

        The consortium, while the proposal is a draft (409 otherwise, or when the version is
        stale); officers, auditors and admins 403. Merge-patch: only the fields sent change.
        Audited as `proposal.update`.
        """
        proposal, call, roles = await visible_proposal(db_session, principal, proposal_id)
        await services.update(db_session, proposal, call, roles, data, actor=principal.actor)
        return await services.detail(db_session, principal, proposal, call, roles)

    @post("/{proposal_id:uuid}/invitations", name="proposals:invite")
    async def invite(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        data: schemas.InvitationCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.Invitation:
        """Invite the counterpart PI of another agency's part by email.

        The proposal's consortium (its PIs), while it is a draft (409 otherwise, or when the part
        already has its PI). Officers, auditors and admins 403; anyone who may not see the proposal
        404. Mails an invitation; audited as `proposal.invite`.
        """
        proposal, call, roles = await visible_proposal(db_session, principal, proposal_id)
        return await invitations.invite(
            db_session, principal, proposal, call, roles, data, base_url=settings.base_url
        )


class InvitationController(Controller):
    path = "/api/invitations"
    tags = ["proposals"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/", name="invitations:list")
    async def list_invitations(
        self, principal: Principal, db_session: AsyncSession
    ) -> list[schemas.Invitation]:
        """The caller's open invitations: to be a PI, or a co-investigator.

        Any signed-in user: only invitations to their own email. Changes nothing.
        """
        return await invitations.pending(db_session, principal)

    @post("/{invitation_id:uuid}/accept", name="invitations:accept", status_code=200)
    async def accept(
        self, principal: Principal, invitation_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.Invitation:
        """Accept an invitation: become that part's PI, or its co-investigator with access.

        Only the invitee (the signed-in user whose email was invited); anyone else 404. 409 when
        the part already has its PI or the caller is already on the team. Audited as
        `proposal.invitation_accept`.
        """
        return await invitations.accept(db_session, principal, invitation_id)
