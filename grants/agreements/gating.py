"""Which tranche a project year's financial statement supports, and what a tranche request
needs of the side's papers (the tranche binding's `problems`).

Tranche p ≥ 2 of a side needs the statement of project year p-1; a tranche past the last
project year (a stub fiscal year at the end) needs the last year's. The first tranche needs the
side's signed agreement instead.
"""

from __future__ import annotations

from sqlalchemy import exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import FinancialStatement, GrantAgreement, GrantSide, Tranche
from messages import Message, define

AGREEMENT_MISSING = define(
    "tranche.request.agreement_missing",
    "The signed grant agreement of {agency}'s side has not been uploaded.",
)
STATEMENT_MISSING = define(
    "tranche.request.statement_missing",
    "The financial statement of {agency}'s side for project year {year} has not been submitted.",
)


def statement_year(position: int, years: int) -> int | None:
    """The project year whose statement tranche `position` needs (None for the first)."""
    return None if position == 1 else min(position - 1, years)


def supported_positions(year: int, years: int, positions: list[int]) -> list[int]:
    """The tranche positions (of `positions`) that year `year`'s statement supports."""
    return [p for p in positions if statement_year(p, years) == year]


async def request_problems(
    session: AsyncSession, tranche: Tranche, side: GrantSide, years: int
) -> tuple[Message, ...]:
    """One message per paper the request of `tranche` lacks, read from the database."""
    year = statement_year(tranche.position, years)
    agency = side.agency.code
    if year is None:
        found = await session.scalar(select(exists().where(GrantAgreement.side_id == side.id)))
        return () if found else (AGREEMENT_MISSING(agency=agency),)
    found = await session.scalar(
        select(
            exists().where(FinancialStatement.side_id == side.id, FinancialStatement.year == year)
        )
    )
    return () if found else (STATEMENT_MISSING(agency=agency, year=year),)
