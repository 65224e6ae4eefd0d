"""The pure proposal rules (no database): project years and their overlap."""

from __future__ import annotations

import datetime

from grants.proposals.checks import overlap_years, project_end

D = datetime.date


def test_project_end_is_the_day_before_the_anniversary() -> None:
    assert project_end(D(2027, 4, 1), 3) == D(2030, 3, 31)
    assert project_end(D(2028, 2, 29), 1) == D(2029, 2, 28)


def test_overlap_years_lists_calendar_years_both_run() -> None:
    assert overlap_years(D(2027, 4, 1), 3, D(2029, 1, 1), 5) == [2029, 2030]
    assert overlap_years(D(2027, 4, 1), 3, D(2030, 4, 1), 3) == []
    assert overlap_years(D(2027, 4, 1), 3, D(2030, 3, 31), 1) == [2030]
