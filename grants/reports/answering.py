"""`POST /api/reports/{id}/decisions` and `POST /api/grants/{id}/midterm/decisions`: an agency's
answer, named by its code, over the machines' `decide` event (the one `fire`)."""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.recording import INVALID, NOT_COFUNDER
from grants.errors import FieldError, Invalid
from grants.reports.binding import GrantScope
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.settings import Settings
from grants.workflow.binding import Binding, Target
from grants.workflow.service import EventRequest, fire


async def answer(
    session: AsyncSession,
    principal: Principal,
    binding: Binding[Any],
    entity_id: uuid.UUID,
    body: BaseModel,
    *,
    settings: Settings,
    request_id: str | None,
) -> Target[Any]:
    """Fire `decide` with the body's answer for the agency it names. Raises NotFound (the
    caller may not see it), Invalid (`agency` is no co-funder; the answer's fields), Forbidden
    (not an officer of that agency, or of none), Conflict (state, guards, a stale version)."""
    seen = await binding.load(session, principal, entity_id, None)
    scope: GrantScope = seen.scope
    fields = body.model_dump(mode="json")
    terms = next((t for t in scope.call.agencies if t.agency.code == fields["agency"]), None)
    if terms is None:
        cofunders = [t.agency.code for t in scope.call.agencies]
        reason = NOT_COFUNDER(agency=fields["agency"], cofunders=cofunders)
        raise Invalid(INVALID(), errors=[FieldError("agency", reason)])
    require(
        policy.decision_record_decision(principal, seen.roles, terms.agency_id, fields["agency"])
    )
    data = {k: v for k, v in fields.items() if k not in ("version", "agency")}
    try:
        return await fire(
            session,
            binding,
            entity_id,
            "decide",
            EventRequest(fields["version"], data),
            principal,
            settings=settings,
            request_id=request_id,
        )
    except Invalid as refused:
        errors = [FieldError(e.field.removeprefix("data."), e.reason) for e in refused.errors]
        raise Invalid(refused.detail, errors=errors, reasons=refused.reasons) from refused
