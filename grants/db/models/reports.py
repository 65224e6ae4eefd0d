"""Annual progress reports, the mid-term gate and the reminders sent about reports.

A grant has one joint progress report per project year, created at the award; the agencies'
answers on each submission round are `Approval` rows (subject `progress_report`, version = the
round), so earlier rounds stay on record. A grant of 5 years or more has one mid-term gate.
"""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC, JsonB
from sqlalchemy import CheckConstraint, Date, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from workflows.machines.midterm_gate import GateState
from workflows.machines.progress_report import ReportState


class ProgressReport(UUIDv7AuditBase):
    """Project year `year`'s report, due on `due_date` (the day after the year plus a grace).

    `round` counts submissions (0 before the first); `document_id` is the narrative (a document
    of kind `progress_report` on the grant's proposal) and `figures` the structured figures of
    the current round, submitted by `submitted_by` at `submitted_at`.
    """

    __tablename__ = "progress_reports"
    __table_args__ = (
        UniqueConstraint("grant_id", "year", name="uq_progress_reports_grant_year"),
        CheckConstraint("year >= 1", name="year_positive"),
        CheckConstraint("round >= 0", name="round_non_negative"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    due_date: Mapped[datetime.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(32), default=ReportState.DUE)
    version: Mapped[int] = mapped_column(Integer, default=1)
    round: Mapped[int] = mapped_column(Integer, default=0)
    document_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("documents.id"), default=None)
    figures: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    submitted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class MidtermGate(UUIDv7AuditBase):
    """The continuation decision after project year `after_year` (half the duration)."""

    __tablename__ = "midterm_gates"
    __table_args__ = (CheckConstraint("after_year >= 1", name="after_year_positive"),)

    grant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), unique=True
    )
    after_year: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(32), default=GateState.PENDING)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class ReportReminder(UUIDv7AuditBase):
    """A reminder queued about a report: at most one per report, kind and round (the unique
    key makes the reminder run idempotent)."""

    __tablename__ = "report_reminders"
    __table_args__ = (
        UniqueConstraint("report_id", "kind", "round", name="uq_report_reminders_once"),
        CheckConstraint("kind IN ('upcoming', 'late')", name="kind_known"),
    )

    report_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("progress_reports.id", ondelete="CASCADE")
    )
    kind: Mapped[str] = mapped_column(String(16))
    round: Mapped[int] = mapped_column(Integer)
    sent_on: Mapped[datetime.date] = mapped_column(Date)
