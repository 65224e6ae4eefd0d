"""One open-data document made for a caller and audited: which document, for whom, with which
filters, how many grant records."""

from __future__ import annotations

import datetime
import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit import chain
from grants.common.actors import Actor
from grants.opendata.loading import Filters, load_projects
from grants.settings import Settings
from grants.times import utcnow
from opendata import Project, flat_csv, grant_records, iati_xml, package, package_json

DOCUMENTS = {
    "360giving.json": "application/json",
    "360giving.csv": "text/csv",
    "iati.xml": "application/xml",
}


@dataclass(frozen=True, slots=True)
class Document:
    name: str
    media_type: str
    body: bytes
    records: int


def render(name: str, projects: list[Project], settings: Settings, now: datetime.datetime) -> bytes:
    """The document `name` (a key of `DOCUMENTS`) of `projects`."""
    if name == "360giving.json":
        data = package(projects, publisher=settings.open_data_publisher, issued=now)
        return package_json(data)
    if name == "360giving.csv":
        return flat_csv(grant_records(projects)).encode()
    if name == "iati.xml":
        return iati_xml(projects, generated=now, today=now.date())
    raise ValueError(f"no open-data document {name}")


async def export(
    session: AsyncSession,
    settings: Settings,
    *,
    actor: Actor,
    name: str,
    filters: Filters,
    agency_id: uuid.UUID | None,
) -> Document:
    """Make the document `name` of the awarded grants the filters select (the shares of
    `agency_id` only, when given: the caller's scope from the policy), and audit it as
    `open_data.exported` in the caller's transaction."""
    projects = await load_projects(session, filters, settings.open_data_org_ids, agency_id)
    body = render(name, projects, settings, utcnow())
    records = sum(share.published for p in projects for share in p.shares)
    await chain.append(
        session,
        actor=actor,
        action="open_data.exported",
        entity_type="open_data",
        entity_id=name,
        changes={"filters": filters.audited(), "scope_agency_id": agency_id, "records": records},
    )
    return Document(name, DOCUMENTS[name], body, records)
