"""The grants a caller may list, a page at a time in a constant number of queries."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import ColumnElement, Row, Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from grants.common.pagination import Window
from grants.db.models import (
    Call,
    CallAgency,
    Grant,
    GrantBudgetLine,
    PartMember,
    Proposal,
    ProposalPart,
)
from grants.security import policy
from grants.security.principal import Principal


def visible_query(principal: Principal, *, state: str | None = None) -> Select[Any]:
    """Grants the caller may see (`policy.list_scope(principal, "grants")`, the rules of the
    read endpoints) with their proposal's reference and title and their call's code, newest
    first."""
    scope = policy.list_scope(principal, "grants")
    query = (
        select(Grant, Proposal.reference, Proposal.title, Call.code)
        .join(Proposal, Proposal.id == Grant.proposal_id)
        .join(Call, Call.id == Grant.call_id)
    )
    if not scope.everything:
        teams = select(PartMember.part_id).where(PartMember.user_id == scope.member)
        mine = select(ProposalPart.proposal_id).where(
            or_(ProposalPart.pi_user_id == scope.member, ProposalPart.id.in_(teams))
        )
        seen: list[ColumnElement[bool]] = [Grant.proposal_id.in_(mine)]
        if scope.cofunded_by is not None:
            cofunded = select(CallAgency.call_id).where(CallAgency.agency_id == scope.cofunded_by)
            seen.append(Grant.call_id.in_(cofunded))
        query = query.where(or_(*seen))
    if state is not None:
        query = query.where(Grant.state == state)
    return query.order_by(Grant.created_at.desc(), Grant.id)


async def fetch_rows(
    session: AsyncSession, query: Select[Any], window: Window
) -> tuple[list[Row[Any]], int]:
    """One page of `visible_query` (grant, reference, title, call code) and the total count:
    two statements (the sides and their agencies load with two more, whatever the page
    size)."""
    total = await session.scalar(select(func.count()).select_from(query.order_by(None).subquery()))
    rows = await session.execute(query.limit(window.limit).offset(window.offset))
    return list(rows), int(total or 0)


async def load_grids(session: AsyncSession, grant: Grant) -> None:
    """Load every side's approved grid in one query."""
    sides = {side.id: side for side in grant.sides}
    lines: dict[uuid.UUID, list[GrantBudgetLine]] = {side_id: [] for side_id in sides}
    rows = await session.scalars(
        select(GrantBudgetLine)
        .where(GrantBudgetLine.side_id.in_(list(sides)))
        .order_by(GrantBudgetLine.year, GrantBudgetLine.category)
    )
    for line in rows:
        lines[line.side_id].append(line)
    for side_id, side in sides.items():
        set_committed_value(side, "lines", lines[side_id])


async def grant_of(session: AsyncSession, proposal_id: uuid.UUID) -> uuid.UUID | None:
    """The id of the proposal's grant, if awarded."""
    found = await session.scalar(select(Grant.id).where(Grant.proposal_id == proposal_id))
    return found
