"""Tranches as the API shows them, and a grant's schedule in one query."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards.schemas import Amount
from grants.db.models import Agency, GrantSide, Tranche
from grants.tranches import schemas
from workflows.machines.tranche import TrancheState


async def grant_tranches(
    session: AsyncSession, grant_id: uuid.UUID, *, officers: bool
) -> list[schemas.Tranche]:
    """Every tranche of the grant, side by side in the call's agency order, each side's in
    fiscal-year order: one statement whatever their number."""
    rows = await session.execute(
        select(Tranche, Agency.code)
        .join(GrantSide, GrantSide.id == Tranche.side_id)
        .join(Agency, Agency.id == GrantSide.agency_id)
        .where(Tranche.grant_id == grant_id)
        .order_by(GrantSide.position, Tranche.position)
    )
    return [tranche_view(tranche, code, officers=officers) for tranche, code in rows]


def tranche_view(tranche: Tranche, agency: str, *, officers: bool) -> schemas.Tranche:
    """The tranche with its steps so far; `officers`: whether who approved and disbursed it is
    shown (the requester, a PI, is shown to everyone who sees the tranche)."""

    def amount(value: int) -> Amount:
        return Amount(amount=value, currency=tranche.currency)

    t = tranche
    return schemas.Tranche(
        id=t.id,
        version=t.version,
        grant_id=t.grant_id,
        agency=agency,
        position=t.position,
        label=t.label,
        fiscal_year=t.fiscal_year,
        due_date=t.due_date,
        first_day=t.first_day,
        last_day=t.last_day,
        state=TrancheState(t.state),
        planned=amount(t.planned_amount),
        requested=None
        if t.requested_amount is None or t.requested_at is None
        else schemas.Step(amount=amount(t.requested_amount), by=t.requested_by, at=t.requested_at),
        approved=None
        if t.approved_amount is None or t.approved_at is None
        else schemas.Step(
            amount=amount(t.approved_amount),
            by=t.approved_by if officers else None,
            at=t.approved_at,
        ),
        disbursed=None
        if t.disbursed_amount is None
        or t.disbursed_at is None
        or t.paid_on is None
        or t.payment_reference is None
        else schemas.Disbursement(
            amount=amount(t.disbursed_amount),
            by=t.disbursed_by if officers else None,
            at=t.disbursed_at,
            payment_reference=t.payment_reference,
            paid_on=t.paid_on,
        ),
        comment=t.comment,
    )
