"""The proposal machine's facts and events: submission (with its reference number), reopening,
withdrawal and the officers' eligibility decision, all through `grants.workflow.service.fire`.
"""

from __future__ import annotations

from dataclasses import replace

import structlog
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from grants.audit.chain import append
from grants.common.schemas import EventBody
from grants.db.models import Call, Proposal, ReviewAssignment
from grants.errors import FieldError, Invalid
from grants.proposals import checks, queries
from grants.proposals.services import facts
from grants.security.principal import Principal
from grants.times import utcnow
from grants.workflow.service import EventRequest, Option, fire, options
from workflows.machines.proposal import PROPOSAL, ProposalContext, ProposalEvent

log = structlog.get_logger("grants.proposals")


async def proposal_context(
    session: AsyncSession, principal: Principal, proposal: Proposal, call: Call
) -> ProposalContext:
    """Facts for the guards; the submission problems are gathered only for a draft, the
    review counts only for a proposal under review."""
    if proposal.state == "under_review":
        outstanding, submitted = await review_counts(session, proposal)
        return replace(facts(call), reviews_outstanding=outstanding, reviews_submitted=submitted)
    if proposal.state != "draft":
        return facts(call)
    problems = checks.submission_problems(
        proposal,
        call,
        present_kinds=await queries.document_kinds(session, proposal.id),
        pis_elsewhere=await queries.pis_elsewhere(session, proposal),
        locale=principal.locale,
    )
    return facts(call, problems=problems)


async def review_counts(session: AsyncSession, proposal: Proposal) -> tuple[int, int]:
    """Selection-round reviews of the proposal (outstanding = invited or accepted, submitted),
    in one query."""
    rows = await session.execute(
        select(ReviewAssignment.state, func.count())
        .where(ReviewAssignment.proposal_id == proposal.id, ReviewAssignment.round == 0)
        .group_by(ReviewAssignment.state)
    )
    counts = {state: int(n) for state, n in rows.tuples()}
    return counts.get("invited", 0) + counts.get("accepted", 0), counts.get("submitted", 0)


async def transitions(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
) -> list[Option]:
    """The events of the proposal's state, and whether this caller may fire each now."""
    ctx = await proposal_context(session, principal, proposal, call)
    return options(PROPOSAL, proposal, roles, ctx)


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


async def _lock_call(session: AsyncSession, call: Call, numbered: bool) -> int | None:
    """Serialise submissions to one call on its row: the next number for a first submission,
    a plain row lock for a resubmission."""
    if numbered:
        return await next_number(session, call)
    await session.execute(select(Call.id).where(Call.id == call.id).with_for_update())
    return None


def _eligibility_reason(event: str, data: dict[str, str]) -> str | None:
    reason = (data.get("reason") or "").strip() or None
    if event == ProposalEvent.DECLARE_INELIGIBLE and reason is None:
        raise Invalid(
            "Say why the proposal is ineligible.",
            errors=[FieldError("data.reason", "required for declare_ineligible")],
        )
    if reason is not None and len(reason) > 2000:
        raise Invalid(
            "The reason is too long.", errors=[FieldError("data.reason", "at most 2000 characters")]
        )
    return reason


async def apply_event(
    session: AsyncSession,
    principal: Principal,
    proposal: Proposal,
    call: Call,
    roles: frozenset[str],
    event: str,
    body: EventBody,
    request_id: str | None,
) -> Proposal:
    """Fire `event` on the proposal in the request's transaction (atomic for every agency's
    part). The first submission takes the next reference number `<call code>-NNNN`; the
    eligibility events store their reason (required for `declare_ineligible`). Raises what
    `fire` raises, and Invalid for a missing reason."""
    reason = _eligibility_reason(event, body.data)
    numbered = event == ProposalEvent.SUBMIT and proposal.number is None
    number = await _lock_call(session, call, numbered) if event == ProposalEvent.SUBMIT else None
    # Read under the call's lock (so "PI once per call" holds against concurrent submissions)
    # and before any attribute changes, which a query would autoflush.
    ctx = await proposal_context(session, principal, proposal, call)
    if number is not None:  # taken before the guards run: a refusal's rollback returns it
        proposal.number, proposal.reference = number, f"{call.code}-{number:04d}"
    if event == ProposalEvent.SUBMIT:
        proposal.submitted_at = utcnow()
    if event in (ProposalEvent.DECLARE_ELIGIBLE, ProposalEvent.DECLARE_INELIGIBLE):
        proposal.eligibility_reason = reason
    await fire(
        session,
        machine=PROPOSAL,
        entity=proposal,
        entity_type="proposal",
        request=EventRequest(event=event, version=body.version, data=body.data),
        roles=roles,
        ctx=ctx,
        actor=principal.actor,
        request_id=request_id,
    )
    if numbered:
        await append(
            session,
            actor=principal.actor,
            action="proposal.number",
            entity_type="proposal",
            entity_id=proposal.id,
            changes={"number": [None, proposal.number], "reference": [None, proposal.reference]},
            request_id=request_id,
        )
        log.info("proposal numbered", proposal_id=str(proposal.id), reference=proposal.reference)
    return proposal
