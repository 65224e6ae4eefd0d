"""HTTP API of agencies: anyone signed in reads them, admins change them."""

from __future__ import annotations

import uuid

from litestar import Controller, delete, get, patch, post
from litestar.di import Provide
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agencies import schemas, services
from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.security.guards import authenticated, requires
from grants.security.principal import Principal, Role

admin_only = [requires(Role.ADMIN)]


class AgencyController(Controller):
    path = "/api/agencies"
    tags = ["agencies"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="agencies:list")
    async def list_agencies(
        self,
        db_session: AsyncSession,
        window: Window,
        country: str | None = Parameter(query="country", default=None, max_length=2),
    ) -> Page[schemas.Agency]:
        """Agencies, optionally of one country.

        Any signed-in user: agencies are reference data. Changes nothing.
        """
        rows, total = await fetch_page(db_session, services.agencies_query(country), window)
        items = [schemas.Agency.model_validate(a) for a in rows]
        return Page.of(items, total, window)

    @get("/{agency_id:uuid}", name="agencies:show")
    async def show(self, agency_id: uuid.UUID, db_session: AsyncSession) -> schemas.Agency:
        """One agency.

        Any signed-in user: its code, country, currency, fiscal year start and time zone.
        Changes nothing.
        """
        return schemas.Agency.model_validate(await services.get_agency(db_session, agency_id))

    @post("/", name="agencies:create", guards=admin_only)
    async def create(
        self, principal: Principal, data: schemas.AgencyCreate, db_session: AsyncSession
    ) -> schemas.Agency:
        """Register an agency.

        Admins only (403 for everyone else). 409 when the code is taken. Audited as
        `agency.create`.
        """
        agency = await services.create_agency(db_session, data, actor=principal.actor)
        return schemas.Agency.model_validate(agency)

    @patch("/{agency_id:uuid}", name="agencies:update", guards=admin_only)
    async def update(
        self,
        principal: Principal,
        agency_id: uuid.UUID,
        data: schemas.AgencyUpdate,
        db_session: AsyncSession,
    ) -> schemas.Agency:
        """Change an agency (send the version you saw).

        Admins only. Changes the agency's name, country, currency, fiscal year start or time zone
        under the version you saw (409 when stale). Audited as `agency.update`.
        """
        agency = await services.get_agency(db_session, agency_id)
        return schemas.Agency.model_validate(
            await services.update_agency(db_session, agency, data, actor=principal.actor)
        )

    @delete("/{agency_id:uuid}", name="agencies:delete", guards=admin_only, status_code=204)
    async def remove(
        self, principal: Principal, agency_id: uuid.UUID, db_session: AsyncSession
    ) -> None:
        """Remove an agency nothing refers to.

        Admins only. 409 while officers belong to the agency. Audited as `agency.delete`.
        """
        agency = await services.get_agency(db_session, agency_id)
        await services.delete_agency(db_session, agency, actor=principal.actor)
