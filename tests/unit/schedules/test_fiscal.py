"""Fiscal years labelled by the calendar year they start in, and the project months in each."""

from datetime import date

import pytest

from schedules import FiscalYear, ProjectPeriod, ScheduleError, fiscal_months


def test_jst_fiscal_year_runs_april_to_march_labelled_by_its_start() -> None:
    fiscal_year = FiscalYear(2026, 4)

    assert (fiscal_year.label, fiscal_year.starts, fiscal_year.ends) == (
        "FY2026",
        date(2026, 4, 1),
        date(2027, 3, 31),
    )


def test_nafosted_fiscal_year_is_the_calendar_year() -> None:
    fiscal_year = FiscalYear(2026, 1)

    assert (fiscal_year.label, fiscal_year.starts, fiscal_year.ends) == (
        "FY2026",
        date(2026, 1, 1),
        date(2026, 12, 31),
    )


@pytest.mark.parametrize(
    ("day", "start_month", "year"),
    [
        (date(2027, 3, 31), 4, 2026),
        (date(2027, 4, 1), 4, 2027),
        (date(2027, 1, 1), 1, 2027),
        (date(2026, 12, 31), 1, 2026),
        (date(2026, 10, 1), 10, 2026),
        (date(2026, 9, 30), 10, 2025),
    ],
)
def test_fiscal_year_containing_a_day(day: date, start_month: int, year: int) -> None:
    assert FiscalYear.containing(day, start_month) == FiscalYear(year, start_month)


@pytest.mark.parametrize("start_month", [0, 13, True, "4"])
def test_fiscal_year_invalid_start_month_raises(start_month: object) -> None:
    with pytest.raises(ScheduleError) as caught:
        FiscalYear.containing(date(2026, 1, 1), start_month)  # type: ignore[arg-type]

    assert (caught.value.code, dict(caught.value.params)) == (
        "schedule.fiscal_start_month.invalid",
        {"value": start_month},
    )


def test_fiscal_months_mid_month_start_month_belongs_where_it_starts() -> None:
    # Months start on the 15th; the one from 15 March to 14 April is FY2026's last.
    period = ProjectPeriod(date(2027, 1, 15), 4)

    assert fiscal_months(period, 4) == [
        (FiscalYear(2026, 4), range(0, 3)),
        (FiscalYear(2027, 4), range(3, 4)),
    ]


def test_fiscal_months_tail_days_open_no_fiscal_year() -> None:
    # The project's last day, 14 April 2027, lies in FY2027, but no project month starts there.
    period = ProjectPeriod(date(2027, 1, 15), 3)

    assert (period.end, fiscal_months(period, 4)) == (
        date(2027, 4, 14),
        [(FiscalYear(2026, 4), range(0, 3))],
    )
