"""Replanning after a no-cost extension: fixed tranches untouched, the rest exact."""

from datetime import date

import pytest

from schedules import ProjectPeriod, ScheduleError, plan_tranches, replan_remaining

START = date(2026, 10, 1)
JST_YEARS = [36_000_000] + [24_000_000] * 8 + [24_000_005]
AWARD = sum(JST_YEARS)  # 252,000,005 yen
EXTENDED = ProjectPeriod.until(START, date(2037, 3, 31))  # 10 years + 6 months


def test_six_month_extension_spreads_the_rest_over_the_open_months_exactly() -> None:
    # FY2028 was disbursed at 23,000,000 of its 24,000,000: the unspent million carries over.
    fixed = {2026: 18_000_000, 2027: 30_000_000, 2028: 23_000_000}

    tranches = replan_remaining(EXTENDED, 4, AWARD, fixed)

    # 181,000,005 yen over the 96 months from April 2029 to March 2037: 1,885,416 a month and
    # 69 odd yen to the first 69 months (FY2029 to FY2033 whole, 9 months of FY2034).
    assert [(t.label, t.due, t.months, t.amount) for t in tranches] == [
        ("FY2026", date(2026, 10, 1), range(0, 6), 18_000_000),
        ("FY2027", date(2027, 4, 1), range(6, 18), 30_000_000),
        ("FY2028", date(2028, 4, 1), range(18, 30), 23_000_000),
        ("FY2029", date(2029, 4, 1), range(30, 42), 22_625_004),
        ("FY2030", date(2030, 4, 1), range(42, 54), 22_625_004),
        ("FY2031", date(2031, 4, 1), range(54, 66), 22_625_004),
        ("FY2032", date(2032, 4, 1), range(66, 78), 22_625_004),
        ("FY2033", date(2033, 4, 1), range(78, 90), 22_625_004),
        ("FY2034", date(2034, 4, 1), range(90, 102), 22_625_001),
        ("FY2035", date(2035, 4, 1), range(102, 114), 22_624_992),
        ("FY2036", date(2036, 4, 1), range(114, 126), 22_624_992),
    ]
    assert sum(t.amount for t in tranches) == AWARD


def test_extension_keeps_fixed_tranches_as_planned() -> None:
    planned = plan_tranches(ProjectPeriod.of_years(START, 10), 4, JST_YEARS)

    tranches = replan_remaining(EXTENDED, 4, AWARD, {2026: 18_000_000, 2027: 30_000_000})

    assert tranches[:2] == planned[:2]


def test_extension_adding_months_to_a_fixed_fiscal_year_adds_no_money() -> None:
    # Every tranche fixed as planned; the extension's 3 months fall in FY2036, already fixed.
    period = ProjectPeriod(START, 123)
    planned = plan_tranches(ProjectPeriod.of_years(START, 10), 4, JST_YEARS)
    fixed = {t.fiscal_year.year: t.amount for t in planned}

    tranches = replan_remaining(period, 4, AWARD, fixed)

    assert [(t.label, t.months, t.amount) for t in tranches[-1:]] == [
        ("FY2036", range(114, 123), 12_000_000)
    ]
    assert [t.amount for t in tranches] == [t.amount for t in planned]


def test_extension_nothing_fixed_spreads_the_whole_award() -> None:
    tranches = replan_remaining(ProjectPeriod(date(2027, 1, 1), 36), 1, 37, {})

    assert [(t.label, t.amount) for t in tranches] == [
        ("FY2027", 13),
        ("FY2028", 12),
        ("FY2029", 12),
    ]


def test_extension_everything_paid_leaves_open_tranches_at_zero() -> None:
    tranches = replan_remaining(EXTENDED, 4, AWARD, {2026: 18_000_000, 2027: 233_999_995, 2028: 10})

    assert [t.amount for t in tranches[3:]] == [0] * 8


@pytest.mark.parametrize(
    ("fixed", "code", "params"),
    [
        ({2025: 1}, "schedule.fixed.outside_project", {"fiscal_year": 2025}),
        ({2037: 1}, "schedule.fixed.outside_project", {"fiscal_year": 2037}),
        ({2026: -1}, "schedule.too_small", {"field": "fixed[2026]", "value": -1, "minimum": 0}),
        (
            {2026: 200_000_000, 2027: 52_000_006},
            "schedule.fixed.over_total",
            {"fixed": 252_000_006, "total": AWARD},
        ),
        (
            {year: 22_000_000 for year in range(2026, 2037)},
            "schedule.fixed.nothing_open",
            {"remaining": AWARD - 242_000_000},
        ),
    ],
)
def test_extension_bad_fixed_tranches_raise(
    fixed: dict[int, int], code: str, params: dict[str, object]
) -> None:
    with pytest.raises(ScheduleError) as caught:
        replan_remaining(EXTENDED, 4, AWARD, fixed)

    assert (caught.value.code, dict(caught.value.params)) == (code, params)
