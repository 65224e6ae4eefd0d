"""Reviewers: profiles and pools, conflicts of interest, bids, assignments, reviews, rankings."""

from __future__ import annotations

import datetime
import uuid
from enum import StrEnum
from typing import Any

from advanced_alchemy.base import UUIDv7AuditBase
from advanced_alchemy.types import JsonB
from sqlalchemy import (
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from grants.db.models.agencies import Agency
from workflows.machines.call_service import ServiceState
from workflows.machines.ranking import RankingState
from workflows.machines.review_assignment import AssignmentState


class ConflictStatus(StrEnum):
    """A conflict of interest's standing: not a workflow state, an officer's decision on it."""

    ACTIVE = "active"
    DISMISSED = "dismissed"
    WAIVED = "waived"


class ReviewerProfile(UUIDv7AuditBase):
    """A reviewer's expertise and affiliation; `agencies` are the pools they review for."""

    __tablename__ = "reviewer_profiles"
    __table_args__ = (CheckConstraint("load_cap >= 0", name="load_cap_non_negative"),)

    user_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), unique=True)
    expertise: Mapped[str] = mapped_column(Text)
    keywords: Mapped[list[str]] = mapped_column(JsonB)
    institution_ror: Mapped[str | None] = mapped_column(String(9), default=None)
    institution_name: Mapped[str | None] = mapped_column(String(300), default=None)
    country: Mapped[str] = mapped_column(String(2))
    orcid: Mapped[str | None] = mapped_column(String(19), default=None)
    # Enterprises the reviewer works for or holds an interest in:
    # `[{"country", "identifier", "relation": "employee" | "interest", "name"}]`.
    enterprise_interests: Mapped[list[dict[str, Any]]] = mapped_column(
        JsonB, default=list, server_default="[]"
    )
    load_cap: Mapped[int] = mapped_column(Integer, default=8)
    version: Mapped[int] = mapped_column(Integer, default=1)

    pools: Mapped[list[ReviewerPool]] = relationship(
        back_populates="profile", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class ReviewerPool(UUIDv7AuditBase):
    """Membership of a reviewer in an agency's pool."""

    __tablename__ = "reviewer_pools"
    __table_args__ = (
        UniqueConstraint("profile_id", "agency_id", name="uq_reviewer_pools_profile_agency"),
    )

    profile_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("reviewer_profiles.id", ondelete="CASCADE")
    )
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)

    profile: Mapped[ReviewerProfile] = relationship(back_populates="pools", lazy="raise")
    agency: Mapped[Agency] = relationship(lazy="raise")


class CallReviewer(UUIDv7AuditBase):
    """A reviewer asked to serve on a call for one agency's pool; bids come after `accepted`."""

    __tablename__ = "call_reviewers"
    __table_args__ = (
        UniqueConstraint("call_id", "reviewer_id", name="uq_call_reviewers_call_reviewer"),
        CheckConstraint("state IN ('invited', 'accepted', 'declined')", name="state_known"),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id"), index=True)
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    state: Mapped[str] = mapped_column(String(16), default=ServiceState.INVITED)
    decline_reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class ProposalExclusion(UUIDv7AuditBase):
    """A reviewer the applicants ask not to review their proposal (at most three)."""

    __tablename__ = "proposal_exclusions"

    proposal_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("proposals.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320), default=None)
    orcid: Mapped[str | None] = mapped_column(String(19), default=None)
    reason: Mapped[str | None] = mapped_column(String(2000), default=None)


class Conflict(UUIDv7AuditBase):
    """A conflict of interest between a reviewer and a proposal, with its reason on record.

    `source`: same_institution, consortium_member, coauthor, excluded_by_applicants,
    declared_by_reviewer. `status`: active (forbids the pair), dismissed (a false positive;
    no longer forbids) or waived (known, allowed on purpose). Decisions keep actor and reason.
    """

    __tablename__ = "conflicts"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id", "source", name="uq_conflicts_pair_source"),
        CheckConstraint("status IN ('active', 'dismissed', 'waived')", name="status_known"),
        Index("ix_conflicts_reviewer", "reviewer_id"),
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(String(2000))
    # A detected conflict's reason as a message (code and parameters), shown in the reader's
    # language; `reason` keeps its English for the record. None when a person wrote the reason.
    reason_code: Mapped[str | None] = mapped_column(String(64), default=None)
    reason_params: Mapped[dict[str, Any] | None] = mapped_column(JsonB, default=None)
    status: Mapped[str] = mapped_column(String(16), default=ConflictStatus.ACTIVE)
    decided_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    decision_reason: Mapped[str | None] = mapped_column(String(2000), default=None)
    decided_at: Mapped[datetime.datetime | None] = mapped_column(default=None)


class Bid(UUIDv7AuditBase):
    """A reviewer's appetite for a proposal: eager, willing, not_willing or conflict."""

    __tablename__ = "bids"
    __table_args__ = (
        UniqueConstraint("proposal_id", "reviewer_id", name="uq_bids_proposal_reviewer"),
        CheckConstraint(
            "level IN ('eager', 'willing', 'not_willing', 'conflict')", name="level_known"
        ),
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"), index=True)
    level: Mapped[str] = mapped_column(String(16))


class ReviewAssignment(UUIDv7AuditBase):
    """A reviewer on a proposal in one review round (0 = selection, then yearly progress).

    `pool_agency_id` is the agency pool the reviewer serves (parallel mode walls).
    """

    __tablename__ = "review_assignments"
    __table_args__ = (
        UniqueConstraint(
            "proposal_id", "reviewer_id", "round", name="uq_review_assignments_pair_round"
        ),
        Index("ix_review_assignments_reviewer", "reviewer_id"),
    )

    proposal_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("proposals.id"), index=True)
    reviewer_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("users.id"))
    pool_agency_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("agencies.id"), index=True)
    round: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default=AssignmentState.PROPOSED)
    version: Mapped[int] = mapped_column(Integer, default=1)
    affinity: Mapped[float | None] = mapped_column(Float, default=None)
    source: Mapped[str] = mapped_column(String(16), default="solver")
    decline_reason: Mapped[str | None] = mapped_column(String(2000), default=None)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class Review(UUIDv7AuditBase):
    """The review of one assignment: a score per rubric criterion (`{key: int}`), comments to
    the applicants, confidential comments to the panel, recommendation and confidence (1–5)."""

    __tablename__ = "reviews"
    __table_args__ = (
        CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 5", name="confidence_range"
        ),
    )

    assignment_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("review_assignments.id"), unique=True
    )
    scores: Mapped[dict[str, Any]] = mapped_column(JsonB)
    comments_to_applicants: Mapped[str | None] = mapped_column(Text, default=None)
    confidential_comments: Mapped[str | None] = mapped_column(Text, default=None)
    recommendation: Mapped[str | None] = mapped_column(String(32), default=None)
    confidence: Mapped[int | None] = mapped_column(Integer, default=None)
    submitted_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class Ranking(UUIDv7AuditBase):
    """An agency's ranking of a call's proposals (`agency_id` set) or the joint panel's ranking
    (`agency_id` None). `entries`: `[{"proposal_id", "position", "score", "recommendation"}]`."""

    __tablename__ = "rankings"
    __table_args__ = (
        CheckConstraint("state IN ('draft', 'final')", name="state_known"),
        Index("ix_rankings_call_agency_round", "call_id", "agency_id", "round", unique=True),
    )

    call_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("calls.id"))
    agency_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("agencies.id"), default=None)
    round: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(String(16), default=RankingState.DRAFT)
    entries: Mapped[list[dict[str, Any]]] = mapped_column(JsonB)
    minutes: Mapped[str | None] = mapped_column(Text, default=None)
    finalised_by: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("users.id"), default=None)
    finalised_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 - SQLAlchemy's declared form


class OutboxMessage(UUIDv7AuditBase):
    """An email to send; the embedded default keeps them here (and in the log) unsent."""

    __tablename__ = "outbox_messages"

    recipient: Mapped[str] = mapped_column(String(320), index=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime.datetime | None] = mapped_column(default=None)
    error: Mapped[str | None] = mapped_column(String(2000), default=None)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    related_type: Mapped[str | None] = mapped_column(String(64), default=None)
    related_id: Mapped[str | None] = mapped_column(String(64), default=None)
