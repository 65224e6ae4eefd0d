"""A grant side's tranche schedule at the award: `schedules.plan_tranches` on the agency's fiscal
calendar, with each project year's approved amount (its grid summed per year)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from grants.db.models import GrantBudgetLine, GrantSide, Tranche
from schedules import ProjectPeriod, plan_tranches


def year_amounts(lines: Iterable[GrantBudgetLine], years: int) -> list[int]:
    """The approved amount of each project year 1..`years` (a year without lines is 0); the
    decision's checks keep every line within the project's years."""
    amounts = [0] * years
    for line in lines:
        amounts[line.year - 1] += line.amount
    return amounts


def side_tranches(
    side: GrantSide, start: date, years: int, fiscal_start_month: int
) -> list[Tranche]:
    """The side's tranches, one per fiscal year of its agency that overlaps the project, adding
    up to the side's awarded total exactly (asserted: a schedule that did not would be a bug)."""
    period = ProjectPeriod.of_years(start, years)
    planned = plan_tranches(period, fiscal_start_month, year_amounts(side.lines, years))
    assert sum(t.amount for t in planned) == side.awarded_total
    return [
        Tranche(
            grant_id=side.grant_id,
            side_id=side.id,
            position=position,
            fiscal_year=t.fiscal_year.year,
            label=t.label,
            due_date=t.due,
            first_day=t.first_day,
            last_day=t.last_day,
            currency=side.currency,
            planned_amount=t.amount,
        )
        for position, t in enumerate(planned, start=1)
    ]
