"""An agency's tranche schedule: one tranche per fiscal year that overlaps the project.

Each project year's approved amount is spread over its months by largest remainder (equal
weights, the earlier months taking the odd units), and the months are summed per fiscal year of
the agency's calendar. So each project year, each tranche and the whole add up exactly.

A zero-amount project year still has its months; a tranche whose months all fall in such years
is kept with a planned amount of 0, so the schedule's shape (which tranches, their due dates and
months) depends on the dates alone and every month is paid by exactly one tranche. No tranche
ever covers zero months.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from schedules.errors import ScheduleError, check_int
from schedules.fiscal import FiscalYear, fiscal_months
from schedules.months import ProjectPeriod
from schedules.split import spread_evenly

__all__ = ["Tranche", "monthly_amounts", "plan_tranches", "tranches_from_months"]


@dataclass(frozen=True, slots=True)
class Tranche:
    """One agency's payment for one fiscal year of a project.

    `due` is the project's start for the first tranche, the fiscal year's first day for the
    others; `months` are the project months it pays (0-based, consecutive, never empty), which
    run from `first_day` to `last_day`; `amount` is in the agency's minor unit.
    """

    fiscal_year: FiscalYear
    due: date
    months: range
    first_day: date
    last_day: date
    amount: int

    @property
    def label(self) -> str:
        """The fiscal year's label, e.g. "FY2026"."""
        return self.fiscal_year.label


def monthly_amounts(period: ProjectPeriod, year_amounts: Sequence[int]) -> list[int]:
    """Spread each project year's amount over its months exactly; one amount per project month.

    Raises ScheduleError when there is not exactly one amount per project year (a last, shorter
    project year counts) or an amount is not a non-negative int.
    """
    years = period.project_years()
    if len(year_amounts) != len(years):
        raise ScheduleError(
            "schedule.year_amounts.count", expected=len(years), given=len(year_amounts)
        )
    amounts: list[int] = []
    for index, (amount, months) in enumerate(zip(year_amounts, years, strict=True)):
        check_int(f"year_amounts[{index}]", amount, minimum=0)
        amounts += spread_evenly(amount, len(months))
    return amounts


def tranches_from_months(
    period: ProjectPeriod, fiscal_start_month: int, month_amounts: Sequence[int]
) -> list[Tranche]:
    """Sum `month_amounts` (one per project month) per fiscal year into tranches, in order.

    Raises ScheduleError when `fiscal_start_month` is not 1..12.
    """
    return [
        Tranche(
            fiscal_year=fiscal_year,
            due=max(period.start, fiscal_year.starts),
            months=months,
            first_day=period.month_start(months.start),
            last_day=period.month_end(months[-1]),
            amount=sum(month_amounts[k] for k in months),
        )
        for fiscal_year, months in fiscal_months(period, fiscal_start_month)
    ]


def plan_tranches(
    period: ProjectPeriod, fiscal_start_month: int, year_amounts: Sequence[int]
) -> list[Tranche]:
    """The tranche schedule of one agency (fiscal year starting in `fiscal_start_month`).

    `year_amounts` are the agency's approved amounts per project year, in minor units.
    Raises ScheduleError on a wrong number of amounts, a negative or non-int amount, or a
    `fiscal_start_month` outside 1..12.
    """
    return tranches_from_months(period, fiscal_start_month, monthly_amounts(period, year_amounts))
