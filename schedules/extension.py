"""Recomputing what is left of a schedule after a no-cost extension (or any change of end date).

A no-cost extension adds months but no money. The tranches an agency has already fixed
(approved or disbursed) keep their amounts; what remains of the award is spread evenly, by
largest remainder, over every project month of the new period whose fiscal year is not fixed,
and summed per fiscal year as in a first plan. The original per-year profile is not kept: the
remaining money has no year-by-year budget of its own until a budget move says otherwise.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from schedules.errors import ScheduleError, check_int
from schedules.fiscal import fiscal_months
from schedules.months import ProjectPeriod
from schedules.split import spread_evenly
from schedules.tranches import Tranche, tranches_from_months

__all__ = ["replan_remaining"]


def replan_remaining(
    period: ProjectPeriod,
    fiscal_start_month: int,
    total: int,
    fixed: Mapping[int, int],
) -> list[Tranche]:
    """The whole schedule over `period` with `fixed` tranches untouched and the rest recomputed.

    `total` is the agency's award (in minor units); `fixed` maps a fiscal year (its label's
    number: 2027 for FY2027) to the amount already fixed for it, e.g. the approved or disbursed
    amount. Fixed tranches keep their fiscal year, due date and amount; should the new period add
    months to a fixed fiscal year, those months are counted in its `months` but bring it no money.
    The returned amounts add up to `total` exactly.

    Raises ScheduleError when a fixed fiscal year does not overlap `period`, a fixed amount is
    negative, the fixed amounts exceed `total`, or money remains but every fiscal year is fixed.
    """
    check_int("total", total, minimum=0)
    groups = fiscal_months(period, fiscal_start_month)
    overlapping = {fiscal_year.year for fiscal_year, _ in groups}
    for year, amount in fixed.items():
        if year not in overlapping:
            raise ScheduleError("schedule.fixed.outside_project", fiscal_year=year)
        check_int(f"fixed[{year}]", amount, minimum=0)
    remaining = total - sum(fixed.values())
    if remaining < 0:
        raise ScheduleError("schedule.fixed.over_total", fixed=total - remaining, total=total)
    open_months = [k for fiscal_year, ks in groups if fiscal_year.year not in fixed for k in ks]
    month_amounts = [0] * period.months
    if open_months:
        for k, amount in zip(open_months, spread_evenly(remaining, len(open_months)), strict=True):
            month_amounts[k] = amount
    elif remaining:
        raise ScheduleError("schedule.fixed.nothing_open", remaining=remaining)
    return [
        replace(tranche, amount=fixed[tranche.fiscal_year.year])
        if tranche.fiscal_year.year in fixed
        else tranche
        for tranche in tranches_from_months(period, fiscal_start_month, month_amounts)
    ]
