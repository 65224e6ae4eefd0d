"""Who sees a call and which roles they hold on it, computed in one place.

A draft call is seen only by officers of its co-funding agencies, auditors and admins; anyone
else gets 404, so its existence is not revealed. Open and later calls are seen by everyone
signed in.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, CallAgency
from grants.errors import FieldError, Invalid, NotFound
from grants.security.principal import Principal
from workflows.machines.call import CallState
from workflows.roles import ADMIN, AUDITOR, COFUNDING_OFFICER, OFFICER

OVERSIGHT = frozenset({COFUNDING_OFFICER, AUDITOR, ADMIN})


def roles_on(principal: Principal, call: Call) -> frozenset[str]:
    """The caller's global roles, plus `cofunding_officer` for an officer of a co-funder."""
    cofunders = {t.agency_id for t in call.agencies}
    if OFFICER in principal.roles and principal.officer_agency_id in cofunders:
        return principal.roles | {COFUNDING_OFFICER}
    return principal.roles


async def visible_call(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID
) -> tuple[Call, frozenset[str]]:
    """The call and the caller's roles on it; raises NotFound when it does not exist or is a
    draft the caller may not see (its existence is not revealed)."""
    call = await session.get(Call, call_id)
    if call is None:
        raise NotFound("No such call.")
    roles = roles_on(principal, call)
    if call.state == CallState.DRAFT and not roles & OVERSIGHT:
        raise NotFound("No such call.")
    return call, roles


def calls_query(
    principal: Principal, *, state: str | None, agency: str | None, q: str | None
) -> Select[tuple[Call]]:
    """Calls the caller may see, newest opening first, filtered by state, co-funder or text."""
    query = select(Call).order_by(Call.opens_at.desc(), Call.code)
    if not principal.has(AUDITOR, ADMIN):
        own = select(CallAgency.call_id).where(CallAgency.agency_id == principal.officer_agency_id)
        query = query.where(or_(Call.state != CallState.DRAFT, Call.id.in_(own)))
    if state:
        if state not in set(CallState):
            raise Invalid(
                "Unknown call state.",
                errors=[FieldError("state", f"one of {', '.join(CallState)}")],
            )
        query = query.where(Call.state == state)
    if agency:
        funded = select(CallAgency.call_id).join(Agency).where(Agency.code == agency.upper())
        query = query.where(Call.id.in_(funded))
    if q:
        pattern = f"%{q.lower()}%"
        title = func.lower(Call.title["en"].as_string())
        query = query.where(func.lower(Call.code).like(pattern) | title.like(pattern))
    return query
