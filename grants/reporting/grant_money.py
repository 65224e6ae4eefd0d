"""A grant's money per side: the approved grid, the awarded total, the tranche schedule with
states, what was paid and what is due next. Two queries past loading the grant."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import queries
from grants.awards.schemas import Amount, ApprovedLine, YearAmount
from grants.db.models import Grant, GrantSide, Tranche
from grants.reporting import schemas
from workflows.machines.grant import GrantState
from workflows.machines.tranche import TrancheState

# A tranche in one of these is settled: nothing more is due on it.
SETTLED = (TrancheState.DISBURSED, TrancheState.WITHHELD)


def _scheduled(t: Tranche) -> schemas.ScheduledTranche:
    def amount(value: int | None) -> Amount | None:
        return None if value is None else Amount(amount=value, currency=t.currency)

    return schemas.ScheduledTranche(
        id=t.id,
        position=t.position,
        label=t.label,
        fiscal_year=t.fiscal_year,
        due_date=t.due_date,
        state=TrancheState(t.state),
        planned=Amount(amount=t.planned_amount, currency=t.currency),
        requested=amount(t.requested_amount),
        approved=amount(t.approved_amount),
        disbursed=amount(t.disbursed_amount),
        paid_on=t.paid_on,
    )


def _side(side: GrantSide, tranches: list[Tranche]) -> schemas.SideMoney:
    by_year: dict[int, int] = {}
    for line in side.lines:
        by_year[line.year] = by_year.get(line.year, 0) + line.amount
    scheduled = [_scheduled(t) for t in tranches]
    due = [s for s in scheduled if s.state not in SETTLED]
    return schemas.SideMoney(
        agency=side.agency.code,
        number=side.number,
        currency=side.currency,
        awarded=Amount(amount=side.awarded_total, currency=side.currency),
        budget=[ApprovedLine.model_validate(line) for line in side.lines],
        totals_by_year=[YearAmount(year=y, amount=a) for y, a in sorted(by_year.items())],
        tranches=scheduled,
        disbursed=Amount(
            amount=sum(t.disbursed_amount or 0 for t in tranches), currency=side.currency
        ),
        next_due=min(due, key=lambda s: (s.due_date, s.position), default=None),
    )


async def grant_money(session: AsyncSession, grant: Grant) -> schemas.GrantMoney:
    """The grant's money, side by side in the call's agency order. Changes nothing."""
    await queries.load_grids(session, grant)
    rows = await session.scalars(
        select(Tranche).where(Tranche.grant_id == grant.id).order_by(Tranche.position)
    )
    by_side: dict[object, list[Tranche]] = {side.id: [] for side in grant.sides}
    for tranche in rows:
        by_side[tranche.side_id].append(tranche)
    return schemas.GrantMoney(
        grant_id=grant.id,
        state=GrantState(grant.state),
        start_date=grant.start_date,
        end_date=grant.end_date,
        sides=[_side(side, by_side[side.id]) for side in grant.sides],
    )
