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
from sqlalchemy import CheckConstraint, Date, ForeignKey, Numeric, String, UniqueConstraint
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
