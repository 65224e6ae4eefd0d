"""Funding agencies: who co-funds, in which currency, on which fiscal calendar."""

from __future__ import annotations

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import CheckConstraint, Integer, String
from sqlalchemy.orm import Mapped, mapped_column


class Agency(UUIDv7AuditBase):
    """`grant_number_pattern` numbers the agency's grants (`grants.awards.numbers`); None uses
    the default pattern;
    `budget_move_threshold_percent` frees small budget moves from the agency's approval."""

    __tablename__ = "agencies"
    __table_args__ = (
        CheckConstraint("fiscal_year_start_month BETWEEN 1 AND 12", name="fiscal_month_range"),
        CheckConstraint("length(country) = 2", name="country_alpha2"),
        CheckConstraint("length(currency) = 3", name="currency_alpha3"),
        CheckConstraint(
            "budget_move_threshold_percent BETWEEN 0 AND 100", name="move_threshold_range"
        ),
    )

    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    currency: Mapped[str] = mapped_column(String(3))
    fiscal_year_start_month: Mapped[int] = mapped_column(Integer)
    time_zone: Mapped[str] = mapped_column(String(64))
    grant_number_pattern: Mapped[str | None] = mapped_column(String(64), default=None)
    # A budget move of less than this percent of its source year's direct costs is recorded
    # without the agency's approval (`grants.amendments.moves`).
    budget_move_threshold_percent: Mapped[int] = mapped_column(
        Integer, default=10, server_default="10"
    )
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form
