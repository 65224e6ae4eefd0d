"""Month arithmetic that clamps to the month's end, and a project's months counted from its start.

Project month k runs from `add_months(start, k)` up to the day before `add_months(start, k + 1)`.
Every month is counted from the start, never step by step from the previous one, so a project
starting on 31 January has months starting 28/29 February, 31 March, 30 April, 31 May... and never
drifts to the 28th.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta

from schedules.errors import ScheduleError, check_int

__all__ = ["ProjectPeriod", "add_months"]

_ONE_DAY = timedelta(days=1)


def add_months(day: date, n: int) -> date:
    """Return `day` moved by `n` calendar months (negative goes back), clamped to the month's end.

    31 January + 1 month is 28 February (29 in a leap year), never 3 March.
    Raises ValueError when the result falls outside the years 1..9999.
    """
    index = day.year * 12 + day.month - 1 + n
    year, month = divmod(index, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise ValueError(f"{day} + {n} months is outside the years 1..9999")
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True, slots=True)
class ProjectPeriod:
    """A project's `months` consecutive months from `start` (its first day).

    A project year is 12 project months from the start; the last one is shorter when the
    project's length is not a whole number of years (after a no-cost extension of, say, 6 months).
    Raises ScheduleError when `months` is not a positive int.
    """

    start: date
    months: int

    def __post_init__(self) -> None:
        check_int("months", self.months, minimum=1)

    @classmethod
    def of_years(cls, start: date, years: int) -> ProjectPeriod:
        """Return the period of `years` whole project years from `start`."""
        return cls(start, check_int("years", years, minimum=1) * 12)

    @classmethod
    def until(cls, start: date, end: date) -> ProjectPeriod:
        """Return the fewest months from `start` that cover every day up to `end` (inclusive).

        An `end` inside a project month counts that month whole: its tail days are paid with
        it. `ProjectPeriod.until(p.start, p.end) == p` for every period `p`.
        Raises ScheduleError when `end` is before `start`.
        """
        if end < start:
            raise ScheduleError("schedule.end_before_start", start=start, end=end)
        calendar_months = (end.year - start.year) * 12 + end.month - start.month
        # add_months(start, calendar_months) lies in end's calendar month, on or after `end`
        # or before it; the first month start after `end` is that one or the next.
        if add_months(start, calendar_months) <= end:
            calendar_months += 1
        return cls(start, calendar_months)

    @property
    def end(self) -> date:
        """The project's last day."""
        return add_months(self.start, self.months) - _ONE_DAY

    def month_start(self, k: int) -> date:
        """The first day of project month `k` (0-based)."""
        return add_months(self.start, k)

    def month_end(self, k: int) -> date:
        """The last day of project month `k` (0-based)."""
        return add_months(self.start, k + 1) - _ONE_DAY

    def project_years(self) -> list[range]:
        """The project months of each project year, in order; only the last may be shorter."""
        return [range(first, min(first + 12, self.months)) for first in range(0, self.months, 12)]
