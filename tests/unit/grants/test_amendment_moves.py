"""Budget moves on a grid, without a database: the side's total never changes, the small-move
threshold is a strict "under", and the years money is fixed in are those a tranche past
`planned` pays."""

from __future__ import annotations

from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from grants.amendments.moves import Grid, apply, is_small
from grants.amendments.schemas import MoveIn

CATEGORIES = ("personnel", "equipment", "consumables", "travel", "other", "indirect")
lines = st.tuples(st.integers(1, 5), st.sampled_from(CATEGORIES))


def mv(source: tuple[int, str], target: tuple[int, str]) -> MoveIn:
    return MoveIn.model_construct(
        from_year=source[0], from_category=source[1], to_year=target[0], to_category=target[1]
    )


@given(
    st.dictionaries(lines, st.integers(0, 10**12), max_size=12),
    st.lists(st.tuples(lines, lines, st.integers(0, 10**12)), max_size=8),
)
def test_moves_never_change_the_total(grid: Grid, moves: list[tuple[Any, Any, int]]) -> None:
    after = apply(grid, [mv(s, t) for s, t, _ in moves], [a for _, _, a in moves])

    assert sum(after.values()) == sum(grid.values())


def test_a_move_of_exactly_the_threshold_needs_approval() -> None:
    grid = {(1, "personnel"): 900_000, (1, "travel"): 100_000, (1, "indirect"): 300_000}
    move = [mv((1, "personnel"), (2, "personnel"))]

    assert (is_small(grid, move, [99_999], 10), is_small(grid, move, [100_000], 10)) == (
        True,
        False,
    )


def test_each_source_year_is_held_to_its_own_threshold() -> None:
    grid = {(1, "personnel"): 1_000_000, (2, "personnel"): 100_000}
    moves = [mv((1, "personnel"), (3, "travel")), mv((2, "personnel"), (3, "travel"))]

    assert (
        is_small(grid, moves, [50_000, 5_000], 10),
        is_small(grid, moves, [50_000, 10_000], 10),
    ) == (
        True,
        False,
    )


def test_a_year_without_direct_costs_frees_no_move() -> None:
    grid = {(1, "indirect"): 500}

    assert is_small(grid, [mv((1, "indirect"), (2, "indirect"))], [1], 10) is False
