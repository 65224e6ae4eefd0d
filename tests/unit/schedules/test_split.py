"""The one largest-remainder split (grants.money delegates to it; its cases live there too)."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules import largest_remainder, spread_evenly


@pytest.mark.parametrize(
    ("total", "weights", "parts"),
    [
        (10, [1, 1, 1], [4, 3, 3]),
        (100, [0, 1, 2, 0], [0, 33, 67, 0]),
        (0, [3, 5], [0, 0]),
        (101, [1, 2], [34, 67]),
    ],
)
def test_largest_remainder_known_cases_exact(
    total: int, weights: list[int], parts: list[int]
) -> None:
    assert largest_remainder(total, weights) == parts


def test_spread_evenly_twelve_months_earlier_take_the_odd_units() -> None:
    assert spread_evenly(1_000_000_000, 12) == [83_333_334] * 4 + [83_333_333] * 8


@pytest.mark.parametrize(
    ("total", "weights", "message"),
    [
        (-1, [1, 1], "total must not be negative"),
        (10, [], "weights must have a positive sum"),
        (10, [1, -1], "weights must be non-negative ints, got -1"),
        (10, [True, 1], "weights must be non-negative ints, got True"),
        (10.0, [1, 1], "total must be an int, not float"),
    ],
)
def test_largest_remainder_invalid_args_raise(
    total: object, weights: list[object], message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        largest_remainder(total, weights)  # type: ignore[arg-type]


@given(
    st.integers(min_value=0, max_value=10**15),
    st.lists(st.integers(min_value=0, max_value=10**6), min_size=1, max_size=130).filter(any),
)
def test_largest_remainder_exact_and_within_one_of_share(total: int, weights: list[int]) -> None:
    parts = largest_remainder(total, weights)

    assert sum(parts) == total
    for part, weight in zip(parts, weights, strict=True):
        assert abs(part - Fraction(total * weight, sum(weights))) < 1
