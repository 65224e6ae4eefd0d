"""Funding decisions' approved budgets and the grants awarded when every agency approved.

An agency's decision itself is an `Approval` (purpose `funding`, one per agency per proposal by
its unique key); an approval carries its approved budget grid here. A grant is one joint
project with one side per co-funding agency: the agency's grant number, awarded total and
approved grid, copied at the award so later amendments change the grant, never the decision.
"""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.db.models.agencies import Agency
from workflows.machines.grant import GrantState

_CATEGORY_KNOWN = (
    "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')"
)


class ApprovedBudgetLine(UUIDv7AuditBase):
    """One year × category of the budget an agency approved (minor units of `currency`)."""

    __tablename__ = "approved_budget_lines"
    __table_args__ = (
        UniqueConstraint(
            "approval_id", "year", "category", name="uq_approved_budget_lines_approval_line"
        ),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("year >= 1", name="year_positive"),
        CheckConstraint(_CATEGORY_KNOWN, name="category_known"),
    )

    approval_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("approvals.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))


class Grant(UUIDv7AuditBase):
    """A joint project funded by every co-funding agency of its call.

    It runs from `start_date` (the proposal's planned start) up to, not including, `end_date`
    (start plus the duration in years, month arithmetic clamped to the month's end).
    """

    __tablename__ = "grants"
    __table_args__ = (
        CheckConstraint("end_date > start_date", name="ends_after_start"),
        CheckConstraint("duration_years > 0", name="duration_positive"),
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), unique=True)
    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id"), index=True)
    state: Mapped[str] = mapped_column(String(32), default=GrantState.ACTIVE)
    version: Mapped[int] = mapped_column(Integer, default=1)
    start_date: Mapped[datetime.date] = mapped_column(Date)
    end_date: Mapped[datetime.date] = mapped_column(Date)
    duration_years: Mapped[int] = mapped_column(Integer)

    sides: Mapped[list[GrantSide]] = relationship(
        back_populates="grant",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="GrantSide.position",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class GrantSide(UUIDv7AuditBase):
    """One agency's side of a grant: its number, its awarded total and approved grid.

    `number_scope` is the agency's pattern with everything but the sequence filled in and
    `number_seq` the sequence within it: the next number of a scope is its highest plus one,
    taken under the agency row's lock; both unique keys hold even if a lock were forgotten.
    """

    __tablename__ = "grant_sides"
    __table_args__ = (
        UniqueConstraint("grant_id", "agency_id", name="uq_grant_sides_grant_agency"),
        UniqueConstraint("number", name="uq_grant_sides_number"),
        UniqueConstraint(
            "agency_id", "number_scope", "number_seq", name="uq_grant_sides_agency_sequence"
        ),
        CheckConstraint("awarded_total >= 0", name="awarded_non_negative"),
        CheckConstraint("number_seq >= 1", name="sequence_positive"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grants.id", ondelete="CASCADE"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposal_parts.id"), index=True)
    decision_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("approvals.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    number: Mapped[str] = mapped_column(String(100))
    number_scope: Mapped[str] = mapped_column(String(110))
    number_seq: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    awarded_total: Mapped[int] = mapped_column(BigInteger)

    grant: Mapped[Grant] = relationship(back_populates="sides", lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="selectin")
    lines: Mapped[list[GrantBudgetLine]] = relationship(
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(GrantBudgetLine.year, GrantBudgetLine.category)",
    )


class GrantBudgetLine(UUIDv7AuditBase):
    """One year × category of a grant side's approved budget (minor units of the side's
    currency)."""

    __tablename__ = "grant_budget_lines"
    __table_args__ = (
        UniqueConstraint("side_id", "year", "category", name="uq_grant_budget_lines_side_line"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("year >= 1", name="year_positive"),
        CheckConstraint(_CATEGORY_KNOWN, name="category_known"),
    )

    side_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grant_sides.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
