"""A grant's reports and mid-term gate, planned at the award in its transaction.

Project year k runs from the start's k-1th anniversary to the day before its kth; its report is
due `GRACE_DAYS` after the year ends (the kth anniversary plus the grace), the time JST and
NAFOSTED usually give for an annual report.
"""

from __future__ import annotations

import datetime

from grants.awards.dates import project_end
from grants.db.models import Grant, MidtermGate, ProgressReport

GRACE_DAYS = 60
"""Days after a project year's end within which its report is due."""
GATE_FROM_YEARS = 5
"""Projects of this many years or more pass a mid-term gate."""


def report_due(start: datetime.date, year: int) -> datetime.date:
    """The due date of project year `year`'s report."""
    return project_end(start, year) + datetime.timedelta(days=GRACE_DAYS)


def planned_reports(grant: Grant) -> list[ProgressReport | MidtermGate]:
    """One report per project year and, for a long project, its gate after half the years."""
    rows: list[ProgressReport | MidtermGate] = [
        ProgressReport(grant_id=grant.id, year=k, due_date=report_due(grant.start_date, k))
        for k in range(1, grant.duration_years + 1)
    ]
    if grant.duration_years >= GATE_FROM_YEARS:
        rows.append(MidtermGate(grant_id=grant.id, after_year=grant.duration_years // 2))
    return rows
