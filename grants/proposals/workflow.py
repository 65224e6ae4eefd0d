"""The proposal machine's binding: submission (with its reference number), reopening,
withdrawal, each co-funding agency's eligibility key for its own part (the last key admits the
proposal; one agency finding its part ineligible is enough to refuse it), and each agency's
funding decision on its own side (the last approval awards the proposal and creates its grant;
one rejection rejects it).
"""

from __future__ import annotations

import datetime
import uuid
from collections.abc import Mapping
from dataclasses import replace
from typing import Any, ClassVar

import structlog
from pydantic import BaseModel, Field
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer, Purpose, Subject, answers, not_approved, record_key
from grants.awards import creation, decisions, letters
from grants.awards.schemas import DecisionData
from grants.calls.zones import call_zones
from grants.common.schemas import Input, examples
from grants.db.models import Call, Proposal, ReviewAssignment
from grants.errors import Conflict
from grants.partners import queries as partner_queries
from grants.proposals import checks, queries, schemas
from grants.proposals.access import visible_proposal
from grants.proposals.services import detail, facts
from grants.security.principal import Principal
from grants.times import ensure_utc, utcnow
from grants.workflow.binding import Binding, Firing, Target
from grants.workflow.service import REFUSED
from messages import Instant
from workflows.machines.proposal import (
    DEADLINE_PASSED,
    PROPOSAL,
    ProposalContext,
    ProposalEvent,
    ProposalState,
)
from workflows.machines.review_assignment import AssignmentState

log = structlog.get_logger("grants.proposals")

ELIGIBILITY_EVENTS = frozenset({ProposalEvent.DECLARE_ELIGIBLE, ProposalEvent.DECLARE_INELIGIBLE})


class EligibleData(Input):
    """An agency's optional note on its part's eligibility."""

    model_config = examples({"reason": "Within the caps; the PI holds no other NEXUS grant."})

    reason: str | None = Field(default=None, max_length=2000)


class IneligibleData(Input):
    """Why the agency's part fails its eligibility rules (the applicants read it)."""

    model_config = examples({"reason": "Indirect costs exceed 30% of the direct costs."})

    reason: str = Field(min_length=1, max_length=2000)


def eligibility(proposal: Proposal) -> Subject:
    """The co-funding agencies' keys on the proposal's eligibility, each for its own part.
    Fixed at version 0: a submitted proposal's content cannot change after the deadline, when
    eligibility is decided, and its state changes must not void the keys."""
    return Subject("proposal", proposal.id, Purpose.ELIGIBILITY, 0)


async def proposal_context(
    session: AsyncSession, principal: Principal, proposal: Proposal, call: Call
) -> ProposalContext:
    """Facts for the guards, the call's deadline shown in its co-funding agencies' zones."""
    found = await _state_facts(session, principal, proposal, call)
    return replace(found, zones=call_zones(call))


async def _state_facts(
    session: AsyncSession, principal: Principal, proposal: Proposal, call: Call
) -> ProposalContext:
    """The submission problems for a draft, the agencies' eligibility keys once submitted, the
    review counts under review."""
    if proposal.state == ProposalState.UNDER_REVIEW:
        outstanding, submitted = await review_counts(session, proposal)
        return replace(facts(call), reviews_outstanding=outstanding, reviews_submitted=submitted)
    if proposal.state == ProposalState.SUBMITTED:
        answered = await answers(session, eligibility(proposal))
        cofunders = [(t.agency_id, t.agency.code) for t in call.agencies]
        return replace(
            facts(call),
            eligibility_pending=not_approved(answered, cofunders),
            caller_assessed=principal.officer_agency_id in answered,
        )
    if proposal.state == ProposalState.REVIEWED:
        decided = await decisions.decision_facts(
            session, proposal, call, principal.officer_agency_id
        )
        return replace(
            facts(call),
            decisions_recorded=decided.decisions_recorded,
            undecided_agencies=decided.undecided_agencies,
            rejecting_agencies=decided.rejecting_agencies,
            caller_decided=decided.caller_decided,
        )
    if proposal.state != ProposalState.DRAFT:
        return facts(call)
    await queries.load_budgets(session, proposal)
    problems = checks.submission_problems(
        proposal,
        call,
        present_kinds=await queries.document_kinds(session, proposal.id),
        pis_elsewhere=await queries.pis_elsewhere(session, proposal),
    )
    partners = await partner_queries.submission_problems(session, proposal, call, utcnow().date())
    return facts(call, problems=(*problems, *partners))


async def review_counts(session: AsyncSession, proposal: Proposal) -> tuple[int, int]:
    """Selection-round reviews of the proposal (outstanding = invited or accepted, submitted),
    in one query."""
    rows = await session.execute(
        select(ReviewAssignment.state, func.count())
        .where(ReviewAssignment.proposal_id == proposal.id, ReviewAssignment.round == 0)
        .group_by(ReviewAssignment.state)
    )
    counts = {state: int(n) for state, n in rows.tuples()}
    return (
        counts.get(AssignmentState.INVITED, 0) + counts.get(AssignmentState.ACCEPTED, 0),
        counts.get(AssignmentState.SUBMITTED, 0),
    )


async def next_number(session: AsyncSession, call: Call) -> int:
    """The call's next reference number. The UPDATE holds the call row's lock until the
    transaction ends, so concurrent submissions queue and a rolled-back one returns its number:
    numbers are gap-free and unique per call."""
    result = await session.execute(
        update(Call)
        .where(Call.id == call.id)
        .values(last_proposal_number=Call.last_proposal_number + 1)
        .returning(Call.last_proposal_number)
        .execution_options(synchronize_session=False)
    )
    return int(result.scalar_one())


class ProposalBinding(Binding[Proposal]):
    resource = "proposals"
    id_name = "proposal_id"
    entity_type = "proposal"
    machine = PROPOSAL
    view_type = schemas.ProposalDetail
    tag = "proposals"
    data: ClassVar[Mapping[str, type[BaseModel]]] = {
        ProposalEvent.DECLARE_ELIGIBLE: EligibleData,
        ProposalEvent.DECLARE_INELIGIBLE: IneligibleData,
        ProposalEvent.DECIDE: DecisionData,
    }
    follow_ups: ClassVar[Mapping[str, str | tuple[str, ...]]] = {
        ProposalEvent.DECLARE_ELIGIBLE: ProposalEvent.ADMIT,
        ProposalEvent.DECIDE: (ProposalEvent.AWARD, ProposalEvent.REJECT),
    }

    async def load(
        self, session: AsyncSession, principal: Principal, entity_id: uuid.UUID, event: str | None
    ) -> Target[Proposal]:
        # An assigned reviewer reaches it too (reading it in full), holding no role that fires.
        proposal, call, roles = await visible_proposal(session, principal, entity_id, reading=True)
        if event == ProposalEvent.SUBMIT:
            # Submissions to one call queue on its row, so "PI once per call" is read under
            # the lock and reference numbers stay gap-free.
            await session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
        elif event is not None:  # the agencies' keys and the state change queue on the row
            await session.execute(
                select(Proposal)
                .where(Proposal.id == proposal.id)
                .with_for_update()
                .execution_options(populate_existing=True)
            )
        if event == ProposalEvent.DECIDE:  # the agency's approvals in the call queue here
            await decisions.lock_envelope(session, call, principal.officer_agency_id)
        return Target(proposal, roles, call)

    async def context(
        self, session: AsyncSession, principal: Principal, target: Target[Proposal]
    ) -> ProposalContext:
        return await proposal_context(session, principal, target.entity, target.scope)

    async def effects(
        self, session: AsyncSession, target: Target[Proposal], firing: Firing
    ) -> Mapping[str, Any]:
        proposal, call = target.entity, target.scope
        if firing.event == ProposalEvent.SUBMIT:
            return await _submitted(session, proposal, call)
        if firing.event in ELIGIBILITY_EVENTS:
            return await _assessed(session, proposal, call, firing)
        if firing.event == ProposalEvent.DECIDE:
            return await decisions.record(session, proposal, call, firing)
        if firing.event == ProposalEvent.AWARD:
            created = await creation.create_grant(session, proposal, call, firing)
            await letters.send(session, proposal, call, awarded=True)
            return created
        if firing.event == ProposalEvent.REJECT:
            await letters.send(session, proposal, call, awarded=False)
        return {}

    async def view(
        self, session: AsyncSession, principal: Principal, target: Target[Proposal]
    ) -> schemas.ProposalDetail:
        return await detail(session, principal, target.entity, target.scope, target.roles)


async def _submitted(session: AsyncSession, proposal: Proposal, call: Call) -> dict[str, Any]:
    """The first submission takes the call's next reference number `<code>-NNNN`.

    The guard checked the deadline when the request came in, but a submission may then wait
    for the call's row (other submissions hold it while they take their numbers): the deadline
    is checked again under that lock, at the instant recorded as `submitted_at`, so no
    submission is ever recorded at or after the deadline. Raises Conflict (the guard's reason)
    when it passed meanwhile; the number taken is returned by the rollback.
    """
    number = await next_number(session, call) if proposal.number is None else None
    # Read before the proposal changes: an autoflush here would bump its version twice.
    now, closes_at = await _deadline_under_lock(session, call)
    if now >= closes_at:
        late = DEADLINE_PASSED(deadline=Instant(closes_at, call_zones(call)))
        raise Conflict(REFUSED(), reasons=[late])
    changes: dict[str, Any] = {}
    if number is not None:
        reference = f"{call.code}-{number:04d}"
        changes = {"number": [None, number], "reference": [None, reference]}
        proposal.number, proposal.reference = number, reference
        log.info("proposal numbered", proposal_id=str(proposal.id), reference=reference)
    proposal.submitted_at = now
    return changes


async def _deadline_under_lock(
    session: AsyncSession, call: Call
) -> tuple[datetime.datetime, datetime.datetime]:
    """Now, and the call's deadline as committed, read holding the call's row lock (already
    held after `next_number`; a resubmission takes it here)."""
    closes_at = await session.scalar(
        select(Call.closes_at).where(Call.id == call.id).with_for_update()
    )
    assert closes_at is not None
    return utcnow(), ensure_utc(closes_at)


async def _assessed(
    session: AsyncSession, proposal: Proposal, call: Call, firing: Firing
) -> dict[str, Any]:
    """Record the caller's agency's key on its part's eligibility, with the reason."""
    reason = firing.data.model_dump().get("reason")
    eligible = firing.event == ProposalEvent.DECLARE_ELIGIBLE
    answer = Answer.APPROVE if eligible else Answer.REJECT
    changes = await record_key(
        session, eligibility(proposal), firing, call, decision=answer, rationale=reason
    )
    if not eligible:
        proposal.eligibility_reason = reason
    return changes
