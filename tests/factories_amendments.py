"""Amendments of a grant written as the application writes them (requested, not yet decided),
and the deciding agencies' answers on them as approval rows (for guard tests)."""

from __future__ import annotations

import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Amendment, AmendmentMove, Grant, GrantSide, User
from tests.factories import persist
from tests.factories_guards import approve


def _requested(grant: Grant, requester: User, **fields: object) -> Amendment:
    return Amendment(
        grant_id=grant.id,
        requested_by=requester.id,
        requested_at=datetime.datetime.now(datetime.UTC).replace(microsecond=0),
        reason="The plan changed.",
        **fields,
    )


async def with_extension(
    db: AsyncSession, grant: Grant, requester: User, months: int = 3
) -> Amendment:
    """A requested no-cost extension of the grant's end date by `months` (at most 12)."""
    end = grant.end_date
    total = end.month - 1 + months
    proposed = end.replace(year=end.year + total // 12, month=total % 12 + 1)
    amendment = _requested(
        grant,
        requester,
        kind="no_cost_extension",
        previous_end_date=end,
        proposed_end_date=proposed,
    )
    await persist(db, amendment)
    return amendment


async def with_move(
    db: AsyncSession,
    side: GrantSide,
    grant: Grant,
    requester: User,
    source: tuple[int, str],
    target: tuple[int, str],
    amount: int,
) -> Amendment:
    """A requested budget move of `amount` on `side` from `source` to `target` (year,
    category)."""
    amendment = _requested(grant, requester, kind="budget_move", side_id=side.id)
    amendment.moves = [
        AmendmentMove(
            position=0,
            from_year=source[0],
            from_category=source[1],
            to_year=target[0],
            to_category=target[1],
            currency=side.currency,
            proposed_amount=amount,
        )
    ]
    await persist(db, amendment)
    return amendment


async def amendment_answer(
    db: AsyncSession, amendment: Amendment, agency: Agency, officer: User, decision: str
) -> None:
    """`agency`'s answer (`approve` or `reject`) on the amendment."""
    await approve(db, ("amendment", amendment.id, "amendment", 0), agency, officer, decision)
