"""A grant's dates (`grants.awards.dates`): month arithmetic clamped to the month's end."""

from __future__ import annotations

import calendar
from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from grants.awards.dates import ended_everywhere, project_end
from schedules import add_months


def test_month_arithmetic_clamps_to_the_months_end() -> None:
    assert [add_months(date(2027, 1, 31), n) for n in (1, 2, 3, 13)] == [
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2028, 2, 29),
    ]


def test_a_project_ends_its_duration_after_its_start() -> None:
    assert [
        project_end(date(2027, 4, 1), 3),
        project_end(date(2028, 2, 29), 1),
        project_end(date(2027, 10, 1), 10),
    ] == [date(2030, 4, 1), date(2029, 2, 28), date(2037, 10, 1)]


def test_a_project_has_ended_once_its_end_began_in_every_zone() -> None:
    # Midnight in Hanoi (UTC+7) comes two hours after midnight in Tokyo (UTC+9).
    assert ended_everywhere(date(2030, 4, 1), ["Asia/Tokyo", "Asia/Ho_Chi_Minh"]) == datetime(
        2030, 3, 31, 17, tzinfo=UTC
    )
    assert ended_everywhere(date(2030, 4, 1), []) == datetime(2030, 4, 1, tzinfo=UTC)


@given(day=st.dates(date(1900, 1, 1), date(2200, 12, 31)), months=st.integers(-1200, 1200))
def test_month_arithmetic_lands_in_the_right_month_on_the_nearest_day(
    day: date, months: int
) -> None:
    moved = add_months(day, months)

    assert moved.year * 12 + moved.month == day.year * 12 + day.month + months
    last = calendar.monthrange(moved.year, moved.month)[1]
    assert moved.day == min(day.day, last)
