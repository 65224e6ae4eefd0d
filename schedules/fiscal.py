"""Fiscal years of an agency's calendar and which of them a project's months fall in.

Labelling convention: a fiscal year is labelled by the calendar year in which it starts. With
a fiscal year starting in April (JST, and Japan's government: 令和8年度), FY2026 runs from
1 April 2026 to 31 March 2027; with one starting in January (NAFOSTED, Vietnam's state budget
year), FY2026 is the calendar year 2026. (The US federal convention, labelling by the year in
which it ends, is not used.)

A project month belongs to the fiscal year in which it starts. A fiscal year "overlaps" the
project when at least one project month starts in it; for a project starting on the first of a
month that is the plain meaning. For one starting mid-month, the tail days of its last month
that spill into a next fiscal year are paid with that month and open no fiscal year of their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from schedules.errors import ScheduleError
from schedules.months import ProjectPeriod, add_months

__all__ = ["FiscalYear", "check_start_month", "fiscal_months"]


def check_start_month(start_month: object) -> int:
    """Return `start_month` when it is a month number 1..12; else ScheduleError."""
    if isinstance(start_month, bool) or not isinstance(start_month, int):
        raise ScheduleError("schedule.fiscal_start_month.invalid", value=start_month)
    if not 1 <= start_month <= 12:
        raise ScheduleError("schedule.fiscal_start_month.invalid", value=start_month)
    return start_month


@dataclass(frozen=True, slots=True, order=True)
class FiscalYear:
    """Fiscal year `year` (the calendar year it starts in) of a calendar starting `start_month`."""

    year: int
    start_month: int

    def __post_init__(self) -> None:
        check_start_month(self.start_month)

    @classmethod
    def containing(cls, day: date, start_month: int) -> FiscalYear:
        """The fiscal year of the calendar starting in `start_month` that contains `day`."""
        check_start_month(start_month)
        return cls(day.year if day.month >= start_month else day.year - 1, start_month)

    @property
    def label(self) -> str:
        """ "FY2026": see the module's labelling convention."""
        return f"FY{self.year}"

    @property
    def starts(self) -> date:
        """The fiscal year's first day."""
        return date(self.year, self.start_month, 1)

    @property
    def ends(self) -> date:
        """The fiscal year's last day."""
        return add_months(self.starts, 12) - timedelta(days=1)


def fiscal_months(period: ProjectPeriod, start_month: int) -> list[tuple[FiscalYear, range]]:
    """Each fiscal year overlapping `period`, in order, with the project months starting in it.

    The ranges are consecutive, non-empty and together cover every project month exactly once.
    Raises ScheduleError when `start_month` is not 1..12.
    """
    check_start_month(start_month)
    groups: list[tuple[FiscalYear, range]] = []
    for k in range(period.months):
        fiscal_year = FiscalYear.containing(period.month_start(k), start_month)
        if groups and groups[-1][0] == fiscal_year:
            groups[-1] = (fiscal_year, range(groups[-1][1].start, k + 1))
        else:
            groups.append((fiscal_year, range(k, k + 1)))
    return groups
