"""Each co-funding agency's funding decision on its own side of a reviewed proposal.

A decision is the agency's key (an `Approval` of purpose `funding`, unique per agency and
proposal) with, for an approval, the approved budget grid. It is recorded by the proposal's
`decide` event (`grants.proposals.workflow`), under the proposal's row lock and the lock of the
agency's entry in the call, so an agency's approvals in a call never add up past its envelope
however many of its officers decide at once.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer, Purpose, Subject, add_answer, answers, rejected
from grants.awards import shared
from grants.awards.budget_checks import approval_errors
from grants.awards.schemas import DecisionData
from grants.db.models import (
    Approval,
    ApprovedBudgetLine,
    BudgetLine,
    Call,
    CallAgency,
    Proposal,
)
from grants.errors import Conflict, Invalid
from grants.money import Money
from grants.workflow.binding import Firing
from messages import define
from workflows.machines.proposal import ProposalState

BUDGET_REFUSED = define(
    "decision.budget.refused",
    "The approved budget goes beyond what was requested or the call's caps.",
)
OVER_ENVELOPE = define(
    "decision.envelope.detail", "The approval does not fit in {agency}'s envelope for this call."
)
ENVELOPE_LEFT = define(
    "decision.envelope.exceeded",
    "Approving {total} would take {agency} past its envelope of {envelope}: {remaining} "
    "remain uncommitted.",
)

# A rejected proposal's approvals commit nothing: its other agencies' money is free again.
RELEASED = (ProposalState.REJECTED,)


def funding(proposal: Proposal) -> Subject:
    """The co-funding agencies' decisions on the proposal. Fixed at version 0, like
    eligibility: the proposal's own state changes must not void the keys."""
    return Subject("proposal", proposal.id, Purpose.FUNDING, 0)


@dataclass(frozen=True, slots=True)
class DecisionFacts:
    """What the proposal guards read about the decisions (see `ProposalContext`)."""

    decisions_recorded: int
    undecided_agencies: tuple[str, ...]
    rejecting_agencies: tuple[str, ...]
    caller_decided: bool


async def decision_facts(
    session: AsyncSession, proposal: Proposal, call: Call, agency_id: uuid.UUID | None
) -> DecisionFacts:
    """The decisions recorded on the proposal, for a caller of agency `agency_id` (one
    query)."""
    answered = await answers(session, funding(proposal))
    cofunders = [(t.agency_id, t.agency.code) for t in call.agencies]
    return DecisionFacts(
        decisions_recorded=len(answered),
        undecided_agencies=tuple(code for a, code in cofunders if a not in answered),
        rejecting_agencies=rejected(answered, cofunders),
        caller_decided=agency_id in answered,
    )


async def lock_envelope(session: AsyncSession, call: Call, agency_id: uuid.UUID | None) -> None:
    """Queue on the agency's entry in the call (SELECT … FOR UPDATE on PostgreSQL; SQLite
    writers queue on the database) so its committed total is read and raised by one decision
    at a time."""
    await session.execute(
        select(CallAgency.id)
        .where(CallAgency.call_id == call.id, CallAgency.agency_id == agency_id)
        .with_for_update()
    )


async def committed(session: AsyncSession, call: Call, agency_id: uuid.UUID) -> int:
    """The agency's approved totals on the call's proposals, a rejected proposal's excepted
    (one query)."""
    total = await session.scalar(
        select(func.coalesce(func.sum(ApprovedBudgetLine.amount), 0))
        .join(Approval, Approval.id == ApprovedBudgetLine.approval_id)
        .join(Proposal, Proposal.id == Approval.subject_id)
        .where(
            Approval.subject_type == "proposal",
            Approval.purpose == Purpose.FUNDING,
            Approval.decision == Answer.APPROVE,
            Approval.agency_id == agency_id,
            Proposal.call_id == call.id,
            Proposal.state.not_in(RELEASED),
        )
    )
    return int(total or 0)


async def record(
    session: AsyncSession, proposal: Proposal, call: Call, firing: Firing
) -> dict[str, Any]:
    """Record the firing officer's agency's decision (the event's role makes them an officer
    of a co-funding agency). In `own_side` mode each agency approves its own part's budget in
    its currency; in `shared` mode every agency approves the one joint budget, in the lead
    agency's currency (`grants.awards.shared`). Raises Invalid naming every refused line and
    broken cap, Conflict when an own-side approval does not fit in the agency's envelope, a
    shared approval differs from another agency's, or the agency has decided already; nothing
    is written then. Returns the audit detail."""
    agency_id = firing.principal.officer_agency_id
    terms = next(t for t in call.agencies if t.agency_id == agency_id)
    data = cast(DecisionData, firing.data)
    total = 0
    currency = terms.currency
    if data.decision == Answer.APPROVE and call.cofunding_mode == "shared":
        currency = shared.lead(call).currency
        total = await shared.checked_joint_total(session, proposal, call, terms, data)
    elif data.decision == Answer.APPROVE:
        total = await _checked_total(session, proposal, call, terms, data)
    answer = await add_answer(
        session,
        funding(proposal),
        agency_id=terms.agency_id,
        agency_code=terms.agency.code,
        officer=firing.principal.actor,
        decision=Answer(data.decision),
        rationale=data.rationale,
    )
    session.add_all(
        ApprovedBudgetLine(
            approval_id=answer.id,
            year=line.year,
            category=line.category,
            amount=line.amount,
            currency=currency,
        )
        for line in data.budget
    )
    changes: dict[str, Any] = {"agency": terms.agency.code, "decision_id": str(answer.id)}
    if data.decision == Answer.APPROVE:
        changes["approved_total"] = {"amount": total, "currency": currency}
    return changes


async def _checked_total(
    session: AsyncSession, proposal: Proposal, call: Call, terms: CallAgency, data: DecisionData
) -> int:
    part = next(p for p in proposal.parts if p.agency_id == terms.agency_id)
    rows = await session.execute(
        select(BudgetLine.year, BudgetLine.category, BudgetLine.amount).where(
            BudgetLine.part_id == part.id
        )
    )
    requested = {(year, category): amount for year, category, amount in rows.tuples()}
    code = terms.agency.code
    errors = approval_errors(
        data.budget,
        requested,
        terms,
        agency=code,
        duration=proposal.duration_years,
        field="data.budget",  # the event's data, as the kernel names its fields
    )
    if errors:
        raise Invalid(BUDGET_REFUSED(), errors=errors)
    total = sum(line.amount for line in data.budget)
    if terms.envelope is not None:
        used = await committed(session, call, terms.agency_id)
        if used + total > terms.envelope:
            left = max(terms.envelope - used, 0)
            reason = ENVELOPE_LEFT(
                total=Money(total, terms.currency),
                agency=code,
                envelope=Money(terms.envelope, terms.currency),
                remaining=Money(left, terms.currency),
            )
            raise Conflict(OVER_ENVELOPE(agency=code), reasons=[reason])
    return total


async def approved_grids(
    session: AsyncSession, approval_ids: Iterable[uuid.UUID]
) -> dict[uuid.UUID, list[ApprovedBudgetLine]]:
    """The approved lines of each approval, in year and category order (one query)."""
    grids: dict[uuid.UUID, list[ApprovedBudgetLine]] = {}
    rows = await session.scalars(
        select(ApprovedBudgetLine)
        .where(ApprovedBudgetLine.approval_id.in_(list(approval_ids)))
        .order_by(ApprovedBudgetLine.year, ApprovedBudgetLine.category)
    )
    for line in rows:
        grids.setdefault(line.approval_id, []).append(line)
    return grids
