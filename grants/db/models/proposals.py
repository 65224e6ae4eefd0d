"""Joint proposals: one shared project, one part per co-funding agency, and their documents."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.db.models.agencies import Agency
from grants.db.models.calls import Call
from grants.db.models.partners import EnterprisePartner
from workflows.machines.proposal import ProposalState

BUDGET_CATEGORIES = ("personnel", "equipment", "consumables", "travel", "other", "indirect")


class Proposal(UUIDv7AuditBase):
    """Texts are `{"en": …, "ja": …, "vi": …}`; `reference` is given at the first submission."""

    __tablename__ = "proposals"
    __table_args__ = (
        UniqueConstraint("call_id", "number", name="uq_proposals_call_number"),
        CheckConstraint("duration_years > 0", name="duration_positive"),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id"), index=True)
    number: Mapped[int | None] = mapped_column(Integer, default=None)
    reference: Mapped[str | None] = mapped_column(String(64), unique=True, default=None)
    title: Mapped[dict[str, Any]] = mapped_column(JsonB)
    abstract: Mapped[dict[str, Any]] = mapped_column(JsonB)
    keywords: Mapped[list[str]] = mapped_column(JsonB)
    topic: Mapped[str] = mapped_column(String(100))
    duration_years: Mapped[int] = mapped_column(Integer)
    planned_start: Mapped[datetime.date] = mapped_column(Date)
    state: Mapped[str] = mapped_column(String(32), default=ProposalState.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    eligibility_reason: Mapped[str | None] = mapped_column(String(2000), default=None)

    call: Mapped[Call] = relationship(lazy="raise")
    parts: Mapped[list[ProposalPart]] = relationship(
        back_populates="proposal",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="ProposalPart.position",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class ProposalPart(UUIDv7AuditBase):
    """One agency's side of a proposal: its PI, host institution, team and budget."""

    __tablename__ = "proposal_parts"
    __table_args__ = (
        UniqueConstraint("proposal_id", "agency_id", name="uq_proposal_parts_proposal_agency"),
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id", ondelete="CASCADE"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    pi_user_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("users.id"), default=None, index=True
    )
    institution_ror: Mapped[str | None] = mapped_column(String(9), default=None)
    institution_name: Mapped[str | None] = mapped_column(String(300), default=None)
    # Covers the part's own fields and its budget: a budget is replaced as a whole.
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form

    proposal: Mapped[Proposal] = relationship(back_populates="parts", lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="selectin")
    members: Mapped[list[PartMember]] = relationship(
        back_populates="part",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="PartMember.created_at",
    )
    budget: Mapped[list[BudgetLine]] = relationship(
        back_populates="part",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(BudgetLine.year, BudgetLine.category)",
    )
    # Loaded explicitly where read (grants.partners.queries.load_partners).
    partners: Mapped[list[EnterprisePartner]] = relationship(
        lazy="raise", cascade="all, delete-orphan", order_by="EnterprisePartner.created_at"
    )


class PartMember(UUIDv7AuditBase):
    """A person on a part's team. `role`: pi, co_investigator (may edit) or member."""

    __tablename__ = "part_members"
    __table_args__ = (
        UniqueConstraint("part_id", "email", name="uq_part_members_part_email"),
        CheckConstraint("role IN ('pi', 'co_investigator', 'member')", name="member_role_known"),
        Index("ix_part_members_user", "user_id"),
        Index("ix_part_members_email", "email"),
    )

    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposal_parts.id", ondelete="CASCADE"))
    user_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    role: Mapped[str] = mapped_column(String(20), default="member")
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(320))
    orcid: Mapped[str | None] = mapped_column(String(19), default=None)
    erad_number: Mapped[str | None] = mapped_column(String(8), default=None)
    # The country (ISO 3166 alpha-2) of the member's host institution when it is not the
    # part's agency's: a scientist abroad (allowed where the call's agency terms say so).
    based_in: Mapped[str | None] = mapped_column(String(2), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form

    part: Mapped[ProposalPart] = relationship(back_populates="members", lazy="raise")


class BudgetLine(UUIDv7AuditBase):
    """One year × category of a part's budget, in the part's agency currency (minor units)."""

    __tablename__ = "budget_lines"
    __table_args__ = (
        UniqueConstraint("part_id", "year", "category", name="uq_budget_lines_part_year_category"),
        CheckConstraint("amount >= 0", name="amount_non_negative"),
        CheckConstraint("year >= 1", name="year_positive"),
        CheckConstraint(
            "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')",
            name="category_known",
        ),
    )

    part_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposal_parts.id", ondelete="CASCADE"))
    year: Mapped[int] = mapped_column(Integer)
    category: Mapped[str] = mapped_column(String(20))
    amount: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))

    part: Mapped[ProposalPart] = relationship(back_populates="budget", lazy="raise")


class ProposalInvitation(UUIDv7AuditBase):
    """A PI's invitation to the counterpart PI of another agency's part (secret stored hashed)."""

    __tablename__ = "proposal_invitations"

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    part_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposal_parts.id", ondelete="CASCADE"), index=True
    )
    email: Mapped[str] = mapped_column(String(320))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    expires_at: Mapped[datetime.datetime]
    accepted_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    accepted_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    # Set for a co-investigator's invitation: accepting links this team member to the account.
    member_id: Mapped[uuid.UUID | None] = mapped_column(
        ForeignKey("part_members.id", ondelete="CASCADE"), default=None, index=True
    )


class Document(UUIDv7AuditBase):
    """An uploaded file; immutable once its proposal is submitted (a change is a new version).

    Nothing here is ever deleted by the application; `storage_key` is random.
    """

    __tablename__ = "documents"
    __table_args__ = (
        UniqueConstraint(
            "proposal_id", "kind", "version", name="uq_documents_proposal_kind_version"
        ),
        CheckConstraint("size >= 0", name="size_non_negative"),
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    kind: Mapped[str] = mapped_column(String(64))
    version: Mapped[int] = mapped_column(Integer, default=1)
    original_name: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(127))
    size: Mapped[int] = mapped_column(BigInteger)
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(200), unique=True)
    uploaded_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
