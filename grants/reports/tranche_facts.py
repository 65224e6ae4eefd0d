"""What a tranche waits for from the reports: the previous project year's report accepted by
every co-funding agency, and a mid-term gate before it passed."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import answers, not_approved
from grants.db.models import Call, MidtermGate, ProgressReport, Tranche
from grants.reports.subjects import round_subject
from workflows.machines.midterm_gate import GateState
from workflows.machines.progress_report import ReportState


@dataclass(frozen=True, slots=True)
class Waits:
    """`report_pending`: codes of the agencies that have not accepted the previous year's
    report; `gate_pending`: a mid-term gate falls before the tranche and has not passed."""

    report_pending: tuple[str, ...]
    gate_pending: bool


async def tranche_waits(session: AsyncSession, tranche: Tranche, call: Call) -> Waits:
    """Tranche p ≥ 2 waits for report year p-1 (every agency when it is not submitted) and, when
    p-1 is past a gate's year, for the gate (at most three queries)."""
    if tranche.position == 1:
        return Waits((), False)
    year = tranche.position - 1
    cofunders = [(t.agency_id, t.agency.code) for t in call.agencies]
    report = await session.scalar(
        select(ProgressReport).where(
            ProgressReport.grant_id == tranche.grant_id, ProgressReport.year == year
        )
    )
    pending = tuple(code for _, code in cofunders)
    if report is not None and report.state == ReportState.ACCEPTED:
        pending = ()
    elif report is not None and report.state == ReportState.SUBMITTED:
        pending = not_approved(await answers(session, round_subject(report)), cofunders)
    gate = await session.scalar(select(MidtermGate).where(MidtermGate.grant_id == tranche.grant_id))
    gate_pending = gate is not None and year > gate.after_year and gate.state != GateState.PASSED
    return Waits(pending, gate_pending)
