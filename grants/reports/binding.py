"""The progress report machine's binding: a PI of either side submits the joint report (a
narrative document and the year's figures), each co-funding agency's officer answers on the
round; every acceptance accepts it, a revision returns it, a stop stops the project."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, cast

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer, add_answer, answers
from grants.awards.access import visible_grant
from grants.db.models import Call, Document, Grant, ProgressReport, Proposal
from grants.documents.narratives import NARRATIVE_KIND
from grants.errors import FieldError, Invalid, NotFound
from grants.proposals.access import part_roles
from grants.reports import schemas
from grants.reports.outcomes import stop_grant
from grants.reports.subjects import round_subject
from grants.reports.views import one_report
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from grants.times import utcnow
from grants.workflow.binding import Binding, Firing, Target, row_for_event
from grants.workflow.service import INVALID_DATA
from messages import define
from workflows.machines.grant import GrantState
from workflows.machines.progress_report import PROGRESS_REPORT, ReportContext, ReportEvent

REPORT_KIND = NARRATIVE_KIND
NOT_A_REPORT = define(
    "report.document.not_a_report",
    "The document must be a '{kind}' document uploaded to this grant's proposal.",
)
COMMENT_REQUIRED = define(
    "report.decision.comment_required", "A comment is required to {decision} the report."
)
TO_KEY = {
    schemas.ReportAnswer.ACCEPT: Answer.APPROVE,
    schemas.ReportAnswer.REVISE: Answer.REVISE,
    schemas.ReportAnswer.STOP: Answer.REJECT,
}


@dataclass(frozen=True, slots=True)
class GrantScope:
    """What a report's or gate's facts and view need beside the row."""

    grant: Grant
    proposal: Proposal
    call: Call
    in_consortium: bool
    officers_shown: bool


async def grant_scope(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID, *, gate: bool = False
) -> tuple[GrantScope, frozenset[str]]:
    """The grant around a report or gate and the caller's roles on it; NotFound (naming the
    report or the gate) when the caller may not see the grant."""
    try:
        grant, proposal, call, grant_roles = await visible_grant(session, principal, grant_id)
    except NotFound:
        raise NotFound(policy.NO_SUCH_GATE() if gate else policy.NO_SUCH_REPORT()) from None
    roles = require(policy.decide(principal, policy.Action.FIRE, policy.ReportFacts(grant_roles)))
    in_consortium = any(part_roles(principal, p) for p in proposal.parts)
    officers = policy.report_officers_shown(grant_roles)
    return GrantScope(grant, proposal, call, in_consortium, officers), roles


class ReportBinding(Binding[ProgressReport]):
    resource = "reports"
    id_name = "report_id"
    entity_type = "progress_report"
    machine = PROGRESS_REPORT
    view_type = schemas.ProgressReport
    tag = "reports"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {
        ReportEvent.SUBMIT: schemas.SubmitData,
        ReportEvent.RESUBMIT: schemas.SubmitData,
        ReportEvent.DECIDE: schemas.ReportDecisionData,
    }
    follow_ups: ClassVar[Mapping[str, str | tuple[str, ...]]] = {
        ReportEvent.DECIDE: (ReportEvent.STOP, ReportEvent.RETURN, ReportEvent.ACCEPT),
    }

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[ProgressReport]:
        # Both agencies answering at once queue on the report's row: it changes state once.
        report = await row_for_event(
            session,
            ProgressReport,
            entity_id,
            lock=event is not None,
            missing=policy.NO_SUCH_REPORT(),
        )
        scope, roles = await grant_scope(session, principal, report.grant_id)
        return Target(report, roles, scope)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[ProgressReport]
    ) -> ReportContext:
        scope: GrantScope = target.scope
        answered = await answers(session, round_subject(target.entity))
        cofunders = [(t.agency_id, t.agency.code) for t in scope.call.agencies]

        def said(answer: Answer) -> tuple[str, ...]:
            return tuple(
                c for a, c in cofunders if a in answered and answered[a].decision == answer
            )

        return ReportContext(
            grant_active=scope.grant.state == GrantState.ACTIVE,
            caller_answered=principal.officer_agency_id in answered,
            actor_in_consortium=scope.in_consortium,
            not_accepted=tuple(c for a, c in cofunders if c not in said(Answer.APPROVE)),
            revising=said(Answer.REVISE),
            stopping=said(Answer.REJECT),
        )

    async def effects(
        self, session: AsyncSession, target: Target[ProgressReport], firing: Firing
    ) -> Mapping[str, Any]:
        report, scope = target.entity, target.scope
        if firing.event in (ReportEvent.SUBMIT, ReportEvent.RESUBMIT):
            return await _submitted(session, report, scope, firing)
        if firing.event == ReportEvent.DECIDE:
            return await _answered(session, report, scope, firing)
        if firing.event == ReportEvent.STOP:
            stopping = await answers(session, round_subject(report))
            comment = next(a.rationale for a in stopping.values() if a.decision == Answer.REJECT)
            return await stop_grant(session, scope.grant, firing, comment or "")
        return {}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[ProgressReport]
    ) -> schemas.ProgressReport:
        return await one_report(session, target.entity, officers=target.scope.officers_shown)


async def _submitted(
    session: AsyncSession, report: ProgressReport, scope: GrantScope, firing: Firing
) -> dict[str, Any]:
    """A new round: the narrative must be a report document of the grant's own proposal."""
    data = cast(schemas.SubmitData, firing.data)
    document = await session.get(Document, data.document_id)
    if (
        document is None
        or document.proposal_id != scope.proposal.id
        or document.kind != REPORT_KIND
    ):
        reason = NOT_A_REPORT(kind=REPORT_KIND)
        raise Invalid(
            INVALID_DATA(event=firing.event), errors=[FieldError("data.document_id", reason)]
        )
    report.document_id = document.id
    report.figures = data.figures.model_dump(mode="json")
    report.submitted_by, report.submitted_at = firing.principal.user_id, utcnow()
    report.round += 1
    return {"round": report.round}


async def _answered(
    session: AsyncSession, report: ProgressReport, scope: GrantScope, firing: Firing
) -> dict[str, Any]:
    """The caller's agency's answer on the round (the `decide` event's audit records it)."""
    data = cast(schemas.ReportDecisionData, firing.data)
    if data.decision != schemas.ReportAnswer.ACCEPT and data.comment is None:
        reason = COMMENT_REQUIRED(decision=data.decision.value)
        raise Invalid(INVALID_DATA(event=firing.event), errors=[FieldError("data.comment", reason)])
    agency_id = firing.principal.officer_agency_id
    code = next(t.agency.code for t in scope.call.agencies if t.agency_id == agency_id)
    assert agency_id is not None  # `cofunding_officer` implies an agency
    await add_answer(
        session,
        round_subject(report),
        agency_id=agency_id,
        agency_code=code,
        officer=firing.principal.actor,
        decision=TO_KEY[data.decision],
        rationale=data.comment,
    )
    return {"agency": code, "round": report.round}
