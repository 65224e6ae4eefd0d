"""Progress reports and mid-term gates as the award plans them, put in a given state directly,
and the agencies' answers on them written as approval rows (for guard and gate tests)."""

from __future__ import annotations

import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from grants.db.models import Agency, Grant, MidtermGate, ProgressReport, User
from grants.reports.planning import planned_reports
from tests.factories import DocumentFactory, persist
from tests.factories_guards import approve
from tests.factories_scoring import Panel

FIGURES: dict[str, Any] = {
    "publications": 4,
    "patents": 1,
    "students_trained": 6,
    "milestones_met": 3,
    "milestones_planned": 4,
    "summary": "Interposer taped out.",
}


async def with_reports(
    db: AsyncSession, grant: Grant, **states: str
) -> tuple[list[ProgressReport], MidtermGate | None]:
    """The grant's planned reports (and gate), persisted; `states` sets a report's state by
    `y<year>` (a submitted or later report is on round 1) or the gate's by `gate`."""
    planned = planned_reports(grant)
    reports = [r for r in planned if isinstance(r, ProgressReport)]
    gate = next((g for g in planned if isinstance(g, MidtermGate)), None)
    for report in reports:
        report.state = states.get(f"y{report.year}", "due")
        report.round = 0 if report.state == "due" else 1
    if gate is not None:
        gate.state = states.get("gate", "pending")
    await persist(db, *planned)
    return reports, gate


async def report_document(db: AsyncSession, panel: Panel, version: int = 1) -> str:
    """A `progress_report` document uploaded by the JST PI to the grant's proposal; its id."""
    document = DocumentFactory(
        proposal_id=panel.proposals[0].id,
        kind="progress_report",
        version=version,
        uploaded_by=panel.jp_pi.id,
    )
    await persist(db, document)
    return str(document.id)


async def report_answer(
    db: AsyncSession, report: ProgressReport, agency: Agency, officer: User, decision: str
) -> None:
    """`agency`'s answer (`approve`, `revise`, `reject`) on the report's current round."""
    subject = ("progress_report", report.id, "progress_report", report.round)
    await approve(db, subject, agency, officer, decision)


async def gate_answer(
    db: AsyncSession, gate: MidtermGate, agency: Agency, officer: User, decision: str
) -> None:
    """`agency`'s continuation decision (`approve` continues, `reject` stops)."""
    await approve(db, ("midterm_gate", gate.id, "midterm_gate", 0), agency, officer, decision)


def long_grant() -> dict[str, Any]:
    """`make_grant` fields of a 5-year project from 2027-04-01 (its gate after year 2)."""
    return {
        "duration_years": 5,
        "start_date": datetime.date(2027, 4, 1),
        "end_date": datetime.date(2032, 4, 1),
    }
