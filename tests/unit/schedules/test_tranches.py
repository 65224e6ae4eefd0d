"""Tranche schedules: the 10-year October project on JST's and NAFOSTED's calendars, to the unit."""

from datetime import date

import pytest

from schedules import FiscalYear, ProjectPeriod, ScheduleError, Tranche, plan_tranches
from schedules.tranches import monthly_amounts

START = date(2026, 10, 1)
TEN_YEARS = ProjectPeriod.of_years(START, 10)
# JST (yen): 3,000,000 a month in year 1, 2,000,000 after; year 10 has 5 yen over, which go to
# its first five months (October 2035 to February 2036, all in FY2035).
JST_YEARS = [36_000_000] + [24_000_000] * 8 + [24_000_005]
# NAFOSTED (đồng): year 3's 1,000,000,000 is 83,333,334 for its first four months (October 2028
# to January 2029) and 83,333,333 for the other eight.
NAFOSTED_YEARS = [3_600_000_000, 2_400_000_000, 1_000_000_000] + [2_400_000_000] * 7


def rows(tranches: list[Tranche]) -> list[tuple[str, date, range, date, date, int]]:
    return [(t.label, t.due, t.months, t.first_day, t.last_day, t.amount) for t in tranches]


ELEVEN_LABELS = [
    "FY2026", "FY2027", "FY2028", "FY2029", "FY2030", "FY2031",
    "FY2032", "FY2033", "FY2034", "FY2035", "FY2036",
]  # fmt: skip


def test_ten_year_october_project_jst_tranches_exact() -> None:
    tranches = plan_tranches(TEN_YEARS, 4, JST_YEARS)

    assert [t.label for t in tranches] == ELEVEN_LABELS
    assert [t.due for t in tranches] == [START] + [date(y, 4, 1) for y in range(2027, 2037)]
    assert [t.months for t in tranches] == [
        range(0, 6),
        *[range(k, k + 12) for k in range(6, 114, 12)],
        range(114, 120),
    ]
    assert [(t.first_day, t.last_day) for t in tranches[:2] + tranches[-1:]] == [
        (date(2026, 10, 1), date(2027, 3, 31)),
        (date(2027, 4, 1), date(2028, 3, 31)),
        (date(2036, 4, 1), date(2036, 9, 30)),
    ]
    assert [t.amount for t in tranches] == [
        18_000_000,  # October 2026 to March 2027: 6 months of year 1
        30_000_000,  # 6 months of year 1, 6 of year 2
        24_000_000, 24_000_000, 24_000_000, 24_000_000, 24_000_000, 24_000_000, 24_000_000,
        24_000_005,  # 6 months of year 9, then year 10's first 6 with its 5 odd yen
        12_000_000,  # April to September 2036: year 10's last 6 months
    ]  # fmt: skip
    assert sum(t.amount for t in tranches) == sum(JST_YEARS) == 252_000_005


def test_ten_year_october_project_nafosted_tranches_exact() -> None:
    tranches = plan_tranches(TEN_YEARS, 1, NAFOSTED_YEARS)

    assert [t.label for t in tranches] == ELEVEN_LABELS
    assert [t.due for t in tranches] == [START] + [date(y, 1, 1) for y in range(2027, 2037)]
    assert [t.months for t in tranches] == [
        range(0, 3),
        *[range(k, k + 12) for k in range(3, 111, 12)],
        range(111, 120),
    ]
    assert [(t.first_day, t.last_day) for t in tranches[:2] + tranches[-1:]] == [
        (date(2026, 10, 1), date(2026, 12, 31)),
        (date(2027, 1, 1), date(2027, 12, 31)),
        (date(2036, 1, 1), date(2036, 9, 30)),
    ]
    assert [t.amount for t in tranches] == [
        900_000_000,  # October to December 2026: 3 months of year 1
        3_300_000_000,  # 9 months of year 1, 3 of year 2
        2_050_000_002,  # 9 months of year 2 at 200,000,000, 3 of year 3 at 83,333,334
        1_349_999_998,  # 83,333,334 + 8 × 83,333,333 of year 3, 3 months of year 4
        2_400_000_000, 2_400_000_000, 2_400_000_000,
        2_400_000_000, 2_400_000_000, 2_400_000_000,
        1_800_000_000,  # January to September 2036: year 10's last 9 months
    ]  # fmt: skip
    assert sum(t.amount for t in tranches) == sum(NAFOSTED_YEARS) == 23_800_000_000


def test_ten_year_october_project_eleven_tranches_each_with_different_boundaries() -> None:
    jst = plan_tranches(TEN_YEARS, 4, JST_YEARS)
    nafosted = plan_tranches(TEN_YEARS, 1, NAFOSTED_YEARS)

    assert (len(jst), len(nafosted)) == (11, 11)
    assert [t.months.start for t in jst][1:] == list(range(6, 120, 12))
    assert [t.months.start for t in nafosted][1:] == list(range(3, 120, 12))


def test_project_starting_31_january_due_dates_and_months_clamp() -> None:
    period = ProjectPeriod.of_years(date(2027, 1, 31), 3)

    tranches = plan_tranches(period, 4, [12, 24, 36])

    assert rows(tranches) == [
        # Months starting 31 January, 28 February, 31 March: 1 yen each.
        ("FY2026", date(2027, 1, 31), range(0, 3), date(2027, 1, 31), date(2027, 4, 29), 3),
        ("FY2027", date(2027, 4, 1), range(3, 15), date(2027, 4, 30), date(2028, 4, 29), 9 + 6),
        ("FY2028", date(2028, 4, 1), range(15, 27), date(2028, 4, 30), date(2029, 4, 29), 18 + 9),
        ("FY2029", date(2029, 4, 1), range(27, 36), date(2029, 4, 30), date(2030, 1, 30), 27),
    ]


def test_extended_project_last_partial_year_spread_over_its_own_months() -> None:
    period = ProjectPeriod(START, 42)

    tranches = plan_tranches(period, 1, [120, 120, 120, 7])

    assert monthly_amounts(period, [120, 120, 120, 7])[36:] == [2, 1, 1, 1, 1, 1]
    assert [(t.label, t.amount) for t in tranches] == [
        ("FY2026", 30),
        ("FY2027", 90 + 30),
        ("FY2028", 90 + 30),
        # Year 4 runs October 2029 to March 2030; its odd unit goes to October.
        ("FY2029", 90 + 4),
        ("FY2030", 3),
    ]


def test_zero_amount_year_keeps_its_tranche_with_zero() -> None:
    period = ProjectPeriod.of_years(date(2027, 1, 1), 3)

    tranches = plan_tranches(period, 1, [120, 0, 60])

    assert [(t.label, t.months, t.amount) for t in tranches] == [
        ("FY2027", range(0, 12), 120),
        ("FY2028", range(12, 24), 0),
        ("FY2029", range(24, 36), 60),
    ]


def test_tranche_fiscal_year_is_the_agency_calendar() -> None:
    assert plan_tranches(TEN_YEARS, 4, JST_YEARS)[0].fiscal_year == FiscalYear(2026, 4)


@pytest.mark.parametrize(
    ("year_amounts", "code", "params"),
    [
        ([1] * 9, "schedule.year_amounts.count", {"expected": 10, "given": 9}),
        ([1] * 11, "schedule.year_amounts.count", {"expected": 10, "given": 11}),
        (
            [1] * 9 + [-1],
            "schedule.too_small",
            {"field": "year_amounts[9]", "value": -1, "minimum": 0},
        ),
        ([1.5] + [1] * 9, "schedule.not_an_integer", {"field": "year_amounts[0]", "type": "float"}),
    ],
)
def test_plan_tranches_bad_year_amounts_raise(
    year_amounts: list[object], code: str, params: dict[str, object]
) -> None:
    with pytest.raises(ScheduleError) as caught:
        plan_tranches(TEN_YEARS, 4, year_amounts)  # type: ignore[arg-type]

    assert (caught.value.code, dict(caught.value.params)) == (code, params)
