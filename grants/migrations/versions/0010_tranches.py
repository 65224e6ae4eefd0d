"""Tranches: each grant side's yearly payments on its agency's fiscal calendar, with the
amounts requested, approved and disbursed and the constraints that keep them in order.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-08 10:00:00
"""

from __future__ import annotations

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

GUID = advanced_alchemy.types.guid.GUID(length=16)
UTC = advanced_alchemy.types.datetime.DateTimeUTC(timezone=True)


def _user(name: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint([name], ["users.id"], name=op.f(f"fk_tranches_{name}_users"))


def upgrade() -> None:
    op.create_table(
        "tranches",
        sa.Column("id", GUID, nullable=False),
        sa.Column("grant_id", GUID, nullable=False),
        sa.Column("side_id", GUID, nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("fiscal_year", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=16), nullable=False),
        sa.Column("due_date", sa.Date(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("planned_amount", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.String(length=32), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("requested_amount", sa.BigInteger(), nullable=True),
        sa.Column("requested_by", GUID, nullable=True),
        sa.Column("requested_at", UTC, nullable=True),
        sa.Column("approved_amount", sa.BigInteger(), nullable=True),
        sa.Column("approved_by", GUID, nullable=True),
        sa.Column("approved_at", UTC, nullable=True),
        sa.Column("disbursed_amount", sa.BigInteger(), nullable=True),
        sa.Column("disbursed_by", GUID, nullable=True),
        sa.Column("disbursed_at", UTC, nullable=True),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.String(length=100), nullable=True),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC, nullable=False),
        sa.Column("updated_at", UTC, nullable=False),
        sa.CheckConstraint("planned_amount >= 0", name=op.f("ck_tranches_planned_non_negative")),
        sa.CheckConstraint(
            "requested_amount IS NULL OR "
            "(requested_amount >= 0 AND requested_amount <= planned_amount)",
            name=op.f("ck_tranches_requested_within_planned"),
        ),
        sa.CheckConstraint(
            "approved_amount IS NULL OR "
            "(approved_amount >= 0 AND approved_amount <= planned_amount)",
            name=op.f("ck_tranches_approved_within_planned"),
        ),
        sa.CheckConstraint(
            "disbursed_amount IS NULL OR (approved_amount IS NOT NULL "
            "AND disbursed_amount >= 0 AND disbursed_amount <= approved_amount)",
            name=op.f("ck_tranches_disbursed_within_approved"),
        ),
        sa.CheckConstraint("last_day >= first_day", name=op.f("ck_tranches_days_ordered")),
        sa.CheckConstraint("position >= 1", name=op.f("ck_tranches_position_positive")),
        sa.ForeignKeyConstraint(
            ["grant_id"],
            ["grants.id"],
            name=op.f("fk_tranches_grant_id_grants"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["side_id"],
            ["grant_sides.id"],
            name=op.f("fk_tranches_side_id_grant_sides"),
            ondelete="CASCADE",
        ),
        _user("requested_by"),
        _user("approved_by"),
        _user("disbursed_by"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tranches")),
        sa.UniqueConstraint("side_id", "fiscal_year", name="uq_tranches_side_fiscal_year"),
        sa.UniqueConstraint("side_id", "position", name="uq_tranches_side_position"),
    )
    op.create_index(op.f("ix_tranches_grant_id"), "tranches", ["grant_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_tranches_grant_id"), table_name="tranches")
    op.drop_table("tranches")
