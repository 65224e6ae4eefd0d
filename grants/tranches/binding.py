"""The tranche machine's binding: the PI of a side requests its agency's tranche, that agency's
officers return, approve, withhold and disburse it.

Facts the guards read today: the grant's state; the request's `problems`, the side's papers it
lacks (the first tranche needs the side's signed agreement, a later one the side's financial
statement of the previous project year: `grants.agreements.gating`); tranche p ≥ 2 waits for
project year p-1's progress report, accepted by every co-funding agency, and, when year p-1 is
past a mid-term gate, for the gate passed (`grants.reports.tranche_facts`).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements.gating import request_problems
from grants.awards.access import visible_grant
from grants.db.models import Call, Grant, Proposal, Tranche
from grants.errors import NotFound
from grants.proposals.access import part_roles
from grants.reports.tranche_facts import tranche_waits
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.tranches import schemas
from grants.tranches.steps import record_step
from grants.tranches.views import tranche_view
from grants.workflow.binding import Binding, Firing, Target, row_for_event
from workflows.machines.grant import GrantState
from workflows.machines.tranche import TRANCHE, TrancheContext, TrancheEvent


@dataclass(frozen=True, slots=True)
class TrancheScope:
    """What a tranche's facts and view need beside the row."""

    grant: Grant
    proposal: Proposal
    call: Call
    agency: str
    in_consortium: bool
    officers_shown: bool


class TrancheBinding(Binding[Tranche]):
    resource = "tranches"
    id_name = "tranche_id"
    entity_type = "tranche"
    machine = TRANCHE
    view_type = schemas.Tranche
    tag = "tranches"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {
        TrancheEvent.REQUEST: schemas.RequestData,
        TrancheEvent.RESUBMIT: schemas.RequestData,
        TrancheEvent.APPROVE: schemas.ApproveData,
        TrancheEvent.RETURN: schemas.CommentData,
        TrancheEvent.WITHHOLD: schemas.CommentData,
        TrancheEvent.DISBURSE: schemas.DisburseData,
    }

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[Tranche]:
        tranche = await row_for_event(
            session, Tranche, entity_id, lock=event is not None, missing=policy.NO_SUCH_TRANCHE()
        )
        try:
            grant, proposal, call, grant_roles = await visible_grant(
                session, principal, tranche.grant_id
            )
        except NotFound:
            raise NotFound(policy.NO_SUCH_TRANCHE()) from None
        side = next(s for s in grant.sides if s.id == tranche.side_id)
        part = next(p for p in proposal.parts if p.id == side.part_id)
        facts = policy.TrancheFacts(
            grant_roles, part_roles(principal, part), side.agency_id, tranche.requested_by
        )
        roles = require(policy.decide(principal, policy.Action.FIRE, facts))
        scope = TrancheScope(
            grant,
            proposal,
            call,
            side.agency.code,
            in_consortium=any(part_roles(principal, p) for p in proposal.parts),
            officers_shown=policy.tranche_officers_shown(grant_roles),
        )
        return Target(tranche, roles, scope)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[Tranche]
    ) -> TrancheContext:
        tranche, scope = target.entity, target.scope
        side = next(s for s in scope.grant.sides if s.id == tranche.side_id)
        waits = await tranche_waits(session, tranche, scope.call)
        return TrancheContext(
            grant_active=scope.grant.state == GrantState.ACTIVE,
            problems=await request_problems(session, tranche, side, scope.grant.duration_years),
            previous_report_pending=waits.report_pending,
            midterm_gate_pending=waits.gate_pending,
            actor_is_requester=tranche.requested_by == principal.user_id,
            actor_in_consortium=scope.in_consortium,
        )

    async def effects(
        self, session: AsyncSession, target: Target[Tranche], firing: Firing
    ) -> Mapping[str, Any]:
        return record_step(target.entity, firing.event, firing.data, firing.principal)

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[Tranche]
    ) -> schemas.Tranche:
        scope = target.scope
        return tranche_view(target.entity, scope.agency, officers=scope.officers_shown)
