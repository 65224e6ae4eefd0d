"""Reports and the gate as the API shows them, with every round's answers, in constant queries."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from grants.approvals.records import Answer as Key
from grants.approvals.records import Purpose
from grants.awards.schemas import Officer
from grants.db.models import Agency, Approval, MidtermGate, ProgressReport, User
from grants.reports import schemas
from workflows.machines.midterm_gate import GateState
from workflows.machines.progress_report import ReportState

REPORT_WORDS = {Key.APPROVE: "accept", Key.REVISE: "revise", Key.REJECT: "stop"}
GATE_WORDS = {Key.APPROVE: "continue", Key.REJECT: "stop"}


async def answers_of(
    session: AsyncSession, subject_ids: Sequence[uuid.UUID], purpose: Purpose, *, officers: bool
) -> dict[uuid.UUID, list[schemas.Answer]]:
    """Every answer on the subjects, by subject, in round and agency-answer order (one query)."""
    words = REPORT_WORDS if purpose == Purpose.PROGRESS_REPORT else GATE_WORDS
    rows = await session.execute(
        select(Approval, Agency.code, User.display_name)
        .join(Agency, Agency.id == Approval.agency_id)
        .join(User, User.id == Approval.officer_id)
        .where(Approval.subject_id.in_(list(subject_ids)), Approval.purpose == purpose)
        .order_by(Approval.subject_version, Approval.created_at, Approval.id)
    )
    found: dict[uuid.UUID, list[schemas.Answer]] = {}
    for approval, code, name in rows.tuples():
        found.setdefault(approval.subject_id, []).append(
            schemas.Answer(
                round=approval.subject_version if purpose == Purpose.PROGRESS_REPORT else 1,
                agency=code,
                decision=words[Key(approval.decision)],
                comment=approval.rationale,
                by=Officer(id=approval.officer_id, display_name=name) if officers else None,
                at=approval.created_at,
            )
        )
    return found


def report_view(report: ProgressReport, answers: list[schemas.Answer]) -> schemas.ProgressReport:
    return schemas.ProgressReport(
        id=report.id,
        version=report.version,
        grant_id=report.grant_id,
        year=report.year,
        due_date=report.due_date,
        state=ReportState(report.state),
        round=report.round,
        document_id=report.document_id,
        figures=None if report.figures is None else schemas.ReportFigures(**report.figures),
        submitted_by=report.submitted_by,
        submitted_at=report.submitted_at,
        answers=answers,
    )


def gate_view(gate: MidtermGate, answers: list[schemas.Answer]) -> schemas.MidtermGate:
    return schemas.MidtermGate(
        id=gate.id,
        version=gate.version,
        grant_id=gate.grant_id,
        after_year=gate.after_year,
        state=GateState(gate.state),
        answers=answers,
    )


async def one_report(
    session: AsyncSession, report: ProgressReport, *, officers: bool
) -> schemas.ProgressReport:
    found = await answers_of(session, [report.id], Purpose.PROGRESS_REPORT, officers=officers)
    return report_view(report, found.get(report.id, []))


async def one_gate(
    session: AsyncSession, gate: MidtermGate, *, officers: bool
) -> schemas.MidtermGate:
    found = await answers_of(session, [gate.id], Purpose.MIDTERM_GATE, officers=officers)
    return gate_view(gate, found.get(gate.id, []))


async def grant_reports(
    session: AsyncSession, grant_id: uuid.UUID, *, officers: bool
) -> list[schemas.ProgressReport]:
    """Every report of the grant in year order: two statements whatever their number."""
    reports = list(
        await session.scalars(
            select(ProgressReport)
            .where(ProgressReport.grant_id == grant_id)
            .order_by(ProgressReport.year)
        )
    )
    found = await answers_of(
        session, [r.id for r in reports], Purpose.PROGRESS_REPORT, officers=officers
    )
    return [report_view(r, found.get(r.id, [])) for r in reports]
