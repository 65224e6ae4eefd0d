"""HTTP API of a part's enterprise partners and their commitments."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import MAX_QUERY_INT
from grants.partners import queries, schemas, services, views
from grants.proposals import queries as proposal_queries
from grants.proposals.access import visible_proposal
from grants.proposals.team import find_part
from grants.security import policy
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.times import utcnow


class PartnerController(Controller):
    path = "/api/proposals/{proposal_id:uuid}/parts/{part_id:uuid}/partners"
    tags = ["partners"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/", name="partners:list")
    async def list_partners(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        db_session: AsyncSession,
    ) -> schemas.PartPartners:
        """The part's enterprise partners with their commitments, and its matching funds
        against its agency's rule in the call (converted with today's recorded rates).

        Whoever reads the proposal; an assigned reviewer without the contact persons. Changes
        nothing.
        """
        proposal, call, roles = await visible_proposal(
            db_session, principal, proposal_id, reading=True
        )
        part = find_part(proposal, part_id)
        await proposal_queries.load_budgets(db_session, proposal)
        await queries.load_partners(db_session, proposal)
        today = utcnow().date()
        rates = await queries.rates_for(db_session, proposal, call, today)
        currency = next(t.currency for t in call.agencies if t.agency_id == part.agency_id)
        contact = policy.partner_contact_shown(roles)
        return views.part_partners_view(part, call, rates.get(currency, []), today, contact=contact)

    @post("/", name="partners:add")
    async def add(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        data: schemas.PartnerCreate,
        db_session: AsyncSession,
    ) -> schemas.Partner:
        """List an enterprise partner on the part, with its commitments per project year.

        The part's own side of the consortium, while the proposal is a draft (409 otherwise).
        422 names every bad field: an identifier with a wrong check digit, a contribution with
        decimals in JPY/VND or in another currency than the partner's, a letter that is not
        this proposal's `letter_of_commitment`. Audited as `proposal.partner_add`.
        """
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part = find_part(proposal, part_id)
        partner = await services.add_partner(db_session, principal, proposal, part, data)
        return views.partner_view(partner, part)

    @patch("/{partner_id:uuid}", name="partners:update")
    async def update(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        partner_id: uuid.UUID,
        data: schemas.PartnerUpdate,
        db_session: AsyncSession,
    ) -> schemas.Partner:
        """Merge-patch a partner under its `version`; `contributions` replace the whole list.

        The part's own side, in a draft (409 otherwise, or when the version is stale); 422 as
        on adding. Audited as `proposal.partner_update`.
        """
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part = find_part(proposal, part_id)
        await queries.load_partners(db_session, proposal)
        partner = services.find_partner(part, partner_id)
        await services.update_partner(db_session, principal, proposal, part, partner, data)
        return views.partner_view(partner, part)

    @delete("/{partner_id:uuid}", name="partners:remove", status_code=204)
    async def remove(
        self,
        principal: Principal,
        proposal_id: uuid.UUID,
        part_id: uuid.UUID,
        partner_id: uuid.UUID,
        db_session: AsyncSession,
        version: int = Parameter(query="version", ge=1, le=MAX_QUERY_INT),
    ) -> None:
        """Take a partner off the part; `version` is the partner's version the client saw.

        The part's own side, in a draft (409 otherwise, or when stale). Audited as
        `proposal.partner_remove`.
        """
        proposal, _, _ = await visible_proposal(db_session, principal, proposal_id)
        part = find_part(proposal, part_id)
        await queries.load_partners(db_session, proposal)
        partner = services.find_partner(part, partner_id)
        await services.remove_partner(db_session, principal, proposal, part, partner, version)
