"""A shared budget split by percentages, line by line: every line's parts add up to it."""

from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from schedules.shares import split_lines


def test_split_lines_known_case_exact() -> None:
    lines = [(1, "personnel", 10_000_001), (1, "indirect", 3), (2, "travel", 0)]

    assert split_lines(lines, [60, 40]) == [
        [(1, "personnel", 6_000_001), (1, "indirect", 2), (2, "travel", 0)],
        [(1, "personnel", 4_000_000), (1, "indirect", 1), (2, "travel", 0)],
    ]


@pytest.mark.parametrize("percents", [[60, 30], [100, 0], [50, 50, 1], [True, 99]])
def test_split_lines_refuses_percentages_not_adding_to_100(percents: list[int]) -> None:
    with pytest.raises(ValueError, match="percentages must"):
        split_lines([(1, "personnel", 100)], percents)


percents_st = (
    st.lists(st.integers(min_value=1, max_value=98), min_size=1, max_size=3)
    .filter(lambda ps: sum(ps) < 100)
    .map(lambda ps: [*ps, 100 - sum(ps)])
)
lines_st = st.lists(
    st.tuples(
        st.integers(min_value=1, max_value=10),
        st.sampled_from(["personnel", "equipment", "indirect"]),
        st.integers(min_value=0, max_value=2**62),
    ),
    max_size=20,
)


@given(lines_st, percents_st)
def test_every_lines_parts_add_up_to_it_exactly(
    lines: list[tuple[int, str, int]], percents: list[int]
) -> None:
    parts = split_lines(lines, percents)

    for i, (year, category, amount) in enumerate(lines):
        shares = [agency[i] for agency in parts]
        assert all(s[:2] == (year, category) for s in shares)
        assert sum(s[2] for s in shares) == amount
        for share, percent in zip(shares, percents, strict=True):
            assert abs(share[2] - Fraction(amount * percent, 100)) < 1
