"""Exact integer splits: parts in proportion to weights that add up to the whole, to the unit.

The one largest-remainder implementation of CoFund; `grants.money` delegates to it.
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["largest_remainder", "spread_evenly"]


def _check_split_args(total: int, weights: Sequence[int]) -> None:
    if isinstance(total, bool) or not isinstance(total, int):
        raise ValueError(f"total must be an int, not {type(total).__name__}")
    # Negative totals are refused rather than mirrored: a negative schedule is a refund, and
    # refunds are recorded as their own movements, not split.
    if total < 0:
        raise ValueError("total must not be negative")
    for weight in weights:
        if isinstance(weight, bool) or not isinstance(weight, int) or weight < 0:
            raise ValueError(f"weights must be non-negative ints, got {weight!r}")
    if sum(weights) <= 0:
        raise ValueError("weights must have a positive sum")


def largest_remainder(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights` so the parts add up to `total` exactly.

    Hamilton's largest-remainder method in integer arithmetic: each part is the floor of its
    exact share total*w/sum(w); the units left over go one each to the largest remainders,
    the earlier index first on a tie. A zero weight always gets 0.
    Raises ValueError when `total` is not a non-negative int or `weights` are not
    non-negative ints with a positive sum.
    """
    _check_split_args(total, weights)
    weight_sum = sum(weights)
    shares = [divmod(total * weight, weight_sum) for weight in weights]
    parts = [floor for floor, _ in shares]
    leftover = total - sum(parts)
    by_remainder = sorted(range(len(shares)), key=lambda i: (-shares[i][1], i))
    for index in by_remainder[:leftover]:
        parts[index] += 1
    return parts


def spread_evenly(total: int, n: int) -> list[int]:
    """Split `total` into `n` parts differing by at most one, the larger parts first.

    Raises ValueError when `n` is not a positive int or `total` is not a non-negative int.
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"n must be a positive int, got {n!r}")
    return largest_remainder(total, [1] * n)
