"""Tranches: one agency's yearly payment of a grant, one per fiscal year of its calendar that
overlaps the project, planned at the award and moved by the tranche machine.

The database holds the money rules it can: every amount is non-negative, a request and an
approval never exceed the planned amount, and a disbursement never exceeds the approval. The
planned amounts of one side add up to its awarded total (written in one transaction at the
award), so an agency's disbursements never exceed its award either.
"""

from __future__ import annotations

import datetime
import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import DateTimeUTC
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from workflows.machines.tranche import TrancheState

_UTC = DateTimeUTC(timezone=True)


class Tranche(UUIDv7AuditBase):
    """Fiscal year `fiscal_year` (`label`, e.g. FY2027) of one grant side's schedule.

    `due_date` is the project's start for the first tranche and the fiscal year's first day for
    the others; it pays the project days `first_day`..`last_day`. Amounts are minor units of
    `currency`; who requested, approved and disbursed it, and when, beside each amount.
    """

    __tablename__ = "tranches"
    __table_args__ = (
        UniqueConstraint("side_id", "fiscal_year", name="uq_tranches_side_fiscal_year"),
        UniqueConstraint("side_id", "position", name="uq_tranches_side_position"),
        CheckConstraint("planned_amount >= 0", name="planned_non_negative"),
        CheckConstraint(
            "requested_amount IS NULL OR "
            "(requested_amount >= 0 AND requested_amount <= planned_amount)",
            name="requested_within_planned",
        ),
        CheckConstraint(
            "approved_amount IS NULL OR "
            "(approved_amount >= 0 AND approved_amount <= planned_amount)",
            name="approved_within_planned",
        ),
        CheckConstraint(
            "disbursed_amount IS NULL OR (approved_amount IS NOT NULL "
            "AND disbursed_amount >= 0 AND disbursed_amount <= approved_amount)",
            name="disbursed_within_approved",
        ),
        CheckConstraint("last_day >= first_day", name="days_ordered"),
        CheckConstraint("position >= 1", name="position_positive"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), index=True
    )
    side_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_sides.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(Integer)
    fiscal_year: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(16))
    due_date: Mapped[datetime.date] = mapped_column(Date)
    first_day: Mapped[datetime.date] = mapped_column(Date)
    last_day: Mapped[datetime.date] = mapped_column(Date)
    currency: Mapped[str] = mapped_column(String(3))
    planned_amount: Mapped[int] = mapped_column(BigInteger)
    state: Mapped[str] = mapped_column(String(32), default=TrancheState.PLANNED)
    version: Mapped[int] = mapped_column(Integer, default=1)
    requested_amount: Mapped[int | None] = mapped_column(BigInteger, default=None)
    requested_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    requested_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    approved_amount: Mapped[int | None] = mapped_column(BigInteger, default=None)
    approved_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    approved_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    disbursed_amount: Mapped[int | None] = mapped_column(BigInteger, default=None)
    disbursed_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    disbursed_at: Mapped[datetime.datetime | None] = mapped_column(
        DateTimeUTC(timezone=True), default=None
    )
    paid_on: Mapped[datetime.date | None] = mapped_column(Date, default=None)
    payment_reference: Mapped[str | None] = mapped_column(String(100), default=None)
    comment: Mapped[str | None] = mapped_column(Text, default=None)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form
