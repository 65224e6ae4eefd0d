"""Calls for proposals and each co-funding agency's terms in them."""

from __future__ import annotations

import datetime
import uuid
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.db.models.agencies import Agency
from workflows.machines.call import CallState


class Call(UUIDv7AuditBase):
    """A joint call. Multilingual texts are `{"en": …, "ja": …, "vi": …}` (English required).

    `rubric`: `[{"key", "label", "weight", "scale_min", "scale_max"}]`, weights in percent.
    `document_kinds`: `[{"kind", "label", "required", "max_bytes", "allowed_types"}]`.
    `durations`: allowed project lengths in years. `last_proposal_number` hands out gap-free
    reference numbers under the row's lock.
    """

    __tablename__ = "calls"
    __table_args__ = (
        CheckConstraint("closes_at > opens_at", name="closes_after_opening"),
        CheckConstraint("cofunding_mode IN ('own_side', 'shared')", name="cofunding_mode_known"),
        CheckConstraint("review_mode IN ('parallel', 'joint')", name="review_mode_known"),
        CheckConstraint("reviewers_per_proposal >= 1", name="reviewers_positive"),
        CheckConstraint("min_reviewers_per_country >= 0", name="country_minimum_non_negative"),
    )

    code: Mapped[str] = mapped_column(String(40), unique=True)
    title: Mapped[dict[str, Any]] = mapped_column(JsonB)
    description: Mapped[dict[str, Any]] = mapped_column(JsonB)
    topics: Mapped[list[str]] = mapped_column(JsonB)
    opens_at: Mapped[datetime.datetime]
    closes_at: Mapped[datetime.datetime]
    durations: Mapped[list[int]] = mapped_column(JsonB)
    cofunding_mode: Mapped[str] = mapped_column(String(16), default="own_side")
    review_mode: Mapped[str] = mapped_column(String(16), default="parallel")
    reviewers_per_proposal: Mapped[int] = mapped_column(Integer, default=3)
    min_reviewers_per_country: Mapped[int] = mapped_column(Integer, default=0)
    review_deadline: Mapped[datetime.datetime | None] = mapped_column(default=None)
    rubric: Mapped[list[dict[str, Any]]] = mapped_column(JsonB)
    document_kinds: Mapped[list[dict[str, Any]]] = mapped_column(JsonB)
    state: Mapped[str] = mapped_column(String(32), default=CallState.DRAFT)
    version: Mapped[int] = mapped_column(Integer, default=1)
    last_proposal_number: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))

    agencies: Mapped[list[CallAgency]] = relationship(
        back_populates="call",
        lazy="selectin",
        cascade="all, delete-orphan",
        order_by="CallAgency.position",
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class CallAgency(UUIDv7AuditBase):
    """One co-funding agency's terms in a call; money in that agency's currency, minor units.

    `share_percent` is the agency's fixed share of the budget in `shared` mode (None otherwise).
    """

    __tablename__ = "call_agencies"
    __table_args__ = (
        UniqueConstraint("call_id", "agency_id", name="uq_call_agencies_call_agency"),
        CheckConstraint("cap_per_year IS NULL OR cap_per_year > 0", name="cap_per_year_positive"),
        CheckConstraint("cap_total IS NULL OR cap_total > 0", name="cap_total_positive"),
        CheckConstraint("envelope IS NULL OR envelope > 0", name="envelope_positive"),
        CheckConstraint("max_indirect_percent BETWEEN 0 AND 100", name="indirect_percent_range"),
        CheckConstraint(
            "share_percent IS NULL OR share_percent BETWEEN 1 AND 99", name="share_range"
        ),
        CheckConstraint(
            "min_matching_percent IS NULL OR min_matching_percent BETWEEN 1 AND 1000",
            name="matching_percent_range",
        ),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id", ondelete="CASCADE"))
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    position: Mapped[int] = mapped_column(Integer, default=0)
    currency: Mapped[str] = mapped_column(String(3))
    cap_per_year: Mapped[int | None] = mapped_column(BigInteger, default=None)
    cap_total: Mapped[int | None] = mapped_column(BigInteger, default=None)
    envelope: Mapped[int | None] = mapped_column(BigInteger, default=None)
    max_indirect_percent: Mapped[int] = mapped_column(Integer, default=30)
    pi_once_per_call: Mapped[bool] = mapped_column(Boolean, default=True)
    share_percent: Mapped[int | None] = mapped_column(Integer, default=None)
    # Enterprise partners (grants.partners): at least one on this agency's part, a minimum
    # committed contribution as a percentage of what the agency funds (matching funds), and
    # whether this agency's part may list members based abroad.
    partner_required: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    min_matching_percent: Mapped[int | None] = mapped_column(Integer, default=None)
    members_abroad_allowed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )

    call: Mapped[Call] = relationship(back_populates="agencies", lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="selectin")
