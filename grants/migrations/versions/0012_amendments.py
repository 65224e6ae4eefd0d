"""Amendments: budget moves within one grant side and no-cost extensions, with what was
proposed and what was approved; each agency's threshold for budget moves needing no approval.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 16:00:00
"""

from __future__ import annotations

from typing import Any

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)
CATEGORIES = "('personnel', 'equipment', 'consumables', 'travel', 'other', 'indirect')"


def _audit_columns() -> list[sa.Column[Any]]:
    return [
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
    ]


def upgrade() -> None:
    _amendments()
    _moves()
    op.create_table(
        "approved_end_dates",
        sa.Column("id", GUID, nullable=False),
        sa.Column("approval_id", GUID, nullable=False),
        sa.Column("end_date", sa.Date(), nullable=False),
        *_audit_columns(),
        sa.ForeignKeyConstraint(
            ["approval_id"],
            ["approvals.id"],
            name=op.f("fk_approved_end_dates_approval_id_approvals"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_approved_end_dates")),
        sa.UniqueConstraint("approval_id", name=op.f("uq_approved_end_dates_approval_id")),
    )
    with op.batch_alter_table("agencies") as batch:
        batch.add_column(
            sa.Column(
                "budget_move_threshold_percent", sa.Integer(), nullable=False, server_default="10"
            )
        )
        batch.create_check_constraint(
            "move_threshold_range", "budget_move_threshold_percent BETWEEN 0 AND 100"
        )


def _amendments() -> None:
    op.create_table(
        "amendments",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("side_id", GUID, nullable=True),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("requested_by", GUID, nullable=False),
        sa.Column("requested_at", UTC, nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("previous_end_date", sa.Date(), nullable=True),
        sa.Column("proposed_end_date", sa.Date(), nullable=True),
        sa.Column("approved_end_date", sa.Date(), nullable=True),
        *_audit_columns(),
        sa.CheckConstraint(
            "kind IN ('budget_move', 'no_cost_extension')", name=op.f("ck_amendments_kind_known")
        ),
        sa.CheckConstraint(
            "(kind = 'budget_move' AND side_id IS NOT NULL AND proposed_end_date IS NULL) OR "
            "(kind = 'no_cost_extension' AND side_id IS NULL AND proposed_end_date IS NOT NULL)",
            name=op.f("ck_amendments_kind_fields"),
        ),
        sa.CheckConstraint(
            "approved_end_date IS NULL OR "
            "(proposed_end_date IS NOT NULL AND approved_end_date <= proposed_end_date)",
            name=op.f("ck_amendments_approved_end_within_proposed"),
        ),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_amendments_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["side_id"],
            ["grant_sides.id"],
            name=op.f("fk_amendments_side_id_grant_sides"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["requested_by"], ["users.id"], name=op.f("fk_amendments_requested_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendments")),
    )
    op.create_index(op.f("ix_amendments_grant_id"), "amendments", ["grant_id"], unique=False)
    op.create_index(op.f("ix_amendments_side_id"), "amendments", ["side_id"], unique=False)


def _moves() -> None:
    op.create_table(
        "amendment_moves",
        sa.Column("id", GUID, nullable=False),
        sa.Column("amendment_id", GUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("from_year", sa.Integer(), nullable=False),
        sa.Column("from_category", sa.String(length=20), nullable=False),
        sa.Column("to_year", sa.Integer(), nullable=False),
        sa.Column("to_category", sa.String(length=20), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("proposed_amount", sa.BigInteger(), nullable=False),
        sa.Column("approved_amount", sa.BigInteger(), nullable=True),
        *_audit_columns(),
        sa.CheckConstraint(
            "proposed_amount > 0", name=op.f("ck_amendment_moves_proposed_positive")
        ),
        sa.CheckConstraint(
            "approved_amount IS NULL OR "
            "(approved_amount >= 0 AND approved_amount <= proposed_amount)",
            name=op.f("ck_amendment_moves_approved_within_proposed"),
        ),
        sa.CheckConstraint(
            "from_year >= 1 AND to_year >= 1", name=op.f("ck_amendment_moves_years_positive")
        ),
        sa.CheckConstraint(
            f"from_category IN {CATEGORIES}", name=op.f("ck_amendment_moves_from_category_known")
        ),
        sa.CheckConstraint(
            f"to_category IN {CATEGORIES}", name=op.f("ck_amendment_moves_to_category_known")
        ),
        sa.CheckConstraint(
            "from_year <> to_year OR from_category <> to_category",
            name=op.f("ck_amendment_moves_moves_somewhere"),
        ),
        sa.ForeignKeyConstraint(
            ["amendment_id"],
            ["amendments.id"],
            name=op.f("fk_amendment_moves_amendment_id_amendments"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_amendment_moves")),
        sa.UniqueConstraint("amendment_id", "position", name="uq_amendment_moves_position"),
    )
    op.create_index(
        op.f("ix_amendment_moves_amendment_id"), "amendment_moves", ["amendment_id"], unique=False
    )


def downgrade() -> None:
    with op.batch_alter_table("agencies") as batch:
        batch.drop_constraint("move_threshold_range", type_="check")
        batch.drop_column("budget_move_threshold_percent")
    op.drop_table("approved_end_dates")
    op.drop_index(op.f("ix_amendment_moves_amendment_id"), table_name="amendment_moves")
    op.drop_table("amendment_moves")
    op.drop_index(op.f("ix_amendments_side_id"), table_name="amendments")
    op.drop_index(op.f("ix_amendments_grant_id"), table_name="amendments")
    op.drop_table("amendments")
