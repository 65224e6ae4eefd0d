"""Enterprise partners of a proposal's part (the third party of the State–Scientist–Enterprise
model), their committed contributions per project year, and the actual contributions each
year's financial statement reports after the award.

A partner never receives agency money in CoFund's books: its contributions, in its own currency
(minor units), are reported beside the agencies' funding. Partners are edited only in a draft,
so after the award the grant keeps them and their commitments as they were submitted.
"""

from __future__ import annotations

import uuid

from advanced_alchemy.base import UUIDv7AuditBase
from sqlalchemy import BigInteger, CheckConstraint, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

SIZE_CLASSES = ("micro", "small", "medium", "large")
CONTRIBUTION_KINDS = ("cash", "in_kind")
PARTNER_ROLES_MAX = 2000


class EnterprisePartner(UUIDv7AuditBase):
    """An enterprise on one part: its legal name (own script and English), country (ISO 3166
    alpha-2), national identifier (compact form, checked with python-stdnum), size class,
    contact person, role in the project, currency (ISO 4217) and its letter of commitment (a
    document of kind `letter_of_commitment` of the same proposal)."""

    __tablename__ = "enterprise_partners"
    __table_args__ = (
        UniqueConstraint(
            "part_id", "country", "identifier", name="uq_enterprise_partners_part_identifier"
        ),
        CheckConstraint(
            "size_class IN ('micro', 'small', 'medium', 'large')", name="size_class_known"
        ),
    )

    part_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposal_parts.id", ondelete="CASCADE"), index=True
    )
    legal_name: Mapped[str] = mapped_column(String(300))
    legal_name_en: Mapped[str] = mapped_column(String(300))
    country: Mapped[str] = mapped_column(String(2))
    identifier: Mapped[str] = mapped_column(String(20), index=True)
    size_class: Mapped[str] = mapped_column(String(10))
    contact_name: Mapped[str] = mapped_column(String(200))
    contact_email: Mapped[str] = mapped_column(String(320))
    role: Mapped[str] = mapped_column(String(PARTNER_ROLES_MAX))
    currency: Mapped[str] = mapped_column(String(3))
    letter_document_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("documents.id"), default=None
    )
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form

    contributions: Mapped[list[PartnerContribution]] = relationship(
        back_populates="partner",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="(PartnerContribution.year, PartnerContribution.kind)",
    )


class PartnerContribution(UUIDv7AuditBase):
    """What a partner commits in project year `year`, in cash or in kind, in its currency."""

    __tablename__ = "partner_contributions"
    __table_args__ = (
        UniqueConstraint("partner_id", "year", "kind", name="uq_partner_contributions_year_kind"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("year >= 1", name="year_positive"),
        CheckConstraint("kind IN ('cash', 'in_kind')", name="kind_known"),
    )

    partner_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("enterprise_partners.id", ondelete="CASCADE"), index=True
    )
    year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))

    partner: Mapped[EnterprisePartner] = relationship(back_populates="contributions", lazy="raise")


class PartnerActual(UUIDv7AuditBase):
    """What a partner actually contributed in a project year, as one version of the grant
    side's financial statement reports it (in the partner's currency)."""

    __tablename__ = "partner_actuals"
    __table_args__ = (
        UniqueConstraint(
            "statement_id", "partner_id", "kind", name="uq_partner_actuals_statement_kind"
        ),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("kind IN ('cash', 'in_kind')", name="kind_known"),
    )

    statement_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("financial_statements.id", ondelete="CASCADE"), index=True
    )
    partner_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("enterprise_partners.id"), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
