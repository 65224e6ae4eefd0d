"""The amendment machine's binding: the deciding agencies' officers answer (`decide`), the last
key approves (the amendment is applied) or rejects it; the requester withdraws it or, for a
small budget move, records it. Every event locks the amendment's row and then its grant's, so
two agencies answering at once queue and the grant changes once."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import applying, moves, schemas
from grants.amendments.applying import Scope
from grants.amendments.loading import check_side, side_rows, subject
from grants.amendments.views import amendment_views
from grants.approvals.records import answers, not_approved, rejected
from grants.awards.access import visible_grant
from grants.db.models import Amendment, Grant
from grants.errors import NotFound
from grants.proposals.access import part_roles
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.workflow.binding import Binding, Firing, Target, row_for_event
from workflows.machines.amendment import AMENDMENT, AmendmentContext, AmendmentEvent
from workflows.machines.grant import GrantState


async def load_amendment(
    session: AsyncSession, principal: Principal, amendment_id: uuid.UUID, lock: bool
) -> Target[Amendment]:
    """The amendment with its scope and the caller's roles; NotFound when they may not see it."""
    amendment = await row_for_event(
        session, Amendment, amendment_id, lock=lock, missing=policy.NO_SUCH_AMENDMENT()
    )
    try:
        grant, proposal, call, grant_roles = await visible_grant(
            session, principal, amendment.grant_id
        )
    except NotFound:
        raise NotFound(policy.NO_SUCH_AMENDMENT()) from None
    if lock:
        await session.execute(
            select(Grant)
            .where(Grant.id == grant.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )
    side = next((s for s in grant.sides if s.id == amendment.side_id), None)
    deciders = tuple((s.agency_id, s.agency.code) for s in grant.sides if side is None or s is side)
    facts = policy.AmendmentFacts(
        grant_roles, frozenset(a for a, _ in deciders), amendment.requested_by
    )
    roles = require(policy.decide(principal, policy.Action.FIRE, facts))
    in_consortium = any(part_roles(principal, p) for p in proposal.parts)
    officers = bool(grant_roles & policy.OVERSIGHT)
    scope = Scope(grant, proposal, call, side, deciders, in_consortium, officers)
    return Target(amendment, roles, scope)


class AmendmentBinding(Binding[Amendment]):
    resource = "amendments"
    id_name = "amendment_id"
    entity_type = "amendment"
    machine = AMENDMENT
    view_type = schemas.Amendment
    tag = "amendments"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {AmendmentEvent.DECIDE: schemas.DecideData}
    follow_ups: ClassVar[Mapping[str, str | tuple[str, ...]]] = {
        AmendmentEvent.DECIDE: (AmendmentEvent.APPROVE, AmendmentEvent.REJECT),
    }

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[Amendment]:
        return await load_amendment(session, principal, entity_id, event is not None)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[Amendment]
    ) -> AmendmentContext:
        amendment, scope = target.entity, target.scope
        answered = await answers(session, subject(amendment))
        return AmendmentContext(
            grant_active=scope.grant.state == GrantState.ACTIVE,
            caller_answered=principal.officer_agency_id in answered,
            actor_in_consortium=scope.in_consortium,
            unapproved=not_approved(answered, scope.deciders),
            rejecting=rejected(answered, scope.deciders),
            small_move=await _small(session, amendment, scope),
        )

    async def effects(
        self, session: AsyncSession, target: Target[Amendment], firing: Firing
    ) -> Mapping[str, Any]:
        amendment, scope = target.entity, target.scope
        if firing.event == AmendmentEvent.DECIDE:
            return await applying.record_answer(session, amendment, scope, firing)
        if firing.event in (AmendmentEvent.APPROVE, AmendmentEvent.RECORD):
            if amendment.kind == "budget_move":
                month = scope.side.agency.fiscal_year_start_month
                return await applying.apply_moves(session, amendment, scope, month)
            return await applying.apply_extension(session, amendment, scope)
        return {}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[Amendment]
    ) -> schemas.Amendment:
        (found,) = await amendment_views(
            session, [target.entity], target.scope.grant, officers=target.scope.officers_shown
        )
        return found


async def _small(session: AsyncSession, amendment: Amendment, scope: Scope) -> bool:
    """A budget move under its agency's threshold of the source years' direct costs."""
    if amendment.kind != "budget_move" or scope.side is None:
        return False
    rows = await side_rows(session, scope.side)
    grid = check_side(scope.grant, scope.call, rows).grid
    amounts = [m.proposed_amount for m in amendment.moves]
    percent = scope.side.agency.budget_move_threshold_percent
    return moves.is_small(grid, amendment.moves, amounts, percent)
