"""Schedules over random starts, durations (3–10 years, some with a last partial year) and
awards up to 10**13 đồng a year: every split exact, every month paid once, no empty tranche."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules import (
    FiscalYear,
    ProjectPeriod,
    ScheduleError,
    Tranche,
    fiscal_months,
    monthly_amounts,
    plan_tranches,
    replan_remaining,
)

JST, NAFOSTED = 4, 1
MAX_YEAR_AMOUNT = 10**13


@dataclass(frozen=True)
class Award:
    period: ProjectPeriod
    fiscal_start_month: int
    year_amounts: list[int]


starts = st.dates(min_value=date(2000, 1, 1), max_value=date(2100, 12, 31))
# Whole years mostly, as awarded; any month count from 3 to 10 years covers extended projects.
months = st.one_of(
    st.integers(min_value=3, max_value=10).map(lambda years: years * 12),
    st.integers(min_value=36, max_value=120),
)
fiscal_start_months = st.one_of(st.sampled_from([JST, NAFOSTED]), st.integers(1, 12))
# Zero years are drawn often: they are where an empty tranche would hide.
year_amounts = st.one_of(
    st.just(0), st.integers(min_value=0, max_value=MAX_YEAR_AMOUNT), st.integers(0, 100)
)


@st.composite
def awards(draw: st.DrawFn) -> Award:
    period = ProjectPeriod(draw(starts), draw(months))
    n_years = len(period.project_years())
    amounts = draw(st.lists(year_amounts, min_size=n_years, max_size=n_years))
    return Award(period, draw(fiscal_start_months), amounts)


def assert_tiles_the_project(period: ProjectPeriod, tranches: list[Tranche]) -> None:
    """Every project month is paid by exactly one tranche: that of the fiscal year it starts in."""
    assert [k for t in tranches for k in t.months] == list(range(period.months))
    assert all(len(t.months) > 0 for t in tranches)
    years = [t.fiscal_year.year for t in tranches]
    assert years == list(range(years[0], years[0] + len(tranches)))
    for t in tranches:
        for k in t.months:
            assert t.fiscal_year.starts <= period.month_start(k) <= t.fiscal_year.ends
        assert (t.first_day, t.last_day) == (
            period.month_start(t.months.start),
            period.month_end(t.months[-1]),
        )
    assert [t.due for t in tranches] == [period.start] + [
        t.fiscal_year.starts for t in tranches[1:]
    ]


@given(awards())
def test_plan_each_project_year_spread_exactly_and_evenly(award: Award) -> None:
    by_month = monthly_amounts(award.period, award.year_amounts)

    assert len(by_month) == award.period.months
    for amount, year in zip(award.year_amounts, award.period.project_years(), strict=True):
        assert sum(by_month[k] for k in year) == amount
        for k in year:
            assert abs(by_month[k] - Fraction(amount, len(year))) < 1


@given(awards())
def test_plan_each_tranche_sums_its_months_and_the_whole_is_the_award(award: Award) -> None:
    by_month = monthly_amounts(award.period, award.year_amounts)

    tranches = plan_tranches(award.period, award.fiscal_start_month, award.year_amounts)

    assert [t.amount for t in tranches] == [sum(by_month[k] for k in t.months) for t in tranches]
    assert sum(t.amount for t in tranches) == sum(award.year_amounts)


@given(awards(), st.integers(min_value=1, max_value=12))
def test_plan_every_month_paid_once_per_agency_no_empty_tranche(
    award: Award, other_start_month: int
) -> None:
    for fiscal_start_month in (award.fiscal_start_month, other_start_month):
        tranches = plan_tranches(award.period, fiscal_start_month, award.year_amounts)

        assert_tiles_the_project(award.period, tranches)
        last = FiscalYear.containing(
            award.period.month_start(award.period.months - 1), fiscal_start_month
        )
        assert tranches[-1].fiscal_year == last


@st.composite
def extensions(draw: st.DrawFn) -> tuple[Award, ProjectPeriod, dict[int, int]]:
    """An award, its period extended by 1 to 36 months, and its first tranches fixed at most
    at their planned amounts (disbursed or approved, perhaps less)."""
    award = draw(awards())
    planned = plan_tranches(award.period, award.fiscal_start_month, award.year_amounts)
    n_fixed = draw(st.integers(min_value=0, max_value=len(planned)))
    fixed = {
        t.fiscal_year.year: draw(st.one_of(st.just(t.amount), st.integers(0, t.amount)))
        for t in planned[:n_fixed]
    }
    extended = ProjectPeriod(award.period.start, award.period.months + draw(st.integers(1, 36)))
    return award, extended, fixed


@given(extensions())
def test_replan_keeps_fixed_tranches_and_adds_up_to_the_award(
    case: tuple[Award, ProjectPeriod, dict[int, int]],
) -> None:
    award, extended, fixed = case
    planned = plan_tranches(award.period, award.fiscal_start_month, award.year_amounts)
    total = sum(award.year_amounts)
    remaining = total - sum(fixed.values())
    fiscal_years = {fy.year for fy, _ in fiscal_months(extended, award.fiscal_start_month)}
    if remaining and fiscal_years <= fixed.keys():
        # Every tranche fixed below plan and the extension opens no fiscal year: nowhere to pay.
        with pytest.raises(ScheduleError, match=r"schedule\.fixed\.nothing_open"):
            replan_remaining(extended, award.fiscal_start_month, total, fixed)
        return

    tranches = replan_remaining(extended, award.fiscal_start_month, total, fixed)

    assert sum(t.amount for t in tranches) == total
    assert_tiles_the_project(extended, tranches)
    for before, after in zip(planned[: len(fixed)], tranches[: len(fixed)], strict=True):
        assert (after.fiscal_year, after.due, after.amount) == (
            before.fiscal_year,
            before.due,
            fixed[before.fiscal_year.year],
        )
    open_tranches = [t for t in tranches if t.fiscal_year.year not in fixed]
    assert sum(t.amount for t in open_tranches) == remaining
    open_months = sum(len(t.months) for t in open_tranches)
    for t in open_tranches:
        share = Fraction(remaining * len(t.months), open_months)
        assert abs(t.amount - share) < len(t.months)
