"""Tranche schedules on agencies' fiscal calendars, to the unit.

Pure: stdlib only; `grants` imports this package, never the reverse. A project's months
(`ProjectPeriod`, `add_months` clamping to the month's end) are spread with each project year's
approved amount (`largest_remainder`) and summed per fiscal year (`FiscalYear`, labelled by the
calendar year it starts in) into `Tranche`s: `plan_tranches` at award, `replan_remaining` after
a no-cost extension.
"""

from __future__ import annotations

from schedules.errors import ScheduleError
from schedules.extension import replan_remaining
from schedules.fiscal import FiscalYear, fiscal_months
from schedules.months import ProjectPeriod, add_months
from schedules.split import largest_remainder, spread_evenly
from schedules.tranches import Tranche, monthly_amounts, plan_tranches

__all__ = [
    "FiscalYear",
    "ProjectPeriod",
    "ScheduleError",
    "Tranche",
    "add_months",
    "fiscal_months",
    "largest_remainder",
    "monthly_amounts",
    "plan_tranches",
    "replan_remaining",
    "spread_evenly",
]
