"""What the agencies answer on: a report's current round, a grant's mid-term gate."""

from __future__ import annotations

from grants.approvals.records import Purpose, Subject
from grants.db.models import MidtermGate, ProgressReport


def round_subject(report: ProgressReport) -> Subject:
    """The agencies' answers on the report's current round (a resubmission needs fresh ones)."""
    return Subject("progress_report", report.id, Purpose.PROGRESS_REPORT, report.round)


def gate_subject(gate: MidtermGate) -> Subject:
    """The agencies' continuation decisions: one each, ever."""
    return Subject("midterm_gate", gate.id, Purpose.MIDTERM_GATE, 0)
