"""Reviewers: profiles, pools, conflicts, bids, assignments, reviews, rankings, mail outbox.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 14:40:50.589492
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_messages",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("recipient", sa.String(length=320), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column(
            "sent_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("error", sa.String(length=2000), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("related_type", sa.String(length=64), nullable=True),
        sa.Column("related_id", sa.String(length=64), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
    )
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbox_messages_recipient"), ["recipient"], unique=False
        )

    op.create_table(
        "reviewer_profiles",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("expertise", sa.Text(), nullable=False),
        sa.Column(
            "keywords",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("institution_ror", sa.String(length=9), nullable=True),
        sa.Column("institution_name", sa.String(length=300), nullable=True),
        sa.Column("country", sa.String(length=2), nullable=False),
        sa.Column("orcid", sa.String(length=19), nullable=True),
        sa.Column("load_cap", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "load_cap >= 0", name=op.f("ck_reviewer_profiles_load_cap_non_negative")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_reviewer_profiles_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_profiles")),
        sa.UniqueConstraint("user_id", name=op.f("uq_reviewer_profiles_user_id")),
    )
    op.create_table(
        "call_reviewers",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("call_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("reviewer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.String(length=2000), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "state IN ('invited', 'accepted', 'declined')",
            name=op.f("ck_call_reviewers_state_known"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_call_reviewers_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"], ["calls.id"], name=op.f("fk_call_reviewers_call_id_calls")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_call_reviewers_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_reviewers")),
        sa.UniqueConstraint("call_id", "reviewer_id", name="uq_call_reviewers_call_reviewer"),
    )
    with op.batch_alter_table("call_reviewers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_call_reviewers_call_id"), ["call_id"], unique=False)

    op.create_table(
        "rankings",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("call_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column(
            "entries",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("minutes", sa.Text(), nullable=True),
        sa.Column("finalised_by", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column(
            "finalised_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint("state IN ('draft', 'final')", name=op.f("ck_rankings_state_known")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_rankings_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_rankings_call_id_calls")),
        sa.ForeignKeyConstraint(
            ["finalised_by"], ["users.id"], name=op.f("fk_rankings_finalised_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rankings")),
    )
    with op.batch_alter_table("rankings", schema=None) as batch_op:
        batch_op.create_index(
            "ix_rankings_call_agency_round", ["call_id", "agency_id", "round"], unique=True
        )

    op.create_table(
        "reviewer_pools",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("profile_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_reviewer_pools_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["profile_id"],
            ["reviewer_profiles.id"],
            name=op.f("fk_reviewer_pools_profile_id_reviewer_profiles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviewer_pools")),
        sa.UniqueConstraint("profile_id", "agency_id", name="uq_reviewer_pools_profile_agency"),
    )
    op.create_table(
        "bids",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("reviewer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "level IN ('eager', 'willing', 'not_willing', 'conflict')",
            name=op.f("ck_bids_level_known"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_bids_proposal_id_proposals")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_bids_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_bids")),
        sa.UniqueConstraint("proposal_id", "reviewer_id", name="uq_bids_proposal_reviewer"),
    )
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_bids_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "conflicts",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("reviewer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("source", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=2000), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("decision_reason", sa.String(length=2000), nullable=True),
        sa.Column(
            "decided_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "status IN ('active', 'dismissed', 'waived')", name=op.f("ck_conflicts_status_known")
        ),
        sa.ForeignKeyConstraint(
            ["decided_by"], ["users.id"], name=op.f("fk_conflicts_decided_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_conflicts_proposal_id_proposals")
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_conflicts_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_conflicts")),
        sa.UniqueConstraint(
            "proposal_id", "reviewer_id", "source", name="uq_conflicts_pair_source"
        ),
    )
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_conflicts_proposal_id"), ["proposal_id"], unique=False)
        batch_op.create_index("ix_conflicts_reviewer", ["reviewer_id"], unique=False)

    op.create_table(
        "proposal_exclusions",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.Column("orcid", sa.String(length=19), nullable=True),
        sa.Column("reason", sa.String(length=2000), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_exclusions_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_exclusions")),
    )
    with op.batch_alter_table("proposal_exclusions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_exclusions_proposal_id"), ["proposal_id"], unique=False
        )

    op.create_table(
        "ranking_approvals",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("ranking_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("officer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_ranking_approvals_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["officer_id"], ["users.id"], name=op.f("fk_ranking_approvals_officer_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["ranking_id"], ["rankings.id"], name=op.f("fk_ranking_approvals_ranking_id_rankings")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ranking_approvals")),
        sa.UniqueConstraint("ranking_id", "agency_id", name="uq_ranking_approvals_ranking_agency"),
    )
    op.create_table(
        "review_assignments",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("reviewer_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("pool_agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("round", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("affinity", sa.Float(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("decline_reason", sa.String(length=2000), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["pool_agency_id"],
            ["agencies.id"],
            name=op.f("fk_review_assignments_pool_agency_id_agencies"),
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_review_assignments_proposal_id_proposals"),
        ),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["users.id"], name=op.f("fk_review_assignments_reviewer_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_review_assignments")),
        sa.UniqueConstraint(
            "proposal_id", "reviewer_id", "round", name="uq_review_assignments_pair_round"
        ),
    )
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_assignments_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index("ix_review_assignments_reviewer", ["reviewer_id"], unique=False)

    op.create_table(
        "reviews",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("assignment_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "scores",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("comments_to_applicants", sa.Text(), nullable=True),
        sa.Column("confidential_comments", sa.Text(), nullable=True),
        sa.Column("recommendation", sa.String(length=32), nullable=True),
        sa.Column("confidence", sa.Integer(), nullable=True),
        sa.Column(
            "submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "confidence IS NULL OR confidence BETWEEN 1 AND 5",
            name=op.f("ck_reviews_confidence_range"),
        ),
        sa.ForeignKeyConstraint(
            ["assignment_id"],
            ["review_assignments.id"],
            name=op.f("fk_reviews_assignment_id_review_assignments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reviews")),
        sa.UniqueConstraint("assignment_id", name=op.f("uq_reviews_assignment_id")),
    )


def downgrade() -> None:
    op.drop_table("reviews")
    with op.batch_alter_table("review_assignments", schema=None) as batch_op:
        batch_op.drop_index("ix_review_assignments_reviewer")
        batch_op.drop_index(batch_op.f("ix_review_assignments_proposal_id"))

    op.drop_table("review_assignments")
    op.drop_table("ranking_approvals")
    with op.batch_alter_table("proposal_exclusions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_exclusions_proposal_id"))

    op.drop_table("proposal_exclusions")
    with op.batch_alter_table("conflicts", schema=None) as batch_op:
        batch_op.drop_index("ix_conflicts_reviewer")
        batch_op.drop_index(batch_op.f("ix_conflicts_proposal_id"))

    op.drop_table("conflicts")
    with op.batch_alter_table("bids", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_bids_proposal_id"))

    op.drop_table("bids")
    op.drop_table("reviewer_pools")
    with op.batch_alter_table("rankings", schema=None) as batch_op:
        batch_op.drop_index("ix_rankings_call_agency_round")

    op.drop_table("rankings")
    with op.batch_alter_table("call_reviewers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_call_reviewers_call_id"))

    op.drop_table("call_reviewers")
    op.drop_table("reviewer_profiles")
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbox_messages_recipient"))

    op.drop_table("outbox_messages")
