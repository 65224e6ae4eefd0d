"""Financial statements as the API shows them: each category against the year's approved
budget, and a grant's newest statements in a constant number of queries."""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements import schemas
from grants.agreements.gating import statement_year
from grants.agreements.sides import grant_side
from grants.agreements.statements import SETTLED, check_year
from grants.awards.access import visible_grant
from grants.awards.schemas import Amount
from grants.db.models import FinancialStatement, Grant, GrantBudgetLine, Tranche
from grants.db.models.proposals import BUDGET_CATEGORIES
from grants.errors import NotFound
from grants.partners import actuals
from grants.security.principal import Principal
from messages import define

NO_SUCH_STATEMENT = define(
    "statement.not_found", "{agency}'s side has no financial statement for project year {year}."
)
Budget = dict[tuple[uuid.UUID, int, str], int]


def statement_view(
    statement: FinancialStatement,
    agency: str,
    budget: Budget,
    *,
    fixed: bool,
    contributions: list[schemas.PartnerYear],
) -> schemas.Statement:
    """The statement's lines: every category budgeted for its year or spent, in the budget's
    category order, then the totals; and each enterprise partner's committed and actual
    contributions of the year."""
    spent = {line.category: line.spent for line in statement.lines}
    planned = {c: budget.get((statement.side_id, statement.year, c), 0) for c in BUDGET_CATEGORIES}
    shown = [c for c in BUDGET_CATEGORIES if planned[c] or c in spent]

    def figures(b: int, s: int) -> dict[str, Amount]:
        def money(value: int) -> Amount:
            return Amount(amount=value, currency=statement.currency)

        return {"budget": money(b), "spent": money(s), "variance": money(s - b)}

    lines = [
        schemas.StatementLine(category=c, **figures(planned[c], spent.get(c, 0)))  # type: ignore[arg-type]
        for c in shown
    ]
    total = figures(sum(planned.values()), sum(spent.values()))
    return schemas.Statement(
        id=statement.id,
        grant_id=statement.grant_id,
        agency=agency,
        year=statement.year,
        version=statement.version,
        submitted_by=statement.submitted_by,
        submitted_at=statement.created_at,
        fixed=fixed,
        lines=lines,
        total=schemas.SpentAgainstBudget(**total),
        contributions=contributions,
    )


async def _budget(session: AsyncSession, side_ids: Iterable[uuid.UUID]) -> Budget:
    rows = await session.scalars(
        select(GrantBudgetLine).where(GrantBudgetLine.side_id.in_(list(side_ids)))
    )
    return {(r.side_id, r.year, r.category): r.amount for r in rows}


async def _fixed_years(session: AsyncSession, grant: Grant) -> set[tuple[uuid.UUID, int]]:
    """(side, project year) of every statement that an approved or paid tranche relies on."""
    rows = await session.execute(
        select(Tranche.side_id, Tranche.position).where(
            Tranche.grant_id == grant.id, Tranche.state.in_(SETTLED)
        )
    )
    fixed = set()
    for side_id, position in rows:
        year = statement_year(position, grant.duration_years)
        if year is not None:
            fixed.add((side_id, year))
    return fixed


async def grant_statements(
    session: AsyncSession, principal: Principal, grant_id: uuid.UUID
) -> list[schemas.Statement]:
    """The newest version of every statement of the grant, side by side in the call's agency
    order, each side's by year; raises NotFound unless the caller sees the grant. Four
    statements after the access check, whatever their number."""
    grant, _, _, _ = await visible_grant(session, principal, grant_id)
    newest = (
        select(
            FinancialStatement.side_id,
            FinancialStatement.year,
            func.max(FinancialStatement.version).label("version"),
        )
        .where(FinancialStatement.grant_id == grant_id)
        .group_by(FinancialStatement.side_id, FinancialStatement.year)
        .subquery()
    )
    found = await session.scalars(
        select(FinancialStatement).join(
            newest,
            and_(
                FinancialStatement.side_id == newest.c.side_id,
                FinancialStatement.year == newest.c.year,
                FinancialStatement.version == newest.c.version,
            ),
        )
    )
    sides = {side.id: side for side in grant.sides}
    ordered = sorted(found, key=lambda s: (sides[s.side_id].position, s.year))
    budget = await _budget(session, sides)
    fixed = await _fixed_years(session, grant)
    partners = await actuals.partners_of(session, {side.part_id for side in grant.sides})
    reported = await actuals.actuals_of(session, [s.id for s in ordered])
    return [
        statement_view(
            s,
            sides[s.side_id].agency.code,
            budget,
            fixed=(s.side_id, s.year) in fixed,
            contributions=actuals.partner_years(
                s, partners[sides[s.side_id].part_id], reported[s.id]
            ),
        )
        for s in ordered
    ]


async def side_statement(
    session: AsyncSession,
    principal: Principal,
    grant_id: uuid.UUID,
    agency: str,
    year: int,
    version: int | None,
) -> schemas.Statement:
    """The side's statement of `year`: its newest version, or `version`; raises NotFound
    unless the caller sees the grant and it exists, Invalid for a year outside the project."""
    access = await grant_side(session, principal, grant_id, agency)
    check_year(year, access.grant.duration_years)
    query = select(FinancialStatement).where(
        FinancialStatement.side_id == access.side.id, FinancialStatement.year == year
    )
    if version is not None:
        query = query.where(FinancialStatement.version == version)
    statement = await session.scalar(query.order_by(FinancialStatement.version.desc()).limit(1))
    if statement is None:
        raise NotFound(NO_SUCH_STATEMENT(agency=agency, year=year))
    return await shown(session, access.grant, statement, agency)


async def shown(
    session: AsyncSession, grant: Grant, statement: FinancialStatement, agency: str
) -> schemas.Statement:
    """One statement as the API shows it."""
    budget = await _budget(session, [statement.side_id])
    fixed = (statement.side_id, statement.year) in await _fixed_years(session, grant)
    part_id = next(side.part_id for side in grant.sides if side.id == statement.side_id)
    partners = (await actuals.partners_of(session, [part_id]))[part_id]
    reported = (await actuals.actuals_of(session, [statement.id]))[statement.id]
    contributions = actuals.partner_years(statement, partners, reported)
    return statement_view(statement, agency, budget, fixed=fixed, contributions=contributions)
