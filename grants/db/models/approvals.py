"""Two keys, built once: each co-funding agency's approval or rejection of a shared subject."""

from __future__ import annotations

import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column


class Approval(UUIDv7AuditBase):
    """One agency's answer on one subject for one purpose (publishing a call, a part's
    eligibility, the joint ranking; later decisions, amendments, gates and reports).

    Written under the subject's row lock; the unique key makes a second answer by the same
    agency on the same version impossible even if a lock were forgotten. `created_at` is the
    time of the answer.
    """

    __tablename__ = "approvals"
    __table_args__ = (
        UniqueConstraint(
            "subject_type",
            "subject_id",
            "purpose",
            "subject_version",
            "agency_id",
            name="uq_approvals_one_per_agency",
        ),
        CheckConstraint("decision IN ('approve', 'reject', 'revise')", name="decision_known"),
        Index("ix_approvals_subject", "subject_type", "subject_id"),
        Index("ix_approvals_agency_id", "agency_id"),
    )

    subject_type: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[uuid.UUID]
    purpose: Mapped[str] = mapped_column(String(48))
    # The subject's version answered on: an edit of the subject afterwards (a call's set-up)
    # leaves the answer on record but no longer counts it, so the agency answers again.
    subject_version: Mapped[int] = mapped_column(Integer)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"))
    officer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(8))
    rationale: Mapped[str | None] = mapped_column(Text, default=None)
