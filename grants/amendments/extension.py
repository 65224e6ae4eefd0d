"""A no-cost extension's end date: later than the grant's current end by whole months, at most
`MAX_MONTHS` per extension; and the schedule of each side over the longer project.

The grant's `end_date` is exclusive (the project runs up to the day before), so an extension
of k months moves it to `add_months(end, k)`: project months stay whole and a fiscal calendar
never sees a stray day.
"""

from __future__ import annotations

import datetime

from grants.errors import FieldError
from messages import Message, define
from schedules import ProjectPeriod, add_months

MAX_MONTHS = 12

NOT_LATER = define(
    "amendment.extension.not_later",
    "The new end date {end_date} is not later than the project's end {current}.",
)
NOT_WHOLE_MONTHS = define(
    "amendment.extension.not_whole_months",
    "The new end date {end_date} is not a whole number of months after the project's end "
    "{current}.",
)
TOO_LONG = define(
    "amendment.extension.too_long",
    "An extension adds at most {max} months; {end_date} is later than {latest}.",
)
OVER_PROPOSED = define(
    "amendment.extension.over_proposed",
    "At most the proposed end date {proposed} can be approved; {end_date} is later.",
)


def end_date_problems(end_date: datetime.date, current: datetime.date) -> list[Message]:
    """Every reason `end_date` is no valid extension of a project ending (exclusive) on
    `current`."""
    if end_date <= current:
        return [NOT_LATER(end_date=end_date, current=current)]
    latest = add_months(current, MAX_MONTHS)
    if end_date > latest:
        return [TOO_LONG(max=MAX_MONTHS, end_date=end_date, latest=latest)]
    months = (end_date.year - current.year) * 12 + end_date.month - current.month
    if add_months(current, months) != end_date:
        return [NOT_WHOLE_MONTHS(end_date=end_date, current=current)]
    return []


def end_date_errors(
    end_date: datetime.date, current: datetime.date, field: str, proposed: datetime.date | None
) -> list[FieldError]:
    """`end_date_problems` named at `field`, and for an approval more than `proposed`."""
    errors = [FieldError(field, m) for m in end_date_problems(end_date, current)]
    if proposed is not None and end_date > proposed:
        errors.append(FieldError(field, OVER_PROPOSED(proposed=proposed, end_date=end_date)))
    return errors


def period(start: datetime.date, end: datetime.date) -> ProjectPeriod:
    """The project's months from `start` up to `end` (exclusive)."""
    return ProjectPeriod.until(start, end - datetime.timedelta(days=1))
