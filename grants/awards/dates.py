"""A grant's dates: its end (month arithmetic clamped to the month's end, `schedules`' one
implementation) and the instant a project has ended in every co-funding agency's zone. Pure: no
database, no Litestar."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from schedules import add_months


def project_end(start: date, years: int) -> date:
    """The day after a project of `years` years from `start` (start plus the years, clamped):
    2027-04-01 for 3 years ends on 2030-04-01; 2028-02-29 for 1 year on 2029-02-28."""
    return add_months(start, 12 * years)


def ended_everywhere(end: date, zones: Iterable[str]) -> datetime:
    """The UTC instant from which `end` has begun in every zone of `zones` (UTC when none):
    until then some agency's project still runs on its own calendar day."""
    starts = [datetime.combine(end, time(), ZoneInfo(z)).astimezone(UTC) for z in zones]
    return max(starts, default=datetime.combine(end, time(), UTC))
