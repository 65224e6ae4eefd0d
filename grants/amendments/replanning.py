"""Re-planning a grant side's tranches after an amendment, to the unit, field by field.

Fixed tranches (any state past `planned`: requested, returned, approved, disbursed, withheld)
keep their row untouched: their planned amount is what the side has committed for that fiscal
year. Planned tranches take the new plan's amounts and days; a fiscal year the new plan adds
gets a new planned tranche (positions continue after the side's last); a planned tranche of a
fiscal year the new plan no longer has is deleted when it holds nothing (a later end date never
removes one). The side's planned amounts add up to its award exactly (asserted).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import GrantSide, Tranche
from schedules import Tranche as Planned
from workflows.machines.tranche import TrancheState


def fixed_amounts(tranches: Sequence[Tranche]) -> dict[int, int]:
    """The planned amount of each fixed tranche, by fiscal year."""
    return {t.fiscal_year: t.planned_amount for t in tranches if t.state != TrancheState.PLANNED}


async def apply_plan(
    session: AsyncSession,
    side: GrantSide,
    agency: str,
    tranches: Sequence[Tranche],
    plan: Sequence[Planned],
) -> list[dict[str, Any]]:
    """Bring the side's tranche rows to `plan`; returns each changed tranche's before/after
    (planned amount, due date, days) for the audit event."""
    by_year = {t.fiscal_year: t for t in tranches}
    position = max((t.position for t in tranches), default=0)
    changes: list[dict[str, Any]] = []
    for planned in plan:
        row = by_year.pop(planned.fiscal_year.year, None)
        if row is None:
            position += 1
            row = _new_row(side, position, planned)
            session.add(row)
            changes.append(_change(agency, row, None))
        elif row.state == TrancheState.PLANNED:
            before = _fields(row)
            row.planned_amount, row.due_date = planned.amount, planned.due
            row.first_day, row.last_day = planned.first_day, planned.last_day
            if _fields(row) != before:
                changes.append(_change(agency, row, before))
    for row in by_year.values():
        # Only a shorter period leaves a fiscal year out: nothing fixed may sit in it.
        assert row.state == TrancheState.PLANNED
        assert row.planned_amount == 0
        changes.append({"agency": agency, "label": row.label, "deleted": True})
        await session.delete(row)
    await session.flush()
    return changes


def _new_row(side: GrantSide, position: int, planned: Planned) -> Tranche:
    return Tranche(
        grant_id=side.grant_id,
        side_id=side.id,
        position=position,
        fiscal_year=planned.fiscal_year.year,
        label=planned.label,
        due_date=planned.due,
        first_day=planned.first_day,
        last_day=planned.last_day,
        currency=side.currency,
        planned_amount=planned.amount,
    )


def _fields(row: Tranche) -> dict[str, Any]:
    return {
        "planned": row.planned_amount,
        "due_date": row.due_date.isoformat(),
        "first_day": row.first_day.isoformat(),
        "last_day": row.last_day.isoformat(),
    }


def _change(agency: str, row: Tranche, before: dict[str, Any] | None) -> dict[str, Any]:
    after = _fields(row)
    return {
        "agency": agency,
        "label": row.label,
        "position": row.position,
        **{k: [None if before is None else before[k], v] for k, v in after.items()},
    }
