"""Amendments of an awarded grant: budget moves within one side and no-cost extensions.

An amendment is moved by the amendment machine. What was proposed and what was approved sit
side by side: each move of a budget move has its proposed and approved amount, an extension its
proposed and approved end date. Each agency's answer is an `Approval` (purpose `amendment`);
for an extension the end date that agency approved is kept beside its answer
(`ApprovedEndDate`), and the amendment's approved end date is the earliest of them.
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
from sqlalchemy.orm import Mapped, mapped_column, relationship

from workflows.machines.amendment import AmendmentState

_CATEGORIES = "('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')"


class Amendment(UUIDv7AuditBase):
    """A PI's request to change grant `grant_id`: `budget_move` (of side `side_id`, moves in
    `moves`) or `no_cost_extension` (to `proposed_end_date`)."""

    __tablename__ = "amendments"
    __table_args__ = (
        CheckConstraint("kind IN ('budget_move', 'no_cost_extension')", name="kind_known"),
        CheckConstraint(
            "(kind = 'budget_move' AND side_id IS NOT NULL AND proposed_end_date IS NULL) OR "
            "(kind = 'no_cost_extension' AND side_id IS NULL AND proposed_end_date IS NOT NULL)",
            name="kind_fields",
        ),
        CheckConstraint(
            "approved_end_date IS NULL OR "
            "(proposed_end_date IS NOT NULL AND approved_end_date <= proposed_end_date)",
            name="approved_end_within_proposed",
        ),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grants.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))
    side_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("grant_sides.id", ondelete="CASCADE"), default=None, index=True
    )
    state: Mapped[str] = mapped_column(String(32), default=AmendmentState.REQUESTED)
    version: Mapped[int] = mapped_column(Integer, default=1)
    requested_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    requested_at: Mapped[datetime.datetime] = mapped_column(DateTimeUTC(timezone=True))
    reason: Mapped[str] = mapped_column(Text)
    previous_end_date: Mapped[datetime.date | None] = mapped_column(Date, default=None)
    proposed_end_date: Mapped[datetime.date | None] = mapped_column(Date, default=None)
    approved_end_date: Mapped[datetime.date | None] = mapped_column(Date, default=None)

    moves: Mapped[list[AmendmentMove]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="AmendmentMove.position"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class AmendmentMove(UUIDv7AuditBase):
    """One move of a budget move: `proposed_amount` (minor units of the side's currency) from
    one year × category of the side's grid to another; `approved_amount` once decided (at most
    the proposed)."""

    __tablename__ = "amendment_moves"
    __table_args__ = (
        UniqueConstraint("amendment_id", "position", name="uq_amendment_moves_position"),
        CheckConstraint("proposed_amount > 0", name="proposed_positive"),
        CheckConstraint(
            "approved_amount IS NULL OR "
            "(approved_amount >= 0 AND approved_amount <= proposed_amount)",
            name="approved_within_proposed",
        ),
        CheckConstraint("from_year >= 1 AND to_year >= 1", name="years_positive"),
        CheckConstraint(f"from_category IN {_CATEGORIES}", name="from_category_known"),
        CheckConstraint(f"to_category IN {_CATEGORIES}", name="to_category_known"),
        CheckConstraint(
            "from_year <> to_year OR from_category <> to_category", name="moves_somewhere"
        ),
    )

    amendment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("amendments.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    from_year: Mapped[int] = mapped_column(Integer)
    from_category: Mapped[str] = mapped_column(String(20))
    to_year: Mapped[int] = mapped_column(Integer)
    to_category: Mapped[str] = mapped_column(String(20))
    currency: Mapped[str] = mapped_column(String(3))
    proposed_amount: Mapped[int] = mapped_column(BigInteger)
    approved_amount: Mapped[int | None] = mapped_column(BigInteger, default=None)


class ApprovedEndDate(UUIDv7AuditBase):
    """The end date one agency approved for a no-cost extension, beside its answer."""

    __tablename__ = "approved_end_dates"

    approval_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("approvals.id", ondelete="CASCADE"), unique=True
    )
    end_date: Mapped[datetime.date] = mapped_column(Date)
