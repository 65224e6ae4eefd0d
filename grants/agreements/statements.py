"""A grant side's financial statements: the side's PI submits what was spent in a project
year, per budget category; a correction is a new version, until a tranche the year's statement
supports is approved (then it is fixed)."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.agreements.gating import supported_positions
from grants.agreements.schemas import StatementData
from grants.agreements.sides import SideAccess, grant_side
from grants.audit.chain import append
from grants.db.models import (
    FinancialStatement,
    FinancialStatementLine,
    GrantSide,
    PartnerActual,
    Tranche,
)
from grants.errors import Conflict, FieldError, Invalid
from grants.partners import actuals
from grants.security import policy
from grants.security.enforce import require
from grants.security.principal import Principal
from messages import define
from workflows.machines.tranche import TrancheState

SETTLED = (TrancheState.APPROVED, TrancheState.DISBURSED)
INVALID = define("statement.invalid", "The financial statement is invalid.")
YEAR_OUTSIDE = define(
    "statement.year_outside",
    "Project year {year} is not one of the project's years 1 to {years}.",
)
DUPLICATE_CATEGORY = define(
    "statement.line.duplicate_category", "'{category}' is listed more than once."
)
FIXED = define(
    "statement.fixed",
    "The financial statement of project year {year} is fixed: tranche {tranche} it supports "
    "is approved.",
)


def check_year(year: int, years: int) -> None:
    """Raises Invalid (field `year`) unless `year` is one of the project's years."""
    if not 1 <= year <= years:
        message = YEAR_OUTSIDE(year=year, years=years)
        raise Invalid(INVALID(), errors=[FieldError("year", message)])


def _check_lines(data: StatementData) -> None:
    seen: set[str] = set()
    errors = []
    for index, line in enumerate(data.lines):
        if line.category in seen:
            message = DUPLICATE_CATEGORY(category=line.category)
            errors.append(FieldError(f"lines[{index}].category", message))
        seen.add(line.category)
    if errors:
        raise Invalid(INVALID(), errors=errors)


async def submit_statement(
    session: AsyncSession,
    principal: Principal,
    grant_id: uuid.UUID,
    agency: str,
    year: int,
    data: StatementData,
    request_id: str | None = None,
) -> tuple[SideAccess, FinancialStatement]:
    """Record the next version of the side's statement of `year`.

    Raises NotFound (grant not visible, no such side), Forbidden (not the side's PI), Invalid
    (a year outside the project, a category twice) and Conflict (a tranche the statement
    supports is approved). Audited as `financial_statement.submit`.
    """
    access = await grant_side(session, principal, grant_id, agency)
    require(policy.statement_submit_decision(access.facts))
    check_year(year, access.grant.duration_years)
    _check_lines(data)
    partners = (await actuals.partners_of(session, [access.side.part_id]))[access.side.part_id]
    contributed, bad = actuals.actual_rows(data.contributions, partners, agency)
    if bad:
        raise Invalid(INVALID(), errors=bad)
    await _require_open(session, access, year)
    latest = await session.scalar(
        select(func.max(FinancialStatement.version)).where(
            FinancialStatement.side_id == access.side.id, FinancialStatement.year == year
        )
    )
    statement = FinancialStatement(
        grant_id=grant_id,
        side_id=access.side.id,
        year=year,
        version=(latest or 0) + 1,
        currency=access.side.currency,
        submitted_by=principal.user_id,
        lines=[
            FinancialStatementLine(position=i, category=line.category, spent=line.spent)
            for i, line in enumerate(data.lines)
        ],
    )
    session.add(statement)
    await session.flush()
    for row in contributed:
        row.statement_id = statement.id
    session.add_all(contributed)
    await session.flush()
    await append(
        session,
        actor=principal.actor,
        action="financial_statement.submit",
        entity_type="financial_statement",
        entity_id=statement.id,
        changes={
            "side_id": [None, str(access.side.id)],
            "year": [None, year],
            "version": [None, statement.version],
            "currency": [None, statement.currency],
            "spent": [None, {line.category: line.spent for line in data.lines}],
            **_contributed(contributed),
        },
        request_id=request_id,
    )
    return access, statement


def _contributed(rows: list[PartnerActual]) -> dict[str, Any]:
    """The audit event's record of the partners' actual contributions (none: no entry)."""
    if not rows:
        return {}
    return {
        "contributed": [None, [[str(r.partner_id), r.kind, r.amount, r.currency] for r in rows]]
    }


async def _require_open(session: AsyncSession, access: SideAccess, year: int) -> None:
    """Raises Conflict when a tranche the statement supports is approved or paid.

    The supported tranches' rows are locked first (an approval locks the same row, so a
    correction and an approval never cross), then the side's row, which orders the versions;
    a disbursement takes the same two locks in the same order.
    """
    positions = list(
        await session.scalars(select(Tranche.position).where(Tranche.side_id == access.side.id))
    )
    supported = supported_positions(year, access.grant.duration_years, positions)
    tranches = await session.scalars(
        select(Tranche)
        .where(Tranche.side_id == access.side.id, Tranche.position.in_(supported))
        .order_by(Tranche.position)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    for tranche in tranches:
        if tranche.state in SETTLED:
            raise Conflict(FIXED(year=year, tranche=tranche.label))
    await session.get(GrantSide, access.side.id, with_for_update=True, populate_existing=True)
