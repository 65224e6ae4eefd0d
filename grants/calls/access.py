"""The database side of a call's access: load it, build its facts, ask the policy
(`grants.security.policy`, where the rules are) and translate list scopes into SQL."""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Call, CallAgency
from grants.errors import FieldError, Invalid, NotFound
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define
from workflows.machines.call import CallState

NO_SUCH_CALL = define("call.not_found", "No such call.")
UNKNOWN_STATE = define("call.list.unknown_state", "Unknown call state.")
STATES = define("call.list.states", "the states are {states}")


def call_facts(call: Call) -> policy.CallFacts:
    """What the policy needs to know about the call."""
    return policy.CallFacts(
        state=call.state,
        cofunders=frozenset(t.agency_id for t in call.agencies),
        review_mode=call.review_mode,
    )


def roles_on(principal: Principal, call: Call) -> frozenset[str]:
    """The caller's global roles, plus `cofunding_officer` for an officer of a co-funder."""
    return policy.call_roles(principal, call_facts(call))


async def visible_call(
    session: AsyncSession, principal: Principal, call_id: uuid.UUID
) -> tuple[Call, frozenset[str]]:
    """The call and the caller's roles on it; raises NotFound when it does not exist or is a
    draft the caller may not see (its existence is not revealed)."""
    call = await session.get(Call, call_id)
    if call is None:
        raise NotFound(NO_SUCH_CALL())
    return call, require(policy.decide(principal, policy.Action.READ, call_facts(call)))


def calls_query(
    principal: Principal, *, state: str | None, agency: str | None, q: str | None
) -> Select[tuple[Call]]:
    """Calls the caller may see, newest opening first, filtered by state, co-funder or text."""
    query = select(Call).order_by(Call.opens_at.desc(), Call.code)
    scope = policy.list_scope(principal, "calls")
    if not scope.everything:
        own = select(CallAgency.call_id).where(CallAgency.agency_id == scope.draft_agency)
        query = query.where(or_(Call.state != CallState.DRAFT, Call.id.in_(own)))
    if state:
        if state not in set(CallState):
            states = [str(s) for s in CallState]
            raise Invalid(UNKNOWN_STATE(), errors=[FieldError("state", STATES(states=states))])
        query = query.where(Call.state == state)
    if agency:
        funded = select(CallAgency.call_id).join(Agency).where(Agency.code == agency.upper())
        query = query.where(Call.id.in_(funded))
    if q:
        pattern = f"%{q.lower()}%"
        title = func.lower(Call.title["en"].as_string())
        query = query.where(func.lower(Call.code).like(pattern) | title.like(pattern))
    return query
