"""Funding decisions and grants: each agency's approved budget grid beside its decision (an
approval of purpose `funding`), the grants awarded when every co-funding agency approved, one
side per agency with its grant number, awarded total and approved grid, and each agency's grant
number pattern.

Revision ID: 0006
Revises: 0004 (0005 is written in parallel on another branch; the two are chained at merge)
Create Date: 2026-12-01 13:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0004"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def upgrade() -> None:
    op.create_table(
        "approved_budget_lines",
        sa.Column("id", GUID, nullable=False),
        sa.Column("approval_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')",
            name=op.f("ck_approved_budget_lines_category_known"),
        ),
        sa.CheckConstraint(
            "amount >= 0", name=op.f("ck_approved_budget_lines_amount_non_negative")
        ),
        sa.CheckConstraint("year >= 1", name=op.f("ck_approved_budget_lines_year_positive")),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approvals.id"],
            name=op.f("fk_approved_budget_lines_approval_id_approvals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approved_budget_lines")),
        sa.UniqueConstraint(
            "approval_id", "year", "category", name="uq_approved_budget_lines_approval_line"
        ),
    )
    op.create_index(
        op.f("ix_approved_budget_lines_approval_id"),
        "approved_budget_lines",
        ["approval_id"],
        unique=False,
    )
    op.create_table(
        "grants",
        sa.Column("id", GUID, nullable=False),
        sa.Column("proposal_id", GUID, nullable=False),
        sa.Column("call_id", GUID, nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("start_date", sa.Date(), nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        sa.Column("duration_years", sa.Integer(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("duration_years > 0", name=op.f("ck_grants_duration_positive")),
        sa.CheckConstraint("end_date > start_date", name=op.f("ck_grants_ends_after_start")),
        sa.ForeignKeyConstraint(["call_id"], ["calls.id"], name=op.f("fk_grants_call_id_calls")),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposals.id"], name=op.f("fk_grants_proposal_id_proposals")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grants")),
        sa.UniqueConstraint("proposal_id", name=op.f("uq_grants_proposal_id")),
    )
    op.create_index(op.f("ix_grants_call_id"), "grants", ["call_id"], unique=False)
    op.create_table(
        "grant_sides",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("agency_id", GUID, nullable=False),
        sa.Column("part_id", GUID, nullable=False),
        sa.Column("decision_id", GUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=False),
        sa.Column("number_scope", sa.String(length=110), nullable=False),
        sa.Column("number_seq", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("awarded_total", sa.BigInteger(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("awarded_total >= 0", name=op.f("ck_grant_sides_awarded_non_negative")),
        sa.CheckConstraint("number_seq >= 1", name=op.f("ck_grant_sides_sequence_positive")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agencies.id"], name=op.f("fk_grant_sides_agency_id_agencies")
        ),
        sa.ForeignKeyConstraint(
            ["decision_id"], ["approvals.id"], name=op.f("fk_grant_sides_decision_id_approvals")
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_grant_sides_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["part_id"], ["proposal_parts.id"], name=op.f("fk_grant_sides_part_id_proposal_parts")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_sides")),
        sa.UniqueConstraint(
            "agency_id", "number_scope", "number_seq", name="uq_grant_sides_agency_sequence"
        ),
        sa.UniqueConstraint("grant_id", "agency_id", name="uq_grant_sides_grant_agency"),
        sa.UniqueConstraint("number", name="uq_grant_sides_number"),
    )
    op.create_index(op.f("ix_grant_sides_agency_id"), "grant_sides", ["agency_id"], unique=False)
    op.create_index(
        op.f("ix_grant_sides_decision_id"), "grant_sides", ["decision_id"], unique=False
    )
    op.create_index(op.f("ix_grant_sides_part_id"), "grant_sides", ["part_id"], unique=False)
    op.create_table(
        "grant_budget_lines",
        sa.Column("id", GUID, nullable=False),
        sa.Column("side_id", GUID, nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint(
            "category IN ('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')",
            name=op.f("ck_grant_budget_lines_category_known"),
        ),
        sa.CheckConstraint("amount >= 0", name=op.f("ck_grant_budget_lines_amount_non_negative")),
        sa.CheckConstraint("year >= 1", name=op.f("ck_grant_budget_lines_year_positive")),
        sa.ForeignKeyConstraint(
            ["side_id"],
            ["grant_sides.id"],
            name=op.f("fk_grant_budget_lines_side_id_grant_sides"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_grant_budget_lines")),
        sa.UniqueConstraint("side_id", "year", "category", name="uq_grant_budget_lines_side_line"),
    )
    op.create_index(
        op.f("ix_grant_budget_lines_side_id"), "grant_budget_lines", ["side_id"], unique=False
    )
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(sa.Column("grant_number_pattern", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.drop_column("grant_number_pattern")
    op.drop_index(op.f("ix_grant_budget_lines_side_id"), table_name="grant_budget_lines")
    op.drop_table("grant_budget_lines")
    op.drop_index(op.f("ix_grant_sides_part_id"), table_name="grant_sides")
    op.drop_index(op.f("ix_grant_sides_decision_id"), table_name="grant_sides")
    op.drop_index(op.f("ix_grant_sides_agency_id"), table_name="grant_sides")
    op.drop_table("grant_sides")
    op.drop_index(op.f("ix_grants_call_id"), table_name="grants")
    op.drop_table("grants")
    op.drop_index(op.f("ix_approved_budget_lines_approval_id"), table_name="approved_budget_lines")
    op.drop_table("approved_budget_lines")
