"""A shared budget split between agencies by fixed percentages, line by line, to the unit.

Pure: stdlib only. Each line (year, category, amount) is split by largest remainder, so every
line's parts add up to the line and each agency's part of a line is within one unit of its
exact share; an agency's total is the sum of its parts.
"""

from __future__ import annotations

from collections.abc import Sequence

from schedules.split import largest_remainder

__all__ = ["Line", "split_lines"]

Line = tuple[int, str, int]
"""(project year, category, amount in minor units)."""


def split_lines(lines: Sequence[Line], percents: Sequence[int]) -> list[list[Line]]:
    """Each agency's lines, in `percents`' order: line by line, the amount split by
    `largest_remainder` (ties to the earlier agency). Raises ValueError when a percentage is
    not a positive int or they do not add up to 100, or an amount is negative."""
    if any(isinstance(p, bool) or not isinstance(p, int) or p <= 0 for p in percents):
        raise ValueError(f"percentages must be positive ints, got {list(percents)!r}")
    if sum(percents) != 100:
        raise ValueError(f"percentages must add up to 100, not {sum(percents)}")
    parts: list[list[Line]] = [[] for _ in percents]
    for year, category, amount in lines:
        for share, part in zip(largest_remainder(amount, percents), parts, strict=True):
            part.append((year, category, share))
    return parts
