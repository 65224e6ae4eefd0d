"""A proposal's funding decisions as each caller may read them (`policy.decisions_shown`)."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import answers
from grants.awards import schemas
from grants.awards.decisions import approved_grids, funding
from grants.db.models import Approval, ApprovedBudgetLine, Call, Proposal, User
from grants.security.policy import DecisionsShown


async def decisions(
    session: AsyncSession, proposal: Proposal, call: Call, shown: DecisionsShown
) -> list[schemas.Decision]:
    """The decisions `shown` lets the caller read, in the call's agency order (at most three
    queries whatever the number of agencies)."""
    answered = await answers(session, funding(proposal))
    readable = [
        (terms, answered[terms.agency_id])
        for terms in call.agencies
        if terms.agency_id in answered
        and (shown.every_agency or terms.agency_id == shown.own_agency)
    ]
    if not readable:
        return []
    grids = await approved_grids(session, [row.id for _, row in readable])
    officers = {}
    if shown.officers:
        officers = await _officers(session, [row.officer_id for _, row in readable])
    return [
        decision_view(row, terms.agency.code, terms.currency, grids.get(row.id, []), officers)
        for terms, row in readable
    ]


def decision_view(
    row: Approval,
    agency: str,
    currency: str,
    lines: list[ApprovedBudgetLine],
    officers: dict[uuid.UUID, schemas.Officer],
) -> schemas.Decision:
    """One decision; `officers` holds who decided, when the reader may know it."""
    officer = officers.get(row.officer_id)
    approved = row.decision == "approve"
    return schemas.Decision(
        id=row.id,
        agency=agency,
        decision=row.decision,  # type: ignore[arg-type]  # the table's CHECK holds it
        rationale=row.rationale or "",
        budget=[schemas.ApprovedLine.model_validate(line) for line in lines],
        total=schemas.Amount(amount=sum(x.amount for x in lines), currency=currency)
        if approved
        else None,
        decided_by=officer,
        decided_at=row.created_at,
    )


async def _officers(
    session: AsyncSession, ids: list[uuid.UUID]
) -> dict[uuid.UUID, schemas.Officer]:
    rows = await session.execute(select(User.id, User.display_name).where(User.id.in_(ids)))
    return {i: schemas.Officer(id=i, display_name=name) for i, name in rows.tuples()}
