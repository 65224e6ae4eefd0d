"""A grant's money per side: the approved grid, the awarded total, the tranche schedule with
states, what was paid and what is due next; in `shared` mode each side's share and rate.
Three queries past loading the grant."""

from __future__ import annotations

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.awards import queries
from grants.awards.schemas import Amount, ApprovedLine, YearAmount
from grants.db.models import Grant, GrantSide, GrantSideShare, Tranche
from grants.fx.checks import rate_text
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


def _share(share: GrantSideShare | None) -> schemas.SideShare | None:
    if share is None:
        return None
    rate = None
    if share.rate is not None and share.rate_date is not None and share.inverse is not None:
        rate = schemas.RateUsed(
            rate=rate_text(share.rate),
            rate_date=share.rate_date,
            base=share.base or "",
            quote=share.quote or "",
            source=share.source or "",
            inverse=share.inverse,
        )
    return schemas.SideShare(
        percent=share.share_percent,
        joint_total=Amount(amount=share.joint_total, currency=share.joint_currency),
        rate=rate,
    )


def _side(
    side: GrantSide, tranches: list[Tranche], share: GrantSideShare | None
) -> schemas.SideMoney:
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
        share=_share(share),
    )


async def grant_money(session: AsyncSession, grant: Grant) -> schemas.GrantMoney:
    """The grant's money, side by side in the call's agency order. Changes nothing."""
    await queries.load_grids(session, grant)
    rows = await session.scalars(
        select(Tranche).where(Tranche.grant_id == grant.id).order_by(Tranche.position)
    )
    by_side: dict[uuid.UUID, list[Tranche]] = {side.id: [] for side in grant.sides}
    for tranche in rows:
        by_side[tranche.side_id].append(tranche)
    shares = {
        s.side_id: s
        for s in await session.scalars(
            select(GrantSideShare).where(GrantSideShare.side_id.in_(list(by_side)))
        )
    }
    return schemas.GrantMoney(
        grant_id=grant.id,
        state=GrantState(grant.state),
        start_date=grant.start_date,
        end_date=grant.end_date,
        sides=[_side(side, by_side[side.id], shares.get(side.id)) for side in grant.sides],
    )
