"""HTTP API of exchange rates: everyone signed in reads them, officers record them."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any

from litestar import Controller, Request, get, post
from litestar.di import Provide
from litestar.openapi.spec import OpenAPIMediaType, OpenAPIType, Operation, RequestBody, Schema
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.common.pagination import Window, fetch_page, provide_window
from grants.common.schemas import Page
from grants.fx import csv_import, schemas, services
from grants.reviews.pool.controllers import csv_text
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal


@dataclass
class RatesCsvOperation(Operation):
    """OpenAPI for the import: the body is a CSV file."""

    def __post_init__(self) -> None:
        self.request_body = RequestBody(
            content={"text/csv": OpenAPIMediaType(schema=Schema(type=OpenAPIType.STRING))},
            description=f"UTF-8 CSV with the header {','.join(csv_import.HEADER)}.",
            required=True,
        )


class FxRateController(Controller):
    path = "/api/fx-rates"
    tags = ["fx-rates"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012
    dependencies = {"window": Provide(provide_window, sync_to_thread=False)}  # noqa: RUF012

    @get("/", name="fx_rates:list")
    async def list_rates(
        self,
        db_session: AsyncSession,
        window: Window,
        base: str | None = Parameter(query="base", default=None, max_length=3),
        quote: str | None = Parameter(query="quote", default=None, max_length=3),
        since: datetime.date | None = Parameter(query="from", default=None),
        until: datetime.date | None = Parameter(query="to", default=None),
    ) -> Page[schemas.FxRate]:
        """Recorded rates, newest day first, optionally of one base and/or quote currency and
        between two days (`from`, `to`, both included).

        Any signed-in user: rates are reference data. Two queries whatever the page size.
        Changes nothing.
        """
        query = services.rates_query(base=base, quote=quote, since=since, until=until)
        rows, total = await fetch_page(db_session, query, window)
        return Page.of([services.view(r) for r in rows], total, window)

    @post("/", name="fx_rates:create")
    async def create(
        self, principal: Principal, data: schemas.FxRateCreate, db_session: AsyncSession
    ) -> schemas.FxRate:
        """Record a rate: on `rate_date`, one `base` bought `rate` `quote`, says `source`.

        Officers of any agency (403 for everyone else). 422 with every reason: an unknown
        currency, the same currency on both sides, a rate that is not a positive decimal
        string, no source. 409 when that day, pair and source is recorded already. Audited as
        `fx_rate.create`.
        """
        require(policy.fx_rate_write_decision(principal))
        row = await services.create_rate(
            db_session, data, actor=principal.actor, entered_by=principal.user_id
        )
        return services.view(row)

    @post("/import", name="fx_rates:import", operation_class=RatesCsvOperation)
    async def import_csv(
        self, request: Request[Any, Any, Any], principal: Principal, db_session: AsyncSession
    ) -> schemas.FxImportResult:
        """Import rates from CSV (`date,base,quote,rate,source`): all rows or none.

        Officers of any agency (403 for everyone else). Every bad row is named by its line and
        field (422), rows recorded already and rows repeated in the file included; nothing is
        stored then. Audited row by row (`fx_rate.create`) and as `fx_rate.import`.
        """
        require(policy.fx_rate_write_decision(principal))
        text = await csv_text(request)
        return await csv_import.import_rates(
            db_session, text, actor=principal.actor, entered_by=principal.user_id
        )
