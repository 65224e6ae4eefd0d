"""Month arithmetic clamped to the month's end, and a project's months and years."""

import calendar
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules import ProjectPeriod, ScheduleError, add_months


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
        (date(2027, 1, 31), 2, date(2027, 3, 31)),
        (date(2027, 3, 31), 1, date(2027, 4, 30)),
        (date(2027, 3, 31), -1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2028, 2, 29), 48, date(2032, 2, 29)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2027, 1, 15), -1, date(2026, 12, 15)),
        (date(2026, 10, 1), 120, date(2036, 10, 1)),
        (date(2026, 8, 31), 0, date(2026, 8, 31)),
    ],
)
def test_add_months_clamps_to_month_end(day: date, n: int, expected: date) -> None:
    assert add_months(day, n) == expected


def test_add_months_beyond_year_9999_raises() -> None:
    with pytest.raises(ValueError, match=r"outside the years 1\.\.9999"):
        add_months(date(9999, 12, 1), 1)


def test_project_months_from_31_january_never_drift_to_the_28th() -> None:
    period = ProjectPeriod(date(2027, 1, 31), 5)

    assert [period.month_start(k) for k in range(5)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]
    assert [period.month_end(k) for k in range(2)] == [date(2027, 2, 27), date(2027, 3, 30)]
    assert period.end == date(2027, 6, 29)


def test_period_of_years_ends_the_day_before_the_anniversary() -> None:
    period = ProjectPeriod.of_years(date(2026, 10, 1), 10)

    assert (period.months, period.end) == (120, date(2036, 9, 30))


def test_period_until_counts_a_partial_last_month_whole() -> None:
    start = date(2026, 10, 1)

    assert ProjectPeriod.until(start, date(2037, 3, 31)).months == 126
    assert ProjectPeriod.until(start, date(2037, 3, 15)).months == 126
    assert ProjectPeriod.until(start, date(2037, 4, 1)).months == 127
    assert ProjectPeriod.until(start, start).months == 1


def test_period_project_years_last_one_shorter() -> None:
    period = ProjectPeriod(date(2026, 10, 1), 42)

    assert period.project_years() == [range(0, 12), range(12, 24), range(24, 36), range(36, 42)]


def test_period_until_end_before_start_raises() -> None:
    with pytest.raises(ScheduleError) as caught:
        ProjectPeriod.until(date(2026, 10, 1), date(2026, 9, 30))

    assert (caught.value.code, dict(caught.value.params)) == (
        "schedule.end_before_start",
        {"start": date(2026, 10, 1), "end": date(2026, 9, 30)},
    )


@pytest.mark.parametrize(
    ("months", "code", "params"),
    [
        (0, "schedule.too_small", {"field": "months", "value": 0, "minimum": 1}),
        (True, "schedule.not_an_integer", {"field": "months", "type": "bool"}),
        (12.0, "schedule.not_an_integer", {"field": "months", "type": "float"}),
    ],
)
def test_period_invalid_months_raises(months: object, code: str, params: dict[str, object]) -> None:
    with pytest.raises(ScheduleError) as caught:
        ProjectPeriod(date(2026, 10, 1), months)  # type: ignore[arg-type]

    assert (caught.value.code, dict(caught.value.params)) == (code, params)


starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))


@given(starts, st.integers(min_value=-1200, max_value=1200))
def test_add_months_moves_calendar_month_and_keeps_or_clamps_day(day: date, n: int) -> None:
    moved = add_months(day, n)

    assert moved.year * 12 + moved.month == day.year * 12 + day.month + n
    assert moved.day == min(day.day, calendar.monthrange(moved.year, moved.month)[1])


@given(starts, st.integers(min_value=1, max_value=240))
def test_period_until_its_own_end_is_itself(start: date, months: int) -> None:
    period = ProjectPeriod(start, months)

    assert ProjectPeriod.until(start, period.end) == period


@given(starts, st.integers(min_value=1, max_value=240))
def test_period_months_tile_the_days_from_start_to_end(start: date, months: int) -> None:
    period = ProjectPeriod(start, months)

    assert period.month_start(0) == start
    assert period.month_end(months - 1) == period.end
    for k in range(months - 1):
        assert period.month_end(k).toordinal() + 1 == period.month_start(k + 1).toordinal()
        assert period.month_start(k) <= period.month_end(k)


@given(starts, st.integers(min_value=0, max_value=4000))
def test_period_until_covers_end_with_fewest_months(start: date, days: int) -> None:
    end = date.fromordinal(start.toordinal() + days)

    period = ProjectPeriod.until(start, end)

    assert period.month_start(period.months - 1) <= end <= period.month_end(period.months - 1)
