"""Recorded exchange rates, for reports in one currency; stored amounts are never converted.

`rate` is how many `quote` one `base` buys on `rate_date`, by `source`. Numeric(15, 9) holds it
exactly on PostgreSQL; SQLite stores NUMERIC as a double, which round-trips any decimal of at
most 15 significant digits exactly (DBL_DIG), and SQLAlchemy reads it back at the column's
scale. So the precision is capped at 15 digits on both, not rounded silently on one.
"""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    ForeignKey,
    Integer,
    Numeric,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

RATE_PRECISION = 15
RATE_SCALE = 9


class FxRate(UUIDv7AuditBase):
    """One recorded rate; immutable once stored (a correction is another source or day)."""

    __tablename__ = "fx_rates"
    __table_args__ = (
        UniqueConstraint(
            "rate_date", "base", "quote", "source", name="uq_fx_rates_date_pair_source"
        ),
        CheckConstraint("rate > 0", name="rate_positive"),
        CheckConstraint("base <> quote", name="pair_distinct"),
        CheckConstraint("length(base) = 3 AND length(quote) = 3", name="codes_alpha3"),
    )

    rate_date: Mapped[datetime.date] = mapped_column(Date, index=True)
    base: Mapped[str] = mapped_column(String(3))
    quote: Mapped[str] = mapped_column(String(3))
    rate: Mapped[Decimal] = mapped_column(Numeric(RATE_PRECISION, RATE_SCALE, asdecimal=True))
    source: Mapped[str] = mapped_column(String(100))
    entered_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class GrantSideShare(UUIDv7AuditBase):
    """A `shared`-mode grant side's part of the one budget: the agency's `share_percent` of the
    joint budget (`joint_total` in `joint_currency`) and, when its own currency differs, the
    recorded rate its share was converted with once at the award (a copy of the rate's day,
    pair, value and source, so the side states it alone). Never converted again."""

    __tablename__ = "grant_side_shares"
    __table_args__ = (
        CheckConstraint("share_percent BETWEEN 1 AND 99", name="share_range"),
        CheckConstraint("joint_total >= 0", name="joint_total_non_negative"),
        CheckConstraint("rate IS NULL OR rate > 0", name="rate_positive"),
        CheckConstraint(
            "(fx_rate_id IS NULL AND rate IS NULL AND rate_date IS NULL AND base IS NULL "
            "AND quote IS NULL AND source IS NULL AND inverse IS NULL) OR "
            "(fx_rate_id IS NOT NULL AND rate IS NOT NULL AND rate_date IS NOT NULL "
            "AND base IS NOT NULL AND quote IS NOT NULL AND source IS NOT NULL "
            "AND inverse IS NOT NULL)",
            name="rate_all_or_none",
        ),
    )

    side_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("grant_sides.id", ondelete="CASCADE"), unique=True
    )
    share_percent: Mapped[int] = mapped_column(Integer)
    joint_currency: Mapped[str] = mapped_column(String(3))
    joint_total: Mapped[int] = mapped_column(BigInteger)
    fx_rate_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("fx_rates.id"), default=None)
    rate_date: Mapped[datetime.date | None] = mapped_column(Date, default=None)
    base: Mapped[str | None] = mapped_column(String(3), default=None)
    quote: Mapped[str | None] = mapped_column(String(3), default=None)
    rate: Mapped[Decimal | None] = mapped_column(
        Numeric(RATE_PRECISION, RATE_SCALE, asdecimal=True), default=None
    )
    source: Mapped[str | None] = mapped_column(String(100), default=None)
    inverse: Mapped[bool | None] = mapped_column(Boolean, default=None)
