"""A budget move against its side's approved grid: every reason it is refused, whether it is
small enough to need no approval, and the grid after it. No database: callers pass the rows.

The rule for money already on its way: a project year whose months are paid (even in part) by
a tranche that is no longer `planned` (requested, returned, approved, disbursed or withheld) is
fixed; no money moves out of or into it. So re-planning after a move changes planned tranches
only, and every fixed tranche keeps its amount to the unit.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from grants.awards.budget_checks import cap_errors
from grants.awards.schemas import ApprovedLineIn
from grants.db.models import CallAgency, Tranche
from grants.errors import FieldError
from grants.money import Money
from grants.proposals.checks import INDIRECT_OVER_SHARE
from messages import define
from schedules import add_months
from workflows.machines.tranche import TrancheState

Grid = dict[tuple[int, str], int]

YEAR_BEYOND = define(
    "amendment.move.year_beyond",
    "The project's budget has years 1 to {duration}; there is no year {year}.",
)
SAME_LINE = define("amendment.move.same_line", "A move goes from one line to another.")
OVER_LINE = define(
    "amendment.move.over_line",
    "Year {year}, {category} holds {holds}; {amount} cannot move out of it.",
)
YEAR_FIXED = define(
    "amendment.move.year_fixed",
    "Year {year}'s money is paid by tranche {tranche}, which is {state}: it no longer moves.",
)
EXTENDED = define(
    "amendment.move.after_extension",
    "The project has been extended: its remaining money follows the extension's schedule, and "
    "budget moves are no longer recorded on its year grid.",
)


class MoveLike(Protocol):
    @property
    def from_year(self) -> int: ...
    @property
    def from_category(self) -> str: ...
    @property
    def to_year(self) -> int: ...
    @property
    def to_category(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Side:
    """What the checks read of one grant side: its agency's code and terms in the call, its
    grid, the project's start and duration and its tranches."""

    agency: str
    terms: CallAgency
    grid: Grid
    start: datetime.date
    duration: int
    tranches: Sequence[Tranche]


def move_errors(
    side: Side, moves: Sequence[MoveLike], amounts: Sequence[int], field: str
) -> list[FieldError]:
    """Every reason the moves (with `amounts`, one per move) are refused, each named under
    `field` (`moves[0].amount`): a year beyond the project, a move to its own line, a year
    whose money is fixed in a tranche, more than a line holds (moves applied in order); then
    the grid after them over a cap or with indirect costs over their share."""
    errors: list[FieldError] = []
    grid = dict(side.grid)
    fixed = fixed_years(side)
    for i, (move, amount) in enumerate(zip(moves, amounts, strict=True)):
        at = f"{field}[{i}]"
        errors += _line_errors(side, move, at, fixed)
        source = (move.from_year, move.from_category)
        holds = grid.get(source, 0)
        if amount > holds:
            reason = OVER_LINE(
                year=move.from_year,
                category=move.from_category,
                holds=Money(holds, side.terms.currency),
                amount=Money(amount, side.terms.currency),
            )
            errors.append(FieldError(f"{at}.amount", reason))
        grid = apply(grid, [move], [min(amount, holds)])
    if errors:
        return errors
    return _result_errors(side, grid, field)


def _line_errors(
    side: Side, move: MoveLike, at: str, fixed: dict[int, Tranche]
) -> list[FieldError]:
    errors = []
    for end in ("from", "to"):
        year = getattr(move, f"{end}_year")
        if year > side.duration:
            reason = YEAR_BEYOND(duration=side.duration, year=year)
            errors.append(FieldError(f"{at}.{end}_year", reason))
        elif year in fixed:
            tranche = fixed[year]
            reason = YEAR_FIXED(year=year, tranche=tranche.label, state=tranche.state)
            errors.append(FieldError(f"{at}.{end}_year", reason))
    if (move.from_year, move.from_category) == (move.to_year, move.to_category):
        errors.append(FieldError(at, SAME_LINE()))
    return errors


def _result_errors(side: Side, grid: Grid, field: str) -> list[FieldError]:
    currency = side.terms.currency
    lines = [
        ApprovedLineIn.model_construct(year=y, category=c, amount=a, currency=currency)
        for (y, c), a in sorted(grid.items())
    ]
    errors = cap_errors(lines, side.terms, side.agency, field)
    indirect = sum(a for (_, c), a in grid.items() if c == "indirect")
    direct = sum(grid.values()) - indirect
    if indirect * 100 > side.terms.max_indirect_percent * direct:
        reason = INDIRECT_OVER_SHARE(
            agency=side.agency,
            indirect=Money(indirect, currency),
            percent=side.terms.max_indirect_percent,
            direct=Money(direct, currency),
        )
        errors.append(FieldError(field, reason))
    return errors


def fixed_years(side: Side) -> dict[int, Tranche]:
    """The project years whose months a tranche past `planned` pays, with that tranche."""
    fixed: dict[int, Tranche] = {}
    for year in range(1, side.duration + 1):
        first = add_months(side.start, 12 * (year - 1))
        after = add_months(side.start, 12 * year)
        for tranche in side.tranches:
            overlaps = tranche.first_day < after and tranche.last_day >= first
            if overlaps and tranche.state != TrancheState.PLANNED and year not in fixed:
                fixed[year] = tranche
    return fixed


def apply(grid: Grid, moves: Iterable[MoveLike], amounts: Iterable[int]) -> Grid:
    """The grid after the moves (a line not in it held zero); the total never changes."""
    after = dict(grid)
    for move, amount in zip(moves, amounts, strict=True):
        source, target = (move.from_year, move.from_category), (move.to_year, move.to_category)
        after[source] = after.get(source, 0) - amount
        after[target] = after.get(target, 0) + amount
    return after


def is_small(grid: Grid, moves: Sequence[MoveLike], amounts: Sequence[int], percent: int) -> bool:
    """True when, for every source year, what moves out of it is under `percent` of that
    year's direct costs (every category but `indirect`) before the move."""
    out: dict[int, int] = {}
    for move, amount in zip(moves, amounts, strict=True):
        out[move.from_year] = out.get(move.from_year, 0) + amount
    for year, total in out.items():
        direct = sum(a for (y, c), a in grid.items() if y == year and c != "indirect")
        if total * 100 >= percent * direct:
            return False
    return True


def year_amounts(grid: Grid, duration: int) -> list[int]:
    """Each project year's total, years 1..`duration`."""
    return [sum(a for (y, _), a in grid.items() if y == year) for year in range(1, duration + 1)]
