"""Business verbs on agencies; every change is audited field by field."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agencies import schemas
from grants.audit.chain import append
from grants.common.actors import Actor
from grants.common.edits import audited_update
from grants.db.models import Agency, UserRole
from grants.errors import Conflict, FieldError, NotFound
from messages import define

FIELDS = (
    "name",
    "country",
    "currency",
    "fiscal_year_start_month",
    "time_zone",
    "grant_number_pattern",
    "budget_move_threshold_percent",
)

NO_SUCH_AGENCY = define("agency.not_found", "No such agency.")
CODE_TAKEN = define("agency.code.taken", "An agency with this code exists.")
CODE_USED = define("agency.code.used", "already used")
HAS_OFFICERS = define(
    "agency.delete.has_officers", "Officers belong to this agency; reassign them first."
)


def agencies_query(country: str | None = None) -> Select[tuple[Agency]]:
    query = select(Agency).order_by(Agency.code)
    return query.where(Agency.country == country.upper()) if country else query


async def get_agency(session: AsyncSession, agency_id: uuid.UUID) -> Agency:
    """The agency with `agency_id`; raises NotFound."""
    agency = await session.get(Agency, agency_id)
    if agency is None:
        raise NotFound(NO_SUCH_AGENCY())
    return agency


async def create_agency(
    session: AsyncSession, data: schemas.AgencyCreate, *, actor: Actor
) -> Agency:
    """Register an agency; raises Conflict when its code is taken."""
    if await session.scalar(select(Agency.id).where(Agency.code == data.code)):
        raise Conflict(CODE_TAKEN(), errors=[FieldError("code", CODE_USED())])
    agency = Agency(**data.model_dump())
    session.add(agency)
    await session.flush()
    changes = {name: [None, value] for name, value in data.model_dump().items()}
    await append(
        session,
        actor=actor,
        action="agency.create",
        entity_type="agency",
        entity_id=agency.id,
        changes=changes,
    )
    return agency


async def update_agency(
    session: AsyncSession, agency: Agency, data: schemas.AgencyUpdate, *, actor: Actor
) -> Agency:
    """Change an agency's fields; raises StaleVersion when the client saw an older version."""
    await audited_update(session, agency, data, FIELDS, actor=actor, entity_type="agency")
    return agency


async def delete_agency(session: AsyncSession, agency: Agency, *, actor: Actor) -> None:
    """Remove an agency nothing refers to; raises Conflict when officers belong to it."""
    if await session.scalar(select(UserRole.id).where(UserRole.agency_id == agency.id).limit(1)):
        raise Conflict(HAS_OFFICERS())
    changes = {name: [getattr(agency, name), None] for name in ("code", *FIELDS)}
    await session.delete(agency)
    await session.flush()
    await append(
        session,
        actor=actor,
        action="agency.delete",
        entity_type="agency",
        entity_id=agency.id,
        changes=changes,
    )
