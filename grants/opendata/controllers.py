"""HTTP API of the open-data exports: 360Giving (JSON package, flattened CSV) and IATI XML."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import Parameter
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.middleware import WRITES
from grants.opendata.loading import resolve_filters
from grants.opendata.service import export
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal
from grants.settings import Settings


class Publisher(BaseModel):
    name: str


class ThreeSixtyGivingPackage(BaseModel):
    """A 360Giving data package (schema 1.4): its metadata and one grant per agency share."""

    version: str
    title: str
    issued: str
    publisher: Publisher
    license: str
    grants: list[dict[str, Any]] = Field(description="360Giving grant records.")


def _ok(container: Any, media_type: str, description: str) -> dict[int, ResponseSpec]:
    return {
        200: ResponseSpec(
            data_container=container,
            media_type=media_type,
            description=description,
            generate_examples=False,
        )
    }


def _call() -> Any:
    return Parameter(
        query="call", default=None, min_length=1, max_length=40, description="A call's code."
    )


def _agency() -> Any:
    return Parameter(
        query="agency", default=None, min_length=1, max_length=32, description="An agency's code."
    )


async def _document(
    name: str,
    principal: Principal,
    settings: Settings,
    session: AsyncSession,
    call: str | None,
    agency: str | None,
) -> Response[bytes]:
    filters = await resolve_filters(session, call, agency)
    request = filters.request()
    require(policy.open_data_decision(principal, request))
    scope = policy.open_data_agency(principal, request.agency_id)
    document = await export(
        session, settings, actor=principal.actor, name=name, filters=filters, agency_id=scope
    )
    return Response(
        document.body,
        media_type=document.media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


class OpenDataController(Controller):
    path = "/api/open-data"
    tags = ["open data"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get(
        "/360giving.json",
        name="open_data:360giving-json",
        opt={WRITES: True},
        responses=_ok(ThreeSixtyGivingPackage, "application/json", "A 360Giving package."),
    )
    async def threesixty_json(
        self,
        principal: Principal,
        settings: Settings,
        db_session: AsyncSession,
        call: str | None = _call(),
        agency: str | None = _agency(),
    ) -> Response[bytes]:
        """Awarded grants as a 360Giving data package (schema 1.4), one record per agency share.

        Officers get their own agency's records (403 filtering by another agency or a call it
        does not co-fund), auditors and admins every agency's; anyone else 403. 422 naming the
        field for an unknown call or agency. Amounts are numbers in major units. Audited as
        `open_data.exported`.
        """
        return await _document("360giving.json", principal, settings, db_session, call, agency)

    @get(
        "/360giving.csv",
        name="open_data:360giving-csv",
        opt={WRITES: True},
        responses=_ok(str, "text/csv", "360Giving's flattened CSV, one row per grant record."),
    )
    async def threesixty_csv(
        self,
        principal: Principal,
        settings: Settings,
        db_session: AsyncSession,
        call: str | None = _call(),
        agency: str | None = _agency(),
    ) -> Response[bytes]:
        """The same records as 360Giving's flattened CSV (flatten-tool's column titles).

        Access, filters and errors as `360giving.json`. Audited as `open_data.exported`.
        """
        return await _document("360giving.csv", principal, settings, db_session, call, agency)

    @get(
        "/iati.xml",
        name="open_data:iati-xml",
        opt={WRITES: True},
        responses=_ok(str, "application/xml", "IATI activities 2.03, one per agency share."),
    )
    async def iati(
        self,
        principal: Principal,
        settings: Settings,
        db_session: AsyncSession,
        call: str | None = _call(),
        agency: str | None = _agency(),
    ) -> Response[bytes]:
        """Awarded grants as IATI activity XML 2.03: one activity per agency share, a budget
        per agency fiscal year, a planned disbursement per tranche, the commitment and the paid
        tranches as transactions.

        Access, filters and errors as `360giving.json`. Audited as `open_data.exported`.
        """
        return await _document("iati.xml", principal, settings, db_session, call, agency)
