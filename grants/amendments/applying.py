"""The amendment events' effects: an agency's answer (its key, with what it approved), and the
approved or recorded amendment applied to the grant — the grid and the side's planned tranches
for a budget move, the end date and both sides' remaining tranches for an extension. All in
the event's transaction; each returns what it changed for the audit event."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.amendments import extension, moves
from grants.amendments.loading import check_side, extended, side_rows, subject
from grants.amendments.replanning import apply_plan, fixed_amounts
from grants.amendments.schemas import DecideData
from grants.approvals.records import Answer, add_answer, answers
from grants.db.models import (
    Amendment,
    ApprovedEndDate,
    Call,
    Grant,
    GrantBudgetLine,
    GrantSide,
    Proposal,
)
from grants.errors import Conflict, FieldError, Invalid
from grants.money import Money
from grants.workflow.binding import Firing
from grants.workflow.service import INVALID_DATA
from messages import define
from schedules import ProjectPeriod, plan_tranches, replan_remaining

OVER_PROPOSED = define(
    "amendment.move.over_proposed",
    "At most the proposed {proposed} can be approved; {amount} is more.",
)
AMOUNTS_COUNT = define(
    "amendment.move.amounts_count", "There are {count} moves: give one amount for each."
)
REFUSED = define(
    "amendment.refused", "The amendment cannot be applied as it stands: every reason is listed."
)


@dataclass(frozen=True, slots=True)
class Scope:
    """What an amendment's facts, effects and view need beside the row."""

    grant: Grant
    proposal: Proposal
    call: Call
    side: GrantSide | None
    deciders: tuple[tuple[Any, str], ...]
    in_consortium: bool
    officers_shown: bool


async def record_answer(
    session: AsyncSession, amendment: Amendment, scope: Scope, firing: Firing
) -> dict[str, Any]:
    """Record the firing officer's agency's answer; an approval's amounts or end date are
    checked first (Invalid naming each, nothing written)."""
    data = cast(DecideData, firing.data)
    agency_id = firing.principal.officer_agency_id
    code = next(code for agency, code in scope.deciders if agency == agency_id)
    approved: dict[str, Any] = {}
    if data.decision == "approve" and amendment.kind == "budget_move":
        amounts = await _approved_amounts(session, amendment, scope, data, firing.event)
        for move, amount in zip(amendment.moves, amounts, strict=True):
            move.approved_amount = amount
        approved["amounts"] = amounts
    end_date = None
    if data.decision == "approve" and amendment.kind == "no_cost_extension":
        end_date = data.end_date or amendment.proposed_end_date
        assert end_date is not None
        errors = extension.end_date_errors(
            end_date, scope.grant.end_date, "data.end_date", amendment.proposed_end_date
        )
        if errors:
            raise Invalid(INVALID_DATA(event=firing.event), errors=errors)
        approved["end_date"] = end_date.isoformat()
    assert agency_id is not None  # the role `agency_officer` implies an agency
    answer = await add_answer(
        session,
        subject(amendment),
        agency_id=agency_id,
        agency_code=code,
        officer=firing.principal.actor,
        decision=Answer(data.decision),
        rationale=data.rationale,
    )
    if end_date is not None:
        session.add(ApprovedEndDate(approval_id=answer.id, end_date=end_date))
    return {"agency": code, "decision": data.decision, **approved}


async def _approved_amounts(
    session: AsyncSession, amendment: Amendment, scope: Scope, data: DecideData, event: str
) -> list[int]:
    proposed = [m.proposed_amount for m in amendment.moves]
    amounts = proposed if data.amounts is None else data.amounts
    currency = amendment.moves[0].currency
    errors: list[FieldError] = []
    if len(amounts) != len(proposed):
        errors.append(FieldError("data.amounts", AMOUNTS_COUNT(count=len(proposed))))
    else:
        for i, (amount, limit) in enumerate(zip(amounts, proposed, strict=True)):
            if amount < 0 or amount > limit:
                reason = OVER_PROPOSED(
                    proposed=Money(limit, currency), amount=Money(amount, currency)
                )
                errors.append(FieldError(f"data.amounts[{i}]", reason))
    if errors:
        raise Invalid(INVALID_DATA(event=event), errors=errors)
    await _check_moves(session, amendment, scope, amounts, "moves")
    return amounts


async def _check_moves(
    session: AsyncSession, amendment: Amendment, scope: Scope, amounts: list[int], field: str
) -> None:
    """The moves against the side as it stands now (another move may have changed it)."""
    assert scope.side is not None
    rows = await side_rows(session, scope.side)
    errors = moves.move_errors(
        check_side(scope.grant, scope.call, rows), amendment.moves, amounts, field
    )
    if extended(scope.grant):
        errors.insert(0, FieldError(field, moves.EXTENDED()))
    if errors:
        raise Conflict(REFUSED(), errors=errors)


async def apply_moves(
    session: AsyncSession, amendment: Amendment, scope: Scope, fiscal_start_month: int
) -> dict[str, Any]:
    """Move the approved amounts on the side's grid and re-plan its planned tranches from the
    new per-year amounts (`schedules.plan_tranches`: fixed tranches pay only years no move
    touched, so they come out unchanged)."""
    assert scope.side is not None
    amounts = [
        m.approved_amount if m.approved_amount is not None else m.proposed_amount
        for m in amendment.moves
    ]
    await _check_moves(session, amendment, scope, amounts, "moves")
    for move, amount in zip(amendment.moves, amounts, strict=True):
        move.approved_amount = amount
    rows = await side_rows(session, scope.side)
    side = check_side(scope.grant, scope.call, rows)
    grid = moves.apply(side.grid, amendment.moves, amounts)
    by_key = {(line.year, line.category): line for line in rows.lines}
    changed = []
    for key, amount in sorted(grid.items()):
        line = by_key.get(key)
        if line is None:
            session.add(
                GrantBudgetLine(side_id=scope.side.id, year=key[0], category=key[1], amount=amount)
            )
        elif line.amount == amount:
            continue
        before = None if line is None else line.amount
        if line is not None:
            line.amount = amount
        changed.append({"year": key[0], "category": key[1], "amount": [before, amount]})
    period = ProjectPeriod.of_years(scope.grant.start_date, scope.grant.duration_years)
    plan = plan_tranches(
        period, fiscal_start_month, moves.year_amounts(grid, scope.grant.duration_years)
    )
    fixed = fixed_amounts(rows.tranches)
    assert all(fixed[p.fiscal_year.year] == p.amount for p in plan if p.fiscal_year.year in fixed)
    tranches = await apply_plan(session, scope.side, side.agency, rows.tranches, plan)
    return {"lines": changed, "tranches": tranches}


async def apply_extension(
    session: AsyncSession, amendment: Amendment, scope: Scope
) -> dict[str, Any]:
    """Move the grant's end to the earliest end date the agencies approved and re-plan each
    side's remaining tranches (`schedules.replan_remaining`) so it still adds up to its award."""
    answered = await answers(session, subject(amendment))
    dates = await _approved_dates(session, [a.id for a in answered.values()])
    end = min(dates)
    grant = scope.grant
    problems = extension.end_date_problems(end, grant.end_date)
    if problems:  # another extension moved the end meanwhile
        raise Conflict(REFUSED(), reasons=problems)
    period = extension.period(grant.start_date, end)
    tranches: list[dict[str, Any]] = []
    for side in grant.sides:
        rows = await side_rows(session, side)
        plan = replan_remaining(
            period,
            side.agency.fiscal_year_start_month,
            side.awarded_total,
            fixed_amounts(rows.tranches),
        )
        assert sum(p.amount for p in plan) == side.awarded_total
        tranches += await apply_plan(session, side, side.agency.code, rows.tranches, plan)
    before = grant.end_date
    grant.end_date = end
    amendment.approved_end_date = end  # last: the kernel's flush bumps its version once
    return {"end_date": [before.isoformat(), end.isoformat()], "tranches": tranches}


async def _approved_dates(session: AsyncSession, approval_ids: list[Any]) -> list[datetime.date]:
    rows = await session.scalars(
        select(ApprovedEndDate.end_date).where(ApprovedEndDate.approval_id.in_(approval_ids))
    )
    return list(rows)
