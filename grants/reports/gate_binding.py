"""The mid-term gate's binding: once the report of the gate's year is accepted, each co-funding
agency's officer decides whether the project continues; every "continue" passes the gate, a
"stop" fails it and stops the project."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, ClassVar, cast

from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer, add_answer, answers
from grants.db.models import MidtermGate, ProgressReport
from grants.reports import schemas
from grants.reports.binding import GrantScope, grant_scope
from grants.reports.outcomes import stop_grant
from grants.reports.subjects import gate_subject
from grants.reports.views import one_gate
from grants.security import policy
from grants.security.principal import Principal
from grants.workflow.binding import Binding, Firing, Target, row_for_event
from workflows.machines.grant import GrantState
from workflows.machines.midterm_gate import MIDTERM_GATE, GateContext, GateEvent
from workflows.machines.progress_report import ReportState


class GateBinding(Binding[MidtermGate]):
    resource = "midterm-gates"
    id_name = "gate_id"
    entity_type = "midterm_gate"
    machine = MIDTERM_GATE
    view_type = schemas.MidtermGate
    tag = "midterm"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {GateEvent.DECIDE: schemas.GateDecisionData}
    follow_ups: ClassVar[Mapping[str, str | tuple[str, ...]]] = {
        GateEvent.DECIDE: (GateEvent.FAIL, GateEvent.PASS),
    }

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[MidtermGate]:
        # Both agencies deciding at once queue on the gate's row: it changes state once.
        gate = await row_for_event(
            session, MidtermGate, entity_id, lock=event is not None, missing=policy.NO_SUCH_GATE()
        )
        scope, roles = await grant_scope(session, principal, gate.grant_id, gate=True)
        return Target(gate, roles, scope)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[MidtermGate]
    ) -> GateContext:
        gate, scope = target.entity, cast(GrantScope, target.scope)
        answered = await answers(session, gate_subject(gate))
        cofunders = [(t.agency_id, t.agency.code) for t in scope.call.agencies]
        report_state = await session.scalar(
            select(ProgressReport.state).where(
                ProgressReport.grant_id == gate.grant_id, ProgressReport.year == gate.after_year
            )
        )
        return GateContext(
            grant_active=scope.grant.state == GrantState.ACTIVE,
            after_year=gate.after_year,
            report_accepted=report_state == ReportState.ACCEPTED,
            caller_answered=principal.officer_agency_id in answered,
            actor_in_consortium=scope.in_consortium,
            not_continuing=tuple(
                c
                for a, c in cofunders
                if a not in answered or answered[a].decision != Answer.APPROVE
            ),
            stopping=tuple(
                c for a, c in cofunders if a in answered and answered[a].decision == Answer.REJECT
            ),
        )

    async def effects(
        self, session: AsyncSession, target: Target[MidtermGate], firing: Firing
    ) -> Mapping[str, Any]:
        gate, scope = target.entity, cast(GrantScope, target.scope)
        if firing.event == GateEvent.DECIDE:
            data = cast(schemas.GateDecisionData, firing.data)
            agency_id = firing.principal.officer_agency_id
            code = next(t.agency.code for t in scope.call.agencies if t.agency_id == agency_id)
            assert agency_id is not None  # `cofunding_officer` implies an agency
            await add_answer(
                session,
                gate_subject(gate),
                agency_id=agency_id,
                agency_code=code,
                officer=firing.principal.actor,
                decision=Answer.APPROVE
                if data.decision == schemas.GateAnswer.CONTINUE
                else Answer.REJECT,
                rationale=data.rationale,
            )
            return {"agency": code}
        if firing.event == GateEvent.FAIL:
            decided = await answers(session, gate_subject(gate))
            reason = next(a.rationale for a in decided.values() if a.decision == Answer.REJECT)
            return await stop_grant(session, scope.grant, firing, reason or "")
        return {}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[MidtermGate]
    ) -> schemas.MidtermGate:
        return await one_gate(session, target.entity, officers=target.scope.officers_shown)
