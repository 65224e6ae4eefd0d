"""What an amendment's checks and effects read of its grant, loaded once per event."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments.moves import Grid, Side
from grants.approvals.records import Purpose, Subject
from grants.db.models import Amendment, Call, Grant, GrantBudgetLine, GrantSide, Tranche
from schedules import add_months


def subject(amendment: Amendment) -> Subject:
    """The deciding agencies' answers on the amendment (version 0: its state changes never
    void a key)."""
    return Subject("amendment", amendment.id, Purpose.AMENDMENT, 0)


@dataclass(frozen=True, slots=True)
class SideRows:
    """One side's rows an amendment changes: its grid lines and tranches."""

    side: GrantSide
    lines: list[GrantBudgetLine]
    tranches: list[Tranche]


async def side_rows(session: AsyncSession, side: GrantSide) -> SideRows:
    lines = list(
        await session.scalars(select(GrantBudgetLine).where(GrantBudgetLine.side_id == side.id))
    )
    tranches = list(
        await session.scalars(
            select(Tranche).where(Tranche.side_id == side.id).order_by(Tranche.position)
        )
    )
    return SideRows(side, lines, tranches)


def check_side(grant: Grant, call: Call, rows: SideRows) -> Side:
    """The move checks' view of a side."""
    terms = next(t for t in call.agencies if t.agency_id == rows.side.agency_id)
    grid: Grid = {(line.year, line.category): line.amount for line in rows.lines}
    return Side(
        rows.side.agency.code, terms, grid, grant.start_date, grant.duration_years, rows.tranches
    )


def extended(grant: Grant) -> bool:
    """True when the grant ends later than its awarded duration (a no-cost extension)."""
    return grant.end_date != add_months(grant.start_date, 12 * grant.duration_years)
