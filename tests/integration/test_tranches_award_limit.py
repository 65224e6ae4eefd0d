"""The database itself refuses disbursements of one grant side beyond its award, even when
every tranche row is within its own checks (disbursed ≤ approved ≤ planned): a trigger sums the
side's disbursements on every write of one (migration 0014), on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Tranche
from tests.factories_awards import make_deciding, make_grant, with_tranches


def _paid(amount: int) -> dict[str, int | str]:
    """A tranche planned, approved and disbursed at `amount`: within the row's own checks."""
    return {
        "planned_amount": amount,
        "approved_amount": amount,
        "disbursed_amount": amount,
        "state": "disbursed",
    }


async def test_the_database_refuses_disbursements_beyond_the_sides_award(
    db: AsyncSession,
) -> None:
    panel = await make_deciding(db)
    grant = await make_grant(db, panel, panel.proposals[0])
    tranches = await with_tranches(db, panel, grant)
    side = grant.sides[0]
    first, second = [t.id for t in tranches if t.side_id == side.id][:2]
    award = side.awarded_total
    await db.execute(update(Tranche).where(Tranche.id == first).values(**_paid(award)))

    with pytest.raises(IntegrityError, match="disbursements_within_award"):
        async with db.begin_nested():
            await db.execute(update(Tranche).where(Tranche.id == second).values(**_paid(1)))

    paid = await db.scalar(
        select(func.sum(Tranche.disbursed_amount)).where(Tranche.side_id == side.id)
    )
    assert (paid, award) == (10_500_000, 10_500_000)
