"""Matching-funds arithmetic: the required share rounds up, the shortfall closes exactly at the
minimum, conversions count each foreign currency once, and the leverage ratio."""

from __future__ import annotations

import datetime
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from grants.partners.matching import (
    Counted,
    counted_in,
    leverage,
    required_matching,
    share_percent,
    shortfall,
)
from schedules.fx import RecordedRate

DAY = datetime.date(2027, 4, 1)
AMOUNTS = st.integers(min_value=0, max_value=10**15)
PERCENTS = st.integers(min_value=1, max_value=1000)


def test_the_issue_example_names_the_shortfall() -> None:
    assert required_matching(6_500_000, 20) == 1_300_000
    assert shortfall(6_500_000, 1_000_000, 20) == 300_000
    assert share_percent(6_500_000, 1_000_000) == 15
    assert shortfall(6_500_000, 1_300_000, 20) == 0


def test_the_required_share_rounds_up_to_a_whole_minor_unit() -> None:
    assert required_matching(101, 10) == 11  # 10.1 yen: 10 would be under 10 %
    assert shortfall(101, 10, 10) == 1


@given(AMOUNTS, PERCENTS)
def test_committing_the_shortfall_reaches_the_minimum_and_one_less_does_not(
    funded: int, percent: int
) -> None:
    short = shortfall(funded, 0, percent)
    assert shortfall(funded, short, percent) == 0
    assert short * 100 >= funded * percent
    if short > 0:
        assert shortfall(funded, short - 1, percent) == 1
        assert (short - 1) * 100 < funded * percent


@given(st.lists(st.tuples(AMOUNTS, st.sampled_from(["JPY", "VND"])), max_size=20))
def test_contributions_in_the_agency_currency_add_up_exactly(
    amounts: list[tuple[int, str]],
) -> None:
    counted = counted_in([a for a in amounts if a[1] == "JPY"], "JPY", [], DAY)
    assert counted == Counted(sum(a for a, c in amounts if c == "JPY"))


def test_a_foreign_currency_is_converted_once_or_named_without_a_rate() -> None:
    rates = [RecordedRate(DAY, "JPY", "VND", Decimal("170"), "SBV")]
    amounts = [(1_000, "JPY"), (500, "JPY"), (3_000, "VND")]

    assert counted_in(amounts, "VND", rates, DAY) == Counted(1_500 * 170 + 3_000)
    assert counted_in(amounts, "VND", [], DAY) == Counted(3_000, ("JPY",))


def test_leverage_has_four_places_and_none_without_funding() -> None:
    assert leverage(1_300_000, 6_500_000) == "0.2000"
    assert leverage(1, 3) == "0.3333"
    assert leverage(5, 0) is None
