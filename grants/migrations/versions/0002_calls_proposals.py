"""Calls, proposals with parts, members, budgets, invitations and documents; user country.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 14:07:14.413435
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "calls",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("code", sa.String(length=40), nullable=False),
        sa.Column(
            "title",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "description",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "topics",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "opens_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "closes_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "durations",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("cofunding_mode", sa.String(length=16), nullable=False),
        sa.Column("review_mode", sa.String(length=16), nullable=False),
        sa.Column("reviewers_per_proposal", sa.Integer(), nullable=False),
        sa.Column("min_reviewers_per_country", sa.Integer(), nullable=False),
        sa.Column(
            "review_deadline",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column(
            "rubric",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "document_kinds",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("last_proposal_number", sa.Integer(), nullable=False),
        sa.Column("created_by", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "cofunding_mode IN ('own_side', 'shared')", name=op.f("ck_calls_cofunding_mode_known")
        ),
        sa.CheckConstraint(
            "review_mode IN ('parallel', 'joint')", name=op.f("ck_calls_review_mode_known")
        ),
        sa.CheckConstraint("closes_at > opens_at", name=op.f("ck_calls_closes_after_opening")),
        sa.CheckConstraint(
            "min_reviewers_per_country >= 0", name=op.f("ck_calls_country_minimum_non_negative")
        ),
        sa.CheckConstraint("reviewers_per_proposal >= 1", name=op.f("ck_calls_reviewers_positive")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_calls_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calls")),
        sa.UniqueConstraint("code", name=op.f("uq_calls_code")),
    )
    op.create_table(
        "call_agencies",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("call_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("cap_per_year", sa.BigInteger(), nullable=True),
        sa.Column("cap_total", sa.BigInteger(), nullable=True),
        sa.Column("envelope", sa.BigInteger(), nullable=True),
        sa.Column("max_indirect_percent", sa.Integer(), nullable=False),
        sa.Column("pi_once_per_call", sa.Boolean(), nullable=False),
        sa.Column("share_percent", sa.Integer(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "cap_per_year IS NULL OR cap_per_year > 0",
            name=op.f("ck_call_agencies_cap_per_year_positive"),
        ),
        sa.CheckConstraint(
            "cap_total IS NULL OR cap_total > 0", name=op.f("ck_call_agencies_cap_total_positive")
        ),
        sa.CheckConstraint(
            "envelope IS NULL OR envelope > 0", name=op.f("ck_call_agencies_envelope_positive")
        ),
        sa.CheckConstraint(
            "max_indirect_percent BETWEEN 0 AND 100",
            name=op.f("ck_call_agencies_indirect_percent_range"),
        ),
        sa.CheckConstraint(
            "share_percent IS NULL OR share_percent BETWEEN 1 AND 99",
            name=op.f("ck_call_agencies_share_range"),
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_call_agencies_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["call_id"],
            ["calls.id"],
            name=op.f("fk_call_agencies_call_id_calls"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_call_agencies")),
        sa.UniqueConstraint("call_id", "agency_id", name="uq_call_agencies_call_agency"),
    )
    op.create_table(
        "proposals",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("call_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("reference", sa.String(length=64), nullable=True),
        sa.Column(
            "title",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "abstract",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column(
            "keywords",
            sa.JSON()
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "cockroachdb")
            .with_variant(advanced_alchemy.types.json.ORA_JSONB(), "oracle")
            .with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("topic", sa.String(length=100), nullable=False),
        sa.Column("duration_years", sa.Integer(), nullable=False),
        sa.Column("planned_start", sa.Date(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created_by", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "submitted_at",
            advanced_alchemy.types.datetime.DateTimeUTC(timezone=True),
            nullable=True,
        ),
        sa.Column("eligibility_reason", sa.String(length=2000), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint("duration_years > 0", name=op.f("ck_proposals_duration_positive")),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_proposals_call_id_calls")),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_proposals_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposals")),
        sa.UniqueConstraint("call_id", "number", name="uq_proposals_call_number"),
        sa.UniqueConstraint("reference", name=op.f("uq_proposals_reference")),
    )
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_proposals_call_id"), ["call_id"], unique=False)

    op.create_table(
        "documents",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("kind", sa.String(length=64), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("original_name", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=127), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("storage_key", sa.String(length=200), nullable=False),
        sa.Column("uploaded_by", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint("size >= 0", name=op.f("ck_documents_size_non_negative")),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_documents_proposal_id_proposals")
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by"], ["users.id"], name=op.f("fk_documents_uploaded_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint(
            "proposal_id", "kind", "version", name="uq_documents_proposal_kind_version"
        ),
        sa.UniqueConstraint("storage_key", name=op.f("uq_documents_storage_key")),
    )
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_documents_proposal_id"), ["proposal_id"], unique=False)

    op.create_table(
        "proposal_parts",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("agency_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("pi_user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("institution_ror", sa.String(length=9), nullable=True),
        sa.Column("institution_name", sa.String(length=300), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_proposal_parts_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["pi_user_id"], ["users.id"], name=op.f("fk_proposal_parts_pi_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_parts_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_parts")),
        sa.UniqueConstraint("proposal_id", "agency_id", name="uq_proposal_parts_proposal_agency"),
    )
    with op.batch_alter_table("proposal_parts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_parts_pi_user_id"), ["pi_user_id"], unique=False
        )

    op.create_table(
        "budget_lines",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("part_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')",
            name=op.f("ck_budget_lines_category_known"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_budget_lines_amount_non_negative")),
        sa.CheckConstraint("year >= 1", name=op.f("ck_budget_lines_year_positive")),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["proposal_parts.id"],
            name=op.f("fk_budget_lines_part_id_proposal_parts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_budget_lines")),
        sa.UniqueConstraint(
            "part_id", "year", "category", name="uq_budget_lines_part_year_category"
        ),
    )
    op.create_table(
        "part_members",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("part_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("user_id", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("orcid", sa.String(length=19), nullable=True),
        sa.Column("erad_number", sa.String(length=8), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.CheckConstraint(
            "role IN ('pi', 'co_investigator', 'member')",
            name=op.f("ck_part_members_member_role_known"),
        ),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["proposal_parts.id"],
            name=op.f("fk_part_members_part_id_proposal_parts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_part_members_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_part_members")),
        sa.UniqueConstraint("part_id", "email", name="uq_part_members_part_email"),
    )
    with op.batch_alter_table("part_members", schema=None) as batch_op:
        batch_op.create_index("ix_part_members_email", ["email"], unique=False)
        batch_op.create_index("ix_part_members_user", ["user_id"], unique=False)

    op.create_table(
        "proposal_invitations",
        sa.Column("id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("proposal_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("part_id", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("invited_by", advanced_alchemy.types.guid.GUID(length=16), nullable=False),
        sa.Column(
            "expires_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "accepted_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=True
        ),
        sa.Column("accepted_by", advanced_alchemy.types.guid.GUID(length=16), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column(
            "created_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.Column(
            "updated_at", advanced_alchemy.types.datetime.DateTimeUTC(timezone=True), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["accepted_by"], ["users.id"], name=op.f("fk_proposal_invitations_accepted_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["invited_by"], ["users.id"], name=op.f("fk_proposal_invitations_invited_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["part_id"],
            ["proposal_parts.id"],
            name=op.f("fk_proposal_invitations_part_id_proposal_parts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"],
            ["proposals.id"],
            name=op.f("fk_proposal_invitations_proposal_id_proposals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_proposal_invitations")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_proposal_invitations_token_hash")),
    )
    with op.batch_alter_table("proposal_invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_proposal_invitations_proposal_id"), ["proposal_id"], unique=False
        )

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("country", sa.String(length=2), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("country")

    with op.batch_alter_table("proposal_invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_invitations_proposal_id"))

    op.drop_table("proposal_invitations")
    with op.batch_alter_table("part_members", schema=None) as batch_op:
        batch_op.drop_index("ix_part_members_user")
        batch_op.drop_index("ix_part_members_email")

    op.drop_table("part_members")
    op.drop_table("budget_lines")
    with op.batch_alter_table("proposal_parts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposal_parts_pi_user_id"))

    op.drop_table("proposal_parts")
    with op.batch_alter_table("documents", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_documents_proposal_id"))

    op.drop_table("documents")
    with op.batch_alter_table("proposals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_proposals_call_id"))

    op.drop_table("proposals")
    op.drop_table("call_agencies")
    op.drop_table("calls")
