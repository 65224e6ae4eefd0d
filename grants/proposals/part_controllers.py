"""HTTP API of one agency's part of a proposal: institution, team members and budget."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, patch, post, put
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import MAX_QUERY_INT
from grants.proposals import members, queries, schemas, team, views
from grants.proposals.access import visible_proposal
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings


class PartController(Controller):
    path = "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}"
    tags = ["proposals"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @patch("/", name="proposals:part-update")
    async def update(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: schemas.PartUpdate,
        db_session: AsyncSession,
    ) -> schemas.Part:
        """Merge-patch the part's host institution (ROR id and name) under its `version`.

        The part's own side of the consortium, while the proposal is a draft (409 otherwise, or
        when the version is stale). Audited.
        """
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        await team.update_part(db_session, principal, proposal, part, data)
        await queries.load_budgets(db_session, proposal)
        return views.part_view(part, call, proposal.duration_years, principal.locale)

    @put("/budget", name="proposals:budget")
    async def budget(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: schemas.BudgetReplace,
        db_session: AsyncSession,
    ) -> schemas.Budget:
        """Replace the part's budget lines under its `version` (which this bumps); the answer
        has totals per year, any warnings and the part's new version.

        The part's own side of the consortium, while the proposal is a draft (409 otherwise, or
        when the version is stale). Amounts are in the part's agency currency (minor units); the
        call's caps and the agency's rules give warnings or 422. Audited.
        """
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        await team.replace_budget(db_session, principal, proposal, call, part, data)
        return views.budget_view(part, call, proposal.duration_years, principal.locale)

    @post("/members", name="proposals:member-add")
    async def add_member(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: schemas.MemberCreate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.Member:
        """List a team member; a co-investigator is invited (never linked on the spot).

        The part's own side of the consortium, while the proposal is a draft (409 otherwise).
        Others who see the proposal 403, anyone else 404. Audited.
        """
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        part = team.find_part(proposal, part_id)
        base_url = settings.base_url
        member = await members.add_member(
            db_session, principal, proposal, part, data, base_url=base_url, call=call
        )
        return views.member_view(member, part)

    @patch("/members/{member_id:uuid}", name="proposals:member-update")
    async def update_member(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        member_id: uuid.UUID,
        data: schemas.MemberUpdate,
        db_session: AsyncSession,
        settings: Settings,
    ) -> schemas.Member:
        """Merge-patch a member's name, e-mail, ORCID iD, e-Rad number or role (`version`).

        The part's own side of the consortium, while the proposal is a draft (409 otherwise, or
        when the version is stale). Audited.
        """
        proposal, call, _ = await visible_proposal(db_session, principal, proposal_id)
        part, member = members.find_member(proposal, part_id, member_id)
        base_url = settings.base_url
        await members.update_member(
            db_session, principal, proposal, part, member, data, base_url=base_url, call=call
        )
        return views.member_view(member, part)

    @delete("/members/{member_id:uuid}", name="proposals:member-remove", status_code=204)
    async def remove_member(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        member_id: uuid.UUID,
        db_session: AsyncSession,
        version: int = Parameter(query="version", ge=1, le=MAX_QUERY_INT),
    ) -> None:
        """Take a member off the part's team (never its PI). The member's version the client
        saw is the `version` query parameter (a DELETE has no body).

        The part's own side of the consortium, while the proposal is a draft (409 otherwise, when
        stale, or for the PI). Others who see the proposal 403, anyone else 404. Audited.
        """
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part, member = members.find_member(proposal, part_id, member_id)
        await members.remove_member(db_session, principal, proposal, part, member, version)
