"""HTTP API of the money views: a call's money per agency and a grant's money per side."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from litestar import Controller, Request, get
from litestar.params import Parameter
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.access import visible_grant
from grants.calls.access import visible_call
from grants.common.locales import request_locale
from grants.errors import FieldError, Invalid
from grants.money import InvalidMoney, minor_exponent
from grants.reporting import schemas
from grants.reporting.call_money import call_money
from grants.reporting.grant_money import grant_money
from grants.security import policy
from grants.security.enforce import require
from grants.security.guards import authenticated
from grants.security.principal import Principal
from messages import define

BAD_CURRENCY = define("money.view.bad_currency", "The reporting currency is not known.")


def _target(code: str | None) -> str | None:
    if code is None:
        return None
    try:
        minor_exponent(code)
    except InvalidMoney as bad:
        raise Invalid(
            BAD_CURRENCY(), errors=[FieldError("reporting_currency", bad.reason)]
        ) from None
    return code


class MoneyController(Controller):
    tags = ["money"]  # noqa: RUF012
    guards = [authenticated]  # noqa: RUF012

    @get("/api/calls/{call_id:uuid}/money", name="calls:money")
    async def call(
        self,
        request: Request[Any, Any, Any],
        principal: Principal,
        call_id: uuid.UUID,
        db_session: AsyncSession,
        reporting_currency: str | None = Parameter(
            query="reporting_currency", default=None, max_length=3
        ),
        as_of: datetime.date | None = Parameter(query="as_of", default=None),
    ) -> schemas.CallMoney:
        """Each co-funding agency's envelope, commitments (its grants' awarded totals),
        requested, approved and disbursed tranche amounts and what remains, in its currency;
        with `reporting_currency`, each converted with the latest rate recorded on or before
        `as_of` (today, UTC, by default), shown with the rate, its day and source, and a
        consolidated total. Without a rate an agency's converted figures are null with the
        reason (and so is the consolidated total); never a guess.

        The call's co-funding officers, auditors and admins (403 for others who see the call;
        404 for a draft they may not see). 422 for an unknown currency. A fixed number of
        queries whatever the number of grants. Changes nothing.
        """
        target = _target(reporting_currency)
        call, roles = await visible_call(db_session, principal, call_id)
        require(policy.call_money_decision(roles))
        day = as_of or datetime.datetime.now(datetime.UTC).date()
        return await call_money(
            db_session, call, target=target, as_of=day, locale=request_locale(request)
        )

    @get("/api/grants/{grant_id:uuid}/money", name="grants:money")
    async def grant(
        self, principal: Principal, grant_id: uuid.UUID, db_session: AsyncSession
    ) -> schemas.GrantMoney:
        """Each side's approved grid (year × category) and yearly totals, awarded total,
        tranche schedule with states and amounts, what was disbursed and what is due next.

        Whoever sees the grant: its consortium, the call's co-funding officers, auditors and
        admins (anyone else 404). A fixed number of queries. Changes nothing.
        """
        grant, _, _, _ = await visible_grant(db_session, principal, grant_id)
        return await grant_money(db_session, grant)
