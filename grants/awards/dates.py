"""A grant's dates: month arithmetic clamped to the month's end, and the instant a project has
ended in every co-funding agency's zone. Pure: no database, no Litestar."""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo


def add_months(day: date, months: int) -> date:
    """`day` moved by `months` calendar months, clamped to the month's end: 31 January plus
    one month is 28 (29) February, never 3 March. Raises ValueError outside years 1..9999."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"{day} + {months} months is outside the years 1..9999")
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def project_end(start: date, years: int) -> date:
    """The day after a project of `years` years from `start` (start plus the years, clamped):
    2027-04-01 for 3 years ends on 2030-04-01; 2028-02-29 for 1 year on 2029-02-28."""
    return add_months(start, 12 * years)


def ended_everywhere(end: date, zones: Iterable[str]) -> datetime:
    """The UTC instant from which `end` has begun in every zone of `zones` (UTC when none):
    until then some agency's project still runs on its own calendar day."""
    starts = [datetime.combine(end, time(), ZoneInfo(z)).astimezone(UTC) for z in zones]
    return max(starts, default=datetime.combine(end, time(), UTC))
