"""What a grant side hands in after the award: its signed grant agreement (a stored file,
versioned like proposal documents) and a financial statement per project year (spent per budget
category, versioned: a correction is a new version, nothing is overwritten).

The database holds what it can: one version number per side (and year), non-negative sizes and
amounts, known categories, one line per category of a statement.
"""

from __future__ import annotations

import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

_CATEGORY_KNOWN = (
    "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')"
)


class GrantAgreement(UUIDv7AuditBase):
    """One uploaded version of a grant side's signed agreement; `storage_key` is random and
    nothing here is ever deleted by the application."""

    __tablename__ = "grant_agreements"
    __table_args__ = (
        UniqueConstraint("side_id", "version", name="uq_grant_agreements_side_version"),
        CheckConstraint("size >= 0", name="size_non_negative"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grants.id"), index=True)
    side_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_sides.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))


class FinancialStatement(UUIDv7AuditBase):
    """Version `version` of what a grant side spent in project year `year`, in the side's
    `currency` (minor units), submitted by the side's PI."""

    __tablename__ = "financial_statements"
    __table_args__ = (
        UniqueConstraint(
            "side_id", "year", "version", name="uq_financial_statements_side_year_version"
        ),
        CheckConstraint("year >= 1", name="year_positive"),
        CheckConstraint("version >= 1", name="version_positive"),
    )

    grant_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grants.id"), index=True)
    side_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("grant_sides.id"), index=True)
    year: Mapped[int] = mapped_column(Integer)
    version: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3))
    submitted_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    lines: Mapped[list[FinancialStatementLine]] = relationship(
        lazy="selectin", cascade="all, delete-orphan", order_by="FinancialStatementLine.position"
    )


class FinancialStatementLine(UUIDv7AuditBase):
    """What was spent in one budget category (minor units of the statement's currency)."""

    __tablename__ = "financial_statement_lines"
    __table_args__ = (
        UniqueConstraint(
            "statement_id", "category", name="uq_financial_statement_lines_statement_category"
        ),
        CheckConstraint("spent >= 0", name="spent_non_negative"),
        CheckConstraint(_CATEGORY_KNOWN, name="category_known"),
    )

    statement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("financial_statements.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    spent: Mapped[int] = mapped_column(BigInteger)
